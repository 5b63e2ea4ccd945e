import type { ExpressionBuilder, Kysely, SqlBool, Expression, Transaction } from "kysely";
import { sql } from "kysely";
import type { Database, Role } from "../db/schema";
import { requireUser, type CurrentUser } from "./auth/session.server";

/**
 * The one permission policy. Every loader and action asks here; nothing else decides who may do what.
 * Role-wide permissions are listed in ROLE_PERMISSIONS; checks that depend on a record (a department's own
 * questions, a county's own survey) are the scoped functions below and in the domain modules that call them.
 */
export type Permission =
  | "admin:users"
  | "admin:organizations"
  | "admin:audit"
  | "admin:settings"
  | "roster:manage"
  | "inquiry:list"
  | "inquiry:manage"
  | "admin:documents";

const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  admin: ["admin:users", "admin:organizations", "admin:audit", "admin:settings", "roster:manage", "inquiry:list", "inquiry:manage", "admin:documents"],
  // staff keep the roster (组成人员名册): they pick questioners and open votes from it (issue 13)
  staff: ["inquiry:list", "inquiry:manage", "roster:manage"],
  member: ["inquiry:list"],
  department: [],
  county: [],
};

export { ROLE_LABELS } from "./labels";

export function can(user: Pick<CurrentUser, "role"> | null, permission: Permission): boolean {
  return !!user && ROLE_PERMISSIONS[user.role].includes(permission);
}

export function isStaff(user: Pick<CurrentUser, "role">): boolean {
  return user.role === "staff" || user.role === "admin";
}

/** What the inquiry-scoped rules need of a user: the role and, for a member, the inquiries they take part in. */
export type InquiryReader = Pick<CurrentUser, "role"> & { memberInquiryIds?: readonly number[] };

/**
 * Scoped rules: who may read the whole of one inquiry (its pages, record, evidence, votes). Staff and admin:
 * every inquiry. A member or deputy: only the inquiries they take part in (docs/decisions/0031-member-inquiry-scope.md;
 * the list comes from app/inquiries/participation.server.ts with the session). Departments and counties see
 * only what is addressed to them, through /my and the scoped rules below.
 */
export function canReadInquiry(user: InquiryReader, inquiryId: number): boolean {
  if (isStaff(user)) return true;
  return user.role === "member" && (user.memberInquiryIds ?? []).includes(inquiryId);
}

/**
 * The inquiries whose whole content the user may read, for lists, dashboards and search: "all" (staff),
 * the member's own list, or none (departments and counties, who read through the scoped rules).
 */
export function readableInquiries(user: InquiryReader): "all" | readonly number[] {
  if (isStaff(user)) return "all";
  if (user.role === "member") return user.memberInquiryIds ?? [];
  return [];
}

/**
 * Correcting the record (issue 13): voiding (作废) an inquiry, item, delegation, outline question or exchange,
 * undoing a 销号 or 结转, and registering or switching an inquiry to back-entry (补录). Staff and admin only;
 * departments, counties and members get 403. The 已作废 view is theirs too.
 */
export function canCorrectRecord(user: Pick<CurrentUser, "role">): boolean {
  return isStaff(user);
}

/**
 * Bulk setup from Excel (issue 13): organisations and accounts are the administrator's (as their forms are);
 * the roster is kept by staff too. Templates, imports and exports of a kind ask the same rule.
 */
export function canBulkSetup(user: Pick<CurrentUser, "role"> | null, kind: "organizations" | "accounts" | "roster"): boolean {
  if (kind === "organizations") return can(user, "admin:organizations");
  if (kind === "accounts") return can(user, "admin:users");
  return can(user, "roster:manage");
}

export function canManageInquiry(user: Pick<CurrentUser, "role">): boolean {
  return isStaff(user);
}

/** A delegated survey: staff, and members of its inquiry; a county congress only its own. */
export function canReadDelegation(
  user: InquiryReader & Pick<CurrentUser, "organizationId">,
  delegation: { organization_id: number; inquiry_id: number },
): boolean {
  if (canReadInquiry(user, delegation.inquiry_id)) return true;
  return user.role === "county" && user.organizationId !== null && user.organizationId === delegation.organization_id;
}

