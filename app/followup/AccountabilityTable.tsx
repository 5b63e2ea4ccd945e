import { Link } from "@remix-run/react";
import type { ReactNode } from "react";
import type { AccountabilityKind } from "../../db/schema";
import { formatDate, formatDateTime } from "~/utils/time";
import { ACCOUNTABILITY_KIND_LABELS, ACCOUNTABILITY_STATUS_LABELS } from "./labels";

/** One accountability step as the table shows it; the optional fields are shown when given. */
export interface StepRow {
  id: number;
  kind: AccountabilityKind;
  stepDate: string;
  trigger: string;
  decision: string;
  /** 所涉单位 (the inquiry's page and the public page) */
  organization?: string;
  /** 专题询问 (the organisation's own /my list) */
  inquiryTitle?: string;
  /** the item it concerns: linked where the reader may open it */
  itemId?: number | null;
  itemNumber?: number | null;
  status?: "pending" | "done";
  outcome?: string;
  /** shown as 已公开 / 未公开 when not undefined */
  publishedAt?: string | null;
}

/**
 * The one table of accountability steps (约谈, 通报, 提请审议, 移交; issue 21, docs/decisions/0131): on the
 * inquiry's accountability page (with staff's actions), on the public page (published steps, no links) and on /my
 * (the organisation's own). `stack` folds rows into cards on phones.
 */
export function AccountabilityTable({
  steps,
  testId,
  rowTestId,
  stack,
  actions,
}: {
  steps: StepRow[];
  testId?: string;
  rowTestId?: string;
  stack?: boolean;
  actions?: (s: StepRow) => ReactNode;
}) {
  const has = (f: keyof StepRow) => steps.some((s) => s[f] !== undefined);
  return (
    <table className={`data rs-table${stack ? " stack" : ""}`} data-testid={testId}>
      <thead>
        <tr>
          <th>日期</th>
          <th>措施</th>
          {has("organization") ? <th>所涉单位</th> : null}
          {has("inquiryTitle") ? <th>专题询问</th> : null}
          <th>依据</th>
          <th>决定内容</th>
          {has("status") ? <th>状态</th> : null}
          {actions ? <th>办理</th> : null}
        </tr>
      </thead>
      <tbody>
        {steps.map((s) => (
          <tr key={s.id} id={`step-${s.id}`} data-testid={rowTestId}>
            <td data-label="日期" className="rs-nowrap">{formatDate(s.stepDate)}</td>
            <td data-label="措施" className="rs-nowrap">{ACCOUNTABILITY_KIND_LABELS[s.kind]}</td>
            {s.organization !== undefined ? <td data-label="所涉单位">{s.organization}</td> : null}
            {s.inquiryTitle !== undefined ? <td data-label="专题询问">{s.inquiryTitle}</td> : null}
            <td data-label="依据" className="rs-small">
              {s.trigger}
              {s.itemId ? <> · <Link to={`/rectification/${s.itemId}`}>第 {s.itemNumber} 项</Link></> : null}
            </td>
            <td data-label="决定内容" className="rs-pre">{s.decision}</td>
            {s.status !== undefined ? (
              <td data-label="状态" className="rs-small">
                <span className={`badge ${s.status === "done" ? "ok" : "warn"}`}>{ACCOUNTABILITY_STATUS_LABELS[s.status]}</span>
                {s.status === "done" && s.outcome ? <p className="rs-pre">{s.outcome}</p> : null}
                {s.publishedAt !== undefined ? <p className="muted">{s.publishedAt ? `已公开（${formatDateTime(s.publishedAt)}）` : "未公开"}</p> : null}
              </td>
            ) : null}
            {actions ? <td className="rs-small">{actions(s)}</td> : null}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
