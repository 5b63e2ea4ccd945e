import { Form, Link, useActionData, useNavigation } from "@remix-run/react";
import { DeadlineBadge } from "~/components/attachments";
import { FormError, SelectField, TextAreaField, TextField, type FormFeedback } from "~/components/forms";
import { formatDate, formatDateTime } from "~/utils/time";
import type { ForwardingPanelData } from "./forwarding-panel.server";
import { FORWARDING_STATUS_LABELS } from "./labels";

/**
 * 下转与汇总 (issue 21): on a delegated survey's and a rectification item's page. The holder (the county) forwards
 * to organisations under it, follows each report and compiles the accepted ones into its own answer; the city sees
 * the same roll-up — who answered, who is late — without the reports' text.
 */
export function ForwardingPanel({ panel, what }: { panel: ForwardingPanelData | null; what: string }) {
  const result = useActionData<{ intent?: string; fieldErrors?: Record<string, string[]>; values?: Record<string, string> }>();
  const busy = useNavigation().state === "submitting";
  if (!panel || (!panel.holder && panel.rows.length === 0)) return null;
  const forwardFeedback: FormFeedback | undefined = result?.intent === "forward" ? (result as FormFeedback) : undefined;
  const compileFeedback: FormFeedback | undefined = result?.intent === "compile" ? (result as FormFeedback) : undefined;
  const answered = panel.rows.filter((r) => r.status === "submitted" || r.status === "accepted").length;
  const late = panel.rows.filter((r) => r.light === "red").length;
  return (
    <div className="card" data-testid="forwarding">
      <h2 className="rs-card-title">下转与汇总</h2>
      {panel.rows.length ? (
        <>
          <p className="muted rs-small" data-testid="rollup-summary">
            已下转 {panel.rows.length} 个单位，已报送 {answered} 个{late ? `，逾期未报 ${late} 个` : ""}。
          </p>
          <table className="data" data-testid="rollup">
            <thead>
              <tr>
                <th>下级单位</th>
                <th>下转单位</th>
                <th>截止日期</th>
                <th>状态</th>
                <th>报送时间</th>
              </tr>
            </thead>
            <tbody>
              {panel.rows.map((r) => (
                <tr key={r.id}>
                  <td>{panel.holder && r.mine ? <Link to={`/forwarded/${r.id}`}>{r.to_name}</Link> : r.to_name}</td>
                  <td>{r.from_name}</td>
                  <td>{formatDate(r.due_date)}</td>
                  <td>
                    <span className="badge">{FORWARDING_STATUS_LABELS[r.status]}</span> {r.compiled_at ? <span className="badge ok">已汇总</span> : null}{" "}
                    {r.status === "pending" || r.status === "returned" ? <DeadlineBadge light={r.light} daysLeft={r.daysLeft} /> : null}
                  </td>
                  <td>{r.submitted_at ? formatDateTime(r.submitted_at) : "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : (
        <p className="muted">尚未下转给下级单位。</p>
      )}
      {panel.mayForward ? (
        panel.targets.length ? (
          <Form method="post" noValidate aria-label="下转">
            <h3>下转给下级单位</h3>
            <FormError feedback={forwardFeedback} />
            <input type="hidden" name="intent" value="forward" />
            <SelectField name="toOrganizationId" label="下级单位" idPrefix="fw" feedback={forwardFeedback} required emptyLabel="请选择" options={panel.targets.map((t) => ({ value: String(t.id), label: t.name }))} />
            <TextField name="dueDate" type="date" label="截止日期" idPrefix="fw" feedback={forwardFeedback} required defaultValue={panel.subjectDue} />
            <TextAreaField name="brief" label="下转要求" idPrefix="fw" feedback={forwardFeedback} maxLength={2000} hint={`说明请下级单位就${what}报送的内容`} />
            <button type="submit" disabled={busy}>下转</button>
          </Form>
        ) : (
          <p className="muted rs-small">本单位在组织机构中没有下级单位，无法下转（由系统管理员在“组织机构”中设置上级单位）。</p>
        )
      ) : null}
      {panel.mayForward && (panel.draft || compileFeedback) ? (
        <Form method="post" noValidate aria-label="汇总下级报告">
          <h3>汇总下级报告</h3>
          <FormError feedback={compileFeedback} />
          <input type="hidden" name="intent" value="compile" />
          <input type="hidden" name="version" value={panel.version} />
          <TextAreaField name="text" label="汇总内容" idPrefix="fw" feedback={compileFeedback} required rows={8} defaultValue={panel.draft} hint={what === "整改事项" ? "汇总后作为本单位的整改进展报送。" : "汇总后并入本单位调研报告的草稿，再由本单位提交。"} />
          <button type="submit" disabled={busy}>汇总</button>
        </Form>
      ) : null}
    </div>
  );
}
