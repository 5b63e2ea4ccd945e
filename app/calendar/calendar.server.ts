import { advisoryLock, writeTransaction } from "../../db/transactions";
import type { Kysely, Transaction } from "kysely";
import type { Database } from "../../db/schema";
import { recordAudit, type Actor } from "../audit.server";
import { parseSheetDate } from "../rectification/excel.server";
import { DEFAULT_SHEET_LIMITS, readSheet } from "../rectification/sheet-reader.server";
import { cleanText } from "../utils/text";
import { addDays, nowIso, todayInShanghai } from "../utils/time";
import { shiftMonth } from "./labels";
import { addWorkingDays, weekday, workingDaysBetween, yearsBetween, type WorkCalendar } from "../utils/workdays";

/**
 * The working-day calendar (issue 17, docs/decisions/0101): the administrator loads each year's holidays and
 * 调休 working days as the State Council's notice (《国务院办公厅关于YYYY年部分节假日安排的通知》) gives them — typed
 * into a form or uploaded as an Excel sheet (日期 | 类型 | 名称) — and every working-day computation reads them
 * through workCalendar(). A year not loaded cannot be counted in working days (the answer would be wrong on
 * holidays), so workdayDeadline refuses it with a message saying which year to load.
 */
type Db = Kysely<Database> | Transaction<Database>;

export interface CalendarEntry {
  date: string;
  kind: "holiday" | "workday";
  name: string;
}

export { CALENDAR_KIND_LABELS, shiftMonth } from "./labels";
const HOLIDAY_WORDS = ["休", "放假", "假", "休息", "节假日", "holiday"];
const WORKDAY_WORDS = ["班", "上班", "调休上班", "补班", "workday"];
export const MIN_YEAR = 2000;
export const MAX_YEAR = 2100;

/**
 * Reads the arrangement as lines, one date or range a line: `2021-02-11至2021-02-17 休 春节`,
 * `2021-02-20 班 春节`, `2021年10月1日—10月7日 放假 国庆节` (the second date may omit the year). 类型 is 休/放假 or
 * 班/上班/调休上班; the name is free. Every date must fall in `year`; a 调休上班 day must be a Saturday or Sunday.
 * Returns the entries, or every line's problem (line numbers from 1).
 */
export function parseHolidayLines(text: string, year: number): { ok: true; entries: CalendarEntry[] } | { ok: false; errors: string[] } {
  const errors: string[] = [];
  const byDate = new Map<string, CalendarEntry>();
  const lines = cleanText(text).split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.normalize("NFKC").trim();
    if (!line || line.startsWith("#")) return;
    const where = `第 ${i + 1} 行`;
    const m = /^(\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?)(?:\s*(?:至|到|~|-{1,2}|—{1,2}|–)\s*((?:\d{4}\s*[-/.年]\s*)?\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?))?\s+(\S+)\s*(.*)$/.exec(line);
    if (!m) {
      errors.push(`${where}：应写作“日期 类型 名称”，如“${year}-02-11至${year}-02-17 休 春节”`);
      return;
    }
    const from = parseSheetDate(m[1]);
    const toText = m[2] ? (/^\d{4}/.test(m[2]) ? m[2] : `${m[1].slice(0, 4)}年${m[2]}`) : m[1];
    const to = parseSheetDate(toText);
    const word = m[3].trim();
    const kind = HOLIDAY_WORDS.includes(word) ? "holiday" : WORKDAY_WORDS.includes(word) ? "workday" : null;
    const name = m[4].trim().slice(0, 40);
    if (!from || !to) return void errors.push(`${where}：日期“${m[2] ? `${m[1]}至${m[2]}` : m[1]}”无效`);
    if (to < from) return void errors.push(`${where}：结束日期早于开始日期`);
    if (!kind) return void errors.push(`${where}：类型“${word}”应为“休”（放假）或“班”（调休上班）`);
    if (from.slice(0, 4) !== String(year) || to.slice(0, 4) !== String(year)) return void errors.push(`${where}：日期不在 ${year} 年`);
    if (kind === "workday" && from !== to) return void errors.push(`${where}：调休上班请逐日填写`);
    for (let d = from; d <= to; d = addDays(d, 1)) {
      if (kind === "workday" && weekday(d) !== 0 && weekday(d) !== 6) {
        errors.push(`${where}：${d} 不是星期六或星期日，无需调休上班`);
        continue;
      }
      const before = byDate.get(d);
      if (before && before.kind !== kind) errors.push(`${where}：${d} 同时填成了放假和上班`);
      else byDate.set(d, { date: d, kind, name });
    }
  });
  if (errors.length) return { ok: false, errors };
  return { ok: true, entries: [...byDate.values()].sort((a, b) => (a.date < b.date ? -1 : 1)) };
}

