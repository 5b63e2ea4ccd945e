import { sql, type Kysely, type Transaction } from "kysely";
import type { Database } from "../../db/schema";
import { recordAudit, type Actor } from "../audit.server";
import { nowIso } from "../utils/time";

/**
 * 组成人员名册 (issue 13; docs/decisions/0090-roster-and-settings.md): the committee members and invited deputies
 * of the installation's congress — name, 职务, whether they vote, an optional member account. Most of them never
 * sign in. It is the one list of the committee's people:
 * - questioners in the outline and the meeting are picked from it (a new name may be added on the way);
 * - every vote's roll (vote_roll) is copied from its active entries when the vote opens (rollFromRoster);
 * - a member account is always on it: creating one links it to the entry of the same name, or adds one
 *   (ensureRosterEntryForAccount), and name and title stay the same on both.
 */
type DB = Kysely<Database>;
type Trx = Transaction<Database>;

const fail = (field: string, message: string) => ({ ok: false as const, field, message });
const CONFLICT = "名册中的这一条已被他人修改，请刷新页面查看最新内容后再保存。";

export function inTransaction<T>(db: DB | Trx, fn: (trx: Trx) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db as Trx) : db.transaction().execute(fn);
}

/**
 * Whether a title makes its holder a voting 组成人员 (主任、副主任、秘书长、委员) rather than an invited deputy
 * (人大代表): the default for a new entry; staff may change it per person. Migrations 0009 and 0020 use the same
 * rule in SQL.
 */
export function isCommitteeMemberTitle(title: string): boolean {
  return !title.includes("代表") || /委员|主任|秘书长/.test(title);
}

import { ROSTER_LIMITS } from "./limits";
import type { Result } from "../utils/result";
export { ROSTER_LIMITS };

export interface RosterInput {
  name: string;
  title: string;
  voting: boolean;
  /** a member account to link, or null */
  userId: number | null;
}

/** The roster, active entries first, in roster order; with each linked account's user name. */
export async function listRoster(db: DB | Trx, opts: { includeInactive?: boolean } = {}) {
  let q = db
    .selectFrom("roster_members as r")
    .leftJoin("users as u", "u.id", "r.user_id")
    .select(["r.id", "r.name", "r.title", "r.voting", "r.user_id", "r.active", "r.sort_order", "r.version", "u.username", "u.active as user_active"]);
  if (!opts.includeInactive) q = q.where("r.active", "=", 1);
  return q.orderBy("r.active", "desc").orderBy("r.sort_order").orderBy("r.id").execute();
}

/** What a questioner picker offers: the active entries, in roster order. */
export async function rosterOptions(db: DB | Trx) {
  return db
    .selectFrom("roster_members")
    .select(["id", "name", "title", "voting", "user_id"])
    .where("active", "=", 1)
    .orderBy("sort_order")
    .orderBy("id")
    .execute();
}

export type RosterOption = Awaited<ReturnType<typeof rosterOptions>>[number];

export async function getRosterMember(db: DB | Trx, id: number) {
  return db.selectFrom("roster_members").selectAll().where("id", "=", id).executeTakeFirst();
}

/** The active entries named exactly `name` (names are not unique: two 王伟 may sit on one committee). */
export async function rosterByName(db: DB | Trx, name: string) {
  return db.selectFrom("roster_members").selectAll().where("name", "=", name.trim()).where("active", "=", 1).orderBy("id").execute();
}

/** Member accounts an entry may be linked to: active, of role member, not linked to another entry. */
export async function linkableAccounts(db: DB | Trx, exceptRosterId?: number) {
  return db
    .selectFrom("users as u")
    .select(["u.id", "u.username", "u.display_name", "u.title"])
    .where("u.role", "=", "member")
    .where("u.active", "=", 1)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom("roster_members as r")
            .select("r.id")
            .whereRef("r.user_id", "=", "u.id")
            .$if(exceptRosterId !== undefined, (q) => q.where("r.id", "!=", exceptRosterId!)),
        ),
      ),
    )
    .orderBy("u.display_name")
    .execute();
}

function checkInput(input: RosterInput): { field: string; message: string } | null {
  const name = input.name.trim();
  if (!name) return { field: "name", message: "请填写姓名" };
  if (name.length > ROSTER_LIMITS.name) return { field: "name", message: `姓名不能超过 ${ROSTER_LIMITS.name} 个字` };
  if (input.title.trim().length > ROSTER_LIMITS.title) return { field: "title", message: `职务不能超过 ${ROSTER_LIMITS.title} 个字` };
  return null;
}

