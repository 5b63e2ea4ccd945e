import { sql, type Kysely, type SelectQueryBuilder, type Transaction } from "kysely";
import type { Database } from "../../db/schema";
import type { CurrentUser } from "../auth/session.server";
import { PREPARATION_STAGES } from "../outline/outline.server";
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
 * - vote: an open satisfaction vote ready to close — every active member has voted, or it was opened on an
 *   earlier (Asia/Shanghai) day and holds at least one ballot (… closed);
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
    case "vote": {
      const ballots = sql<number>`(select count(*) from vote_ballots b where b.vote_id = v.id)`;
      const members = sql<number>`(select count(*) from users u where u.role = 'member' and u.active = 1)`;
      return scoped(
        db
          .selectFrom("votes as v")
          .innerJoin("inquiries", "inquiries.id", "v.inquiry_id")
          .leftJoin("organizations as o", "o.id", "v.department_id")
          .where("v.status", "=", "open")
          .where((eb) => eb.and([eb(ballots, ">", 0), eb.or([eb(ballots, ">=", members), eb("v.opened_at", "<", shanghaiDayStartIso(today))])]))
          .select([kindLit(kind), "v.id as record_id", "v.id as target_id", "inquiries.id as inquiry_id", "inquiries.title as inquiry_title"])
          .select([sql<string>`v.title`.as("title"), sql<string>`coalesce(o.name, '')`.as("organization"), sql<string>`v.opened_at`.as("since")]),
      );
    }
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
            sql<string>`coalesce((select max(p.created_at) from progress_reports p where p.item_id = i.id and p.kind = 'closure_request'), i.updated_at)`.as("since"),
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

/** The UNION ALL of the kinds asked for (all when no kind is given). */
function queueUnion(db: Db, user: QueueUser, filter: QueueFilter, today: string) {
  const kinds = filter.kind ? [filter.kind] : [...QUEUE_KINDS];
  const [first, ...rest] = kinds.map((k) => kindQuery(db, k, user, filter.inquiryId, today) as unknown as SelectQueryBuilder<any, any, RawRow>);
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
      return `/votes/${row.record_id}`;
    case "extension":
    case "closure":
      return `/rectification/${row.target_id}`;
    case "handling_report":
      return `/inquiries/${row.inquiry_id}/handling-report`;
  }
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
    daysWaiting: Math.max(0, daysBetween(todayInShanghai(new Date(r.since)), today)),
    href: queueHref(kind, r),
  };
}

/** How many records wait for this user (the header's count); 0 for anyone who is not staff. */
export async function queueCount(db: Db, user: QueueUser, today = todayInShanghai()): Promise<number> {
  if (user.role !== "staff" && user.role !== "admin") return 0;
  const row = await db
    .selectFrom(queueUnion(db, user, {}, today).as("u"))
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * One page of the queue, oldest first, with the counts per kind and the inquiries that have waiting work
 * (for the filters). Counts per kind ignore the kind filter (so the filter shows what else waits).
 */
export async function listQueue(db: Db, user: QueueUser, filter: QueueFilter, paging: { page: number; pageSize: number }, today = todayInShanghai()) {
  if (user.role !== "staff" && user.role !== "admin") return { rows: [], total: 0, byKind: QUEUE_KINDS.map((k) => ({ kind: k, label: QUEUE_KIND_LABELS[k], count: 0 })), inquiries: [] };
  const all = queueUnion(db, user, { inquiryId: filter.inquiryId }, today).as("u");
  const [rows, kindCounts, inquiries] = await Promise.all([
    db
      .selectFrom(queueUnion(db, user, filter, today).as("u"))
      .selectAll()
      .select(sql<number>`count(*) over ()`.as("total"))
      .orderBy("since")
      .orderBy("kind")
      .orderBy("record_id")
      .limit(paging.pageSize)
      .offset((paging.page - 1) * paging.pageSize)
      .execute() as Promise<(RawRow & { total: number })[]>,
    db.selectFrom(all).select(["kind", (eb) => eb.fn.countAll<number>().as("n")]).groupBy("kind").execute() as Promise<{ kind: string; n: number }[]>,
    db
      .selectFrom(queueUnion(db, user, { kind: filter.kind }, today).as("u"))
      .select(["inquiry_id", "inquiry_title", (eb) => eb.fn.countAll<number>().as("n")])
      .groupBy(["inquiry_id", "inquiry_title"])
      .orderBy("inquiry_id", "desc")
      .execute() as Promise<{ inquiry_id: number; inquiry_title: string; n: number }[]>,
  ]);
  let total = rows.length ? Number(rows[0].total) : 0;
  if (!rows.length && paging.page > 1) {
    // past the last page: the total still says how many there are
    const c = await db.selectFrom(queueUnion(db, user, filter, today).as("u")).select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
    total = Number(c.n);
  }
  return {
    rows: rows.map((r) => toRow(r, today)),
    total,
    byKind: QUEUE_KINDS.map((k) => ({ kind: k, label: QUEUE_KIND_LABELS[k], count: Number(kindCounts.find((c) => c.kind === k)?.n ?? 0) })),
    inquiries: inquiries.map((i) => ({ id: Number(i.inquiry_id), title: i.inquiry_title, count: Number(i.n) })),
  };
}
