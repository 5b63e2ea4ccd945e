/**
 * The floor: the same work the pages do — the session lookup and the same domain functions, so the same SQL
 * through the same driver — behind a bare node:http handler that returns JSON: no Remix, no React, no HTML.
 * page/floor shows what the framework and rendering add.
 */
import { createServer } from "node:http";
import { listQueue } from "../../app/queue/queue.server";
import { getCurrentUser } from "../../app/auth/session.server";
import { homeData } from "../../app/dashboard/dashboard.server";
import { getDb } from "../../app/db.server";
import { loadInbox } from "../../app/inbox.server";
import { getInquiry } from "../../app/inquiries/inquiries.server";
import { publicDigestPage } from "../../app/meeting/public.server";
import { ledgerPageData } from "../../app/rectification/ledger.server";
import { parseSearchQuery, search } from "../../app/search/search.server";
import { pageFrom } from "../../app/utils/paging";

const db = getDb();

type Handler = (url: URL, request: Request) => Promise<unknown>;

/** Pages that need a signed-in user: 401 without one, as the pages redirect. */
const signedIn =
  (handler: (url: URL, user: NonNullable<Awaited<ReturnType<typeof getCurrentUser>>>) => Promise<unknown>): Handler =>
  async (url, request) => {
    const user = await getCurrentUser(request);
    if (!user) throw Object.assign(new Error("not signed in"), { status: 401 });
    return handler(url, user);
  };

const handlers: Record<string, Handler> = {
  "/healthz": async () => "ok",
  "/floor/home": signedIn(async (_url, user) => homeData(db, user)),
  "/floor/ledger": signedIn(async (url) => {
    const inquiry = await getInquiry(db, Number(url.searchParams.get("inquiry")));
    if (!inquiry) throw Object.assign(new Error("no inquiry"), { status: 404 });
    return { inquiry, ...(await ledgerPageData(db, inquiry.id, url, pageFrom(url), 20)) };
  }),
  "/floor/my": signedIn(async (url, user) => loadInbox(db, user, url)),
  "/floor/queue": signedIn(async (url, user) => listQueue(db, user, {}, { page: pageFrom(url), pageSize: 30 })),
  "/floor/search": signedIn(async (url, user) => {
    const parsed = parseSearchQuery(url.searchParams.get("q") ?? "");
    return parsed.ok ? search(db, user, parsed, { page: pageFrom(url), pageSize: 20 }) : parsed;
  }),
  "/floor/digest": async (url) => publicDigestPage(db, Number(url.searchParams.get("inquiry"))),
};

createServer(async (req, res) => {
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  const handler = handlers[url.pathname];
  if (!handler) {
    res.writeHead(404).end();
    return;
  }
  try {
    const request = new Request(url, { headers: { cookie: req.headers.cookie ?? "" } });
    const body = JSON.stringify(await handler(url, request));
    res.writeHead(200, { "content-type": "application/json; charset=utf-8" }).end(body);
  } catch (error) {
    res.writeHead((error as { status?: number }).status ?? 500).end(String(error));
  }
}).listen(Number(process.env.PORT || 3401), "127.0.0.1");