/**
 * A county's report text and files: the county itself always (its draft too); staff and members once it is
 * handed in (submitted, accepted, or returned for revision). A draft stays the county's until it is submitted
 * (issue 16 item 3) — the survey page, search and attachment downloads all ask here.
 */
export function canReadDelegationReport(
  user: InquiryReader & Pick<CurrentUser, "organizationId">,
  delegation: { organization_id: number; status: string; inquiry_id: number },
): boolean {
  if (canWriteDelegationReport(user, delegation)) return true;
  return canReadInquiry(user, delegation.inquiry_id) && delegation.status !== "pending";
}

/** Only the county congress a survey is delegated to writes and submits its report. */
export function canWriteDelegationReport(user: Pick<CurrentUser, "role" | "organizationId">, delegation: { organization_id: number }): boolean {
  return user.role === "county" && user.organizationId !== null && user.organizationId === delegation.organization_id;
}

/**
 * An attachment is readable by whoever may read the record it belongs to. `owner` is resolved by the
 * attachments module; a county report's attachment carries the delegation's organisation, and a county
 * report's or a preparation answer's its owner's `status` (a draft's files are as private as the draft).
 */
export function canReadAttachment(
  user: InquiryReader & Pick<CurrentUser, "organizationId">,
  owner: { type: string; delegationOrganizationIds: number[]; rectificationOrganizationIds?: number[]; status?: string; inquiryId: number | null },
): boolean {
  // a missing status counts as a draft: private unless the owner says otherwise
  if (owner.type === "survey_report") {
    return owner.delegationOrganizationIds.some((orgId) =>
      canReadDelegationReport(user, { organization_id: orgId, status: owner.status ?? "pending", inquiry_id: owner.inquiryId ?? 0 }),
    );
  }
  if (owner.type === "preparation_answer") {
    return owner.delegationOrganizationIds.some((orgId) =>
      canReadPreparationAnswerText(user, { department_id: orgId, status: owner.status ?? "draft", inquiry_id: owner.inquiryId ?? 0 }),
    );
  }
  if (owner.inquiryId !== null && canReadInquiry(user, owner.inquiryId)) return true;
  // an attachment outside any inquiry: staff only
  if (owner.inquiryId === null && isStaff(user)) return true;
  // a written reply's attachments: the answering department (its id is carried in delegationOrganizationIds)
  if (owner.type === "written_reply") return user.role === "department" && user.organizationId !== null && owner.delegationOrganizationIds.includes(user.organizationId);
  if (owner.type === "survey_report" || owner.type === "survey_request") {
    return user.role === "county" && user.organizationId !== null && owner.delegationOrganizationIds.includes(user.organizationId);
  }
  // a preparation answer's attachments: the department that wrote it (its id is carried in delegationOrganizationIds)
  if (owner.type === "preparation_answer") return owner.delegationOrganizationIds.some((orgId) => isQuestionDepartment(user, { departmentId: orgId }));
  if (owner.type === "progress_report" || owner.type === "handling_report") return canReadRectificationAttachment(user, owner);
  return false;
}

// ---- 询问提纲 (outline) ----
/** Staff draft the outline, take it to the chairpersons' council, issue it and handle members' proposals. */
export function canEditOutline(user: Pick<CurrentUser, "role">): boolean {
  return isStaff(user);
}

/** The whole outline (every department's questions): staff and the inquiry's members. A department sees only its own issued questions. */
export function canReadWholeOutline(user: InquiryReader, inquiryId: number): boolean {
  return canReadInquiry(user, inquiryId);
}

/** Staff notes on questions are the office's working notes: staff only. */
export function canSeeOutlineNotes(user: Pick<CurrentUser, "role">): boolean {
  return isStaff(user);
}

/** Members and deputies propose questions for the outline of an inquiry they take part in. */
export function canProposeQuestion(user: InquiryReader, inquiryId: number): boolean {
  return user.role === "member" && canReadInquiry(user, inquiryId);
}

/** Whether the user is the department an (issued) outline question is addressed to. */
export function isQuestionDepartment(user: Pick<CurrentUser, "role" | "organizationId">, question: { departmentId: number }): boolean {
  return user.role === "department" && user.organizationId !== null && user.organizationId === question.departmentId;
}

