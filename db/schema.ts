import type { Generated, Insertable, Selectable, Updateable } from "kysely";

/** The typed shape of the database. Dates and instants are ISO strings (see docs/decisions/0001). */
export interface Database {
  organizations: OrganizationTable;
  users: UserTable;
  sessions: SessionTable;
  login_attempts: LoginAttemptTable;
  known_devices: KnownDeviceTable;
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
  outline_keywords: OutlineKeywordTable;
  outline_questions: OutlineQuestionTable;
  outline_question_sources: OutlineQuestionSourceTable;
  outline_versions: OutlineVersionTable;
  outline_proposals: OutlineProposalTable;
  preparation_answers: PreparationAnswerTable;
  meetings: MeetingTable;
  meeting_officials: MeetingOfficialTable;
  meeting_segments: MeetingSegmentTable;
  meeting_turns: MeetingTurnTable;
  turn_corrections: TurnCorrectionTable;
  meeting_drafts: MeetingDraftTable;
  written_replies: WrittenReplyTable;
  votes: VoteTable;
  vote_ballots: VoteBallotTable;
  vote_roll: VoteRollTable;
  vote_counts: VoteCountTable;
  vote_entries: VoteEntryTable;
  inquiry_vote_rules: InquiryVoteRuleTable;
  settings: SettingTable;
  data_versions: DataVersionTable;
  rectification_items: RectificationItemTable;
  rectification_codepartments: RectificationCodepartmentTable;
  progress_reports: ProgressReportTable;
  deadline_extensions: DeadlineExtensionTable;
  item_events: ItemEventTable;
  handling_reports: HandlingReportTable;
  handling_report_reviews: HandlingReportReviewTable;
  notifications: NotificationTable;
  chase_ups: ChaseUpTable;
  roster_members: RosterMemberTable;
  known_officials: KnownOfficialTable;
  letter_templates: LetterTemplateTable;
  letters: LetterTable;
  calendar_years: CalendarYearTable;
  calendar_days: CalendarDayTable;
  recurring_links: RecurringLinkTable;
  pii_reviews: PiiReviewTable;
  action_plans: ActionPlanTable;
  organization_aliases: OrganizationAliasTable;
  accountability_steps: AccountabilityStepTable;
  // issue 19 (branch perf): counters kept by triggers, migration 0050
  organization_item_counts: OrganizationItemCountTable;
  organization_open_deadlines: OrganizationOpenDeadlineTable;
  segment_answerers: SegmentAnswererTable;
  organization_meetings: OrganizationMeetingTable;
  forwardings: ForwardingTable;
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
  /** the organisation above it (migration 0045): a county's departments and townships under the county */
  parent_id: number | null;
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
  /** migration 0040: 1 while the account still has its initial password (change it at first sign-in) */
  must_change_password: Generated<number>;
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
  /** SHA-256 of the known-device token the attempt came with ('' for an unknown browser); migration 0009 */
  device: Generated<string>;
}

export interface KnownDeviceTable {
  device_hash: string;
  user_id: number;
  created_at: string;
  last_seen_at: string;
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
  outline_status: Generated<OutlineStatus>;
  outline_issued_version_id: number | null;
  outline_revision: Generated<number>;
  rectification_public: Generated<number>;
  closed_at: string | null;
  closing_record_json: Generated<string>;
  closing_record_text: Generated<string>;
  closing_record_html: Generated<string>;
  /** 补录 (migration 0015): a record of past work; see app/history/dates.server.ts */
  back_entry: Generated<number>;
  /** 作废 (migration 0015): set once, with the reason; readers use app/history/void.server.ts */
  voided_at: string | null;
  voided_by: number | null;
  void_reason: Generated<string>;
  /** migration 0037: follow-up rounds (跟踪监督 / 回头看) */
  previous_round_id: number | null;
  round_number: Generated<number>;
  round_kind: Generated<RoundKind>;
}
export type Inquiry = Selectable<InquiryTable>;
export type RoundKind = "inquiry" | "followup_meeting" | "inspection" | "new_inquiry";
export type PlanStatus = "draft" | "submitted" | "approved" | "rejected";
export type InquiryUpdate = Updateable<InquiryTable>;

