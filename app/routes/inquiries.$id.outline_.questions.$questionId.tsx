import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { InquiryNav } from "~/components/PageNav";
import { Form, Link, useActionData, useLoaderData, useNavigation, type ShouldRevalidateFunction } from "@remix-run/react";
import { z } from "zod";
import { checkUploads, filesFromForm, listAttachments, UPLOAD_FORM_LIMIT_BYTES } from "~/attachments/attachments.server";
import { actorOf, requireUser } from "~/auth/session.server";
import { AttachmentField, AttachmentList } from "~/components/attachments";
import { firstError, FormError } from "~/components/forms";
import { RichTextEditor, RichTextView } from "~/components/RichTextEditor";
import { getDb } from "~/db.server";
import { QuestionFields, SourceList, type OutlineFeedback } from "~/outline/components";
import { ANSWER_STATE_LABELS, OUTLINE_STATUS_LABELS, questionerLabel, type AnswerState } from "~/outline/labels";
import {
  departmentOptions,
  getOutlineHead,
  getQuestion,
  loadOutline,
  questionerOptions,
  sourceOptions,
} from "~/outline/drafting.server";
import {
  getPreparationAnswer,
  issuedQuestion,
  markPreparationAnswerRead,
  savePreparationAnswer,
} from "~/outline/preparation-answers.server";
import { outlineEditable } from "~/outline/workflow.server";
import { QuestionFormSchema, RevisionSchema } from "~/outline/forms.server";
import { updateQuestion } from "~/outline/questions.server";
import {
  canEditOutline,
  canReadPreparationAnswer,
  canReadPreparationAnswerText,
  canReadWholeOutline,
  canSeeOutlineNotes,
  canWritePreparationAnswer,
  forbidden,
  notFound,
} from "~/policy.server";
import { richTextFromForm } from "~/richtext/richtext.server";
import { parseForm, readFormData } from "~/utils/forms.server";
import { formatDate, formatDateTime } from "~/utils/time";
import { redirectWithToast } from "~/utils/toast.server";
import { idField, versionField } from "~/utils/ids";

/**
 * One outline question. Staff edit it (while the outline is editable) and see whether its department has
 * answered; members read it and the submitted answer; the department it is issued to writes its preparation
 * answer (rich text + attachments). Any other department or a county gets 403.
 */
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `询问提纲问题 · ${data?.inquiry.title ?? "专题询问"} · 询问` }];

const IdSchema = idField();
const DENIED = "该问题不是下发给本单位的，您无权查看或答复。";

export const shouldRevalidate: ShouldRevalidateFunction = ({ actionResult, defaultShouldRevalidate }) =>
  (actionResult as { conflict?: boolean } | undefined)?.conflict ? true : defaultShouldRevalidate;