/** Only the department a question is issued to writes its preparation answer. */
export function canWritePreparationAnswer(user: Pick<CurrentUser, "role" | "organizationId">, question: { departmentId: number }): boolean {
  return isQuestionDepartment(user, question);
}

/**
 * A question's page with its preparation answer: staff and members (a draft stays the department's), and the
 * department it is addressed to. Any other department or a county: 403.
 */
export function canReadPreparationAnswer(
  user: InquiryReader & Pick<CurrentUser, "organizationId">,
  question: { departmentId: number; inquiryId: number },
): boolean {
  return canReadInquiry(user, question.inquiryId) || isQuestionDepartment(user, question);
}

/**
 * The text (and files) of a preparation answer: the department that writes it, draft or not; staff and
 * members once it is submitted — a draft stays the department's (issue 16 item 3).
 */
export function canReadPreparationAnswerText(
  user: InquiryReader & Pick<CurrentUser, "organizationId">,
  answer: { department_id: number; status: string; inquiry_id: number },
): boolean {
  if (isQuestionDepartment(user, { departmentId: answer.department_id })) return true;
  return canReadInquiry(user, answer.inquiry_id) && answer.status === "submitted";
}

// ---- 询问会 and 摘要 (meeting, digest, votes) ----
/** Staff run the meeting: setup, the live record, reordering and corrections, written-reply tasks, votes, the digest. */
export function canManageMeeting(user: Pick<CurrentUser, "role">): boolean {
  return isStaff(user);
}

/** The whole record of a meeting: staff and the inquiry's members. A department reads only its own transcript. */
export function canReadMeetingRecord(user: InquiryReader, inquiryId: number): boolean {
  return canReadInquiry(user, inquiryId);
}

/**
 * One department's transcript: staff and members always; the department itself always; another department only
 * once the digest is published (before that, 403).
 */
export function canReadDepartmentTranscript(
  user: InquiryReader & Pick<CurrentUser, "organizationId">,
  organizationId: number,
  digestPublished: boolean,
  inquiryId: number,
): boolean {
  if (canReadMeetingRecord(user, inquiryId)) return true;
  if (user.role !== "department" || user.organizationId === null) return false;
  return user.organizationId === organizationId || digestPublished;
}

/**
 * One segment of the meeting record, through whichever page shows it: the whole record (staff, members); the
 * transcript of a department that answered in it (an exchange only); the published digest (its segment kinds).
 */
export interface SegmentScope {
  kind: string;
  /** the answering department and the organisations of its turns */
  organizationIds: number[];
  digestPublished: boolean;
  /** the published digest includes this kind of segment */
  inDigest: boolean;
  inquiryId: number;
}

export function canReadMeetingSegment(user: InquiryReader & Pick<CurrentUser, "organizationId">, segment: SegmentScope): boolean {
  if (canReadMeetingRecord(user, segment.inquiryId)) return true;
  if (segment.kind === "exchange" && segment.organizationIds.some((orgId) => canReadDepartmentTranscript(user, orgId, segment.digestPublished, segment.inquiryId))) return true;
  return segment.inDigest && canReadDigest(user, segment.digestPublished, segment.inquiryId);
}

/** Only the department whose answer it is proposes a correction to its wording. */
export function canProposeCorrection(user: Pick<CurrentUser, "role" | "organizationId">, turn: { organization_id: number | null }): boolean {
  return user.role === "department" && user.organizationId !== null && user.organizationId === turn.organization_id;
}

export function canDecideCorrection(user: Pick<CurrentUser, "role">): boolean {
  return isStaff(user);
}

/** A written reply: staff and the inquiry's members; a department only its own. */
export function canReadWrittenReply(
  user: InquiryReader & Pick<CurrentUser, "organizationId">,
  reply: { department_id: number; inquiry_id: number },
): boolean {
  if (canReadInquiry(user, reply.inquiry_id)) return true;
  return user.role === "department" && user.organizationId !== null && user.organizationId === reply.department_id;
}

export function canAnswerWrittenReply(user: Pick<CurrentUser, "role" | "organizationId">, reply: { department_id: number }): boolean {
  return user.role === "department" && user.organizationId !== null && user.organizationId === reply.department_id;
}

