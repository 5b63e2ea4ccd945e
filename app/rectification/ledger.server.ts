import { percentOf } from "../utils/percent";
import { advanceStage } from "../inquiries/inquiries.server";
import type { Kysely } from "kysely";
import type { Database, ItemStatus } from "../../db/schema";
import { recordAudit, type Actor } from "../audit.server";
import type { Light } from "../utils/deadline";
import { addDays, todayInShanghai } from "../utils/time";
import { z } from "zod";
import { FINAL_ITEM_STATUSES, ITEM_STATUSES, LIGHT_FILTERS, OPEN_ITEM_STATUSES, WAITING_FILTERS, type LightFilter, type WaitingFilter } from "./labels";
import { idField } from "../utils/ids";
import { notVoided } from "../history/void.server";
import { calendarAround, type Db, getWarningDays, itemLight } from "./status.server";
import { checkItemInput, insertItem, type ItemInput, openInquiry } from "./items.server";

/**
 * 整改台账 (the ledger): the filtered, paged list of an inquiry's items with their lights and latest progress,
 * the summary counts, and the import of many items from a sheet (import keys make a re-import harmless).
 */

export interface LedgerFilter {
  departmentId?: number;
  status?: ItemStatus;
  light?: LightFilter;
  /** items waiting for staff: a pending extension request, a closure request, or either (issue 12) */
  waiting?: WaitingFilter;
}

/** The ledger's filters from the query string; anything odd is ignored. */
export function ledgerFilterFrom(url: URL): LedgerFilter {
  const dept = idField().safeParse(url.searchParams.get("department") ?? "");
  const status = z.enum(ITEM_STATUSES as [ItemStatus, ...ItemStatus[]]).safeParse(url.searchParams.get("status") ?? "");
  const light = z.enum(LIGHT_FILTERS as [LightFilter, ...LightFilter[]]).safeParse(url.searchParams.get("light") ?? "");
  const waiting = z.enum(WAITING_FILTERS).safeParse(url.searchParams.get("waiting") ?? "");
  return {
    departmentId: dept.success ? dept.data : undefined,
    status: status.success ? status.data : undefined,
    light: light.success ? light.data : undefined,
    waiting: waiting.success ? waiting.data : undefined,
  };
}

function filteredItems(db: Db, inquiryId: number, filter: LedgerFilter, today: string, warningDays: number) {
  let q = db.selectFrom("rectification_items as i").where("i.inquiry_id", "=", inquiryId).where(notVoided("i"));
  if (filter.departmentId) {
    const d = filter.departmentId;
    q = q.where((eb) =>
      eb.or([
        eb("i.lead_department_id", "=", d),
        eb.exists(eb.selectFrom("rectification_codepartments as c").select("c.item_id").whereRef("c.item_id", "=", "i.id").where("c.organization_id", "=", d)),
      ]),
    );
  }
  if (filter.status) q = q.where("i.status", "=", filter.status);
  if (filter.waiting) {
    const w = filter.waiting;
    q = q.where((eb) => {
      const extension = eb.exists(eb.selectFrom("deadline_extensions as e").select("e.id").whereRef("e.item_id", "=", "i.id").where("e.status", "=", "pending"));
      const closure = eb("i.status", "=", "closure_requested");
      return w === "extension" ? extension : w === "closure" ? closure : eb.or([extension, closure]);
    });
  }
  if (filter.light) {
    const near = addDays(today, warningDays);
    if (filter.light === "done") q = q.where("i.status", "in", FINAL_ITEM_STATUSES);
    else {
      q = q.where("i.status", "in", OPEN_ITEM_STATUSES);
      if (filter.light === "red") q = q.where("i.deadline", "<", today);
      if (filter.light === "yellow") q = q.where("i.deadline", ">=", today).where("i.deadline", "<=", near);
      if (filter.light === "green") q = q.where("i.deadline", ">", near);
    }
  }
  return q;
}

/** Latest progress text per item (for the ledger's 进展情况 column). */
async function latestProgress(db: Db, itemIds: number[]) {
  const map = new Map<number, { text: string; created_at: string; organization_name: string }>();
  if (itemIds.length === 0) return map;
  const rows = await db
    .selectFrom("progress_reports as p")
    .innerJoin("organizations as o", "o.id", "p.organization_id")
    .select(["p.item_id", "p.body_text", "p.created_at", "o.name as organization_name"])
    .where("p.item_id", "in", itemIds)
    .orderBy("p.id", "desc")
    .execute();
  for (const r of rows) if (!map.has(r.item_id)) map.set(r.item_id, { text: r.body_text, created_at: r.created_at, organization_name: r.organization_name });
  return map;
}

async function codepartmentsOf(db: Db, itemIds: number[]) {
  const map = new Map<number, { id: number; name: string }[]>();
  if (itemIds.length === 0) return map;
  const rows = await db
    .selectFrom("rectification_codepartments as c")
    .innerJoin("organizations as o", "o.id", "c.organization_id")
    .select(["c.item_id", "o.id", "o.name"])
    .where("c.item_id", "in", itemIds)
    .orderBy("o.sort_order")
    .orderBy("o.id")
    .execute();
  for (const r of rows) map.set(r.item_id, [...(map.get(r.item_id) ?? []), { id: r.id, name: r.name }]);
  return map;
}

