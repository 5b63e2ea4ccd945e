import { todayInShanghai } from "~/utils/time";
import { answerGaps } from "~/insight/gaps.server";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { itemsForSegments } from "~/rectification/items.server";
import { PrintButton } from "~/components/icons";
import { InquiryNav } from "~/components/PageNav";
import { data } from "@remix-run/node";
import { planGate } from "~/inquiries/plan-gate.server";
import { PlanGateNotice } from "~/inquiries/PlanGateNotice";
import { Form, Link, useActionData, useLoaderData, useNavigation, useRevalidator } from "@remix-run/react";
import { useState } from "react";
import { z } from "zod";
import { actorOf } from "~/auth/session.server";
import { DeadlineBadge } from "~/components/attachments";
import { firstError, FormError, SelectField, TextField, type FormFeedback } from "~/components/forms";
import { getDb } from "~/db.server";
import { useCongressTerms } from "~/settings/useCongressTerms";
import { EntryForm } from "~/meeting/components/EntryForm";
import { SegmentView } from "~/meeting/components/RecordView";
import { SetupSchema, OfficialSchema, SpeechSchema } from "~/meeting/schemas.server";
import { loadInquiryMeeting, shapeSegment, submitExchangeForm } from "~/meeting/forms.server";
import { SEGMENT_KIND_LABELS, SPEECH_KINDS, VOTE_MODE_LABELS, WRITTEN_REPLY_STATUS_LABELS } from "~/meeting/labels";
import {
  addOfficial,
  answeringOrganizations,
  listOfficials,
  removeOfficial,
  saveMeetingSetup,
} from "~/meeting/setup.server";
import { getDraft } from "~/meeting/drafts.server";
import { listInquiryWrittenReplies } from "~/meeting/written-replies.server";
import { loadRecord, moveSegment, isSegmentOf } from "~/meeting/segments.server";
import { pendingCorrections, transcriptDepartments } from "~/meeting/corrections.server";
import { recordSpeech, remainingOutlineQuestions } from "~/meeting/exchanges.server";
import { knownOfficials } from "~/meeting/officials.server";
import { rosterOptions } from "~/roster/roster.server";
import { canManageMeeting, canReadMeetingRecord, forbidden, notFound } from "~/policy.server";
import { parseForm, readFormData } from "~/utils/forms.server";
import { formatDate, formatDateTime } from "~/utils/time";
import { redirectWithToast } from "~/utils/toast.server";
import { idField } from "~/utils/ids";
import { keywordNames } from "~/outline/drafting.server";
import { meetingPageVersion } from "~/live/views.server";
import { LiveStatus, useLiveUpdates } from "~/components/useLiveUpdates";

