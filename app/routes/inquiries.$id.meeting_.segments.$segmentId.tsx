import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { InquiryNav } from "~/components/PageNav";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { actorOf } from "~/auth/session.server";
import { FormError, SelectField, TextField, type FormFeedback } from "~/components/forms";
import { getDb } from "~/db.server";
import { SegmentView } from "~/meeting/components/RecordView";
import { EditSchema, ReplySchema } from "~/meeting/schemas.server";
import { loadInquiryMeeting, parseId, shapeSegment } from "~/meeting/forms.server";
import { SEGMENT_KIND_LABELS, TURN_KIND_LABELS, VOTE_STATUS_LABELS, WRITTEN_REPLY_STATUS_LABELS } from "~/meeting/labels";
import { addDays } from "~/utils/time";
import { answeringOrganizations } from "~/meeting/setup.server";
import { createWrittenReply, segmentWrittenReplies } from "~/meeting/written-replies.server";
import { deleteSegment, getSegment, updateSegment, type TurnEdit, segmentNumber } from "~/meeting/segments.server";
import { openVote, segmentVotes } from "~/meeting/votes.server";
import { canManageMeeting, canManageVotes, forbidden, notFound } from "~/policy.server";
import { fields, parseForm, readFormData } from "~/utils/forms.server";
import { formatDate, todayInShanghai } from "~/utils/time";
import { redirectWithToast } from "~/utils/toast.server";
import type { TurnKind } from "../../db/schema";
import { parseId as parseIdValue } from "~/utils/ids";

/**
 * One segment of the record, for staff: correct its wording and speakers afterwards (with the version seen),
 * add a forgotten follow-up, delete a mistaken entry, turn an unanswered question into a written-reply task for
 * the department, and open a satisfaction vote on the answer.
 */
export const meta: MetaFunction = () => [{ title: "更正询问会记录 · 询问" }];

async function load(request: Request, params: { id?: string; segmentId?: string }) {
  const db = getDb();
  const { user, inquiry, meeting } = await loadInquiryMeeting(db, request, params);
  if (!canManageMeeting(user)) forbidden("只有人大工作人员可以更正询问会记录。");
  if (!meeting) notFound("该询问会尚未设置");
  const segment = await getSegment(db, parseId(params.segmentId, "该条记录不存在"));
  if (!segment || segment.meeting_id !== meeting.id) notFound("该条记录不存在");
  return { db, user, inquiry, meeting, segment };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { db, inquiry, meeting, segment } = await load(request, params);
  const [organizations, votes, replies, number] = await Promise.all([
    answeringOrganizations(db, inquiry.id),
    segmentVotes(db, segment.id),
    segmentWrittenReplies(db, segment.id),
    segmentNumber(db, segment),
  ]);
  return {
    inquiry: { id: inquiry.id, title: inquiry.title },
    segment: shapeSegment(segment),
    number,
    turns: segment.turns.map((t) => ({ id: t.id, kind: t.kind, speaker_name: t.speaker_name, speaker_title: t.speaker_title, organization_id: t.organization_id, body_text: t.body_text })),
    organizations: organizations.map((o) => ({ id: o.id, name: o.name })),
    votes,
    replies,
    voteMode: meeting.vote_mode,
    voteSecret: meeting.vote_secret === 1,
    defaultDue: addDays(todayInShanghai(), 30),
  };
}

