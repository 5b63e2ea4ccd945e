import type { Kysely, Transaction } from "kysely";
import type { Database, ItemStatus } from "../../db/schema";
import { recordAudit, type Actor } from "../audit.server";
import { deadlineLight, type DayUnit, type Light } from "../utils/deadline";
import { daysLeftIn, workCalendar } from "../calendar/calendar.server";
import { nowIso, todayInShanghai } from "../utils/time";
import { DEFAULT_WARNING_DAYS, FINAL_ITEM_STATUSES, ITEM_STATUS_LABELS, OPEN_ITEM_STATUSES } from "./labels";
import type { Result } from "../utils/result";

/**
 * 整改督办: rectification items (问题清单 / 整改台账) from the meeting's exchanges, research findings or by hand;
 * their progress reports and evidence, deadline extensions, closure (销号) on evidence, carrying over (结转);
 * the deadline lights; the inquiry's closing (办结) and its public rectification status.
 *
 * 整改督办 status rules: the item's status machine (every action and the status it leads to), final statuses,
 * the deadline lights (working-day calendar) and the warning-days setting that turns a light yellow.
 */

export type Db = Kysely<Database> | Transaction<Database>;

export const CONFLICT = "该整改事项已被他人修改或办理，请刷新页面查看最新状态后再操作。";
export const MAX_TEXT = 2000;

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

export function refusal(action: ItemAction, current: ItemStatus): string {
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
