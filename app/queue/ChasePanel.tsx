import { useFetcher } from "@remix-run/react";
import { formatDate, formatDateTime } from "~/utils/time";
import { describeDaysLeft, type Light } from "~/utils/deadline";
import type { ChaseTargetType } from "../../db/schema";

export interface ChasePanelView {
  target: { type: ChaseTargetType; id: number };
  canSend: boolean;
  refusal: string | null;
  organizationName: string;
  dueDate: string;
  light: Light;
  daysLeft: number;
  chases: { id: number; due_date: string; note: string; sent_at: string; organization_name: string; sent_by_name: string | null }[];
}

type ChaseFeedback = { ok: boolean; message?: string; fieldErrors?: Record<string, string[]> };

/**
 * 催办: the chase-ups so far (each with its 催办函) and, for the staff who manage the inquiry, the form that
 * sends one when the deadline is near or passed. Posts to /chase-ups (works without JavaScript too).
 */
export function ChasePanel({ data }: { data: ChasePanelView | null }) {
  const fetcher = useFetcher<ChaseFeedback>();
  if (!data) return null;
  const error = fetcher.data && !fetcher.data.ok ? (fetcher.data.fieldErrors?.note?.[0] ?? fetcher.data.fieldErrors?._form?.[0] ?? fetcher.data.message) : undefined;
  const busy = fetcher.state !== "idle";
  return (
    <div className="card" data-testid="chase-panel" id="chase">
      <h2 style={{ marginTop: 0 }}>催办</h2>
      {data.chases.length ? (
        <ul className="chase-list" data-testid="chase-list">
          {data.chases.map((c) => (
            <li key={c.id}>
              {formatDateTime(c.sent_at)} 向{c.organization_name}催办（期限 {formatDate(c.due_date)}）{c.sent_by_name ? `，${c.sent_by_name}` : ""}
              {c.note ? `：${c.note}` : ""} <a href={`/chase-ups/${c.id}.docx`} download>下载催办函</a>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">尚未催办。</p>
      )}
      {data.canSend ? (
        <fetcher.Form method="post" action="/chase-ups" noValidate>
          <input type="hidden" name="targetType" value={data.target.type} />
          <input type="hidden" name="targetId" value={data.target.id} />
          <p className="muted">
            责任单位：{data.organizationName}；期限 {formatDate(data.dueDate)}（{describeDaysLeft(data.daysLeft)}）。催办将通知该单位的全部账号，并记入办理记录和审计日志。
          </p>
          <label htmlFor="chase-note" className="field-label">
            催办意见（可选）
          </label>
          <textarea id="chase-note" name="note" rows={2} maxLength={500} aria-invalid={error ? true : undefined} aria-describedby={error ? "chase-note-error" : undefined} />
          {error ? (
            <p className="field-error" id="chase-note-error" role="alert">
              {error}
            </p>
          ) : null}
          <button type="submit" disabled={busy}>
            催办
          </button>
        </fetcher.Form>
      ) : data.refusal ? (
        <p className="muted" data-testid="chase-refusal">{data.refusal}</p>
      ) : null}
    </div>
  );
}
