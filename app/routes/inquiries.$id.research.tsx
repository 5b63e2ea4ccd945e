import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { InquiryNav } from "~/components/PageNav";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { listAttachments, UPLOAD_FORM_LIMIT_BYTES } from "~/attachments/attachments.server";
import { actorOf } from "~/auth/session.server";
import { AttachmentField, AttachmentList } from "~/components/attachments";
import { firstError, FormError, SelectField, TextAreaField, TextField, type FormFeedback } from "~/components/forms";
import { RichTextEditor } from "~/components/RichTextEditor";
import { RESEARCH_KINDS } from "~/labels";
import { canManageInquiry, canReadInquiry } from "~/policy.server";
import { addFinding, createActivity, FindingFormSchema, listActivities, listFindings, readActivityForm } from "~/research/research.server";
import { parseForm, readFormData } from "~/utils/forms.server";
import { formatDate, formatDateTime } from "~/utils/time";
import { redirectWithToast } from "~/utils/toast.server";
import { loadInquiryFor } from "~/utils/route.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `会前调研 · ${data?.inquiry.title ?? "专题询问"} · 询问` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, db, inquiry } = await loadInquiryFor(request, params, canReadInquiry, "会前调研仅供人大工作人员和委员查阅。");
  const activities = await listActivities(db, inquiry.id);
  const attachments = await listAttachments(db, "research_activity", activities.map((a) => a.id));
  const findings = await listFindings(db, inquiry.id);
  return {
    inquiry: { id: inquiry.id, title: inquiry.title },
    activities: activities.map((a) => ({ ...a, attachments: attachments.filter((f) => f.owner_id === a.id) })),
    findings,
    canManage: canManageInquiry(user),
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, db, inquiry } = await loadInquiryFor(request, params, canManageInquiry, "只有人大工作人员可以记录会前调研。");
  const formData = await readFormData(request, UPLOAD_FORM_LIMIT_BYTES);
  const intent = String(formData.get("intent") ?? "");
  const actor = actorOf(user, context);
  const refuse = (fieldErrors: Record<string, string[]>, values: Record<string, string>) =>
    data({ intent, fieldErrors, values }, { status: 400 });

  if (intent === "create") {
    const form = await readActivityForm(formData);
    if (!form.ok) return refuse(form.fieldErrors, form.values);
    const result = await createActivity(db, actor, inquiry.id, form.input, form.files);
    if (!result.ok) return refuse({ [result.field]: [result.message] }, form.values);
    return redirectWithToast(`/inquiries/${inquiry.id}/research/${result.id}`, `已记录调研活动「${form.input.title}」`);
  }
  if (intent === "finding") {
    const parsed = parseForm(formData, FindingFormSchema);
    if (!parsed.ok) return refuse(parsed.fieldErrors, parsed.values);
    const result = await addFinding(db, actor, inquiry.id, parsed.data);
    if (!result.ok) return refuse({ [result.field]: [result.message] }, parsed.values);
    return redirectWithToast(`/inquiries/${inquiry.id}/research#clues`, "已添加问题线索");
  }
  return refuse({ _form: ["未知的操作，请刷新页面后重试"] }, {});
}

const kindOptions = RESEARCH_KINDS.map((k) => ({ value: k, label: k }));

