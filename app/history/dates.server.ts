import type { Kysely, Transaction } from "kysely";
import type { Database } from "../../db/schema";
import { dateInShanghai, formatDate, isCalendarDate, nowIso, todayInShanghai } from "../utils/time";

/**
 * The one date rule of live work and of back-entry (补录, issue 13; docs/decisions/0080-back-entry.md).
 *
 * Live work compares with today: a deadline may not be earlier than today, and every event (提请审议, 下发,
 * 报送, 销号 …) is stamped "now". Back-entry records past work: the same rules compare with the inquiry's own
 * dates instead — a deadline after the meeting may not precede the meeting, a survey's due date may not precede
 * the plan's approval, a decision may not precede its submission — and every stamped event takes the real date
 * staff enter (not later than today). Every "不能早于今天" check and every "now" stamp in the domain modules
 * comes here, so the two modes cannot drift apart.
 */
type Db = Kysely<Database> | Transaction<Database>;

export interface DateContext {
  /** the inquiry is a record of past work (inquiries.back_entry) */
  backEntry: boolean;
  /** the inquiry's one meeting date (YYYY-MM-DD) or null while undecided */
  meetingDate: string | null;
  /** the date of the plan's latest approval by the chairpersons' council, if any */
  planApprovedOn: string | null;
  /** today's Asia/Shanghai date */
  today: string;
}

/** Reads what the rule needs of an inquiry. An unknown inquiry reads as live work with no dates. */
export async function dateContext(db: Db, inquiryId: number, today: string = todayInShanghai()): Promise<DateContext> {
  const inquiry = await db.selectFrom("inquiries").select(["back_entry", "meeting_date"]).where("id", "=", inquiryId).executeTakeFirst();
  const approved = await db
    .selectFrom("plan_decisions")
    .select("decided_on")
    .where("inquiry_id", "=", inquiryId)
    .where("action", "=", "approved")
    .orderBy("id", "desc")
    .executeTakeFirst();
  return { backEntry: inquiry?.back_entry === 1, meetingDate: inquiry?.meeting_date ?? null, planApprovedOn: approved?.decided_on ?? null, today };
}

/** The deadlines the app sets, each with its label in messages and whether it falls after the meeting. */
export const DEADLINES = {
  survey: { label: "截止日期", afterMeeting: false },
  rectification: { label: "整改时限", afterMeeting: true },
  extension: { label: "新的整改时限", afterMeeting: true },
  handling_report: { label: "报送期限", afterMeeting: true },
  written_reply: { label: "答复期限", afterMeeting: true },
} as const;
export type DeadlineKind = keyof typeof DEADLINES;

/**
 * Checks a deadline (YYYY-MM-DD) for an inquiry; returns the Chinese message to show next to the field, or null.
 * Live work: not earlier than today. Back-entry: a deadline after the meeting not earlier than the meeting date;
 * a survey's due date not earlier than the plan's approval (《监督法》第四十七条: the inquiry follows its plan).
 */
export function deadlineProblem(ctx: DateContext, kind: DeadlineKind, value: string): string | null {
  const { label, afterMeeting } = DEADLINES[kind];
  if (!isCalendarDate(value)) return `${label}格式不正确，请按“年-月-日”填写`;
  if (!ctx.backEntry) return value < ctx.today ? `${label}不能早于今天` : null;
  if (afterMeeting && ctx.meetingDate && value < ctx.meetingDate) return `${label}不能早于询问会日期（${formatDate(ctx.meetingDate)}）`;
  if (!afterMeeting && ctx.planApprovedOn && value < ctx.planApprovedOn) return `${label}不能早于工作方案批准日期（${formatDate(ctx.planApprovedOn)}）`;
  return null;
}

export type Stamp = { ok: true; at: string; backEntered: boolean } | { ok: false; message: string };

/**
 * The instant of a stamped event (提请审议, 审议结果, 下发, 报送, 采纳, 销号, 结转 …).
 * Live work: now (`entered` is ignored — the form does not offer it). Back-entry: the date staff entered, which
 * is required, not later than today and not earlier than `notBefore` (e.g. a decision not before its submission);
 * stored as noon Beijing time of that date, so it reads as that date everywhere (dateInShanghai).
 * `label` names the date in messages, e.g. "提请审议日期".
 */
export function stampFor(
  ctx: DateContext,
  entered: string | null | undefined,
  label: string,
  notBefore?: { date: string | null | undefined; label: string },
): Stamp {
  if (!ctx.backEntry) return { ok: true, at: nowIso(), backEntered: false };
  const value = (entered ?? "").trim();
  if (!value) return { ok: false, message: `补录须填写实际的${label}` };
  if (!isCalendarDate(value)) return { ok: false, message: `${label}格式不正确，请按“年-月-日”填写` };
  if (value > ctx.today) return { ok: false, message: `${label}不能晚于今天` };
  if (notBefore?.date && value < dateInShanghai(notBefore.date)) return { ok: false, message: `${label}不能早于${notBefore.label}（${formatDate(notBefore.date!)}）` };
  return { ok: true, at: instantOfDate(value), backEntered: true };
}

/**
 * A decision's own date (the council's 审定日期, a calendar date the form always asks for): never later than today;
 * in back-entry also not earlier than the submission it decides on. Returns the message, or null.
 */
export function decisionDateProblem(ctx: DateContext, decidedOn: string, label: string, submittedAt: string | null | undefined): string | null {
  if (!isCalendarDate(decidedOn)) return `${label}格式不正确，请按“年-月-日”填写`;
  if (decidedOn > ctx.today) return `${label}不能晚于今天`;
  if (ctx.backEntry && submittedAt && decidedOn < dateInShanghai(submittedAt)) return `${label}不能早于提请审议日期（${formatDate(submittedAt)}）`;
  return null;
}

/** Noon in Beijing (04:00 UTC) of a calendar date: the instant stored for a back-entered date. */
export function instantOfDate(date: string): string {
  return `${date}T04:00:00.000Z`;
}

/** The mark on a back-entered value in the timeline and the audit summary. */
export const BACK_ENTRY_MARK = "【补录】";

/**
 * `stampFor` for an event of one inquiry, reading its date context in the same transaction: the one call every
 * domain write that stamps a user-visible event makes (county report 报送 / 采纳, the handling report's 报送 and
 * 确认通过, the digest's 发布, 登记 of an item, 办结 …). Live work: now; back-entry: the entered date, checked.
 */
export async function stampEvent(
  db: Db,
  inquiryId: number,
  entered: string | null | undefined,
  label: string,
  notBefore?: (ctx: DateContext) => { date: string | null | undefined; label: string } | undefined,
): Promise<Stamp> {
  const ctx = await dateContext(db, inquiryId);
  return stampFor(ctx, entered, label, notBefore?.(ctx));
}

/**
 * How a stamped event is marked in its audit entry: 【补录】 before the summary and the real date after it, and
 * `backEntered: true, on: YYYY-MM-DD` in the after-JSON. Live stamps are unmarked.
 */
export function auditMark(stamp: { at: string; backEntered: boolean }): { prefix: string; suffix: string; after: Record<string, unknown> } {
  if (!stamp.backEntered) return { prefix: "", suffix: "", after: {} };
  const on = dateInShanghai(stamp.at);
  return { prefix: BACK_ENTRY_MARK, suffix: `（${on}）`, after: { backEntered: true, on } };
}