/** An uploaded sheet (columns 日期 | 类型 | 名称, first row the header) as lines for parseHolidayLines. */
export async function holidaySheetLines(bytes: Buffer): Promise<{ ok: true; text: string } | { ok: false; message: string }> {
  if (bytes.length === 0) return { ok: false, message: "请选择要导入的 Excel 文件" };
  if (bytes.length > 1024 * 1024 || bytes[0] !== 0x50 || bytes[1] !== 0x4b) return { ok: false, message: "请上传 1 MB 以内的 .xlsx 格式 Excel 文件" };
  const sheet = await readSheet(bytes, "节假日", 3, { ...DEFAULT_SHEET_LIMITS, maxRows: 400 });
  if (!sheet.ok) return { ok: false, message: "文件无法读取，请按“日期、类型、名称”三列填写后上传" };
  const text = (v: unknown) => {
    if (v instanceof Date) return v.toISOString().slice(0, 10);
    if (v && typeof v === "object" && "richText" in v) return (v as { richText: { text: string }[] }).richText.map((t) => t.text).join("");
    if (v && typeof v === "object" && "result" in v) return String((v as { result: unknown }).result ?? "");
    return v === null || v === undefined ? "" : String(v);
  };
  const lines = sheet.rows.map(({ cells }) => cells.map(text).map((s) => s.trim()).join(" ").trim());
  return { ok: true, text: lines.join("\n") };
}

export type LoadResult = { ok: true; holidays: number; workdays: number } | { ok: false; field: string; message: string };

/** Replaces a year's arrangement with `entries` (one transaction, audited with before and after). */
export async function loadHolidayYear(db: Kysely<Database>, actor: Actor, input: { year: number; text: string; source: string }): Promise<LoadResult> {
  if (!Number.isInteger(input.year) || input.year < MIN_YEAR || input.year > MAX_YEAR) return { ok: false, field: "year", message: `年份须在 ${MIN_YEAR} 至 ${MAX_YEAR} 之间` };
  const parsed = parseHolidayLines(input.text, input.year);
  if (!parsed.ok) return { ok: false, field: "text", message: parsed.errors.slice(0, 20).join("；") };
  if (!parsed.entries.some((e) => e.kind === "holiday")) return { ok: false, field: "text", message: "请至少填写一个放假日期" };
  return writeTransaction(db, async (trx) => {
    // two loads of one year would both delete and both insert: they wait for each other (decision 0175)
    await advisoryLock(trx, `calendar-year:${input.year}`);
    const before = await trx.selectFrom("calendar_days").select(["date", "kind", "name"]).where("year", "=", input.year).orderBy("date").execute();
    await trx.deleteFrom("calendar_days").where("year", "=", input.year).execute();
    const now = nowIso();
    await trx
      .insertInto("calendar_years")
      .values({ year: input.year, source: input.source.slice(0, 200), loaded_by: actor.id, loaded_at: now })
      .onConflict((oc) => oc.column("year").doUpdateSet({ source: input.source.slice(0, 200), loaded_by: actor.id, loaded_at: now }))
      .execute();
    for (const e of parsed.entries) await trx.insertInto("calendar_days").values({ ...e, year: input.year }).execute();
    const holidays = parsed.entries.filter((e) => e.kind === "holiday").length;
    const workdays = parsed.entries.length - holidays;
    await recordAudit(trx, actor, {
      action: "calendar.load",
      entityType: "calendar_year",
      entityId: input.year,
      summary: `载入 ${input.year} 年节假日安排：放假 ${holidays} 天，调休上班 ${workdays} 天${input.source ? `（${input.source}）` : ""}`,
      before: before.length ? before : null,
      after: parsed.entries,
    });
    return { ok: true, holidays, workdays };
  });
}

