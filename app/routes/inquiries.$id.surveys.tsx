import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { InquiryNav } from "~/components/PageNav";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useRef } from "react";
import { z } from "zod";
import { checkUploads, filesFromForm, listAttachments, UPLOAD_FORM_LIMIT_BYTES } from "~/attachments/attachments.server";
import { actorOf } from "~/auth/session.server";
import { AttachmentField, AttachmentList, DeadlineBadge } from "~/components/attachments";
import { firstError, FormError, TextField, type FormFeedback } from "~/components/forms";
import { RichTextEditor, RichTextView } from "~/components/RichTextEditor";
import { loadInquiryFor } from "~/inquiries/inquiries.server";
import { planGate } from "~/inquiries/plan-gate.server";
import { PlanGateNotice } from "~/inquiries/PlanGateNotice";
import { DELEGATION_STATUS_LABELS } from "~/labels";
import { canManageInquiry, canReadInquiry } from "~/policy.server";
import { richTextFromForm } from "~/richtext/richtext.server";
import { createSurveyRequest, listInquiryDelegations, SURVEY_NEAR_DAYS } from "~/surveys/surveys.server";
import { fields, parseForm, readFormData } from "~/utils/forms.server";
import { formatDate, formatDateTime, isCalendarDate, todayInShanghai } from "~/utils/time";
import { redirectWithToast } from "~/utils/toast.server";
import type { DelegationStatus } from "../../db/schema";
import { idField, parseId } from "~/utils/ids";
import { activeOrganizations } from "~/admin/organizations.server";

/**
 * 委托调研 of one inquiry: staff delegate a survey to several county congresses at once, see every delegation's
 * status and deadline light at a glance, and read the submitted reports of one request side by side.
 */
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `委托调研 · ${data?.inquiry.title ?? "专题询问"} · 询问` }];

interface CompareData {
  id: number;
  title: string;
  reports: { id: number; organization_name: string; status: DelegationStatus; submitted_at: string | null; report_html: string; attachments: { id: number; file_name: string; size: number }[] }[];
  waiting: string[];
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, db, inquiry } = await loadInquiryFor(request, params, canReadInquiry, "委托调研总览仅供人大工作人员和委员查阅；县区人大请在“我的待办”中查看本单位的委托调研。");
  const requests = await listInquiryDelegations(db, inquiry.id);
  const requestFiles = await listAttachments(db, "survey_request", requests.map((r) => r.id));

  const url = new URL(request.url);
  const compareId = url.searchParams.get("view") === "compare" ? (parseId(url.searchParams.get("request")) ?? NaN) : NaN;
  const compareRequest = requests.find((r) => r.id === compareId);
  let compare: CompareData | null = null;
  if (compareRequest) {
    // Only reports as handed in: a draft (also one being revised after a return) stays with the county.
    const isIn = (status: DelegationStatus) => status === "submitted" || status === "accepted";
    const handedIn = compareRequest.delegations.filter((d) => isIn(d.status));
    const files = await listAttachments(db, "survey_report", handedIn.map((d) => d.id));
    compare = {
      id: compareRequest.id,
      title: compareRequest.title,
      reports: handedIn.map((d) => ({
        id: d.id,
        organization_name: d.organization_name,
        status: d.status,
        submitted_at: d.submitted_at,
        report_html: d.report_html,
        attachments: files.filter((f) => f.owner_id === d.id),
      })),
      waiting: compareRequest.delegations
        .filter((d) => !isIn(d.status))
        .map((d) => `${d.organization_name}（${DELEGATION_STATUS_LABELS[d.status]}）`),
    };
  }

  const canManage = canManageInquiry(user);
  const counties = canManage
    ? (await activeOrganizations(db, ["county_congress"])).map(({ id, name }) => ({ id, name }))
    : [];
  return {
    inquiry: { id: inquiry.id, title: inquiry.title },
    requests: requests.map((r) => ({
      id: r.id,
      title: r.title,
      due_date: r.due_date,
      brief_html: r.brief_html,
      created_at: r.created_at,
      attachments: requestFiles.filter((f) => f.owner_id === r.id),
      delegations: r.delegations.map((d) => ({
        id: d.id,
        organization_name: d.organization_name,
        status: d.status,
        light: d.light,
        daysLeft: d.daysLeft,
        submitted_at: d.submitted_at,
        accepted_at: d.accepted_at,
      })),
    })),
    compare,
    counties,
    canManage,
    gate: await planGate(db, inquiry.id),
    nearDays: SURVEY_NEAR_DAYS,
  };
}

