import * as staffEvents from "../queue/events.server";
import type { Kysely, Transaction } from "kysely";
import type { Database, VoteChoice } from "../../db/schema";
import { saveAttachments, type CheckedUpload } from "../attachments/attachments.server";
import { castBallot, closeVote, myStanding, openVote, outcomeIfClosedNow, resolveFollowup, voteTurnout, type VoteOutcome } from "../meeting/votes.server";
import { recordAudit, type Actor } from "../audit.server";
import type { RichText } from "../richtext/richtext.server";
import { deadlineLight } from "../utils/deadline";
import { formatDate, isCalendarDate, nowIso, todayInShanghai } from "../utils/time";
import { dateContext, deadlineProblem } from "../history/dates.server";
import { notVoided } from "../history/void.server";
import { HANDLING_REPORT_MONTHS, HANDLING_REPORT_STATUS_LABELS, VOTE_CHOICES, type HandlingReportStatus } from "./labels";
import { addMonths } from "../utils/time";
import type { Result } from "../utils/result";

/**
 * 研究处理情况报告: the government's written report on how it handled the inquiry's opinions. Due (per inquiry)
 * three months after the meeting by default; submitted by the government's liaison; members vote satisfaction
 * on it; if the vote does not pass (the shared rule of app/meeting/votes.server.ts computeVoteResult: by
 * default 满意 + 基本满意 over half of all eligible members), the report must be made again (a new round with a
 * new due date). The vote uses the meeting stage's generic vote functions (app/meeting/votes.server.ts) with
 * target_type "handling_report", inside this module's transactions.
 */
type Db = Kysely<Database> | Transaction<Database>;

export { HANDLING_REPORT_MONTHS };
/** Days before the due date at which a pending report turns yellow. */
export const HANDLING_REPORT_NEAR_DAYS = 15;

const CONFLICT = "研究处理情况报告已被他人修改或办理，请刷新页面查看最新状态后再操作。";

export type HandlingReportAction = "set_due_date" | "submit" | "open_vote" | "accept" | "vote_down";

/**
 * The report's status rules: 待报送 → 已报送 (the government submits) → 已通过 (the vote passes, or staff accept
 * it without a vote) or 须重新报告 (more than half 不满意; a new round follows). The due date moves only while
 * the report is pending. Accepted and resubmission_required are final for that round.
 */
export function nextHandlingReportStatus(current: HandlingReportStatus, action: HandlingReportAction): HandlingReportStatus | null {
  switch (action) {
    case "set_due_date":
      return current === "pending" ? "pending" : null;
    case "submit":
      return current === "pending" ? "submitted" : null;
    case "open_vote":
      return current === "submitted" ? "submitted" : null;
    case "accept":
      return current === "submitted" ? "accepted" : null;
    case "vote_down":
      return current === "submitted" ? "resubmission_required" : null;
  }
}

export interface Tally {
  satisfied: number;
  basically_satisfied: number;
  unsatisfied: number;
  abstain: number;
  total: number;
}

/** The report's fate from the vote's result (computeVoteResult): not passed → the report must be made again. */
export function voteOutcome(outcome: Pick<VoteOutcome, "passed">): "accepted" | "resubmission_required" {
  return outcome.passed ? "accepted" : "resubmission_required";
}

export function defaultHandlingDueDate(meetingDate: string | null, today = todayInShanghai()): string {
  return addMonths(meetingDate && isCalendarDate(meetingDate) ? meetingDate : today, HANDLING_REPORT_MONTHS);
}

/** The counters of a vote (the only record of a secret vote's choices). Show them only once the vote is closed. */
export async function voteTally(db: Db, voteId: number): Promise<Tally> {
  const rows = await db.selectFrom("vote_counts").select(["choice", "count"]).where("vote_id", "=", voteId).execute();
  const tally: Tally = { satisfied: 0, basically_satisfied: 0, unsatisfied: 0, abstain: 0, total: 0 };
  for (const r of rows) {
    tally[r.choice] = Number(r.count);
    tally.total += Number(r.count);
  }
  return tally;
}

/**
 * Every round of an inquiry's report, newest first, each with its vote: the tally only once the vote is closed,
 * turnout (已投) while it is open, and for a member whether they have voted (their choice only if the vote is open-named).
 */
