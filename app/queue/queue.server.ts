import { sql, type Kysely, type SelectQueryBuilder, type Transaction } from "kysely";
import type { Database } from "../../db/schema";
import type { CurrentUser } from "../auth/session.server";
import { PREPARATION_STAGES } from "../outline/outline.server";
import { voteReadySql } from "../meeting/votes.server";
import { managedInquiryCondition } from "../policy.server";
import { daysBetween, shanghaiDayStartIso, todayInShanghai } from "../utils/time";
import { QUEUE_KIND_LABELS, QUEUE_KINDS, type QueueKind } from "./labels";

export { QUEUE_KIND_LABELS, QUEUE_KINDS, type QueueKind };

/**
 * 待我办理 — the staff queue (issue 12; docs/decisions/0050): every record waiting for a staff decision, across
 * the inquiries the user manages (policy: managedInquiryCondition), computed from the records themselves so
 * nothing has to be kept in step. One query per kind, combined with UNION ALL and ordered oldest first.
 * Each kind is served by a partial index holding only its waiting rows (migration 0050).
 *
 * What waits (and stops waiting when …):
 * - survey_report: a county report submitted (… accepted or returned);
 * - preparation_answer: a submitted written preparation answer nobody on the staff has read (… marked read,
 *   or overtaken: the inquiry has reached its meeting);
 * - correction: a department's proposed correction of its answer on the record (… accepted or rejected);
 * - proposal: a member's question proposal (… taken into the outline or declined);
 * - vote: an open satisfaction vote ready to close (votes.server voteReadySql: every eligible member present has
 *   voted, or it was opened on an earlier Asia/Shanghai day and holds a vote; entered totals confirmed) (… closed);
 * - vote_totals: 表决器 / paper totals entered and waiting for a second staff account's confirmation (… confirmed);
 * - re_report: a vote that did not pass, whose re-report by the department is not yet recorded (… recorded);
 * - extension: a deadline extension request (… approved or denied);
 * - closure: an item whose closure (销号) was requested (… closed or returned);
 * - handling_report: the government's handling report submitted, with no vote open on it (… accepted, voted on).
 */
type Db = Kysely<Database> | Transaction<Database>;
type QueueUser = Pick<CurrentUser, "role" | "id" | "organizationName">;

export interface QueueFilter {
  kind?: QueueKind;
  inquiryId?: number;
}

interface RawRow {
  kind: string;
  record_id: number;
  target_id: number;
  inquiry_id: number;
  inquiry_title: string;
  title: string;
  organization: string;
  since: string;
}

export interface QueueRow {
  kind: QueueKind;
  kindLabel: string;
  recordId: number;
  inquiryId: number;
  inquiryTitle: string;
  title: string;
  organization: string;
  /** UTC instant the record started waiting */
  since: string;
  /** Asia/Shanghai calendar days waited (0 = since today) */
  daysWaiting: number;
  /** where the decision is made */
  href: string;
}

/** The organisation a vote rates: its department, or the answering department of the rated exchange. */
const VOTE_ORG = sql<string>`coalesce(o.name, (select so.name from meeting_segments s join organizations so on so.id = s.department_id where s.id = v.segment_id), '')`;

const kindLit = (k: QueueKind) => sql<string>`${sql.lit(k)}`.as("kind");

