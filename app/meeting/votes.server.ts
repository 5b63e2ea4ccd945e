import * as staffEvents from "../queue/events.server";
import type { Kysely, Transaction } from "kysely";
import type { Database, VoteChoice } from "../../db/schema";
import { recordAudit, type Actor } from "../audit.server";
import { nowIso } from "../utils/time";
import { VOTE_CHOICES, VOTE_CHOICE_LABELS, VOTE_TARGET_LABELS } from "./labels";

/**
 * 满意度测评: generic votes on a target — an answer (a meeting segment), a department, or the government's
 * handling report (研究处理情况报告, used by the rectification stage through these same functions).
 * Members vote once each (one ballot per member, changeable until the vote closes). When a vote is secret, no
 * page and no audit entry tells who chose what: the audit log records that a member took part, never the choice.
 *
 * Every function accepts a Kysely instance or a transaction: called inside the caller's transaction it joins it,
 * otherwise it opens its own.
 */
export type Result = { ok: true; id: number } | { ok: false; field: string; message: string };

type DB = Kysely<Database>;
type Trx = Transaction<Database>;

export type VoteTarget =
  | { type: "answer"; segmentId: number }
  | { type: "department"; departmentId: number }
  | { type: "handling_report"; handlingReportId: number };

export const CHOICES: VoteChoice[] = VOTE_CHOICES.map((c) => c.value);

function inTransaction<T>(db: DB | Trx, fn: (trx: Trx) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db as Trx) : db.transaction().execute(fn);
}

function targetColumns(target: VoteTarget) {
  return {
    target_type: target.type,
    segment_id: target.type === "answer" ? target.segmentId : null,
    department_id: target.type === "department" ? target.departmentId : null,
    handling_report_id: target.type === "handling_report" ? target.handlingReportId : null,
  };
}

/** Checks that the target belongs to the inquiry and returns a default title for the vote. */
async function describeTarget(trx: Trx, inquiryId: number, target: VoteTarget): Promise<{ ok: true; title: string } | { ok: false; message: string }> {
  if (target.type === "answer") {
    const s = await trx
      .selectFrom("meeting_segments as s")
      .leftJoin("organizations as o", "o.id", "s.department_id")
      .select(["s.inquiry_id", "s.kind", "s.keyword", "s.questioner_name", "o.name as department_name"])
      .where("s.id", "=", target.segmentId)
      .executeTakeFirst();
    if (!s || s.inquiry_id !== inquiryId || s.kind !== "exchange") return { ok: false, message: "只能对本次询问会中的问答开展测评" };
    return { ok: true, title: `对${s.department_name ?? ""}就${s.keyword ? `“${s.keyword}”` : `${s.questioner_name}的询问`}所作答复的满意度测评` };
  }
  if (target.type === "department") {
    const o = await trx.selectFrom("organizations").select(["name", "kind"]).where("id", "=", target.departmentId).executeTakeFirst();
    if (!o || (o.kind !== "government" && o.kind !== "department")) return { ok: false, message: "只能对应询部门开展测评" };
    return { ok: true, title: `对${o.name}应询情况的满意度测评` };
  }
  const r = await trx.selectFrom("handling_reports").select(["inquiry_id", "round"]).where("id", "=", target.handlingReportId).executeTakeFirst();
  if (!r || r.inquiry_id !== inquiryId) return { ok: false, message: "该研究处理情况报告不属于本次询问" };
  return { ok: true, title: `对研究处理情况报告（第 ${r.round} 次）的满意度测评` };
}

/**
 * Opens a vote on a target. Only one open vote per target at a time. `title` may be empty (a default is made);
 * `secret` hides who voted what.
 */
export async function openVote(
  db: DB | Trx,
  actor: Actor,
  input: { inquiryId: number; target: VoteTarget; title?: string; secret: boolean },
): Promise<Result> {
  return inTransaction(db, async (trx): Promise<Result> => {
    const inquiry = await trx.selectFrom("inquiries").select(["id", "title"]).where("id", "=", input.inquiryId).executeTakeFirst();
    if (!inquiry) return { ok: false, field: "_form", message: "该专题询问不存在" };
    const described = await describeTarget(trx, input.inquiryId, input.target);
    if (!described.ok) return { ok: false, field: "_form", message: described.message };
    const cols = targetColumns(input.target);
    let open = trx.selectFrom("votes").select("id").where("inquiry_id", "=", input.inquiryId).where("status", "=", "open").where("target_type", "=", cols.target_type);
    if (cols.segment_id !== null) open = open.where("segment_id", "=", cols.segment_id);
    if (cols.department_id !== null) open = open.where("department_id", "=", cols.department_id);
    if (cols.handling_report_id !== null) open = open.where("handling_report_id", "=", cols.handling_report_id);
    if (await open.executeTakeFirst()) return { ok: false, field: "_form", message: "该对象已有一项正在进行的测评，请先结束它" };
    const title = (input.title ?? "").trim() || described.title;
    if (title.length > 200) return { ok: false, field: "title", message: "测评名称不能超过 200 个字" };
    const row = await trx
      .insertInto("votes")
      .values({ inquiry_id: input.inquiryId, ...cols, title, secret: input.secret ? 1 : 0, status: "open", opened_by: actor.id, opened_at: nowIso() })
      .returning("id")
      .executeTakeFirstOrThrow();
    await recordAudit(trx, actor, {
      action: "vote.open",
      entityType: "vote",
      entityId: row.id,
      summary: `发起满意度测评「${title}」（${VOTE_TARGET_LABELS[input.target.type]}，${input.secret ? "无记名" : "记名"}）`,
      after: { ...cols, title, secret: input.secret },
    });
    return { ok: true, id: row.id };
  });
}