export async function listHandlingReports(db: Db, inquiryId: number, memberId?: number) {
  const rows = await db
    .selectFrom("handling_reports as h")
    .leftJoin("users as u", "u.id", "h.submitted_by")
    .leftJoin("votes as v", "v.id", "h.vote_id")
    .select([
      "h.id",
      "h.inquiry_id",
      "h.round",
      "h.due_date",
      "h.body_html",
      "h.body_text",
      "h.body_json",
      "h.status",
      "h.submitted_at",
      "h.vote_id",
      "h.version",
      "u.display_name as submitted_by_name",
      "v.status as vote_status",
      "v.opened_at as vote_opened_at",
      "v.closed_at as vote_closed_at",
    ])
    .where("h.inquiry_id", "=", inquiryId)
    .orderBy("h.round", "desc")
    .execute();
  const today = todayInShanghai();
  const result = [];
  for (const r of rows) {
    const tally = r.vote_id && r.vote_status === "closed" ? await voteTally(db, r.vote_id) : null;
    const turnout = r.vote_id ? await voteTurnout(db, r.vote_id) : null;
    const standing = r.vote_id && memberId ? await myStanding(db, r.vote_id, memberId) : null;
    result.push({
      ...r,
      tally,
      turnout,
      myVoted: standing?.voted ?? false,
      myChoice: (standing?.choice ?? null) as VoteChoice | null,
      ...deadlineLight(r.due_date, today, HANDLING_REPORT_NEAR_DAYS, r.status !== "pending"),
    });
  }
  return result;
}

async function inquiryOf(db: Db, inquiryId: number) {
  const inquiry = await db.selectFrom("inquiries").select(["id", "title", "stage", "meeting_date"]).where("id", "=", inquiryId).executeTakeFirst();
  if (!inquiry) return { ok: false as const, field: "_form", message: "该专题询问不存在" };
  if (inquiry.stage === "closed") return { ok: false as const, field: "_form", message: "该专题询问已办结，研究处理情况报告不能再变动" };
  return { ok: true as const, inquiry };
}

/** The due date through the one deadline rule (today in live work, the meeting date in back-entry). */
async function checkDueDate(db: Db, inquiryId: number, value: string, field: string): Promise<{ ok: false; field: string; message: string } | null> {
  const problem = deadlineProblem(await dateContext(db, inquiryId), "handling_report", value);
  return problem ? { ok: false, field, message: problem } : null;
}

/** Staff set the due date: creates round 1 if there is none yet, or moves the pending round's due date. */
export async function setHandlingReportDueDate(
  db: Kysely<Database>,
  actor: Actor,
  input: { inquiryId: number; dueDate: string; reportId: number | null; version: number | null },
): Promise<Result> {
  const bad = await checkDueDate(db, input.inquiryId, input.dueDate, "dueDate");
  if (bad) return bad;
  return db.transaction().execute(async (trx) => {
    const found = await inquiryOf(trx, input.inquiryId);
    if (!found.ok) return found;
    const now = nowIso();
    const latest = await trx.selectFrom("handling_reports").selectAll().where("inquiry_id", "=", input.inquiryId).orderBy("round", "desc").executeTakeFirst();
    if (!latest) {
      if (input.reportId !== null) return { ok: false, field: "_form", message: CONFLICT };
      const row = await trx
        .insertInto("handling_reports")
        .values({ inquiry_id: input.inquiryId, round: 1, due_date: input.dueDate, created_at: now, updated_at: now })
        .returning("id")
        .executeTakeFirstOrThrow();
      await recordAudit(trx, actor, {
        action: "handling_report.due_date",
        entityType: "handling_report",
        entityId: row.id,
        summary: `「${found.inquiry.title}」研究处理情况报告报送期限定为 ${input.dueDate}`,
        after: { round: 1, due_date: input.dueDate },
      });
      return { ok: true, id: row.id };
    }
    if (latest.id !== input.reportId || latest.version !== input.version) return { ok: false, field: "_form", message: CONFLICT };
    if (!nextHandlingReportStatus(latest.status, "set_due_date")) {
      return { ok: false, field: "_form", message: `报告当前状态为「${HANDLING_REPORT_STATUS_LABELS[latest.status]}」，不能再调整报送期限` };
    }
    await trx.updateTable("handling_reports").set({ due_date: input.dueDate, version: latest.version + 1, updated_at: now }).where("id", "=", latest.id).execute();
    await recordAudit(trx, actor, {
      action: "handling_report.due_date",
      entityType: "handling_report",
      entityId: latest.id,
      summary: `「${found.inquiry.title}」研究处理情况报告（第 ${latest.round} 轮）报送期限由 ${latest.due_date} 改为 ${input.dueDate}`,
      before: { due_date: latest.due_date },
      after: { due_date: input.dueDate },
    });
    return { ok: true, id: latest.id };
  });
}

