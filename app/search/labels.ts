/** Kinds of search result, for the UI (shared with the server module). */
export const SEARCH_KIND_LABELS: Record<string, string> = {
  inquiry: "专题询问",
  research_activity: "调研活动",
  research_finding: "问题线索",
  survey_report: "县区调研报告",
  outline_question: "提纲问题",
  issued_question: "提纲问题",
  preparation_answer: "书面准备答复",
  exchange: "询问会问答",
  rectification_item: "整改事项",
  progress_report: "整改进展",
  attachment: "附件",
  written_reply: "书面答复",
  handling_report: "研究处理情况报告",
};