/**
 * A member's ballot: the first cast adds it, a later one replaces the member's choice while the vote is open.
 * There is never more than one ballot per member and vote (also enforced by a unique constraint).
 */
export async function castBallot(db: DB | Trx, actor: Actor, input: { voteId: number; memberId: number; choice: VoteChoice }): Promise<Result> {
  if (!CHOICES.includes(input.choice)) return { ok: false, field: "choice", message: "请选择满意、基本满意、不满意或弃权" };
  return inTransaction(db, async (trx): Promise<Result> => {
    const vote = await trx.selectFrom("votes").selectAll().where("id", "=", input.voteId).executeTakeFirst();
    if (!vote) return { ok: false, field: "_form", message: "该测评不存在" };
    if (vote.status !== "open") return { ok: false, field: "_form", message: "该测评已经结束，不能再投票或修改" };
    const member = await trx.selectFrom("users").select(["role", "active"]).where("id", "=", input.memberId).executeTakeFirst();
    if (!member || member.role !== "member" || !member.active) return { ok: false, field: "_form", message: "只有委员和代表可以参加满意度测评" };
    const now = nowIso();
    const existing = await trx.selectFrom("vote_ballots").select(["id", "choice"]).where("vote_id", "=", vote.id).where("member_id", "=", input.memberId).executeTakeFirst();
    let id: number;
    if (existing) {
      await trx.updateTable("vote_ballots").set({ choice: input.choice, updated_at: now }).where("id", "=", existing.id).execute();
      id = existing.id;
    } else {
      const row = await trx
        .insertInto("vote_ballots")
        .values({ vote_id: vote.id, member_id: input.memberId, choice: input.choice, cast_at: now, updated_at: now })
        .returning("id")
        .executeTakeFirstOrThrow();
      id = row.id;
    }
    const secret = vote.secret === 1;
    await recordAudit(trx, actor, {
      action: existing ? "vote.ballot_change" : "vote.ballot_cast",
      entityType: "vote",
      entityId: vote.id,
      summary: secret
        ? `${existing ? "修改" : "参加"}满意度测评「${vote.title}」（无记名，不记录选择）`
        : `${existing ? "修改" : "参加"}满意度测评「${vote.title}」：${VOTE_CHOICE_LABELS[input.choice]}`,
      before: existing && !secret ? { choice: existing.choice } : undefined,
      after: secret ? { voted: true } : { choice: input.choice },
    });
    if (!existing) await staffEvents.voteMaybeReady(trx, vote.id);
    return { ok: true, id };
  });
}

/** Ends a vote; ballots can no longer be cast or changed. */
export async function closeVote(db: DB | Trx, actor: Actor, voteId: number): Promise<Result> {
  return inTransaction(db, async (trx): Promise<Result> => {
    const vote = await trx.selectFrom("votes").selectAll().where("id", "=", voteId).executeTakeFirst();
    if (!vote) return { ok: false, field: "_form", message: "该测评不存在" };
    if (vote.status !== "open") return { ok: false, field: "_form", message: "该测评已经结束" };
    await trx.updateTable("votes").set({ status: "closed", closed_at: nowIso() }).where("id", "=", voteId).execute();
    const results = await tally(trx, voteId);
    await recordAudit(trx, actor, {
      action: "vote.close",
      entityType: "vote",
      entityId: voteId,
      summary: `结束满意度测评「${vote.title}」：${results.counts.map((c) => `${c.label} ${c.count}`).join("，")}`,
      before: { status: "open" },
      after: { status: "closed", counts: Object.fromEntries(results.counts.map((c) => [c.choice, c.count])) },
    });
    return { ok: true, id: voteId };
  });
}

async function tally(db: DB | Trx, voteId: number) {
  const rows = await db
    .selectFrom("vote_ballots")
    .select(["choice", (eb) => eb.fn.countAll<number>().as("n")])
    .where("vote_id", "=", voteId)
    .groupBy("choice")
    .execute();
  const total = rows.reduce((sum, r) => sum + Number(r.n), 0);
  const percent = (n: number) => (total === 0 ? 0 : Math.round((n / total) * 1000) / 10);
  const counts = VOTE_CHOICES.map((c) => {
    const count = Number(rows.find((r) => r.choice === c.value)?.n ?? 0);
    return { choice: c.value, label: c.label, count, percent: percent(count) };
  });
  const approvals = counts.filter((c) => c.choice === "satisfied" || c.choice === "basically_satisfied").reduce((s, c) => s + c.count, 0);
  return { total, counts, approval: { count: approvals, percent: percent(approvals) } };
}