export interface InquiryOrganizationTable {
  inquiry_id: number;
  organization_id: number;
}

export interface PlanDecisionTable {
  id: Generated<number>;
  inquiry_id: number;
  /** proceeded: staff recorded a reason to proceed before the council's approval is recorded (plan gate) */
  action: "submitted" | "approved" | "rejected" | "proceeded";
  decided_on: string | null;
  note: Generated<string>;
  plan_html: Generated<string>;
  actor_id: number | null;
  created_at: string;
  /** 1 when the date was entered after the fact (补录, migration 0015) */
  back_entered: Generated<number>;
}

export type AttachmentOwnerType =
  | "inquiry_plan"
  | "research_activity"
  | "survey_request"
  | "survey_report"
  | "preparation_answer"
  | "written_reply"
  | "progress_report"
  | "handling_report";

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
  /** 作废 (migration 0015): set once, with the reason; readers use app/history/void.server.ts */
  voided_at: string | null;
  voided_by: number | null;
  void_reason: Generated<string>;
  version: Generated<number>;
  created_at: string;
  updated_at: string;
}

export interface SurveyEventTable {
  id: Generated<number>;
  delegation_id: number;
  action: "delegated" | "draft_saved" | "submitted" | "returned" | "accepted" | "chased";
  comment: Generated<string>;
  actor_id: number | null;
  actor_label: string;
  at: string;
}

// ---- 询问提纲 (migration 0003) ----
/** draft: being edited; submitted: a version is before the council; approved; rejected; issued: sent to departments */
export type OutlineStatus = "draft" | "submitted" | "approved" | "rejected" | "issued";

export interface OutlineKeywordTable {
  id: Generated<number>;
  inquiry_id: number;
  keyword: string;
  headline: Generated<string>;
  position: number;
  version: Generated<number>;
  created_at: string;
  updated_at: string;
}

export interface OutlineQuestionTable {
  id: Generated<number>;
  inquiry_id: number;
  keyword_id: number;
  text: string;
  department_id: number;
  questioner_user_id: number | null;
  questioner_name: Generated<string>;
  questioner_role: Generated<string>;
  position: number;
  staff_notes: Generated<string>;
  /** 作废 (migration 0015): set once, with the reason; readers use app/history/void.server.ts */
  voided_at: string | null;
  voided_by: number | null;
  void_reason: Generated<string>;
  version: Generated<number>;
  created_at: string;
  updated_at: string;
}

export interface OutlineQuestionSourceTable {
  question_id: number;
  source_type: "finding" | "survey_report";
  source_id: number;
}

export interface OutlineVersionTable {
  id: Generated<number>;
  inquiry_id: number;
  number: number;
  status: "submitted" | "approved" | "rejected";
  snapshot_json: string;
  submitted_by: number | null;
  submitted_at: string;
  decided_on: string | null;
  decision_note: Generated<string>;
  decided_by: number | null;
  issued_at: string | null;
  issued_by: number | null;
}

export interface OutlineProposalTable {
  id: Generated<number>;
  inquiry_id: number;
  member_id: number;
  text: string;
  department_id: number | null;
  keyword: Generated<string>;
  source_note: Generated<string>;
  status: Generated<"pending" | "accepted" | "declined">;
  decline_reason: Generated<string>;
  question_id: number | null;
  decided_by: number | null;
  decided_at: string | null;
  created_at: string;
}

export interface PreparationAnswerTable {
  id: Generated<number>;
  question_id: number;
  inquiry_id: number;
  department_id: number;
  answer_json: Generated<string>;
  answer_text: Generated<string>;
  answer_html: Generated<string>;
  status: Generated<"draft" | "submitted">;
  submitted_at: string | null;
  author_id: number | null;
  /** when staff marked the submitted answer read (migration 0050); a later update clears it */
  read_at: string | null;
  read_by: number | null;
  version: Generated<number>;
  created_at: string;
  updated_at: string;
}

