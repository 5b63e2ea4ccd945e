import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { InquiryNav } from "~/components/PageNav";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { listAttachments, UPLOAD_FORM_LIMIT_BYTES } from "~/attachments/attachments.server";
import { actorOf, requireUser } from "~/auth/session.server";
import { AttachmentField, AttachmentList } from "~/components/attachments";
import { firstError, FormError, SelectField, TextAreaField, TextField, type FormFeedback } from "~/components/forms";
import { RichTextEditor, RichTextView } from "~/components/RichTextEditor";
import { getDb } from "~/db.server";
import { getInquiry } from "~/inquiries/inquiries.server";
import { RESEARCH_KINDS } from "~/labels";
import { canManageInquiry, canReadInquiry, forbidden, notFound } from "~/policy.server";
import { addFinding, FindingFormSchema, getActivity, listFindings, readActivityForm, updateActivity } from "~/research/research.server";
import { fields, parseForm, readFormData } from "~/utils/forms.server";
import { formatDate, formatDateTime } from "~/utils/time";
import { redirectWithToast } from "~/utils/toast.server";
import { idField } from "~/utils/ids";

/** One research activity: its record, attachments and clues; staff edit it (optimistic version check) and add clues. */
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.activity.title ?? "调研活动"} · 会前调研 · 询问` }];

const IdSchema = idField();

async function load(params: { id?: string; activityId?: string }) {
  const id = IdSchema.safeParse(params.id);
  const activityId = IdSchema.safeParse(params.activityId);
  if (!id.success || !activityId.success) notFound("该调研活动不存在");
  const db = getDb();
  const inquiry = await getInquiry(db, id.data);
  if (!inquiry) notFound("该专题询问不存在");
  const activity = await getActivity(db, inquiry.id, activityId.data);
  if (!activity) notFound("该调研活动不存在");
  return { db, inquiry, activity };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  if (!canReadInquiry(user, IdSchema.safeParse(params.id).data ?? 0)) forbidden("会前调研仅供人大工作人员和委员查阅。");
  const { db, inquiry, activity } = await load(params);
  const attachments = await listAttachments(db, "research_activity", [activity.id]);
  const findings = (await listFindings(db, inquiry.id)).filter((f) => f.activity_id === activity.id);
  return {
    inquiry: { id: inquiry.id, title: inquiry.title },
    activity: {
      id: activity.id,
      kind: activity.kind,
      title: activity.title,
      start_date: activity.start_date,
      end_date: activity.end_date,
      places: activity.places,
      participants: activity.participants,
      findings_json: activity.findings_json,
      findings_html: activity.findings_html,
      version: activity.version,
      updated_at: activity.updated_at,
    },
    attachments,
    findings,
    canManage: canManageInquiry(user),
  };
}


export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  if (!canManageInquiry(user)) forbidden("只有人大工作人员可以修改会前调研记录。");
  const { db, inquiry, activity } = await load(params);
  const formData = await readFormData(request, UPLOAD_FORM_LIMIT_BYTES);
  const intent = String(formData.get("intent") ?? "");
  const actor = actorOf(user, context);
  const here = `/inquiries/${inquiry.id}/research/${activity.id}`;
  const refuse = (fieldErrors: Record<string, string[]>, values: Record<string, string>) =>
    data({ intent, fieldErrors, values }, { status: 400 });

  if (intent === "update") {
    const version = fields.version().safeParse(formData.get("version"));
    const form = await readActivityForm(formData);
    if (!version.success) return refuse({ _form: ["请求无效，请刷新页面后重试"] }, form.values);
    if (!form.ok) return refuse(form.fieldErrors, form.values);
    const result = await updateActivity(db, actor, inquiry.id, activity.id, version.data, form.input, form.files);
    if (!result.ok) return refuse({ [result.field]: [result.message] }, form.values);
    return redirectWithToast(here, "调研活动已保存");
  }
  if (intent === "finding") {
    formData.set("activityId", String(activity.id));
    const parsed = parseForm(formData, FindingFormSchema);
    if (!parsed.ok) return refuse(parsed.fieldErrors, parsed.values);
    const result = await addFinding(db, actor, inquiry.id, parsed.data);
    if (!result.ok) return refuse({ [result.field]: [result.message] }, parsed.values);
    return redirectWithToast(`${here}#clues`, "已添加问题线索");
  }
  return refuse({ _form: ["未知的操作，请刷新页面后重试"] }, {});
}

