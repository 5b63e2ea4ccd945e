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
}
export type Inquiry = Selectable<InquiryTable>;
export type InquiryUpdate = Updateable<InquiryTable>;

export interface InquiryOrganizationTable {
  inquiry_id: number;
  organization_id: number;
}
