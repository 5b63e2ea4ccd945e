/** Dates: instants are stored as UTC ISO strings; deadlines are calendar dates (YYYY-MM-DD) in Asia/Shanghai. */
export const TIME_ZONE = "Asia/Shanghai";

export function nowIso(): string {
  return new Date().toISOString();
}

// Built once: an Intl.DateTimeFormat costs far more to build than to use, and these run on every page.
const DATE_FORMAT = new Intl.DateTimeFormat("en-CA", { timeZone: TIME_ZONE, year: "numeric", month: "2-digit", day: "2-digit" });
const DATE_TIME_FORMAT = new Intl.DateTimeFormat("en-CA", {
  timeZone: TIME_ZONE, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23",
});

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Today's calendar date in Asia/Shanghai, as YYYY-MM-DD (`at`: the instant to read instead of now). */
export function todayInShanghai(at: Date = new Date()): string {
  return DATE_FORMAT.format(at);
}

/**
 * The Asia/Shanghai calendar date (YYYY-MM-DD) of a stored instant (UTC ISO string or Date): the one way an
 * instant becomes a date in TypeScript (in SQL: db/dates.ts shanghaiDateSql). Never `iso.slice(0, 10)`,
 * which is the UTC date — a day early between 00:00 and 08:00 Beijing time: a report submitted at
 * 2026-06-30T16:30:00Z (00:30 on 1 July in Beijing) is dated 2026-07-01. A value that is already a calendar
 * date (YYYY-MM-DD) is returned as it is; an unreadable value gives "".
 */
export function dateInShanghai(instant: string | Date): string {
  if (typeof instant === "string" && DATE_RE.test(instant)) return instant;
  const d = typeof instant === "string" ? new Date(instant) : instant;
  return Number.isNaN(d.getTime()) ? "" : DATE_FORMAT.format(d);
}

/** Whether a string is an instant (has a time part) rather than a calendar date. */
function isInstant(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}T/.test(value);
}

/** Whether a YYYY-MM-DD string names a real calendar date. */
export function isCalendarDate(value: string): boolean {
  const m = DATE_RE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/** 2020-09-22 → 2020年9月22日; an instant (2020-09-21T16:30:00Z) is shown by its Beijing date (2020年9月22日). */
export function formatDate(value: string | null | undefined): string {
  if (!value) return "";
  const m = DATE_RE.exec(isInstant(value) ? dateInShanghai(value) : value.slice(0, 10));
  if (!m) return value;
  return `${Number(m[1])}年${Number(m[2])}月${Number(m[3])}日`;
}

/** An instant shown in Beijing time: 2020年9月22日 14:05 */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const parts = DATE_TIME_FORMAT.formatToParts(d);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? "";
  return `${Number(get("year"))}年${Number(get("month"))}月${Number(get("day"))}日 ${get("hour")}:${get("minute")}`;
}

/** Whole days from `from` to `to` (both YYYY-MM-DD); negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  const a = Date.parse(`${from}T00:00:00Z`);
  const b = Date.parse(`${to}T00:00:00Z`);
  return Math.round((b - a) / 86_400_000);
}

/** The UTC instant at which a Shanghai calendar day starts (for range filters on instants). */
export function shanghaiDayStartIso(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00+08:00`)).toISOString();
}

/** YYYY-MM-DD plus n calendar days. */
export function addDays(date: string, days: number): string {
  const d = new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000);
  return d.toISOString().slice(0, 10);
}

/** YYYY-MM-DD plus n months, the day clamped to the month's end (2020-11-30 + 3 → 2021-02-28). */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split("-").map(Number);
  const total = y * 12 + (m - 1) + months;
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(Math.min(d, last)).padStart(2, "0")}`;
}

// A calendar date or an instant written into stored prose (history comments, notification bodies, import
// messages): 2026-12-11, or 2026-12-10T16:30:00.000Z. Not preceded or followed by another digit, so numbers
// such as 文号 or ids are left alone.
const DATES_IN_TEXT = /(?<!\d)(\d{4})-(\d{2})-(\d{2})(T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2}))?(?!\d)/g;

/**
 * Prose with every ISO date in it shown as 2020年9月22日 (an instant by its Beijing date): "整改时限 2026-12-11 →
 * 2027-01-13" → "整改时限 2026年12月11日 → 2027年1月13日". For text that was stored with ISO dates in it (history
 * comments, notifications written by database triggers): the one display rule (DESIGN.md §4) applied where such
 * text is shown. A string that is not a real calendar date (2026-13-45) is left as it is.
 */
export function formatDatesInText(text: string | null | undefined): string {
  if (!text) return "";
  return text.replace(DATES_IN_TEXT, (whole: string, y: string, m: string, d: string, time: string | undefined) => {
    const date = `${y}-${m}-${d}`;
    if (!isCalendarDate(date)) return whole;
    return formatDate(time ? `${date}${time}` : date);
  });
}
