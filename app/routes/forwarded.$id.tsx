import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { actorOf, requireUser } from "~/auth/session.server";
import { DeadlineBadge } from "~/components/attachments";
import { firstError, FormError, TextAreaField, type FormFeedback } from "~/components/forms";
import { RichTextEditor, RichTextView } from "~/components/RichTextEditor";
import { getDb } from "~/db.server";
import { actOnForwarding, forwardingScope, getForwarding, loadSubject, type ForwardingAction } from "~/followup/forwarding.server";
import { FORWARDING_STATUS_LABELS } from "~/followup/labels";
import { canDecideForwarding, canForward, canReadForwarding, canReadForwardingReport, canReadInquiry, canWriteForwardingReport, forbidden, notFound } from "~/policy.server";
import { richTextFromForm } from "~/richtext/richtext.server";
import { deadlineLight } from "~/utils/deadline";
import { fields, readFormData } from "~/utils/forms.server";
import { idField } from "~/utils/ids";
import { formatDate, formatDateTime, todayInShanghai } from "~/utils/time";
import { redirectWithToast } from "~/utils/toast.server";

/**
 * One forwarded record (下转, issue 21): the organisation it was forwarded to reads the record's summary and its
 * brief, writes and submits its report; the organisation that forwarded it accepts or returns the report; the
 * city's staff and members see its status only. Any other organisation: 403.
 */
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data ? data.subject.title : "下转事项"} · 询问` }];

const DENIED = "该下转事项不属于您所在的单位，您无权查看或办理。";

async function load(request: Request, params: { id?: string }) {
  const user = await requireUser(request);
  const id = idField().safeParse(params.id);
  if (!id.success) notFound("该下转事项不存在");
  const db = getDb();
  const f = await getForwarding(db, id.data);
  if (!f) notFound("该下转事项不存在");
  if (!canReadForwarding(user, f)) forbidden(DENIED);
  const subject = await loadSubject(db, { type: f.subject_type, id: f.subject_id });
  if (!subject || (!subject.live && !canReadInquiry(user, subject.inquiryId))) notFound("该下转事项不存在");
  return { user, db, f, subject };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, f, subject } = await load(request, params);
  const showReport = canReadForwardingReport(user, f);
  const writer = canWriteForwardingReport(user, f);
  return {
    forwarding: {
      id: f.id,
      from_name: f.from_name,
      to_name: f.to_name,
      brief: f.brief,
      due_date: f.due_date,
      status: f.status,
      version: f.version,
      return_comment: f.return_comment,
      submitted_at: f.submitted_at,
      accepted_at: f.accepted_at,
      compiled_at: f.compiled_at,
      report_json: writer ? f.report_json : "",
      report_html: showReport ? f.report_html : "",
      ...deadlineLight(f.due_date, todayInShanghai(), 3, f.status === "submitted" || f.status === "accepted"),
    },
    subject: {
      title: subject.title,
      inquiryTitle: subject.inquiryTitle,
      summary: subject.summary,
      dueDate: subject.dueDate,
      // the record's own page: for whoever holds it or reads the inquiry (not the township)
      link: canForward(user, subject) || canReadInquiry(user, subject.inquiryId) ? subject.link : null,
    },
    canEdit: writer && subject.live && (f.status === "pending" || f.status === "returned"),
    canDecide: canDecideForwarding(user, f) && subject.live && f.status === "submitted",
    showReport,
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, db, f } = await load(request, params);
  const formData = await readFormData(request, 1024 * 1024);
  const intent = String(formData.get("intent") ?? "") as ForwardingAction;
  const refuse = (fieldErrors: Record<string, string[]>, values: Record<string, string>) =>
    data({ intent: intent === "submit" ? "save_draft" : (intent as string), fieldErrors, values }, { status: 400 });
  const version = fields.version().safeParse(formData.get("version"));
  const here = `/forwarded/${f.id}`;
  const actor = actorOf(user, context);
  if (intent === "save_draft" || intent === "submit") {
    if (!canWriteForwardingReport(user, forwardingScope(f))) forbidden("只有接收下转的单位可以填写和报送报告。");
    const values = { report: String(formData.get("report") ?? ""), report__format: String(formData.get("report__format") ?? "") };
    if (!version.success) return refuse({ _form: ["请求无效，请刷新页面后重试"] }, values);
    const report = richTextFromForm(formData, "report", { label: "报告", required: intent === "submit" });
    if (!report.ok) return refuse({ report: [report.message] }, values);
    const result = await actOnForwarding(db, user, actor, { id: f.id, version: version.data, action: intent, report: report.value });
    if (!result.ok) return refuse({ [result.field]: [result.message] }, values);
    return redirectWithToast(here, intent === "submit" ? `报告已报送${f.from_name}` : "草稿已保存");
  }
  if (intent === "accept" || intent === "return") {
    if (!canDecideForwarding(user, f)) forbidden("只有下转该事项的单位可以采纳或退回报告。");
    const values = { comment: String(formData.get("comment") ?? "") };
    const comment = fields.optionalText("修改意见", 2000).safeParse(formData.get("comment") ?? undefined);
    if (!version.success) return refuse({ _form: ["请求无效，请刷新页面后重试"] }, values);
    if (!comment.success) return refuse({ comment: [comment.error.issues[0]?.message ?? "修改意见无效"] }, values);
    const result = await actOnForwarding(db, user, actor, { id: f.id, version: version.data, action: intent, comment: comment.data });
    if (!result.ok) return refuse({ [result.field]: [result.message] }, values);
    return redirectWithToast(here, intent === "accept" ? `已采纳${f.to_name}的报告` : `已退回${f.to_name}修改`);
  }
  return refuse({ _form: ["未知的操作，请刷新页面后重试"] }, {});
}

export default function ForwardedPage() {
  const { forwarding: f, subject, canEdit, canDecide, showReport } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const reportFeedback: FormFeedback | undefined = result?.intent === "save_draft" ? result : undefined;
  const decideFeedback: FormFeedback | undefined = result?.intent === "accept" || result?.intent === "return" ? result : undefined;
  return (
    <section className="rs-page">
      <p className="muted rs-small">
        <Link to="/my">我的待办</Link> › 下转事项
      </p>
      <div className="page-head">
        <h1>{subject.title}</h1>
        <div className="rs-status-box">
          <span className="badge" data-testid="forwarding-status">{FORWARDING_STATUS_LABELS[f.status]}</span>{" "}
          {f.status === "pending" || f.status === "returned" ? <DeadlineBadge light={f.light} daysLeft={f.daysLeft} /> : null}
        </div>
      </div>
      <div className="card">
        <dl className="kv">
          <dt>所属询问</dt>
          <dd>{subject.inquiryTitle}</dd>
          <dt>下转单位</dt>
          <dd>{f.from_name}</dd>
          <dt>承办单位</dt>
          <dd>{f.to_name}</dd>
          <dt>截止日期</dt>
          <dd>{formatDate(f.due_date)}</dd>
          {f.submitted_at ? (
            <>
              <dt>报送时间</dt>
              <dd>{formatDateTime(f.submitted_at)}</dd>
            </>
          ) : null}
        </dl>
        <h2>事项内容</h2>
        <p className="rs-pre" data-testid="forwarded-summary">{subject.summary}</p>
        {f.brief ? (
          <>
            <h2>下转要求</h2>
            <p className="rs-pre">{f.brief}</p>
          </>
        ) : null}
        {subject.link ? <p><Link to={subject.link}>查看{subject.title}</Link></p> : null}
      </div>
      {f.status === "returned" && f.return_comment ? (
        <div className="rs-returned" role="note">
          <strong>退回修改意见：</strong>
          <span className="rs-pre">{f.return_comment}</span>
        </div>
      ) : null}
      {canEdit ? (
        <div className="card">
          <h2 className="rs-card-title">报告</h2>
          <Form method="post" noValidate key={`report-${f.version}`}>
            <FormError feedback={reportFeedback} />
            <input type="hidden" name="version" value={f.version} />
            <RichTextEditor name="report" label="报告正文" required defaultValue={reportFeedback?.values?.report ?? f.report_json} error={firstError(reportFeedback, "report")} rows={10} />
            <div className="rs-buttons">
              <button type="submit" name="intent" value="save_draft" className="secondary" disabled={busy}>保存草稿</button>
              <button type="submit" name="intent" value="submit" disabled={busy}>报送</button>
            </div>
          </Form>
        </div>
      ) : (
        <div className="card">
          <h2 className="rs-card-title">报告</h2>
          {showReport && f.report_html ? <RichTextView html={f.report_html} /> : <p className="muted">{showReport ? "尚未报送报告。" : "报告由下转单位审阅汇总，此处只显示办理状态。"}</p>}
        </div>
      )}
      {canDecide ? (
        <div className="card" data-testid="forwarding-review">
          <h2 className="rs-card-title">审阅</h2>
          <FormError feedback={decideFeedback} />
          <Form method="post" noValidate>
            <input type="hidden" name="version" value={f.version} />
            <button type="submit" name="intent" value="accept" disabled={busy}>采纳报告</button>
          </Form>
          <Form method="post" noValidate>
            <input type="hidden" name="version" value={f.version} />
            <input type="hidden" name="intent" value="return" />
            <TextAreaField name="comment" label="修改意见" feedback={decideFeedback} maxLength={2000} />
            <button type="submit" className="secondary" disabled={busy}>退回修改</button>
          </Form>
        </div>
      ) : null}
    </section>
  );
}