/** The query of one kind: the columns of RawRow, restricted to inquiries the user manages (and the filter). */
function kindQuery(db: Db, kind: QueueKind, user: QueueUser, inquiryId: number | undefined, today: string) {
  const scoped = <Q extends SelectQueryBuilder<any, any, any>>(q: Q): Q => {
    let r = (q as SelectQueryBuilder<any, any, any>).where(managedInquiryCondition(user) as never).where("inquiries.stage", "!=", "closed");
    if (inquiryId !== undefined) r = r.where("inquiries.id", "=", inquiryId);
    return r as Q;
  };
  switch (kind) {
    case "survey_report":
      return scoped(
        db
          .selectFrom("survey_delegations as d")
          .innerJoin("inquiries", "inquiries.id", "d.inquiry_id")
          .innerJoin("survey_requests as r", "r.id", "d.request_id")
          .innerJoin("organizations as o", "o.id", "d.organization_id")
          .where("d.status", "=", "submitted")
          .select([kindLit(kind), "d.id as record_id", "d.id as target_id", "inquiries.id as inquiry_id", "inquiries.title as inquiry_title"])
          .select([sql<string>`r.title`.as("title"), "o.name as organization", sql<string>`d.submitted_at`.as("since")]),
      );
    case "preparation_answer":
      return scoped(
        db
          .selectFrom("preparation_answers as a")
          .innerJoin("inquiries", "inquiries.id", "a.inquiry_id")
          .innerJoin("outline_questions as q", "q.id", "a.question_id")
          .innerJoin("organizations as o", "o.id", "a.department_id")
          .where("a.status", "=", "submitted")
          .where("a.read_at", "is", null)
          // overtaken by the meeting (the rule of preparationOpen in app/outline/outline.server.ts)
          .where("inquiries.stage", "in", PREPARATION_STAGES)
          .where((eb) => eb.or([eb("inquiries.meeting_date", "is", null), eb("inquiries.meeting_date", ">=", today)]))
          .select([kindLit(kind), "a.id as record_id", "a.question_id as target_id", "inquiries.id as inquiry_id", "inquiries.title as inquiry_title"])
          .select([sql<string>`substr(q.text, 1, 60)`.as("title"), "o.name as organization", sql<string>`a.submitted_at`.as("since")]),
      );
    case "correction":
      return scoped(
        db
          .selectFrom("turn_corrections as c")
          .innerJoin("meeting_turns as t", "t.id", "c.turn_id")
          .innerJoin("meeting_segments as s", "s.id", "t.segment_id")
          .innerJoin("inquiries", "inquiries.id", "s.inquiry_id")
          .innerJoin("organizations as o", "o.id", "c.department_id")
          .where("c.status", "=", "pending")
          .select([kindLit(kind), "c.id as record_id", "c.department_id as target_id", "inquiries.id as inquiry_id", "inquiries.title as inquiry_title"])
          .select([sql<string>`substr(c.original_text, 1, 60)`.as("title"), "o.name as organization", sql<string>`c.proposed_at`.as("since")]),
      );
    case "proposal":
      return scoped(
        db
          .selectFrom("outline_proposals as p")
          .innerJoin("inquiries", "inquiries.id", "p.inquiry_id")
          .innerJoin("users as m", "m.id", "p.member_id")
          .where("p.status", "=", "pending")
          .select([kindLit(kind), "p.id as record_id", "p.id as target_id", "inquiries.id as inquiry_id", "inquiries.title as inquiry_title"])
          .select([sql<string>`substr(p.text, 1, 60)`.as("title"), sql<string>`m.display_name`.as("organization"), sql<string>`p.created_at`.as("since")]),
      );
    case "vote":
      return scoped(
        db
          .selectFrom("votes as v")
          .innerJoin("inquiries", "inquiries.id", "v.inquiry_id")
          .leftJoin("organizations as o", "o.id", "v.department_id")
          .where("v.status", "=", "open")
          .where(voteReadySql(shanghaiDayStartIso(today)))
          .select([kindLit(kind), "v.id as record_id", "v.id as target_id", "inquiries.id as inquiry_id", "inquiries.title as inquiry_title"])
          .select([sql<string>`v.title`.as("title"), VOTE_ORG.as("organization"), sql<string>`v.opened_at`.as("since")]),
      );
    case "vote_totals":
      return scoped(
        db
          .selectFrom("vote_entries as e")
          .innerJoin("votes as v", "v.id", "e.vote_id")
          .innerJoin("inquiries", "inquiries.id", "v.inquiry_id")
          .leftJoin("organizations as o", "o.id", "v.department_id")
          .where("v.status", "=", "open")
          .where("e.confirmed_at", "is", null)
          .select([kindLit(kind), "v.id as record_id", "v.id as target_id", "inquiries.id as inquiry_id", "inquiries.title as inquiry_title"])
          .select([sql<string>`v.title`.as("title"), VOTE_ORG.as("organization"), sql<string>`e.entered_at`.as("since")]),
      );
    case "re_report":
      return scoped(
        db
          .selectFrom("votes as v")
          .innerJoin("inquiries", "inquiries.id", "v.inquiry_id")
          .leftJoin("organizations as o", "o.id", "v.department_id")
          .where("v.status", "=", "closed")
          .where("v.followup", "=", "re_report")
          .where("v.followup_done_at", "is", null)
          .select([kindLit(kind), "v.id as record_id", "v.id as target_id", "inquiries.id as inquiry_id", "inquiries.title as inquiry_title"])
          .select([sql<string>`v.title`.as("title"), VOTE_ORG.as("organization"), sql<string>`v.closed_at`.as("since")]),
      );
    case "extension":
      return scoped(
        db
          .selectFrom("deadline_extensions as e")
          .innerJoin("rectification_items as i", "i.id", "e.item_id")
          .innerJoin("inquiries", "inquiries.id", "i.inquiry_id")
          .innerJoin("organizations as o", "o.id", "i.lead_department_id")
          .where("e.status", "=", "pending")
          .select([kindLit(kind), "e.id as record_id", "i.id as target_id", "inquiries.id as inquiry_id", "inquiries.title as inquiry_title"])
          .select([sql<string>`'第 ' || i.number || ' 项：' || substr(i.problem, 1, 50)`.as("title"), "o.name as organization", sql<string>`e.created_at`.as("since")]),
      );
    case "closure":
      return scoped(
        db
          .selectFrom("rectification_items as i")
          .innerJoin("inquiries", "inquiries.id", "i.inquiry_id")
          .innerJoin("organizations as o", "o.id", "i.lead_department_id")
          .where("i.status", "=", "closure_requested")
          .select([kindLit(kind), "i.id as record_id", "i.id as target_id", "inquiries.id as inquiry_id", "inquiries.title as inquiry_title"])
          .select([
            sql<string>`'第 ' || i.number || ' 项：' || substr(i.problem, 1, 50)`.as("title"),
            "o.name as organization",
            // requestClosure stamps updated_at; while the request waits only staff act on the item
            sql<string>`i.updated_at`.as("since"),
          ]),
      );
    case "handling_report":
      return scoped(
        db
          .selectFrom("handling_reports as h")
          .innerJoin("inquiries", "inquiries.id", "h.inquiry_id")
          .leftJoin("users as u", "u.id", "h.submitted_by")
          .leftJoin("organizations as o", "o.id", "u.organization_id")
          .where("h.status", "=", "submitted")
          .where("h.vote_id", "is", null)
          .select([kindLit(kind), "h.id as record_id", "h.id as target_id", "inquiries.id as inquiry_id", "inquiries.title as inquiry_title"])
          .select([sql<string>`'第 ' || h.round || ' 轮研究处理情况报告'`.as("title"), sql<string>`coalesce(o.name, '')`.as("organization"), sql<string>`h.submitted_at`.as("since")]),
      );
  }
}