/** 满意度测评: members vote (in the inquiries they take part in); staff open and close; staff and those members see the counts. */
export function canVote(user: Pick<CurrentUser, "role">): boolean {
  return user.role === "member";
}

export function canManageVotes(user: Pick<CurrentUser, "role">): boolean {
  return isStaff(user);
}

export function canSeeVoteResults(user: InquiryReader, inquiryId: number): boolean {
  return canReadInquiry(user, inquiryId);
}

/** The satisfaction-vote pages at all (/votes): staff and members; each vote is then checked with canSeeVoteResults. */
export function canUseVotes(user: Pick<CurrentUser, "role">): boolean {
  return isStaff(user) || user.role === "member";
}

/** Who chose what: never for a secret vote; for an open (记名) vote, staff only. */
export function canSeeBallotChoices(user: Pick<CurrentUser, "role">, vote: { secret: boolean | number }): boolean {
  return isStaff(user) && !vote.secret;
}

/** The digest: anyone (signed in or not) once published; before that staff and the inquiry's members only. */
export function canReadDigest(user: InquiryReader | null, published: boolean, inquiryId: number): boolean {
  return published || (!!user && canReadInquiry(user, inquiryId));
}

// ---- 整改督办 (rectification, handling report) ----
/** What the rules need of an item: its lead department and co-departments. */
export interface ItemScope {
  lead_department_id: number;
  codepartment_ids: number[];
  inquiry_id: number;
}

/** The item's lead department (牵头单位), signed in through a department account. */
export function isItemLead(user: Pick<CurrentUser, "role" | "organizationId">, item: ItemScope): boolean {
  return user.role === "department" && user.organizationId !== null && user.organizationId === item.lead_department_id;
}

/** The lead department or one of the co-departments (配合单位). */
export function isItemDepartment(user: Pick<CurrentUser, "role" | "organizationId">, item: ItemScope): boolean {
  return isItemLead(user, item) || (user.role === "department" && user.organizationId !== null && item.codepartment_ids.includes(user.organizationId));
}

/** Staff and the inquiry's members read its items; a department only the items it leads or co-operates on. */
export function canReadItem(user: InquiryReader & Pick<CurrentUser, "organizationId">, item: ItemScope): boolean {
  return canReadInquiry(user, item.inquiry_id) || isItemDepartment(user, item);
}

/** Staff create, edit, close, return and carry over items, decide extensions, run the handling report. */
export function canManageRectification(user: Pick<CurrentUser, "role">): boolean {
  return isStaff(user);
}

/** Progress reports: the lead and the co-departments. */
export function canReportItemProgress(user: Pick<CurrentUser, "role" | "organizationId">, item: ItemScope): boolean {
  return isItemDepartment(user, item);
}

/** Closure and extension requests: the lead department only. */
export function canRequestItemClosure(user: Pick<CurrentUser, "role" | "organizationId">, item: ItemScope): boolean {
  return isItemLead(user, item);
}

export function canRequestItemExtension(user: Pick<CurrentUser, "role" | "organizationId">, item: ItemScope): boolean {
  return isItemLead(user, item);
}

/** The government's liaison: a department-role account of an organisation of kind "government" (市政府). */
export function isGovernmentLiaison(user: Pick<CurrentUser, "role" | "organizationKind">): boolean {
  return user.role === "department" && user.organizationKind === "government";
}

/** The handling report: staff and the inquiry's members read it; the government's liaison reads and submits it. */
export function canReadHandlingReport(user: InquiryReader & Pick<CurrentUser, "organizationKind">, inquiryId: number): boolean {
  return canReadInquiry(user, inquiryId) || isGovernmentLiaison(user);
}

export function canSubmitHandlingReport(user: Pick<CurrentUser, "role" | "organizationKind">): boolean {
  return isGovernmentLiaison(user);
}

/** Satisfaction votes on the handling report: the committee members and deputies of the inquiry. */
export function canVoteHandlingReport(user: InquiryReader, inquiryId: number): boolean {
  return user.role === "member" && canReadInquiry(user, inquiryId);
}

