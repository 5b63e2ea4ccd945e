/** The kinds of work waiting for a staff decision (待我办理), in the order the filter lists them. */
export const QUEUE_KINDS = [
  "survey_report",
  "preparation_answer",
  "correction",
  "proposal",
  "vote",
  "vote_totals",
  "re_report",
  "extension",
  "closure",
  "handling_report",
  "accountability",
] as const;
export type QueueKind = (typeof QUEUE_KINDS)[number];

export const QUEUE_KIND_LABELS: Record<QueueKind, string> = {
  survey_report: "县区调研报告待审阅",
  preparation_answer: "书面准备答复待阅",
  correction: "记录更正待审定",
  proposal: "委员问题建议待处理",
  vote: "满意度测评待结束",
  vote_totals: "表决结果待复核确认",
  re_report: "测评未通过待重新报告",
  extension: "延期申请待审批",
  closure: "销号申请待审核",
  handling_report: "研究处理情况报告待审议",
  accountability: "问责措施待落实",
};

/** One row of the queue, as the server builds it and the table shows it. */
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
