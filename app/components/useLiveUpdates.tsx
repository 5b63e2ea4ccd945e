import { useEffect, useRef, useState } from "react";
import { useNavigation, useRevalidator } from "@remix-run/react";

export type LiveState = "connecting" | "open" | "polling" | "off";

/**
 * Keeps a page live without reloading (issue 18; docs/decisions/0180-live-updates.md): listens to the page's
 * server-sent event stream (`url`, e.g. /votes/7/events) and, on each "change", re-runs the page's loaders once
 * nothing else is loading or submitting. `version` is the fingerprint the page was rendered with (sent as ?v=…,
 * so a change between render and connection arrives at once).
 *
 * - A hidden tab closes its stream (a browser allows only six connections per site); back in view it reconnects
 *   and looks again, since changes may have been missed meanwhile.
 * - A stream the server refuses or that the browser cannot open falls back to re-running the loaders every 30 s.
 * - `url` null: not live (e.g. a closed vote).
 */
export function useLiveUpdates(url: string | null, version: string | null): LiveState {
  const revalidator = useRevalidator();
  const navigation = useNavigation();
  const [state, setState] = useState<LiveState>(url ? "connecting" : "off");
  const [due, setDue] = useState(0);
  const handled = useRef(0);
  const versionRef = useRef(version);
  versionRef.current = version;
  const idle = revalidator.state === "idle" && navigation.state === "idle";

  useEffect(() => {
    if (!url) {
      setState("off");
      return;
    }
    if (typeof EventSource === "undefined") {
      setState("polling");
      return;
    }
    let source: EventSource | null = null;
    let everOpen = false;
    const markDue = () => setDue((n) => n + 1);
    const connect = () => {
      const v = versionRef.current;
      const next = new EventSource(v ? `${url}${url.includes("?") ? "&" : "?"}v=${encodeURIComponent(v)}` : url);
      source = next;
      setState("connecting");
      next.addEventListener("change", markDue);
      next.onopen = () => {
        // a reconnect after a drop: changes may have been missed while it was away
        if (everOpen) markDue();
        everOpen = true;
        setState("open");
      };
      next.onerror = () => {
        // CLOSED: refused (403, signed out) or not an event stream; otherwise the browser reconnects by itself
        if (next.readyState === EventSource.CLOSED) {
          if (source === next) source = null;
          setState("polling");
        } else setState("connecting");
      };
    };
    const onVisibility = () => {
      if (document.visibilityState === "hidden") {
        source?.close();
        source = null;
      } else if (!source) {
        connect();
        markDue();
      }
    };
    if (document.visibilityState !== "hidden") connect();
    document.addEventListener("visibilitychange", onVisibility);
    return () => {
      document.removeEventListener("visibilitychange", onVisibility);
      source?.close();
      source = null;
    };
  }, [url]);

  // without a stream: look again every 30 s while the tab is visible
  useEffect(() => {
    if (state !== "polling" || !idle) return;
    const timer = setInterval(() => {
      if (document.visibilityState === "visible") setDue((n) => n + 1);
    }, 30_000);
    return () => clearInterval(timer);
  }, [state, idle]);

  useEffect(() => {
    if (due === handled.current || !idle) return;
    handled.current = due;
    revalidator.revalidate();
    // revalidator is a new object each render; `due` and `idle` decide when to revalidate
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [due, idle]);

  return state;
}

const LABELS: Record<LiveState, string> = {
  connecting: "正在连接实时更新…",
  open: "实时更新",
  polling: "每 30 秒自动刷新",
  off: "",
};

/** A small note of whether the page updates itself (data-state is what the end-to-end tests wait for). */
export function LiveStatus({ state }: { state: LiveState }) {
  if (state === "off") return null;
  return (
    <span className={`live-status live-${state} no-print`} data-testid="live-status" data-state={state} role="status">
      {LABELS[state]}
    </span>
  );
}
