/** The gap of one question's written preparation answer: its kinds as badges and the reasons. */
export const GAP_KIND_LABELS: Record<string, string> = { missing: "未答复", late: "逾期答复", too_short: "答复过简", off_topic: "未回应要点" };

export function GapBadges({ kinds, reasons, testId }: { kinds: string[]; reasons: string[]; testId?: string }) {
  if (!kinds.length) return <span className="badge ok" data-testid={testId}>答复完整</span>;
  return (
    <span data-testid={testId}>
      {kinds.map((k) => (
        <span key={k} className={`badge ${k === "missing" ? "bad" : "warn"}`}>{GAP_KIND_LABELS[k] ?? k}</span>
      ))}{" "}
      <span className="in-gap-reason">{reasons.join("；")}</span>
    </span>
  );
}