/** 审议 of the handling report and its publication on the public page: congress staff (and admins) only. */
export function canReviewHandlingReport(user: Pick<CurrentUser, "role">): boolean {
  return isStaff(user);
}

/**
 * Evidence of a progress report: the item's departments (attachmentOwner lists them); a handling report's
 * attachments: the government (its organisations are listed). Staff and members pass canReadInquiry first.
 */
export function canReadRectificationAttachment(
  user: InquiryReader & Pick<CurrentUser, "organizationId">,
  owner: { type: string; rectificationOrganizationIds?: number[]; inquiryId: number | null },
): boolean {
  if (owner.inquiryId !== null && canReadInquiry(user, owner.inquiryId)) return true;
  if (owner.type !== "progress_report" && owner.type !== "handling_report") return false;
  return user.role === "department" && user.organizationId !== null && (owner.rectificationOrganizationIds ?? []).includes(user.organizationId);
}

// ---- 问责措施 and 行动计划 (issue 21, app/followup) ----
/** Staff record accountability steps (约谈, 通报, 提请审议, 移交), mark them carried out and publish them. */
export function canManageAccountability(user: Pick<CurrentUser, "role">): boolean {
  return isStaff(user);
}

/** The year's chronicle (大事记) across inquiries: staff and members (each then sees only the inquiries they may read). */
export function canUseYearChronicle(user: Pick<CurrentUser, "role">): boolean {
  return isStaff(user) || user.role === "member";
}

/** Staff start a follow-up round (跟踪监督 / 回头看) of an inquiry and choose the items it continues. */
export function canStartRound(user: Pick<CurrentUser, "role">): boolean {
  return isStaff(user);
}

/**
 * One accountability step: anyone once published (the public page); before that staff and the inquiry's members,
 * and the accounts of the organisation it concerns (their own history on /my).
 */
export function canReadAccountabilityStep(
  user: (InquiryReader & Pick<CurrentUser, "organizationId">) | null,
  step: { inquiry_id: number; organization_id: number; published_at: string | null },
): boolean {
  if (step.published_at) return true;
  if (!user) return false;
  if (canReadInquiry(user, step.inquiry_id)) return true;
  return (user.role === "department" || user.role === "county") && user.organizationId !== null && user.organizationId === step.organization_id;
}

// ---- the supervising office: who manages an inquiry (staff queue, notifications to staff, 催办) ----
/**
 * The staff who manage an inquiry (docs/decisions/0050-who-manages-an-inquiry.md): an administrator (every
 * inquiry); a staff account of the organising committee or work body (its organisation's name is the
 * inquiry's 组织单位, `inquiries.organizing_body`); the staff account that registered the inquiry. Another
 * committee's staff do not manage it: its queue rows, notifications and 催办 are not theirs.
 */
export interface InquiryStewardship {
  organizing_body: string;
  created_by: number | null;
}

export function canManageThisInquiry(
  user: Pick<CurrentUser, "role" | "id" | "organizationName">,
  inquiry: InquiryStewardship,
): boolean {
  if (user.role === "admin") return true;
  if (user.role !== "staff") return false;
  if (inquiry.created_by !== null && inquiry.created_by === user.id) return true;
  return !!user.organizationName && user.organizationName === inquiry.organizing_body;
}

/** The staff queue (待我办理) is for staff and administrators; each sees the rows of the inquiries they manage. */
export function canSeeStaffQueue(user: Pick<CurrentUser, "role">): boolean {
  return isStaff(user);
}

/** 催办: the staff who manage the inquiry chase its departments, counties and the government. */
export function canChase(user: Pick<CurrentUser, "role" | "id" | "organizationName">, inquiry: InquiryStewardship): boolean {
  return canManageThisInquiry(user, inquiry);
}

/** A 催办函: the staff who manage the inquiry, and the accounts of the organisation it was sent to. */
export function canReadChaseLetter(
  user: Pick<CurrentUser, "role" | "id" | "organizationName" | "organizationId">,
  letter: InquiryStewardship & { organization_id: number },
): boolean {
  if (canManageThisInquiry(user, letter)) return true;
  return (user.role === "department" || user.role === "county") && user.organizationId !== null && user.organizationId === letter.organization_id;
}