// ---- 询问会 and 摘要 (migration 0004) ----
export type SegmentKind = "opening" | "report" | "exchange" | "commitment" | "closing";
export type TurnKind = "question" | "answer" | "follow_up" | "supplementary" | "speech";
export type VoteChoice = "satisfied" | "basically_satisfied" | "unsatisfied" | "abstain";

export interface MeetingTable {
  id: Generated<number>;
  inquiry_id: number;
  meeting_date: string | null;
  place: Generated<string>;
  session_name: Generated<string>;
  chair_name: Generated<string>;
  chair_title: Generated<string>;
  government_organization_id: number | null;
  government_responder_name: Generated<string>;
  government_responder_title: Generated<string>;
  vote_mode: Generated<"none" | "answer" | "department">;
  vote_secret: Generated<number>;
  correction_days: Generated<number>;
  digest_title: Generated<string>;
  digest_reporter: Generated<string>;
  digest_intro_json: Generated<string>;
  digest_intro_text: Generated<string>;
  digest_intro_html: Generated<string>;
  digest_closing_json: Generated<string>;
  digest_closing_text: Generated<string>;
  digest_closing_html: Generated<string>;
  digest_segment_kinds: Generated<string>;
  digest_published_at: string | null;
  digest_published_by: number | null;
  version: Generated<number>;
  created_at: string;
  updated_at: string;
}

export interface MeetingOfficialTable {
  id: Generated<number>;
  meeting_id: number;
  organization_id: number;
  name: string;
  title: Generated<string>;
  position: Generated<number>;
}

export interface MeetingSegmentTable {
  id: Generated<number>;
  meeting_id: number;
  inquiry_id: number;
  kind: SegmentKind;
  position: number;
  keyword: Generated<string>;
  headline: Generated<string>;
  outline_question_id: number | null;
  unplanned: Generated<number>;
  questioner_user_id: number | null;
  questioner_name: Generated<string>;
  questioner_role: Generated<string>;
  department_id: number | null;
  /** 作废 (migration 0015): set once, with the reason; readers use app/history/void.server.ts */
  voided_at: string | null;
  voided_by: number | null;
  void_reason: Generated<string>;
  version: Generated<number>;
  created_at: string;
  updated_at: string;
}

export interface MeetingTurnTable {
  id: Generated<number>;
  segment_id: number;
  position: number;
  kind: TurnKind;
  speaker_name: Generated<string>;
  speaker_title: Generated<string>;
  organization_id: number | null;
  body_json: Generated<string>;
  body_text: Generated<string>;
  body_html: Generated<string>;
  version: Generated<number>;
  created_at: string;
  updated_at: string;
}

export interface TurnCorrectionTable {
  id: Generated<number>;
  turn_id: number;
  department_id: number;
  original_html: string;
  original_text: string;
  proposed_json: Generated<string>;
  proposed_text: Generated<string>;
  proposed_html: Generated<string>;
  reason: Generated<string>;
  status: Generated<"pending" | "accepted" | "rejected">;
  proposed_by: number | null;
  proposed_at: string;
  decided_by: number | null;
  decided_at: string | null;
  decision_note: Generated<string>;
}

export interface MeetingDraftTable {
  id: Generated<number>;
  user_id: number;
  meeting_id: number;
  draft_key: string;
  content_json: string;
  updated_at: string;
}

export interface WrittenReplyTable {
  id: Generated<number>;
  segment_id: number | null;
  inquiry_id: number;
  department_id: number;
  question_text: string;
  due_date: string;
  answer_json: Generated<string>;
  answer_text: Generated<string>;
  answer_html: Generated<string>;
  status: Generated<"open" | "answered">;
  answered_at: string | null;
  answered_by: number | null;
  version: Generated<number>;
  created_by: number | null;
  created_at: string;
}

export interface VoteTable {
  id: Generated<number>;
  inquiry_id: number;
  target_type: "answer" | "department" | "handling_report";
  segment_id: number | null;
  department_id: number | null;
  handling_report_id: number | null;
  title: string;
  secret: Generated<number>;
  status: Generated<"open" | "closed">;
  opened_by: number | null;
  opened_at: string;
  closed_at: string | null;
  // migration 0009 (issue 14)
  method: Generated<VoteMethod>;
  pass_basis: Generated<PassBasis>;
  pass_num: Generated<number>;
  pass_den: Generated<number>;
  result: "passed" | "not_passed" | null;
  followup: "re_report" | null;
  followup_done_at: string | null;
  followup_done_by: number | null;
  followup_note: Generated<string>;
  closed_by: number | null;
  version: Generated<number>;
}

