import { createCookie, redirect } from "@remix-run/node";
import { createHash, randomBytes } from "node:crypto";
import type { Kysely, Transaction } from "kysely";
import type { Database, OrganizationKind, Role } from "../../db/schema";
import { recordAudit, type Actor } from "../audit.server";
import { getDb } from "../db.server";
import { memberInquiryIds } from "../inquiries/participation.server";

/**
 * Sessions live in the database; the cookie carries only a random token whose SHA-256 is the row's key.
 * See docs/decisions/0002-sessions.md.
 */
export const SESSION_HOURS = 12;

const sessionCookie = createCookie("xunwen_session", {
  httpOnly: true,
  sameSite: "lax",
  path: "/",
  maxAge: SESSION_HOURS * 3600,
});

export interface CurrentUser {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  title: string;
  organizationId: number | null;
  organizationName: string | null;
  organizationKind: OrganizationKind | null;
  sessionHash: string;
  /** For a member account: the inquiries they take part in (docs/decisions/0031); absent for other roles. */
  memberInquiryIds?: readonly number[];
}

export interface RequestContext {
  clientIp?: string;
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

function isHttps(request: Request): boolean {
  return new URL(request.url).protocol === "https:";
}

export async function createUserSession(
  db: Kysely<Database> | Transaction<Database>,
  userId: number,
  request: Request,
  ip: string,
): Promise<string> {
  const token = randomBytes(32).toString("base64url");
  const now = new Date();
  await db
    .insertInto("sessions")
    .values({
      id_hash: hashToken(token),
      user_id: userId,
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + SESSION_HOURS * 3600_000).toISOString(),
      ip,
      user_agent: (request.headers.get("user-agent") ?? "").slice(0, 300),
    })
    .execute();
  return sessionCookie.serialize(token, { secure: isHttps(request) });
}

export async function clearSessionCookie(request: Request): Promise<string> {
  return sessionCookie.serialize("", { maxAge: 0, secure: isHttps(request) });
}

async function readToken(request: Request): Promise<string | null> {
  const value = await sessionCookie.parse(request.headers.get("cookie"));
  return typeof value === "string" && value.length >= 20 && value.length <= 100 ? value : null;
}

/**
 * The root loader and the page's loader both ask for the user of the same request: one lookup serves both.
 * Keyed by the Request object, so nothing outlives the request.
 */
const usersOfRequests = new WeakMap<Request, Promise<CurrentUser | null>>();

export function getCurrentUser(request: Request): Promise<CurrentUser | null> {
  let user = usersOfRequests.get(request);
  if (!user) {
    user = lookUpCurrentUser(request);
    usersOfRequests.set(request, user);
  }
  return user;
}

async function lookUpCurrentUser(request: Request): Promise<CurrentUser | null> {
  const token = await readToken(request);
  if (!token) return null;
  const db = getDb();
  const idHash = hashToken(token);
  const now = new Date();
  const row = await db
    .selectFrom("sessions")
    .innerJoin("users", "users.id", "sessions.user_id")
    .leftJoin("organizations", "organizations.id", "users.organization_id")
    .select([
      "sessions.expires_at",
      "users.id",
      "users.username",
      "users.display_name",
      "users.role",
      "users.title",
      "users.organization_id",
      "organizations.name as organization_name",
      "organizations.kind as organization_kind",
      "users.active",
    ])
    .where("sessions.id_hash", "=", idHash)
    .executeTakeFirst();
  if (!row || !row.active || row.expires_at <= now.toISOString()) return null;
  // Sliding expiry, written at most once per half session to keep reads cheap.
  const remaining = Date.parse(row.expires_at) - now.getTime();
  if (remaining < (SESSION_HOURS * 3600_000) / 2) {
    await db
      .updateTable("sessions")
      .set({ expires_at: new Date(now.getTime() + SESSION_HOURS * 3600_000).toISOString() })
      .where("id_hash", "=", idHash)
      .execute();
  }
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    title: row.title,
    organizationId: row.organization_id,
    organizationName: row.organization_name,
    organizationKind: row.organization_kind,
    sessionHash: idHash,
    ...(row.role === "member" ? { memberInquiryIds: await memberInquiryIds(db, { id: row.id, organizationId: row.organization_id }) } : {}),
  };
}

/** The signed-in user, or a redirect to the sign-in page that comes back here afterwards. */
export async function requireUser(request: Request): Promise<CurrentUser> {
  const user = await getCurrentUser(request);
  if (!user) {
    const url = new URL(request.url);
    const back = url.pathname + url.search;
    throw redirect(`/login?redirectTo=${encodeURIComponent(back)}`);
  }
  return user;
}

export function actorOf(user: CurrentUser | null, context: unknown): Actor {
  const ip = clientIp(context);
  return user ? { id: user.id, label: `${user.displayName}（${user.username}）`, ip } : { id: null, label: "匿名", ip };
}

export function clientIp(context: unknown): string {
  const ip = (context as RequestContext | undefined)?.clientIp;
  return typeof ip === "string" ? ip : "";
}

/** Signs the user out on every device (used when the password changes or the account is deactivated). */
export async function deleteAllSessions(trx: Kysely<Database> | Transaction<Database>, userId: number): Promise<void> {
  await trx.deleteFrom("sessions").where("user_id", "=", userId).execute();
}

export async function deleteSession(trx: Kysely<Database> | Transaction<Database>, idHash: string): Promise<void> {
  await trx.deleteFrom("sessions").where("id_hash", "=", idHash).execute();
}

/**
 * The one gate for redirect targets that come from input (the sign-in form's `redirectTo`): only a path of
 * this site is followed; anything else goes to `fallback`. The target is parsed as a browser would (the URL
 * parser drops TAB, CR and LF, so "/\t/evil.example/" becomes "//evil.example/") against this site's origin
 * and must keep that origin; control characters and backslashes are refused outright. The result is the
 * re-serialised path, so it is always a valid Location header value.
 */
export function safeRedirect(to: FormDataEntryValue | string | null | undefined, fallback = "/"): string {
  if (typeof to !== "string" || to.length > 2000 || !to.startsWith("/")) return fallback;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(to)) return fallback;
  const base = "http://xunwen.invalid";
  let url: URL;
  try {
    url = new URL(to, base);
  } catch {
    return fallback;
  }
  if (url.origin !== base || !url.pathname.startsWith("/") || url.pathname.startsWith("//")) return fallback;
  return url.pathname + url.search + url.hash;
}

/** Ends the user's session (the row goes) with its audit entry, in one transaction. */
export async function signOut(db: Kysely<Database>, actor: Actor, user: { id: number; sessionHash: string }): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await deleteSession(trx, user.sessionHash);
    await recordAudit(trx, actor, { action: "auth.logout", entityType: "session", entityId: user.id, summary: "退出登录" });
  });
}