/** Built on use: `fields` lives in a server module, which the browser bundle does not have. */
const delegateSchema = () =>
  z.object({
    title: fields.requiredText("调研题目", 200),
    dueDate: z
      .string({ error: "请填写截止日期" })
      .trim()
      .min(1, "请填写截止日期")
      .refine(isCalendarDate, "截止日期格式不正确，请按“年-月-日”填写")
      .refine((v) => !isCalendarDate(v) || v >= todayInShanghai(), "截止日期不能早于今天"),
    organizationIds: z.preprocess(
      (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]),
      z.array(idField()).min(1, "请至少选择一个县区人大常委会"),
    ),
  });

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, db, inquiry } = await loadInquiryFor(request, params, canManageInquiry, "只有人大工作人员可以委托调研。");
  const formData = await readFormData(request, UPLOAD_FORM_LIMIT_BYTES);
  const intent = String(formData.get("intent") ?? "");
  const refuse = (fieldErrors: Record<string, string[]>, values: Record<string, string>) =>
    data({ intent, fieldErrors, values }, { status: 400 });

  if (intent === "delegate") {
    const parsed = parseForm(formData, delegateSchema());
    const brief = richTextFromForm(formData, "brief", { label: "调研要求", required: true });
    const uploads = await checkUploads(filesFromForm(formData, "files"));
    if (!parsed.ok || !brief.ok || !uploads.ok) {
      const fieldErrors: Record<string, string[]> = parsed.ok ? {} : { ...parsed.fieldErrors };
      if (!brief.ok) fieldErrors.brief = [brief.message];
      if (!uploads.ok) fieldErrors.files = [uploads.message];
      return refuse(fieldErrors, parsed.values);
    }
    const result = await createSurveyRequest(
      db,
      actorOf(user, context),
      inquiry.id,
      { title: parsed.data.title, dueDate: parsed.data.dueDate, brief: brief.value, organizationIds: parsed.data.organizationIds },
      uploads.files,
    );
    if (!result.ok) return refuse({ [result.field]: [result.message] }, parsed.values);
    const count = new Set(parsed.data.organizationIds).size;
    return redirectWithToast(`/inquiries/${inquiry.id}/surveys#request-${result.id}`, `已向 ${count} 个县区人大常委会委托调研「${parsed.data.title}」`);
  }
  return refuse({ _form: ["未知的操作，请刷新页面后重试"] }, {});
}

const STATUS_CLASS: Record<DelegationStatus, string> = { pending: "", submitted: "warn", accepted: "ok", returned: "bad" };

