/**
 * The floor: the same queries the pages run, through the same driver and domain functions, behind a bare
 * node:http handler that returns JSON — no Remix, no React, no session lookup. page/floor shows what the
 * framework and rendering add.
 */
import { createServer } from "node:http";
import { openDatabase } from "../../db/client";
import { staffDashboard } from "../../app/dashboard/dashboard.server";
import { getPublishedDigest } from "../../app/meeting/digest.server";
import { loadMyMeeting } from "../../app/meeting/my.server";
import { loadMyOutlineQuestions } from "../../app/outline/my.server";
import { ledgerFilterFrom, ledgerSummary, listLedger } from "../../app/rectification/rectification.server";
import { parseSearchQuery, search } from "../../app/search/search.server";

const db = openDatabase();
const staff = { role: "staff" as const, organizationId: null, organizationKind: null, id: 2 };
const deptRow = await db.selectFrom("users").innerJoin("organizations", "organizations.id", "users.organization_id")
  .select(["users.id", "users.organization_id", "organizations.kind"]).where("users.role", "=", "department").orderBy("users.id").executeTakeFirstOrThrow();
const department = { role: "department" as const, id: deptRow.id, organizationId: deptRow.organization_id, organizationKind: deptRow.kind };

const handlers: Record<string, (url: URL) => Promise<unknown>> = {
  "/healthz": async () => "ok",
  "/floor/dashboard": async () => staffDashboard(db),
  "/floor/ledger": async (url) => {
    const inquiryId = Number(url.searchParams.get("inquiry"));
    const summary = await ledgerSummary(db, inquiryId);
    const page = Number(url.searchParams.get("page") ?? 1);
    return { summary, ledger: await listLedger(db, inquiryId, ledgerFilterFrom(url), { page, pageSize: 20 }, undefined, summary.warningDays) };
  },
  "/floor/my": async () => ({ outline: await loadMyOutlineQuestions(db, department), meeting: await loadMyMeeting(db, department) }),
  "/floor/search": async (url) => {
    const parsed = parseSearchQuery(url.searchParams.get("q") ?? "");
    return parsed.ok ? search(db, staff, parsed, { page: 1, pageSize: 20 }) : parsed;
  },
  "/floor/digest": async (url) => getPublishedDigest(db, Number(url.searchParams.get("inquiry"))),
};

createServer(async (req, res) => {
  const url = new URL(req.url ?? "/", "http://floor");
  const handler = handlers[url.pathname];
  if (!handler) {
    res.writeHead(404).end();
    return;
  }
  try {
    const body = JSON.stringify(await handler(url));
    res.writeHead(200, { "content-type": "application/json; charset=utf-8" }).end(body);
  } catch (error) {
    res.writeHead(500).end(String(error));
  }
}).listen(Number(process.env.PORT || 3401), "127.0.0.1");
