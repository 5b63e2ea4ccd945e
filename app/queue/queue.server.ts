import { sql, type Kysely, type SelectQueryBuilder, type Transaction } from "kysely";
import type { Database } from "../../db/schema";
import type { CurrentUser } from "../auth/session.server";
import { PREPARATION_STAGES } from "../outline/preparation-answers.server";
import { voteReadySql } from "../meeting/votes.server";
import { managedInquiryCondition } from "../policy.server";
import { inLiveWork, liveQuestionRef, notVoided } from "../history/void.server";
import { daysBetween, shanghaiDayStartIso, todayInShanghai } from "../utils/time";
import { QUEUE_KIND_LABELS, QUEUE_KINDS, type QueueKind, type QueueRow } from "./labels";

export { QUEUE_KIND_LABELS, QUEUE_KINDS, type QueueKind, type QueueRow };

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
 * - handling_report: the government's handling report submitted, with no vote open on it (… accepted, voted on);
 * - accountability: an accountability step (约谈, 通报, …) recorded and not yet carried out (… marked 已落实);
 *   app/followup/accountability.server.ts.
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


/** The organisation a vote rates: its department, or the answering department of the rated exchange. */
const VOTE_ORG = sql<string>`coalesce(o.name, (select so.name from meeting_segments s join organizations so on so.id = s.department_id where s.id = v.segment_id), '')`;

const kindLit = (k: QueueKind) => sql<string>`${sql.lit(k)}`.as("kind");

type Query = SelectQueryBuilder<any, any, any>;

/**
 * What waits, per kind, written once: `waiting` selects the waiting records (the joins its conditions need and the
 * conditions themselves), `record` and `since` name their key and the instant they started waiting, and `shown`
 * adds what a row displays (the joins for names, the target of its link, its title and organisation).
 */
interface KindSpec {
  waiting: (db: Db, today: string) => Query;
  record: string;
  since: string;
  shown: (q: Query) => Query;
}

const ITEM_TITLE = sql<string>`'第 ' || i.number || ' 项：' || substr(i.problem, 1, 50)`.as("title");

const KIND_SPECS: Record<QueueKind, KindSpec> = {
  survey_report: {
    waiting: (db) => db.selectFrom("survey_delegations as d").innerJoin("inquiries", "inquiries.id", "d.inquiry_id").where("d.status", "=", "submitted").where(notVoided("d")),
    record: "d.id",
    since: "d.submitted_at",
    shown: (q) =>
      q
        .innerJoin("survey_requests as r", "r.id", "d.request_id")
        .innerJoin("organizations as o", "o.id", "d.organization_id")
        .select(["d.id as target_id", sql<string>`r.title`.as("title"), "o.name as organization"]),
  },
  preparation_answer: {
    waiting: (db, today) =>
      db
        .selectFrom("preparation_answers as a")
        .innerJoin("inquiries", "inquiries.id", "a.inquiry_id")
        .where("a.status", "=", "submitted")
        .where("a.read_at", "is", null)
        .where(liveQuestionRef("a.question_id"))
        // overtaken by the meeting (the rule of preparationOpen in app/outline/preparation-answers.server.ts)
        .where("inquiries.stage", "in", PREPARATION_STAGES)
        .where((eb) => eb.or([eb("inquiries.meeting_date", "is", null), eb("inquiries.meeting_date", ">=", today)])),
    record: "a.id",
    since: "a.submitted_at",
    shown: (q) =>
      q
        .innerJoin("outline_questions as q", "q.id", "a.question_id")
        .innerJoin("organizations as o", "o.id", "a.department_id")
        .select(["a.question_id as target_id", sql<string>`substr(q.text, 1, 60)`.as("title"), "o.name as organization"]),
  },
  correction: {
    waiting: (db) =>
      db
        .selectFrom("turn_corrections as c")
        .innerJoin("meeting_turns as t", "t.id", "c.turn_id")
        .innerJoin("meeting_segments as s", "s.id", "t.segment_id")
        .innerJoin("inquiries", "inquiries.id", "s.inquiry_id")
        .where("c.status", "=", "pending")
        .where(notVoided("s")),
    record: "c.id",
    since: "c.proposed_at",
    shown: (q) =>
      q
        .innerJoin("organizations as o", "o.id", "c.department_id")
        .select(["c.department_id as target_id", sql<string>`substr(c.original_text, 1, 60)`.as("title"), "o.name as organization"]),
  },
  proposal: {
    waiting: (db) => db.selectFrom("outline_proposals as p").innerJoin("inquiries", "inquiries.id", "p.inquiry_id").where("p.status", "=", "pending"),
    record: "p.id",
    since: "p.created_at",
    shown: (q) =>
      q
        .innerJoin("users as m", "m.id", "p.member_id")
        .select(["p.id as target_id", sql<string>`substr(p.text, 1, 60)`.as("title"), sql<string>`m.display_name`.as("organization")]),
  },
  vote: {
    waiting: (db, today) =>
      db
        .selectFrom("votes as v")
        .innerJoin("inquiries", "inquiries.id", "v.inquiry_id")
        .where("v.status", "=", "open")
        .where(voteReadySql(shanghaiDayStartIso(today))),
    record: "v.id",
    since: "v.opened_at",
    shown: (q) => voteShown(q),
  },
  vote_totals: {
    waiting: (db) =>
      db
        .selectFrom("vote_entries as e")
        .innerJoin("votes as v", "v.id", "e.vote_id")
        .innerJoin("inquiries", "inquiries.id", "v.inquiry_id")
        .where("v.status", "=", "open")
        .where("e.confirmed_at", "is", null),
    record: "v.id",
    since: "e.entered_at",
    shown: (q) => voteShown(q),
  },
  re_report: {
    waiting: (db) =>
      db
        .selectFrom("votes as v")
        .innerJoin("inquiries", "inquiries.id", "v.inquiry_id")
        .where("v.status", "=", "closed")
        .where("v.followup", "=", "re_report")
        .where("v.followup_done_at", "is", null),
    record: "v.id",
    since: "v.closed_at",
    shown: (q) => voteShown(q),
  },
  extension: {
    waiting: (db) =>
      db
        .selectFrom("deadline_extensions as e")
        .innerJoin("rectification_items as i", "i.id", "e.item_id")
        .innerJoin("inquiries", "inquiries.id", "i.inquiry_id")
        .where("e.status", "=", "pending")
        .where(notVoided("i")),
    record: "e.id",
    since: "e.created_at",
    shown: (q) => q.innerJoin("organizations as o", "o.id", "i.lead_department_id").select(["i.id as target_id", ITEM_TITLE, "o.name as organization"]),
  },
  closure: {
    waiting: (db) => db.selectFrom("rectification_items as i").innerJoin("inquiries", "inquiries.id", "i.inquiry_id").where("i.status", "=", "closure_requested").where(notVoided("i")),
    record: "i.id",
    // requestClosure stamps updated_at; while the request waits only staff act on the item
    since: "i.updated_at",
    shown: (q) => q.innerJoin("organizations as o", "o.id", "i.lead_department_id").select(["i.id as target_id", ITEM_TITLE, "o.name as organization"]),
  },
  handling_report: {
    waiting: (db) =>
      db
        .selectFrom("handling_reports as h")
        .innerJoin("inquiries", "inquiries.id", "h.inquiry_id")
        .where("h.status", "=", "submitted")
        .where("h.vote_id", "is", null),
    record: "h.id",
    since: "h.submitted_at",
    shown: (q) =>
      q
        .leftJoin("users as u", "u.id", "h.submitted_by")
        .leftJoin("organizations as o", "o.id", "u.organization_id")
        .select(["h.id as target_id", sql<string>`'第 ' || h.round || ' 轮研究处理情况报告'`.as("title"), sql<string>`coalesce(o.name, '')`.as("organization")]),
  },
  accountability: {
    waiting: (db) => db.selectFrom("accountability_steps as a").innerJoin("inquiries", "inquiries.id", "a.inquiry_id").where("a.status", "=", "pending"),
    record: "a.id",
    since: "a.created_at",
    shown: (q) =>
      q
        .innerJoin("organizations as o", "o.id", "a.organization_id")
        .select([
          "a.id as target_id",
          sql<string>`case a.kind when 'interview' then '约谈' when 'notice' then '通报' when 'review' then '提请常委会审议' else '移交' end || '（' || a.step_date || '）：' || substr(a.decision, 1, 50)`.as("title"),
          "o.name as organization",
        ]),
  },
};