/**
 * 询问会: the meeting's setup and responding officials, the live entry of the record (staff), the record itself
 * with ↑/↓ reordering and links to correct each segment, the per-department transcripts, written replies and
 * corrections awaiting a decision. Members read the record; departments read only their own transcript.
 */
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `询问会记录 · ${data?.inquiry.title ?? "专题询问"} · 询问` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const db = getDb();
  const { user, inquiry, meeting } = await loadInquiryMeeting(db, request, params);
  if (!canReadMeetingRecord(user, inquiry.id)) {
    forbidden("询问会完整记录仅供人大工作人员和委员查阅；应询部门请在“我的待办”中查看本单位的询问记录。");
  }
  const canManage = canManageMeeting(user);
  const organizations = (await answeringOrganizations(db, inquiry.id)).map((o) => ({ id: o.id, name: o.name }));
  const base = {
    inquiry: { id: inquiry.id, title: inquiry.title, meeting_date: inquiry.meeting_date, session_name: inquiry.session_name },
    canManage,
    organizations,
    gate: await planGate(db, inquiry.id),
  };
  if (!meeting) return { ...base, meeting: null, live: await meetingPageVersion(db, inquiry.id, meeting) } as const;

  const [live, record, officials, replies, corrections, departments] = await Promise.all([
    meetingPageVersion(db, inquiry.id, meeting),
    loadRecord(db, meeting.id),
    listOfficials(db, meeting.id),
    listInquiryWrittenReplies(db, inquiry.id),
    pendingCorrections(db, meeting.id),
    transcriptDepartments(db, meeting.id),
  ]);
  let entry = null;
  if (canManage) {
    const remaining = await remainingOutlineQuestions(db, inquiry.id);
    const draft = await getDraft(db, user.id, meeting.id, "exchange");
    const roster = await rosterOptions(db);
    const outlineKeywords = (await keywordNames(db, inquiry.id)).map((keyword) => ({ keyword }));
    // the roster (组成人员名册) first; then names from the outline and the record that are not on it
    const questioners = new Map<string, { role: string; onRoster: boolean }>();
    for (const m of roster) if (!questioners.has(m.name)) questioners.set(m.name, { role: m.title, onRoster: true });
    for (const q of remaining) if (q.questionerName && !questioners.has(q.questionerName)) questioners.set(q.questionerName, { role: q.questionerRole, onRoster: false });
    for (const s of record) if (s.questioner_name && !questioners.has(s.questioner_name)) questioners.set(s.questioner_name, { role: s.questioner_role, onRoster: false });
    // the written preparation answer's gap of each outline question, marked on the live entry (issue 22)
    const gapRows = (await answerGaps(db, inquiry.id, todayInShanghai()))?.rows ?? [];
    entry = {
      gaps: Object.fromEntries(gapRows.filter((g) => g.rating.kinds.length).map((g) => [g.questionId, { kinds: g.rating.kinds, reasons: g.rating.reasons }])),
      proposal: remaining[0] ?? null,
      remaining,
      serverDraft: draft ? { content: draft.content_json, updatedAt: draft.updated_at } : null,
      questioners: [...questioners.entries()].map(([name, q]) => ({ name, ...q })),
      knownOfficials: await knownOfficials(db),
      keywords: [...new Set([...outlineKeywords.map((k) => k.keyword), ...record.map((s) => s.keyword)].filter(Boolean))],
      storageKey: `xunwen:meeting:${meeting.id}:${user.id}:exchange`,
    };
  }
  // the link exchange → rectification item, shown on each exchange (and item → exchange on the item page)
  const itemsBySegment: Record<number, { item_id: number; number: number }[]> = {};
  for (const it of await itemsForSegments(db, record.map((s) => s.id))) (itemsBySegment[it.segment_id] ??= []).push(it);
  return {
    ...base,
    live,
    itemsBySegment,
    meeting: {
      id: meeting.id,
      meeting_date: meeting.meeting_date,
      place: meeting.place,
      session_name: meeting.session_name,
      chair_name: meeting.chair_name,
      chair_title: meeting.chair_title,
      government_organization_id: meeting.government_organization_id,
      government_responder_name: meeting.government_responder_name,
      government_responder_title: meeting.government_responder_title,
      vote_mode: meeting.vote_mode,
      vote_secret: meeting.vote_secret === 1,
      correction_days: meeting.correction_days,
      published: !!meeting.digest_published_at,
      version: meeting.version,
    },
    officials,
    record: record.map(shapeSegment),
    replies: replies.map((r) => ({ id: r.id, department_name: r.department_name, question_text: r.question_text, due_date: r.due_date, status: r.status, light: r.light, daysLeft: r.daysLeft })),
    corrections,
    departments,
    entry,
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const db = getDb();
  const { user, inquiry, meeting } = await loadInquiryMeeting(db, request, params);
  if (!canManageMeeting(user)) forbidden("只有人大工作人员可以设置和记录询问会。");
  const formData = await readFormData(request);
  const intent = String(formData.get("intent") ?? "");
  const actor = actorOf(user, context);
  const here = `/inquiries/${inquiry.id}/meeting`;
  const refuse = (fieldErrors: Record<string, string[]>, values: Record<string, string>) => data({ intent, fieldErrors, values }, { status: 400 });

  if (intent === "setup") {
    const parsed = parseForm(formData, SetupSchema);
    if (!parsed.ok) return refuse(parsed.fieldErrors, parsed.values);
    const { version, ...input } = parsed.data;
    const v = version ? Number(version) : null;
    const result = await saveMeetingSetup(db, actor, inquiry.id, v, input);
    if (!result.ok) return refuse({ [result.field]: [result.message] }, parsed.values);
    return redirectWithToast(here, v === null ? "询问会已设置，可以开始录入" : "会议设置已保存");
  }
  if (!meeting) notFound("请先设置询问会");

  if (intent === "addOfficial") {
    const parsed = parseForm(formData, OfficialSchema);
    if (!parsed.ok) return refuse(parsed.fieldErrors, parsed.values);
    const result = await addOfficial(db, actor, meeting.id, { organizationId: parsed.data.officialOrganizationId, name: parsed.data.officialName, title: parsed.data.officialTitle });
    if (!result.ok) return refuse({ [result.field]: [result.message] }, parsed.values);
    return redirectWithToast(`${here}#officials`, `已添加应询人员${parsed.data.officialName}`);
  }
  if (intent === "removeOfficial") {
    const id = idField().safeParse(formData.get("officialId"));
    if (!id.success) return refuse({ _form: ["请求无效，请刷新页面后重试"] }, {});
    const result = await removeOfficial(db, actor, meeting.id, id.data);
    if (!result.ok) return refuse({ _form: [result.message] }, {});
    return redirectWithToast(`${here}#officials`, "已移除应询人员");
  }
  if (intent === "exchange") {
    // the plain form without scripts; with scripts the entry form posts to the JSON entry route
    const result = await submitExchangeForm(db, user, actor, meeting.id, formData);
    if (!result.ok) return refuse(result.fieldErrors, result.values);
    return redirectWithToast(`${here}#segment-${result.id}`, "本轮问答已保存");
  }
  if (intent === "speech") {
    const parsed = parseForm(formData, SpeechSchema);
    if (!parsed.ok) return refuse(parsed.fieldErrors, parsed.values);
    const result = await recordSpeech(db, actor, meeting.id, parsed.data);
    if (!result.ok) return refuse({ [result.field]: [result.message] }, parsed.values);
    return redirectWithToast(`${here}#segment-${result.id}`, `已记录${SEGMENT_KIND_LABELS[parsed.data.kind]}`);
  }
  if (intent === "move") {
    const id = idField().safeParse(formData.get("segmentId"));
    const direction = z.enum(["up", "down"]).safeParse(formData.get("direction"));
    if (!id.success || !direction.success) return refuse({ _form: ["请求无效，请刷新页面后重试"] }, {});
    if (!(await isSegmentOf(db, meeting.id, id.data))) notFound("该条记录不存在");
    const result = await moveSegment(db, actor, id.data, direction.data);
    if (!result.ok) return refuse({ _form: [result.message] }, {});
    return redirectWithToast(`${here}#segment-${id.data}`, direction.data === "up" ? "已上移" : "已下移");
  }
  return refuse({ _form: ["未知的操作，请刷新页面后重试"] }, {});
}