/** online: members' ballots in the app; entered: totals from the 表决器 or paper, entered by staff. */
export type VoteMethod = "online" | "entered";
/** What the pass threshold counts against: all eligible members, those present, or the ballots cast. */
export type PassBasis = "eligible" | "present" | "cast";

/** Open (记名) votes only: a secret vote keeps no ballot rows (migration 0009). */
export interface VoteBallotTable {
  id: Generated<number>;
  vote_id: number;
  member_id: number;
  choice: VoteChoice;
  cast_at: string;
  updated_at: string;
}

/** The voting roll of one vote (migration 0009): who votes, who attends, who has voted. */
export interface VoteRollTable {
  id: Generated<number>;
  vote_id: number;
  position: number;
  name: string;
  title: Generated<string>;
  voting: number;
  user_id: number | null;
  present: Generated<number>;
  voted: Generated<number>;
}

/** One counter per vote and choice; the only record of a secret vote's choices. */
export interface VoteCountTable {
  vote_id: number;
  choice: VoteChoice;
  count: Generated<number>;
}

/** Totals from the 表决器 or paper: entered by one staff account, confirmed by another. */
export interface VoteEntryTable {
  id: Generated<number>;
  vote_id: number;
  source: "machine" | "paper";
  satisfied: number;
  basically_satisfied: number;
  unsatisfied: number;
  abstain: number;
  present_count: number;
  entered_by: number;
  entered_at: string;
  confirmed_by: number | null;
  confirmed_at: string | null;
}

export interface InquiryVoteRuleTable {
  inquiry_id: number;
  basis: PassBasis;
  num: number;
  den: number;
  version: Generated<number>;
  updated_by: number | null;
  updated_at: string;
}

// ---- 整改督办 (migration 0005) ----
export type ItemStatus = "todo" | "in_progress" | "closure_requested" | "closed" | "carried_over";

export interface SettingTable {
  key: string;
  value: string;
  updated_at: string;
}

export interface RectificationItemTable {
  id: Generated<number>;
  inquiry_id: number;
  number: number;
  problem: string;
  requirement: Generated<string>;
  lead_department_id: number;
  deadline: string;
  original_deadline: string;
  status: Generated<ItemStatus>;
  source_type: Generated<"exchange" | "finding" | "manual" | "plan">;
  source_id: number | null;
  carried_over_reason: Generated<string>;
  return_comment: Generated<string>;
  closed_at: string | null;
  closed_by: number | null;
  closing_note: Generated<string>;
  /** what an imported Excel row is (migration 0015); unique per inquiry among live items */
  import_key: string | null;
  /** 作废 (migration 0015): set once, with the reason; readers use app/history/void.server.ts */
  voided_at: string | null;
  voided_by: number | null;
  void_reason: Generated<string>;
  version: Generated<number>;
  created_by: number | null;
  /** N when the deadline was given as N 工作日 (days left are then counted in working days) */
  deadline_workdays: number | null;
  created_at: string;
  updated_at: string;
  /** migration 0035: an item imported from an action plan keeps its task's numbering and source paragraph */
  plan_label: Generated<string>;
  plan_paragraph: Generated<string>;
  /** migration 0037: the item of the earlier round this one continues */
  carried_from_item_id: number | null;
}

export interface RectificationCodepartmentTable {
  item_id: number;
  organization_id: number;
}

export interface ProgressReportTable {
  id: Generated<number>;
  item_id: number;
  inquiry_id: number;
  organization_id: number;
  author_id: number | null;
  kind: Generated<"progress" | "closure_request">;
  body_json: Generated<string>;
  body_text: Generated<string>;
  body_html: Generated<string>;
  created_at: string;
}

