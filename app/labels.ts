import type { OrganizationKind, Role } from "../db/schema";

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
};
