import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { InquiryNav } from "~/components/PageNav";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { checkUploads, filesFromForm, listAttachments, UPLOAD_FORM_LIMIT_BYTES } from "~/attachments/attachments.server";
import { actorOf } from "~/auth/session.server";
import { AttachmentField, AttachmentList } from "~/components/attachments";
import { FormError, firstError, TextAreaField, type FormFeedback } from "~/components/forms";
import { RichTextEditor, RichTextView } from "~/components/RichTextEditor";
import { getDb } from "~/db.server";
import { getInquiry, planHistory, recordPlanDecision, savePlan, submitPlan } from "~/inquiries/inquiries.server";
import { DateField, dateField } from "~/inquiries/inquiry-form";
import { PLAN_STATUS_LABELS } from "~/labels";
import { canManageInquiry, canReadInquiry, forbidden, notFound, requirePermission } from "~/policy.server";
import { richTextFromForm } from "~/richtext/richtext.server";
import { parseForm, readFormData, formValues } from "~/utils/forms.server";
import { planGate, PlanProceedSchema, recordPlanProceed } from "~/inquiries/plan-gate.server";
import { PlanProceedForm } from "~/inquiries/PlanGateNotice";
import { formatDate, formatDateTime, todayInShanghai } from "~/utils/time";
import { redirectWithToast } from "~/utils/toast.server";
import { BackEntryDate } from "~/components/history";
import { idField, versionField } from "~/utils/ids";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `工作方案 · ${data?.inquiry.title ?? "专题询问"} · 询问` }];

const IdSchema = idField();
const VersionSchema = z.object({ version: versionField() });
const DecisionSchema = z
  .object({
    version: versionField(),
    decision: z.enum(["approve", "reject"], { error: "请选择审议结果" }),
    decidedOn: dateField("审议日期", { required: true }),
    note: z
      .string()
      .trim()
      .max(2000, "主任会议意见不能超过 2000 个字")
      .optional()
      .transform((v) => v ?? ""),
  })
  .superRefine((v, ctx) => {
    if (v.decidedOn && v.decidedOn > todayInShanghai()) ctx.addIssue({ code: "custom", path: ["decidedOn"], message: "审议日期不能晚于今天" });
    if (v.decision === "reject" && !v.note) ctx.addIssue({ code: "custom", path: ["note"], message: "驳回时请填写主任会议的意见" });
  });

const HISTORY_LABELS = { submitted: "提请主任会议审议", approved: "主任会议批准", rejected: "主任会议驳回", proceeded: "记录先行开展的理由" } as const;


export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "inquiry:list");
  const id = IdSchema.safeParse(params.id);
  if (!canReadInquiry(user, id.data ?? 0)) forbidden("该专题询问不在您参与的范围内，您无权查看。");
  if (!id.success) notFound("该专题询问不存在");
  const db = getDb();
  const inquiry = await getInquiry(db, id.data);
  if (!inquiry) notFound("该专题询问不存在");
  const [history, attachments, gate] = await Promise.all([planHistory(db, inquiry.id), listAttachments(db, "inquiry_plan", [inquiry.id]), planGate(db, inquiry.id)]);
  return {
    inquiry: {
      id: inquiry.id,
      title: inquiry.title,
      version: inquiry.version,
      planJson: inquiry.plan_json,
      planHtml: inquiry.plan_html,
      planText: inquiry.plan_text,
      planStatus: inquiry.plan_status,
      backEntry: inquiry.back_entry === 1,
    },
    history,
    attachments,
    gate,
    canManage: canManageInquiry(user),
    today: todayInShanghai(),
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, "inquiry:manage");
  const id = IdSchema.safeParse(params.id);
  if (!id.success) notFound("该专题询问不存在");
  const formData = await readFormData(request, UPLOAD_FORM_LIMIT_BYTES);
  const intent = String(formData.get("intent") ?? "");
  const db = getDb();
  const actor = actorOf(user, context);
  const refuse = (fieldErrors: Record<string, string[]>, values: Record<string, string>, status = 400) =>
    data({ intent, fieldErrors, values }, { status });
  const refuseResult = (result: { field: string; message: string }, values: Record<string, string>) => {
    if (result.message === "该专题询问不存在") notFound(result.message);
    return refuse({ [result.field]: [result.message] }, values, result.field === "_form" ? 409 : 400);
  };
  const path = `/inquiries/${id.data}/plan`;

  if (intent === "save") {
    const values = formValues(formData);
    const version = VersionSchema.safeParse({ version: formData.get("version") });
    if (!version.success) return refuse({ _form: ["请求无效，请刷新页面后重试"] }, values);
    const plan = richTextFromForm(formData, "plan", { label: "工作方案" });
    const uploads = await checkUploads(filesFromForm(formData, "files"));
    const errors: Record<string, string[]> = {};
    if (!plan.ok) errors.plan = [plan.message];
    if (!uploads.ok) errors.files = [uploads.message];
    if (!plan.ok || !uploads.ok) return refuse(errors, values);
    const result = await savePlan(db, actor, { id: id.data, version: version.data.version, plan: plan.value, files: uploads.files });
    if (!result.ok) return refuseResult(result, values);
    return redirectWithToast(path, uploads.files.length ? `工作方案已保存，上传附件 ${uploads.files.length} 个` : "工作方案已保存");
  }
  if (intent === "submit") {
    const parsed = parseForm(formData, VersionSchema);
    if (!parsed.ok) return refuse({ _form: ["请求无效，请刷新页面后重试"] }, {});
    const values = { on: String(formData.get("on") ?? "") };
    const result = await submitPlan(db, actor, { id: id.data, version: parsed.data.version, on: values.on });
    if (!result.ok) return refuseResult(result, values);
    return redirectWithToast(path, "工作方案已提请主任会议审议");
  }
  if (intent === "decide") {
    const parsed = parseForm(formData, DecisionSchema);
    if (!parsed.ok) {
      const fieldErrors = parsed.fieldErrors.version ? { ...parsed.fieldErrors, _form: ["请求无效，请刷新页面后重试"] } : parsed.fieldErrors;
      return refuse(fieldErrors, parsed.values);
    }
    const { version, decision, decidedOn, note } = parsed.data;
    const result = await recordPlanDecision(db, actor, { id: id.data, version, decision, decidedOn: decidedOn!, note });
    if (!result.ok) return refuseResult(result, parsed.values);
    return redirectWithToast(
      decision === "approve" ? `/inquiries/${id.data}` : path,
      decision === "approve" ? "已记录：主任会议批准工作方案" : "已记录：主任会议驳回工作方案，可修改后再次提请",
    );
  }
  if (intent === "proceed") {
    // the plan gate's override (app/inquiries/plan-gate.server.ts); the form may sit on any gated page
    const parsed = parseForm(formData, PlanProceedSchema);
    if (!parsed.ok) return refuse(parsed.fieldErrors, parsed.values);
    const result = await recordPlanProceed(db, actor, { inquiryId: id.data, reason: parsed.data.reason });
    if (!result.ok) return refuseResult(result, parsed.values);
    const back = parsed.data.returnTo ?? "";
    const safeBack = back.startsWith(`/inquiries/${id.data}/`) && !back.includes("//") ? back : path;
    return redirectWithToast(safeBack, "已记录先行开展的理由，后续工作可以开展");
  }
  return refuse({ _form: ["未知的操作"] }, {});
}