/** The ledger of an inquiry: filtered, one page (or every row when pageSize is null, for the export). */
export async function listLedger(
  db: Db,
  inquiryId: number,
  filter: LedgerFilter,
  paging: { page: number; pageSize: number } | null,
  today = todayInShanghai(),
  warningDays?: number,
) {
  const days = warningDays ?? (await getWarningDays(db));
  const base = filteredItems(db, inquiryId, filter, today, days);
  const [{ total }] = await base.select((eb) => eb.fn.countAll<number>().as("total")).execute();
  let q = base
    .innerJoin("organizations as lead", "lead.id", "i.lead_department_id")
    .select([
      "i.id",
      "i.number",
      "i.problem",
      "i.requirement",
      "i.lead_department_id",
      "lead.name as lead_name",
      "i.deadline",
      "i.original_deadline",
      "i.deadline_workdays",
      "i.status",
      "i.source_type",
      "i.source_id",
      "i.closed_at",
      "i.carried_over_reason",
      (eb) =>
        eb
          .exists(eb.selectFrom("deadline_extensions as e").select("e.id").whereRef("e.item_id", "=", "i.id").where("e.status", "=", "pending"))
          .$castTo<number>()
          .as("pending_extension"),
    ])
    .orderBy("i.number");
  if (paging) q = q.limit(paging.pageSize).offset((paging.page - 1) * paging.pageSize);
  const rows = await q.execute();
  const ids = rows.map((r) => r.id);
  const co = await codepartmentsOf(db, ids);
  const progress = await latestProgress(db, ids);
  const cal = rows.some((r) => r.deadline_workdays) ? await calendarAround(db, today) : null;
  return {
    total: Number(total),
    warningDays: days,
    rows: rows.map((r) => ({
      ...r,
      pending_extension: Boolean(r.pending_extension),
      codepartments: co.get(r.id) ?? [],
      latest_progress: progress.get(r.id) ?? null,
      ...itemLight(r, today, days, cal),
    })),
  };
}

/**
 * What the ledger page shows: the filtered page of items, the summary, the filter choices, pending extensions.
 * The department filter offers the departments of this inquiry's items (lead or co), not every organisation.
 */
export async function ledgerPageData(db: Db, inquiryId: number, url: URL, page: number, pageSize: number) {
  const filter = ledgerFilterFrom(url);
  const summary = await ledgerSummary(db, inquiryId);
  const ledger = await listLedger(db, inquiryId, filter, { page, pageSize }, undefined, summary.warningDays);
  const departments = summary.departments.map((d) => ({ id: d.id, name: d.name }));
  const pendingExtensions = Number(
    (
      await db
        .selectFrom("deadline_extensions as e")
        .innerJoin("rectification_items as i", "i.id", "e.item_id")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("i.inquiry_id", "=", inquiryId)
        .where(notVoided("i"))
        .where("e.status", "=", "pending")
        .executeTakeFirstOrThrow()
    ).n,
  );
  return { filter, summary, ledger, departments, pendingExtensions };
}

/** Per inquiry: progress (closed / total) and items per lead department by status and light. */
export async function ledgerSummary(db: Db, inquiryId: number, today = todayInShanghai(), warningDays?: number) {
  const days = warningDays ?? (await getWarningDays(db));
  const items = await db
    .selectFrom("rectification_items as i")
    .innerJoin("organizations as o", "o.id", "i.lead_department_id")
    .select(["i.id", "i.status", "i.deadline", "i.lead_department_id", "o.name as lead_name", "o.sort_order"])
    .where("i.inquiry_id", "=", inquiryId)
    .where(notVoided("i"))
    .execute();
  const coRows = items.length
    ? await db
        .selectFrom("rectification_codepartments as c")
        .innerJoin("organizations as o", "o.id", "c.organization_id")
        .select(["c.organization_id", "o.name", "o.sort_order"])
        .where("c.item_id", "in", items.map((i) => i.id))
        .execute()
    : [];
  const emptyStatus = () => ({ todo: 0, in_progress: 0, closure_requested: 0, closed: 0, carried_over: 0 }) as Record<ItemStatus, number>;
  const emptyLight = () => ({ green: 0, yellow: 0, red: 0, done: 0 }) as Record<Light, number>;
  const total = { items: items.length, byStatus: emptyStatus(), byLight: emptyLight() };
  const departments = new Map<number, { id: number; name: string; sort: number; lead: number; co: number; byStatus: Record<ItemStatus, number>; byLight: Record<Light, number> }>();
  const dept = (id: number, name: string, sort: number) => {
    let d = departments.get(id);
    if (!d) departments.set(id, (d = { id, name, sort, lead: 0, co: 0, byStatus: emptyStatus(), byLight: emptyLight() }));
    return d;
  };
  for (const item of items) {
    const { light } = itemLight(item, today, days);
    total.byStatus[item.status]++;
    total.byLight[light]++;
    const d = dept(item.lead_department_id, item.lead_name, item.sort_order);
    d.lead++;
    d.byStatus[item.status]++;
    d.byLight[light]++;
  }
  for (const c of coRows) dept(c.organization_id, c.name, c.sort_order).co++;
  const closed = total.byStatus.closed;
  const carried = total.byStatus.carried_over;
  return {
    warningDays: days,
    total: total.items,
    closed,
    carriedOver: carried,
    open: total.items - closed - carried,
    byStatus: total.byStatus,
    byLight: total.byLight,
    percentClosed: percentOf(closed, total.items),
    departments: [...departments.values()].sort((a, b) => a.sort - b.sort || a.id - b.id),
  };
}