export interface VoteResults {
  vote: {
    id: number;
    inquiry_id: number;
    target_type: "answer" | "department" | "handling_report";
    segment_id: number | null;
    department_id: number | null;
    handling_report_id: number | null;
    title: string;
    secret: boolean;
    status: "open" | "closed";
    opened_at: string;
    closed_at: string | null;
  };
  /** ballots counted (one per member) */
  total: number;
  /** per choice, in the order 满意, 基本满意, 不满意, 弃权; percent of all ballots, one decimal */
  counts: { choice: VoteChoice; label: string; count: number; percent: number }[];
  /** 满意 + 基本满意 */
  approval: { count: number; percent: number };
  /** more than half of the ballots are 满意 or 基本满意 (a simple rule; callers may apply their own) */
  passed: boolean;
  /** who chose what: only for a vote that is not secret (null when secret) */
  ballots: { member_id: number; member_name: string; choice: VoteChoice; label: string }[] | null;
}

/** Counts and percentages; the named ballots only when the vote is not secret. */
export async function voteResults(db: DB | Trx, voteId: number): Promise<VoteResults | undefined> {
  const vote = await db.selectFrom("votes").selectAll().where("id", "=", voteId).executeTakeFirst();
  if (!vote) return undefined;
  const t = await tally(db, voteId);
  const secret = vote.secret === 1;
  const ballots = secret
    ? null
    : (
        await db
          .selectFrom("vote_ballots as b")
          .innerJoin("users as u", "u.id", "b.member_id")
          .select(["b.member_id", "u.display_name", "b.choice"])
          .where("b.vote_id", "=", voteId)
          .orderBy("u.display_name")
          .execute()
      ).map((b) => ({ member_id: b.member_id, member_name: b.display_name, choice: b.choice, label: VOTE_CHOICE_LABELS[b.choice] }));
  return {
    vote: {
      id: vote.id,
      inquiry_id: vote.inquiry_id,
      target_type: vote.target_type,
      segment_id: vote.segment_id,
      department_id: vote.department_id,
      handling_report_id: vote.handling_report_id,
      title: vote.title,
      secret,
      status: vote.status,
      opened_at: vote.opened_at,
      closed_at: vote.closed_at,
    },
    ...t,
    passed: t.total > 0 && t.approval.count * 2 > t.total,
    ballots,
  };
}

/** The member's own current choice (shown only to that member). */
export async function myBallot(db: DB | Trx, voteId: number, memberId: number): Promise<VoteChoice | null> {
  const row = await db.selectFrom("vote_ballots").select("choice").where("vote_id", "=", voteId).where("member_id", "=", memberId).executeTakeFirst();
  return row?.choice ?? null;
}

export async function getVote(db: DB | Trx, voteId: number) {
  return db
    .selectFrom("votes as v")
    .innerJoin("inquiries as i", "i.id", "v.inquiry_id")
    .selectAll("v")
    .select("i.title as inquiry_title")
    .where("v.id", "=", voteId)
    .executeTakeFirst();
}

/** The votes of an inquiry (optionally of one target type), newest first, with their ballot counts. */
export async function listInquiryVotes(db: DB | Trx, inquiryId: number, targetType?: VoteTarget["type"]) {
  let q = db
    .selectFrom("votes as v")
    .leftJoin("vote_ballots as b", "b.vote_id", "v.id")
    .select(["v.id", "v.title", "v.target_type", "v.segment_id", "v.department_id", "v.handling_report_id", "v.secret", "v.status", "v.opened_at", "v.closed_at"])
    .select((eb) => eb.fn.count<number>("b.id").as("ballots"))
    .where("v.inquiry_id", "=", inquiryId)
    .groupBy("v.id")
    .orderBy("v.id", "desc");
  if (targetType) q = q.where("v.target_type", "=", targetType);
  return (await q.execute()).map((v) => ({ ...v, ballots: Number(v.ballots) }));
}

/** For a member's phone: open votes first, then recently closed ones, each with whether the member has voted. */
export async function listMemberVotes(db: DB | Trx, memberId: number, limit = 30) {
  const rows = await db
    .selectFrom("votes as v")
    .innerJoin("inquiries as i", "i.id", "v.inquiry_id")
    .leftJoin("vote_ballots as b", (j) => j.onRef("b.vote_id", "=", "v.id").on("b.member_id", "=", memberId))
    .select(["v.id", "v.title", "v.status", "v.opened_at", "v.closed_at", "v.secret", "i.title as inquiry_title", "b.choice"])
    .orderBy("v.status", "desc")
    .orderBy("v.id", "desc")
    .limit(limit)
    .execute();
  return rows.map((r) => ({ ...r, voted: r.choice !== null }));
}