type Loaded = ReturnType<typeof useLoaderData<typeof loader>>;

export default function MeetingPage() {
  const loaded = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { inquiry, canManage } = loaded;
  const feedback = (intent: string): FormFeedback | undefined => (result && result.intent === intent ? result : undefined);
  // the record as it is entered: exchanges, corrections and replies appear without reloading (app/live)
  const live = useLiveUpdates(`/inquiries/${inquiry.id}/meeting/events`, loaded.live);

  return (
    <section className="mt-page print-document">
      <InquiryNav inquiry={inquiry} tab="meeting" />
      <div className="page-head">
        <div>
          <h1>询问会记录</h1>
          <LiveStatus state={live} />
        </div>
        {loaded.meeting ? (
          <div className="mt-head-links no-print">
            <Link to={`/inquiries/${inquiry.id}/digest`} className="button secondary">摘要</Link>
            <Link to={`/inquiries/${inquiry.id}/meeting/votes`} className="button secondary">满意度测评</Link>
            <PrintButton label="打印记录" />
          </div>
        ) : null}
      </div>
      {canManage ? <PlanGateNotice inquiryId={inquiry.id} gate={loaded.gate} canManage work={loaded.meeting ? "记录询问会发言或开展满意度测评" : "设置询问会"} /> : null}
      {feedback("move") || feedback("removeOfficial") ? <FormError feedback={feedback("move") ?? feedback("removeOfficial")} /> : null}
      {loaded.meeting === null ? (
        canManage ? (
          <div className="card">
            <h2 className="rs-card-title">设置询问会</h2>
            <p className="muted rs-small">先登记会议日期、地点、主持人和应询人员，再开始现场录入。</p>
            <SetupForm loaded={loaded} feedback={feedback("setup")} />
          </div>
        ) : (
          <div className="card rs-empty">
            <p>询问会尚未设置。</p>
          </div>
        )
      ) : (
        <MeetingBody loaded={loaded as Extract<Loaded, { meeting: object }>} feedback={feedback} />
      )}
    </section>
  );
}

