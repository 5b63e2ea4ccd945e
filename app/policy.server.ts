import type { Role } from "../db/schema";
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
  | "inquiry:list"
  | "inquiry:manage";

const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  admin: ["admin:users", "admin:organizations", "admin:audit", "inquiry:list", "inquiry:manage"],
  staff: ["inquiry:list", "inquiry:manage"],
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

/** Scoped rules: who may read what of one inquiry. */
export function canReadInquiry(user: Pick<CurrentUser, "role">): boolean {
  // Members take part in the committee's inquiries and read them; departments and counties see only
  // what is addressed to them, through /my.
  return user.role === "admin" || user.role === "staff" || user.role === "member";
}

export function canManageInquiry(user: Pick<CurrentUser, "role">): boolean {
  return isStaff(user);
}

/** A delegated survey: staff and members read all; a county congress only its own. */
export function canReadDelegation(user: Pick<CurrentUser, "role" | "organizationId">, delegation: { organization_id: number }): boolean {
  if (canReadInquiry(user)) return true;
  return user.role === "county" && user.organizationId !== null && user.organizationId === delegation.organization_id;
}

/**
 * A county's report text and files: the county itself always (its draft too); staff and members once it is
 * handed in (submitted, accepted, or returned for revision). A draft stays the county's until it is submitted
 * (issue 16 item 3) — the survey page, search and attachment downloads all ask here.
 */