async function load(request: Request, params: { id?: string; questionId?: string }) {
  const user = await requireUser(request);
  const id = IdSchema.safeParse(params.id);
  const qid = IdSchema.safeParse(params.questionId);
  if (!id.success || !qid.success) notFound("该问题不存在");
  const db = getDb();
  const head = await getOutlineHead(db, id.data);
  if (!head) notFound("该专题询问不存在");
  const issued = await issuedQuestion(db, head.id, qid.data);
  if (canReadWholeOutline(user, head.id)) {
    const live = await getQuestion(db, head.id, qid.data);
    if (!live && !issued) notFound("该问题不存在或已被删除");
    return { user, db, head, issued, live, questionId: qid.data };
  }
  // A department reads only a question issued to it; every other case is the same 403 (nothing is revealed).
  if (!issued || !canReadPreparationAnswer(user, { departmentId: issued.question.departmentId, inquiryId: head.id })) forbidden(DENIED);
  return { user, db, head, issued, live: undefined, questionId: qid.data };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, db, head, issued, live, questionId } = await load(request, params);
  const answer = await getPreparationAnswer(db, questionId);
  const isDepartment = !!issued && canWritePreparationAnswer(user, issued.question);
  const ownAnswer = answer && (!isDepartment || answer.department_id === user.organizationId) ? answer : undefined;
  // Staff and members read what the department handed in; a draft stays the department's until submitted.
  const showAnswer = !!ownAnswer && canReadPreparationAnswerText(user, ownAnswer);
  const files = showAnswer && ownAnswer ? await listAttachments(db, "preparation_answer", [ownAnswer.id]) : [];
  const isStaff = canEditOutline(user);
  const editable = isStaff && !!live && outlineEditable(head.outline_status);
  let editor = null;
  if (editable) {
    const outline = await loadOutline(db, head.id);
    editor = {
      keywords: outline.map((k) => ({ id: k.id, keyword: k.keyword })),
      departments: await departmentOptions(db, head.id),
      roster: await questionerOptions(db),
      sources: await sourceOptions(db, head.id),
    };
  }
  return {
    inquiry: { id: head.id, title: head.title, meeting_date: head.meeting_date },
    status: head.outline_status,
    revision: head.outline_revision,
    isDepartment,
    isStaff,
    canOverview: canReadWholeOutline(user, head.id),
    issued: issued
      ? {
          number: issued.number,
          versionNumber: issued.versionNumber,
          keyword: issued.keyword,
          headline: issued.headline,
          text: issued.question.text,
          department: issued.question.departmentName,
          questioner: questionerLabel({ questioner_name: issued.question.questionerName, questioner_role: issued.question.questionerRole }),
        }
      : null,
    live: live
      ? {
          id: live.question.id,
          keywordId: live.keyword.id,
          keyword: live.keyword.keyword,
          headline: live.keyword.headline,
          text: live.question.text,
          department_id: live.question.department_id,
          department: live.question.department_name,
          questioner_user_id: live.question.questioner_user_id,
          questioner_name: live.question.questioner_name,
          questioner_role: live.question.questioner_role,
          questioner: questionerLabel(live.question),
          staff_notes: canSeeOutlineNotes(user) ? live.question.staff_notes : "",
          sources: live.question.sources,
        }
      : null,
    editor,
    answer: {
      state: (ownAnswer?.status ?? "none") as AnswerState,
      version: ownAnswer?.version ?? 0,
      submitted_at: ownAnswer?.submitted_at ?? null,
      read_at: isStaff && ownAnswer?.status === "submitted" ? ownAnswer.read_at : null,
      updated_at: ownAnswer?.updated_at ?? null,
      json: isDepartment ? (ownAnswer?.answer_json ?? "") : "",
      html: showAnswer ? (ownAnswer?.answer_html ?? "") : "",
      files,
    },
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, db, head, issued, live, questionId } = await load(request, params);
  const formData = await readFormData(request, UPLOAD_FORM_LIMIT_BYTES);
  const intent = String(formData.get("intent") ?? "");
  const actor = actorOf(user, context);
  const refuse = (fieldErrors: Record<string, string[]>, values: Record<string, string>, conflict = false) =>
    data({ intent: intent === "submit_answer" ? "save_draft" : intent, fieldErrors, values, conflict }, { status: conflict ? 409 : 400 });

  if (intent === "mark_read") {
    if (!canEditOutline(user)) forbidden("只有人大工作人员可以阅知书面准备答复。");
    const version = RevisionSchema.safeParse(formData.get("version"));
    if (!version.success) return refuse({ _form: ["请求无效，请刷新页面后重试"] }, {});
    const r = await markPreparationAnswerRead(db, actor, { questionId, version: version.data });
    if (!r.ok) return refuse({ [r.field]: [r.message] }, {}, true);
    return redirectWithToast(`/inquiries/${head.id}/outline/questions/${questionId}`, "已标为已阅");
  }
  if (intent === "update_question") {
    if (!canEditOutline(user)) forbidden("只有人大工作人员可以修改询问提纲。");
    if (!live) notFound("该问题已从提纲中删除");
    const revision = RevisionSchema.safeParse(formData.get("revision"));
    const parsed = parseForm(formData, QuestionFormSchema);
    if (!revision.success) return refuse({ _form: ["请求无效，请刷新页面后重试"] }, parsed.values);
    if (!parsed.ok) return refuse(parsed.fieldErrors, parsed.values);
    const r = await updateQuestion(db, actor, { inquiryId: head.id, revision: revision.data, id: questionId, ...parsed.data });
    if (!r.ok) return refuse({ [r.field]: [r.message] }, parsed.values, !!r.conflict);
    return redirectWithToast(`/inquiries/${head.id}/outline#q-${questionId}`, "问题已保存");
  }
  if (intent === "save_draft" || intent === "submit_answer") {
    if (!issued || !canWritePreparationAnswer(user, issued.question) || user.organizationId === null) {
      forbidden("只有该问题下发到的应询部门可以撰写书面准备答复。");
    }
    const values = { answer: String(formData.get("answer") ?? ""), answer__format: String(formData.get("answer__format") ?? "") };
    const version = versionField(0).safeParse(formData.get("version"));
    if (!version.success) return refuse({ _form: ["请求无效，请刷新页面后重试"] }, values);
    const answer = richTextFromForm(formData, "answer", { label: "书面准备答复" });
    const uploads = await checkUploads(filesFromForm(formData, "files"));
    const fieldErrors: Record<string, string[]> = {};
    if (!answer.ok) fieldErrors.answer = [answer.message];
    else if (intent === "submit_answer" && !answer.value.text) fieldErrors.answer = ["请填写书面准备答复后再提交"];
    if (!uploads.ok) fieldErrors.files = [uploads.message];
    if (!answer.ok || !uploads.ok || Object.keys(fieldErrors).length) return refuse(fieldErrors, values);
    const r = await savePreparationAnswer(db, actor, {
      inquiryId: head.id,
      questionId,
      departmentId: user.organizationId,
      version: version.data,
      answer: answer.value,
      submit: intent === "submit_answer",
      files: uploads.files,
    });
    if (!r.ok) return refuse({ [r.field]: [r.message] }, values, !!r.conflict);
    return redirectWithToast(`/inquiries/${head.id}/outline/questions/${questionId}`, intent === "submit_answer" ? "书面准备答复已提交" : "草稿已保存");
  }
  return refuse({ _form: ["未知的操作，请刷新页面后重试"] }, {});
}

