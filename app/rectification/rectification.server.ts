import { percentOf } from "../utils/percent";
import { publicationGate, publicationRedactor } from "../insight/pii.server";
import { advanceStage } from "../inquiries/inquiries.server";
import * as staffEvents from "../queue/events.server";
import type { Kysely, Transaction } from "kysely";
import { together } from "../../db/together";
import type { Database, ItemStatus } from "../../db/schema";
import { saveAttachments, type CheckedUpload } from "../attachments/attachments.server";
import { organizationsProblem, RESPONDING_KINDS } from "../admin/organizations.server";
import { recordAudit, type Actor } from "../audit.server";
import type { RichText } from "../richtext/richtext.server";
import { deadlineLight, type DayUnit, type Light } from "../utils/deadline";
import { daysLeftIn, workCalendar, workdayDeadline } from "../calendar/calendar.server";
import { addDays, addMonths, dateInShanghai, formatDate, isCalendarDate, nowIso, todayInShanghai } from "../utils/time";
import { z } from "zod";
import {
  DEFAULT_WARNING_DAYS,
  FINAL_ITEM_STATUSES,
  ITEM_STATUSES,
  ITEM_STATUS_LABELS,
  LIGHT_FILTERS,
  OPEN_ITEM_STATUSES,
  WAITING_FILTERS,
  type LightFilter,
  type WaitingFilter,
  type SourceType,
} from "./labels";
import { idField } from "../utils/ids";
import { dateContext, deadlineProblem, stampFor, BACK_ENTRY_MARK } from "../history/dates.server";
import { liveItemRef, liveSegmentRef, notVoided } from "../history/void.server";

/**
 * 整改督办: rectification items (问题清单 / 整改台账) from the meeting's exchanges, research findings or by hand;
 * their progress reports and evidence, deadline extensions, closure (销号) on evidence, carrying over (结转);
 * the deadline lights; the inquiry's closing (办结) and its public rectification status.
 */
export type Result = { ok: true; id: number } | { ok: false; field: string; message: string };
type Db = Kysely<Database> | Transaction<Database>;

const CONFLICT = "该整改事项已被他人修改或办理，请刷新页面查看最新状态后再操作。";
const MAX_TEXT = 2000;

// ---------------------------------------------------------------------------------------------------------
// Status rules (pure)

export type ItemAction =
  | "report_progress"
  | "request_closure"
  | "close"
  | "return"
  | "carry_over"
  | "request_extension"
  | "decide_extension"
  | "edit";

/**
 * The status rules in one place:
 * 待整改 → 整改中 (first progress report) → 申请销号 (the lead department, with evidence) → 已销号 (staff)
 * or back to 整改中 (staff return it with a comment); 结转 (staff, with a reason) from any open status.
 * 已销号 and 结转 are final. Actions that do not move the status return the current one when allowed.
 */
export function nextItemStatus(current: ItemStatus, action: ItemAction): ItemStatus | null {
  const open = OPEN_ITEM_STATUSES.includes(current);
  switch (action) {
    case "report_progress":
      return current === "todo" ? "in_progress" : open ? current : null;
    case "request_closure":
      return current === "in_progress" ? "closure_requested" : null;
    case "close":
      return current === "closure_requested" ? "closed" : null;
    case "return":
      return current === "closure_requested" ? "in_progress" : null;
    case "carry_over":
      return open ? "carried_over" : null;
    case "request_extension":
      return current === "todo" || current === "in_progress" ? current : null;
    case "decide_extension":
    case "edit":
      return open ? current : null;
  }
}