export interface DeadlineExtensionTable {
  id: Generated<number>;
  item_id: number;
  requested_by: number | null;
  old_deadline: string;
  requested_deadline: string;
  reason: string;
  status: Generated<"pending" | "approved" | "denied">;
  decided_by: number | null;
  decided_at: string | null;
  decision_note: Generated<string>;
  created_at: string;
}

export interface ItemEventTable {
  id: Generated<number>;
  item_id: number;
  action: string;
  comment: Generated<string>;
  actor_id: number | null;
  actor_label: string;
  at: string;
  /** 1 when `at` was entered after the fact (补录, migration 0015) */
  back_entered: Generated<number>;
}

export interface HandlingReportTable {
  id: Generated<number>;
  inquiry_id: number;
  round: number;
  due_date: string;
  body_json: Generated<string>;
  body_text: Generated<string>;
  body_html: Generated<string>;
  status: Generated<"pending" | "submitted" | "accepted" | "resubmission_required">;
  submitted_at: string | null;
  submitted_by: number | null;
  vote_id: number | null;
  version: Generated<number>;
  created_at: string;
  updated_at: string;
  /** migration 0010: shown on the public page while set */
  published_at: string | null;
  published_by: number | null;
  /** migration 0040: when staff confirmed the round 通过 (back-entered in a record of past work) */
  accepted_at: string | null;
}

/** 审议 of one round of the handling report (migration 0010). */
export interface HandlingReportReviewTable {
  id: Generated<number>;
  report_id: number;
  inquiry_id: number;
  reviewed_on: string;
  session_name: string;
  opinion_json: Generated<string>;
  opinion_text: Generated<string>;
  opinion_html: Generated<string>;
  resolution: Generated<string>;
  version: Generated<number>;
  created_by: number | null;
  updated_by: number | null;
  created_at: string;
  updated_at: string;
}

// ---- notifications (migration 0007) ----
export interface NotificationTable {
  id: Generated<number>;
  user_id: number;
  kind: string;
  title: string;
  link: Generated<string>;
  dedupe_key: string | null;
  read_at: string | null;
  created_at: string;
}

/** Change counters bumped by triggers (db/migrations/0008_performance.ts); caches compare them. */
export interface DataVersionTable {
  name: string;
  version: number;
}

// ---- 催办 (migration 0050) ----
export type ChaseTargetType = "item" | "survey" | "handling_report";

export interface ChaseUpTable {
  id: Generated<number>;
  inquiry_id: number;
  target_type: ChaseTargetType;
  target_id: number;
  organization_id: number;
  due_date: string;
  subject: string;
  note: Generated<string>;
  sent_by: number | null;
  sent_at: string;
}

// ---- 组成人员名册 and remembered officials (migration 0020, issue 13) ----
/** One person of the committee's roster: a voting 组成人员 or an invited deputy, with or without an account. */
export interface RosterMemberTable {
  id: Generated<number>;
  name: string;
  /** 职务, e.g. 市人大常委会委员, 市人大代表 */
  title: Generated<string>;
  /** 1: votes (组成人员); 0: attends without a vote (列席代表) */
  voting: Generated<number>;
  /** the member account of this person, if any (at most one entry per account) */
  user_id: number | null;
  active: Generated<number>;
  sort_order: Generated<number>;
  version: Generated<number>;
  created_at: string;
  updated_at: string;
}
export type RosterMember = Selectable<RosterMemberTable>;

/** A responding official remembered per organisation (name unique within it), offered at the next meeting. */
export interface KnownOfficialTable {
  id: Generated<number>;
  organization_id: number;
  name: string;
  title: Generated<string>;
  last_used_at: string;
}

export interface LetterTemplateTable {
  kind: string;
  title: string;
  body: string;
  version: Generated<number>;
  updated_by: number | null;
  updated_at: string;
}

export interface LetterTable {
  id: Generated<number>;
  inquiry_id: number;
  kind: string;
  year: number;
  serial: number;
  doc_number: string;
  organization_id: number | null;
  addressee: string;
  title: string;
  paragraphs_json: string;
  list_json: Generated<string>;
  note: Generated<string>;
  sender: string;
  letter_date: string;
  chase_up_id: number | null;
  created_by: number | null;
  created_at: string;
}