/**
 * What an item is, for recognising a row imported before (issue 13): its problem (whitespace folded), lead unit
 * and deadline as set when it was created. Stored on imported items (`import_key`), unique per inquiry among
 * items not voided (migration 0015) — so the database, not only this module's check, refuses a duplicate.
 */
export function importKey(row: { problem: string; leadDepartmentId: number; deadline: string }): string {
  return `${row.leadDepartmentId}|${row.deadline}|${row.problem.replace(/\s+/g, " ").trim()}`;
}

export type ImportOutcome =
  | { ok: true; count: number; numbers: number[]; skipped: { row: number; message: string }[] }
  | { ok: false; errors: { row: number; message: string }[] };

/**
 * Imports checked rows in one transaction. A row bad in itself stops the whole import (every problem listed).
 * A row that is already in the ledger (same problem, lead unit and deadline in this inquiry, among items not
 * voided — imported before or entered by hand) or repeats an earlier row of the sheet is not created again and
 * is named in `skipped`; the others are created. Two identical uploads at the same moment create the items once:
 * the second transaction sees the first's rows, and the unique index on import_key refuses what slips past.
 */
export async function importItems(db: Kysely<Database>, actor: Actor, inquiryId: number, rows: (Omit<ItemInput, "sourceType" | "sourceId"> & { row: number })[]) {
  return db.transaction().execute(async (trx): Promise<ImportOutcome> => {
    const inquiry = await openInquiry(trx, inquiryId);
    if (!inquiry.ok) return { ok: false, errors: [{ row: 0, message: inquiry.message }] };
    if (rows.length === 0) return { ok: false, errors: [{ row: 0, message: "表格中没有可导入的事项" }] };
    const errors: { row: number; message: string }[] = [];
    for (const r of rows) {
      const problem = await checkItemInput(trx, inquiryId, { ...r, sourceType: "manual", sourceId: null }, true);
      if (problem) errors.push({ row: r.row, message: problem.message });
    }
    if (errors.length) return { ok: false, errors };
    const existing = await trx
      .selectFrom("rectification_items as i")
      .select(["i.number", "i.problem", "i.lead_department_id", "i.original_deadline"])
      .where("i.inquiry_id", "=", inquiryId)
      .where(notVoided("i"))
      .execute();
    const known = new Map(existing.map((e) => [importKey({ problem: e.problem, leadDepartmentId: e.lead_department_id, deadline: e.original_deadline }), `已在整改台账中（#${e.number}）`]));
    const numbers: number[] = [];
    const skipped: { row: number; message: string }[] = [];
    for (const r of rows) {
      const key = importKey(r);
      const seen = known.get(key);
      if (seen) {
        skipped.push({ row: r.row, message: `${seen}，相同问题、牵头单位和整改时限，未重复导入` });
        continue;
      }
      const made = await insertItem(trx, actor, inquiryId, { ...r, sourceType: "manual", sourceId: null }, "imported", key);
      if (!made) {
        skipped.push({ row: r.row, message: "已在整改台账中，相同问题、牵头单位和整改时限，未重复导入" });
        continue;
      }
      known.set(key, `与第 ${r.row} 行相同（#${made.number}）`);
      numbers.push(made.number);
    }
    if (numbers.length > 0) {
      await advanceStage(trx, actor, inquiryId, "rectification", "first_item");
      await recordAudit(trx, actor, {
        action: "rectification.import",
        entityType: "inquiry",
        entityId: inquiryId,
        summary: `「${inquiry.title}」从 Excel 批量导入整改事项 ${numbers.length} 项（#${numbers[0]}–#${numbers[numbers.length - 1]}）${skipped.length ? `，${skipped.length} 行已在台账中未重复导入` : ""}`,
        after: { imported: rows.filter((r) => !skipped.some((s) => s.row === r.row)).map((r) => ({ problem: r.problem, leadDepartmentId: r.leadDepartmentId, coDepartmentIds: r.coDepartmentIds, deadline: r.deadline })), skipped },
      });
    }
    return { ok: true, count: numbers.length, numbers, skipped };
  });
}
