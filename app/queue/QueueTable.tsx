import { Link } from "@remix-run/react";
import { formatDate } from "~/utils/time";
import type { QueueRow } from "./labels";


/** 已等待 3 天 / 今天 */
export function waitedLabel(days: number): string {
  return days <= 0 ? "今天" : `已等待 ${days} 天`;
}

/** The rows of the staff queue: what, which inquiry, which organisation, since when; one click to decide. */
export function QueueTable({ rows, testId = "queue" }: { rows: QueueRow[]; testId?: string }) {
  if (rows.length === 0) return <p className="muted" data-testid={`${testId}-empty`}>目前没有等待您办理的事项。</p>;
  return (
    <table className="data" data-testid={testId}>
      <thead>
        <tr>
          <th>待办事项</th>
          <th>内容</th>
          <th>专题询问</th>
          <th>单位/提出人</th>
          <th>提交时间</th>
          <th>已等待</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={`${r.kind}-${r.recordId}`} data-testid={`queue-row-${r.kind}-${r.recordId}`} className={r.daysWaiting >= 7 ? "queue-old" : undefined}>
            <td>{r.kindLabel}</td>
            <td>
              <Link to={r.href}>{r.title || "（无标题）"}</Link>
            </td>
            <td>
              <Link to={`/inquiries/${r.inquiryId}`}>{r.inquiryTitle}</Link>
            </td>
            <td>{r.organization || "—"}</td>
            <td>{formatDate(sinceDate(r.since))}</td>
            <td>{r.daysWaiting >= 7 ? <span className="badge bad">{waitedLabel(r.daysWaiting)}</span> : waitedLabel(r.daysWaiting)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The Asia/Shanghai calendar date of an instant (browser-safe: fixed UTC+8, no daylight saving). */
function sinceDate(iso: string): string {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : new Date(t + 8 * 3600_000).toISOString().slice(0, 10);
}
