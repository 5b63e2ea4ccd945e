import type { Generated, Insertable, Selectable, Updateable } from "kysely";

/** The typed shape of the database. Dates and instants are ISO strings (see docs/decisions/0001). */
export interface Database {
  organizations: OrganizationTable;
  users: UserTable;
  sessions: SessionTable;
  login_attempts: LoginAttemptTable;
  audit_log: AuditLogTable;
  inquiries: InquiryTable;
  inquiry_organizations: InquiryOrganizationTable;
  plan_decisions: PlanDecisionTable;
  attachments: AttachmentTable;
  research_activities: ResearchActivityTable;
  research_findings: ResearchFindingTable;
  survey_requests: SurveyRequestTable;
  survey_delegations: SurveyDelegationTable;
  survey_events: SurveyEventTable;
}

export type OrganizationKind = "government" | "department" | "county_congress" | "congress_office";
export type Role = "admin" | "staff" | "member" | "department" | "county";

export interface OrganizationTable {
  id: Generated<number>;
  name: string;
  kind: OrganizationKind;
  active: Generated<number>;
  sort_order: Generated<number>;
  version: Generated<number>;
  created_at: string;
  updated_at: string;
}
export type Organization = Selectable<OrganizationTable>;

export interface UserTable {
  id: Generated<number>;
  username: string;
  display_name: string;
  role: Role;
  organization_id: number | null;
  title: Generated<string>;
  password_hash: string;
  password_changed_at: string;
  active: Generated<number>;
  version: Generated<number>;
  created_at: string;
  updated_at: string;
}
export type UserRow = Selectable<UserTable>;
export type NewUserRow = Insertable<UserTable>;

export interface SessionTable {
  id_hash: string;
  user_id: number;
  created_at: string;
  expires_at: string;
  ip: Generated<string>;
  user_agent: Generated<string>;
}

export interface LoginAttemptTable {
  id: Generated<number>;
  username: string;
  ip: string;
  at: string;
  success: number;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: string;
  actor_id: number | null;
  actor_label: string;
  action: string;
  entity_type: string;
  entity_id: string | null;
  summary: string;
  before_json: string | null;
  after_json: string | null;
  ip: Generated<string>;
}
export type AuditEntry = Selectable<AuditLogTable>;

export type InquiryStage = "plan" | "research" | "outline" | "meeting" | "rectification" | "closed";

export interface InquiryTable {
  id: Generated<number>;
  title: string;
  topic: Generated<string>;
  congress: string;
  session_name: Generated<string>;
  organizing_body: Generated<string>;
  meeting_date: string | null;
  legal_basis: Generated<string>;
  notes: Generated<string>;
  stage: Generated<InquiryStage>;
  created_by: number | null;
  version: Generated<number>;
  created_at: string;
  updated_at: string;
  plan_json: Generated<string>;
  plan_text: Generated<string>;
  plan_html: Generated<string>;
  plan_status: Generated<PlanStatus>;
}
export type Inquiry = Selectable<InquiryTable>;
export type PlanStatus = "draft" | "submitted" | "approved" | "rejected";
export type InquiryUpdate = Updateable<InquiryTable>;

export interface InquiryOrganizationTable {
  inquiry_id: number;
  organization_id: number;
}

export interface PlanDecisionTable {
  id: Generated<number>;
  inquiry_id: number;
  action: "submitted" | "approved" | "rejected";
  decided_on: string | null;
  note: Generated<string>;
  plan_html: Generated<string>;
  actor_id: number | null;
  created_at: string;
}

export type AttachmentOwnerType = "inquiry_plan" | "research_activity" | "survey_request" | "survey_report";

export interface AttachmentTable {
  id: Generated<number>;
  inquiry_id: number | null;
  owner_type: AttachmentOwnerType;
  owner_id: number;
  file_name: string;
  mime_type: string;
  size: number;
  sha256: string;
  uploaded_by: number | null;
  created_at: string;
}
export type Attachment = Selectable<AttachmentTable>;

export interface ResearchActivityTable {
  id: Generated<number>;
  inquiry_id: number;
  kind: string;
  title: string;
  start_date: string;
  end_date: string;
  places: Generated<string>;
  participants: Generated<string>;
  findings_json: Generated<string>;
  findings_text: Generated<string>;
  findings_html: Generated<string>;
  version: Generated<number>;
  created_by: number | null;
  created_at: string;
  updated_at: string;
}

export interface ResearchFindingTable {
  id: Generated<number>;
  inquiry_id: number;
  activity_id: number | null;
  text: string;
  created_by: number | null;
  created_at: string;
}

export interface SurveyRequestTable {
  id: Generated<number>;
  inquiry_id: number;
  title: string;
  due_date: string;
  brief_json: Generated<string>;
  brief_text: Generated<string>;
  brief_html: Generated<string>;
  created_by: number | null;
  created_at: string;
}

export type DelegationStatus = "pending" | "submitted" | "accepted" | "returned";

export interface SurveyDelegationTable {
  id: Generated<number>;
  request_id: number;
  inquiry_id: number;
  organization_id: number;
  status: Generated<DelegationStatus>;
  report_json: Generated<string>;
  report_text: Generated<string>;
  report_html: Generated<string>;
  return_comment: Generated<string>;
  draft_saved_at: string | null;
  submitted_at: string | null;
  accepted_at: string | null;
  version: Generated<number>;
  created_at: string;
  updated_at: string;
}

export interface SurveyEventTable {
  id: Generated<number>;
  delegation_id: number;
  action: "delegated" | "draft_saved" | "submitted" | "returned" | "accepted";
  comment: Generated<string>;
  actor_id: number | null;
  actor_label: string;
  at: string;
}
