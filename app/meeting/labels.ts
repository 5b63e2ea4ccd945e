import type { PassBasis, SegmentKind, TurnKind, VoteChoice, VoteMethod } from "../../db/schema";

/**
 * 询问会 and 摘要: the Chinese names the UI shows, and the pure rules for how a turn is introduced in the record
 * and the digest ("市人大常委会委员马爱国询问：…"). Shared by server and browser code (no server imports here).
 */
export const SEGMENT_KIND_LABELS: Record<SegmentKind, string> = {
  opening: "主持人开场",
  report: "政府汇报",
  exchange: "询问与应询",
  commitment: "表态发言",
  closing: "主持人总结讲话",
};
export const SEGMENT_KINDS = Object.keys(SEGMENT_KIND_LABELS) as SegmentKind[];
/** The segments besides exchanges, entered as one speech each. */
export const SPEECH_KINDS: Exclude<SegmentKind, "exchange">[] = ["opening", "report", "commitment", "closing"];

export const TURN_KIND_LABELS: Record<TurnKind, string> = {
  question: "询问",
  answer: "应询",
  follow_up: "追问",
  supplementary: "补充回答",
  speech: "发言",
};

export const VOTE_CHOICES: { value: VoteChoice; label: string }[] = [
  { value: "satisfied", label: "满意" },
  { value: "basically_satisfied", label: "基本满意" },
  { value: "unsatisfied", label: "不满意" },
  { value: "abstain", label: "弃权" },
];
export const VOTE_CHOICE_LABELS = Object.fromEntries(VOTE_CHOICES.map((c) => [c.value, c.label])) as Record<VoteChoice, string>;

export const VOTE_MODE_LABELS: Record<"none" | "answer" | "department", string> = {
  none: "不开展满意度测评",
  answer: "按每项应询答复测评",
  department: "按应询部门测评",
};

export const VOTE_METHOD_LABELS: Record<VoteMethod, string> = { online: "网上投票", entered: "表决器或纸质表决（工作人员录入）" };

export const VOTE_RESULT_LABELS: Record<"passed" | "not_passed", string> = { passed: "通过", not_passed: "未通过" };

export const PASS_BASIS_LABELS: Record<PassBasis, string> = { eligible: "全体组成人员（应到人数）", present: "实到组成人员", cast: "参加表决人数" };

/** The pass rule in words: "满意和基本满意票超过全体组成人员（应到人数）的半数为通过". */
export function describeRule(rule: { basis: PassBasis; num: number; den: number }): string {
  const frac = rule.num === 1 && rule.den === 2 ? "半数" : rule.num === 2 && rule.den === 3 ? "三分之二" : `${rule.num}/${rule.den}`;
  return `满意和基本满意票超过${PASS_BASIS_LABELS[rule.basis]}的${frac}为通过`;
}

export const VOTE_STATUS_LABELS: Record<"open" | "closed", string> = { open: "测评进行中", closed: "测评已结束" };

export const VOTE_TARGET_LABELS: Record<"answer" | "department" | "handling_report", string> = {
  answer: "应询答复",
  department: "应询部门",
  handling_report: "研究处理情况报告",
};

export const CORRECTION_STATUS_LABELS: Record<"pending" | "accepted" | "rejected", string> = {
  pending: "待审核",
  accepted: "已采纳",
  rejected: "未采纳",
};

export const WRITTEN_REPLY_STATUS_LABELS: Record<"open" | "answered", string> = { open: "待答复", answered: "已答复" };

/** Keyboard shortcuts of the live entry form, as shown on the page. */
export const ENTRY_SHORTCUTS: { keys: string; what: string }[] = [
  { keys: "Ctrl+Enter", what: "保存本轮问答" },
  { keys: "Alt+N", what: "切换为现场提问（不按提纲）" },
  { keys: "Alt+F", what: "追加一轮追问和回答" },
  { keys: "Alt+S", what: "追加补充回答" },
  { keys: "Alt+A", what: "跳到答复正文" },
  { keys: "Alt+Q", what: "跳到询问人" },
];

/** A turn as the record and the digest need it. */
export interface TurnForLead {
  kind: TurnKind;
  speaker_name: string;
  speaker_title: string;
  organization_name: string | null;
}

/** Who said it, introduced as the published digest does. */
export function turnLead(turn: TurnForLead, segmentKind: SegmentKind = "exchange"): string {
  const name = turn.speaker_name;
  const full = `${turn.organization_name ?? ""}${turn.speaker_title}${name}`;
  switch (turn.kind) {
    case "question":
      // "市人大常委会委员马爱国询问："
      return `${turn.speaker_title}${name}询问：`;
    case "answer":
      return `${full}应询：`;
    case "follow_up":
      return `${name}追问：`;
    case "supplementary":
      return `${full}补充回答：`;
    case "speech":
      if (segmentKind === "report") return `${full}作汇报：`;
      if (segmentKind === "commitment") return `${full}作表态发言：`;
      return `${full}讲话：`;
  }
}

/**
 * The lead of each turn of one exchange: the first answer is "应询", an answer after a follow-up is a shorter
 * "回答" by the same official ("武磊回答：…").
 */
export function exchangeLeads(turns: TurnForLead[]): string[] {
  let seenFollowUp = false;
  return turns.map((t) => {
    if (t.kind === "follow_up") seenFollowUp = true;
    if (t.kind === "answer" && seenFollowUp) return `${t.speaker_name}回答：`;
    return turnLead(t);
  });
}

/** Paragraphs of a stored plain text (one per line, blank lines dropped). */
export function paragraphsOf(text: string): string[] {
  return text
    .replace(/\r\n?/g, "\n")
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
}