function refusal(action: ItemAction, current: ItemStatus): string {
  const now = `该事项当前状态为「${ITEM_STATUS_LABELS[current]}」，`;
  switch (action) {
    case "report_progress":
      return `${now}不能再报送整改进展`;
    case "request_closure":
      return current === "todo" ? `${now}请先报送整改进展，再申请销号` : `${now}不能申请销号`;
    case "close":
      return `${now}只能对已申请销号的事项销号`;
    case "return":
      return `${now}只能退回已申请销号的事项`;
    case "carry_over":
      return `${now}不能结转`;
    case "request_extension":
      return `${now}不能申请延期`;
    case "decide_extension":
      return `${now}不能再审批延期申请`;
    case "edit":
      return `${now}不能再修改`;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Dates and lights

// one calendar-date arithmetic for the whole app (app/utils/time.ts); re-exported for this module's callers
export { addDays, addMonths };

export function isFinal(status: ItemStatus): boolean {
  return FINAL_ITEM_STATUSES.includes(status);
}

/**
 * An item's light: none ("done") once closed or carried over. The light follows calendar days (lightRuleText);
 * the days left or overdue are counted in working days for a deadline given in 工作日 when `cal` (the loaded
 * working calendar, app/calendar/calendar.server.ts) is passed, and `dayUnit` says which.
 */
export function itemLight(
  item: { deadline: string; status: ItemStatus; deadline_workdays?: number | null },
  today: string,
  warningDays: number,
  cal?: WorkCalendarFor | null,
): { light: Light; daysLeft: number; dayUnit: DayUnit } {
  const base = deadlineLight(item.deadline, today, warningDays, isFinal(item.status));
  if (!item.deadline_workdays || !cal) return { ...base, dayUnit: "calendar" };
  const left = daysLeftIn(today, item.deadline, true, cal);
  return { ...base, daysLeft: left.days, dayUnit: left.unit };
}
type WorkCalendarFor = Awaited<ReturnType<typeof workCalendar>>;

/** The working calendar around today (last year to two years on), for itemLight. */
export async function calendarAround(db: Db, today = todayInShanghai()) {
  const y = Number(today.slice(0, 4));
  return workCalendar(db, [y - 1, y, y + 1, y + 2]);
}

// ---------------------------------------------------------------------------------------------------------
// Settings

export const WARNING_DAYS_KEY = "deadline_warning_days";

export async function getWarningDays(db: Db): Promise<number> {
  const row = await db.selectFrom("settings").select("value").where("key", "=", WARNING_DAYS_KEY).executeTakeFirst();
  const n = row ? Number(row.value) : NaN;
  return Number.isInteger(n) && n >= 1 && n <= 90 ? n : DEFAULT_WARNING_DAYS;
}

export async function setWarningDays(db: Kysely<Database>, actor: Actor, days: number): Promise<Result> {
  if (!Number.isInteger(days) || days < 1 || days > 90) return { ok: false, field: "warningDays", message: "预警天数须为 1 至 90 之间的整数" };
  return db.transaction().execute(async (trx) => {
    const before = await getWarningDays(trx);
    const now = nowIso();
    await trx
      .insertInto("settings")
      .values({ key: WARNING_DAYS_KEY, value: String(days), updated_at: now })
      .onConflict((oc) => oc.column("key").doUpdateSet({ value: String(days), updated_at: now }))
      .execute();
    await recordAudit(trx, actor, {
      action: "setting.update",
      entityType: "setting",
      entityId: WARNING_DAYS_KEY,
      summary: `整改期限预警天数由 ${before} 天改为 ${days} 天`,
      before: { [WARNING_DAYS_KEY]: before },
      after: { [WARNING_DAYS_KEY]: days },
    });
    return { ok: true, id: days };
  });
}

// ---------------------------------------------------------------------------------------------------------
// Reading

export async function departmentOptions(db: Db) {
  return db
    .selectFrom("organizations")
    .select(["id", "name", "kind"])
    .where("active", "=", 1)
    .where("kind", "in", ["government", "department"])
    .orderBy("kind", "desc")
    .orderBy("sort_order")
    .orderBy("id")
    .execute();
}

export async function getItem(db: Db, id: number) {
  const [item, co] = await together(
    db
      .selectFrom("rectification_items as i")
      .innerJoin("organizations as lead", "lead.id", "i.lead_department_id")
      .innerJoin("inquiries as q", "q.id", "i.inquiry_id")
      .selectAll("i")
      .select(["lead.name as lead_name", "q.title as inquiry_title", "q.stage as inquiry_stage", "q.back_entry as inquiry_back_entry", "q.voided_at as inquiry_voided_at"])
      .where("i.id", "=", id)
      .executeTakeFirst(),
    db
      .selectFrom("rectification_codepartments as c")
      .innerJoin("organizations as o", "o.id", "c.organization_id")
      .select(["o.id", "o.name"])
      .where("c.item_id", "=", id)
      .orderBy("o.sort_order")
      .orderBy("o.id")
      .execute(),
  );
  if (!item) return undefined;
  return { ...item, codepartments: co, codepartment_ids: co.map((c) => c.id) };
}
export type ItemDetail = NonNullable<Awaited<ReturnType<typeof getItem>>>;

/** Where an item came from, for its page: the exchange (questioner, question, department) or the finding. */
export async function itemSource(db: Db, item: { source_type: string; source_id: number | null }) {
  if (item.source_type === "exchange" && item.source_id) {
    const ex = (await exchangeRows(db, { segmentIds: [item.source_id] }))[0];
    return ex ? { type: "exchange" as const, exchange: ex } : null;
  }
  if (item.source_type === "finding" && item.source_id) {
    const f = await db
      .selectFrom("research_findings as f")
      .leftJoin("research_activities as a", "a.id", "f.activity_id")
      .select(["f.id", "f.text", "f.inquiry_id", "a.title as activity_title"])
      .where("f.id", "=", item.source_id)
      .executeTakeFirst();
    return f ? { type: "finding" as const, finding: f } : null;
  }
  return null;
}

/** The exchanges (询问会问答) of an inquiry or given segments: keyword, questioner, first question and answer, department. */
export async function exchangeRows(db: Db, by: { inquiryId?: number; segmentIds?: number[] }) {
  let q = db
    .selectFrom("meeting_segments as s")
    .leftJoin("organizations as o", "o.id", "s.department_id")
    .select(["s.id", "s.inquiry_id", "s.position", "s.keyword", "s.headline", "s.questioner_name", "s.questioner_role", "s.department_id", "o.name as department_name"])
    .where("s.kind", "=", "exchange")
    .where(notVoided("s"));
  if (by.inquiryId !== undefined) q = q.where("s.inquiry_id", "=", by.inquiryId);
  if (by.segmentIds) {
    if (by.segmentIds.length === 0) return [];
    q = q.where("s.id", "in", by.segmentIds);
  }
  const segments = await q.orderBy("s.position").orderBy("s.id").execute();
  if (segments.length === 0) return [];
  const turns = await db
    .selectFrom("meeting_turns")
    .select(["segment_id", "kind", "position", "body_text", "speaker_name", "speaker_title"])
    .where("segment_id", "in", segments.map((s) => s.id))
    .where("kind", "in", ["question", "answer"])
    .orderBy("segment_id")
    .orderBy("position")
    .execute();
  return segments.map((s) => {
    const mine = turns.filter((t) => t.segment_id === s.id);
    const question = mine.find((t) => t.kind === "question");
    const answer = mine.find((t) => t.kind === "answer");
    return {
      ...s,
      question: question?.body_text ?? "",
      answer: answer?.body_text ?? "",
      responder: answer ? `${answer.speaker_title}${answer.speaker_name}` : "",
    };
  });
}

/**
 * The rectification items made from the given exchanges (meeting_segments ids): for the meeting page's
 * "已转整改事项 #n" marks.
 */
export async function itemsForSegments(db: Db, segmentIds: number[]): Promise<{ segment_id: number; item_id: number; number: number; status: ItemStatus }[]> {
  if (segmentIds.length === 0) return [];
  const rows = await db
    .selectFrom("rectification_items as i")
    .select(["source_id", "id", "number", "status"])
    .where(notVoided("i"))
    .where("source_type", "=", "exchange")
    .where("source_id", "in", segmentIds)
    .orderBy("number")
    .execute();
  return rows.map((r) => ({ segment_id: r.source_id!, item_id: r.id, number: r.number, status: r.status }));
}

/** Same for research findings. */
export async function itemsForFindings(db: Db, findingIds: number[]) {
  if (findingIds.length === 0) return [];
  const rows = await db
    .selectFrom("rectification_items as i")
    .select(["source_id", "id", "number", "status"])
    .where(notVoided("i"))
    .where("source_type", "=", "finding")
    .where("source_id", "in", findingIds)
    .orderBy("number")
    .execute();
  return rows.map((r) => ({ finding_id: r.source_id!, item_id: r.id, number: r.number, status: r.status }));
}

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

export async function itemHistory(db: Db, itemId: number) {
  return db.selectFrom("item_events").selectAll().where("item_id", "=", itemId).orderBy("id").execute();
}

export async function itemProgressReports(db: Db, itemId: number) {
  return db
    .selectFrom("progress_reports as p")
    .innerJoin("organizations as o", "o.id", "p.organization_id")
    .leftJoin("users as u", "u.id", "p.author_id")
    .select(["p.id", "p.kind", "p.body_html", "p.body_text", "p.created_at", "p.organization_id", "o.name as organization_name", "u.display_name as author_name"])
    .where("p.item_id", "=", itemId)
    .orderBy("p.id", "desc")
    .execute();
}

export async function itemExtensions(db: Db, itemId: number) {
  return db
    .selectFrom("deadline_extensions as e")
    .leftJoin("users as r", "r.id", "e.requested_by")
    .leftJoin("users as d", "d.id", "e.decided_by")
    .select([
      "e.id",
      "e.old_deadline",
      "e.requested_deadline",
      "e.reason",
      "e.status",
      "e.decided_at",
      "e.decision_note",
      "e.created_at",
      "r.display_name as requested_by_name",
      "d.display_name as decided_by_name",
    ])
    .where("e.item_id", "=", itemId)
    .orderBy("e.id")
    .execute();
}

/** Whether an item has evidence: at least one progress report (of either kind) with an attachment. */
export async function hasEvidence(db: Db, itemId: number): Promise<boolean> {
  const row = await db
    .selectFrom("attachments as a")
    .innerJoin("progress_reports as p", "p.id", "a.owner_id")
    .select("a.id")
    .where("a.owner_type", "=", "progress_report")
    .where("p.item_id", "=", itemId)
    .limit(1)
    .executeTakeFirst();
  return Boolean(row);
}

// ---------------------------------------------------------------------------------------------------------
// Creating and editing items

export interface ItemInput {
  problem: string;
  requirement: string;
  leadDepartmentId: number;
  coDepartmentIds: number[];
  deadline: string;
  /** N when the deadline is given as N 工作日 from today: `deadline` is then computed (workdayDeadline) */
  deadlineWorkdays?: number | null;
  sourceType: SourceType;
  sourceId: number | null;
}

/** The refusal for any change to the ledger of a closed (办结) inquiry, or null while it is open. */
function closedInquiryRefusal(stage: string): { ok: false; field: string; message: string } | null {
  return stage === "closed" ? { ok: false, field: "_form", message: "该专题询问已办结，整改台账不能再变动" } : null;
}

export async function openInquiry(db: Db, inquiryId: number): Promise<{ ok: true; title: string } | { ok: false; field: string; message: string }> {
  const inquiry = await db.selectFrom("inquiries").select(["id", "title", "stage", "voided_at"]).where("id", "=", inquiryId).executeTakeFirst();
  if (!inquiry) return { ok: false, field: "_form", message: "该专题询问不存在" };
  if (inquiry.voided_at) return { ok: false, field: "_form", message: "该专题询问已作废" };
  return closedInquiryRefusal(inquiry.stage) ?? { ok: true, title: inquiry.title };
}

/** Checks an item's fields; returns the first problem, or null. Departments must be active government organs. */
export async function checkItemInput(db: Db, inquiryId: number, input: ItemInput, isNew: boolean): Promise<{ field: string; message: string } | null> {
  const problem = input.problem.trim();
  if (!problem) return { field: "problem", message: "请填写问题" };
  if (problem.length > MAX_TEXT) return { field: "problem", message: `问题不能超过 ${MAX_TEXT} 个字` };
  if (input.requirement.length > MAX_TEXT) return { field: "requirement", message: `整改要求不能超过 ${MAX_TEXT} 个字` };
  if (isNew) {
    const deadline = deadlineProblem(await dateContext(db, inquiryId), "rectification", input.deadline);
    if (deadline) return { field: "deadline", message: deadline };
  }
  const co = [...new Set(input.coDepartmentIds)];
  if (co.includes(input.leadDepartmentId)) return { field: "coDepartmentIds", message: "牵头单位不能同时作为配合单位" };
  const leadProblem = await organizationsProblem(db, [input.leadDepartmentId], {
    kinds: RESPONDING_KINDS,
    activeOnly: true,
    message: "牵头单位须为启用中的人民政府或政府部门",
  });
  if (leadProblem) return { field: "leadDepartmentId", message: leadProblem };
  const coProblem = await organizationsProblem(db, co, { kinds: RESPONDING_KINDS, activeOnly: true, message: "配合单位须为启用中的人民政府或政府部门" });
  if (coProblem) return { field: "coDepartmentIds", message: coProblem };
  if (isNew && input.sourceType !== "manual") {
    if (!input.sourceId) return { field: "_form", message: "来源无效，请从询问会问答或调研问题线索重新选择" };
    if (input.sourceType === "plan") {
      const p = await db.selectFrom("action_plans").select("id").where("id", "=", input.sourceId).where("inquiry_id", "=", inquiryId).executeTakeFirst();
      if (!p) return { field: "_form", message: "所选行动计划不存在或不属于本次专题询问" };
    } else if (input.sourceType === "exchange") {
      const s = await db
        .selectFrom("meeting_segments")
        .select("id")
        .where("id", "=", input.sourceId)
        .where("inquiry_id", "=", inquiryId)
        .where("kind", "=", "exchange")
        .executeTakeFirst();
      if (!s) return { field: "_form", message: "所选询问会问答不存在或不属于本次专题询问" };
    } else {
      const f = await db.selectFrom("research_findings").select("id").where("id", "=", input.sourceId).where("inquiry_id", "=", inquiryId).executeTakeFirst();
      if (!f) return { field: "_form", message: "所选调研问题线索不存在或不属于本次专题询问" };
    }
  }
  return null;
}

/** Inserts one checked item with its co-departments and first history entry; `plan` for an item from an action plan. */
export async function insertItem(
  trx: Transaction<Database>,
  actor: Actor,
  inquiryId: number,
  input: ItemInput,
  eventAction: "created" | "imported" | "plan_imported",
  key: string | null = null,
  plan?: { label: string; paragraph: string },
) {
  const now = nowIso();
  const max = await trx
    .selectFrom("rectification_items")
    .select((eb) => eb.fn.max<number | null>("number").as("n"))
    .where("inquiry_id", "=", inquiryId)
    .executeTakeFirst();
  const number = Number(max?.n ?? 0) + 1;
  const row = await trx
    .insertInto("rectification_items")
    .values({
      inquiry_id: inquiryId,
      number,
      problem: input.problem.trim(),
      requirement: input.requirement.trim(),
      lead_department_id: input.leadDepartmentId,
      deadline: input.deadline,
      original_deadline: input.deadline,
      deadline_workdays: input.deadlineWorkdays ?? null,
      status: "todo",
      source_type: input.sourceType,
      source_id: input.sourceType === "manual" ? null : input.sourceId,
      import_key: key,
      plan_label: plan?.label ?? "",
      plan_paragraph: plan?.paragraph ?? "",
      created_by: actor.id,
      created_at: now,
      updated_at: now,
    })
    // an imported row already in the ledger (the unique index on import_key) is not created again
    .onConflict((oc) => oc.doNothing())
    .returning("id")
    .executeTakeFirst();
  if (!row) return null;
  for (const orgId of new Set(input.coDepartmentIds)) {
    await trx.insertInto("rectification_codepartments").values({ item_id: row.id, organization_id: orgId }).execute();
  }
  await trx
    .insertInto("item_events")
    .values({
      item_id: row.id,
      action: eventAction,
      comment: `整改时限 ${formatDate(input.deadline)}${input.deadlineWorkdays ? `（${input.deadlineWorkdays} 个工作日）` : ""}`,
      actor_id: actor.id,
      actor_label: actor.label,
      at: now,
    })
    .execute();
  return { id: row.id, number };
}

export async function createItem(db: Kysely<Database>, actor: Actor, inquiryId: number, given: ItemInput): Promise<Result> {
  return db.transaction().execute(async (trx) => {
    const inquiry = await openInquiry(trx, inquiryId);
    if (!inquiry.ok) return inquiry;
    let input = given;
    if (given.deadlineWorkdays) {
      // N 工作日 from today, by the loaded holiday arrangement (app/utils/workdays.ts)
      const due = await workdayDeadline(trx, given.deadlineWorkdays);
      if (!due.ok) return { ok: false, field: "deadlineWorkdays", message: due.message };
      input = { ...given, deadline: due.date };
    }
    const problem = await checkItemInput(trx, inquiryId, input, true);
    if (problem) return { ok: false, ...problem };
    const made = await insertItem(trx, actor, inquiryId, input, "created");
    if (!made) return { ok: false, field: "_form", message: "该整改事项未能保存，请重试" };
    const { id, number } = made;
    await recordAudit(trx, actor, {
      action: "rectification.create",
      entityType: "rectification_item",
      entityId: id,
      summary: `「${inquiry.title}」交办整改事项 #${number}：${input.problem.trim().slice(0, 60)}`,
      after: { number, ...input, problem: input.problem.trim(), requirement: input.requirement.trim() },
    });
    await advanceStage(trx, actor, inquiryId, "rectification", "first_item");
    return { ok: true, id };
  });
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

/** Staff correct an open item's problem, requirement and departments. The deadline moves only by extension. */
export async function updateItem(
  db: Kysely<Database>,
  actor: Actor,
  input: { id: number; version: number; problem: string; requirement: string; leadDepartmentId: number; coDepartmentIds: number[] },
): Promise<Result> {
  return db.transaction().execute(async (trx) => {
    const before = await getItem(trx, input.id);
    if (!before) return { ok: false, field: "_form", message: "该整改事项不存在" };
    if (before.voided_at) return { ok: false, field: "_form", message: "该整改事项已作废，不能再办理" };
    const inquiry = await openInquiry(trx, before.inquiry_id);
    if (!inquiry.ok) return inquiry;
    if (before.version !== input.version) return { ok: false, field: "_form", message: CONFLICT };
    if (!nextItemStatus(before.status, "edit")) return { ok: false, field: "_form", message: refusal("edit", before.status) };
    const problem = await checkItemInput(trx, before.inquiry_id, { ...input, deadline: before.deadline, sourceType: "manual", sourceId: null }, false);
    if (problem) return { ok: false, ...problem };
    const now = nowIso();
    await trx
      .updateTable("rectification_items")
      .set({
        problem: input.problem.trim(),
        requirement: input.requirement.trim(),
        lead_department_id: input.leadDepartmentId,
        version: before.version + 1,
        updated_at: now,
      })
      .where("id", "=", input.id)
      .execute();
    await trx.deleteFrom("rectification_codepartments").where("item_id", "=", input.id).execute();
    for (const orgId of new Set(input.coDepartmentIds)) {
      await trx.insertInto("rectification_codepartments").values({ item_id: input.id, organization_id: orgId }).execute();
    }
    await trx.insertInto("item_events").values({ item_id: input.id, action: "edited", comment: "", actor_id: actor.id, actor_label: actor.label, at: now }).execute();
    await recordAudit(trx, actor, {
      action: "rectification.update",
      entityType: "rectification_item",
      entityId: input.id,
      summary: `修改整改事项 #${before.number}`,
      before: { problem: before.problem, requirement: before.requirement, leadDepartmentId: before.lead_department_id, coDepartmentIds: before.codepartment_ids },
      after: { problem: input.problem.trim(), requirement: input.requirement.trim(), leadDepartmentId: input.leadDepartmentId, coDepartmentIds: [...new Set(input.coDepartmentIds)] },
    });
    return { ok: true, id: input.id };
  });
}

// ---------------------------------------------------------------------------------------------------------
// Departments: progress, closure request, extension request

function roleOf(item: { lead_department_id: number; codepartment_ids: number[] }, organizationId: number | null): "lead" | "co" | null {
  if (organizationId === null) return null;
  if (item.lead_department_id === organizationId) return "lead";
  return item.codepartment_ids.includes(organizationId) ? "co" : null;
}

/**
 * A department's progress report (整改进展): the lead or a co-department, rich text and evidence files.
 * The first report moves 待整改 to 整改中. Appending needs no version: reports from several departments
 * do not conflict.
 */
export async function addProgressReport(
  db: Kysely<Database>,
  actor: Actor,
  input: { itemId: number; organizationId: number | null; body: RichText; files: CheckedUpload[] },
): Promise<Result> {
  // Statements that do not depend on each other share a round trip to the driver: under load each round
  // trip waits for the event loop, and the transaction holds the single writer all the while.
  return db.transaction().execute(async (trx) => {
    const item = await getItem(trx, input.itemId);
    if (!item) return { ok: false, field: "_form", message: "该整改事项不存在" };
    if (item.voided_at) return { ok: false, field: "_form", message: "该整改事项已作废，不能再办理" };
    if (!roleOf(item, input.organizationId)) return { ok: false, field: "_form", message: "只有牵头单位和配合单位可以报送该事项的整改进展" };
    // the item's query already read its inquiry's stage: no second query while holding the writer
    const closed = closedInquiryRefusal(item.inquiry_stage);
    if (closed) return closed;
    const next = nextItemStatus(item.status, "report_progress");
    if (!next) return { ok: false, field: "_form", message: refusal("report_progress", item.status) };
    if (!input.body.text) return { ok: false, field: "body", message: "请填写整改进展" };
    const now = nowIso();
    const report = await trx
      .insertInto("progress_reports")
      .values({
        item_id: item.id,
        inquiry_id: item.inquiry_id,
        organization_id: input.organizationId!,
        author_id: actor.id,
        kind: "progress",
        body_json: input.body.json,
        body_text: input.body.text,
        body_html: input.body.html,
        created_at: now,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await together(
      saveAttachments(trx, actor, { inquiryId: item.inquiry_id, type: "progress_report", id: report.id }, input.files),
      next !== item.status
        ? trx.updateTable("rectification_items").set({ status: next, version: item.version + 1, updated_at: now }).where("id", "=", item.id).execute()
        : Promise.resolve(),
      trx
        .insertInto("item_events")
        .values({ item_id: item.id, action: "progress", comment: input.files.length ? `附佐证材料 ${input.files.length} 个` : "", actor_id: actor.id, actor_label: actor.label, at: now })
        .execute(),
      recordAudit(trx, actor, {
        action: "rectification.progress",
        entityType: "progress_report",
        entityId: report.id,
        summary: `报送整改事项 #${item.number} 的整改进展${input.files.length ? `（佐证材料 ${input.files.length} 个）` : ""}`,
        before: { status: item.status },
        after: { status: next, body: input.body.text, files: input.files.map((f) => f.fileName) },
      }),
    );
    return { ok: true, id: report.id };
  });
}

/**
 * The lead department requests closure (申请销号) with its evidence: the request itself is a progress report
 * of kind closure_request; afterwards the item must hold at least one report with an evidence attachment.
 */
export async function requestClosure(
  db: Kysely<Database>,
  actor: Actor,
  input: { itemId: number; version: number; organizationId: number | null; body: RichText; files: CheckedUpload[] },
): Promise<Result> {
  return db.transaction().execute(async (trx) => {
    const item = await getItem(trx, input.itemId);
    if (!item) return { ok: false, field: "_form", message: "该整改事项不存在" };
    if (item.voided_at) return { ok: false, field: "_form", message: "该整改事项已作废，不能再办理" };
    if (roleOf(item, input.organizationId) !== "lead") return { ok: false, field: "_form", message: "只有牵头单位可以申请销号" };
    const inquiry = await openInquiry(trx, item.inquiry_id);
    if (!inquiry.ok) return inquiry;
    if (item.version !== input.version) return { ok: false, field: "_form", message: CONFLICT };
    const next = nextItemStatus(item.status, "request_closure");
    if (!next) return { ok: false, field: "_form", message: refusal("request_closure", item.status) };
    if (!input.body.text) return { ok: false, field: "closureBody", message: "请说明整改完成情况" };
    if (input.files.length === 0 && !(await hasEvidence(trx, item.id))) {
      return { ok: false, field: "closureFiles", message: "申请销号须有佐证材料：请上传佐证附件（此前的整改进展中尚无佐证材料）" };
    }
    const now = nowIso();
    const report = await trx
      .insertInto("progress_reports")
      .values({
        item_id: item.id,
        inquiry_id: item.inquiry_id,
        organization_id: input.organizationId!,
        author_id: actor.id,
        kind: "closure_request",
        body_json: input.body.json,
        body_text: input.body.text,
        body_html: input.body.html,
        created_at: now,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await saveAttachments(trx, actor, { inquiryId: item.inquiry_id, type: "progress_report", id: report.id }, input.files);
    await trx
      .updateTable("rectification_items")
      .set({ status: next, return_comment: "", version: item.version + 1, updated_at: now })
      .where("id", "=", item.id)
      .execute();
    await trx.insertInto("item_events").values({ item_id: item.id, action: "closure_requested", comment: "", actor_id: actor.id, actor_label: actor.label, at: now }).execute();
    await recordAudit(trx, actor, {
      action: "rectification.request_closure",
      entityType: "rectification_item",
      entityId: item.id,
      summary: `牵头单位申请整改事项 #${item.number} 销号`,
      before: { status: item.status },
      after: { status: next, body: input.body.text, files: input.files.map((f) => f.fileName) },
    });
    await staffEvents.closureRequested(trx, item.id, now);
    return { ok: true, id: item.id };
  });
}

export async function requestExtension(
  db: Kysely<Database>,
  actor: Actor,
  input: { itemId: number; organizationId: number | null; requestedDeadline: string; reason: string },
): Promise<Result> {
  return db.transaction().execute(async (trx) => {
    const item = await getItem(trx, input.itemId);
    if (!item) return { ok: false, field: "_form", message: "该整改事项不存在" };
    if (item.voided_at) return { ok: false, field: "_form", message: "该整改事项已作废，不能再办理" };
    if (roleOf(item, input.organizationId) !== "lead") return { ok: false, field: "_form", message: "只有牵头单位可以申请延期" };
    const inquiry = await openInquiry(trx, item.inquiry_id);
    if (!inquiry.ok) return inquiry;
    if (!nextItemStatus(item.status, "request_extension")) return { ok: false, field: "_form", message: refusal("request_extension", item.status) };
    if (!isCalendarDate(input.requestedDeadline)) return { field: "requestedDeadline", ok: false, message: "新的整改时限格式不正确，请按“年-月-日”填写" };
    if (input.requestedDeadline <= item.deadline) return { ok: false, field: "requestedDeadline", message: "新的整改时限须晚于现行整改时限" };
    const late = deadlineProblem(await dateContext(trx, item.inquiry_id), "extension", input.requestedDeadline);
    if (late) return { ok: false, field: "requestedDeadline", message: late };
    const reason = input.reason.trim();
    if (!reason) return { ok: false, field: "reason", message: "请填写延期理由" };
    if (reason.length > MAX_TEXT) return { ok: false, field: "reason", message: `延期理由不能超过 ${MAX_TEXT} 个字` };
    const pending = await trx.selectFrom("deadline_extensions").select("id").where("item_id", "=", item.id).where("status", "=", "pending").executeTakeFirst();
    if (pending) return { ok: false, field: "_form", message: "已有一份延期申请等待审批，审批后才能再次申请" };
    const now = nowIso();
    const row = await trx
      .insertInto("deadline_extensions")
      .values({ item_id: item.id, requested_by: actor.id, old_deadline: item.deadline, requested_deadline: input.requestedDeadline, reason, created_at: now })
      .returning("id")
      .executeTakeFirstOrThrow();
    await trx
      .insertInto("item_events")
      .values({ item_id: item.id, action: "extension_requested", comment: `申请延期至 ${formatDate(input.requestedDeadline)}：${reason}`, actor_id: actor.id, actor_label: actor.label, at: now })
      .execute();
    await recordAudit(trx, actor, {
      action: "rectification.extension_request",
      entityType: "deadline_extension",
      entityId: row.id,
      summary: `申请整改事项 #${item.number} 延期：${item.deadline} → ${input.requestedDeadline}`,
      after: { old_deadline: item.deadline, requested_deadline: input.requestedDeadline, reason },
    });
    await staffEvents.extensionRequested(trx, row.id, item.id);
    return { ok: true, id: row.id };
  });
}

// ---------------------------------------------------------------------------------------------------------
// Staff: extensions, close, return, carry over

export async function decideExtension(
  db: Kysely<Database>,
  actor: Actor,
  input: { extensionId: number; decision: "approve" | "deny"; note: string },
): Promise<Result> {
  return db.transaction().execute(async (trx) => {
    const ext = await trx.selectFrom("deadline_extensions").selectAll().where("id", "=", input.extensionId).executeTakeFirst();
    if (!ext) return { ok: false, field: "_form", message: "该延期申请不存在" };
    if (ext.status !== "pending") return { ok: false, field: "_form", message: "该延期申请已审批，请刷新页面查看结果" };
    const item = await getItem(trx, ext.item_id);
    if (!item) return { ok: false, field: "_form", message: "该整改事项不存在" };
    if (item.voided_at) return { ok: false, field: "_form", message: "该整改事项已作废，不能再办理" };
    const inquiry = await openInquiry(trx, item.inquiry_id);
    if (!inquiry.ok) return inquiry;
    if (!nextItemStatus(item.status, "decide_extension")) return { ok: false, field: "_form", message: refusal("decide_extension", item.status) };
    const note = input.note.trim();
    if (note.length > MAX_TEXT) return { ok: false, field: "note", message: `审批意见不能超过 ${MAX_TEXT} 个字` };
    if (input.decision === "deny" && !note) return { ok: false, field: "note", message: "不予批准时请填写审批意见" };
    const now = nowIso();
    const status = input.decision === "approve" ? "approved" : "denied";
    await trx.updateTable("deadline_extensions").set({ status, decided_by: actor.id, decided_at: now, decision_note: note }).where("id", "=", ext.id).execute();
    if (status === "approved") {
      await trx
        .updateTable("rectification_items")
        .set({ deadline: ext.requested_deadline, version: item.version + 1, updated_at: now })
        .where("id", "=", item.id)
        .execute();
    }
    await trx
      .insertInto("item_events")
      .values({
        item_id: item.id,
        action: status === "approved" ? "extension_approved" : "extension_denied",
        comment: status === "approved" ? `整改时限由 ${formatDate(item.deadline)} 改为 ${formatDate(ext.requested_deadline)}${note ? `；${note}` : ""}` : note,
        actor_id: actor.id,
        actor_label: actor.label,
        at: now,
      })
      .execute();
    await recordAudit(trx, actor, {
      action: status === "approved" ? "rectification.extension_approve" : "rectification.extension_deny",
      entityType: "deadline_extension",
      entityId: ext.id,
      summary: `${status === "approved" ? "批准" : "不予批准"}整改事项 #${item.number} 延期至 ${ext.requested_deadline}${note ? `：${note}` : ""}`,
      before: { status: ext.status, deadline: item.deadline },
      after: { status, deadline: status === "approved" ? ext.requested_deadline : item.deadline, note },
    });
    return { ok: true, id: ext.id };
  });
}

export type StaffItemAction = "close" | "return" | "carry_over" | "undo_close" | "undo_carry_over";

/** The question each irreversible-looking step asks before it is done (the page shows it with a confirm button). */
export const CONFIRM_QUESTIONS: Partial<Record<StaffItemAction, string>> = {
  close: "销号后该事项不再整改，将计入已销号统计。确认销号吗？",
  carry_over: "结转后该事项转入长效跟踪，不再计入本次询问的未完成事项。确认结转吗？",
  undo_close: "撤销销号后，该事项回到「整改中」，重新计入未完成事项。确认撤销吗？",
  undo_carry_over: "撤销结转后，该事项回到整改状态，重新计入未完成事项。确认撤销吗？",
};

/**
 * Staff decide on an item: close it (销号, only on a closure request and evidence), return the closure request
 * with a comment, carry it over (结转) with a reason; or undo a 销号 or 结转 with a reason (issue 13), while the
 * inquiry is not 办结. Close, carry-over and both undos need `confirmed` (else field "confirm" with the question).
 * In back-entry (补录, app/history/dates.server.ts) staff record a past 销号 or 结转 with its real date (`on`),
 * from any open status and without evidence in the system (the paper file holds it): the note is required.
 */
export async function staffActOnItem(
  db: Kysely<Database>,
  actor: Actor,
  input: { itemId: number; version: number; action: StaffItemAction; comment: string; confirmed?: boolean; on?: string },
): Promise<Result> {
  return db.transaction().execute(async (trx) => {
    const item = await getItem(trx, input.itemId);
    if (!item) return { ok: false, field: "_form", message: "该整改事项不存在" };
    if (item.voided_at) return { ok: false, field: "_form", message: "该整改事项已作废，不能再办理" };
    const inquiry = await openInquiry(trx, item.inquiry_id);
    if (!inquiry.ok) return inquiry;
    if (item.version !== input.version) return { ok: false, field: "_form", message: CONFLICT };
    const ctx = await dateContext(trx, item.inquiry_id);
    const undo = input.action === "undo_close" || input.action === "undo_carry_over";
    let next: ItemStatus | null;
    // an undone 销号 goes back to 整改中: the work was done, its acceptance is what is withdrawn
    if (input.action === "undo_close") next = item.status === "closed" ? "in_progress" : null;
    else if (input.action === "undo_carry_over") next = item.status === "carried_over" ? await reopenedStatus(trx, item.id) : null;
    else if (ctx.backEntry && input.action === "close") next = OPEN_ITEM_STATUSES.includes(item.status) ? "closed" : null;
    else next = nextItemStatus(item.status, input.action);
    if (!next) {
      if (input.action === "undo_close") return { ok: false, field: "comment", message: `该事项当前状态为「${ITEM_STATUS_LABELS[item.status]}」，未销号，不能撤销销号` };
      if (input.action === "undo_carry_over") return { ok: false, field: "comment", message: `该事项当前状态为「${ITEM_STATUS_LABELS[item.status]}」，未结转，不能撤销结转` };
      return { ok: false, field: "_form", message: refusal(input.action, item.status) };
    }
    const comment = input.comment.trim();
    if (comment.length > MAX_TEXT) return { ok: false, field: "comment", message: `意见不能超过 ${MAX_TEXT} 个字` };
    if (input.action === "return" && !comment) return { ok: false, field: "comment", message: "退回时请填写意见" };
    if (input.action === "carry_over" && !comment) return { ok: false, field: "comment", message: "结转时请填写结转理由" };
    if (undo && !comment) return { ok: false, field: "comment", message: input.action === "undo_close" ? "撤销销号时请填写理由" : "撤销结转时请填写理由" };
    if (ctx.backEntry && input.action === "close" && !comment) return { ok: false, field: "comment", message: "补录销号时请填写销号依据（如销号文件、佐证材料的名称）" };
    if (input.action === "close" && !ctx.backEntry && !(await hasEvidence(trx, item.id))) {
      return { ok: false, field: "_form", message: "该事项尚无附佐证材料的整改进展，不能销号" };
    }
    // the real date of a back-entered 销号 or 结转: not before the meeting (nor later than today)
    const stamped = input.action === "close" || input.action === "carry_over";
    const stamp = stamped
      ? stampFor(ctx, input.on, input.action === "close" ? "销号日期" : "结转日期", { date: ctx.meetingDate, label: "询问会日期" })
      : ({ ok: true, at: nowIso(), backEntered: false } as const);
    if (!stamp.ok) return { ok: false, field: "on", message: stamp.message };
    const question = CONFIRM_QUESTIONS[input.action];
    if (question && !input.confirmed) return { ok: false, field: "confirm", message: question };
    const now = nowIso();
    const changes: Record<string, unknown> = { status: next, version: item.version + 1, updated_at: now };
    if (input.action === "close") Object.assign(changes, { closed_at: stamp.at, closed_by: actor.id, closing_note: comment });
    if (input.action === "return") changes.return_comment = comment;
    if (input.action === "carry_over") changes.carried_over_reason = comment;
    if (input.action === "undo_close") Object.assign(changes, { closed_at: null, closed_by: null, closing_note: "" });
    if (input.action === "undo_carry_over") changes.carried_over_reason = "";
    await trx.updateTable("rectification_items").set(changes).where("id", "=", item.id).execute();
    const event = EVENT_OF[input.action];
    await trx
      .insertInto("item_events")
      .values({ item_id: item.id, action: event, comment, actor_id: actor.id, actor_label: actor.label, at: stamp.at, back_entered: stamp.backEntered ? 1 : 0 })
      .execute();
    const verb = VERB_OF[input.action];
    await recordAudit(trx, actor, {
      action: `rectification.${input.action}`,
      entityType: "rectification_item",
      entityId: item.id,
      summary: `${stamp.backEntered ? BACK_ENTRY_MARK : ""}整改事项 #${item.number} ${verb}${stamp.backEntered ? `（${dateInShanghai(stamp.at)}）` : ""}${comment ? `：${comment.slice(0, 80)}` : ""}`,
      before: { status: item.status, closed_at: item.closed_at, carried_over_reason: item.carried_over_reason },
      after: { status: next, comment, ...(stamp.backEntered ? { backEntered: true, on: dateInShanghai(stamp.at) } : {}) },
    });
    return { ok: true, id: item.id };
  });
}

const EVENT_OF: Record<StaffItemAction, string> = {
  close: "closed",
  return: "returned",
  carry_over: "carried_over",
  undo_close: "close_undone",
  undo_carry_over: "carry_over_undone",
};
const VERB_OF: Record<StaffItemAction, string> = {
  close: "销号",
  return: "退回销号申请",
  carry_over: "结转",
  undo_close: "撤销销号",
  undo_carry_over: "撤销结转",
};

/** Where an undone 销号 or 结转 returns the item: 整改中 once a department reported, else 待整改. */
async function reopenedStatus(trx: Db, itemId: number): Promise<ItemStatus> {
  const report = await trx.selectFrom("progress_reports").select("id").where("item_id", "=", itemId).limit(1).executeTakeFirst();
  return report ? "in_progress" : "todo";
}

// ---------------------------------------------------------------------------------------------------------
// The inquiry: public status toggle, closing (办结)

export async function setRectificationPublic(db: Kysely<Database>, actor: Actor, input: { inquiryId: number; version: number; isPublic: boolean }): Promise<Result> {
  return db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom("inquiries").select(["id", "title", "version", "rectification_public"]).where("id", "=", input.inquiryId).executeTakeFirst();
    if (!before) return { ok: false, field: "_form", message: "该专题询问不存在" };
    if (before.version !== input.version) return { ok: false, field: "_form", message: "该专题询问已被他人修改，请刷新页面后再操作。" };
    if (input.isPublic) {
      const refused = await publicationGate(trx, input.inquiryId, "rectification");
      if (refused) return { ok: false, field: "_form", message: refused };
    }
    const value = input.isPublic ? 1 : 0;
    await trx.updateTable("inquiries").set({ rectification_public: value, version: before.version + 1, updated_at: nowIso() }).where("id", "=", input.inquiryId).execute();
    await recordAudit(trx, actor, {
      action: "rectification.public",
      entityType: "inquiry",
      entityId: input.inquiryId,
      summary: `「${before.title}」整改情况${input.isPublic ? "向社会公开" : "取消公开"}`,
      before: { rectification_public: before.rectification_public },
      after: { rectification_public: value },
    });
    return { ok: true, id: input.inquiryId };
  });
}

/**
 * The public rectification status of an inquiry (null unless staff made it public): per item the
 * department, problem, requirement, deadline, status and closing date; the overdue list. No personal data.
 */
export async function publicRectificationStatus(db: Db, inquiryId: number, today = todayInShanghai()) {
  const inquiry = await db
    .selectFrom("inquiries")
    .select(["id", "title", "rectification_public", "stage", "closed_at"])
    .where("id", "=", inquiryId)
    .where(notVoided("inquiries", { inquiry: true }))
    .executeTakeFirst();
  if (!inquiry || inquiry.rectification_public !== 1) return null;
  const days = await getWarningDays(db);
  const ledger = await listLedger(db, inquiryId, {}, null, today, days);
  // the published form: personal data masked unless reviewed as not personal (app/insight/pii.server.ts)
  const redactor = await publicationRedactor(db, inquiryId);
  const items = ledger.rows.map((r) => ({
    number: r.number,
    problem: redactor.text(`item:${r.id}:problem`, r.problem),
    requirement: redactor.text(`item:${r.id}:requirement`, r.requirement),
    leadDepartment: r.lead_name,
    coDepartments: r.codepartments.map((c) => c.name),
    deadline: r.deadline,
    originalDeadline: r.original_deadline,
    status: r.status,
    statusLabel: ITEM_STATUS_LABELS[r.status],
    closedDate: r.closed_at ? dateInShanghai(r.closed_at) : null,
    light: r.light,
    daysLeft: r.daysLeft,
  }));
  const closed = items.filter((i) => i.status === "closed").length;
  return {
    inquiry: { id: inquiry.id, title: inquiry.title, closed: inquiry.stage === "closed", closedDate: inquiry.closed_at ? dateInShanghai(inquiry.closed_at) : null },
    warningDays: days,
    progress: { total: items.length, closed, carriedOver: items.filter((i) => i.status === "carried_over").length },
    items,
    overdue: items.filter((i) => i.light === "red"),
  };
}
export type PublicRectificationStatus = NonNullable<Awaited<ReturnType<typeof publicRectificationStatus>>>;

/** What stands between an inquiry and its closing (办结). */
export async function closingChecklist(db: Db, inquiryId: number) {
  const counts = await db
    .selectFrom("rectification_items as i")
    .select(["status", (eb) => eb.fn.countAll<number>().as("n")])
    .where("inquiry_id", "=", inquiryId)
    .where(notVoided("i"))
    .groupBy("status")
    .execute();
  const by = Object.fromEntries(counts.map((c) => [c.status, Number(c.n)])) as Partial<Record<ItemStatus, number>>;
  const total = Object.values(by).reduce((a, b) => a + (b ?? 0), 0);
  const open = (by.todo ?? 0) + (by.in_progress ?? 0) + (by.closure_requested ?? 0);
  const report = await db
    .selectFrom("handling_reports")
    .select(["id", "round", "status", "due_date"])
    .where("inquiry_id", "=", inquiryId)
    .orderBy("round", "desc")
    .executeTakeFirst();
  const reasons: string[] = [];
  if (open > 0) reasons.push(`尚有 ${open} 项整改事项未销号或结转`);
  if (!report) reasons.push("政府尚未报送研究处理情况报告");
  else if (report.status !== "accepted") reasons.push(`研究处理情况报告（第 ${report.round} 轮）尚未通过`);
  return { total, open, closed: by.closed ?? 0, carriedOver: by.carried_over ?? 0, report: report ?? null, reasons, canClose: reasons.length === 0 };
}

/** 办结: every item closed or carried over and the handling report accepted; staff write the closing record. */
export async function closeInquiry(
  db: Kysely<Database>,
  actor: Actor,
  input: { inquiryId: number; version: number; record: RichText },
): Promise<Result> {
  return db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom("inquiries").select(["id", "title", "stage", "version"]).where("id", "=", input.inquiryId).executeTakeFirst();
    if (!before) return { ok: false, field: "_form", message: "该专题询问不存在" };
    if (before.stage === "closed") return { ok: false, field: "_form", message: "该专题询问已办结" };
    if (before.version !== input.version) return { ok: false, field: "_form", message: "该专题询问已被他人修改，请刷新页面后再操作。" };
    const check = await closingChecklist(trx, input.inquiryId);
    if (!check.canClose) return { ok: false, field: "_form", message: `暂不能办结：${check.reasons.join("；")}` };
    if (!input.record.text) return { ok: false, field: "record", message: "请填写办结记录" };
    const now = nowIso();
    await trx
      .updateTable("inquiries")
      .set({
        stage: "closed",
        closed_at: now,
        closing_record_json: input.record.json,
        closing_record_text: input.record.text,
        closing_record_html: input.record.html,
        version: before.version + 1,
        updated_at: now,
      })
      .where("id", "=", input.inquiryId)
      .execute();
    await recordAudit(trx, actor, {
      action: "inquiry.close",
      entityType: "inquiry",
      entityId: input.inquiryId,
      summary: `「${before.title}」办结：整改事项 ${check.total} 项（销号 ${check.closed} 项，结转 ${check.carriedOver} 项）`,
      before: { stage: before.stage },
      after: { stage: "closed", closing_record: input.record.text },
    });
    return { ok: true, id: input.inquiryId };
  });
}

/** Items of the inquiry's exchanges and findings, for the "new item" page's source lists. */
export async function sourceChoices(db: Db, inquiryId: number) {
  const exchanges = await exchangeRows(db, { inquiryId });
  const findings = await db
    .selectFrom("research_findings as f")
    .leftJoin("research_activities as a", "a.id", "f.activity_id")
    .select(["f.id", "f.text", "a.title as activity_title"])
    .where("f.inquiry_id", "=", inquiryId)
    .orderBy("f.id")
    .execute();
  const exItems = await itemsForSegments(db, exchanges.map((e) => e.id));
  const fItems = await itemsForFindings(db, findings.map((f) => f.id));
  return {
    exchanges: exchanges.map((e) => ({ ...e, items: exItems.filter((i) => i.segment_id === e.id) })),
    findings: findings.map((f) => ({ ...f, items: fItems.filter((i) => i.finding_id === f.id) })),
  };
}
