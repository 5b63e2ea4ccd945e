import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { PrintButton } from "~/components/icons";
import { InquiryNav } from "~/components/PageNav";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { actorOf } from "~/auth/session.server";
import { FormError, type FormFeedback } from "~/components/forms";
import { getDb } from "~/db.server";
import { SegmentView } from "~/meeting/components/RecordView";
import { ProposeSchema, DecideSchema } from "~/meeting/schemas.server";
import { loadInquiryMeeting, parseId, shapeSegment } from "~/meeting/forms.server";
import { CORRECTION_STATUS_LABELS } from "~/meeting/labels";
import { correctionWindow, decideCorrection, departmentTranscript, isCorrectionOpen, proposeCorrection, turnOfMeeting, turnOfCorrection } from "~/meeting/corrections.server";
import { canDecideCorrection, canProposeCorrection, canReadDepartmentTranscript, canReadMeetingRecord, forbidden, notFound } from "~/policy.server";
import { parseRichText } from "~/richtext/richtext.server";
import { parseForm, readFormData } from "~/utils/forms.server";
import { formatDate, formatDateTime, todayInShanghai } from "~/utils/time";
import { redirectWithToast } from "~/utils/toast.server";
import { getOrganization } from "~/admin/organizations.server";

/**
 * The record per department: every exchange one department answered, in order, with its follow-ups — the
 * department's own transcript. The department reads it (no other department's until the digest is published)
 * and, within the correction period, proposes new wording for its own answers; staff accept or reject each
 * proposal, and both versions stay on record with who decided.
 */
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.organization.name ?? "部门"}询问记录 · 询问` }];

const DENIED = "该询问记录属于其他应询部门；询问会摘要公开发布前，您只能查看本单位的记录。";

async function load(request: Request, params: { id?: string; orgId?: string }) {
  const db = getDb();
  const { user, inquiry, meeting } = await loadInquiryMeeting(db, request, params);
  const orgId = parseId(params.orgId, "该部门不存在");
  const found = await getOrganization(db, orgId);
  if (!found) notFound("该部门不存在");
  const organization = { id: found.id, name: found.name };
  if (!canReadDepartmentTranscript(user, orgId, !!meeting?.digest_published_at, inquiry.id)) forbidden(DENIED);
  if (!meeting) notFound("该询问会尚未设置");
  return { db, user, inquiry, meeting, organization };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { db, user, inquiry, meeting, organization } = await load(request, params);
  const transcript = await departmentTranscript(db, meeting.id, organization.id);
  const today = todayInShanghai();
  const open = isCorrectionOpen(meeting, today);
  return {
    inquiry: { id: inquiry.id, title: inquiry.title },
    organization,
    meetingDate: meeting.meeting_date,
    window: correctionWindow(meeting),
    correctionOpen: open,
    isOwn: user.role === "department" && user.organizationId === organization.id,
    canDecide: canDecideCorrection(user),
    canSeeInquiry: canReadMeetingRecord(user, inquiry.id),
    segments: transcript.map((s) => ({
      ...shapeSegment(s),
      corrections: Object.fromEntries(
        s.turns.map((t) => [
          t.id,
          t.corrections.map((c) => ({
            id: c.id,
            status: c.status,
            original_text: c.original_text,
            proposed_text: c.proposed_text,
            reason: c.reason,
            proposed_at: c.proposed_at,
            proposed_by_name: c.proposed_by_name,
            decided_at: c.decided_at,
            decided_by_name: c.decided_by_name,
            decision_note: c.decision_note,
          })),
        ]),
      ),
      proposable: Object.fromEntries(s.turns.map((t) => [t.id, open && canProposeCorrection(user, t) && ["answer", "supplementary", "speech"].includes(t.kind)])),
    })),
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { db, user, inquiry, meeting, organization } = await load(request, params);
  const formData = await readFormData(request);
  const intent = String(formData.get("intent") ?? "");
  const actor = actorOf(user, context);
  const here = `/inquiries/${inquiry.id}/meeting/departments/${organization.id}`;
  const refuse = (fieldErrors: Record<string, string[]>, values: Record<string, string> = {}) => data({ intent, fieldErrors, values }, { status: 400 });

  if (intent === "propose") {
    const parsed = parseForm(formData, ProposeSchema);
    if (!parsed.ok) return refuse(parsed.fieldErrors, parsed.values);
    const turn = await turnOfMeeting(db, meeting.id, parsed.data.turnId);
    if (!turn) notFound("该答复不存在");
    if (!canProposeCorrection(user, turn) || user.organizationId === null) forbidden("只能对本单位的答复提出更正。");
    const proposed = parseRichText(parsed.data.proposed, "plain", { label: "更正后的文字", required: true });
    if (!proposed.ok) return refuse({ proposed: [proposed.message] }, parsed.values);
    const result = await proposeCorrection(db, actor, { turnId: turn.id, organizationId: user.organizationId, proposed: proposed.value, reason: parsed.data.reason });
    if (!result.ok) return refuse({ [result.field]: [result.message] }, parsed.values);
    return redirectWithToast(`${here}#turn-${turn.id}`, "更正已提交，等待人大工作人员审核");
  }
  if (intent === "decide") {
    if (!canDecideCorrection(user)) forbidden("只有人大工作人员可以审核更正。");
    const parsed = parseForm(formData, DecideSchema);
    if (!parsed.ok) return refuse(parsed.fieldErrors, parsed.values);
    const turn = await turnOfCorrection(db, meeting.id, parsed.data.correctionId);
    if (!turn) notFound("该更正不存在");
    const result = await decideCorrection(db, actor, parsed.data);
    if (!result.ok) return refuse({ _form: [result.message] }, parsed.values);
    return redirectWithToast(`${here}#turn-${turn.id}`, parsed.data.decision === "accept" ? "已采纳更正，记录已更新" : "已不予采纳");
  }
  return refuse({ _form: ["未知的操作，请刷新页面后重试"] });
}