export default function SurveysPage() {
  const { inquiry, requests, compare, counties, canManage, gate, nearDays } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const feedback: FormFeedback | undefined = result?.intent === "delegate" ? result : undefined;
  const all = requests.flatMap((r) => r.delegations);
  const count = (pred: (d: (typeof all)[number]) => boolean) => all.filter(pred).length;
  return (
    <section className="rs-page">
      <InquiryNav inquiry={inquiry} tab="surveys" />
      <div className="page-head">
        <div>
          <h1>委托调研</h1>
        </div>
        <Link to={`/inquiries/${inquiry.id}/research`}>← 会前调研</Link>
      </div>

      {all.length > 0 ? (
        <ul className="rs-summary" aria-label="委托调研概况">
          <li><strong>{all.length}</strong> 项委托</li>
          <li><strong>{count((d) => d.status === "submitted")}</strong> 待审阅</li>
          <li><strong>{count((d) => d.status === "accepted")}</strong> 已采纳</li>
          <li className={count((d) => d.light === "yellow") ? "rs-sum-warn" : ""}><strong>{count((d) => d.light === "yellow")}</strong> 临近期限</li>
          <li className={count((d) => d.light === "red") ? "rs-sum-bad" : ""}><strong>{count((d) => d.light === "red")}</strong> 已逾期</li>
        </ul>
      ) : null}
      <p className="muted rs-small">截止日期前 {nearDays} 天内尚未提交的显示为黄色，超过截止日期尚未提交的显示为红色。</p>

      {compare ? <CompareView inquiryId={inquiry.id} compare={compare} /> : null}

      {requests.length === 0 ? <p className="muted">尚未委托县区人大开展调研。</p> : null}
      {requests.map((r) => {
        const submitted = r.delegations.filter((d) => d.status === "submitted" || d.status === "accepted").length;
        const waiting = r.delegations.filter((d) => d.status === "submitted").length;
        return (
          <div className="card rs-request" key={r.id} id={`request-${r.id}`} data-testid={`request-${r.id}`}>
            <div className="rs-request-head">
              <h2>{r.title}</h2>
              <span className="muted">
                截止 {formatDate(r.due_date)} · 委托 {r.delegations.length} 个县区 · 已提交 {submitted} 个
                {waiting ? <span className="badge warn" data-testid="request-waiting"> {waiting} 份待审阅</span> : null}
              </span>
            </div>
            <details className="rs-brief">
              <summary>调研要求{r.attachments.length ? `（附件 ${r.attachments.length} 个）` : ""}</summary>
              <RichTextView html={r.brief_html} />
              <AttachmentList files={r.attachments} />
            </details>
            <table className="data rs-table">
              <thead>
                <tr>
                  <th>县区人大常委会</th>
                  <th style={{ width: "7em" }}>状态</th>
                  <th style={{ width: "13em" }}>期限</th>
                  <th style={{ width: "12em" }}>提交时间</th>
                  <th style={{ width: "6em" }}>报告</th>
                </tr>
              </thead>
              <tbody>
                {r.delegations.map((d) => (
                  <tr key={d.id} className={`rs-light-${d.light}`} data-testid={`delegation-${d.id}`}>
                    <td>{d.organization_name}</td>
                    <td>
                      <span className={`badge ${STATUS_CLASS[d.status]}`}>{DELEGATION_STATUS_LABELS[d.status]}</span>
                      {d.status === "submitted" ? <div className="rs-small" data-testid="awaiting-review">待采纳或退回</div> : null}
                    </td>
                    <td><DeadlineBadge light={d.light} daysLeft={d.daysLeft} /></td>
                    <td>{d.submitted_at ? formatDateTime(d.submitted_at) : "—"}</td>
                    <td>
                      <Link to={`/surveys/${d.id}`} aria-label={`${d.status === "submitted" ? "审阅" : "查看"}${d.organization_name}的调研报告`}>
                        {d.status === "submitted" ? "审阅" : "查看"}
                      </Link>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <p className="rs-actions">
              {submitted > 0 ? (
                <Link to={`?request=${r.id}&view=compare#compare`}>并列阅读已提交的报告（{submitted} 份）</Link>
              ) : (
                <span className="muted">尚无县区提交报告。</span>
              )}
            </p>
          </div>
        );
      })}

      {canManage && !gate.open ? <PlanGateNotice inquiryId={inquiry.id} gate={gate} canManage={canManage} work="委托县区人大开展调研" /> : null}
      {canManage && gate.open ? (
        <div className="card" id="delegate">
          <h2 className="rs-card-title">委托县区人大开展调研</h2>
          <Form method="post" encType="multipart/form-data" noValidate key={`delegate-${requests.length}`}>
            <FormError feedback={feedback} />
            <input type="hidden" name="intent" value="delegate" />
            <TextField name="title" label="调研题目" feedback={feedback} required maxLength={200} placeholder="如：本地区脱贫攻坚工作情况调研" />
            <TextField name="dueDate" label="截止日期" type="date" feedback={feedback} required hint="县区人大须在此日期前提交调研报告" />
            <CountyChoices counties={counties} feedback={feedback} />
            <RichTextEditor name="brief" label="调研要求" required defaultValue={feedback?.values?.brief ?? ""} error={firstError(feedback, "brief")} rows={6} hint="调研内容、重点和报告要求，各县区收到的是同一份要求" />
            <AttachmentField error={firstError(feedback, "files")} />
            <button type="submit" disabled={busy}>{busy ? "正在委托…" : "委托调研"}</button>
          </Form>
        </div>
      ) : null}
    </section>
  );
}

function CountyChoices({ counties, feedback }: { counties: { id: number; name: string }[]; feedback: FormFeedback | undefined }) {
  const ref = useRef<HTMLFieldSetElement>(null);
  const error = firstError(feedback, "organizationIds");
  const kept = feedback?.values ? new Set((feedback.values.organizationIds ?? "").split("\n").filter(Boolean)) : null;
  const setAll = (checked: boolean) => ref.current?.querySelectorAll<HTMLInputElement>('input[type="checkbox"]').forEach((c) => (c.checked = checked));
  return (
    <fieldset className="field rs-counties" ref={ref} aria-invalid={error ? true : undefined} aria-describedby={error ? "f-organizationIds-error" : undefined}>
      <legend className="field-label">
        <span>
          委托对象<span className="required">*</span>
        </span>
        <span className="rs-choose-all">
          <button type="button" className="plain rs-mini" onClick={() => setAll(true)}>全选</button>
          <button type="button" className="plain rs-mini" onClick={() => setAll(false)}>全不选</button>
        </span>
      </legend>
      <div className="rs-checkboxes">
        {counties.map((c) => (
          <label key={c.id}>
            <input type="checkbox" name="organizationIds" value={c.id} defaultChecked={kept?.has(String(c.id)) ?? false} /> {c.name}
          </label>
        ))}
      </div>
      {counties.length === 0 ? <p className="field-hint">系统中没有启用的县区人大常委会，请先在“组织机构”中添加。</p> : null}
      {error ? <p id="f-organizationIds-error" className="field-error">{error}</p> : null}
    </fieldset>
  );
}

function CompareView({ inquiryId, compare }: { inquiryId: number; compare: CompareData }) {
  return (
    <div className="card rs-compare" id="compare" data-testid="compare-view">
      <div className="rs-request-head">
        <h2>并列阅读：{compare.title}</h2>
        <Link to={`/inquiries/${inquiryId}/surveys#request-${compare.id}`}>关闭并列阅读</Link>
      </div>
      {compare.waiting.length ? <p className="muted rs-small">未列入（尚未提交或退回修改中）：{compare.waiting.join("、")}</p> : null}
      {compare.reports.length === 0 ? (
        <p className="muted">尚无县区提交报告。</p>
      ) : (
        <div className="rs-columns">
          {compare.reports.map((r) => (
            <article key={r.id} className="rs-column" aria-label={`${r.organization_name}的调研报告`}>
              <header>
                <h3>{r.organization_name}</h3>
                <span className={`badge ${STATUS_CLASS[r.status]}`}>{DELEGATION_STATUS_LABELS[r.status]}</span>{" "}
                <span className="muted rs-small">{r.submitted_at ? `${formatDateTime(r.submitted_at)} 提交` : ""}</span>
              </header>
              <RichTextView html={r.report_html} />
              <AttachmentList files={r.attachments} />
              <p className="rs-small"><Link to={`/surveys/${r.id}`}>打开此报告</Link></p>
            </article>
          ))}
        </div>
      )}
    </div>
  );
}
