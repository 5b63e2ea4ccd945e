import { daysBetween } from "./time";

/** Deadline lights, in calendar days (stated in the UI): red when overdue, yellow when near. */
export type Light = "green" | "yellow" | "red" | "done";

export const LIGHT_LABELS: Record<Light, string> = { green: "正常", yellow: "临近期限", red: "已逾期", done: "已完成" };

export function deadlineLight(dueDate: string, today: string, nearDays: number, done = false): { light: Light; daysLeft: number } {
  const daysLeft = daysBetween(today, dueDate);
  if (done) return { light: "done", daysLeft };
  if (daysLeft < 0) return { light: "red", daysLeft };
  if (daysLeft <= nearDays) return { light: "yellow", daysLeft };
  return { light: "green", daysLeft };
}

/** Which days a count counts: calendar days (自然日, the default, said by the light rule) or working days. */
export type DayUnit = "calendar" | "workday";

/** 还剩 3 天 / 今天到期 / 已逾期 5 天; in working days: 还剩 3 个工作日 / 已逾期 2 个工作日. */
export function describeDaysLeft(daysLeft: number, unit: DayUnit = "calendar"): string {
  const n = (k: number) => (unit === "workday" ? `${k} 个工作日` : `${k} 天`);
  if (daysLeft > 0) return `还剩 ${n(daysLeft)}`;
  if (daysLeft === 0) return "今天到期";
  return `已逾期 ${n(-daysLeft)}`;
}
