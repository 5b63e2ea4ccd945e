import type { OutlineStatus } from "../../db/schema";

/** Chinese names of the outline's states, shared by server and browser code (no server imports here). */
export const OUTLINE_STATUS_LABELS: Record<OutlineStatus, string> = {
  draft: "起草中",
  submitted: "已提请主任会议审定",
  approved: "主任会议已审定",
  rejected: "主任会议已退回",
  issued: "已下发应询部门",
};

export type OutlineVersionStatus = "submitted" | "approved" | "rejected";

export const VERSION_STATUS_LABELS: Record<OutlineVersionStatus, string> = {
  submitted: "待主任会议审定",
  approved: "审定通过",
  rejected: "退回修改",
};

export type ProposalStatus = "pending" | "accepted" | "declined";

export const PROPOSAL_STATUS_LABELS: Record<ProposalStatus, string> = {
  pending: "待处理",
  accepted: "已采纳",
  declined: "未采纳",
};

/** A preparation answer as staff see it: a draft stays with the department until it is submitted. */
export type AnswerState = "none" | "draft" | "submitted";

export const ANSWER_STATE_LABELS: Record<AnswerState, string> = {
  none: "未答复",
  draft: "起草中",
  submitted: "已提交答复",
};

export const SOURCE_TYPE_LABELS: Record<"finding" | "survey_report", string> = {
  finding: "问题线索",
  survey_report: "县区调研报告",
};

/** The value of the questioner select that means “a person outside the roster, typed by name”. */
export const NAMED_QUESTIONER = "named";

/** 一、二、三 … for keyword headings (up to 99). */
export function chineseNumber(n: number): string {
  const digits = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
  if (n < 10) return digits[n];
  if (n < 20) return `十${n % 10 ? digits[n % 10] : ""}`;
  if (n < 100) return `${digits[Math.floor(n / 10)]}十${n % 10 ? digits[n % 10] : ""}`;
  return String(n);
}

/** How a questioner is written in the outline: “市人大常委会委员 马爱国”, or 待定. */
export function questionerLabel(q: { questioner_name: string; questioner_role: string }): string {
  if (!q.questioner_name) return "待定";
  return q.questioner_role ? `${q.questioner_role} ${q.questioner_name}` : q.questioner_name;
}

/** One question of a frozen version (the snapshot's shape), shared by the pages that show versions. */
export interface SnapshotQuestion {
  id: number;
  text: string;
  departmentId: number;
  departmentName: string;
  questionerUserId: number | null;
  questionerName: string;
  questionerRole: string;
  sources: { type: "finding" | "survey_report"; id: number; label: string }[];
}

export interface SnapshotKeyword {
  id: number;
  keyword: string;
  headline: string;
  questions: SnapshotQuestion[];
}

export interface OutlineSnapshot {
  keywords: SnapshotKeyword[];
}

export interface SnapshotDiff {
  added: { keyword: string; question: SnapshotQuestion }[];
  removed: { keyword: string; question: SnapshotQuestion }[];
  changed: { keyword: string; before: SnapshotQuestion; after: SnapshotQuestion; changes: string[] }[];
  keywordsAdded: string[];
  keywordsRemoved: string[];
  keywordsChanged: string[];
}

/**
 * What changed between two frozen versions, question by question (matched by their id): added, removed, and
 * changed (text, department, questioner, keyword, sources, place in the order). Pure, used by the versions page.
 */
export function diffSnapshots(before: OutlineSnapshot, after: OutlineSnapshot): SnapshotDiff {
  const index = (s: OutlineSnapshot) => {
    const map = new Map<number, { keyword: SnapshotKeyword; question: SnapshotQuestion; order: number }>();
    let order = 0;
    for (const k of s.keywords) for (const q of k.questions) map.set(q.id, { keyword: k, question: q, order: order++ });
    return map;
  };
  const a = index(before);
  const b = index(after);
  const added = [...b.values()].filter((x) => !a.has(x.question.id)).map((x) => ({ keyword: x.keyword.keyword, question: x.question }));
  const removed = [...a.values()].filter((x) => !b.has(x.question.id)).map((x) => ({ keyword: x.keyword.keyword, question: x.question }));
  // the relative order of the questions present in both versions
  const common = [...b.values()].filter((x) => a.has(x.question.id));
  const rankBefore = new Map([...a.values()].filter((x) => b.has(x.question.id)).sort((p, q) => p.order - q.order).map((x, i) => [x.question.id, i]));
  const rankAfter = new Map(common.sort((p, q) => p.order - q.order).map((x, i) => [x.question.id, i]));
  const changed: SnapshotDiff["changed"] = [];
  for (const x of common) {
    const old = a.get(x.question.id)!;
    const changes: string[] = [];
    if (old.question.text !== x.question.text) changes.push("问题内容");
    if (old.question.departmentId !== x.question.departmentId) changes.push(`应询部门（${old.question.departmentName} → ${x.question.departmentName}）`);
    if (old.question.questionerName !== x.question.questionerName || old.question.questionerRole !== x.question.questionerRole) {
      changes.push(`询问人（${questionerLabel({ questioner_name: old.question.questionerName, questioner_role: old.question.questionerRole })} → ${questionerLabel({ questioner_name: x.question.questionerName, questioner_role: x.question.questionerRole })}）`);
    }
    if (old.keyword.id !== x.keyword.id) changes.push(`关键词（${old.keyword.keyword} → ${x.keyword.keyword}）`);
    const sourceKey = (q: SnapshotQuestion) => q.sources.map((s) => `${s.type}:${s.id}`).sort().join(",");
    if (sourceKey(old.question) !== sourceKey(x.question)) changes.push("来源");
    if (rankBefore.get(x.question.id) !== rankAfter.get(x.question.id)) changes.push("顺序");
    if (changes.length) changed.push({ keyword: x.keyword.keyword, before: old.question, after: x.question, changes });
  }
  const kwBefore = new Map(before.keywords.map((k) => [k.id, k]));
  const kwAfter = new Map(after.keywords.map((k) => [k.id, k]));
  return {
    added,
    removed,
    changed,
    keywordsAdded: after.keywords.filter((k) => !kwBefore.has(k.id)).map((k) => k.keyword),
    keywordsRemoved: before.keywords.filter((k) => !kwAfter.has(k.id)).map((k) => k.keyword),
    keywordsChanged: after.keywords
      .filter((k) => kwBefore.has(k.id) && (kwBefore.get(k.id)!.keyword !== k.keyword || kwBefore.get(k.id)!.headline !== k.headline))
      .map((k) => `${kwBefore.get(k.id)!.keyword} → ${k.keyword}${kwBefore.get(k.id)!.headline !== k.headline ? "（标题有修改）" : ""}`),
  };
}

export function diffIsEmpty(d: SnapshotDiff): boolean {
  return !d.added.length && !d.removed.length && !d.changed.length && !d.keywordsAdded.length && !d.keywordsRemoved.length && !d.keywordsChanged.length;
}