// ---- 行动计划 (migration 0035) ----
export interface ActionPlanTable {
  id: Generated<number>;
  inquiry_id: number;
  title: string;
  file_name: Generated<string>;
  text: string;
  task_count: number;
  created_by: number | null;
  created_at: string;
}

export interface CalendarYearTable {
  year: number;
  source: Generated<string>;
  loaded_by: number | null;
  loaded_at: string;
}

export interface CalendarDayTable {
  date: string;
  year: number;
  kind: "holiday" | "workday";
  name: Generated<string>;
}

// ---- insight (migration 0030, issue 22) ----
/** A staff decision on two problems of the recurring-problem analysis (a_key < b_key, keys like "item:12"). */
export interface RecurringLinkTable {
  a_key: string;
  b_key: string;
  kind: "same" | "different";
  decided_by: number | null;
  decided_at: string;
}

/** A reviewed personal-data hit in a field to be published (source like "turn:12:body"). */
export interface PiiReviewTable {
  id: Generated<number>;
  inquiry_id: number;
  source: string;
  match: string;
  kind: string;
  decision: "redact" | "not_personal";
  decided_by: number | null;
  decided_at: string;
  version: Generated<number>;
}

/** A name staff mapped to an organisation (folded, see app/followup/action-plan.server.ts foldName). */
export interface OrganizationAliasTable {
  alias: string;
  organization_id: number;
  created_by: number | null;
  created_at: string;
}

// ---- 问责措施 (migration 0036) ----
export type AccountabilityKind = "interview" | "notice" | "review" | "referral";
export type AccountabilityTrigger = "vote" | "handling_report" | "overdue";

export interface AccountabilityStepTable {
  id: Generated<number>;
  inquiry_id: number;
  item_id: number | null;
  organization_id: number;
  trigger_type: AccountabilityTrigger;
  trigger_id: number;
  kind: AccountabilityKind;
  step_date: string;
  decision: string;
  status: Generated<"pending" | "done">;
  outcome: Generated<string>;
  done_at: string | null;
  done_by: number | null;
  published_at: string | null;
  published_by: number | null;
  version: Generated<number>;
  created_by: number | null;
  created_at: string;
  updated_at: string;
}

// issue 19 (branch perf): counters kept by triggers (migration 0050_item_counters; never written by the app)
/** Live items per organisation, role (lead, or co-department not leading) and status; on_time: lead items closed by their deadline. */
export interface OrganizationItemCountTable {
  organization_id: number;
  role: "lead" | "co";
  status: ItemStatus;
  items: number;
  on_time: number;
}
/** Live open items per lead department and deadline; live_work 0 for items of a back-entered inquiry. */
export interface OrganizationOpenDeadlineTable {
  organization_id: number;
  deadline: string;
  live_work: number;
  items: number;
}
/** Who answered an exchange (migration 0051): its department (1) plus each turn by the organisation's people. */
export interface SegmentAnswererTable {
  segment_id: number;
  organization_id: number;
  refs: number;
}
/** The live exchanges of a meeting an organisation answered (migration 0051); a row only where there is one. */
export interface OrganizationMeetingTable {
  organization_id: number;
  meeting_id: number;
  meeting_date: string | null;
  exchanges: number;
}

// ---- 下转 and roll-up (migration 0045, issue 21) ----
export type ForwardingSubject = "delegation" | "item";
export type ForwardingStatus = "pending" | "submitted" | "accepted" | "returned";

export interface ForwardingTable {
  id: Generated<number>;
  subject_type: ForwardingSubject;
  subject_id: number;
  inquiry_id: number;
  from_organization_id: number;
  to_organization_id: number;
  brief: Generated<string>;
  due_date: string;
  status: Generated<ForwardingStatus>;
  report_json: Generated<string>;
  report_text: Generated<string>;
  report_html: Generated<string>;
  return_comment: Generated<string>;
  submitted_at: string | null;
  accepted_at: string | null;
  compiled_at: string | null;
  version: Generated<number>;
  created_by: number | null;
  created_at: string;
  updated_at: string;
}