/** Formal letters (交办函, 督办函, 审议意见书): made by the staff who manage the inquiry. */
export function canIssueLetters(user: Pick<CurrentUser, "role" | "id" | "organizationName">, inquiry: InquiryStewardship): boolean {
  return canManageThisInquiry(user, inquiry);
}

/** A letter: the staff who manage its inquiry, and the accounts of the organisation it is addressed to. */
export function canReadLetter(
  user: Pick<CurrentUser, "role" | "id" | "organizationName" | "organizationId">,
  letter: InquiryStewardship & { organization_id: number | null },
): boolean {
  if (canManageThisInquiry(user, letter)) return true;
  return (user.role === "department" || user.role === "county") && user.organizationId !== null && user.organizationId === letter.organization_id;
}

/** Letter templates, the 文号 prefix and the holiday calendar: administrators. */
export function canManageDocuments(user: Pick<CurrentUser, "role">): boolean {
  return can(user, "admin:documents");
}

/**
 * The deadline calendar: of an inquiry, for whoever reads the inquiry (canReadInquiry); of a department, for
 * staff and for that department's own accounts.
 */
export function canSeeDeadlineCalendar(user: InquiryReader & Pick<CurrentUser, "organizationId">, scope: { inquiryId: number } | { departmentId: number }): boolean {
  if ("inquiryId" in scope) return canReadInquiry(user, scope.inquiryId);
  if (isStaff(user)) return true;
  return user.role === "department" && user.organizationId !== null && user.organizationId === scope.departmentId;
}

/**
 * canManageThisInquiry as a SQL condition on the `inquiries` table of a query (for lists across inquiries):
 * the same rule, so a list never shows what the page would refuse.
 */
export function managedInquiryCondition(user: Pick<CurrentUser, "role" | "id" | "organizationName">) {
  return (eb: ExpressionBuilder<Database, "inquiries">): Expression<SqlBool> => {
    // comparisons, not bare 1/0: PostgreSQL wants a boolean condition
    if (user.role === "admin") return sql<SqlBool>`1 = 1`;
    if (user.role !== "staff") return sql<SqlBool>`1 = 0`;
    const mine = [eb("inquiries.created_by", "=", user.id)];
    if (user.organizationName) mine.push(eb("inquiries.organizing_body", "=", user.organizationName));
    return eb.or(mine);
  };
}

/**
 * The accounts notified about an inquiry's events (staff role, active): the organising body's staff and the
 * registering account. Administrators manage every inquiry but are IT staff: they are not notified.
 */
export async function inquiryManagerIds(db: Kysely<Database> | Transaction<Database>, inquiryId: number): Promise<number[]> {
  const inquiry = await db.selectFrom("inquiries").select(["organizing_body", "created_by"]).where("id", "=", inquiryId).executeTakeFirst();
  if (!inquiry) return [];
  const rows = await db
    .selectFrom("users")
    .select("users.id")
    .where("users.active", "=", 1)
    .where("users.role", "=", "staff")
    .where((eb) => {
      const who = [
        eb(
          "users.organization_id",
          "in",
          eb.selectFrom("organizations").select("organizations.id").where("organizations.name", "=", inquiry.organizing_body).where("organizations.name", "!=", ""),
        ),
      ];
      if (inquiry.created_by !== null) who.push(eb("users.id", "=", inquiry.created_by));
      return eb.or(who);
    })
    .execute();
  return [...new Set(rows.map((r) => r.id))];
}

// ---- insight (issue 22): recurring problems, answer gaps, personal data before publication, annual report ----
/** The recurring-problems pages at all: staff, members and departments (each then sees only canReadProblem's). */
export function canUseRecurringProblems(user: Pick<CurrentUser, "role">): boolean {
  return isStaff(user) || user.role === "member" || user.role === "department";
}

/**
 * One problem of the recurring-problem analysis (an item, outline question or research finding): staff all; a
 * member those of the inquiries they take part in; a department its own items (lead or co-department) and the
 * questions issued to it — never a finding, never another department's.
 */