interface LeanRow {
  kind: string;
  record_id: number;
  inquiry_id: number;
  since: string;
}

/**
 * The same records as kindQuery with only their keys (kind, record, inquiry, since): the counts and the page
 * order are computed from these, answered from the partial indexes without reading the records' text; the
 * page's thirty rows are then read in full.
 */
function leanQuery(db: Db, kind: QueueKind, user: QueueUser, inquiryId: number | undefined, today: string) {
  const scoped = <Q extends SelectQueryBuilder<any, any, any>>(q: Q): Q => {
    let r = (q as SelectQueryBuilder<any, any, any>).where(managedInquiryCondition(user) as never).where("inquiries.stage", "!=", "closed");
    if (inquiryId !== undefined) r = r.where("inquiries.id", "=", inquiryId);
    return r as Q;
  };
  const cols = (record: string, since: string) => [kindLit(kind), sql<number>`${sql.ref(record)}`.as("record_id"), "inquiries.id as inquiry_id", sql<string>`${sql.ref(since)}`.as("since")] as const;
  switch (kind) {
    case "survey_report":
      return scoped(db.selectFrom("survey_delegations as d").innerJoin("inquiries", "inquiries.id", "d.inquiry_id").where("d.status", "=", "submitted").select(cols("d.id", "d.submitted_at")));
    case "preparation_answer":
      return scoped(
        db
          .selectFrom("preparation_answers as a")
          .innerJoin("inquiries", "inquiries.id", "a.inquiry_id")
          .where("a.status", "=", "submitted")
          .where("a.read_at", "is", null)
          .where("inquiries.stage", "in", PREPARATION_STAGES)
          .where((eb) => eb.or([eb("inquiries.meeting_date", "is", null), eb("inquiries.meeting_date", ">=", today)]))
          .select(cols("a.id", "a.submitted_at")),
      );
    case "correction":
      return scoped(
        db
          .selectFrom("turn_corrections as c")
          .innerJoin("meeting_turns as t", "t.id", "c.turn_id")
          .innerJoin("meeting_segments as s", "s.id", "t.segment_id")
          .innerJoin("inquiries", "inquiries.id", "s.inquiry_id")
          .where("c.status", "=", "pending")
          .select(cols("c.id", "c.proposed_at")),
      );
    case "proposal":
      return scoped(db.selectFrom("outline_proposals as p").innerJoin("inquiries", "inquiries.id", "p.inquiry_id").where("p.status", "=", "pending").select(cols("p.id", "p.created_at")));
    case "vote":
      return scoped(
        db
          .selectFrom("votes as v")
          .innerJoin("inquiries", "inquiries.id", "v.inquiry_id")
          .where("v.status", "=", "open")
          .where(voteReadySql(shanghaiDayStartIso(today)))
          .select(cols("v.id", "v.opened_at")),
      );
    case "vote_totals":
      return scoped(
        db
          .selectFrom("vote_entries as e")
          .innerJoin("votes as v", "v.id", "e.vote_id")
          .innerJoin("inquiries", "inquiries.id", "v.inquiry_id")
          .where("v.status", "=", "open")
          .where("e.confirmed_at", "is", null)
          .select(cols("v.id", "e.entered_at")),
      );
    case "re_report":
      return scoped(
        db
          .selectFrom("votes as v")
          .innerJoin("inquiries", "inquiries.id", "v.inquiry_id")
          .where("v.status", "=", "closed")
          .where("v.followup", "=", "re_report")
          .where("v.followup_done_at", "is", null)
          .select(cols("v.id", "v.closed_at")),
      );
    case "extension":
      return scoped(
        db
          .selectFrom("deadline_extensions as e")
          .innerJoin("rectification_items as i", "i.id", "e.item_id")
          .innerJoin("inquiries", "inquiries.id", "i.inquiry_id")
          .where("e.status", "=", "pending")
          .select(cols("e.id", "e.created_at")),
      );
    case "closure":
      return scoped(
        db.selectFrom("rectification_items as i").innerJoin("inquiries", "inquiries.id", "i.inquiry_id").where("i.status", "=", "closure_requested").select(cols("i.id", "i.updated_at")),
      );
    case "handling_report":
      return scoped(
        db
          .selectFrom("handling_reports as h")
          .innerJoin("inquiries", "inquiries.id", "h.inquiry_id")
          .where("h.status", "=", "submitted")
          .where("h.vote_id", "is", null)
          .select(cols("h.id", "h.submitted_at")),
      );
  }
}