/** A vote's row: its page, its title, the organisation it rates. */
function voteShown(q: Query): Query {
  return q.leftJoin("organizations as o", "o.id", "v.department_id").select(["v.id as target_id", sql<string>`v.title`.as("title"), VOTE_ORG.as("organization")]);
}

/** Restricted to open inquiries the user manages (policy: managedInquiryCondition), and to the filter's inquiry. */
function scoped(q: Query, user: QueueUser, inquiryId: number | undefined): Query {
  // live work only: a voided inquiry, or a record of past work (补录), waits for no one (issue 13)
  let r = q.where(managedInquiryCondition(user) as never).where("inquiries.stage", "!=", "closed").where(inLiveWork("inquiries.id") as never);
  if (inquiryId !== undefined) r = r.where("inquiries.id", "=", inquiryId);
  return r;
}

/** The query of one kind: the columns of RawRow. */
function kindQuery(db: Db, kind: QueueKind, user: QueueUser, inquiryId: number | undefined, today: string): Query {
  const spec = KIND_SPECS[kind];
  return scoped(
    spec
      .shown(spec.waiting(db, today))
      .select([kindLit(kind), sql<number>`${sql.ref(spec.record)}`.as("record_id"), "inquiries.id as inquiry_id", "inquiries.title as inquiry_title", sql<string>`${sql.ref(spec.since)}`.as("since")]),
    user,
    inquiryId,
  );
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
function leanQuery(db: Db, kind: QueueKind, user: QueueUser, inquiryId: number | undefined, today: string): Query {
  const spec = KIND_SPECS[kind];
  return scoped(
    spec.waiting(db, today).select([kindLit(kind), sql<number>`${sql.ref(spec.record)}`.as("record_id"), "inquiries.id as inquiry_id", sql<string>`${sql.ref(spec.since)}`.as("since")]),
    user,
    inquiryId,
  );
}

function leanUnion(db: Db, user: QueueUser, filter: QueueFilter, today: string) {
  const kinds = filter.kind ? [filter.kind] : [...QUEUE_KINDS];
  const [first, ...rest] = kinds.map((k) => leanQuery(db, k, user, filter.inquiryId, today) as unknown as SelectQueryBuilder<any, any, LeanRow>);
  return rest.reduce((acc, q) => acc.unionAll(q), first);
}


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
    case "accountability":
      return `/inquiries/${row.inquiry_id}/accountability#step-${row.record_id}`;
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
    const q = (kindQuery(db, kind, user, undefined, today) as unknown as SelectQueryBuilder<any, any, RawRow>).where(sql.ref(KIND_SPECS[kind].record), "in", ids as never);
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