/** The loaded years with their counts, newest first. */
export async function calendarYears(db: Db) {
  const years = await db.selectFrom("calendar_years").selectAll().orderBy("year", "desc").execute();
  const days = await db.selectFrom("calendar_days").select(["year", "kind", "date", "name"]).orderBy("date").execute();
  return years.map((y) => ({ ...y, days: days.filter((d) => d.year === y.year) }));
}

/** The working calendar of the given years, and which of them are loaded. */
export async function workCalendar(db: Db, years: number[]): Promise<{ calendar: WorkCalendar; loaded: Set<number> }> {
  const loaded = new Set(
    (await db.selectFrom("calendar_years").select("year").where("year", "in", years.length ? years : [0]).execute()).map((r) => r.year),
  );
  const rows = years.length ? await db.selectFrom("calendar_days").select(["date", "kind"]).where("year", "in", years).execute() : [];
  return {
    calendar: {
      holidays: new Set(rows.filter((r) => r.kind === "holiday").map((r) => r.date)),
      workdays: new Set(rows.filter((r) => r.kind === "workday").map((r) => r.date)),
    },
    loaded,
  };
}

function missingYearMessage(years: number[]): string {
  return `${years.join("、")} 年的节假日安排尚未载入，暂不能按工作日计算；请系统管理员在“节假日安排”中载入，或按日期填写`;
}

/**
 * The deadline `n` working days after `start` (default: today in Asia/Shanghai), from the loaded calendar
 * (addWorkingDays). Refused when a year the count passes through is not loaded.
 */
export async function workdayDeadline(db: Db, n: number, start = todayInShanghai()): Promise<{ ok: true; date: string } | { ok: false; message: string }> {
  if (!Number.isInteger(n) || n < 1 || n > 366) return { ok: false, message: "工作日数须为 1 至 366 之间的整数" };
  const startYear = Number(start.slice(0, 4));
  // n working days never take more than two calendar years from any start
  const { calendar, loaded } = await workCalendar(db, [startYear, startYear + 1, startYear + 2]);
  const date = addWorkingDays(start, n, calendar);
  const missing = yearsBetween(start, date).filter((y) => !loaded.has(y));
  if (missing.length) return { ok: false, message: missingYearMessage(missing) };
  return { ok: true, date };
}

/**
 * Days left (or overdue, negative) until a deadline, in the unit the deadline was set in: working days for a
 * deadline given in 工作日 when the calendar of the years between is loaded, else calendar days.
 */