function leanUnion(db: Db, user: QueueUser, filter: QueueFilter, today: string) {
  const kinds = filter.kind ? [filter.kind] : [...QUEUE_KINDS];
  const [first, ...rest] = kinds.map((k) => leanQuery(db, k, user, filter.inquiryId, today) as unknown as SelectQueryBuilder<any, any, LeanRow>);
  return rest.reduce((acc, q) => acc.unionAll(q), first);
}

/** The record of each kind, for reading the page's rows in full. */
const RECORD_COLUMN: Record<QueueKind, string> = {
  survey_report: "d.id",
  preparation_answer: "a.id",
  correction: "c.id",
  proposal: "p.id",
  vote: "v.id",
  vote_totals: "v.id",
  re_report: "v.id",
  extension: "e.id",
  closure: "i.id",
  handling_report: "h.id",
};

/** Where the decision on a row is made: one click from the queue. */
export function queueHref(kind: QueueKind, row: { record_id: number; target_id: number; inquiry_id: number }): string {
  switch (kind) {
    case "survey_report":
      return `/surveys/${row.record_id}`;
    case "preparation_answer":
      return `/inquiries/${row.inquiry_id}/outline/questions/${row.target_id}`;
    case "correction":
      return `/inquiries/${row.inquiry_id}/meeting/departments/${row.target_id}#corrections`;
    case "proposal":
      return `/inquiries/${row.inquiry_id}/outline#proposals`;
    case "vote":
    case "vote_totals":
    case "re_report":
      return `/votes/${row.record_id}`;
    case "extension":
    case "closure":
      return `/rectification/${row.target_id}`;
    case "handling_report":
      return `/inquiries/${row.inquiry_id}/handling-report`;
  }
}