const TURN_KINDS: TurnKind[] = ["question", "answer", "follow_up", "supplementary", "speech"];

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { db, user, inquiry, meeting, segment } = await load(request, params);
  const formData = await readFormData(request);
  const intent = String(formData.get("intent") ?? "");
  const actor = actorOf(user, context);
  const here = `/inquiries/${inquiry.id}/meeting/segments/${segment.id}`;
  const refuse = (fieldErrors: Record<string, string[]>, values: Record<string, string> = {}) => data({ intent, fieldErrors, values }, { status: 400 });

  if (intent === "update") {
    const parsed = parseForm(formData, EditSchema);
    if (!parsed.ok) return refuse(parsed.fieldErrors, parsed.values);
    const strings = (name: string) => formData.getAll(name).map((v) => (typeof v === "string" ? v : ""));
    const ids = strings("turnId");
    const speakers = strings("turnSpeaker");
    const titles = strings("turnTitle");
    const orgs = strings("turnOrg");
    const bodies = strings("turnBody");
    const removed = new Set(strings("removeTurn"));
    if ([speakers, titles, orgs, bodies].some((list) => list.length !== ids.length)) return refuse({ _form: ["请求无效，请刷新页面后重试"] });
    // Over-long names are refused with a message, never cut (issue 15.8).
    if ([...speakers, String(formData.get("newSpeaker") ?? "")].some((v) => v.trim().length > 40)) return refuse({ turns: ["发言人姓名不能超过 40 个字"] }, parsed.values);
    if ([...titles, String(formData.get("newTitle") ?? "")].some((v) => v.trim().length > 60)) return refuse({ turns: ["职务不能超过 60 个字"] }, parsed.values);
    const known = new Map(segment.turns.map((t) => [String(t.id), t]));
    const turns: TurnEdit[] = [];
    for (const [i, id] of ids.entries()) {
      const turn = known.get(id);
      if (!turn) return refuse({ turns: ["记录中的发言已变化，请刷新页面后重试。"] }, parsed.values);
      if (orgs[i] && parseIdValue(orgs[i]) === null) return refuse({ turns: ["所选单位不存在"] }, parsed.values);
      turns.push({
        id: turn.id,
        kind: turn.kind,
        speakerName: speakers[i],
        speakerTitle: titles[i],
        organizationId: orgs[i] ? parseIdValue(orgs[i]) : null,
        body: bodies[i],
        remove: removed.has(id),
      });
    }
    const newKind = String(formData.get("newKind") ?? "");
    const newBody = String(formData.get("newBody") ?? "");
    if (newBody.trim()) {
      if (!TURN_KINDS.includes(newKind as TurnKind)) return refuse({ turns: ["请选择追加发言的类型"] }, parsed.values);
      const newOrg = String(formData.get("newOrg") ?? "");
      if (newOrg && parseIdValue(newOrg) === null) return refuse({ turns: ["所选单位不存在"] }, parsed.values);
      turns.push({
        id: null,
        kind: newKind as TurnKind,
        speakerName: String(formData.get("newSpeaker") ?? ""),
        speakerTitle: String(formData.get("newTitle") ?? ""),
        organizationId: newOrg ? parseIdValue(newOrg) : null,
        body: newBody,
        remove: false,
      });
    }
    const result = await updateSegment(db, actor, segment.id, parsed.data.version, { ...parsed.data, turns });
    if (!result.ok) return refuse({ [result.field]: [result.message] }, parsed.values);
    return redirectWithToast(`/inquiries/${inquiry.id}/meeting#segment-${segment.id}`, "记录已更正");
  }
  if (intent === "delete") {
    const version = fields.version().safeParse(formData.get("version"));
    if (!version.success) return refuse({ _form: ["请求无效，请刷新页面后重试"] });
    const result = await deleteSegment(db, actor, segment.id, version.data);
    if (!result.ok) return refuse({ _form: [result.message] });
    return redirectWithToast(`/inquiries/${inquiry.id}/meeting`, "该条记录已删除");
  }
  if (intent === "writtenReply") {
    const parsed = parseForm(formData, ReplySchema);
    if (!parsed.ok) return refuse(parsed.fieldErrors, parsed.values);
    const result = await createWrittenReply(db, actor, { inquiryId: inquiry.id, segmentId: segment.id, ...parsed.data });
    if (!result.ok) return refuse({ [result.field]: [result.message] }, parsed.values);
    return redirectWithToast(here, "已交应询部门书面答复");
  }
  if (intent === "openVote") {
    if (!canManageVotes(user)) forbidden();
    const title = fields.optionalText("测评名称", 200).safeParse(formData.get("title") ?? undefined);
    if (!title.success) return refuse({ title: [title.error.issues[0]?.message ?? "测评名称无效"] });
    const result = await openVote(db, actor, { inquiryId: inquiry.id, target: { type: "answer", segmentId: segment.id }, title: title.data, secret: meeting.vote_secret === 1 });
    if (!result.ok) return refuse({ [result.field === "title" ? "title" : "_form"]: [result.message] });
    return redirectWithToast(`/votes/${result.id}`, "测评已开始，委员可在手机上投票");
  }
  return refuse({ _form: ["未知的操作，请刷新页面后重试"] });
}

