import { sql, type Kysely, type Transaction } from "kysely";
import type { Database, OrganizationKind } from "../../db/schema";

/**
 * The organisation tree (issue 21, docs/decisions/0160): each organisation may have a parent — a county's
 * departments and townships under the county congress, the city's departments under 市政府. Scope rules that go
 * by level (a county reads its sub-organisations' work; app/policy.server.ts) take the ancestors computed here.
 * The tree is small (hundreds of rows at most), so it is read whole and walked in memory: the same code on
 * SQLite and PostgreSQL, no recursive SQL.
 */
type Db = Kysely<Database> | Transaction<Database>;

export interface TreeNode {
  id: number;
  name: string;
  kind: OrganizationKind;
  parent_id: number | null;
  active: number;
}

export async function loadTree(db: Db): Promise<Map<number, TreeNode>> {
  const rows = await db.selectFrom("organizations").select(["id", "name", "kind", "parent_id", "active"]).execute();
  return new Map(rows.map((r) => [r.id, r as TreeNode]));
}

/** The ancestors of one organisation, nearest first (a broken chain stops; a cycle cannot be stored). */
export function ancestorsIn(tree: Map<number, { parent_id: number | null }>, id: number): number[] {
  const out: number[] = [];
  let at = tree.get(id)?.parent_id ?? null;
  while (at !== null && !out.includes(at) && at !== id) {
    out.push(at);
    at = tree.get(at)?.parent_id ?? null;
  }
  return out;
}

/** Every organisation under `id` (children, their children …), not `id` itself. */
export function descendantsIn(tree: Map<number, { id: number; parent_id: number | null }>, id: number): number[] {
  const children = new Map<number, number[]>();
  for (const node of tree.values()) {
    if (node.parent_id === null) continue;
    children.set(node.parent_id, [...(children.get(node.parent_id) ?? []), node.id]);
  }
  const out: number[] = [];
  const stack = [...(children.get(id) ?? [])];
  while (stack.length) {
    const next = stack.pop()!;
    if (next === id || out.includes(next)) continue;
    out.push(next);
    stack.push(...(children.get(next) ?? []));
  }
  return out;
}

/** The ancestors of several organisations, together (deduplicated; the organisations themselves excluded unless one is above another). */
export async function ancestorIds(db: Db, ids: readonly number[]): Promise<number[]> {
  if (ids.length === 0) return [];
  const tree = await loadTree(db);
  return [...new Set(ids.flatMap((id) => ancestorsIn(tree, id)))];
}

export async function descendantIds(db: Db, id: number): Promise<number[]> {
  return descendantsIn(await loadTree(db), id);
}

/**
 * Why `parentId` may not be the parent of `id`, or null: itself, one of its own descendants (a cycle), or an
 * organisation that does not exist or is disabled.
 */
export function parentProblem(tree: Map<number, TreeNode>, id: number | null, parentId: number | null): string | null {
  if (parentId === null) return null;
  const parent = tree.get(parentId);
  if (!parent || !parent.active) return "上级单位须为启用中的组织机构";
  if (id !== null && (parentId === id || descendantsIn(tree, id).includes(parentId))) return "上级单位不能是本单位或其下级单位";
  return null;
}

const ROWID_BASE = 1_000_000_000;
const ITEM_CODE = 8;
const PROGRESS_CODE = 9;

/**
 * After `id` moved in the tree, the search documents whose readers depend on the ancestors of `id` or of its
 * descendants (rectification items and their progress reports: a county reads its sub-organisations' items) are
 * queued for rebuilding (the search_queue of migration 0010), in the caller's transaction.
 */
export async function requeueSubtreeDocuments(trx: Transaction<Database>, id: number): Promise<void> {
  const tree = await loadTree(trx);
  const orgs = [id, ...descendantsIn(tree, id)];
  const items = await trx
    .selectFrom("rectification_items")
    .select("id")
    .where((eb) =>
      eb.or([
        eb("lead_department_id", "in", orgs),
        eb("id", "in", eb.selectFrom("rectification_codepartments").select("item_id").where("organization_id", "in", orgs)),
      ]),
    )
    .execute();
  const itemIds = items.map((i) => i.id);
  if (itemIds.length === 0) return;
  const reports = await trx.selectFrom("progress_reports").select("id").where("item_id", "in", itemIds).execute();
  const rowids = [...itemIds.map((i) => ITEM_CODE * ROWID_BASE + i), ...reports.map((r) => PROGRESS_CODE * ROWID_BASE + r.id)];
  for (let i = 0; i < rowids.length; i += 500) {
    const values = sql.join(rowids.slice(i, i + 500).map((r) => sql`(${r})`));
    await sql`insert into search_queue (rowid) values ${values} on conflict do nothing`.execute(trx);
  }
}

/** The tree as a list for the admin page and pickers: each organisation with its depth and its parent's name, in tree order. */
export function treeOrder<T extends { id: number; parent_id: number | null }>(rows: readonly T[]): (T & { depth: number })[] {
  const byParent = new Map<number | null, T[]>();
  const ids = new Set(rows.map((r) => r.id));
  for (const r of rows) {
    const key = r.parent_id !== null && ids.has(r.parent_id) ? r.parent_id : null;
    byParent.set(key, [...(byParent.get(key) ?? []), r]);
  }
  const out: (T & { depth: number })[] = [];
  const seen = new Set<number>();
  const walk = (parent: number | null, depth: number) => {
    for (const r of byParent.get(parent) ?? []) {
      if (seen.has(r.id)) continue;
      seen.add(r.id);
      out.push({ ...r, depth });
      walk(r.id, depth + 1);
    }
  };
  walk(null, 0);
  // anything left (only a stored cycle could leave rows) comes last, flat
  for (const r of rows) if (!seen.has(r.id)) out.push({ ...r, depth: 0 });
  return out;
}

/** An item's policy scope with the organisations above its lead and co-departments (policy ItemScope.ancestor_ids). */
export async function withAncestors<T extends { lead_department_id: number; codepartment_ids: number[] }>(db: Db, item: T): Promise<T & { ancestor_ids: number[] }> {
  return { ...item, ancestor_ids: await ancestorIds(db, [item.lead_department_id, ...item.codepartment_ids]) };
}