/**
 * The Asia/Shanghai calendar date of an instant. China keeps UTC+8 all year (no daylight saving since 1991), so a
 * fixed offset gives the same date as the time-zone formatter, without building one per row.
 */
function shanghaiDateOf(iso: string): string {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso.slice(0, 10) : new Date(t + 8 * 3600_000).toISOString().slice(0, 10);
}

function toRow(r: RawRow, today: string): QueueRow {
  const kind = r.kind as QueueKind;
  return {
    kind,
    kindLabel: QUEUE_KIND_LABELS[kind],
    recordId: Number(r.record_id),
    inquiryId: Number(r.inquiry_id),
    inquiryTitle: r.inquiry_title,
    title: r.title,
    organization: r.organization,
    since: r.since,
    daysWaiting: Math.max(0, daysBetween(shanghaiDateOf(r.since), today)),
    href: queueHref(kind, r),
  };
}

/**
 * Every waiting record's key for this user, oldest first, with the titles of their inquiries: one lean UNION ALL
 * over the partial indexes. The counts, the filters and the page order all come from it.
 */
async function waitingKeys(db: Db, user: QueueUser, today: string) {
  const keys = ((await db
    .selectFrom(leanUnion(db, user, {}, today).as("u"))
    .selectAll()
    .orderBy("since")
    .orderBy("kind")
    .orderBy("record_id")
    .execute()) as LeanRow[]).map((k) => ({ kind: k.kind as QueueKind, recordId: Number(k.record_id), inquiryId: Number(k.inquiry_id), since: k.since }));
  const ids = [...new Set(keys.map((k) => k.inquiryId))];
  const titles = new Map<number, string>();
  for (let i = 0; i < ids.length; i += 500) {
    for (const c of await db.selectFrom("inquiries").select(["id", "title"]).where("id", "in", ids.slice(i, i + 500)).execute()) titles.set(c.id, c.title);
  }
  return { keys, titles };
}

/**
 * The keys are shared by every request of the same user while nothing they depend on changes: the `queue` data
 * version is bumped by triggers on the queue's sources in the writing transaction (migration 0050), in this
 * process or any other; vote readiness and the preparation cut-off depend on the date, which is part of the key.
 */
const cachedKeys = new WeakMap<object, Map<string, { version: string; value: ReturnType<typeof waitingKeys> }>>();
const CACHED_USERS = 500;