async function checkAccount(trx: Trx, userId: number | null, rosterId: number | null): Promise<{ field: string; message: string } | null> {
  if (userId === null) return null;
  const user = await trx.selectFrom("users").select(["role", "active"]).where("id", "=", userId).executeTakeFirst();
  if (!user || user.role !== "member") return { field: "userId", message: "只能关联委员/代表角色的账号" };
  const other = await trx.selectFrom("roster_members").select(["id", "name"]).where("user_id", "=", userId).executeTakeFirst();
  if (other && other.id !== rosterId) return { field: "userId", message: `该账号已关联名册中的「${other.name}」` };
  return null;
}

async function nextSortOrder(trx: Trx): Promise<number> {
  const max = await trx.selectFrom("roster_members").select((eb) => eb.fn.max("sort_order").as("m")).executeTakeFirst();
  return Number(max?.m ?? 0) + 1;
}

/** Adds a person to the roster (audited). Works inside a caller's transaction. */
export async function createRosterMember(db: DB | Trx, actor: Actor, input: RosterInput, how = "新增"): Promise<Result> {
  const problem = checkInput(input);
  if (problem) return fail(problem.field, problem.message);
  return inTransaction(db, async (trx) => {
    const accountProblem = await checkAccount(trx, input.userId, null);
    if (accountProblem) return fail(accountProblem.field, accountProblem.message);
    const now = nowIso();
    const row = await trx
      .insertInto("roster_members")
      .values({
        name: input.name.trim(),
        title: input.title.trim(),
        voting: input.voting ? 1 : 0,
        user_id: input.userId,
        sort_order: await nextSortOrder(trx),
        created_at: now,
        updated_at: now,
      })
      .returning(["id", "name", "title", "voting", "user_id"])
      .executeTakeFirstOrThrow();
    await recordAudit(trx, actor, {
      action: "roster.create",
      entityType: "roster_member",
      entityId: row.id,
      summary: `${how}组成人员名册：${row.title}${row.name}（${row.voting ? "有表决权" : "列席"}）`,
      after: row,
    });
    return { ok: true, id: row.id };
  });
}

/**
 * Changes an entry (name, 职务, vote, account, active), guarded by the version the editor saw. A linked account
 * takes the same name and title, so the person reads the same everywhere.
 */
export async function updateRosterMember(
  db: DB | Trx,
  actor: Actor,
  input: RosterInput & { id: number; version: number; active: boolean },
): Promise<Result> {
  const problem = checkInput(input);
  if (problem) return fail(problem.field, problem.message);
  return inTransaction(db, async (trx) => {
    const before = await getRosterMember(trx, input.id);
    if (!before) return fail("_form", "名册中没有这个人，请刷新页面");
    if (before.version !== input.version) return fail("_form", CONFLICT);
    const accountProblem = await checkAccount(trx, input.userId, input.id);
    if (accountProblem) return fail(accountProblem.field, accountProblem.message);
    const after = { name: input.name.trim(), title: input.title.trim(), voting: input.voting ? 1 : 0, user_id: input.userId, active: input.active ? 1 : 0 };
    await trx
      .updateTable("roster_members")
      .set({ ...after, version: before.version + 1, updated_at: nowIso() })
      .where("id", "=", input.id)
      .execute();
    if (after.user_id !== null) {
      await trx
        .updateTable("users")
        .set({ display_name: after.name, title: after.title, version: sql`version + 1`, updated_at: nowIso() })
        .where("id", "=", after.user_id)
        .where((eb) => eb.or([eb("display_name", "!=", after.name), eb("title", "!=", after.title)]))
        .execute();
    }
    await recordAudit(trx, actor, {
      action: before.active && !after.active ? "roster.deactivate" : "roster.update",
      entityType: "roster_member",
      entityId: input.id,
      summary: before.active && !after.active ? `组成人员名册：「${before.name}」移出名册（保留历史记录）` : `修改组成人员名册：${after.title}${after.name}`,
      before: { name: before.name, title: before.title, voting: before.voting, user_id: before.user_id, active: before.active },
      after,
    });
    return { ok: true, id: input.id };
  });
}

/**
 * A member account is always on the roster (called in the transaction that creates or changes the account):
 * its entry follows the account's name and title; an account without one is linked to the one active entry of
 * the same name without an account, or gets a new entry (voting by its title). An account that is no longer a
 * member is unlinked (the person stays on the roster without an account).
 */
