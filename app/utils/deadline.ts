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

/** 还剩 3 天 / 今天到期 / 已逾期 5 天 */
export function describeDaysLeft(daysLeft: number): string {
  if (daysLeft > 0) return `还剩 ${daysLeft} 天`;
  if (daysLeft === 0) return "今天到期";
  return `已逾期 ${-daysLeft} 天`;
}