export default function SegmentPage() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const fb = (intent: string): FormFeedback | undefined => (result?.intent === intent ? result : undefined);
  const s = d.segment;
  const isExchange = s.kind === "exchange";
  const questionText = d.turns.find((t) => t.kind === "question")?.body_text ?? "";
  return (
    <section className="mt-page">
      <InquiryNav inquiry={d.inquiry} tab="meeting" trail={[{ label: `第 ${d.number} 条` }]} />
      <h1>
        更正记录：第 {d.number} 条（{SEGMENT_KIND_LABELS[s.kind]}）
      </h1>
      <SegmentView segment={s} number={d.number} />

      <div className="card">
        <h2 className="rs-card-title">更正本条记录</h2>
        <Form method="post" noValidate key={s.version} data-testid="edit-form">
          <input type="hidden" name="intent" value="update" />
          <input type="hidden" name="version" value={s.version} />
          <FormError feedback={fb("update")} />
          {isExchange ? (
            <div className="mt-grid">
              <TextField name="keyword" label="关键词" feedback={fb("update")} defaultValue={s.keyword} maxLength={60} />
              <TextField name="headline" label="标题" feedback={fb("update")} defaultValue={s.headline} maxLength={120} />
              <TextField name="questionerName" label="询问人" required feedback={fb("update")} defaultValue={s.questioner_name} maxLength={40} />
              <TextField name="questionerRole" label="身份" feedback={fb("update")} defaultValue={s.questioner_role} maxLength={60} />
              <SelectField name="departmentId" label="应询部门" required feedback={fb("update")} options={d.organizations.map((o) => ({ value: o.id, label: o.name }))} defaultValue={s.department_id ?? ""} />
            </div>
          ) : null}
          {fb("update")?.fieldErrors?.turns ? <p className="field-error" role="alert">{fb("update")?.fieldErrors?.turns?.[0]}</p> : null}
          <ol className="mt-edit-turns">
            {d.turns.map((t, i) => (
              <li key={t.id} className="mt-edit-turn">
                <input type="hidden" name="turnId" value={t.id} />
                <div className="mt-edit-turn-head">
                  <strong>{TURN_KIND_LABELS[t.kind]}</strong>
                  <input name="turnSpeaker" aria-label={`第 ${i + 1} 段发言人`} defaultValue={t.speaker_name} size={8} />
                  <input name="turnTitle" aria-label={`第 ${i + 1} 段职务`} defaultValue={t.speaker_title} size={12} />
                  {t.kind === "question" || t.kind === "follow_up" ? (
                    <input type="hidden" name="turnOrg" value="" />
                  ) : (
                    <select name="turnOrg" aria-label={`第 ${i + 1} 段所在单位`} defaultValue={t.organization_id ?? ""}>
                      <option value="">（不指定）</option>
                      {d.organizations.map((o) => (
                        <option key={o.id} value={o.id}>
                          {o.name}
                        </option>
                      ))}
                    </select>
                  )}
                  {t.kind !== "question" ? (
                    <label className="mt-check">
                      <input type="checkbox" name="removeTurn" value={t.id} /> 删除
                    </label>
                  ) : null}
                </div>
                <textarea name="turnBody" aria-label={`第 ${i + 1} 段${TURN_KIND_LABELS[t.kind]}内容`} rows={4} defaultValue={t.body_text} />
              </li>
            ))}
          </ol>
          {isExchange ? (
            <fieldset className="mt-new-turn">
              <legend>追加一段（可选）</legend>
              <div className="mt-edit-turn-head">
                <select name="newKind" aria-label="追加的类型" defaultValue="follow_up">
                  <option value="follow_up">追问</option>
                  <option value="answer">回答</option>
                  <option value="supplementary">补充回答</option>
                </select>
                <input name="newSpeaker" aria-label="追加段发言人" placeholder="发言人" size={8} />
                <input name="newTitle" aria-label="追加段职务" placeholder="职务" size={12} />
                <select name="newOrg" aria-label="追加段所在单位" defaultValue={s.department_id ?? ""}>
                  <option value="">（不指定）</option>
                  {d.organizations.map((o) => (
                    <option key={o.id} value={o.id}>
                      {o.name}
                    </option>
                  ))}
                </select>
              </div>
              <textarea name="newBody" aria-label="追加段内容" rows={3} />
            </fieldset>
          ) : null}
          <div className="rs-buttons">
            <button type="submit" disabled={busy}>保存更正</button>
          </div>
        </Form>
      </div>

      {isExchange ? (
        <div className="grid-2">
          <div className="card">
            <h2 className="rs-card-title">交书面答复</h2>
            <p className="muted rs-small">当场未能答复的问题，交应询部门在期限内书面答复；部门在“我的待办”中答复。</p>
            {d.replies.length ? (
              <ul>
                {d.replies.map((r) => (
                  <li key={r.id}>
                    <Link to={`/written-replies/${r.id}`}>{r.department_name}</Link>：期限 {formatDate(r.due_date)}（{WRITTEN_REPLY_STATUS_LABELS[r.status]}）
                  </li>
                ))}
              </ul>
            ) : null}
            <Form method="post" noValidate>
              <input type="hidden" name="intent" value="writtenReply" />
              <FormError feedback={fb("writtenReply")} />
              <SelectField name="departmentId" label="答复部门" required feedback={fb("writtenReply")} options={d.organizations.map((o) => ({ value: o.id, label: o.name }))} defaultValue={s.department_id ?? ""} />
              <div className="field">
                <label htmlFor="f-questionText" className="field-label">需书面答复的问题<span className="required">*</span></label>
                <textarea id="f-questionText" name="questionText" rows={3} defaultValue={fb("writtenReply")?.values?.questionText ?? questionText} />
                {fb("writtenReply")?.fieldErrors?.questionText ? <p className="field-error">{fb("writtenReply")?.fieldErrors?.questionText?.[0]}</p> : null}
              </div>
              <TextField name="dueDate" label="答复期限" type="date" required feedback={fb("writtenReply")} defaultValue={d.defaultDue} />
              <button type="submit" className="secondary" disabled={busy}>交书面答复</button>
            </Form>
          </div>
          <div className="card">
            <h2 className="rs-card-title">满意度测评</h2>
            {d.votes.length ? (
              <ul>
                {d.votes.map((v) => (
                  <li key={v.id}>
                    <Link to={`/votes/${v.id}`}>{v.title}</Link>（{VOTE_STATUS_LABELS[v.status]}）
                  </li>
                ))}
              </ul>
            ) : null}
            {d.voteMode === "answer" ? (
              <Form method="post" noValidate>
                <input type="hidden" name="intent" value="openVote" />
                <FormError feedback={fb("openVote")} />
                <TextField name="title" label="测评名称（可不填，自动生成）" feedback={fb("openVote")} maxLength={200} />
                <button type="submit" className="secondary" disabled={busy}>对本项答复发起{d.voteSecret ? "无记名" : "记名"}测评</button>
              </Form>
            ) : (
              <p className="muted rs-small">本次询问会{d.voteMode === "department" ? "按应询部门测评，请在“满意度测评”页面发起" : "不开展满意度测评（可在会议设置中修改）"}。</p>
            )}
          </div>
        </div>
      ) : null}

      <div className="card">
        <h2 className="rs-card-title">删除本条记录</h2>
        <p className="muted rs-small">仅用于删除误录的记录；已有测评或部门更正的记录不能删除。删除会记入审计日志。</p>
        <Form
          method="post"
          onSubmit={(e) => {
            if (!window.confirm("确定删除这条记录？")) e.preventDefault();
          }}
        >
          <input type="hidden" name="intent" value="delete" />
          <input type="hidden" name="version" value={s.version} />
          <FormError feedback={fb("delete")} />
          <button type="submit" className="plain" disabled={busy}>删除本条记录</button>
        </Form>
      </div>
    </section>
  );
}
