import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { ChasePanel } from "~/queue/ChasePanel";
import { personName } from "~/utils/names";
import { formatDatesInText } from "~/utils/time";
import { InquiryNav } from "~/components/PageNav";
import { chasePanelData } from "~/queue/chase.server";
import { forwardingAction, forwardingPanelData } from "~/followup/forwarding-panel.server";
import { ForwardingPanel } from "~/followup/ForwardingPanel";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { checkUploads, filesFromForm, listAttachments, UPLOAD_FORM_LIMIT_BYTES } from "~/attachments/attachments.server";
import { actorOf, requireUser } from "~/auth/session.server";
import { AttachmentField, AttachmentList, DeadlineBadge } from "~/components/attachments";
import { firstError, FormError, type FormFeedback } from "~/components/forms";
import { RichTextEditor, RichTextView } from "~/components/RichTextEditor";
import { getDb } from "~/db.server";
import { BackEntryDate } from "~/components/history";
import { dateContext } from "~/history/dates.server";
import { DELEGATION_STATUS_LABELS, SURVEY_EVENT_LABELS } from "~/labels";
import { canReadDelegationReport, canManageInquiry, canReadDelegation, canReadInquiry, canWriteDelegationReport, forbidden, notFound } from "~/policy.server";
import { richTextFromForm } from "~/richtext/richtext.server";
import { actOnDelegation, delegationHistory, getDelegation, type DelegationAction } from "~/surveys/surveys.server";
import { fields, readFormData } from "~/utils/forms.server";
import { formatDate, formatDateTime } from "~/utils/time";
import { redirectWithToast } from "~/utils/toast.server";
import type { DelegationStatus } from "../../db/schema";
import { idField } from "~/utils/ids";
import { idParam } from "~/utils/route.server";

/**
 * One delegated survey. The county it is delegated to writes, saves and submits the report; staff read it and
 * accept it or return it with a comment; members read. Any other county or a department gets 403.
 */
