import type { Kysely } from "kysely";
import { notVoided } from "../history/void.server";
import type { Database } from "../../db/schema";
import { parseSnapshot } from "../outline/versions.server";
import { addDays, dateInShanghai } from "../utils/time";
import { contentGrams, uncoveredTerms, wordLength } from "./text-grams";

/**
 * Answer gaps before the meeting (issue 22 item 2; docs/decisions/0122-answer-gaps.md). Each question of the issued
 * outline is rated by its department's written preparation answer (书面准备答复):
 * - missing: nothing submitted (a draft is the department's own and counts as nothing);
 * - late: submitted after the answer date — ANSWER_LEAD_DAYS calendar days before the meeting (Asia/Shanghai),
 *   so members can read the answers and prepare follow-up questions;
 * - too_short: fewer than MIN_ANSWER_LENGTH letters and digits, or only a holding phrase (正在核实, 研究中…);
 * - off_topic: the answer uses less than MIN_COVERAGE of the question's subject-bearing character pairs (the
 *   question's key terms); the terms it never uses are shown.
 * A question may have several; each comes with its reason in Chinese.
 */
export type GapKind = "missing" | "late" | "too_short" | "off_topic";
export const GAP_LABELS: Record<GapKind, string> = { missing: "未答复", late: "逾期答复", too_short: "答复过简", off_topic: "未回应要点" };

export const ANSWER_LEAD_DAYS = 3;
export const MIN_ANSWER_LENGTH = 60;
export const MIN_COVERAGE = 0.3;
/** Holding phrases: an answer that says only this says nothing yet. */
export const HOLDING_PHRASES = ["正在核实", "正在调查", "正在研究", "研究中", "核实中", "另行答复", "待核实", "待研究", "会后答复", "稍后答复", "正在梳理", "正在统计"];

export interface GapRating {
  kinds: GapKind[];
  reasons: string[];
  /** share of the question's key pairs the answer uses, 0–1 (null without an answer) */
  coverage: number | null;
  missingTerms: string[];
}

/** The date by which preparation answers are due for a meeting on `meetingDate` (YYYY-MM-DD), or null. */
export function answerDueDate(meetingDate: string | null): string | null {
  return meetingDate ? addDays(meetingDate, -ANSWER_LEAD_DAYS) : null;
}

/**
 * Rates one answer. `answer` is the submitted answer (text and submission instant) or null; `dueDate` a calendar
 * date or null (no meeting date yet: nothing is late). Pure.
 */
export function rateAnswer(question: string, answer: { text: string; submittedAt: string | null } | null, dueDate: string | null, today?: string): GapRating {
  if (!answer || !answer.text.trim()) {
    const overdue = dueDate && today && today > dueDate;
    return {
      kinds: ["missing"],
      reasons: [dueDate ? `应询部门尚未提交书面准备答复（答复期限 ${dueDate}${overdue ? "，已逾期" : ""}）` : "应询部门尚未提交书面准备答复"],
      coverage: null,
      missingTerms: [],
    };
  }
  const kinds: GapKind[] = [];
  const reasons: string[] = [];
  const submittedOn = answer.submittedAt ? dateInShanghai(answer.submittedAt) : null;
  if (dueDate && submittedOn && submittedOn > dueDate) {
    kinds.push("late");
    reasons.push(`${submittedOn} 提交，晚于答复期限 ${dueDate}（询问会前 ${ANSWER_LEAD_DAYS} 日）`);
  }
  const length = wordLength(answer.text);
  const holding = HOLDING_PHRASES.find((p) => answer.text.includes(p));
  if (length < MIN_ANSWER_LENGTH || (holding && length < MIN_ANSWER_LENGTH * 2)) {
    kinds.push("too_short");
    reasons.push(holding ? `答复仅 ${length} 字，只称「${holding}」，未作实质答复` : `答复仅 ${length} 字（少于 ${MIN_ANSWER_LENGTH} 字）`);
  }
  const q = contentGrams(question);
  const a = contentGrams(answer.text);
  const keys = [...q.keys()];
  const used = keys.filter((g) => a.has(g)).length;
  const coverage = keys.length ? used / keys.length : 1;
  const missingTerms = coverage < MIN_COVERAGE ? uncoveredTerms(question, new Set(a.keys())) : [];
  if (coverage < MIN_COVERAGE) {
    kinds.push("off_topic");
    reasons.push(`答复未涉及问题要点${missingTerms.length ? `：${missingTerms.map((t) => `「${t}」`).join("")}` : ""}（覆盖 ${Math.round(coverage * 100)}%）`);
  }
  return { kinds, reasons, coverage, missingTerms };
}

export interface GapRow {
  questionId: number;
  number: number;
  keyword: string;
  text: string;
  departmentId: number;
  departmentName: string;
  questioner: string;
  answered: boolean;
  submittedAt: string | null;
  rating: GapRating;
}

/**
 * The questions of an inquiry's issued outline, numbered in outline order, with their submitted preparation
 * answers. The one read of outline questions and answers for the gap rating.
 */
export async function gapQuestionRows(db: Kysely<Database>, inquiryId: number) {
  const inquiry = await db.selectFrom("inquiries").select(["id", "meeting_date", "outline_issued_version_id"]).where("id", "=", inquiryId).where(notVoided("inquiries", { inquiry: true })).executeTakeFirst();
  if (!inquiry?.outline_issued_version_id) return null;
  const version = await db.selectFrom("outline_versions").select(["number", "snapshot_json"]).where("id", "=", inquiry.outline_issued_version_id).executeTakeFirst();
  if (!version) return null;
  const answers = await db
    .selectFrom("preparation_answers")
    .select(["question_id", "department_id", "answer_text", "submitted_at"])
    .where("inquiry_id", "=", inquiryId)
    .where("status", "=", "submitted")
    .execute();
  let n = 0;
  const questions = parseSnapshot(version.snapshot_json).keywords.flatMap((k) =>
    k.questions.map((q) => {
      const a = answers.find((x) => x.question_id === q.id && x.department_id === q.departmentId);
      return { number: ++n, keyword: k.keyword, question: q, answer: a ? { text: a.answer_text, submittedAt: a.submitted_at } : null };
    }),
  );
  return { meetingDate: inquiry.meeting_date, versionNumber: version.number, questions };
}

/** Every issued question of an inquiry with its rating (null while the outline is not issued). */
export async function answerGaps(db: Kysely<Database>, inquiryId: number, today: string) {
  const rows = await gapQuestionRows(db, inquiryId);
  if (!rows) return null;
  const dueDate = answerDueDate(rows.meetingDate);
  const list: GapRow[] = rows.questions.map((x) => ({
    questionId: x.question.id,
    number: x.number,
    keyword: x.keyword,
    text: x.question.text,
    departmentId: x.question.departmentId,
    departmentName: x.question.departmentName,
    questioner: x.question.questionerName,
    answered: !!x.answer,
    submittedAt: x.answer?.submittedAt ?? null,
    rating: rateAnswer(x.question.text, x.answer, dueDate, today),
  }));
  const count = (k: GapKind) => list.filter((r) => r.rating.kinds.includes(k)).length;
  return {
    dueDate,
    versionNumber: rows.versionNumber,
    rows: list,
    totals: { questions: list.length, withGaps: list.filter((r) => r.rating.kinds.length).length, missing: count("missing"), late: count("late"), tooShort: count("too_short"), offTopic: count("off_topic") },
  };
}