export function daysLeftIn(
  today: string,
  deadline: string,
  workdays: boolean,
  cal: { calendar: WorkCalendar; loaded: Set<number> } | null,
): { days: number; unit: "workday" | "calendar" } {
  if (workdays && cal && yearsBetween(today, deadline).every((y) => cal.loaded.has(y))) {
    return { days: workingDaysBetween(today, deadline, cal.calendar), unit: "workday" };
  }
  const days = Math.round((Date.parse(`${deadline}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000);
  return { days, unit: "calendar" };
}

// ---------------------------------------------------------------------------------------------------------
// The deadline calendar

export type CalendarScope = { inquiryId: number } | { departmentId: number };

export interface CalendarDeadline {
  date: string;
  kind: "item" | "survey" | "handling_report";
  label: string;
  link: string;
  done: boolean;
  organization: string;
}

const MONTH_RE = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** A month as YYYY-MM (default: this month in Asia/Shanghai), or null when malformed or out of range. */
export function parseMonth(value: string | null, today = todayInShanghai()): string | null {
  if (!value) return today.slice(0, 7);
  const m = MONTH_RE.exec(value);
  if (!m || Number(m[1]) < MIN_YEAR || Number(m[1]) > MAX_YEAR) return null;
  return value;
}


/**
 * One month of deadlines (the caller checked canSeeDeadlineCalendar): of an inquiry — its rectification items,
 * delegated surveys and handling reports — or of a department — the items it leads or joins, across
 * inquiries. With each day of the month: its weekday, whether it is a working day, and the holiday's name.
 */
export async function deadlineMonth(db: Db, scope: CalendarScope, month: string) {
  const first = `${month}-01`;
  const last = addDays(`${shiftMonth(month, 1)}-01`, -1);
  const deadlines: CalendarDeadline[] = [];
  let items = db
    .selectFrom("rectification_items as i")
    .innerJoin("organizations as o", "o.id", "i.lead_department_id")
    .innerJoin("inquiries as q", "q.id", "i.inquiry_id")
    .select(["i.id", "i.number", "i.problem", "i.deadline", "i.status", "o.name as lead_name", "q.title as inquiry_title"])
    .where("i.deadline", ">=", first)
    .where("i.deadline", "<=", last)
    .orderBy("i.deadline")
    .orderBy("i.id");
  if ("inquiryId" in scope) items = items.where("i.inquiry_id", "=", scope.inquiryId);
  else {
    const dept = scope.departmentId;
    items = items.where((eb) =>
      eb.or([
        eb("i.lead_department_id", "=", dept),
        eb.exists(eb.selectFrom("rectification_codepartments as c").select("c.item_id").whereRef("c.item_id", "=", "i.id").where("c.organization_id", "=", dept)),
      ]),
    );
  }
  for (const r of await items.execute()) {
    const problem = r.problem.length > 30 ? `${r.problem.slice(0, 30)}…` : r.problem;
    deadlines.push({
      date: r.deadline,
      kind: "item",
      label: `${"departmentId" in scope ? `「${r.inquiry_title}」` : ""}整改事项第 ${r.number} 项：${problem}`,
      link: `/rectification/${r.id}`,
      done: r.status === "closed" || r.status === "carried_over",
      organization: r.lead_name,
    });
  }
  if ("inquiryId" in scope) {
    const surveys = await db
      .selectFrom("survey_delegations as d")
      .innerJoin("survey_requests as r", "r.id", "d.request_id")
      .innerJoin("organizations as o", "o.id", "d.organization_id")
      .select(["d.id", "d.status", "r.title", "r.due_date", "o.name"])
      .where("d.inquiry_id", "=", scope.inquiryId)
      .where("r.due_date", ">=", first)
      .where("r.due_date", "<=", last)
      .execute();
    for (const s of surveys) {
      deadlines.push({ date: s.due_date, kind: "survey", label: `委托调研：${s.title}`, link: `/surveys/${s.id}`, done: s.status === "accepted", organization: s.name });
    }
    const reports = await db
      .selectFrom("handling_reports")
      .select(["id", "round", "due_date", "status"])
      .where("inquiry_id", "=", scope.inquiryId)
      .where("due_date", ">=", first)
      .where("due_date", "<=", last)
      .execute();
    for (const h of reports) {
      deadlines.push({
        date: h.due_date,
        kind: "handling_report",
        label: `研究处理情况报告${h.round > 1 ? `（第 ${h.round} 轮）` : ""}`,
        link: `/inquiries/${scope.inquiryId}/handling-report`,
        done: h.status !== "pending",
        organization: "人民政府",
      });
    }
  }
  deadlines.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  const year = Number(month.slice(0, 4));
  const { calendar, loaded } = await workCalendar(db, [year]);
  const names = new Map(
    (await db.selectFrom("calendar_days").select(["date", "name", "kind"]).where("date", ">=", first).where("date", "<=", last).execute()).map((d) => [d.date, d]),
  );
  const days: { date: string; weekday: number; working: boolean | null; note: string }[] = [];
  for (let d = first; d <= last; d = addDays(d, 1)) {
    const entry = names.get(d);
    days.push({
      date: d,
      weekday: weekday(d),
      working: loaded.has(year) ? !calendar.holidays.has(d) && (calendar.workdays.has(d) || (weekday(d) !== 0 && weekday(d) !== 6)) : null,
      note: entry ? `${entry.name}${entry.kind === "workday" ? "调休上班" : "放假"}` : "",
    });
  }
  return { month, days, deadlines, calendarLoaded: loaded.has(year) };
}
