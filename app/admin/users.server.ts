import { sql, type Kysely, type Transaction } from "kysely";
import type { Database, Role } from "../../db/schema";
import { advisoryLock, lockRow, writeTransaction } from "../../db/transactions";
import { containsText } from "../../db/engine";
import { recordAudit, type Actor } from "../audit.server";
import { normalizeUsername } from "../auth/login.server";
import { hashPassword, initialPassword, passwordWeakness, verifyPassword } from "../auth/password.server";
import { deleteAllSessions } from "../auth/session.server";
import { ORGANIZATION_KIND_LABELS, ROLE_LABELS } from "../labels";
import { nowIso } from "../utils/time";
import { ensureRosterEntryForAccount, lockRoster } from "../roster/roster.server";
import { listOrganizations } from "./organizations.server";
import type { Result } from "../utils/result";

/** Which organisations a role may belong to; null means the role needs none. */
const ROLE_ORGANIZATION_KINDS: Record<Role, readonly string[] | null> = {
  admin: null,
  staff: null,
  member: null,
  department: ["government", "department"],
  county: ["county_congress"],
};

export function roleNeedsOrganization(role: Role): boolean {
  return ROLE_ORGANIZATION_KINDS[role] !== null;
}

const CONFLICT = "该账号已被他人修改，请刷新页面查看最新内容后再操作。";

export interface UserFilter {
  q?: string;
  role?: Role;
  organizationId?: number;
  page: number;
  pageSize: number;
}

export async function listUsers(db: Kysely<Database>, filter: UserFilter) {
  let q = db.selectFrom("users").leftJoin("organizations", "organizations.id", "users.organization_id");
  if (filter.role) q = q.where("users.role", "=", filter.role);
  if (filter.organizationId) q = q.where("users.organization_id", "=", filter.organizationId);
  if (filter.q) {
    const needle = filter.q.toLowerCase();
    // a substring test rather than LIKE: no wildcard characters to escape in what the admin typed
    q = q.where((eb) => eb.or([containsText(db, sql`lower(${sql.ref("users.username")})`, needle), containsText(db, sql.ref("users.display_name"), filter.q!)]));
  }
  const [{ total }] = await q.select((eb) => eb.fn.countAll<number>().as("total")).execute();
  const rows = await q
    .select([
      "users.id",
      "users.username",
      "users.display_name",
      "users.role",
      "users.title",
      "users.active",
      "users.version",
      "users.organization_id",
      "organizations.name as organization_name",
    ])
    .orderBy("users.id")
    .limit(filter.pageSize)
    .offset((filter.page - 1) * filter.pageSize)
    .execute();
  return { rows, total: Number(total) };
}

export async function getUser(db: Kysely<Database>, id: number) {
  return db
    .selectFrom("users")
    .leftJoin("organizations", "organizations.id", "users.organization_id")
    .select([
      "users.id",
      "users.username",
      "users.display_name",
      "users.role",
      "users.title",
      "users.active",
      "users.version",
      "users.organization_id",
      "users.created_at",
      "users.password_changed_at",
      "organizations.name as organization_name",
    ])
    .where("users.id", "=", id)
    .executeTakeFirst();
}

async function checkOrganization(
  trx: Transaction<Database>,
  role: Role,
  organizationId: number | null,
): Promise<{ field: string; message: string } | null> {
  const kinds = ROLE_ORGANIZATION_KINDS[role];
  if (kinds === null) {
    if (organizationId === null) return null;
  } else if (organizationId === null) {
    return { field: "organizationId", message: `${ROLE_LABELS[role]}账号必须选择所属单位` };
  }
  // the organisation may not be deactivated or change kind under this account until it commits (decision 0175)
  await lockRow(trx, "organizations", organizationId);
  const org = await trx.selectFrom("organizations").select(["kind", "active"]).where("id", "=", organizationId!).executeTakeFirst();
  if (!org || !org.active) return { field: "organizationId", message: "所选单位不存在或已停用" };
  if (kinds !== null && !kinds.includes(org.kind)) {
    return {
      field: "organizationId",
      message: role === "county" ? "县区人大账号只能属于县区人大常委会" : "应询部门账号只能属于人民政府或政府部门",
    };
  }
  return null;
}

