/** Calendar labels and month arithmetic shared by server and browser code (no server imports here). */
export const CALENDAR_KIND_LABELS = { holiday: "放假", workday: "调休上班" } as const;

/** YYYY-MM plus n months. */
export function shiftMonth(month: string, n: number): string {
  const [y, m] = month.split("-").map(Number);
  const total = y * 12 + (m - 1) + n;
  return `${Math.floor(total / 12)}-${String((total % 12) + 1).padStart(2, "0")}`;
}