async function keysFor(db: Db, user: QueueUser, today: string) {
  const row = await db.selectFrom("data_versions").select("version").where("name", "=", "queue").executeTakeFirst();
  if (!row) return waitingKeys(db, user, today);
  const version = `${row.version}|${today}`;
  const key = `${user.role}|${user.id}|${user.organizationName ?? ""}`;
  let byUser = cachedKeys.get(db);
  if (!byUser) cachedKeys.set(db, (byUser = new Map()));
  const hit = byUser.get(key);
  if (hit?.version === version) return hit.value;
  const value = waitingKeys(db, user, today);
  if (byUser.size >= CACHED_USERS) byUser.delete(byUser.keys().next().value!);
  byUser.set(key, { version, value });
  value.catch(() => byUser!.delete(key));
  return value;
}

/** How many records wait for this user (the header's count); 0 for anyone who is not staff. */
export async function queueCount(db: Db, user: QueueUser, today = todayInShanghai()): Promise<number> {
  if (user.role !== "staff" && user.role !== "admin") return 0;
  return (await keysFor(db, user, today)).keys.length;
}

/**
 * One page of the queue, oldest first, with the counts per kind (within the inquiry filter) and the inquiries that
 * have waiting work (within the kind filter), for the filters. The page's records are then read in full.
 */
export async function listQueue(db: Db, user: QueueUser, filter: QueueFilter, paging: { page: number; pageSize: number }, today = todayInShanghai()) {
  if (user.role !== "staff" && user.role !== "admin") return { rows: [], total: 0, byKind: QUEUE_KINDS.map((k) => ({ kind: k, label: QUEUE_KIND_LABELS[k], count: 0 })), inquiries: [], inquiryCount: 0 };
  const { keys, titles } = await keysFor(db, user, today);
  const byKind = new Map<QueueKind, number>();
  const inquiries = new Map<number, { id: number; title: string; count: number }>();
  const chosen: typeof keys = [];
  for (const k of keys) {
    const inInquiry = filter.inquiryId === undefined || k.inquiryId === filter.inquiryId;
    const ofKind = !filter.kind || k.kind === filter.kind;
    if (inInquiry) byKind.set(k.kind, (byKind.get(k.kind) ?? 0) + 1);
    if (ofKind) {
      const i = inquiries.get(k.inquiryId) ?? { id: k.inquiryId, title: titles.get(k.inquiryId) ?? "", count: 0 };
      i.count++;
      inquiries.set(k.inquiryId, i);
    }
    if (inInquiry && ofKind) chosen.push(k);
  }
  const page = chosen.slice((paging.page - 1) * paging.pageSize, paging.page * paging.pageSize);
  // the page's records in full: one query per kind present on the page
  const full = new Map<string, RawRow>();
  for (const kind of new Set(page.map((k) => k.kind))) {
    const ids = page.filter((k) => k.kind === kind).map((k) => k.recordId);
    const q = (kindQuery(db, kind, user, undefined, today) as unknown as SelectQueryBuilder<any, any, RawRow>).where(sql.ref(RECORD_COLUMN[kind]), "in", ids as never);
    for (const r of await q.execute()) full.set(`${kind}:${r.record_id}`, r);
  }
  return {
    // a record decided between the two reads is left out rather than shown stale
    rows: page.map((k) => full.get(`${k.kind}:${k.recordId}`)).filter((r): r is RawRow => !!r).map((r) => toRow(r, today)),
    total: chosen.length,
    byKind: QUEUE_KINDS.map((k) => ({ kind: k, label: QUEUE_KIND_LABELS[k], count: byKind.get(k) ?? 0 })),
    // the filter offers the inquiries with the most waiting (a select of hundreds helps nobody), and the chosen one
    inquiries: [...inquiries.values()]
      .sort((a, b) => b.count - a.count || b.id - a.id)
      .filter((i, n) => n < FILTER_INQUIRIES || i.id === filter.inquiryId),
    inquiryCount: inquiries.size,
  };
}

/** Inquiries offered by the queue's inquiry filter. */
export const FILTER_INQUIRIES = 50;
