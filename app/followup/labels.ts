import type { AccountabilityKind, AccountabilityTrigger, RoundKind } from "../../db/schema";

/** UI labels of issue 21's follow-up work, shared by server and browser code (no server imports here). */
export const ACCOUNTABILITY_KINDS: AccountabilityKind[] = ["interview", "notice", "review", "referral"];

export const ACCOUNTABILITY_KIND_LABELS: Record<AccountabilityKind, string> = {
  interview: "约谈",
  notice: "通报",
  review: "提请常委会审议",
  referral: "移交",
};

export const ACCOUNTABILITY_TRIGGER_LABELS: Record<AccountabilityTrigger, string> = {
  vote: "满意度测评未通过",
  handling_report: "研究处理情况报告未通过",
  overdue: "整改事项逾期",
};

export const ACCOUNTABILITY_STATUS_LABELS: Record<"pending" | "done", string> = {
  pending: "待落实",
  done: "已落实",
};

/** Days past its deadline after which an open item calls for an accountability step (default of the setting). */
export const DEFAULT_ACCOUNTABILITY_OVERDUE_DAYS = 30;

export const ROUND_KINDS: RoundKind[] = ["followup_meeting", "inspection", "new_inquiry"];
export const ROUND_KIND_LABELS: Record<RoundKind, string> = {
  inquiry: "专题询问",
  followup_meeting: "跟踪询问会",
  inspection: "回头看",
  new_inquiry: "再次专题询问",
};

/** 下转 (issue 21): the status of a report forwarded to a sub-organisation. */
export const FORWARDING_STATUS_LABELS: Record<"pending" | "submitted" | "accepted" | "returned", string> = {
  pending: "待报送",
  submitted: "已报送",
  accepted: "已采纳",
  returned: "已退回修改",
};
