import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { InquiryNav } from "~/components/PageNav";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { actorOf } from "~/auth/session.server";
import { firstError, FormError, type FormFeedback } from "~/components/forms";
import { RichTextEditor, RichTextView } from "~/components/RichTextEditor";
import { loadInquiryFor } from "~/inquiries/inquiries.server";
import { canManageRectification, canReadInquiry, forbidden } from "~/policy.server";
import { ProgressBar } from "~/rectification/components";
import { HANDLING_REPORT_STATUS_LABELS } from "~/rectification/labels";
import { closeInquiry, closingChecklist } from "~/rectification/closing.server";
import { richTextFromForm } from "~/richtext/richtext.server";
import { readFormData } from "~/utils/forms.server";
import { formatDate, formatDateTime } from "~/utils/time";
import { redirectWithToast } from "~/utils/toast.server";
import { idField } from "~/utils/ids";

/**
 * 办结: when every item is closed or carried over and the government's handling report is accepted, staff
 * close the inquiry with a closing record. Afterwards the page shows the record.
 */
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `办结 · ${data?.inquiry.title ?? "专题询问"} · 询问` }];

const load = (request: Request, params: { id?: string }) => loadInquiryFor(request, params, canReadInquiry, "办结记录仅供人大工作人员和委员查阅。");

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, db, inquiry } = await load(request, params);
  const check = await closingChecklist(db, inquiry.id);
  return {
    inquiry: {
      id: inquiry.id,
      title: inquiry.title,
      version: inquiry.version,
      closed: inquiry.stage === "closed",
      closed_at: inquiry.closed_at,
      closing_record_html: inquiry.closing_record_html,
    },
    check,
    canManage: canManageRectification(user),
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, db, inquiry } = await load(request, params);
  if (!canManageRectification(user)) forbidden("只有人大工作人员可以办结专题询问。");
  const formData = await readFormData(request, 1024 * 1024);
  const values = { record: String(formData.get("record") ?? "") };
  const version = idField().safeParse(formData.get("version"));
  if (!version.success) return data({ fieldErrors: { _form: ["请求无效，请刷新页面后重试"] }, values }, { status: 400 });
  const record = richTextFromForm(formData, "record", { label: "办结记录", required: true });
  if (!record.ok) return data({ fieldErrors: { record: [record.message] }, values }, { status: 400 });
  const result = await closeInquiry(db, actorOf(user, context), { inquiryId: inquiry.id, version: version.data, record: record.value });
  if (!result.ok) return data({ fieldErrors: { [result.field]: [result.message] }, values }, { status: 400 });
  return redirectWithToast(`/inquiries/${inquiry.id}/close`, `「${inquiry.title}」已办结`);
}

export default function ClosePage() {
  const { inquiry, check, canManage } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const feedback: FormFeedback | undefined = result;
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  return (
    <section className="rs-page rect-page">
      <InquiryNav inquiry={inquiry} tab="close" />
      <div className="page-head">
        <div>
          <h1>{inquiry.closed ? "办结记录" : "办结专题询问"}</h1>
        </div>
        {inquiry.closed ? <span className="badge ok" data-testid="closed-badge">已办结 · {formatDateTime(inquiry.closed_at)}</span> : null}
      </div>

      <div className="card">
        <h2 className="rs-card-title">办结条件</h2>
        <ProgressBar closed={check.closed} total={check.total} carriedOver={check.carriedOver} />
        <ul className="inq-facts" data-testid="closing-checklist">
          <li className={check.open === 0 ? "rect-ok" : "rect-open"}>
            整改事项：共 {check.total} 项，已销号 {check.closed} 项，结转 {check.carriedOver} 项{check.open ? `，尚有 ${check.open} 项未办结` : "，全部办结"}
          </li>
          <li className={check.report?.status === "accepted" ? "rect-ok" : "rect-open"}>
            研究处理情况报告：
            {check.report ? `第 ${check.report.round} 轮 · ${HANDLING_REPORT_STATUS_LABELS[check.report.status]}（期限 ${formatDate(check.report.due_date)}）` : "尚未报送"}{" "}
            <Link to={`/inquiries/${inquiry.id}/handling-report`}>查看</Link>
          </li>
        </ul>
        {!inquiry.closed && !check.canClose ? <p className="inq-notice bad" data-testid="closing-blocked">暂不能办结：{check.reasons.join("；")}。</p> : null}
      </div>

      {inquiry.closed ? (
        <div className="card" data-testid="closing-record">
          <h2 className="rs-card-title">办结记录</h2>
          <RichTextView html={inquiry.closing_record_html} />
        </div>
      ) : canManage ? (
        <div className="card">
          <h2 className="rs-card-title">办结记录</h2>
          <Form method="post" noValidate>
            <FormError feedback={feedback} />
            <input type="hidden" name="version" value={inquiry.version} />
            <RichTextEditor
              name="record"
              label="办结记录"
              required
              defaultValue={feedback?.values?.record ?? ""}
              error={firstError(feedback, "record")}
              rows={8}
              hint="写明整改总体情况、结转事项的后续跟踪安排和办结意见"
            />
            <button type="submit" disabled={busy || !check.canClose}>办结</button>
          </Form>
        </div>
      ) : null}
    </section>
  );
}