function SetupForm({ loaded, feedback }: { loaded: Loaded; feedback: FormFeedback | undefined }) {
  const terms = useCongressTerms();
  const m = loaded.meeting;
  const governments = loaded.organizations;
  return (
    <Form method="post" noValidate className="mt-setup" data-testid="setup-form">
      <input type="hidden" name="intent" value="setup" />
      {m ? <input type="hidden" name="version" value={m.version} /> : null}
      <FormError feedback={feedback} />
      <div className="mt-grid">
        <TextField name="meetingDate" label="会议日期" type="date" required feedback={feedback} defaultValue={loaded.inquiry.meeting_date ?? ""} />
        <TextField name="place" label="会议地点" feedback={feedback} defaultValue={m?.place ?? ""} maxLength={100} />
        <TextField name="sessionName" label="所属会议" feedback={feedback} defaultValue={m?.session_name ?? loaded.inquiry.session_name ?? ""} maxLength={100} />
        <TextField name="chairName" label="主持人" feedback={feedback} defaultValue={m?.chair_name ?? ""} maxLength={40} />
        <TextField name="chairTitle" label="主持人职务" feedback={feedback} defaultValue={m?.chair_title ?? ""} maxLength={60} hint={`例如：${terms.chairTitle}`} />
        <SelectField
          name="governmentOrganizationId"
          label="应询的人民政府"
          feedback={feedback}
          options={governments.map((o) => ({ value: o.id, label: o.name }))}
          emptyLabel="（不指定）"
          defaultValue={m?.government_organization_id ?? ""}
        />
        <TextField name="governmentResponderName" label="政府应询人" feedback={feedback} defaultValue={m?.government_responder_name ?? ""} maxLength={40} hint="填写姓名" />
        <TextField name="governmentResponderTitle" label="政府应询人职务" feedback={feedback} defaultValue={m?.government_responder_title ?? ""} maxLength={60} hint={`例如：副${terms.prefix}长`} />
        <SelectField
          name="voteMode"
          label="满意度测评"
          feedback={feedback}
          options={Object.entries(VOTE_MODE_LABELS).map(([value, label]) => ({ value, label }))}
          defaultValue={m?.vote_mode ?? "none"}
        />
        <TextField
          name="correctionDays"
          label="部门更正期限（会后天数）"
          type="number"
          feedback={feedback}
          defaultValue={m?.correction_days ?? 7}
          hint="会后这些天内，应询部门可对本单位答复的文字提出更正"
        />
      </div>
      <label className="mt-check">
        <input type="checkbox" name="voteSecret" value="1" defaultChecked={feedback?.values ? feedback.values.voteSecret === "1" : (m?.vote_secret ?? true)} /> 无记名测评（任何人都看不到谁投了什么）
      </label>
      <div className="rs-buttons">
        <button type="submit">{m ? "保存会议设置" : "设置询问会"}</button>
      </div>
    </Form>
  );
}