/**
 * The government's liaison submits the report (rich text and attachments) for the pending round. With no
 * round yet, round 1 is created with the default due date (three months after the meeting).
 */
export async function submitHandlingReport(
  db: Kysely<Database>,
  actor: Actor,
  input: { inquiryId: number; organizationId: number | null; reportId: number | null; version: number | null; body: RichText; files: CheckedUpload[] },
): Promise<Result> {
  return db.transaction().execute(async (trx) => {
    const found = await inquiryOf(trx, input.inquiryId);
    if (!found.ok) return found;
    const org = input.organizationId
      ? await trx.selectFrom("organizations").select(["kind", "name"]).where("id", "=", input.organizationId).executeTakeFirst()
      : undefined;
    if (!org || org.kind !== "government") return { ok: false, field: "_form", message: "研究处理情况报告由人民政府报送" };
    if (!input.body.text) return { ok: false, field: "body", message: "请填写研究处理情况报告" };
    const now = nowIso();
    let report = await trx.selectFrom("handling_reports").selectAll().where("inquiry_id", "=", input.inquiryId).orderBy("round", "desc").executeTakeFirst();
    if (!report) {
      if (input.reportId !== null) return { ok: false, field: "_form", message: CONFLICT };
      const due = defaultHandlingDueDate(found.inquiry.meeting_date);
      const row = await trx
        .insertInto("handling_reports")
        .values({ inquiry_id: input.inquiryId, round: 1, due_date: due, created_at: now, updated_at: now })
        .returning("id")
        .executeTakeFirstOrThrow();
      report = await trx.selectFrom("handling_reports").selectAll().where("id", "=", row.id).executeTakeFirstOrThrow();
    } else if (report.id !== input.reportId || report.version !== input.version) {
      return { ok: false, field: "_form", message: CONFLICT };
    }
    const next = nextHandlingReportStatus(report.status, "submit");
    if (!next) return { ok: false, field: "_form", message: `报告当前状态为「${HANDLING_REPORT_STATUS_LABELS[report.status]}」，不能再次报送` };
    await trx
      .updateTable("handling_reports")
      .set({
        body_json: input.body.json,
        body_text: input.body.text,
        body_html: input.body.html,
        status: next,
        submitted_at: now,
        submitted_by: actor.id,
        version: report.version + 1,
        updated_at: now,
      })
      .where("id", "=", report.id)
      .execute();
    await saveAttachments(trx, actor, { inquiryId: input.inquiryId, type: "handling_report", id: report.id }, input.files);
    await recordAudit(trx, actor, {
      action: "handling_report.submit",
      entityType: "handling_report",
      entityId: report.id,
      summary: `${org.name}报送「${found.inquiry.title}」研究处理情况报告（第 ${report.round} 轮）`,
      before: { status: report.status },
      after: { status: next, body: input.body.text, files: input.files.map((f) => f.fileName) },
    });
    await staffEvents.handlingReportSubmitted(trx, report.id, now);
    return { ok: true, id: report.id };
  });
}

async function reportFor(trx: Transaction<Database>, reportId: number, version: number) {
  const report = await trx.selectFrom("handling_reports").selectAll().where("id", "=", reportId).executeTakeFirst();
  if (!report) return { ok: false as const, field: "_form", message: "该研究处理情况报告不存在" };
  const found = await inquiryOf(trx, report.inquiry_id);
  if (!found.ok) return found;
  if (report.version !== version) return { ok: false as const, field: "_form", message: CONFLICT };
  return { ok: true as const, report, inquiry: found.inquiry };
}