export default function DepartmentTranscript() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const fb = (intent: string): FormFeedback | undefined => (result?.intent === intent ? result : undefined);
  return (
    <section className="mt-page print-document">
      <InquiryNav inquiry={d.inquiry} tab="meeting" trail={[{ label: `${d.organization.name}询问记录` }]} />
      <div className="page-head">
        <h1 data-testid="transcript-title">{d.organization.name}询问记录</h1>
        <PrintButton />
      </div>
      <p className="muted">
        {d.inquiry.title} · 询问会 {formatDate(d.meetingDate)} · 本部门应询 {d.segments.length} 轮
      </p>
      {d.isOwn ? (
        <div className={`mt-window ${d.correctionOpen ? "" : "closed"}`} role="note" data-testid="correction-window">
          {d.window
            ? d.correctionOpen
              ? `更正期限：${formatDate(d.window.from)} 至 ${formatDate(d.window.until)}。如答复文字记录有误，可在该段答复下提出更正，经人大工作人员审核后生效。`
              : `更正期限（${formatDate(d.window.from)} 至 ${formatDate(d.window.until)}）之外，不能提出更正。`
            : "询问会日期未定，暂不能提出更正。"}
        </div>
      ) : null}
      <FormError feedback={fb("decide")} />
      {d.segments.length === 0 ? (
        <div className="card rs-empty">
          <p>本部门在询问会上尚无问答记录。</p>
        </div>
      ) : (
        d.segments.map((s, i) => (
          <SegmentView
            key={s.id}
            segment={s}
            number={i + 1}
            renderTurnExtra={(t) => {
              const corrections = s.corrections[t.id] ?? [];
              const proposing = fb("propose")?.values?.turnId === String(t.id) ? fb("propose") : undefined;
              return (
                <div id={`turn-${t.id}`}>
                  {corrections.length ? (
                    <div className="mt-corrections" data-testid="corrections">
                      {corrections.map((c) => (
                        <div key={c.id} className={`mt-correction mt-correction-${c.status}`} data-testid="correction">
                          <p>
                            <span className={`badge ${c.status === "accepted" ? "ok" : c.status === "rejected" ? "bad" : "warn"}`}>{CORRECTION_STATUS_LABELS[c.status]}</span>{" "}
                            <span className="muted rs-small">
                              {c.proposed_by_name ?? "部门"}于 {formatDateTime(c.proposed_at)} 提出
                              {c.decided_at ? `；${c.decided_by_name ?? "工作人员"}于 ${formatDateTime(c.decided_at)} 审核${c.decision_note ? `：${c.decision_note}` : ""}` : ""}
                            </span>
                          </p>
                          {c.reason ? <p className="rs-small">理由：{c.reason}</p> : null}
                          <div className="mt-versions">
                            <div>
                              <h4>原记录</h4>
                              <p className="rs-pre">{c.original_text}</p>
                            </div>
                            <div>
                              <h4>更正为</h4>
                              <p className="rs-pre">{c.proposed_text}</p>
                            </div>
                          </div>
                          {d.canDecide && c.status === "pending" ? (
                            <Form method="post" className="mt-decide no-print">
                              <input type="hidden" name="intent" value="decide" />
                              <input type="hidden" name="correctionId" value={c.id} />
                              <input name="note" aria-label="审核意见" placeholder="审核意见（可不填）" />
                              <button type="submit" name="decision" value="accept" disabled={busy}>采纳更正</button>
                              <button type="submit" name="decision" value="reject" className="secondary" disabled={busy}>不予采纳</button>
                            </Form>
                          ) : null}
                        </div>
                      ))}
                    </div>
                  ) : null}
                  {s.proposable[t.id] && !corrections.some((c) => c.status === "pending") ? (
                    <details className="rs-edit no-print" open={!!proposing}>
                      <summary>对这段答复提出更正</summary>
                      <Form method="post" noValidate>
                        <input type="hidden" name="intent" value="propose" />
                        <input type="hidden" name="turnId" value={t.id} />
                        <FormError feedback={proposing} />
                        <div className="field mt-wide">
                          <label htmlFor={`f-proposed-${t.id}`} className="field-label">更正后的文字<span className="required">*</span></label>
                          <textarea id={`f-proposed-${t.id}`} name="proposed" rows={6} defaultValue={proposing?.values?.proposed ?? s.turns.find((x) => x.id === t.id)?.body_text ?? ""} />
                          {proposing?.fieldErrors?.proposed ? <p className="field-error">{proposing.fieldErrors.proposed[0]}</p> : null}
                        </div>
                        <div className="field">
                          <label htmlFor={`f-reason-${t.id}`} className="field-label">更正理由</label>
                          <input id={`f-reason-${t.id}`} name="reason" defaultValue={proposing?.values?.reason ?? ""} />
                        </div>
                        <button type="submit" className="secondary" disabled={busy}>提交更正</button>
                      </Form>
                    </details>
                  ) : null}
                </div>
              );
            }}
          />
        ))
      )}
    </section>
  );
}
