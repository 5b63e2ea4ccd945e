import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { activeOrganizations, RESPONDING_KINDS } from "~/admin/organizations.server";
import { actorOf } from "~/auth/session.server";
import { itemChoices } from "~/rectification/items.server";
import { FormError, type FormFeedback } from "~/components/forms";
import { accountabilityTriggers, completeStep, getOverdueThreshold, listSteps, publishStep, recordStep } from "~/followup/accountability.server";
import { StepCompleteSchema, StepPublishSchema, StepRecordSchema } from "~/followup/forms.server";
import { ACCOUNTABILITY_KIND_LABELS, ACCOUNTABILITY_KINDS, ACCOUNTABILITY_STATUS_LABELS } from "~/followup/labels";
import { loadInquiryFor } from "~/inquiries/inquiries.server";
import { canManageAccountability, canReadInquiry, forbidden } from "~/policy.server";
import { parseForm, readFormData, fieldError } from "~/utils/forms.server";
import { formatDate, formatDateTime, todayInShanghai } from "~/utils/time";
import { redirectWithToast } from "~/utils/toast.server";

/**
 * 问责措施: the accountability steps of an inquiry — what failed (a satisfaction vote, the handling report, an
 * item overdue beyond the threshold) and what the committee did about it (约谈, 通报, 提请常委会审议, 移交), with the
 * date, decision and organisation. Staff and the inquiry's members read; staff record, mark carried out, publish.
 */
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `问责措施 · ${data?.inquiry.title ?? "专题询问"} · 询问` }];

const load = (request: Request, params: { id?: string }) => loadInquiryFor(request, params, canReadInquiry, "您没有权限查看该专题询问的问责措施。");

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, db, inquiry } = await load(request, params);
  const canManage = canManageAccountability(user);
  const url = new URL(request.url);
  const steps = await listSteps(db, { inquiryId: inquiry.id });
  const triggers = canManage ? await accountabilityTriggers(db, inquiry.id) : [];
  const organizations = canManage
    ? await activeOrganizations(db, [...RESPONDING_KINDS, "county_congress"])
    : [];
  const items = canManage
    ? await itemChoices(db, inquiry.id)
    : [];
  const itemParam = Number(url.searchParams.get("item"));
  const preset = url.searchParams.get("trigger") ?? (itemParam ? `overdue:${itemParam}` : "");
  return {
    inquiry: { id: inquiry.id, title: inquiry.title },
    canManage,
    threshold: await getOverdueThreshold(db),
    today: todayInShanghai(),
    steps: steps.map((s) => ({
      id: s.id,
      kind: s.kind,
      step_date: s.step_date,
      decision: s.decision,
      status: s.status,
      outcome: s.outcome,
      done_at: s.done_at,
      published_at: s.published_at,
      version: s.version,
      organization_name: s.organization_name,
      item_id: s.item_id,
      item_number: s.item_number,
      trigger_label: s.trigger_label,
    })),
    triggers: triggers.map((t) => ({ ...t, key: `${t.type}:${t.id}` })),
    preset: triggers.some((t) => `${t.type}:${t.id}` === preset) ? preset : "",
    presetItem: Number.isInteger(itemParam) && items.some((i) => i.id === itemParam) ? itemParam : null,
    organizations,
    items: items.map((i) => ({ id: i.id, label: `第 ${i.number} 项：${i.problem.slice(0, 40)}`, lead: i.lead_department_id })),
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, db, inquiry } = await load(request, params);
  if (!canManageAccountability(user)) forbidden("只有人大工作人员可以记录问责措施。");
  const formData = await readFormData(request);
  const intent = String(formData.get("intent") ?? "");
  const actor = actorOf(user, context);
  const here = `/inquiries/${inquiry.id}/accountability`;
  if (intent === "record") {
    const parsed = parseForm(formData, StepRecordSchema);
    if (!parsed.ok) return data({ intent, ...parsed }, { status: 400 });
    const d = parsed.data;
    const result = await recordStep(db, actor, {
      inquiryId: inquiry.id,
      trigger: d.trigger,
      kind: d.kind,
      stepDate: d.stepDate,
      decision: d.decision,
      organizationId: d.organizationId,
      itemId: d.itemId,
      publish: d.publish === "1",
    });
    if (!result.ok) return data({ intent, ...fieldError(result.field, result.message, parsed.values) }, { status: 400 });
    return redirectWithToast(`${here}#step-${result.id}`, `已记录${ACCOUNTABILITY_KIND_LABELS[d.kind]}`);
  }
  if (intent === "complete") {
    const parsed = parseForm(formData, StepCompleteSchema);
    if (!parsed.ok) return data({ intent, ...parsed }, { status: 400 });
    const result = await completeStep(db, actor, { id: parsed.data.stepId, version: parsed.data.version, outcome: parsed.data.outcome });
    if (!result.ok) return data({ intent, ...fieldError(result.field, result.message, parsed.values) }, { status: 400 });
    return redirectWithToast(`${here}#step-${result.id}`, "已记录为已落实");
  }
  if (intent === "publish") {
    const parsed = parseForm(formData, StepPublishSchema);
    if (!parsed.ok) return data({ intent, ...parsed }, { status: 400 });
    const result = await publishStep(db, actor, { id: parsed.data.stepId, version: parsed.data.version, publish: parsed.data.publish === "1" });
    if (!result.ok) return data({ intent, ...fieldError(result.field, result.message, parsed.values) }, { status: 400 });
    return redirectWithToast(`${here}#step-${result.id}`, parsed.data.publish === "1" ? "已在公开页面发布" : "已撤下公开");
  }
  return data({ intent, ...fieldError("_form", "请求无效，请刷新页面后重试") }, { status: 400 });
}