export interface NewAccount {
  username: string;
  displayName: string;
  role: Role;
  organizationId: number | null;
  title: string;
  password: string;
}

export async function createUser(
  db: Kysely<Database>,
  actor: Actor,
  input: NewAccount,
  options: { skipStrengthCheck?: boolean; initialPassword?: boolean } = {},
): Promise<Result> {
  const username = normalizeUsername(input.username);
  if (!options.skipStrengthCheck) {
    const weakness = passwordWeakness(input.password, username);
    if (weakness) return { ok: false, field: "password", message: weakness };
  }
  const passwordHash = await hashPassword(input.password);
  return writeTransaction(db, (trx) => insertUser(trx, actor, { ...input, username }, passwordHash, { initialPassword: options.initialPassword }));
}

/**
 * The administrator creates one account (issue 13, docs/decisions/0152): the system draws a one-time initial
 * password (`initialPassword`, e.g. kmrt-QWXZ-4827) that the page shows once for the admin to hand over; it is
 * stored only hashed, never logged, and the account must change it at its first sign-in.
 * Returns the password with the id, or the refusal (user name taken, organisation unfit for the role).
 */
export async function createAccount(
  db: Kysely<Database>,
  actor: Actor,
  input: Omit<NewAccount, "password">,
): Promise<{ ok: true; id: number; username: string; password: string } | { ok: false; field: string; message: string }> {
  let password = initialPassword();
  // the drawn password always passes the strength rule unless it happens to contain the user name
  while (passwordWeakness(password, normalizeUsername(input.username))) password = initialPassword();
  const result = await createUser(db, actor, { ...input, password }, { initialPassword: true });
  return result.ok ? { ok: true, id: result.id, username: normalizeUsername(input.username), password } : result;
}

/**
 * Inserts one account in the caller's transaction (the password already hashed): the user name must be free
 * and the organisation fit the role; audited; a member account goes on the roster. Used by createUser and the
 * bulk import (app/admin/setup-import.server.ts), which creates a whole sheet in one transaction.
 */
export async function insertUser(
  trx: Transaction<Database>,
  actor: Actor,
  input: NewAccount,
  passwordHash: string,
  options: { initialPassword?: boolean } = {},
): Promise<Result> {
  const username = normalizeUsername(input.username);
  // the name must be free when the row goes in: two creations of one name wait for each other here
  await advisoryLock(trx, `username:${username}`);
  const clash = await trx.selectFrom("users").select("id").where("username", "=", username).executeTakeFirst();
  if (clash) return { ok: false, field: "username", message: "该用户名已被使用" };
  const orgProblem = await checkOrganization(trx, input.role, input.organizationId);
  if (orgProblem) return { ok: false, ...orgProblem };
  const now = nowIso();
  const row = await trx
    .insertInto("users")
    .values({
      username,
      display_name: input.displayName,
      role: input.role,
      organization_id: input.organizationId,
      title: input.title,
      password_hash: passwordHash,
      password_changed_at: now,
      // an initial password handed over by the admin is changed at the first sign-in (requireUser); the column's
      // default (0) covers the rest, so older schemas (migration tests) can still take a new account
      ...(options.initialPassword ? { must_change_password: 1 } : {}),
      created_at: now,
      updated_at: now,
    })
    .returning(["id", "username", "display_name", "role", "organization_id", "title"])
    .executeTakeFirstOrThrow();
  await recordAudit(trx, actor, {
    action: "user.create",
    entityType: "user",
    entityId: row.id,
    summary: `新建账号「${row.display_name}（${row.username}）」，角色：${ROLE_LABELS[row.role]}`,
    after: row,
  });
  // a member account is always on the roster (组成人员名册): linked to its entry, or added
  if (row.role === "member") await ensureRosterEntryForAccount(trx, actor, row);
  return { ok: true, id: row.id };
}