export async function ensureRosterEntryForAccount(
  trx: Trx,
  actor: Actor,
  user: { id: number; display_name: string; title: string; role: string },
): Promise<void> {
  const linked = await trx.selectFrom("roster_members").selectAll().where("user_id", "=", user.id).executeTakeFirst();
  if (user.role !== "member") {
    if (linked) {
      await trx.updateTable("roster_members").set({ user_id: null, version: linked.version + 1, updated_at: nowIso() }).where("id", "=", linked.id).execute();
      await recordAudit(trx, actor, {
        action: "roster.unlink",
        entityType: "roster_member",
        entityId: linked.id,
        summary: `组成人员名册：「${linked.name}」的账号已不是委员/代表账号，解除关联`,
        before: { user_id: user.id },
        after: { user_id: null },
      });
    }
    return;
  }
  if (linked) {
    if (linked.name !== user.display_name || linked.title !== user.title) {
      await trx
        .updateTable("roster_members")
        .set({ name: user.display_name, title: user.title, version: linked.version + 1, updated_at: nowIso() })
        .where("id", "=", linked.id)
        .execute();
      await recordAudit(trx, actor, {
        action: "roster.update",
        entityType: "roster_member",
        entityId: linked.id,
        summary: `组成人员名册随账号更新：${user.title}${user.display_name}`,
        before: { name: linked.name, title: linked.title },
        after: { name: user.display_name, title: user.title },
      });
    }
    return;
  }
  const sameName = await trx
    .selectFrom("roster_members")
    .selectAll()
    .where("name", "=", user.display_name)
    .where("active", "=", 1)
    .where("user_id", "is", null)
    .execute();
  if (sameName.length === 1) {
    const entry = sameName[0];
    await trx
      .updateTable("roster_members")
      .set({ user_id: user.id, title: user.title || entry.title, version: entry.version + 1, updated_at: nowIso() })
      .where("id", "=", entry.id)
      .execute();
    await recordAudit(trx, actor, {
      action: "roster.link",
      entityType: "roster_member",
      entityId: entry.id,
      summary: `组成人员名册：「${entry.name}」关联账号`,
      before: { user_id: null },
      after: { user_id: user.id },
    });
    return;
  }
  const created = await createRosterMember(trx, actor, { name: user.display_name, title: user.title, voting: isCommitteeMemberTitle(user.title), userId: user.id }, "账号加入");
  if (!created.ok) throw new Error(`roster entry for account ${user.id}: ${created.message}`);
}

/**
 * A questioner as typed or picked: the active roster entry of that name (when exactly one), else — with
 * `addToRoster` — a new entry (職務 as typed, voting by its title), else null (a person outside the roster,
 * e.g. a citizen invited to ask; kept as typed). Runs in the caller's transaction.
 */
export async function resolveQuestioner(
  trx: Trx,
  actor: Actor,
  input: { name: string; role: string; addToRoster: boolean },
): Promise<{ rosterId: number | null; userId: number | null; name: string; role: string }> {
  const name = input.name.trim();
  const role = input.role.trim();
  const found = await rosterByName(trx, name);
  if (found.length === 1) return { rosterId: found[0].id, userId: found[0].user_id, name, role: role || found[0].title };
  if (found.length > 1) {
    const byTitle = found.filter((f) => f.title === role);
    if (byTitle.length === 1) return { rosterId: byTitle[0].id, userId: byTitle[0].user_id, name, role };
    return { rosterId: null, userId: null, name, role };
  }
  if (input.addToRoster && name) {
    const created = await createRosterMember(trx, actor, { name, title: role, voting: isCommitteeMemberTitle(role), userId: null }, "录入时加入");
    if (created.ok) return { rosterId: created.id, userId: null, name, role };
  }
  return { rosterId: null, userId: null, name, role };
}

export interface RollSourceEntry {
  name: string;
  title: string;
  voting: boolean;
  userId: number | null;
}

/**
 * Who is on the roll of a vote opened now: every active roster entry, in roster order. An entry's account is
 * carried only while it is an active member account (the others vote at the meeting, by 表决器 or paper).
 */
export async function rollFromRoster(db: DB | Trx): Promise<RollSourceEntry[]> {
  const rows = await db
    .selectFrom("roster_members as r")
    .leftJoin("users as u", (j) => j.onRef("u.id", "=", "r.user_id").on("u.active", "=", 1).on("u.role", "=", "member"))
    .select(["r.name", "r.title", "r.voting", "u.id as user_id"])
    .where("r.active", "=", 1)
    .orderBy("r.sort_order")
    .orderBy("r.id")
    .execute();
  return rows.map((r) => ({ name: r.name, title: r.title, voting: r.voting === 1, userId: r.user_id ?? null }));
}

/** Active member accounts (委员 who can sign in), by name: the accounts a roster entry may be linked to. */
export async function activeMemberAccounts(db: DB | Trx) {
  return db.selectFrom("users").select(["id", "username", "display_name"]).where("role", "=", "member").where("active", "=", 1).orderBy("display_name").execute();
}
