import type { ExpressionBuilder, Kysely, SqlBool, Expression, Transaction } from "kysely";
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

/** Only the county congress a survey is delegated to writes and submits its report. */
export function canWriteDelegationReport(user: Pick<CurrentUser, "role" | "organizationId">, delegation: { organization_id: number }): boolean {
  return user.role === "county" && user.organizationId !== null && user.organizationId === delegation.organization_id;
}

/**
 * An attachment is readable by whoever may read the record it belongs to. `owner` is resolved by the
 * attachments module; a county report's attachment carries the delegation's organisation.
 */
export function canReadAttachment(
  user: Pick<CurrentUser, "role" | "organizationId">,
  owner: { type: string; delegationOrganizationIds: number[] },
): boolean {
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

/**
 * canManageThisInquiry as a SQL condition on the `inquiries` table of a query (for lists across inquiries):
 * the same rule, so a list never shows what the page would refuse.
 */
export function managedInquiryCondition(user: Pick<CurrentUser, "role" | "id" | "organizationName">) {
  return (eb: ExpressionBuilder<Database, "inquiries">): Expression<SqlBool> => {
    if (user.role === "admin") return eb.lit(1).$castTo<SqlBool>();
    if (user.role !== "staff") return eb.lit(0).$castTo<SqlBool>();
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
  items.push({ to: "/search", label: "搜索" });
  if (can(user, "admin:users")) items.push({ to: "/admin/users", label: "用户管理" });
  if (can(user, "admin:organizations")) items.push({ to: "/admin/organizations", label: "组织机构" });
  if (can(user, "admin:audit")) items.push({ to: "/admin/audit", label: "审计日志" });
  return items;
}