/** Changes name, role, organisation and title together, guarded by the version the editor saw. */
export async function updateUser(
  db: Kysely<Database>,
  actor: Actor,
  input: { id: number; version: number; displayName: string; role: Role; organizationId: number | null; title: string },
): Promise<Result> {
  return writeTransaction(db, async (trx) => {
    // in the lock order (decision 0175): the organisation the account moves to, the roster (its entry
    // follows the account), then the account
    await lockRow(trx, "organizations", input.organizationId);
    await lockRoster(trx);
    await lockRow(trx, "users", input.id);
    const before = await trx.selectFrom("users").selectAll().where("id", "=", input.id).executeTakeFirst();
    if (!before) return { ok: false, field: "_form", message: "该账号不存在" };
    if (before.version !== input.version) return { ok: false, field: "_form", message: CONFLICT };
    if (actor.id === input.id && input.role !== before.role) {
      return { ok: false, field: "role", message: "不能修改自己的角色" };
    }
    const orgProblem = await checkOrganization(trx, input.role, input.organizationId);
    if (orgProblem) return { ok: false, ...orgProblem };
    await trx
      .updateTable("users")
      .set({
        display_name: input.displayName,
        role: input.role,
        organization_id: input.organizationId,
        title: input.title,
        version: before.version + 1,
        updated_at: nowIso(),
      })
      .where("id", "=", input.id)
      .execute();
    // A changed role or organisation changes what the account may see: its open sessions end.
    if (before.role !== input.role || before.organization_id !== input.organizationId) await deleteAllSessions(trx, input.id);
    await recordAudit(trx, actor, {
      action: before.role !== input.role ? "user.change_role" : "user.update",
      entityType: "user",
      entityId: input.id,
      summary:
        before.role !== input.role
          ? `账号「${before.username}」角色由${ROLE_LABELS[before.role]}改为${ROLE_LABELS[input.role]}`
          : `修改账号「${before.username}」的信息`,
      before: { display_name: before.display_name, role: before.role, organization_id: before.organization_id, title: before.title },
      after: { display_name: input.displayName, role: input.role, organization_id: input.organizationId, title: input.title },
    });
    // the roster entry follows a member account (and lets go of one that is no longer a member)
    await ensureRosterEntryForAccount(trx, actor, { id: input.id, display_name: input.displayName, title: input.title, role: input.role });
    return { ok: true, id: input.id };
  });
}

export async function setUserActive(
  db: Kysely<Database>,
  actor: Actor,
  input: { id: number; version: number; active: boolean },
): Promise<Result> {
  return writeTransaction(db, async (trx) => {
    // parent before child: the account's organisation (whose active flag decides), then the account
    const current = await trx.selectFrom("users").select("organization_id").where("id", "=", input.id).executeTakeFirst();
    await lockRow(trx, "organizations", current?.organization_id);
    await lockRow(trx, "users", input.id);
    const before = await trx.selectFrom("users").selectAll().where("id", "=", input.id).executeTakeFirst();
    if (!before) return { ok: false, field: "_form", message: "该账号不存在" };
    // a move to another organisation in between bumped the version: refused here like any other edit
    if (before.version !== input.version) return { ok: false, field: "_form", message: CONFLICT };
    if (!input.active && actor.id === input.id) return { ok: false, field: "_form", message: "不能停用自己的账号" };
    if (input.active && before.organization_id !== null) {
      const org = await trx.selectFrom("organizations").select("active").where("id", "=", before.organization_id).executeTakeFirst();
      if (!org?.active) return { ok: false, field: "_form", message: "该账号所属单位已停用，请先启用单位或调整所属单位" };
    }
    await trx
      .updateTable("users")
      .set({ active: input.active ? 1 : 0, version: before.version + 1, updated_at: nowIso() })
      .where("id", "=", input.id)
      .execute();
    if (!input.active) await deleteAllSessions(trx, input.id);
    await recordAudit(trx, actor, {
      action: input.active ? "user.activate" : "user.deactivate",
      entityType: "user",
      entityId: input.id,
      summary: `${input.active ? "启用" : "停用"}账号「${before.display_name}（${before.username}）」`,
      before: { active: before.active },
      after: { active: input.active ? 1 : 0 },
    });
    return { ok: true, id: input.id };
  });
}