export default function AccountabilityPage() {
  const { inquiry, canManage, threshold, today, steps, triggers, preset, presetItem, organizations, items } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const feedback = (result?.intent === "record" ? result : undefined) as FormFeedback | undefined;
  const err = (name: string) => feedback?.fieldErrors?.[name]?.[0];
  const values = feedback?.values ?? {};
  const presetTrigger = triggers.find((t) => t.key === (values.trigger ?? preset));
  return (
    <section className="rs-page rect-page">
      <div className="page-head">
        <div>
          <p className="rs-crumbs">
            <Link to={`/inquiries/${inquiry.id}`}>{inquiry.title}</Link> › <Link to={`/inquiries/${inquiry.id}/rectification`}>整改督办</Link> › 问责措施
          </p>
          <h1>问责措施</h1>
        </div>
      </div>
      {result && result.intent !== "record" ? <FormError feedback={result as FormFeedback} /> : null}

      <div className="card">
        <h2 className="rs-card-title">已采取的措施</h2>
        {steps.length === 0 ? (
          <p className="muted">尚未记录问责措施。</p>
        ) : (
          <table className="data rs-table" data-testid="steps">
            <thead>
              <tr>
                <th>日期</th>
                <th>措施</th>
                <th>所涉单位</th>
                <th>依据</th>
                <th>决定内容</th>
                <th>状态</th>
                {canManage ? <th>办理</th> : null}
              </tr>
            </thead>
            <tbody>
              {steps.map((s) => (
                <tr key={s.id} id={`step-${s.id}`} data-testid="step">
                  <td className="rs-nowrap">{formatDate(s.step_date)}</td>
                  <td className="rs-nowrap">{ACCOUNTABILITY_KIND_LABELS[s.kind]}</td>
                  <td>{s.organization_name}</td>
                  <td className="rs-small">
                    {s.trigger_label}
                    {s.item_id ? <> · <Link to={`/rectification/${s.item_id}`}>第 {s.item_number} 项</Link></> : null}
                  </td>
                  <td className="rs-pre">{s.decision}</td>
                  <td className="rs-small">
                    <span className={`badge ${s.status === "done" ? "ok" : "warn"}`}>{ACCOUNTABILITY_STATUS_LABELS[s.status]}</span>
                    {s.status === "done" && s.outcome ? <p className="rs-pre">{s.outcome}</p> : null}
                    <p className="muted">{s.published_at ? `已公开（${formatDateTime(s.published_at)}）` : "未公开"}</p>
                  </td>
                  {canManage ? (
                    <td className="rs-small">
                      {s.status === "pending" ? (
                        <Form method="post" className="rs-actions">
                          <input type="hidden" name="intent" value="complete" />
                          <input type="hidden" name="stepId" value={s.id} />
                          <input type="hidden" name="version" value={s.version} />
                          <label htmlFor={`f-outcome-${s.id}`} className="field-label">落实情况</label>
                          <textarea id={`f-outcome-${s.id}`} name="outcome" rows={2} maxLength={2000} />
                          <button type="submit" disabled={busy}>记为已落实</button>
                        </Form>
                      ) : null}
                      <Form method="post" className="rs-actions">
                        <input type="hidden" name="intent" value="publish" />
                        <input type="hidden" name="stepId" value={s.id} />
                        <input type="hidden" name="version" value={s.version} />
                        <input type="hidden" name="publish" value={s.published_at ? "0" : "1"} />
                        <button type="submit" className="secondary" disabled={busy}>{s.published_at ? "撤下公开" : "在公开页面发布"}</button>
                      </Form>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>

      {canManage ? (
        <div className="card" id="record">
          <h2 className="rs-card-title">记录问责措施</h2>
          <p className="rs-small muted">
            问责措施在满意度测评未通过、研究处理情况报告未通过，或整改事项逾期超过 {threshold} 天后采取。以下为本次专题询问中可依据的情形。
          </p>
          {triggers.length === 0 ? (
            <p data-testid="no-triggers">目前没有测评未通过、报告未通过或逾期超过 {threshold} 天的情形。</p>
          ) : (
            <Form method="post" noValidate key={preset} data-testid="step-form">
              <input type="hidden" name="intent" value="record" />
              <FormError feedback={feedback} />
              <div className="field">
                <label htmlFor="f-trigger" className="field-label">依据<span className="required">*</span></label>
                <select id="f-trigger" name="trigger" defaultValue={values.trigger ?? preset} aria-describedby="f-trigger-error">
                  <option value="">请选择</option>
                  {triggers.map((t) => (
                    <option key={t.key} value={t.key}>
                      {t.label}
                      {t.organizationName ? `（${t.organizationName}）` : ""}
                    </option>
                  ))}
                </select>
                {err("trigger") ? <p className="field-error" id="f-trigger-error">{err("trigger")}</p> : null}
              </div>
              <div className="rs-row">
                <div className="field">
                  <label htmlFor="f-kind" className="field-label">措施<span className="required">*</span></label>
                  <select id="f-kind" name="kind" defaultValue={values.kind ?? "interview"}>
                    {ACCOUNTABILITY_KINDS.map((k) => (
                      <option key={k} value={k}>{ACCOUNTABILITY_KIND_LABELS[k]}</option>
                    ))}
                  </select>
                  {err("kind") ? <p className="field-error">{err("kind")}</p> : null}
                </div>
                <div className="field">
                  <label htmlFor="f-stepDate" className="field-label">日期<span className="required">*</span></label>
                  <input id="f-stepDate" name="stepDate" type="date" defaultValue={values.stepDate ?? today} aria-describedby="f-stepDate-error" />
                  {err("stepDate") ? <p className="field-error" id="f-stepDate-error">{err("stepDate")}</p> : null}
                </div>
                <div className="field">
                  <label htmlFor="f-organizationId" className="field-label">所涉单位<span className="required">*</span></label>
                  <select id="f-organizationId" name="organizationId" defaultValue={values.organizationId ?? String(presetTrigger?.organizationId ?? "")} aria-describedby="f-organizationId-error">
                    <option value="">请选择</option>
                    {organizations.map((o) => (
                      <option key={o.id} value={o.id}>{o.name}</option>
                    ))}
                  </select>
                  {err("organizationId") ? <p className="field-error" id="f-organizationId-error">{err("organizationId")}</p> : null}
                </div>
              </div>
              <div className="field">
                <label htmlFor="f-itemId" className="field-label">涉及的整改事项</label>
                <select id="f-itemId" name="itemId" defaultValue={values.itemId ?? String(presetTrigger?.itemId ?? presetItem ?? "")}>
                  <option value="">（不涉及具体事项）</option>
                  {items.map((i) => (
                    <option key={i.id} value={i.id}>{i.label}</option>
                  ))}
                </select>
                <p className="field-hint">选择后，该措施记入事项的办理过程；依据为事项逾期时即为该事项</p>
                {err("itemId") ? <p className="field-error">{err("itemId")}</p> : null}
              </div>
              <div className="field">
                <label htmlFor="f-decision" className="field-label">决定内容<span className="required">*</span></label>
                <textarea id="f-decision" name="decision" rows={4} maxLength={2000} defaultValue={values.decision ?? ""} aria-describedby="f-decision-error" />
                {err("decision") ? <p className="field-error" id="f-decision-error">{err("decision")}</p> : null}
              </div>
              <div className="field">
                <label>
                  <input type="checkbox" name="publish" value="1" defaultChecked={values.publish === "1"} /> 同时在公开页面发布
                </label>
              </div>
              <button type="submit" disabled={busy}>{busy ? "正在保存…" : "记录"}</button>
            </Form>
          )}
        </div>
      ) : null}
    </section>
  );
}
