import type { ItemStatus, VoteChoice } from "../../db/schema";

/**
 * UI labels of 整改督办 and 办结, shared by server and browser code (no server imports here: components
 * import this file).
 */
export const ITEM_STATUSES: ItemStatus[] = ["todo", "in_progress", "closure_requested", "closed", "carried_over"];

export const ITEM_STATUS_LABELS: Record<ItemStatus, string> = {
  todo: "待整改",
  in_progress: "整改中",
  closure_requested: "申请销号",
  closed: "已销号",
  carried_over: "结转",
};

/** Badge class per status (see .badge in styles.css). */
export const ITEM_STATUS_CLASS: Record<ItemStatus, string> = {
  todo: "",
  in_progress: "warn",
  closure_requested: "rect-requested",
  closed: "ok",
  carried_over: "off",
};

export const OPEN_ITEM_STATUSES: ItemStatus[] = ["todo", "in_progress", "closure_requested"];
export const FINAL_ITEM_STATUSES: ItemStatus[] = ["closed", "carried_over"];

export type SourceType = "exchange" | "finding" | "manual" | "plan";
export const SOURCE_LABELS: Record<SourceType, string> = {
  exchange: "询问会问答",
  finding: "调研问题线索",
  manual: "直接录入",
  plan: "行动计划",
};

export const ITEM_EVENT_LABELS: Record<string, string> = {
  created: "交办整改事项",
  imported: "批量导入",
  plan_imported: "从行动计划导入",
  edited: "修改事项",
  progress: "报送整改进展",
  closure_requested: "申请销号",
  returned: "退回销号申请",
  closed: "销号",
  carried_over: "结转",
  extension_requested: "申请延期",
  extension_approved: "批准延期",
  extension_denied: "不予延期",
  chased: "催办",
  close_undone: "撤销销号",
  carry_over_undone: "撤销结转",
  voided: "作废",
  letter: "发出公文",
  accountability: "问责措施",
  carried_in: "承接上一轮",
  continued: "转入下一轮",
  accountability_done: "问责措施落实",
};

export const EXTENSION_STATUS_LABELS: Record<"pending" | "approved" | "denied", string> = {
  pending: "待审批",
  approved: "已批准",
  denied: "不予批准",
};

export const PROGRESS_KIND_LABELS: Record<"progress" | "closure_request", string> = {
  progress: "整改进展",
  closure_request: "销号申请",
};

export type HandlingReportStatus = "pending" | "submitted" | "accepted" | "resubmission_required";
export const HANDLING_REPORT_STATUS_LABELS: Record<HandlingReportStatus, string> = {
  pending: "待报送",
  submitted: "已报送",
  accepted: "已通过",
  resubmission_required: "须重新报告",
};
export const HANDLING_REPORT_STATUS_CLASS: Record<HandlingReportStatus, string> = {
  pending: "",
  submitted: "warn",
  accepted: "ok",
  resubmission_required: "bad",
};

export const VOTE_CHOICES: VoteChoice[] = ["satisfied", "basically_satisfied", "unsatisfied", "abstain"];
export const VOTE_CHOICE_LABELS: Record<VoteChoice, string> = {
  satisfied: "满意",
  basically_satisfied: "基本满意",
  unsatisfied: "不满意",
  abstain: "弃权",
};

/** Deadline light filter of the ledger; "done" = closed or carried over (no light). */
export type LightFilter = "green" | "yellow" | "red" | "done";
export const LIGHT_FILTERS: LightFilter[] = ["red", "yellow", "green", "done"];
export const LIGHT_FILTER_LABELS: Record<LightFilter, string> = {
  red: "红灯（已逾期）",
  yellow: "黄灯（临近期限）",
  green: "绿灯（正常）",
  done: "已销号或结转",
};

export const DEFAULT_WARNING_DAYS = 15;

/** The handling report is due this many months after the meeting unless staff set another date. */
export const HANDLING_REPORT_MONTHS = 3;

/** At most this many items per imported sheet. */
export const MAX_IMPORT_ROWS = 500;

/** The columns offices use in a rectification ledger (export). */
export const LEDGER_COLUMNS = ["序号", "问题", "整改要求", "来源", "牵头单位", "配合单位", "整改时限", "进展情况", "状态", "销号日期", "灯", "备注"] as const;

/** The light's word, printed beside its colour so black-and-white copies read the same. */
export const LIGHT_WORDS: Record<"green" | "yellow" | "red" | "done", string> = { red: "红灯", yellow: "黄灯", green: "绿灯", done: "—" };

/** The columns of the import template. */
export const IMPORT_COLUMNS = ["问题", "整改要求", "牵头单位", "配合单位", "整改时限"] as const;

/** How deadlines are counted, as stated next to every light. */
export function lightRuleText(warningDays: number): string {
  return `期限按自然日（日历日）计算：距整改时限 ${warningDays} 天以内为黄灯，超过整改时限未销号为红灯，其余为绿灯。以工作日设定时限的事项，剩余和逾期天数按工作日计（法定节假日和调休按系统管理员载入的国务院办公厅节假日安排）。`;
}

/** The ledger's "waiting for staff" filter (issue 12): a pending extension request, a closure request, or either. */
export const WAITING_FILTERS = ["any", "extension", "closure"] as const;
export type WaitingFilter = (typeof WAITING_FILTERS)[number];
export const WAITING_FILTER_LABELS: Record<WaitingFilter, string> = { any: "待工作人员办理", extension: "有延期申请待审批", closure: "销号申请待审核" };