function MeetingBody({ loaded, feedback }: { loaded: Extract<Loaded, { meeting: object }>; feedback: (intent: string) => FormFeedback | undefined }) {
  const { inquiry, meeting: m, canManage, officials, record, entry, organizations } = loaded;
  const revalidator = useRevalidator();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  let exchangeNo = 0;
  return (
    <>
      <div className="card mt-setup-card">
        <p className="mt-summary">
          <span data-testid="meeting-date">{formatDate(m.meeting_date)}</span>
          {m.place ? <span>{m.place}</span> : null}
          {m.session_name ? <span>{m.session_name}</span> : null}
          <span>主持人：{m.chair_name ? `${m.chair_title}${m.chair_name}` : "未填"}</span>
          {m.government_responder_name ? (
            <span>
              政府应询人：{organizations.find((o) => o.id === m.government_organization_id)?.name ?? ""}
              {m.government_responder_title}
              {m.government_responder_name}
            </span>
          ) : null}
          <span>
            {VOTE_MODE_LABELS[m.vote_mode]}
            {m.vote_mode !== "none" ? `（${m.vote_secret ? "无记名" : "记名"}）` : ""}
          </span>
          <span>更正期限：会后 {m.correction_days} 天</span>
          <span>{m.published ? <span className="badge ok">摘要已公开发布</span> : <span className="badge">摘要未发布</span>}</span>
        </p>
        <div className="mt-officials" id="officials" data-testid="officials">
          <span className="muted">应询人员（{officials.length}）：</span>
          {officials.length === 0 ? <span className="muted">尚未登记</span> : null}
          {officials.map((o) => (
            <span key={o.id} className="mt-chip">
              {o.organization_name}
              {o.title}
              <strong>{o.name}</strong>
              {canManage ? (
                <Form method="post" className="inline-form no-print">
                  <input type="hidden" name="intent" value="removeOfficial" />
                  <input type="hidden" name="officialId" value={o.id} />
                  <button type="submit" className="mt-chip-x" aria-label={`移除应询人员${o.name}`} title="移除" disabled={busy}>×</button>
                </Form>
              ) : null}
            </span>
          ))}
        </div>
        {canManage ? (
          <details className="rs-edit no-print" open={!!feedback("setup") || !!feedback("addOfficial")}>
            <summary>修改会议设置、添加应询人员</summary>
            <Form method="post" noValidate className="mt-official-form">
              <input type="hidden" name="intent" value="addOfficial" />
              <FormError feedback={feedback("addOfficial")} />
              <div className="mt-grid">
                <SelectField
                  name="officialOrganizationId"
                  label="所在单位"
                  required
                  feedback={feedback("addOfficial")}
                  options={organizations.map((o) => ({ value: o.id, label: o.name }))}
                  emptyLabel="请选择"
                />
                <TextField name="officialName" label="姓名" required feedback={feedback("addOfficial")} maxLength={40} list="known-officials" hint="可从以往登记过的应询人员中选择" />
                <datalist id="known-officials">
                  {(entry?.knownOfficials ?? []).map((o) => (
                    <option key={`${o.organization_id}-${o.name}`} value={o.name}>
                      {organizations.find((x) => x.id === o.organization_id)?.name ?? ""}
                      {o.title}
                    </option>
                  ))}
                </datalist>
                <TextField name="officialTitle" label="职务" feedback={feedback("addOfficial")} maxLength={60} hint="例如：主任、局长" />
              </div>
              <button type="submit" className="secondary" disabled={busy}>添加应询人员</button>
            </Form>
            <SetupForm loaded={loaded} feedback={feedback("setup")} />
          </details>
        ) : null}
      </div>

      {canManage && entry ? (
        <div className="card no-print">
          <EntryForm
            actionUrl={`/inquiries/${inquiry.id}/meeting`}
            entryUrl={`/inquiries/${inquiry.id}/meeting/entry`}
            storageKey={entry.storageKey}
            proposal={entry.proposal}
            remaining={entry.remaining}
            gaps={entry.gaps}
            organizations={organizations}
            officials={officials}
            questioners={entry.questioners}
            knownOfficials={entry.knownOfficials}
            keywords={entry.keywords}
            serverDraft={entry.serverDraft}
            onSaved={() => revalidator.revalidate()}
            refused={feedback("exchange")}
          />
          <SpeechForm loaded={loaded} feedback={feedback("speech")} />
        </div>
      ) : null}

      <h2 className="mt-record-title">
        会议记录（{record.length} 条，其中问答 {record.filter((s) => s.kind === "exchange").length} 轮）
      </h2>
      {record.length === 0 ? (
        <div className="card rs-empty">
          <p>尚无记录。</p>
        </div>
      ) : (
        <div className="mt-record" data-testid="record">
          {record.map((s, index) => {
            if (s.kind === "exchange") exchangeNo++;
            return (
              <SegmentView
                key={s.id}
                segment={s}
                number={index + 1}
                actions={
                  canManage ? (
                    <>
                      <Form method="post" className="inline-form">
                        <input type="hidden" name="intent" value="move" />
                        <input type="hidden" name="segmentId" value={s.id} />
                        <button type="submit" name="direction" value="up" className="plain rs-mini" disabled={busy || index === 0} aria-label={`第 ${index + 1} 条上移`}>↑</button>
                        <button type="submit" name="direction" value="down" className="plain rs-mini" disabled={busy || index === record.length - 1} aria-label={`第 ${index + 1} 条下移`}>↓</button>
                      </Form>
                      <Link to={`/inquiries/${inquiry.id}/meeting/segments/${s.id}`} className="mt-fix-link">更正{s.kind === "exchange" ? "、书面答复、测评" : ""}</Link>
                      {s.kind === "exchange" ? (
                        <Link to={`/inquiries/${inquiry.id}/rectification/new?from=exchange:${s.id}#form`} className="mt-fix-link">转为整改事项</Link>
                      ) : null}
                      {(loaded.itemsBySegment[s.id] ?? []).map((it) => (
                        <Link key={it.item_id} to={`/rectification/${it.item_id}`} className="badge">已转为第 {it.number} 项整改事项</Link>
                      ))}
                    </>
                  ) : (loaded.itemsBySegment[s.id] ?? []).length ? (
                    <>
                      {(loaded.itemsBySegment[s.id] ?? []).map((it) => (
                        <Link key={it.item_id} to={`/rectification/${it.item_id}`} className="badge">已转为第 {it.number} 项整改事项</Link>
                      ))}
                    </>
                  ) : null
                }
              />
            );
          })}
          <p className="muted rs-small">共 {exchangeNo} 轮问答。</p>
        </div>
      )}

      <div className="grid-2 no-print">
        <div className="card">
          <h2 className="rs-card-title">按部门查看记录</h2>
          {loaded.departments.length === 0 ? (
            <p className="muted">尚无问答。</p>
          ) : (
            <ul className="mt-dept-list" data-testid="department-links">
              {loaded.departments.map((d) => (
                <li key={d.id}>
                  <Link to={`/inquiries/${inquiry.id}/meeting/departments/${d.id}`}>{d.name}</Link> <span className="muted">（{d.exchanges} 轮）</span>
                </li>
              ))}
            </ul>
          )}
          {loaded.corrections.length ? (
            <>
              <h3 className="mt-h3">待审核的更正（{loaded.corrections.length}）</h3>
              <ul data-testid="pending-corrections">
                {loaded.corrections.map((c) => (
                  <li key={c.id}>
                    <Link to={`/inquiries/${inquiry.id}/meeting/departments/${c.department_id}#turn-${c.turn_id}`}>
                      {c.department_name}：{c.speaker_name}的答复{c.keyword ? `（${c.keyword}）` : ""}
                    </Link>{" "}
                    <span className="muted rs-small">{formatDateTime(c.proposed_at)}</span>
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </div>
        <div className="card">
          <h2 className="rs-card-title">书面答复（{loaded.replies.length}）</h2>
          {loaded.replies.length === 0 ? (
            <p className="muted">未当场答复的问题，可在该条记录的“更正”页面交应询部门书面答复。</p>
          ) : (
            <table className="data" data-testid="written-replies">
              <thead>
                <tr>
                  <th>部门</th>
                  <th>问题</th>
                  <th>期限</th>
                  <th>状态</th>
                </tr>
              </thead>
              <tbody>
                {loaded.replies.map((r) => (
                  <tr key={r.id}>
                    <td>{r.department_name}</td>
                    <td>
                      <Link to={`/written-replies/${r.id}`}>{r.question_text.slice(0, 40)}</Link>
                    </td>
                    <td>
                      {formatDate(r.due_date)} {r.status === "open" ? <DeadlineBadge light={r.light} daysLeft={r.daysLeft} /> : null}
                    </td>
                    <td>{WRITTEN_REPLY_STATUS_LABELS[r.status]}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      </div>
    </>
  );
}

function SpeechForm({ loaded, feedback }: { loaded: Extract<Loaded, { meeting: object }>; feedback: FormFeedback | undefined }) {
  const m = loaded.meeting;
  const defaults = (kind: string) =>
    kind === "report" || kind === "commitment"
      ? { name: m.government_responder_name, title: m.government_responder_title, org: m.government_organization_id ?? "" }
      : { name: m.chair_name, title: m.chair_title, org: "" };
  const [kind, setKind] = useState(feedback?.values?.kind ?? "report");
  const d = defaults(kind);
  return (
    <details className="rs-edit mt-speech" open={!!feedback}>
      <summary>记录其他议程：政府汇报、表态发言、主持人开场和总结讲话</summary>
      <Form method="post" noValidate key={kind}>
        <input type="hidden" name="intent" value="speech" />
        <FormError feedback={feedback} />
        <div className="mt-grid">
          <div className="field">
            <label htmlFor="f-kind" className="field-label">议程</label>
            <select id="f-kind" name="kind" value={kind} onChange={(e) => setKind(e.target.value)}>
              {SPEECH_KINDS.map((k) => (
                <option key={k} value={k}>
                  {SEGMENT_KIND_LABELS[k]}
                </option>
              ))}
            </select>
          </div>
          <TextField name="speakerName" label="发言人" required feedback={feedback} defaultValue={d.name} maxLength={40} />
          <TextField name="speakerTitle" label="职务" feedback={feedback} defaultValue={d.title} maxLength={60} />
          <SelectField
            name="organizationId"
            label="所在单位"
            feedback={feedback}
            options={loaded.organizations.map((o) => ({ value: o.id, label: o.name }))}
            emptyLabel="（人大常委会或不指定）"
            defaultValue={d.org}
          />
        </div>
        <div className="field mt-wide">
          <label htmlFor="f-body" className="field-label">发言内容<span className="required">*</span></label>
          <textarea id="f-body" name="body" rows={5} defaultValue={feedback?.values?.body ?? ""} aria-invalid={firstError(feedback, "body") ? true : undefined} />
          {firstError(feedback, "body") ? <p className="field-error">{firstError(feedback, "body")}</p> : null}
        </div>
        <button type="submit" className="secondary">记录{SEGMENT_KIND_LABELS[kind as keyof typeof SEGMENT_KIND_LABELS] ?? "发言"}</button>
      </Form>
    </details>
  );
}