function statusClass(status: string) {
  return status === "approved" ? "ok" : status === "rejected" ? "bad" : status === "submitted" ? "warn" : "";
}

export default function InquiryPlan() {
  const { inquiry, history, attachments, gate, canManage, today } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const busyIntent = navigation.state === "submitting" ? String(navigation.formData?.get("intent") ?? "") : "";
  const feedbackFor = (intent: string): FormFeedback | undefined => (result?.intent === intent ? result : undefined);
  const save = feedbackFor("save");
  const submit = feedbackFor("submit");
  const decide = feedbackFor("decide");
  const proceed = feedbackFor("proceed");
  const editable = canManage && inquiry.planStatus !== "submitted";
  const lastRejection = history.find((h) => h.action === "rejected");

  return (
    <section>
      <InquiryNav inquiry={inquiry} tab="plan" />
      <div className="page-head">
        <div>
          <h1>工作方案</h1>
          <p className="muted inq-sub">{inquiry.title}</p>
        </div>
        <div className="inq-head-actions">
          <span className={`badge ${statusClass(inquiry.planStatus)}`} data-testid="plan-status">
            {PLAN_STATUS_LABELS[inquiry.planStatus]}
          </span>
          <Link to={`/inquiries/${inquiry.id}`}>返回概况</Link>
        </div>
      </div>

      {inquiry.planStatus === "rejected" && lastRejection ? (
        <div className="inq-notice bad" data-testid="plan-rejection">
          主任会议于 {formatDate(lastRejection.decided_on)} 驳回了工作方案
          {lastRejection.note ? <>，意见：{lastRejection.note}</> : null}。请修改后再次提请审议。
        </div>
      ) : null}

      {editable ? (
        <div className="card">
          <h2 className="inq-card-title">起草与修改</h2>
          <Form method="post" encType="multipart/form-data" noValidate key={inquiry.version}>
            <FormError feedback={save} />
            <input type="hidden" name="intent" value="save" />
            <input type="hidden" name="version" value={inquiry.version} />
            <RichTextEditor
              name="plan"
              label="工作方案"
              defaultValue={save?.values?.plan ?? inquiry.planJson}
              error={firstError(save, "plan")}
              rows={14}
              hint={
                inquiry.planStatus === "approved"
                  ? "工作方案已经主任会议批准；修改内容后需重新提请主任会议审议。"
                  : "写明询问主题、法律依据、时间安排、应询部门、会前调研安排等。"
              }
            />
            <AttachmentList files={attachments} />
            <AttachmentField name="files" label="上传附件" error={firstError(save, "files")} />
            <button type="submit" disabled={busyIntent === "save"}>
              {busyIntent === "save" ? "正在保存…" : "保存工作方案"}
            </button>
          </Form>
        </div>
      ) : (
        <div className="card">
          <h2 className="inq-card-title">方案正文</h2>
          {inquiry.planStatus === "submitted" ? <p className="muted">工作方案已提请主任会议审议，审议结果记录前不能修改。</p> : null}
          {inquiry.planText ? <RichTextView html={inquiry.planHtml} className="inq-plan" /> : <p className="muted">尚未起草工作方案。</p>}
          {attachments.length ? (
            <>
              <h3 className="inq-h3">附件</h3>
              <AttachmentList files={attachments} />
            </>
          ) : null}
        </div>
      )}

      {canManage && (inquiry.planStatus === "draft" || inquiry.planStatus === "rejected") ? (
        <div className="card">
          <h2 className="inq-card-title">提请主任会议审议</h2>
          <Form method="post" noValidate>
            <FormError feedback={submit} />
            <input type="hidden" name="intent" value="submit" />
            <input type="hidden" name="version" value={inquiry.version} />
            <p className="muted">
              {inquiry.planStatus === "rejected" ? "按主任会议意见修改并保存后，" : "保存后，"}
              将工作方案提请主任会议审议。提请后至审议结果记录前，方案不能修改。
            </p>
            {inquiry.backEntry ? <BackEntryDate label="提请审议日期" feedback={submit} /> : null}
            <button type="submit" disabled={busyIntent === "submit"}>
              {inquiry.planStatus === "rejected" ? "再次提请主任会议审议" : "提请主任会议审议"}
            </button>
          </Form>
        </div>
      ) : null}

      {canManage && inquiry.planStatus === "submitted" ? (
        <div className="card">
          <h2 className="inq-card-title">记录主任会议审议结果</h2>
          <Form method="post" noValidate>
            <FormError feedback={decide} />
            <input type="hidden" name="intent" value="decide" />
            <input type="hidden" name="version" value={inquiry.version} />
            <fieldset className="field inq-radios" aria-describedby={firstError(decide, "decision") ? "f-decision-error" : undefined}>
              <legend className="field-label">
                审议结果<span className="required">*</span>
              </legend>
              <label>
                <input type="radio" name="decision" value="approve" defaultChecked={decide?.values?.decision === "approve"} /> 批准
              </label>
              <label>
                <input type="radio" name="decision" value="reject" defaultChecked={decide?.values?.decision === "reject"} /> 驳回
              </label>
              {firstError(decide, "decision") ? (
                <p id="f-decision-error" className="field-error">
                  {firstError(decide, "decision")}
                </p>
              ) : null}
            </fieldset>
            <DateField name="decidedOn" label="审议日期" feedback={decide} defaultValue={inquiry.backEntry ? "" : today} required hint={inquiry.backEntry ? "补录：主任会议实际召开的日期，不能早于提请审议日期" : "主任会议召开的日期"} />
            <TextAreaField name="note" label="主任会议意见" feedback={decide} rows={3} maxLength={2000} hint="驳回时必填：写明需要修改的内容" />
            <button type="submit" disabled={busyIntent === "decide"}>
              记录审议结果
            </button>
          </Form>
        </div>
      ) : null}

      {canManage && !gate.open ? (
        <div className="card" data-testid="plan-proceed">
          <h2 className="inq-card-title">先行开展</h2>
          <p className="muted">
            工作方案经主任会议批准前，委托调研、询问提纲、询问会及满意度测评均不能开展。如主任会议已以其他方式（如纸质件）批准，或因故须先行开展，请记录理由；理由将显示在概况的阶段进度和审议记录中，并记入操作日志。
          </p>
          <PlanProceedForm inquiryId={inquiry.id} feedback={proceed} />
        </div>
      ) : null}

      <div className="card">
        <h2 className="inq-card-title">审议记录</h2>
        {history.length === 0 ? (
          <p className="muted">工作方案尚未提请主任会议审议。</p>
        ) : (
          <ol className="inq-history" data-testid="plan-history">
            {history.map((h) => (
              <li key={h.id} className={`inq-history-item inq-history-${h.action}`} data-action={h.action}>
                <div className="inq-history-head">
                  <strong>{HISTORY_LABELS[h.action]}</strong>
                  <span>{h.action === "submitted" ? (h.back_entered ? formatDate(h.created_at) : formatDateTime(h.created_at)) : formatDate(h.decided_on)}</span>
                  {h.back_entered ? <span className="badge" data-testid="back-entered">补录</span> : null}
                  <span className="muted">经办人：{h.actor_name ?? "—"}</span>
                  {h.action !== "submitted" ? <span className="muted">记录于 {formatDateTime(h.created_at)}</span> : null}
                </div>
                {h.note ? <p className="inq-history-note">{h.action === "proceeded" ? "理由" : "意见"}：{h.note}</p> : null}
                <details>
                  <summary>{h.action === "submitted" ? "提请审议的方案文本" : "审议时的方案文本"}</summary>
                  {h.plan_html ? <RichTextView html={h.plan_html} className="inq-plan" /> : <p className="muted">（空）</p>}
                </details>
              </li>
            ))}
          </ol>
        )}
      </div>
    </section>
  );
}
