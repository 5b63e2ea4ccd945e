import { PassThrough } from "node:stream";
import type { AppLoadContext, EntryContext } from "@remix-run/node";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { isRouteErrorResponse, RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import { sql } from "kysely";
import { getDb } from "./db.server";

export { prepareDatabase } from "./db.server";

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

export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  _loadContext: AppLoadContext,
) {
  const bot = isbot(request.headers.get("user-agent") || "");
  return new Promise((resolve, reject) => {
    let shellRendered = false;
    const { pipe, abort } = renderToPipeableStream(
      <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} />,
      {
        [bot ? "onAllReady" : "onShellReady"]() {
          shellRendered = true;
          const body = new PassThrough();
          body.once("close", () => clearTimeout(abortTimer));
          const stream = createReadableStreamFromReadable(body);
          responseHeaders.set("Content-Type", "text/html; charset=utf-8");
          resolve(new Response(stream, { headers: responseHeaders, status: responseStatusCode }));
          pipe(body);
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