export function canReadDelegationReport(
  user: Pick<CurrentUser, "role" | "organizationId">,
  delegation: { organization_id: number; status: string },
): boolean {
  if (canWriteDelegationReport(user, delegation)) return true;
  return canReadInquiry(user) && delegation.status !== "pending";
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
  user: Pick<CurrentUser, "role" | "organizationId">,
  owner: { type: string; delegationOrganizationIds: number[]; rectificationOrganizationIds?: number[]; status?: string },
): boolean {
  // a missing status counts as a draft: private unless the owner says otherwise
  if (owner.type === "survey_report") {
    return owner.delegationOrganizationIds.some((orgId) => canReadDelegationReport(user, { organization_id: orgId, status: owner.status ?? "pending" }));
  }
  if (owner.type === "preparation_answer") {
    return owner.delegationOrganizationIds.some((orgId) => canReadPreparationAnswerText(user, { department_id: orgId, status: owner.status ?? "draft" }));
  }
  if (canReadInquiry(user)) return true;
  // a written reply's attachments: the answering department (its id is carried in delegationOrganizationIds)
  if (owner.type === "written_reply") return user.role === "department" && user.organizationId !== null && owner.delegationOrganizationIds.includes(user.organizationId);
  if (owner.type === "survey_report" || owner.type === "survey_request") {
    return owner.delegationOrganizationIds.some((orgId) => canReadDelegation(user, { organization_id: orgId }));
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

/** The whole outline (every department's questions): staff and members. A department sees only its own issued questions. */
export function canReadWholeOutline(user: Pick<CurrentUser, "role">): boolean {
  return canReadInquiry(user);
}

/** Staff notes on questions are the office's working notes: staff only. */
export function canSeeOutlineNotes(user: Pick<CurrentUser, "role">): boolean {
  return isStaff(user);
}

/** Members and deputies propose questions for the outline. */
export function canProposeQuestion(user: Pick<CurrentUser, "role">): boolean {
  return user.role === "member";
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
export function canReadPreparationAnswer(user: Pick<CurrentUser, "role" | "organizationId">, question: { departmentId: number }): boolean {
  return canReadInquiry(user) || isQuestionDepartment(user, question);
}

/**
 * The text (and files) of a preparation answer: the department that writes it, draft or not; staff and
 * members once it is submitted — a draft stays the department's (issue 16 item 3).
 */
export function canReadPreparationAnswerText(
  user: Pick<CurrentUser, "role" | "organizationId">,
  answer: { department_id: number; status: string },
): boolean {
  if (isQuestionDepartment(user, { departmentId: answer.department_id })) return true;
  return canReadInquiry(user) && answer.status === "submitted";
}

// ---- 询问会 and 摘要 (meeting, digest, votes) ----
/** Staff run the meeting: setup, the live record, reordering and corrections, written-reply tasks, votes, the digest. */
export function canManageMeeting(user: Pick<CurrentUser, "role">): boolean {
  return isStaff(user);
}

/** The whole record of a meeting: staff and members. A department reads only its own transcript. */
export function canReadMeetingRecord(user: Pick<CurrentUser, "role">): boolean {
  return canReadInquiry(user);
}

/**
 * One department's transcript: staff and members always; the department itself always; another department only
 * once the digest is published (before that, 403).
 */
export function canReadDepartmentTranscript(
  user: Pick<CurrentUser, "role" | "organizationId">,
  organizationId: number,
  digestPublished: boolean,
): boolean {
  if (canReadMeetingRecord(user)) return true;
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
}

export function canReadMeetingSegment(user: Pick<CurrentUser, "role" | "organizationId">, segment: SegmentScope): boolean {
  if (canReadMeetingRecord(user)) return true;
  if (segment.kind === "exchange" && segment.organizationIds.some((orgId) => canReadDepartmentTranscript(user, orgId, segment.digestPublished))) return true;
  return segment.inDigest && canReadDigest(user, segment.digestPublished);
}

/** Only the department whose answer it is proposes a correction to its wording. */
export function canProposeCorrection(user: Pick<CurrentUser, "role" | "organizationId">, turn: { organization_id: number | null }): boolean {
  return user.role === "department" && user.organizationId !== null && user.organizationId === turn.organization_id;
}

export function canDecideCorrection(user: Pick<CurrentUser, "role">): boolean {
  return isStaff(user);
}

/** A written reply: staff and members read all; a department only its own. */
export function canReadWrittenReply(user: Pick<CurrentUser, "role" | "organizationId">, reply: { department_id: number }): boolean {
  if (canReadInquiry(user)) return true;
  return user.role === "department" && user.organizationId !== null && user.organizationId === reply.department_id;
}

export function canAnswerWrittenReply(user: Pick<CurrentUser, "role" | "organizationId">, reply: { department_id: number }): boolean {
  return user.role === "department" && user.organizationId !== null && user.organizationId === reply.department_id;
}

/** 满意度测评: members vote; staff open and close; staff and members see the counts. */
export function canVote(user: Pick<CurrentUser, "role">): boolean {
  return user.role === "member";
}

export function canManageVotes(user: Pick<CurrentUser, "role">): boolean {
  return isStaff(user);
}

export function canSeeVoteResults(user: Pick<CurrentUser, "role">): boolean {
  return canReadInquiry(user);
}

/** Who chose what: never for a secret vote; for an open (记名) vote, staff only. */
export function canSeeBallotChoices(user: Pick<CurrentUser, "role">, vote: { secret: boolean | number }): boolean {
  return isStaff(user) && !vote.secret;
}

/** The digest: anyone (signed in or not) once published; before that staff and members only. */
export function canReadDigest(user: Pick<CurrentUser, "role"> | null, published: boolean): boolean {
  return published || (!!user && canReadInquiry(user));
}

// ---- 整改督办 (rectification, handling report) ----
/** What the rules need of an item: its lead department and co-departments. */
export interface ItemScope {
  lead_department_id: number;
  codepartment_ids: number[];
}

/** The item's lead department (牵头单位), signed in through a department account. */
export function isItemLead(user: Pick<CurrentUser, "role" | "organizationId">, item: ItemScope): boolean {
  return user.role === "department" && user.organizationId !== null && user.organizationId === item.lead_department_id;
}

/** The lead department or one of the co-departments (配合单位). */
export function isItemDepartment(user: Pick<CurrentUser, "role" | "organizationId">, item: ItemScope): boolean {
  return isItemLead(user, item) || (user.role === "department" && user.organizationId !== null && item.codepartment_ids.includes(user.organizationId));
}

/** Staff and members read every item; a department only the items it leads or co-operates on. */
export function canReadItem(user: Pick<CurrentUser, "role" | "organizationId">, item: ItemScope): boolean {
  return canReadInquiry(user) || isItemDepartment(user, item);
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

/** The handling report: staff and members read it; the government's liaison reads and submits it. */
export function canReadHandlingReport(user: Pick<CurrentUser, "role" | "organizationKind">): boolean {
  return canReadInquiry(user) || isGovernmentLiaison(user);
}

export function canSubmitHandlingReport(user: Pick<CurrentUser, "role" | "organizationKind">): boolean {
  return isGovernmentLiaison(user);
}

/** Satisfaction votes on the handling report: committee members and deputies. */
export function canVoteHandlingReport(user: Pick<CurrentUser, "role">): boolean {
  return user.role === "member";
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
  user: Pick<CurrentUser, "role" | "organizationId">,
  owner: { type: string; rectificationOrganizationIds?: number[] },
): boolean {
  if (canReadInquiry(user)) return true;
  if (owner.type !== "progress_report" && owner.type !== "handling_report") return false;
  return user.role === "department" && user.organizationId !== null && (owner.rectificationOrganizationIds ?? []).includes(user.organizationId);
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
  if (can(user, "inquiry:list")) items.push({ to: "/inquiries", label: "专题询问" });
  if (user.role === "department" || user.role === "county") items.push({ to: "/my", label: "我的待办" });
  if (user.role === "member") items.push({ to: "/votes", label: "满意度测评" });
  items.push({ to: "/search", label: "搜索" });
  if (can(user, "admin:users")) items.push({ to: "/admin/users", label: "用户管理" });
  if (can(user, "admin:organizations")) items.push({ to: "/admin/organizations", label: "组织机构" });
  if (can(user, "admin:audit")) items.push({ to: "/admin/audit", label: "审计日志" });
  return items;
}
