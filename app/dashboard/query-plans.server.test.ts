import { CompiledQuery, Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Sqlite3Dialect } from "../../db/sqlite3-dialect";
import type { Database } from "../../db/schema";
import { generate, type GenerateReport } from "../../scripts/bench/generate";
import type { CurrentUser } from "../auth/session.server";
import { loadInbox } from "../inbox.server";
import { listQueue } from "../queue/queue.server";
import { ledgerPageData } from "../rectification/ledger.server";
import { ON_SQLITE, createTestDb, type TestDb } from "../test/db";
import { homeData } from "./dashboard.server";

/**
 * Work proportional to the page, not the data (issue 19): every statement the hot pages run — the staff
 * dashboard, a department's /my, the staff queue and a ledger page — is planned by SQLite on data shaped like
 * the benchmark's (scripts/bench/generate.ts, small) and must not read a large table whole: no plain `SCAN` of
 * one, and no scan of all of one's index either, except where the plan walks an index in the page's order
 * (`SCAN … USING INDEX` with no temporary sort), which stops at the page's LIMIT.
 */
const LARGE = ["rectification_items", "progress_reports", "rectification_codepartments", "item_events", "audit_log", "meeting_segments", "meeting_turns", "written_replies", "outline_questions", "preparation_answers", "notifications"];

let t: TestDb;
let info: GenerateReport;
const seen: CompiledQuery[] = [];
let traced: Kysely<Database>;

// SQLite's planner only (EXPLAIN QUERY PLAN, the serialising dialect); PostgreSQL's plans depend on statistics
beforeAll(async () => {
  if (!ON_SQLITE) return;
  t = await createTestDb();
  info = await generate(t.db, { name: "plans", inquiries: 6, exchangesPerInquiry: 5, itemsPerInquiry: 40, reportsPerItem: 1, organizations: 20, accounts: 240 });
  traced = new Kysely<Database>({
    dialect: new Sqlite3Dialect({ filename: t.path, readers: 1 }),
    log: (event) => {
      if (event.level === "query") seen.push(event.query);
    },
  });
}, 120_000);

afterAll(async () => {
  await traced?.destroy();
  await t?.cleanup();
});

/** The table aliases of a statement (`from x as y`, `join x as y`, `from x`), so a plan's `SCAN y` names its table. */
function tablesByAlias(sqlText: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const m of sqlText.matchAll(/\b(?:from|join)\s+"?(\w+)"?(?:\s+as\s+"?(\w+)"?)?/gi)) map.set(m[2] ?? m[1], m[1]);
  return map;
}

/** The plan lines of every statement `run` issues that scan a large table whole. */
async function fullScans(run: () => Promise<unknown>): Promise<string[]> {
  seen.length = 0;
  await run();
  const found: string[] = [];
  for (const query of [...seen]) {
    if (!/^\s*(select|with)\b/i.test(query.sql)) continue;
    const plan = await traced.executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${query.sql}`, [...query.parameters]));
    const details = plan.rows.map((r) => r.detail);
    const sorts = details.some((d) => d.startsWith("USE TEMP B-TREE FOR ORDER BY"));
    const aliases = tablesByAlias(query.sql);
    for (const d of details) {
      const m = /^SCAN (\w+)(.*)$/.exec(d);
      if (!m) continue;
      const table = aliases.get(m[1]) ?? m[1];
      if (!LARGE.includes(table)) continue;
      // an index walked in the page's order stops at the LIMIT; a scan feeding a sort reads everything
      if (/USING (COVERING )?INDEX/.test(m[2]) && !sorts && /\blimit\b/i.test(query.sql)) continue;
      found.push(`${d}   ←   ${query.sql.slice(0, 240)}`);
    }
  }
  return found;
}

const user = (over: Partial<CurrentUser>): CurrentUser => ({
  id: 1,
  username: "u",
  displayName: "u",
  role: "staff",
  title: "",
  organizationId: null,
  organizationName: null,
  organizationKind: null,
  sessionHash: "",
  ...over,
});

describe.skipIf(!ON_SQLITE)("hot pages read by index (EXPLAIN QUERY PLAN, SQLite only)", () => {
  it("the staff dashboard", async () => {
    expect(await fullScans(() => homeData(traced, user({ role: "staff" })))).toEqual([]);
  });

  it("a department's /my (the busiest department)", async () => {
    const dept = user({ role: "department", organizationId: info.sample.departmentId, organizationKind: "department" });
    expect(await fullScans(() => loadInbox(traced, dept, new URL("http://x/my?openPage=2")))).toEqual([]);
  });

  it("the staff queue across every inquiry", async () => {
    const admin = await t.db.selectFrom("users").select("id").where("username", "=", "bench0").executeTakeFirstOrThrow();
    expect(await fullScans(() => listQueue(traced, user({ id: admin.id, role: "admin" }), {}, { page: 2, pageSize: 30 }))).toEqual([]);
  });

  it("a ledger page, filtered by status", async () => {
    const url = new URL(`http://x/inquiries/${info.sample.inquiryId}/rectification?status=in_progress&page=2`);
    expect(await fullScans(() => ledgerPageData(traced, info.sample.inquiryId, url, 2, 20))).toEqual([]);
  });
});