/** Staff open the members' satisfaction vote on a submitted report (secret ballot). */
export async function openHandlingReportVote(db: Kysely<Database>, actor: Actor, input: { reportId: number; version: number }): Promise<Result> {
  return db.transaction().execute(async (trx) => {
    const found = await reportFor(trx, input.reportId, input.version);
    if (!found.ok) return found;
    const { report, inquiry } = found;
    if (!nextHandlingReportStatus(report.status, "open_vote")) return { ok: false, field: "_form", message: "只能对已报送的报告进行满意度测评" };
    if (report.vote_id) return { ok: false, field: "_form", message: "该报告的满意度测评已经开始" };
    const opened = await openVote(trx, actor, {
      inquiryId: report.inquiry_id,
      target: { type: "handling_report", handlingReportId: report.id },
      title: `「${inquiry.title}」研究处理情况报告满意度测评（第 ${report.round} 轮）`,
      secret: true,
    });
    if (!opened.ok) return opened;
    const vote = { id: opened.id };
    const now = nowIso();
    await trx.updateTable("handling_reports").set({ vote_id: vote.id, version: report.version + 1, updated_at: now }).where("id", "=", report.id).execute();
    await recordAudit(trx, actor, {
      action: "handling_report.vote_open",
      entityType: "handling_report",
      entityId: report.id,
      summary: `开始「${inquiry.title}」研究处理情况报告（第 ${report.round} 轮）满意度测评`,
      after: { vote_id: vote.id, round: report.round },
    });
    return { ok: true, id: vote.id };
  });
}

/** A member casts their one ballot while the vote is open. Secret: nothing stored links them to the choice. */
export async function castHandlingReportBallot(
  db: Kysely<Database>,
  actor: Actor,
  input: { reportId: number; memberId: number; choice: VoteChoice },
): Promise<Result> {
  if (!VOTE_CHOICES.includes(input.choice)) return { ok: false, field: "choice", message: "请选择测评意见" };
  return db.transaction().execute(async (trx) => {
    const report = await trx.selectFrom("handling_reports").select(["id", "round", "inquiry_id", "vote_id"]).where("id", "=", input.reportId).executeTakeFirst();
    if (!report) return { ok: false, field: "_form", message: "该研究处理情况报告不存在" };
    const found = await inquiryOf(trx, report.inquiry_id);
    if (!found.ok) return found;
    const vote = report.vote_id ? await trx.selectFrom("votes").select(["id", "status"]).where("id", "=", report.vote_id).executeTakeFirst() : undefined;
    if (!vote || vote.status !== "open") return { ok: false, field: "_form", message: "满意度测评尚未开始或已经结束" };
    const cast = await castBallot(trx, actor, { voteId: vote.id, memberId: input.memberId, choice: input.choice });
    if (!cast.ok) return cast;
    return { ok: true, id: vote.id };
  });
}

/**
 * Staff close the vote. Not passed (computeVoteResult, against the roll and the inquiry's rule) → this round
 * 须重新报告 and a new round is opened with `newDueDate` (which settles the vote's re-report follow-up);
 * otherwise the report is accepted. A vote without ballots cannot be closed.
 */
export async function closeHandlingReportVote(
  db: Kysely<Database>,
  actor: Actor,
  input: { reportId: number; version: number; newDueDate: string },
): Promise<Result & { outcome?: "accepted" | "resubmission_required" }> {
  return db.transaction().execute(async (trx) => {
    const found = await reportFor(trx, input.reportId, input.version);
    if (!found.ok) return found;
    const { report, inquiry } = found;
    const vote = report.vote_id ? await trx.selectFrom("votes").select(["id", "status"]).where("id", "=", report.vote_id).executeTakeFirst() : undefined;
    if (!vote || vote.status !== "open") return { ok: false, field: "_form", message: "满意度测评尚未开始或已经结束" };
    const tally = await voteTally(trx, vote.id);
    if (tally.total === 0) return { ok: false, field: "_form", message: "尚无委员投票，不能结束测评" };
    const outcome = voteOutcome((await outcomeIfClosedNow(trx, vote.id))!);
    const next = nextHandlingReportStatus(report.status, outcome === "accepted" ? "accept" : "vote_down");
    if (!next) return { ok: false, field: "_form", message: "只能结束已报送报告的满意度测评" };
    if (outcome === "resubmission_required") {
      const bad = await checkDueDate(trx, report.inquiry_id, input.newDueDate, "newDueDate");
      if (bad) return { ...bad, message: bad.message.replace("报送期限", "重新报送期限") };
    }
    const closed = await closeVote(trx, actor, vote.id);
    if (!closed.ok) return { ok: false, field: closed.field, message: closed.message };
    const now = nowIso();
    await trx.updateTable("handling_reports").set({ status: next, version: report.version + 1, updated_at: now }).where("id", "=", report.id).execute();
    let newId: number | null = null;
    if (outcome === "resubmission_required") {
      const row = await trx
        .insertInto("handling_reports")
        .values({ inquiry_id: report.inquiry_id, round: report.round + 1, due_date: input.newDueDate, created_at: now, updated_at: now })
        .returning("id")
        .executeTakeFirstOrThrow();
      newId = row.id;
      const settled = await resolveFollowup(trx, actor, { voteId: vote.id, note: `已要求人民政府于 ${formatDate(input.newDueDate)} 前重新报送（第 ${report.round + 1} 轮）` });
      if (!settled.ok) throw new Error(settled.message);
    }
    await recordAudit(trx, actor, {
      action: "handling_report.vote_result",
      entityType: "handling_report",
      entityId: report.id,
      summary:
        `结束「${inquiry.title}」研究处理情况报告（第 ${report.round} 轮）满意度测评：满意 ${tally.satisfied}、基本满意 ${tally.basically_satisfied}、不满意 ${tally.unsatisfied}、弃权 ${tally.abstain}；` +
        (outcome === "accepted" ? "报告通过" : `测评未通过，须于 ${formatDate(input.newDueDate)} 前重新报告`),
      before: { status: report.status },
      after: { status: next, tally, new_round: newId ? { id: newId, round: report.round + 1, due_date: input.newDueDate } : null },
    });
    return { ok: true, id: report.id, outcome };
  });
}