/** An administrator sets a new password; the account is signed out everywhere. */
export async function resetPassword(
  db: Kysely<Database>,
  actor: Actor,
  input: { id: number; version: number; password: string },
): Promise<Result> {
  const target = await db.selectFrom("users").select(["username"]).where("id", "=", input.id).executeTakeFirst();
  if (!target) return { ok: false, field: "_form", message: "该账号不存在" };
  const weakness = passwordWeakness(input.password, target.username);
  if (weakness) return { ok: false, field: "password", message: weakness };
  const passwordHash = await hashPassword(input.password);
  return writeTransaction(db, async (trx) => {
    await lockRow(trx, "users", input.id);
    const before = await trx.selectFrom("users").selectAll().where("id", "=", input.id).executeTakeFirstOrThrow();
    if (before.version !== input.version) return { ok: false, field: "_form", message: CONFLICT };
    // the admin knows the new password: the account changes it at its next sign-in
    await setPassword(trx, input.id, before.version, passwordHash, true);
    await recordAudit(trx, actor, {
      action: "user.reset_password",
      entityType: "user",
      entityId: input.id,
      summary: `重置账号「${before.username}」的密码（须在下次登录时修改），并使其在所有设备上退出登录`,
    });
    return { ok: true, id: input.id };
  });
}

/** A user changes their own password after proving the current one; every session of theirs ends. */
export async function changeOwnPassword(
  db: Kysely<Database>,
  actor: Actor,
  input: { userId: number; currentPassword: string; newPassword: string },
): Promise<Result> {
  const user = await db.selectFrom("users").selectAll().where("id", "=", input.userId).executeTakeFirst();
  if (!user) return { ok: false, field: "_form", message: "该账号不存在" };
  if (!(await verifyPassword(input.currentPassword, user.password_hash))) {
    return { ok: false, field: "currentPassword", message: "当前密码不正确" };
  }
  const weakness = passwordWeakness(input.newPassword, user.username);
  if (weakness) return { ok: false, field: "newPassword", message: weakness };
  const passwordHash = await hashPassword(input.newPassword);
  return writeTransaction(db, async (trx) => {
    await setPassword(trx, user.id, user.version, passwordHash, false);
    await recordAudit(trx, actor, {
      action: "user.change_password",
      entityType: "user",
      entityId: user.id,
      summary: "修改本人密码，并在所有设备上退出登录",
    });
    return { ok: true, id: user.id };
  });
}

async function setPassword(trx: Transaction<Database>, userId: number, _version: number, passwordHash: string, mustChange: boolean) {
  const now = nowIso();
  await trx
    .updateTable("users")
    // incremented in SQL: the version read before hashing may be stale by now, and must never go back
    .set({ password_hash: passwordHash, password_changed_at: now, updated_at: now, version: sql`version + 1`, must_change_password: mustChange ? 1 : 0 })
    .where("id", "=", userId)
    .execute();
  await deleteAllSessions(trx, userId);
}

/** Every account, by user name: the "who did it" choices of the audit log's filter. */
export async function userChoices(db: Kysely<Database>) {
  return db.selectFrom("users").select(["id", "username", "display_name"]).orderBy("username").execute();
}

/** Active organisations as the user form's choices ("name（kind）"), by kind and sort order. */
export async function organizationOptions(db: Kysely<Database>) {
  const rows = await listOrganizations(db);
  return rows.map((o) => ({ value: o.id, label: `${o.name}（${ORGANIZATION_KIND_LABELS[o.kind]}）` }));
}