const ANSWER_CLASS: Record<AnswerState, string> = { none: "bad", draft: "warn", submitted: "ok" };

export default function QuestionPage() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as OutlineFeedback | undefined;
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const editFeedback = result?.intent === "update_question" ? result : undefined;
  const answerFeedback = result?.intent === "save_draft" ? result : undefined;
  const shown = d.isDepartment ? d.issued : (d.live ?? d.issued);
  return (
    <section className="ol-page">
      <InquiryNav inquiry={d.inquiry} tab="outline" trail={[{ label: d.issued && d.isDepartment ? `第 ${d.issued.number} 题` : "问题" }]} />
      <div className="page-head">
        <div>
          <h1>{d.issued && d.isDepartment ? `第 ${d.issued.number} 题` : "询问提纲问题"}</h1>
        </div>
        <span className={`badge ${ANSWER_CLASS[d.answer.state]}`} data-testid="answer-state">
          书面准备答复：{ANSWER_STATE_LABELS[d.answer.state]}
        </span>
      </div>

      {shown ? (
        <div className="card" data-testid="question-card">
          <p className="muted ol-small">
            关键词：{shown.keyword}
            {shown.headline ? `（${shown.headline}）` : ""}
          </p>
          <p className="ol-q-text ol-q-large" data-testid="question-text">{shown.text}</p>
          <dl className="kv">
            <dt>应询部门</dt>
            <dd>{shown.department}</dd>
            <dt>询问人</dt>
            <dd>{shown.questioner}</dd>
            {d.issued ? (
              <>
                <dt>下发版本</dt>
                <dd>第 {d.issued.versionNumber} 版第 {d.issued.number} 题</dd>
              </>
            ) : null}
            {d.inquiry.meeting_date ? (
              <>
                <dt>询问会</dt>
                <dd>{formatDate(d.inquiry.meeting_date)}</dd>
              </>
            ) : null}
          </dl>
          {d.live && !d.isDepartment ? (
            <>
              <h2 className="ol-subtitle">来源</h2>
              <SourceList sources={d.live.sources} />
              {d.live.staff_notes ? <p className="ol-notes">备注：{d.live.staff_notes}</p> : null}
            </>
          ) : null}
          {d.issued && d.live && !d.isDepartment && d.issued.text !== d.live.text ? (
            <p className="ol-small ol-notice">已下发版本中的问题内容：{d.issued.text}</p>
          ) : null}
        </div>
      ) : null}

      {d.isDepartment ? (
        <div className="card" data-testid="answer-form-card">
          <h2 className="ol-card-title">书面准备答复</h2>
          {d.answer.state === "submitted" ? (
            <p className="muted ol-small">已于 {formatDateTime(d.answer.submitted_at)} 提交。如需补充修改，可修改后再次提交。</p>
          ) : d.answer.updated_at ? (
            <p className="muted ol-small">草稿保存于 {formatDateTime(d.answer.updated_at)}，提交前人大工作人员看不到草稿内容。</p>
          ) : (
            <p className="muted ol-small">请围绕问题撰写书面准备答复，可附相关材料。提交前人大工作人员看不到草稿内容。</p>
          )}
          <Form method="post" encType="multipart/form-data" noValidate key={`answer-${d.answer.version}`}>
            <FormError feedback={answerFeedback} />
            <input type="hidden" name="version" value={d.answer.version} />
            <RichTextEditor name="answer" label="答复内容" required defaultValue={answerFeedback?.values?.answer ?? d.answer.json} error={firstError(answerFeedback, "answer")} rows={12} />
            <AttachmentList files={d.answer.files} />
            <AttachmentField label="添加附件" error={firstError(answerFeedback, "files")} />
            <div className="ol-buttons">
              {d.answer.state !== "submitted" ? (
                <button type="submit" name="intent" value="save_draft" className="secondary" disabled={busy}>保存草稿</button>
              ) : null}
              <button type="submit" name="intent" value="submit_answer" disabled={busy}>{d.answer.state === "submitted" ? "更新并提交" : "提交答复"}</button>
            </div>
          </Form>
        </div>
      ) : (
        <div className="card" data-testid="answer-view">
          <h2 className="ol-card-title">书面准备答复</h2>
          {d.answer.state === "submitted" ? (
            <>
              <p className="muted ol-small">{shown?.department} 于 {formatDateTime(d.answer.submitted_at)} 提交</p>
              <RichTextView html={d.answer.html} />
              <AttachmentList files={d.answer.files} />
              {d.isStaff ? (
                d.answer.read_at ? (
                  <p className="muted ol-small" data-testid="answer-read">已阅 · {formatDateTime(d.answer.read_at)}</p>
                ) : (
                  <Form method="post" className="inline-form">
                    <FormError feedback={result?.intent === "mark_read" ? result : undefined} />
                    <input type="hidden" name="version" value={d.answer.version} />
                    <button type="submit" name="intent" value="mark_read" className="secondary">
                      标为已阅
                    </button>
                  </Form>
                )
              ) : null}
            </>
          ) : (
            <p className="muted">
              {d.issued ? (d.answer.state === "draft" ? "应询部门正在起草，尚未提交。" : "应询部门尚未提交书面准备答复。") : "该问题尚未下发应询部门。"}
            </p>
          )}
        </div>
      )}

      {d.isStaff && d.live ? (
        d.editor ? (
          <div className="card" id="edit">
            <h2 className="ol-card-title">修改问题</h2>
            <Form method="post" noValidate key={`edit-${d.revision}`}>
              <FormError feedback={editFeedback} />
              <input type="hidden" name="intent" value="update_question" />
              <input type="hidden" name="revision" value={d.revision} />
              <QuestionFields
                idPrefix="eq"
                options={d.editor}
                feedback={editFeedback}
                defaults={{
                  keywordId: d.live.keywordId,
                  text: d.live.text,
                  departmentId: d.live.department_id,
                  questionerUserId: d.live.questioner_user_id,
                  questionerName: d.live.questioner_name,
                  questionerRole: d.live.questioner_role,
                  sources: d.live.sources.map((s) => `${s.type}:${s.id}`),
                  staffNotes: d.live.staff_notes,
                }}
              />
              <div className="ol-buttons">
                <button type="submit" disabled={busy}>保存问题</button>
                <Link to={`/inquiries/${d.inquiry.id}/outline#q-${d.live.id}`} className="button secondary">返回提纲</Link>
              </div>
            </Form>
          </div>
        ) : (
          <p className="muted ol-small">询问提纲当前状态为「{OUTLINE_STATUS_LABELS[d.status]}」，不能修改问题。</p>
        )
      ) : null}
    </section>
  );
}
