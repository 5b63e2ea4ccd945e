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
  if (owner.type === "survey_report" || owner.type === "survey_request") {
    return owner.delegationOrganizationIds.some((orgId) => canReadDelegation(user, { organization_id: orgId }));
  }
  return false;
}

// ---- 询问提纲 (outline) ----
// (scoped rules for outline questions, proposals and preparation answers go here)

// ---- 询问会 and 摘要 (meeting, digest, votes) ----
// (scoped rules for the meeting record, transcripts, corrections, written replies and votes go here)

// ---- 整改督办 (rectification, handling report) ----
// (scoped rules for rectification items, progress, extensions and the handling report go here)

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
  items.push({ to: "/search", label: "搜索" });
  if (can(user, "admin:users")) items.push({ to: "/admin/users", label: "用户管理" });
  if (can(user, "admin:organizations")) items.push({ to: "/admin/organizations", label: "组织机构" });
  if (can(user, "admin:audit")) items.push({ to: "/admin/audit", label: "审计日志" });
  return items;
}
