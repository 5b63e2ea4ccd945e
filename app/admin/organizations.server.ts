import type { Kysely, Transaction } from "kysely";
import type { Database, OrganizationKind } from "../../db/schema";
import { advisoryLock, lockRow, writeTransaction } from "../../db/transactions";
import { recordAudit, type Actor } from "../audit.server";
import { nowIso } from "../utils/time";
import { loadTree, parentProblem, requeueSubtreeDocuments } from "./organization-tree.server";
import type { Result } from "../utils/result";

export async function listOrganizations(db: Kysely<Database>, opts: { kind?: OrganizationKind; includeInactive?: boolean } = {}) {
  let q = db.selectFrom("organizations").selectAll();
  if (opts.kind) q = q.where("kind", "=", opts.kind);
  if (!opts.includeInactive) q = q.where("active", "=", 1);
  return q.orderBy("kind").orderBy("sort_order").orderBy("id").execute();
}

/** The kinds that answer at an inquiry: 人民政府 and its departments. */
export const RESPONDING_KINDS: readonly OrganizationKind[] = ["government", "department"];

/**
 * The one check for organisation ids that arrive with a form (an answering department, a lead or
 * co-department, a delegated county congress, a speaker's unit …): null when every given id names an
 * organisation of one of `kinds` (and is active, with `activeOnly`), else `message` — so a stale or forged id
 * is refused with a field error instead of surfacing as a foreign-key error (500) or a wrong kind being stored.
 * `null`/`undefined` entries (an optional field left empty) are skipped. Issue 16.
 */
export async function organizationsProblem(
  db: Kysely<Database>,
  ids: readonly (number | null | undefined)[],
  rule: { kinds?: readonly OrganizationKind[]; activeOnly?: boolean; message: string },
): Promise<string | null> {
  const wanted = [...new Set(ids.filter((id): id is number => typeof id === "number"))];
  if (wanted.length === 0) return null;
  if (wanted.some((id) => !Number.isSafeInteger(id) || id <= 0)) return rule.message;
  let q = db.selectFrom("organizations").select("id").where("id", "in", wanted);
  if (rule.kinds) q = q.where("kind", "in", [...rule.kinds]);
  if (rule.activeOnly) q = q.where("active", "=", 1);
  const found = await q.execute();
  return found.length === wanted.length ? null : rule.message;
}

