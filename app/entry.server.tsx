import { randomBytes } from "node:crypto";
import { PassThrough, pipeline } from "node:stream";
import type { AppLoadContext, EntryContext } from "@remix-run/node";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { isRouteErrorResponse, RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import { sql } from "kysely";
import { getDb } from "./db.server";
import { dropNulBytes } from "./utils/html-stream.server";
import { NonceContext } from "./utils/nonce";

export { closeDatabase, prepareDatabase } from "./db.server";
export { checkServerSettings, planProcesses } from "./live/processes.server";
export { stopLiveBus } from "./live/bus.server";

/** Called hourly by server.mjs: the daily jobs run once per calendar day (Asia/Shanghai). */
export async function runDailyJobs(): Promise<void> {
  const { runRemindersIfDue } = await import("./notifications/reminders.server");
  await runRemindersIfDue(getDb());
}

/** Used by /healthz in server.mjs. */
export async function checkHealth(): Promise<void> {
  await sql`select 1`.execute(getDb());
}

const ABORT_DELAY = 5_000;

/**
 * The Content-Security-Policy of every page (issue 16): scripts only from this site or inline with this
 * request's nonce (Remix's hydration scripts, rendered with it in app/root.tsx); no plug-ins, no framing by
 * other sites, forms post only here. Styles allow inline `style` attributes, which the pages and the rich-text
 * display use; the rich-text HTML itself is rebuilt from an allow-list on the server (app/richtext).
 */
export function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'self'",
  ].join("; ");
}

/**
 * Pages and loader data of a signed-in user are never stored by the browser or a proxy (a shared PC's back
 * button after sign-out must not show them); anonymous pages are revalidated each time.
 */
function setCacheControl(request: Request, headers: Headers) {
  if (headers.has("Cache-Control")) return;
  const signedIn = /(?:^|;\s*)xunwen_session=[^;]/.test(request.headers.get("cookie") ?? "");
  headers.set("Cache-Control", signedIn ? "private, no-store" : "no-cache");
}

export function handleDataRequest(response: Response, { request }: { request: Request }) {
  setCacheControl(request, response.headers);
  return response;
}

export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  _loadContext: AppLoadContext,
) {
  const bot = isbot(request.headers.get("user-agent") || "");
  const nonce = randomBytes(16).toString("base64");
  responseHeaders.set("Content-Security-Policy", contentSecurityPolicy(nonce));
  setCacheControl(request, responseHeaders);
  return new Promise((resolve, reject) => {
    let shellRendered = false;
    const { pipe, abort } = renderToPipeableStream(
      <NonceContext.Provider value={nonce}>
        <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} nonce={nonce} />
      </NonceContext.Provider>,
      {
        nonce,
        [bot ? "onAllReady" : "onShellReady"]() {
          shellRendered = true;
          const body = new PassThrough();
          body.once("close", () => clearTimeout(abortTimer));
          const stream = createReadableStreamFromReadable(body);
          responseHeaders.set("Content-Type", "text/html; charset=utf-8");
          resolve(new Response(stream, { headers: responseHeaders, status: responseStatusCode }));
          // React 18's renderer can send unused zero bytes where a Chinese character crosses its buffer (dropNulBytes)
          // (pipeline: a response closed early destroys the filter too, so React sees its destination close and stops)
          const clean = dropNulBytes();
          pipeline(clean, body, () => {});
          pipe(clean);
        },
        onShellError(error: unknown) {
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          if (shellRendered) console.error(error);
        },
      },
    );
    // abort a render that has not finished in time; cleared when the response is done
    const abortTimer = setTimeout(abort, ABORT_DELAY);
  });
}

export function handleError(error: unknown, { request }: { request: Request }) {
  // Aborted requests and 4xx responses (not found, forbidden) are not server faults.
  if (request.signal.aborted || isRouteErrorResponse(error)) return;
  console.error(error);
}