export function canReadProblem(
  user: InquiryReader & Pick<CurrentUser, "organizationId">,
  problem: { kind: "item" | "question" | "finding"; inquiryId: number; issued: boolean; departmentIds: number[] },
): boolean {
  if (canReadInquiry(user, problem.inquiryId)) return true;
  if (user.role !== "department" || user.organizationId === null || problem.kind === "finding") return false;
  return problem.issued && problem.departmentIds.includes(user.organizationId);
}

/** A department's page of recurring problems: staff, members, and the department itself. */
export function canReadDepartmentProblems(user: Pick<CurrentUser, "role" | "organizationId">, organizationId: number): boolean {
  if (isStaff(user) || user.role === "member") return true;
  return user.role === "department" && user.organizationId === organizationId;
}

/** Confirming or splitting a group of recurring problems: congress staff. */
export function canManageRecurringGroups(user: Pick<CurrentUser, "role">): boolean {
  return isStaff(user);
}

/** The answer-gap list of an inquiry (for preparing follow-up questions): staff and the inquiry's members. */
export function canReadAnswerGaps(user: InquiryReader, inquiryId: number): boolean {
  return canReadInquiry(user, inquiryId);
}

/** Reviewing personal data before publication (redact / not personal): congress staff. */
export function canReviewPersonalData(user: Pick<CurrentUser, "role">): boolean {
  return isStaff(user);
}

/** The annual report (page and Word): congress staff and administrators. */
export function canReadAnnualReport(user: Pick<CurrentUser, "role">): boolean {
  return isStaff(user);
}

/** Throws a 403 page with a Chinese message. */
export function forbidden(message = "您没有权限访问此页面或执行此操作。"): never {
  throw new Response(message, { status: 403, statusText: "Forbidden", headers: { "Content-Type": "text/plain; charset=utf-8" } });
}

/** Throws a 404 page with a Chinese message. */
export function notFound(message = "您要找的内容不存在或已被删除。"): never {
  throw new Response(message, { status: 404, statusText: "Not Found", headers: { "Content-Type": "text/plain; charset=utf-8" } });
}

/** The signed-in user if they hold the permission; otherwise sign-in (anonymous) or 403. */
export async function requirePermission(request: Request, permission: Permission): Promise<CurrentUser> {
  const user = await requireUser(request);
  if (!can(user, permission)) forbidden();
  return user;
}

export async function requireRole(request: Request, roles: readonly Role[]): Promise<CurrentUser> {
  const user = await requireUser(request);
  if (!roles.includes(user.role)) forbidden();
  return user;
}

/** Navigation by role: only what the role may open. */
export interface NavItem {
  to: string;
  label: string;
}

export function navigationFor(user: Pick<CurrentUser, "role"> | null): NavItem[] {
  if (!user) return [{ to: "/public", label: "公开信息" }];
  const items: NavItem[] = [{ to: "/", label: "首页" }];
  if (canSeeStaffQueue(user)) items.push({ to: "/queue", label: "待我办理" });
  if (can(user, "inquiry:list")) items.push({ to: "/inquiries", label: "专题询问" });
  if (user.role === "department" || user.role === "county") items.push({ to: "/my", label: "我的待办" });
  if (user.role === "member") items.push({ to: "/votes", label: "满意度测评" });
  if (canUseRecurringProblems(user)) items.push({ to: "/insight/recurring", label: "反复出现的问题" });
  if (canReadAnnualReport(user)) items.push({ to: "/insight/annual", label: "年度报告" });
  items.push({ to: "/search", label: "搜索" });
  if (can(user, "roster:manage")) items.push({ to: "/roster", label: "组成人员名册" });
  if (can(user, "admin:users")) items.push({ to: "/admin/users", label: "用户管理" });
  if (can(user, "admin:organizations")) items.push({ to: "/admin/organizations", label: "组织机构" });
  if (can(user, "admin:audit")) items.push({ to: "/admin/audit", label: "审计日志" });
  if (can(user, "admin:users") && can(user, "admin:organizations")) items.push({ to: "/admin/import", label: "批量导入" });
  if (can(user, "admin:settings")) items.push({ to: "/admin/settings", label: "系统设置" });
  if (can(user, "admin:documents")) items.push({ to: "/admin/letters", label: "公文与节假日" });
  return items;
}
