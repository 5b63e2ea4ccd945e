import { useEffect } from "react";
import { useNavigation, useRevalidator } from "@remix-run/react";

/**
 * Keeps a page live without reloading: while `active`, re-runs the loaders every `ms` milliseconds when the tab
 * is visible and nothing else is loading or submitting. Polling rather than server-sent events: a held-open
 * stream would occupy one of the server's limited in-flight request slots per phone (server.mjs). Without
 * JavaScript the page carries a <noscript> refresh instead (LiveNoScriptRefresh).
 */
export function useLiveRevalidate(active: boolean, ms = 3000) {
  const revalidator = useRevalidator();
  const navigation = useNavigation();
  const idle = revalidator.state === "idle" && navigation.state === "idle";
  useEffect(() => {
    if (!active || !idle) return;
    const timer = setInterval(() => {
      if (document.visibilityState === "visible") revalidator.revalidate();
    }, ms);
    return () => clearInterval(timer);
    // revalidator is a new object each render; idle and active decide when to poll again
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [active, idle, ms]);
}