export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data ? `${data.delegation.organization_name} · ${data.delegation.title}` : "委托调研"} · 询问` },
];

const IdSchema = idField();
const DENIED = "该委托调研不属于您所在的单位，您无权查看或办理。";

async function load(request: Request, params: { id?: string }) {
  const user = await requireUser(request);
  const id = idParam(params.id, "该委托调研不存在");
  const db = getDb();
  const delegation = await getDelegation(db, id);
  if (!delegation) notFound("该委托调研不存在");
  if (!canReadDelegation(user, delegation)) forbidden(DENIED);
  return { user, db, delegation };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, db, delegation: d } = await load(request, params);
  const [history, requestFiles, reportFiles] = await Promise.all([
    delegationHistory(db, d.id),
    listAttachments(db, "survey_request", [d.request_id]),
    listAttachments(db, "survey_report", [d.id]),
  ]);
  const isCounty = canWriteDelegationReport(user, d);
  const isStaff = canManageInquiry(user);
  // Staff and members read what the county handed in; a draft stays the county's until it is submitted.
  const showReport = canReadDelegationReport(user, d);
  const chase = await chasePanelData(db, user, { type: "survey", id: d.id });
  const forwarding = await forwardingPanelData(db, user, { type: "delegation", id: d.id }, d.status === "pending" || d.status === "returned");
  return {
    chase,
    forwarding,
    delegation: {
      id: d.id,
      inquiry_id: d.inquiry_id,
      inquiry_title: d.inquiry_title,
      request_id: d.request_id,
      title: d.title,
      due_date: d.due_date,
      brief_html: d.brief_html,
      organization_name: d.organization_name,
      status: d.status,
      light: d.light,
      daysLeft: d.daysLeft,
      return_comment: d.return_comment,
      draft_saved_at: d.draft_saved_at,
      submitted_at: d.submitted_at,
      accepted_at: d.accepted_at,
      version: d.version,
      report_json: isCounty ? d.report_json : "",
      report_html: showReport ? d.report_html : "",
      has_report: d.report_text.length > 0,
    },
    history,
    requestFiles,
    reportFiles: showReport ? reportFiles : [],
    isCounty,
    canEdit: isCounty && (d.status === "pending" || d.status === "returned"),
    canReview: isStaff && d.status === "submitted",
    canOverview: canReadInquiry(user, d.inquiry_id),
    backEntry: (await dateContext(db, d.inquiry_id)).backEntry,
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, db, delegation } = await load(request, params);
  const formData = await readFormData(request, UPLOAD_FORM_LIMIT_BYTES);
  const intent = String(formData.get("intent") ?? "") as DelegationAction;
  const refuse = (fieldErrors: Record<string, string[]>, values: Record<string, string>) =>
    data({ intent: intent === "submit" ? "save_draft" : (intent as string), fieldErrors, values }, { status: 400 });
  const version = fields.version().safeParse(formData.get("version"));
  const actor = actorOf(user, context);
  const here = `/surveys/${delegation.id}`;
  if ((intent as string) === "forward" || (intent as string) === "compile") return forwardingAction(db, user, actor, { type: "delegation", id: delegation.id }, formData, here);

  if (intent === "save_draft" || intent === "submit") {
    if (!canWriteDelegationReport(user, delegation)) forbidden("只有承担该委托调研的县区人大可以填写和提交报告。");
    const on = String(formData.get("on") ?? "");
    const values = { report: String(formData.get("report") ?? ""), report__format: String(formData.get("report__format") ?? ""), on };
    if (!version.success) return refuse({ _form: ["请求无效，请刷新页面后重试"] }, values);
    const report = richTextFromForm(formData, "report", { label: "调研报告" });
    const uploads = await checkUploads(filesFromForm(formData, "files"));
    const fieldErrors: Record<string, string[]> = {};
    if (!report.ok) fieldErrors.report = [report.message];
    else if (intent === "submit" && !report.value.text) fieldErrors.report = ["请填写调研报告后再提交"];
    if (!uploads.ok) fieldErrors.files = [uploads.message];
    if (!report.ok || !uploads.ok || Object.keys(fieldErrors).length) return refuse(fieldErrors, values);
    const result = await actOnDelegation(db, actor, { id: delegation.id, version: version.data, action: intent, report: report.value, files: uploads.files, on });
    if (!result.ok) return refuse({ [result.field]: [result.message] }, values);
    return redirectWithToast(here, intent === "submit" ? "调研报告已提交，请等待人大工作人员审阅" : "草稿已保存");
  }
  if (intent === "accept" || intent === "return") {
    if (!canManageInquiry(user)) forbidden("只有人大工作人员可以采纳或退回调研报告。");
    const comment = fields.optionalText("修改意见", 2000).safeParse(formData.get("comment") ?? undefined);
    const on = String(formData.get("on") ?? "");
    const values = { comment: String(formData.get("comment") ?? ""), on };
    if (!version.success) return refuse({ _form: ["请求无效，请刷新页面后重试"] }, values);
    if (!comment.success) return refuse({ comment: [comment.error.issues[0]?.message ?? "修改意见无效"] }, values);
    const result = await actOnDelegation(db, actor, { id: delegation.id, version: version.data, action: intent, comment: comment.data, on: intent === "accept" ? on : undefined });
    if (!result.ok) return refuse({ [result.field]: [result.message] }, values);
    return redirectWithToast(here, intent === "accept" ? `已采纳${delegation.organization_name}的调研报告` : `已退回${delegation.organization_name}修改`);
  }
  return refuse({ _form: ["未知的操作，请刷新页面后重试"] }, {});
}

const STATUS_CLASS: Record<DelegationStatus, string> = { pending: "", submitted: "warn", accepted: "ok", returned: "bad" };

export default function DelegationPage() {
  const { delegation: d, history, requestFiles, reportFiles, isCounty, canEdit, canReview, canOverview, chase, forwarding, backEntry } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const reportFeedback: FormFeedback | undefined = result?.intent === "save_draft" ? result : undefined;
  const reviewFeedback: FormFeedback | undefined = result?.intent === "accept" || result?.intent === "return" ? result : undefined;
  const open = d.status === "pending" || d.status === "returned";
  return (
    <section className="rs-page">
      <InquiryNav inquiry={{ id: d.inquiry_id, title: d.inquiry_title }} tab="surveys" trail={[{ label: d.title }]} />
      <div className="page-head">
        <div>
          <h1>{d.title}</h1>
        </div>
        <div className="rs-status-box">
          <span className={`badge ${STATUS_CLASS[d.status]}`} data-testid="delegation-status">{DELEGATION_STATUS_LABELS[d.status]}</span>{" "}
          {open ? <DeadlineBadge light={d.light} daysLeft={d.daysLeft} /> : null}
        </div>
      </div>

      <div className="card">
        <dl className="kv">
          <dt>承担单位</dt>
          <dd>{d.organization_name}</dd>
          <dt>截止日期</dt>
          <dd>{formatDate(d.due_date)}</dd>
          <dt>所属询问</dt>
          <dd>{d.inquiry_title}</dd>
          {d.submitted_at ? (
            <>
              <dt>提交时间</dt>
              <dd>{formatDateTime(d.submitted_at)}</dd>
            </>
          ) : null}
          {d.accepted_at ? (
            <>
              <dt>采纳时间</dt>
              <dd>{formatDateTime(d.accepted_at)}</dd>
            </>
          ) : null}
        </dl>
        <h2>调研要求</h2>
        <RichTextView html={d.brief_html} />
        <AttachmentList files={requestFiles} />
      </div>

      {d.status === "returned" && d.return_comment ? (
        <div className="rs-returned" role="note" data-testid="return-comment">
          <strong>退回修改意见：</strong>
          <span className="rs-pre">{d.return_comment}</span>
          {isCounty ? <p className="rs-small">请按意见修改报告后重新提交。</p> : null}
        </div>
      ) : null}

      {canEdit ? (
        <div className="card">
          <h2 className="rs-card-title">调研报告</h2>
          {d.draft_saved_at ? <p className="muted rs-small">草稿保存于 {formatDateTime(d.draft_saved_at)}</p> : null}
          <Form method="post" encType="multipart/form-data" noValidate key={`report-${d.version}`}>
            <FormError feedback={reportFeedback} />
            <input type="hidden" name="version" value={d.version} />
            <RichTextEditor name="report" label="报告正文" required defaultValue={reportFeedback?.values?.report ?? d.report_json} error={firstError(reportFeedback, "report")} rows={14} />
            <AttachmentList files={reportFiles} />
            <AttachmentField label="添加附件" error={firstError(reportFeedback, "files")} />
            {backEntry ? <BackEntryDate label="报送日期" feedback={reportFeedback} /> : null}
            <div className="rs-buttons">
              <button type="submit" name="intent" value="save_draft" className="secondary" disabled={busy}>保存草稿</button>
              <button type="submit" name="intent" value="submit" disabled={busy}>提交报告</button>
            </div>
            <p className="field-hint">提交后报告交由人大工作人员审阅，审阅期间不能修改；如被退回，可修改后重新提交。</p>
          </Form>
        </div>
      ) : (
        <div className="card">
          <h2 className="rs-card-title">调研报告</h2>
          {d.report_html && d.has_report ? (
            <>
              {d.status === "returned" ? <p className="muted rs-small">已退回修改，以下为县区当前稿，重新提交前可能仍在修改。</p> : null}
              <RichTextView html={d.report_html} />
              <AttachmentList files={reportFiles} />
            </>
          ) : (
            <p className="muted">{d.draft_saved_at && !isCounty ? "县区已开始起草，尚未提交报告。" : "尚未提交报告。"}</p>
          )}
        </div>
      )}

      {canReview ? (
        <div className="card" data-testid="review">
          <h2 className="rs-card-title">审阅</h2>
          <FormError feedback={reviewFeedback} />
          <div className="rs-review">
            <Form method="post" noValidate>
              <input type="hidden" name="version" value={d.version} />
              <input type="hidden" name="intent" value="accept" />
              <p className="muted rs-small">报告符合要求的，予以采纳。</p>
              {backEntry ? <BackEntryDate label="采纳日期" feedback={result?.intent === "accept" ? result : undefined} /> : null}
              <button type="submit" disabled={busy}>采纳报告</button>
            </Form>
            <Form method="post" noValidate className="rs-return-form">
              <input type="hidden" name="version" value={d.version} />
              <input type="hidden" name="intent" value="return" />
              <div className="field">
                <label htmlFor="f-comment" className="field-label">修改意见<span className="required">*</span></label>
                <textarea
                  id="f-comment"
                  name="comment"
                  rows={3}
                  defaultValue={reviewFeedback?.values?.comment ?? ""}
                  aria-invalid={firstError(reviewFeedback, "comment") ? true : undefined}
                  aria-describedby={firstError(reviewFeedback, "comment") ? "f-comment-error" : undefined}
                />
                <p className="field-limit">不超过 2000 字</p>
                {firstError(reviewFeedback, "comment") ? <p id="f-comment-error" className="field-error">{firstError(reviewFeedback, "comment")}</p> : null}
              </div>
              <button type="submit" className="secondary" disabled={busy}>退回修改</button>
            </Form>
          </div>
        </div>
      ) : null}

      <ForwardingPanel panel={forwarding} what="委托调研" />
      <ChasePanel data={chase} />

      <h2>办理记录</h2>
      <table className="data" data-testid="history">
        <thead>
          <tr>
            <th style={{ width: "13em" }}>时间</th>
            <th style={{ width: "7em" }}>环节</th>
            <th style={{ width: "16em" }}>办理人</th>
            <th>意见</th>
          </tr>
        </thead>
        <tbody>
          {history.map((e) => (
            <tr key={e.id}>
              <td>{formatDateTime(e.at)}</td>
              <td>{SURVEY_EVENT_LABELS[e.action] ?? e.action}</td>
              <td>{personName(e.actor_label)}</td>
              <td className="rs-pre">{formatDatesInText(e.comment) || "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
