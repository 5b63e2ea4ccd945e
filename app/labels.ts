import type { DelegationStatus, InquiryStage, OrganizationKind, PlanStatus, Role } from "../db/schema";

/** Chinese names shown in the UI; shared by server and browser code. */
export const ROLE_LABELS: Record<Role, string> = {
  admin: "系统管理员",
  staff: "人大工作人员",
  member: "委员/代表",
  department: "应询部门",
  county: "县区人大",
};
export const ROLES = Object.keys(ROLE_LABELS) as Role[];

export const ORGANIZATION_KIND_LABELS: Record<OrganizationKind, string> = {
  government: "人民政府",
  department: "政府部门",
  county_congress: "县区人大常委会",
  congress_office: "人大专门委员会/工作机构",
};
export const ORGANIZATION_KINDS = Object.keys(ORGANIZATION_KIND_LABELS) as OrganizationKind[];

/** The kinds of record named in the audit log. */
export const ENTITY_LABELS: Record<string, string> = {
  user: "用户",
  organization: "组织机构",
  session: "登录会话",
  inquiry: "专题询问",
  attachment: "附件",
  research_activity: "调研活动",
  research_finding: "问题线索",
  survey_request: "委托调研",
  survey_delegation: "县区调研报告",
  outline: "询问提纲",
  outline_question: "提纲问题",
  outline_proposal: "问题建议",
  preparation_answer: "书面准备答复",
  meeting: "询问会",
  meeting_segment: "询问会记录",
  turn_correction: "记录更正",
  written_reply: "书面答复",
  vote: "满意度测评",
  digest: "摘要",
  rectification_item: "整改事项",
  progress_report: "整改进展",
  deadline_extension: "延期申请",
  handling_report: "研究处理情况报告",
  setting: "系统设置",
};

/** The lifecycle of an inquiry (DESIGN.md §1). */
export const STAGES: { key: InquiryStage; label: string }[] = [
  { key: "plan", label: "立项" },
  { key: "research", label: "会前调研" },
  { key: "outline", label: "询问提纲" },
  { key: "meeting", label: "询问会" },
  { key: "rectification", label: "整改督办" },
  { key: "closed", label: "办结" },
];
export const STAGE_LABELS = Object.fromEntries(STAGES.map((s) => [s.key, s.label])) as Record<InquiryStage, string>;
/** The stages a hand correction offers: every stage but 办结, which only the close page (its checks) reaches. */
export const MANUAL_STAGES = STAGES.filter((s) => s.key !== "closed");

export const PLAN_STATUS_LABELS: Record<PlanStatus, string> = {
  draft: "起草中",
  submitted: "已提请主任会议",
  approved: "主任会议已批准",
  rejected: "主任会议已驳回",
};

export const RESEARCH_KINDS = ["专题调研", "视察", "座谈会", "暗访", "现场推进会", "主题实践活动", "其他"] as const;

export const DELEGATION_STATUS_LABELS: Record<DelegationStatus, string> = {
  pending: "待提交",
  submitted: "已提交",
  accepted: "已采纳",
  returned: "退回修改",
};

export const SURVEY_EVENT_LABELS: Record<string, string> = {
  delegated: "委托调研",
  draft_saved: "保存草稿",
  submitted: "提交报告",
  returned: "退回修改",
  accepted: "采纳报告",
  chased: "催办",
};