const kindOptions = RESEARCH_KINDS.map((k) => ({ value: k, label: k }));

export default function ResearchActivityPage() {
  const { inquiry, activity, attachments, findings, canManage } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const updateFeedback: FormFeedback | undefined = result?.intent === "update" ? result : undefined;
  const findingFeedback: FormFeedback | undefined = result?.intent === "finding" ? result : undefined;
  return (
    <section className="rs-page">
      <InquiryNav inquiry={inquiry} tab="research" trail={[{ label: activity.title }]} />
      <div className="page-head">
        <div>
          <h1>{activity.title}</h1>
        </div>
        <Link to={`/inquiries/${inquiry.id}/research`}>返回调研活动列表</Link>
      </div>

      <div className="card">
        <dl className="kv">
          <dt>调研形式</dt>
          <dd><span className="badge">{activity.kind}</span></dd>
          <dt>时间</dt>
          <dd>{activity.start_date === activity.end_date ? formatDate(activity.start_date) : `${formatDate(activity.start_date)} 至 ${formatDate(activity.end_date)}`}</dd>
          <dt>地点</dt>
          <dd>{activity.places || "—"}</dd>
          <dt>参加人员</dt>
          <dd className="rs-pre">{activity.participants || "—"}</dd>
          <dt>最后修改</dt>
          <dd>{formatDateTime(activity.updated_at)}</dd>
        </dl>
        <h2>调研发现</h2>
        {activity.findings_html && activity.findings_json ? <RichTextView html={activity.findings_html} /> : <p className="muted">尚未填写调研发现。</p>}
        <h2>附件</h2>
        {attachments.length ? <AttachmentList files={attachments} /> : <p className="muted">无附件。</p>}
      </div>

      <h2 id="clues">本次活动梳理的问题线索（{findings.length}）</h2>
      {findings.length === 0 ? (
        <p className="muted">尚无问题线索。</p>
      ) : (
        <ol className="rs-clues" data-testid="clue-list">
          {findings.map((f) => (
            <li key={f.id}>
              {f.text} <span className="muted rs-small">（{formatDateTime(f.created_at)}）</span>
            </li>
          ))}
        </ol>
      )}
      {canManage ? (
        <div className="card">
          <h3 className="rs-card-title">从本次活动添加问题线索</h3>
          <Form method="post" noValidate key={`finding-${findings.length}`}>
            <FormError feedback={findingFeedback} />
            <input type="hidden" name="intent" value="finding" />
            <TextAreaField name="text" label="问题线索" feedback={findingFeedback} required rows={3} maxLength={1000} />
            <button type="submit" disabled={busy}>添加问题线索</button>
          </Form>
        </div>
      ) : null}

      {canManage ? (
        <details className="card rs-edit" open={Boolean(updateFeedback)}>
          <summary>修改调研活动</summary>
          <Form method="post" encType="multipart/form-data" noValidate key={`update-${activity.version}`}>
            <FormError feedback={updateFeedback} />
            <input type="hidden" name="intent" value="update" />
            <input type="hidden" name="version" value={activity.version} />
            <SelectField name="kind" label="调研形式" feedback={updateFeedback} required options={kindOptions} defaultValue={activity.kind} />
            <TextField name="title" label="活动名称" feedback={updateFeedback} required maxLength={200} defaultValue={activity.title} />
            <div className="rs-row">
              <TextField name="startDate" label="开始日期" type="date" feedback={updateFeedback} required defaultValue={activity.start_date} />
              <TextField name="endDate" label="结束日期" type="date" feedback={updateFeedback} required defaultValue={activity.end_date} />
            </div>
            <TextField name="places" label="地点" feedback={updateFeedback} maxLength={500} defaultValue={activity.places} />
            <TextAreaField name="participants" label="参加人员" feedback={updateFeedback} rows={2} defaultValue={activity.participants} maxLength={2000} />
            <RichTextEditor
              name="findings"
              label="调研发现"
              defaultValue={updateFeedback?.values?.findings ?? activity.findings_json}
              error={firstError(updateFeedback, "findings")}
              rows={8}
            />
            <AttachmentField label="追加附件" error={firstError(updateFeedback, "files")} />
            <button type="submit" disabled={busy}>{busy ? "正在保存…" : "保存修改"}</button>
          </Form>
        </details>
      ) : null}
    </section>
  );
}
