import { createHash } from "node:crypto";
import { liveBus, type BusMessage, type Change, type LiveBus } from "./bus.server";

/**
 * A server-sent event stream for one open page (issue 18; docs/decisions/0180-live-updates.md).
 *
 * The stream never forwards what the bus carries. On every change it re-runs `version`, which re-checks the
 * subscriber's session and permission exactly as the page's loader does (throwing the same 401/403/404
 * response) and returns a short fingerprint of what that page shows; only when the fingerprint differs from the
 * one the page was rendered with does it send `event: change` with the new fingerprint. The page then
 * revalidates (useLiveUpdates) and reads the data through its own loader. So a subscriber learns nothing it
 * could not read, and a change that does not alter its page (someone else's draft, another inquiry) sends nothing.
 *
 * - Changes arriving while `version` runs are folded into one more run after it (no timers).
 * - A comment every `keepAliveMs` (25 s) keeps proxies from closing an idle stream.
 * - The stream ends when the browser goes away (request.signal), when `version` throws (signed out, permission
 *   gone: the browser's reconnect then receives the refusal and stops), and when the server shuts down.
 */
export interface LiveStreamOptions {
  /** The fingerprint of what the subscriber's page shows; throws a Response when the subscriber may not see it. */
  version: () => Promise<string>;
  /** The fingerprint the page was rendered with (?v=…): a change between render and connection is sent at once. */
  since?: string | null;
  /** Which changes can alter the page; default: every change except those that never show on a live page. */
  concerns?: (change: Change) => boolean;
  keepAliveMs?: number;
  bus?: LiveBus;
}

/** Changes that no live page shows: sign-ins, meeting drafts saved while typing, notifications. */
const NEVER_SHOWN = new Set(["session", "meeting_draft", "notification"]);

export const everyShownChange = (change: Change) => !NEVER_SHOWN.has(change.e);

/** A short, opaque fingerprint of a value (sha-256, 16 hex digits): says that something changed, not what. */
export function fingerprint(value: unknown): string {
  return createHash("sha256").update(JSON.stringify(value)).digest("hex").slice(0, 16);
}

/** The `v` query parameter of a stream URL (the fingerprint the page was rendered with), if well-formed. */
export function sinceOf(request: Request): string | null {
  const v = new URL(request.url).searchParams.get("v");
  return v && /^[0-9a-f]{16}$/.test(v) ? v : null;
}

export function liveStream(request: Request, options: LiveStreamOptions): Response {
  const bus = options.bus ?? liveBus();
  const concerns = options.concerns ?? everyShownChange;
  const encoder = new TextEncoder();
  let last: string | null = options.since ?? null;
  let closed = false;
  let running = false;
  let again = false;
  let keepAlive: NodeJS.Timeout | undefined;
  let unsubscribe: (() => void) | undefined;

  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (text: string) => {
        if (!closed) controller.enqueue(encoder.encode(text));
      };
      const close = () => {
        if (closed) return;
        closed = true;
        clearInterval(keepAlive);
        unsubscribe?.();
        request.signal.removeEventListener("abort", close);
        try {
          controller.close();
        } catch {
          // already closed by the reader going away
        }
      };
      const check = async () => {
        if (running) {
          again = true;
          return;
        }
        running = true;
        try {
          do {
            again = false;
            const now = await options.version();
            if (closed) return;
            if (now !== last) {
              if (last !== null) send(`event: change\ndata: ${JSON.stringify({ v: now })}\n\n`);
              last = now;
            }
          } while (again && !closed);
        } catch {
          // refused (signed out, no longer permitted, record gone) or the database failed: end the stream
          close();
        } finally {
          running = false;
        }
      };
      const onMessage = (message: BusMessage) => {
        if (message.kind === "closing") close();
        else if (message.kind === "resync" || concerns(message.change)) void check();
      };

      if (request.signal.aborted) return close();
      request.signal.addEventListener("abort", close);
      unsubscribe = bus.subscribe(onMessage);
      // a retry delay for the browser's reconnect, and a first line that sends the headers now
      send("retry: 3000\n: live\n\n");
      keepAlive = setInterval(() => send(": keep-alive\n\n"), options.keepAliveMs ?? 25_000);
      keepAlive.unref?.();
      void check();
    },
    cancel() {
      closed = true;
      clearInterval(keepAlive);
      unsubscribe?.();
    },
  });

  return new Response(body, {
    headers: {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-store, no-transform",
      // nginx would otherwise hold the events back in its buffer
      "X-Accel-Buffering": "no",
    },
  });
}
