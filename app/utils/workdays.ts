import { addDays } from "./time";

/**
 * Working days (工作日) as offices count them: Monday to Friday, except the statutory holidays (法定节假日) and
 * the days off given in exchange (调休放假), plus the weekend days worked in exchange (调休上班). Both lists
 * come each year from the State Council's notice on the holiday arrangement — 《国务院办公厅关于YYYY年部分
 * 节假日安排的通知》 (e.g. 国办发明电〔2020〕27号 for 2021: 春节 2月11日至17日放假调休，共7天；2月7日（星期日）、
 * 2月20日（星期六）上班), under the 《全国年节及纪念日放假办法》 — which the administrator loads per year
 * (app/calendar/calendar.server.ts). Dates are Asia/Shanghai calendar dates, YYYY-MM-DD.
 */
export interface WorkCalendar {
  /** weekdays off: holidays and 调休放假 */
  holidays: ReadonlySet<string>;
  /** weekend days worked: 调休上班 */
  workdays: ReadonlySet<string>;
}

/** Day of the week of a YYYY-MM-DD date: 0 Sunday … 6 Saturday. */
export function weekday(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

/** Whether a date is a working day in the calendar. */
export function isWorkingDay(date: string, calendar: WorkCalendar): boolean {
  if (calendar.holidays.has(date)) return false;
  if (calendar.workdays.has(date)) return true;
  const d = weekday(date);
  return d !== 0 && d !== 6;
}

/**
 * The deadline N working days after `start` (the day of issue is not counted, as 《党政机关公文处理工作条例》
 * practice and 民事 time limits count from the next day): the Nth working day after `start`. n ≥ 1.
 * Throws RangeError for n < 1 or n > 366.
 */
export function addWorkingDays(start: string, n: number, calendar: WorkCalendar): string {
  if (!Number.isInteger(n) || n < 1 || n > 366) throw new RangeError("working days must be an integer from 1 to 366");
  let date = start;
  let left = n;
  while (left > 0) {
    date = addDays(date, 1);
    if (isWorkingDay(date, calendar)) left--;
  }
  return date;
}

/**
 * Working days from `from` to `to`, signed like daysBetween: the working days in (from, to] when `to` is later
 * (days left), minus the working days in (to, from] when it is earlier (days overdue); 0 on the same day.
 */
export function workingDaysBetween(from: string, to: string, calendar: WorkCalendar): number {
  if (from === to) return 0;
  const [a, b, sign] = from < to ? [from, to, 1] : [to, from, -1];
  let count = 0;
  for (let d = addDays(a, 1); d <= b; d = addDays(d, 1)) if (isWorkingDay(d, calendar)) count++;
  return sign * count;
}

/** The years (YYYY) a span of dates touches, for checking the calendar is loaded for all of them. */
export function yearsBetween(from: string, to: string): number[] {
  const a = Number(from.slice(0, 4));
  const b = Number(to.slice(0, 4));
  const years: number[] = [];
  for (let y = Math.min(a, b); y <= Math.max(a, b); y++) years.push(y);
  return years;
}