export default function ResearchPage() {
  const { inquiry, activities, findings, canManage } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const createFeedback: FormFeedback | undefined = result?.intent === "create" ? result : undefined;
  const findingFeedback: FormFeedback | undefined = result?.intent === "finding" ? result : undefined;
  return (
    <section className="rs-page">
      <InquiryNav inquiry={inquiry} tab="research" />
      <div className="page-head">
        <div>
          <h1>会前调研</h1>
        </div>
        <Link to={`/inquiries/${inquiry.id}/surveys`}>委托调研 →</Link>
      </div>

      <h2>调研活动（{activities.length}）</h2>
      {activities.length === 0 ? (
        <p className="muted">尚未记录调研活动。</p>
      ) : (
        <table className="data rs-table" data-testid="activity-table">
          <thead>
            <tr>
              <th style={{ width: "8em" }}>形式</th>
              <th>活动</th>
              <th style={{ width: "15em" }}>时间</th>
              <th>地点</th>
              <th style={{ width: "5em" }}>附件</th>
            </tr>
          </thead>
          <tbody>
            {activities.map((a) => (
              <tr key={a.id}>
                <td><span className="badge">{a.kind}</span></td>
                <td>
                  <Link to={`/inquiries/${inquiry.id}/research/${a.id}`}>{a.title}</Link>
                  {a.participants ? <div className="muted rs-small">参加人员：{a.participants}</div> : null}
                </td>
                <td className="rs-nowrap">{dateRange(a.start_date, a.end_date)}</td>
                <td>{a.places || "—"}</td>
                <td>{a.attachments.length ? `${a.attachments.length} 个` : "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h2 id="clues">问题线索（{findings.length}）</h2>
      <p className="muted rs-small">问题线索是从调研发现中梳理出的问题，供起草询问提纲时引用。</p>
      {findings.length === 0 ? (
        <p className="muted">尚无问题线索。</p>
      ) : (
        <ol className="rs-clues" data-testid="clue-list">
          {findings.map((f) => (
            <li key={f.id}>
              <span>{f.text}</span>
              <span className="muted rs-small">
                {" "}——{f.activity_id ? <Link to={`/inquiries/${inquiry.id}/research/${f.activity_id}`}>{f.activity_title}</Link> : "未关联调研活动"}，
                {formatDateTime(f.created_at)}
              </span>
            </li>
          ))}
        </ol>
      )}

      {canManage ? (
        <div className="card">
          <h3 className="rs-card-title">添加问题线索</h3>
          <Form method="post" noValidate key={`finding-${findings.length}`}>
            <FormError feedback={findingFeedback} />
            <input type="hidden" name="intent" value="finding" />
            <SelectField
              name="activityId"
              label="来源调研活动"
              feedback={findingFeedback}
              emptyLabel="（不关联调研活动）"
              options={activities.map((a) => ({ value: a.id, label: `${a.kind}：${a.title}` }))}
            />
            <TextAreaField name="text" label="问题线索" feedback={findingFeedback} required rows={3} maxLength={1000} />
            <button type="submit" disabled={busy}>添加问题线索</button>
          </Form>
        </div>
      ) : null}

      {canManage ? (
        <div className="card" id="new-activity">
          <h2 className="rs-card-title">记录调研活动</h2>
          <Form method="post" encType="multipart/form-data" noValidate key={`create-${activities.length}`}>
            <FormError feedback={createFeedback} />
            <input type="hidden" name="intent" value="create" />
            <ActivityFields feedback={createFeedback} />
            <button type="submit" disabled={busy}>{busy ? "正在保存…" : "保存调研活动"}</button>
          </Form>
        </div>
      ) : null}
    </section>
  );
}

function dateRange(start: string, end: string) {
  return start === end ? formatDate(start) : `${formatDate(start)} 至 ${formatDate(end)}`;
}

/** The activity's fields, shared in shape with the edit form of one activity. */
function ActivityFields({ feedback }: { feedback: FormFeedback | undefined }) {
  return (
    <>
      <SelectField name="kind" label="调研形式" feedback={feedback} required emptyLabel="请选择" options={kindOptions} />
      <TextField name="title" label="活动名称" feedback={feedback} required maxLength={200} placeholder="如：全市脱贫攻坚工作专题调研" />
      <div className="rs-row">
        <TextField name="startDate" label="开始日期" type="date" feedback={feedback} required />
        <TextField name="endDate" label="结束日期" type="date" feedback={feedback} required hint="一天内完成的活动，结束日期与开始日期相同" />
      </div>
      <TextField name="places" label="地点" feedback={feedback} maxLength={500} placeholder="如：××县、××区" />
      <TextAreaField name="participants" label="参加人员" feedback={feedback} rows={2} maxLength={2000} />
      <RichTextEditor name="findings" label="调研发现" defaultValue={feedback?.values?.findings ?? ""} error={firstError(feedback, "findings")} rows={8} />
      <AttachmentField error={firstError(feedback, "files")} />
    </>
  );
}