/** Staff accept a submitted report without a satisfaction vote (the vote is optional). */
export async function acceptHandlingReport(db: Kysely<Database>, actor: Actor, input: { reportId: number; version: number; note: string }): Promise<Result> {
  return db.transaction().execute(async (trx) => {
    const found = await reportFor(trx, input.reportId, input.version);
    if (!found.ok) return found;
    const { report, inquiry } = found;
    const next = nextHandlingReportStatus(report.status, "accept");
    if (!next) return { ok: false, field: "_form", message: `报告当前状态为「${HANDLING_REPORT_STATUS_LABELS[report.status]}」，不能确认通过` };
    if (report.vote_id) return { ok: false, field: "_form", message: "该报告正在进行满意度测评，请以测评结果为准" };
    await trx.updateTable("handling_reports").set({ status: next, version: report.version + 1, updated_at: nowIso() }).where("id", "=", report.id).execute();
    await recordAudit(trx, actor, {
      action: "handling_report.accept",
      entityType: "handling_report",
      entityId: report.id,
      summary: `确认「${inquiry.title}」研究处理情况报告（第 ${report.round} 轮）通过（未进行满意度测评）${input.note ? `：${input.note}` : ""}`,
      before: { status: report.status },
      after: { status: next, note: input.note },
    });
    return { ok: true, id: report.id };
  });
}

/** Open handling reports a government's liaison must submit (for /my). */
export async function pendingHandlingReports(db: Db) {
  const today = todayInShanghai();
  const rows = await db
    .selectFrom("handling_reports as h")
    .innerJoin("inquiries as q", "q.id", "h.inquiry_id")
    .select(["h.id", "h.inquiry_id", "h.round", "h.due_date", "h.status", "q.title as inquiry_title"])
    .where("h.status", "=", "pending")
    .where("q.stage", "!=", "closed")
    .where(notVoided("q", { inquiry: true }))
    .orderBy("h.due_date")
    .execute();
  return rows.map((r) => ({ ...r, ...deadlineLight(r.due_date, today, HANDLING_REPORT_NEAR_DAYS) }));
}

/** The inquiry's submitted handling reports (id and round), in round order. */
export async function submittedHandlingReports(db: Db, inquiryId: number) {
  return db.selectFrom("handling_reports").select(["id", "round"]).where("inquiry_id", "=", inquiryId).where("submitted_at", "is not", null).orderBy("round").execute();
}

/** When each of the inquiry's handling reports was published (null: not yet), by report id. */
export async function handlingReportsPublishedAt(db: Db, inquiryId: number): Promise<Map<number, string | null>> {
  const rows = await db.selectFrom("handling_reports").select(["id", "published_at"]).where("inquiry_id", "=", inquiryId).execute();
  return new Map(rows.map((r) => [r.id, r.published_at]));
}

/** Whether the handling report belongs to the inquiry: the guard of every write a route makes on a posted report id. */
export async function isHandlingReportOf(db: Db, inquiryId: number, reportId: number): Promise<boolean> {
  const r = await db.selectFrom("handling_reports").select("inquiry_id").where("id", "=", reportId).executeTakeFirst();
  return r?.inquiry_id === inquiryId;
}