export async function getOrganization(db: Kysely<Database>, id: number) {
  return db.selectFrom("organizations").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function createOrganization(
  db: Kysely<Database>,
  actor: Actor,
  input: { name: string; kind: OrganizationKind; parentId?: number | null },
): Promise<Result> {
  return writeTransaction(db, (trx) => insertOrganization(trx, actor, input));
}

/** Inserts one organisation in the caller's transaction (its name must be free); audited. The bulk import uses it too. */
export async function insertOrganization(
  trx: Transaction<Database>,
  actor: Actor,
  input: { name: string; kind: OrganizationKind; parentId?: number | null },
): Promise<Result> {
  // names must stay unique and sort orders distinct: creations and renames wait for each other (decision 0175)
  await advisoryLock(trx, "organization-names");
  const clash = await trx.selectFrom("organizations").select("id").where("name", "=", input.name).executeTakeFirst();
  if (clash) return { ok: false, field: "name", message: "已有同名的组织机构" };
  const parentId = input.parentId ?? null;
  // a top-level organisation needs no look at the tree (and leaves parent_id to its default)
  const badParent = parentId === null ? null : parentProblem(await loadTree(trx), null, parentId);
  if (badParent) return { ok: false, field: "parentId", message: badParent };
  const now = nowIso();
  const max = await trx.selectFrom("organizations").select((eb) => eb.fn.max("sort_order").as("m")).executeTakeFirst();
  const row = await trx
    .insertInto("organizations")
    .values({ name: input.name, kind: input.kind, ...(parentId === null ? {} : { parent_id: parentId }), sort_order: Number(max?.m ?? 0) + 1, created_at: now, updated_at: now })
    .returning(["id", "name", "kind"])
    .executeTakeFirst()
    .then((r) => ({ ...r!, parent_id: parentId }));
  await recordAudit(trx, actor, {
    action: "organization.create",
    entityType: "organization",
    entityId: row.id,
    summary: `新建组织机构「${row.name}」`,
    after: row,
  });
  return { ok: true, id: row.id };
}

/**
 * Renames an organisation, changes its kind or its parent (上级单位; `parentId` undefined leaves it as it is).
 * `version` is the one the editor saw: if someone else saved in between, the change is refused rather than
 * silently overwriting theirs. A parent that is the organisation itself or one of its descendants is refused.
 */
export async function updateOrganization(
  db: Kysely<Database>,
  actor: Actor,
  input: { id: number; version: number; name: string; kind: OrganizationKind; parentId?: number | null },
): Promise<Result> {
  return writeTransaction(db, async (trx) => {
    await advisoryLock(trx, "organization-names");
    // locked, so no account can join or change role under it until this commits
    await lockRow(trx, "organizations", input.id);
    const before = await trx.selectFrom("organizations").selectAll().where("id", "=", input.id).executeTakeFirst();
    if (!before) return { ok: false, field: "_form", message: "该组织机构不存在" };
    if (before.version !== input.version) {
      return { ok: false, field: "_form", message: "该组织机构已被他人修改，请刷新页面查看最新内容后再修改。" };
    }
    const clash = await trx
      .selectFrom("organizations")
      .select("id")
      .where("name", "=", input.name)
      .where("id", "!=", input.id)
      .executeTakeFirst();
    if (clash) return { ok: false, field: "name", message: "已有同名的组织机构" };
    const parentId = input.parentId === undefined ? before.parent_id : input.parentId;
    if (parentId !== before.parent_id) {
      const badParent = parentProblem(await loadTree(trx), input.id, parentId);
      if (badParent) return { ok: false, field: "parentId", message: badParent };
    }
    if (input.kind !== before.kind) {
      // accounts must stay in an organisation their role may belong to
      const allowedRole = input.kind === "county_congress" ? "county" : input.kind === "congress_office" ? null : "department";
      const stranded = await trx
        .selectFrom("users")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("organization_id", "=", input.id)
        .where("role", "in", ["department", "county"])
        .$if(allowedRole !== null, (q) => q.where("role", "!=", allowedRole!))
        .executeTakeFirstOrThrow();
      if (Number(stranded.n) > 0) {
        return { ok: false, field: "kind", message: `该单位下有 ${stranded.n} 个账号的角色与新类别不符，请先调整这些账号后再修改类别` };
      }
    }
    await trx
      .updateTable("organizations")
      .set({ name: input.name, kind: input.kind, parent_id: parentId, version: before.version + 1, updated_at: nowIso() })
      .where("id", "=", input.id)
      .execute();
    // who may read a rectification item follows the tree (a county reads its sub-organisations' items)
    if (parentId !== before.parent_id) await requeueSubtreeDocuments(trx, input.id);
    await recordAudit(trx, actor, {
      action: "organization.update",
      entityType: "organization",
      entityId: input.id,
      summary: before.name === input.name ? `修改组织机构「${input.name}」` : `组织机构「${before.name}」更名为「${input.name}」`,
      before: { name: before.name, kind: before.kind, parent_id: before.parent_id },
      after: { name: input.name, kind: input.kind, parent_id: parentId },
    });
    return { ok: true, id: input.id };
  });
}

export async function setOrganizationActive(
  db: Kysely<Database>,
  actor: Actor,
  input: { id: number; version: number; active: boolean },
): Promise<Result> {
  return writeTransaction(db, async (trx) => {
    // locked, so no account can be activated in it until this commits (they lock it first)
    await lockRow(trx, "organizations", input.id);
    const before = await trx.selectFrom("organizations").selectAll().where("id", "=", input.id).executeTakeFirst();
    if (!before) return { ok: false, field: "_form", message: "该组织机构不存在" };
    if (before.version !== input.version) {
      return { ok: false, field: "_form", message: "该组织机构已被他人修改，请刷新页面查看最新内容后再修改。" };
    }
    if (!input.active) {
      const activeUsers = await trx
        .selectFrom("users")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("organization_id", "=", input.id)
        .where("active", "=", 1)
        .executeTakeFirstOrThrow();
      if (Number(activeUsers.n) > 0) {
        return { ok: false, field: "_form", message: `「${before.name}」还有 ${activeUsers.n} 个启用的账号，请先停用或调整这些账号。` };
      }
    }
    await trx
      .updateTable("organizations")
      .set({ active: input.active ? 1 : 0, version: before.version + 1, updated_at: nowIso() })
      .where("id", "=", input.id)
      .execute();
    await recordAudit(trx, actor, {
      action: input.active ? "organization.activate" : "organization.deactivate",
      entityType: "organization",
      entityId: input.id,
      summary: `${input.active ? "启用" : "停用"}组织机构「${before.name}」`,
      before: { active: before.active },
      after: { active: input.active ? 1 : 0 },
    });
    return { ok: true, id: input.id };
  });
}

/**
 * Sets an organisation's parent (上级单位) in the caller's transaction (the bulk import); refused as
 * updateOrganization refuses it (itself, a descendant, a disabled or unknown parent). Audited; the version moves.
 */
export async function moveOrganizationIn(
  trx: Transaction<Database>,
  actor: Actor,
  input: { id: number; parentId: number | null },
): Promise<Result> {
  const before = await trx.selectFrom("organizations").selectAll().where("id", "=", input.id).executeTakeFirst();
  if (!before) return { ok: false, field: "_form", message: "该组织机构不存在" };
  if (before.parent_id === input.parentId) return { ok: true, id: input.id };
  const badParent = parentProblem(await loadTree(trx), input.id, input.parentId);
  if (badParent) return { ok: false, field: "parentId", message: badParent };
  await trx
    .updateTable("organizations")
    .set({ parent_id: input.parentId, version: before.version + 1, updated_at: nowIso() })
    .where("id", "=", input.id)
    .execute();
  await requeueSubtreeDocuments(trx, input.id);
  await recordAudit(trx, actor, {
    action: "organization.update",
    entityType: "organization",
    entityId: input.id,
    summary: `调整组织机构「${before.name}」的上级单位`,
    before: { parent_id: before.parent_id },
    after: { parent_id: input.parentId },
  });
  return { ok: true, id: input.id };
}

/**
 * Active organisations of the given kinds, as a form offers them: 人民政府 first, then departments, county
 * congresses (kind descending), each in its sort order. The one reader for such choices (issue 20).
 */
export async function activeOrganizations(db: Kysely<Database> | Transaction<Database>, kinds: readonly OrganizationKind[]) {
  return db
    .selectFrom("organizations")
    .select(["id", "name", "kind"])
    .where("active", "=", 1)
    .where("kind", "in", [...kinds])
    .orderBy("kind", "desc")
    .orderBy("sort_order")
    .orderBy("id")
    .execute();
}
