import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { InquiryNav } from "~/components/PageNav";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { checkUploads, filesFromForm, listAttachments, UPLOAD_FORM_LIMIT_BYTES } from "~/attachments/attachments.server";
import { actorOf, requireUser } from "~/auth/session.server";
import { AttachmentField, AttachmentList, DeadlineBadge } from "~/components/attachments";
import { firstError, FormError, type FormFeedback } from "~/components/forms";
import { RichTextEditor, RichTextView } from "~/components/RichTextEditor";
import { getDb } from "~/db.server";
import { parseId } from "~/meeting/forms.server";
import { WRITTEN_REPLY_STATUS_LABELS } from "~/meeting/labels";
import { answerWrittenReply, getWrittenReply, WRITTEN_REPLY_NEAR_DAYS } from "~/meeting/written-replies.server";
import { canAnswerWrittenReply, canReadMeetingRecord, canReadWrittenReply, forbidden, notFound } from "~/policy.server";
import { richTextFromForm } from "~/richtext/richtext.server";
import { fields, readFormData } from "~/utils/forms.server";
import { formatDate, formatDateTime } from "~/utils/time";
import { redirectWithToast } from "~/utils/toast.server";

/**
 * A question not answered on the spot: the department answers it in writing by the due date (rich text and
 * attachments); staff and members read the answer. Another department gets 403.
 */
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `书面答复 · ${data?.reply.department_name ?? ""} · 询问` }];

async function load(request: Request, params: { id?: string }) {
  const user = await requireUser(request);
  const db = getDb();
  const reply = await getWrittenReply(db, parseId(params.id, "该书面答复事项不存在"));
  if (!reply) notFound("该书面答复事项不存在");
  if (!canReadWrittenReply(user, reply)) forbidden("该书面答复事项不属于您所在的单位，您无权查看或办理。");
  return { user, db, reply };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, db, reply } = await load(request, params);
  const files = await listAttachments(db, "written_reply", [reply.id]);
  const canAnswer = canAnswerWrittenReply(user, reply) && reply.status === "open";
  return {
    reply: {
      id: reply.id,
      inquiry_id: reply.inquiry_id,
      inquiry_title: reply.inquiry_title,
      department_name: reply.department_name,
      question_text: reply.question_text,
      due_date: reply.due_date,
      status: reply.status,
      answered_at: reply.answered_at,
      answer_html: reply.answer_html,
      answer_json: canAnswer ? reply.answer_json : "",
      version: reply.version,
      light: reply.light,
      daysLeft: reply.daysLeft,
      segment_id: reply.segment_id,
    },
    files,
    canAnswer,
    canSeeInquiry: canReadMeetingRecord(user, reply.inquiry_id),
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, db, reply } = await load(request, params);
  if (!canAnswerWrittenReply(user, reply) || user.organizationId === null) forbidden("只有承办部门可以提交书面答复。");
  const formData = await readFormData(request, UPLOAD_FORM_LIMIT_BYTES);
  const values = { answer: String(formData.get("answer") ?? "") };
  const refuse = (fieldErrors: Record<string, string[]>) => data({ fieldErrors, values }, { status: 400 });
  const version = fields.version().safeParse(formData.get("version"));
  if (!version.success) return refuse({ _form: ["请求无效，请刷新页面后重试"] });
  const answer = richTextFromForm(formData, "answer", { label: "书面答复", required: true });
  const uploads = await checkUploads(filesFromForm(formData, "files"));
  if (!answer.ok || !uploads.ok) {
    return refuse({ ...(answer.ok ? {} : { answer: [answer.message] }), ...(uploads.ok ? {} : { files: [uploads.message] }) });
  }
  const result = await answerWrittenReply(db, actorOf(user, context), {
    id: reply.id,
    version: version.data,
    organizationId: user.organizationId,
    answer: answer.value,
    files: uploads.files,
  });
  if (!result.ok) return refuse({ [result.field]: [result.message] });
  return redirectWithToast(`/written-replies/${reply.id}`, "书面答复已提交");
}

export default function WrittenReplyPage() {
  const { reply: r, files, canAnswer, canSeeInquiry } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const feedback: FormFeedback | undefined = result;
  return (
    <section className="mt-page">
      <InquiryNav inquiry={{ id: r.inquiry_id, title: r.inquiry_title }} tab="meeting" trail={[{ label: `书面答复：${r.department_name}` }]} />
      <div className="page-head">
        <h1>书面答复：{r.department_name}</h1>
        <div>
          <span className={`badge ${r.status === "answered" ? "ok" : "warn"}`} data-testid="reply-status">{WRITTEN_REPLY_STATUS_LABELS[r.status]}</span>{" "}
          {r.status === "open" ? <DeadlineBadge light={r.light} daysLeft={r.daysLeft} /> : null}
        </div>
      </div>
      <div className="card">
        <dl className="kv">
          <dt>答复期限</dt>
          <dd>{formatDate(r.due_date)}</dd>
          <dt>所属询问</dt>
          <dd>{r.inquiry_title}</dd>
          {r.answered_at ? (
            <>
              <dt>答复时间</dt>
              <dd>{formatDateTime(r.answered_at)}</dd>
            </>
          ) : null}
        </dl>
        <h2>询问会上提出、需书面答复的问题</h2>
        <p className="rs-pre">{r.question_text}</p>
        {r.status === "open" ? <p className="muted rs-small">截止日期前 {WRITTEN_REPLY_NEAR_DAYS} 天内显示“临近期限”，超过截止日期显示“已逾期”。</p> : null}
      </div>
      {canAnswer ? (
        <div className="card">
          <h2 className="rs-card-title">填写书面答复</h2>
          <Form method="post" encType="multipart/form-data" noValidate>
            <FormError feedback={feedback} />
            <input type="hidden" name="version" value={r.version} />
            <RichTextEditor name="answer" label="答复内容" required defaultValue={feedback?.values?.answer ?? r.answer_json} error={firstError(feedback, "answer")} rows={12} />
            <AttachmentField label="附件" error={firstError(feedback, "files")} />
            <button type="submit" disabled={navigation.state === "submitting"}>提交书面答复</button>
            <p className="field-hint">提交后不能再修改；如需补充，请联系人大工作人员。</p>
          </Form>
        </div>
      ) : (
        <div className="card">
          <h2 className="rs-card-title">书面答复</h2>
          {r.status === "answered" ? (
            <>
              <RichTextView html={r.answer_html} />
              <AttachmentList files={files} />
            </>
          ) : (
            <p className="muted">部门尚未答复。</p>
          )}
        </div>
      )}
    </section>
  );
}
