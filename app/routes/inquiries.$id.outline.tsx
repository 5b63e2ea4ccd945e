import { PROBLEM_KIND_LABELS, similarEarlier } from "~/insight/recurring.server";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { InquiryNav } from "~/components/PageNav";
import { planGate } from "~/inquiries/plan-gate.server";
import { PlanGateNotice } from "~/inquiries/PlanGateNotice";
import { Form, Link, useActionData, useLoaderData, useNavigation, type ShouldRevalidateFunction } from "@remix-run/react";
import { useEffect, useRef, type KeyboardEvent } from "react";
import { z } from "zod";
import { actorOf, requireUser } from "~/auth/session.server";
import { FormError, SelectField, TextAreaField, TextField } from "~/components/forms";
import { getDb } from "~/db.server";
import { QuestionFields, SourceList, type OutlineFeedback } from "~/outline/components";
import {
  ANSWER_STATE_LABELS,
  chineseNumber,
  OUTLINE_STATUS_LABELS,
  PROPOSAL_STATUS_LABELS,
  questionerLabel,
  type AnswerState,
} from "~/outline/labels";
import {
  AcceptProposalSchema,
  DeclineProposalSchema,
  DecisionFormSchema,
  IdOnlySchema,
  MoveSchema,
  RelocateSchema,
  KeywordFormSchema,
  QuestionFormSchema,
  RevisionSchema,
} from "~/outline/forms.server";
import { acceptProposal, declineProposal, listProposals, memberProposals } from "~/outline/proposals.server";
import { addKeyword, deleteKeyword, moveKeyword, updateKeyword } from "~/outline/keywords.server";
import { addQuestion, deleteQuestion, moveQuestion, relocateQuestion } from "~/outline/questions.server";
import { answerStates, issuedQuestionsFor } from "~/outline/preparation-answers.server";
import {
  computeCoverage,
  departmentOptions,
  getOutlineHead,
  loadOutline,
  questionerOptions,
  sourceOptions,
} from "~/outline/drafting.server";
import { decideOutline, issueOutline, listVersions, reopenOutline, submitOutline } from "~/outline/versions.server";
import { outlineEditable } from "~/outline/workflow.server";
import { dateContext } from "~/history/dates.server";
import { BackEntryDate } from "~/components/history";
import { canEditOutline, canProposeQuestion, canReadWholeOutline, canSeeOutlineNotes, forbidden, notFound } from "~/policy.server";
import { parseForm, readFormData } from "~/utils/forms.server";
import { formatDate, formatDateTime, todayInShanghai } from "~/utils/time";
import { redirectWithToast } from "~/utils/toast.server";
import { idField } from "~/utils/ids";
import { respondingOrganizations } from "~/inquiries/inquiries.server";
import type { Result } from "../utils/result";

/**
 * 询问提纲 of one inquiry. Staff draft it (keywords and questions, with their sources, reordered with buttons
 * or Alt+↑/↓), see its coverage, take it to the chairpersons' council, record the decision, issue it and take
 * in members' proposals. Members read it. A department sees only the issued questions addressed to it.
 */
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `询问提纲 · ${data?.inquiry.title ?? "专题询问"} · 询问` }];

const IdSchema = idField();

/** A refused save keeps the user's text; after a conflict the page also reloads to show the latest outline. */
export const shouldRevalidate: ShouldRevalidateFunction = ({ actionResult, defaultShouldRevalidate }) =>
  (actionResult as { conflict?: boolean } | undefined)?.conflict ? true : defaultShouldRevalidate;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const id = IdSchema.safeParse(params.id);
  if (!id.success) notFound("该专题询问不存在");
  const db = getDb();
  const head = await getOutlineHead(db, id.data);
  if (!head) notFound("该专题询问不存在");
  const inquiry = { id: head.id, title: head.title, meeting_date: head.meeting_date };

  if (!canReadWholeOutline(user, head.id)) {
    // A department: only the issued questions addressed to it, never another department's.
    if (user.role !== "department" || user.organizationId === null) forbidden("询问提纲仅供人大工作人员、委员和收到下发问题的应询部门查阅。");
    const issued = await issuedQuestionsFor(db, head.id, user.organizationId);
    if (!issued || issued.questions.length === 0) forbidden("该专题询问的询问提纲尚未下发给本单位，或提纲中没有需要本单位答复的问题。");
    return {
      view: "department" as const,
      inquiry,
      organizationName: user.organizationName ?? "",
      department: {
        versionNumber: issued.version.number,
        issuedAt: issued.version.issued_at,
        questions: issued.questions.map((q) => ({
          id: q.question.id,
          number: q.number,
          keyword: q.keyword,
          headline: q.headline,
          text: q.question.text,
          questioner: questionerLabel({ questioner_name: q.question.questionerName, questioner_role: q.question.questionerRole }),
          answerState: q.answerState,
          submitted_at: q.submitted_at,
        })),
      },
    };
  }

  const isStaff = canEditOutline(user);
  const [outline, departments, responding, sources, versions, answers] = await Promise.all([
    loadOutline(db, head.id),
    departmentOptions(db, head.id),
    respondingOrganizations(db, head.id),
    sourceOptions(db, head.id),
    listVersions(db, head.id),
    answerStates(db, head.id),
  ]);
  const issuedVersion = versions.find((v) => v.id === head.outline_issued_version_id) ?? null;
  const issuedIds = new Set(issuedVersion ? issuedVersion.snapshot.keywords.flatMap((k) => k.questions.map((q) => q.id)) : []);
  const latest = versions[versions.length - 1] ?? null;
  const lastRejected = [...versions].reverse().find((v) => v.status === "rejected") ?? null;
  const showNotes = canSeeOutlineNotes(user);
  const proposals = isStaff ? await listProposals(db, head.id) : [];
  const myProposals = canProposeQuestion(user, head.id) ? await memberProposals(db, user.id, head.id) : [];
  // earlier questions, items and findings like each question, with their outcome (issue 22): for drafting
  const questionList = outline.flatMap((k) => k.questions);
  const similar = isStaff ? await similarEarlier(db, user, head.id, questionList.map((q) => q.text), todayInShanghai()) : [];
  const similarById = new Map(
    questionList.map((q, i) => [
      q.id,
      (similar[i] ?? []).map((p) => ({ key: p.key, kindLabel: PROBLEM_KIND_LABELS[p.kind], text: p.text, year: p.year, inquiryId: p.inquiryId, inquiryTitle: p.inquiryTitle, outcome: p.outcome.label, similarity: p.similarity })),
    ]),
  );
  return {
    view: "full" as const,
    inquiry,
    gate: await planGate(db, head.id),
    status: head.outline_status,
    revision: head.outline_revision,
    backEntry: (await dateContext(db, head.id)).backEntry,
    editable: isStaff && outlineEditable(head.outline_status),
    isStaff,
    canPropose: canProposeQuestion(user, head.id),
    outline: outline.map((k) => ({
      ...k,
      questions: k.questions.map((q) => ({
        ...q,
        staff_notes: showNotes ? q.staff_notes : "",
        answer: issuedIds.has(q.id) ? (answers.get(q.id)?.state ?? ("none" as AnswerState)) : null,
        similar: similarById.get(q.id) ?? [],
      })),
    })),
    coverage: computeCoverage(outline, responding, sources),
    options: isStaff ? { departments, roster: await questionerOptions(db), sources } : null,
    versions: {
      count: versions.length,
      latest: latest ? { number: latest.number, status: latest.status, submitted_at: latest.submitted_at, decided_on: latest.decided_on, note: latest.decision_note } : null,
      lastRejected: lastRejected ? { number: lastRejected.number, decided_on: lastRejected.decided_on, note: lastRejected.decision_note } : null,
      issued: issuedVersion ? { number: issuedVersion.number, issued_at: issuedVersion.issued_at } : null,
      hasApproved: versions.some((v) => v.status === "approved"),
    },
    issuedAnswers: issuedVersion
      ? { total: issuedIds.size, submitted: [...issuedIds].filter((qid) => answers.get(qid)?.state === "submitted").length }
      : null,
    proposals: proposals.map((p) => ({ ...p })),
    myProposals,
    today: todayInShanghai(),
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  if (!canEditOutline(user)) forbidden("只有人大工作人员可以编辑、报送和下发询问提纲。");
  const id = IdSchema.safeParse(params.id);
  if (!id.success) notFound("该专题询问不存在");
  const db = getDb();
  const head = await getOutlineHead(db, id.data);
  if (!head) notFound("该专题询问不存在");
  const formData = await readFormData(request);
  const intent = String(formData.get("intent") ?? "");
  const target = String(formData.get("target") ?? formData.get("id") ?? formData.get("proposalId") ?? "");
  const actor = actorOf(user, context);
  const inquiryId = head.id;
  const here = `/inquiries/${inquiryId}/outline`;
  const refuse = (fieldErrors: Record<string, string[]>, values: Record<string, string>, conflict = false) =>
    data({ intent, target, fieldErrors, values, conflict }, { status: conflict ? 409 : 400 });
  const fail = (result: Extract<Result, { ok: false }>, values: Record<string, string>) =>
    refuse({ [result.field]: [result.message] }, values, !!result.conflict);
  const revision = RevisionSchema.safeParse(formData.get("revision"));
  if (!revision.success && intent !== "decline_proposal") return refuse({ _form: ["请求无效，请刷新页面后重试"] }, {});
  const rev = revision.success ? revision.data : 0;

  switch (intent) {
    case "add_keyword":
    case "edit_keyword": {
      const parsed = parseForm(formData, KeywordFormSchema);
      if (!parsed.ok) return refuse(parsed.fieldErrors, parsed.values);
      if (intent === "add_keyword") {
        const r = await addKeyword(db, actor, { inquiryId, revision: rev, ...parsed.data });
        if (!r.ok) return fail(r, parsed.values);
        return redirectWithToast(`${here}#kw-${r.id}`, `已添加关键词「${parsed.data.keyword}」`);
      }
      const kid = IdOnlySchema.safeParse({ id: formData.get("id") });
      if (!kid.success) return refuse({ _form: ["请求无效，请刷新页面后重试"] }, parsed.values);
      const r = await updateKeyword(db, actor, { inquiryId, revision: rev, id: kid.data.id, ...parsed.data });
      if (!r.ok) return fail(r, parsed.values);
      return redirectWithToast(`${here}#kw-${r.id}`, `已保存关键词「${parsed.data.keyword}」`);
    }
    case "delete_keyword": {
      const parsed = parseForm(formData, IdOnlySchema);
      if (!parsed.ok) return refuse({ _form: ["请求无效，请刷新页面后重试"] }, {});
      const r = await deleteKeyword(db, actor, { inquiryId, revision: rev, id: parsed.data.id });
      if (!r.ok) return fail(r, {});
      return redirectWithToast(here, "已删除关键词");
    }
    case "move_keyword":
    case "move_question": {
      const parsed = parseForm(formData, MoveSchema);
      if (!parsed.ok) return refuse({ _form: ["请求无效，请刷新页面后重试"] }, {});
      const r = await (intent === "move_keyword" ? moveKeyword : moveQuestion)(db, actor, { inquiryId, revision: rev, ...parsed.data });
      if (!r.ok) return fail(r, {});
      return redirectWithToast(`${here}#${intent === "move_keyword" ? "kw" : "q"}-${r.id}`, parsed.data.direction === "up" ? "已上移" : "已下移");
    }
    case "add_question": {
      const parsed = parseForm(formData, QuestionFormSchema);
      if (!parsed.ok) return refuse(parsed.fieldErrors, parsed.values);
      const r = await addQuestion(db, actor, { inquiryId, revision: rev, ...parsed.data });
      if (!r.ok) return fail(r, parsed.values);
      return redirectWithToast(`${here}#q-${r.id}`, "已添加问题");
    }
    case "relocate_question": {
      const parsed = parseForm(formData, RelocateSchema);
      if (!parsed.ok) return refuse(parsed.fieldErrors, parsed.values);
      const r = await relocateQuestion(db, actor, { inquiryId, revision: rev, ...parsed.data });
      if (!r.ok) return fail(r, parsed.values);
      return redirectWithToast(`${here}#q-${r.id}`, "已将问题移至所选关键词");
    }
    case "delete_question": {
      const parsed = parseForm(formData, IdOnlySchema);
      if (!parsed.ok) return refuse({ _form: ["请求无效，请刷新页面后重试"] }, {});
      const r = await deleteQuestion(db, actor, { inquiryId, revision: rev, id: parsed.data.id });
      if (!r.ok) return fail(r, {});
      return redirectWithToast(here, "已删除问题");
    }
    case "submit": {
      const values = { on: String(formData.get("on") ?? "") };
      const r = await submitOutline(db, actor, { inquiryId, revision: rev, on: values.on });
      if (!r.ok) return fail(r, values);
      return redirectWithToast(here, "询问提纲已提请主任会议审定，版本已冻结");
    }
    case "decide": {
      const parsed = parseForm(formData, DecisionFormSchema);
      if (!parsed.ok) return refuse(parsed.fieldErrors, parsed.values);
      const r = await decideOutline(db, actor, { inquiryId, revision: rev, ...parsed.data });
      if (!r.ok) return fail(r, parsed.values);
      return redirectWithToast(here, parsed.data.decision === "approve" ? "已记录：主任会议审定通过" : "已记录：主任会议退回修改");
    }
    case "issue": {
      const values = { on: String(formData.get("on") ?? "") };
      const r = await issueOutline(db, actor, { inquiryId, revision: rev, on: values.on });
      if (!r.ok) return fail(r, values);
      return redirectWithToast(here, "询问提纲已下发应询部门");
    }
    case "reopen": {
      const r = await reopenOutline(db, actor, { inquiryId, revision: rev });
      if (!r.ok) return fail(r, {});
      return redirectWithToast(here, "询问提纲已进入修订，修订后请再次提请主任会议审定");
    }
    case "accept_proposal": {
      const parsed = parseForm(formData, AcceptProposalSchema);
      if (!parsed.ok) return refuse(parsed.fieldErrors, parsed.values);
      const r = await acceptProposal(db, actor, { inquiryId, revision: rev, ...parsed.data });
      if (!r.ok) return fail(r, parsed.values);
      return redirectWithToast(`${here}#q-${r.id}`, "已采纳问题建议并列入提纲");
    }
    case "decline_proposal": {
      const parsed = parseForm(formData, DeclineProposalSchema);
      if (!parsed.ok) return refuse(parsed.fieldErrors, parsed.values);
      const r = await declineProposal(db, actor, { inquiryId, ...parsed.data });
      if (!r.ok) return fail(r, parsed.values);
      return redirectWithToast(`${here}#proposals`, "已作不予采纳处理，并告知建议人理由");
    }
  }
  return refuse({ _form: ["未知的操作，请刷新页面后重试"] }, {});
}

type FullData = Extract<ReturnType<typeof useLoaderData<typeof loader>>, { view: "full" }>;
type DepartmentData = Extract<ReturnType<typeof useLoaderData<typeof loader>>, { view: "department" }>;

const STATUS_CLASS: Record<string, string> = { draft: "", submitted: "warn", approved: "ok", rejected: "bad", issued: "ok" };
const ANSWER_CLASS: Record<AnswerState, string> = { none: "bad", draft: "warn", submitted: "ok" };

export default function OutlinePage() {
  const loaded = useLoaderData<typeof loader>();
  return loaded.view === "department" ? <DepartmentView data={loaded} /> : <FullView data={loaded} />;
}

function DepartmentView({ data: d }: { data: DepartmentData }) {
  const open = d.department.questions.filter((q) => q.answerState !== "submitted").length;
  return (
    <section className="ol-page">
      <InquiryNav inquiry={d.inquiry} tab="outline" />
      <div className="page-head">
        <div>
          <h1>询问提纲 · 本单位应询问题</h1>
        </div>
        <span className="badge ok">第 {d.department.versionNumber} 版 · 已下发</span>
      </div>
      <p className="ol-notice" data-testid="department-scope">
        以下为询问提纲中由<strong>{d.organizationName}</strong>应询的问题（共 {d.department.questions.length} 个，{open ? `${open} 个尚未提交书面准备答复` : "均已提交书面准备答复"}）。
        {d.inquiry.meeting_date ? `请于询问会（${formatDate(d.inquiry.meeting_date)}）前提交书面准备答复。` : ""}
      </p>
      <ol className="ol-dept-list" data-testid="department-questions">
        {d.department.questions.map((q) => (
          <li key={q.id} value={q.number} data-testid={`dept-question-${q.id}`}>
            <div className="ol-dept-keyword muted ol-small">
              关键词：{q.keyword}
              {q.headline ? `（${q.headline}）` : ""}
            </div>
            <p className="ol-q-text">{q.text}</p>
            <p className="ol-small">
              询问人：{q.questioner}　
              <span className={`badge ${ANSWER_CLASS[q.answerState]}`}>{ANSWER_STATE_LABELS[q.answerState]}</span>
              {q.submitted_at ? <span className="muted">（{formatDateTime(q.submitted_at)}）</span> : null}
            </p>
            <Link to={`/inquiries/${d.inquiry.id}/outline/questions/${q.id}`} className="button secondary ol-mini-button" aria-label={`${q.answerState === "submitted" ? "查看或更新答复" : "撰写书面准备答复"}（第 ${q.number} 题）`}>
              {q.answerState === "submitted" ? "查看或更新答复" : "撰写书面准备答复"}
            </Link>
          </li>
        ))}
      </ol>
    </section>
  );
}

function FullView({ data: d }: { data: FullData }) {
  const result = useActionData<typeof action>() as OutlineFeedback | undefined;
  const navigation = useNavigation();
  const busy = navigation.state !== "idle";
  const refocus = useRef<string | null>(null);
  useEffect(() => {
    if (navigation.state !== "idle" || !refocus.current) return;
    const [id, fallback] = refocus.current.split("|");
    refocus.current = null;
    const el = document.getElementById(id) as HTMLButtonElement | null;
    const target = el && !el.disabled ? el : (document.getElementById(fallback) as HTMLButtonElement | null);
    target?.focus();
  }, [navigation.state]);
  const feedbackFor = (intent: string, target?: string | number): OutlineFeedback | undefined =>
    result?.intent === intent && (target === undefined || String(result.target) === String(target)) ? result : undefined;
  const generalFeedback =
    result && ["move_keyword", "move_question", "delete_keyword", "delete_question", "submit", "issue", "reopen"].includes(result.intent ?? "") ? result : undefined;
  const questionCount = d.outline.reduce((n, k) => n + k.questions.length, 0);
  const keywordOptions = d.outline.map((k) => ({ id: k.id, keyword: k.keyword }));
  const pending = d.proposals.filter((p) => p.status === "pending");
  const decided = d.proposals.filter((p) => p.status !== "pending");
  let number = 0;

  /** Alt+↑ / Alt+↓ on a question or keyword presses its move button (the buttons work alone too). */
  const onMoveKeys = (e: KeyboardEvent<HTMLElement>, prefix: string) => {
    if (!e.altKey || (e.key !== "ArrowUp" && e.key !== "ArrowDown")) return;
    const button = document.getElementById(`${prefix}-${e.key === "ArrowUp" ? "up" : "down"}`) as HTMLButtonElement | null;
    if (!button || button.disabled) return;
    e.preventDefault();
    e.stopPropagation();
    button.click();
  };
  const rememberFocus = (prefix: string, direction: "up" | "down") => {
    refocus.current = `${prefix}-${direction}|${prefix}-${direction === "up" ? "down" : "up"}`;
  };

  return (
    <section className="ol-page">
      <InquiryNav inquiry={d.inquiry} tab="outline" />
      <div className="page-head">
        <div>
          <h1>询问提纲</h1>
        </div>
        <div className="ol-head-actions">
          <span className={`badge ol-status ${STATUS_CLASS[d.status]}`} data-testid="outline-status">
            {OUTLINE_STATUS_LABELS[d.status]}
          </span>
          <Link to={`/inquiries/${d.inquiry.id}/outline/versions`}>版本记录{d.versions.count ? `（${d.versions.count}）` : ""}</Link>
          {d.versions.hasApproved ? (
            <>
              <Link to={`/inquiries/${d.inquiry.id}/outline/print`}>打印</Link>
              <a href={`/inquiries/${d.inquiry.id}/outline.docx`} download>导出 Word</a>
            </>
          ) : null}
          {d.canPropose ? (
            <Link to={`/inquiries/${d.inquiry.id}/outline/propose`} className="button secondary">提出问题建议</Link>
          ) : null}
        </div>
      </div>

      {d.isStaff ? <PlanGateNotice inquiryId={d.inquiry.id} gate={d.gate} canManage work="起草或办理询问提纲" /> : null}
      {d.isStaff ? <FlowCard d={d} result={result} busy={busy} questionCount={questionCount} /> : <StatusNote d={d} />}
      <FormError feedback={generalFeedback} />

      <CoverageCard coverage={d.coverage} />

      <h2 className="ol-outline-title">
        提纲内容（{d.outline.length} 个关键词，{questionCount} 个问题）
      </h2>
      {d.editable ? <p className="muted ol-small no-print">用“↑”“↓”按钮调整顺序；也可在某个问题或关键词上按 Alt+↑ / Alt+↓。询问会和摘要将按此顺序进行。</p> : null}
      {d.outline.length === 0 ? <p className="muted">提纲中还没有关键词。{d.editable ? "请先在下方添加关键词，再添加问题。" : ""}</p> : null}
      <div className="ol-outline" data-testid="outline">
        {d.outline.map((k, ki) => (
          <section key={k.id} id={`kw-${k.id}`} className="ol-keyword" aria-labelledby={`kw-${k.id}-title`} data-testid={`keyword-${k.id}`}>
            <header className="ol-keyword-head" onKeyDown={d.editable ? (e) => onMoveKeys(e, `kw-${k.id}`) : undefined}>
              <h3 id={`kw-${k.id}-title`}>
                {chineseNumber(ki + 1)}、{k.keyword}
                {k.headline ? <span className="ol-headline">（{k.headline}）</span> : null}
              </h3>
              {d.editable ? (
                <div className="ol-controls no-print">
                  <MoveForm
                    intent="move_keyword"
                    id={k.id}
                    revision={d.revision}
                    prefix={`kw-${k.id}`}
                    name={`关键词「${k.keyword}」`}
                    first={ki === 0}
                    last={ki === d.outline.length - 1}
                    busy={busy}
                    onMove={rememberFocus}
                  />
                  {k.questions.length === 0 ? (
                    <Form method="post" className="inline-form">
                      <input type="hidden" name="intent" value="delete_keyword" />
                      <input type="hidden" name="id" value={k.id} />
                      <input type="hidden" name="revision" value={d.revision} />
                      <button type="submit" className="plain ol-mini" disabled={busy} aria-label={`删除关键词「${k.keyword}」`}>删除</button>
                    </Form>
                  ) : null}
                </div>
              ) : null}
            </header>
            {d.editable ? (
              <details className="ol-edit no-print" open={!!feedbackFor("edit_keyword", k.id)}>
                <summary>修改关键词</summary>
                <Form method="post" noValidate key={`kw-${k.id}-${d.revision}`}>
                  <FormError feedback={feedbackFor("edit_keyword", k.id)} />
                  <input type="hidden" name="intent" value="edit_keyword" />
                  <input type="hidden" name="id" value={k.id} />
                  <input type="hidden" name="revision" value={d.revision} />
                  <div className="ol-row">
                    <TextField idPrefix={`kw${k.id}`} name="keyword" label="关键词" required maxLength={40} feedback={feedbackFor("edit_keyword", k.id)} defaultValue={k.keyword} />
                    <TextField idPrefix={`kw${k.id}`} name="headline" label="标题" maxLength={100} feedback={feedbackFor("edit_keyword", k.id)} defaultValue={k.headline} />
                  </div>
                  <button type="submit" disabled={busy}>保存关键词</button>
                </Form>
              </details>
            ) : null}
            {k.questions.length === 0 ? <p className="muted ol-small">该关键词下还没有问题。</p> : null}
            <ol className="ol-questions" start={number + 1}>
              {k.questions.map((q, qi) => {
                number++;
                return (
                  <li key={q.id} id={`q-${q.id}`} className="ol-question" data-testid={`question-${q.id}`} onKeyDown={d.editable ? (e) => onMoveKeys(e, `q-${q.id}`) : undefined}>
                    <div className="ol-q-main">
                      <p className="ol-q-text" data-testid="question-text">{q.text}</p>
                      <p className="ol-q-meta">
                        <span>应询部门：<strong>{q.department_name}</strong></span>
                        <span>询问人：{questionerLabel(q)}{q.questioner_user_id ? "" : q.questioner_name ? <span className="muted ol-small">（无账号）</span> : null}</span>
                        {q.answer ? (
                          <span className={`badge ${ANSWER_CLASS[q.answer]}`} data-testid="answer-state">{ANSWER_STATE_LABELS[q.answer]}</span>
                        ) : null}
                      </p>
                      {q.staff_notes ? <p className="ol-notes">备注：{q.staff_notes}</p> : null}
                      {q.similar.length ? (
                        <details className="in-similar no-print" data-testid="similar-earlier">
                          <summary>往届类似问题 {q.similar.length} 条</summary>
                          <ul>
                            {q.similar.map((p) => (
                              <li key={p.key}>
                                {p.year}年《<Link to={`/inquiries/${p.inquiryId}`}>{p.inquiryTitle}</Link>》{p.kindLabel}：{p.text}
                                <span className="muted">（结果：{p.outcome}；相似度 {p.similarity}%）</span>
                              </li>
                            ))}
                          </ul>
                        </details>
                      ) : null}
                      <div className="ol-q-actions no-print">
                        <Link to={`/inquiries/${d.inquiry.id}/outline/questions/${q.id}`} aria-label={`${d.editable ? "编辑" : q.answer === "submitted" ? "查看书面准备答复" : "详情"}（第 ${number} 题）`}>
                          {d.editable ? "编辑" : q.answer === "submitted" ? "查看书面准备答复" : "详情"}
                        </Link>
                        {d.editable ? (
                          <>
                            <MoveForm
                              intent="move_question"
                              id={q.id}
                              revision={d.revision}
                              prefix={`q-${q.id}`}
                              name={`第 ${number} 题`}
                              first={qi === 0}
                              last={qi === k.questions.length - 1}
                              busy={busy}
                              onMove={rememberFocus}
                            />
                            {d.outline.length > 1 ? (
                              <Form method="post" className="inline-form">
                                <input type="hidden" name="intent" value="relocate_question" />
                                <input type="hidden" name="id" value={q.id} />
                                <input type="hidden" name="revision" value={d.revision} />
                                <label className="ol-small" htmlFor={`q-${q.id}-to`}>移至</label>
                                <select id={`q-${q.id}-to`} name="keywordId" defaultValue="" aria-label={`将第 ${number} 题移至关键词`}>
                                  <option value="" disabled>选择关键词</option>
                                  {d.outline
                                    .filter((o) => o.id !== k.id)
                                    .map((o) => (
                                      <option key={o.id} value={o.id}>{o.keyword}</option>
                                    ))}
                                </select>
                                <button type="submit" className="plain ol-mini" disabled={busy}>移动</button>
                              </Form>
                            ) : null}
                            <Form method="post" className="inline-form" onSubmit={(e) => { if (!window.confirm("确定删除该问题吗？")) e.preventDefault(); }}>
                              <input type="hidden" name="intent" value="delete_question" />
                              <input type="hidden" name="id" value={q.id} />
                              <input type="hidden" name="revision" value={d.revision} />
                              <button type="submit" className="plain ol-mini" disabled={busy} aria-label={`删除第 ${number} 题`}>删除</button>
                            </Form>
                          </>
                        ) : null}
                      </div>
                      {feedbackFor("relocate_question", q.id) ? (
                        <p className="field-error" role="alert">{Object.values(result?.fieldErrors ?? {})[0]?.[0]}</p>
                      ) : null}
                    </div>
                    <aside className="ol-q-sources" aria-label={`第 ${number} 题的来源`}>
                      <SourceList sources={q.sources} />
                    </aside>
                  </li>
                );
              })}
            </ol>
          </section>
        ))}
      </div>

      {d.editable && d.options ? (
        <div className="ol-editors no-print">
          <div className="card" id="add-question">
            <h2 className="ol-card-title">添加问题</h2>
            {d.outline.length === 0 ? (
              <p className="muted">请先添加关键词。</p>
            ) : (
              <Form method="post" noValidate key={`add-q-${d.revision}`}>
                <FormError feedback={feedbackFor("add_question")} />
                <input type="hidden" name="intent" value="add_question" />
                <input type="hidden" name="revision" value={d.revision} />
                <QuestionFields idPrefix="nq" options={{ keywords: keywordOptions, ...d.options }} feedback={feedbackFor("add_question")} />
                <button type="submit" disabled={busy}>添加问题</button>
              </Form>
            )}
          </div>
          <div className="card" id="add-keyword">
            <h2 className="ol-card-title">添加关键词</h2>
            <Form method="post" noValidate key={`add-kw-${d.revision}`}>
              <FormError feedback={feedbackFor("add_keyword")} />
              <input type="hidden" name="intent" value="add_keyword" />
              <input type="hidden" name="revision" value={d.revision} />
              <div className="ol-row">
                <TextField idPrefix="nk" name="keyword" label="关键词" required maxLength={40} feedback={feedbackFor("add_keyword")} hint="如：健康扶贫" />
                <TextField idPrefix="nk" name="headline" label="标题" maxLength={100} feedback={feedbackFor("add_keyword")} hint="如：让贫困群众看得起病看得好病（摘要中作小标题）" />
              </div>
              <button type="submit" disabled={busy}>添加关键词</button>
            </Form>
          </div>
        </div>
      ) : null}

      {d.isStaff ? (
        <ProposalsCard d={d} pending={pending} decided={decided} keywordOptions={keywordOptions} feedbackFor={feedbackFor} busy={busy} />
      ) : null}

      {d.canPropose && d.myProposals.length ? (
        <div className="card" id="my-proposals">
          <h2 className="ol-card-title">我对本提纲的问题建议</h2>
          <ul className="ol-plain-list">
            {d.myProposals.map((p) => (
              <li key={p.id}>
                <span className="badge">{PROPOSAL_STATUS_LABELS[p.status]}</span> {p.text}
                {p.status === "declined" && p.decline_reason ? <div className="ol-small ol-decline">理由：{p.decline_reason}</div> : null}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </section>
  );
}

function MoveForm({
  intent,
  id,
  revision,
  prefix,
  name,
  first,
  last,
  busy,
  onMove,
}: {
  intent: "move_keyword" | "move_question";
  id: number;
  revision: number;
  prefix: string;
  name: string;
  first: boolean;
  last: boolean;
  busy: boolean;
  onMove: (prefix: string, direction: "up" | "down") => void;
}) {
  return (
    <Form method="post" className="inline-form ol-move" preventScrollReset>
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="id" value={id} />
      <input type="hidden" name="revision" value={revision} />
      <button
        type="submit"
        name="direction"
        value="up"
        id={`${prefix}-up`}
        className="plain ol-mini"
        disabled={first || busy}
        aria-label={`上移${name}`}
        title="上移（Alt+↑）"
        onClick={() => onMove(prefix, "up")}
      >
        ↑
      </button>
      <button
        type="submit"
        name="direction"
        value="down"
        id={`${prefix}-down`}
        className="plain ol-mini"
        disabled={last || busy}
        aria-label={`下移${name}`}
        title="下移（Alt+↓）"
        onClick={() => onMove(prefix, "down")}
      >
        ↓
      </button>
    </Form>
  );
}

function StatusNote({ d }: { d: FullData }) {
  return (
    <div className="ol-notice">
      {d.versions.issued ? `第 ${d.versions.issued.number} 版已于 ${formatDateTime(d.versions.issued.issued_at)} 下发应询部门。` : null}
      {d.status === "submitted" ? "询问提纲已提请主任会议审定。" : null}
      {d.status === "draft" || d.status === "rejected" ? "询问提纲正在起草中，内容可能调整。" : null}
      {d.canPropose && (d.status === "draft" || d.status === "rejected" || d.status === "submitted") ? " 您可以提出问题建议，由人大工作人员研究采纳。" : null}
    </div>
  );
}

function FlowCard({ d, result, busy, questionCount }: { d: FullData; result: OutlineFeedback | undefined; busy: boolean; questionCount: number }) {
  const decideFeedback = result?.intent === "decide" ? result : undefined;
  const hidden = (intent: string) => (
    <>
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="revision" value={d.revision} />
    </>
  );
  return (
    <div className="card ol-flow" data-testid="outline-flow">
      <h2 className="ol-card-title">审定与下发</h2>
      <ol className="ol-steps" aria-label="提纲流程">
        {[
          ["起草", d.status === "draft" || d.status === "rejected"],
          ["主任会议审定", d.status === "submitted"],
          ["审定通过", d.status === "approved"],
          ["下发应询部门", d.status === "issued"],
        ].map(([label, current]) => (
          <li key={String(label)} className={current ? "ol-step-current" : ""} aria-current={current ? "step" : undefined}>
            {label}
          </li>
        ))}
      </ol>
      {d.versions.issued && d.status !== "issued" ? (
        <p className="ol-small">应询部门目前以已下发的第 {d.versions.issued.number} 版为准；修订稿经主任会议审定并下发后替换。</p>
      ) : null}
      {d.issuedAnswers ? (
        <p className="ol-small" data-testid="answer-summary">
          书面准备答复：已提交 {d.issuedAnswers.submitted} / {d.issuedAnswers.total} 个问题　<Link to={`/inquiries/${d.inquiry.id}/gaps`}>查看答复缺口</Link>
        </p>
      ) : null}

      {d.status === "draft" || d.status === "rejected" ? (
        <>
          {d.status === "rejected" && d.versions.lastRejected ? (
            <div className="ol-rejected" role="note" data-testid="rejection-note">
              <strong>主任会议退回第 {d.versions.lastRejected.number} 版</strong>
              {d.versions.lastRejected.decided_on ? `（${formatDate(d.versions.lastRejected.decided_on)}）` : ""}：{d.versions.lastRejected.note}
              <div className="ol-small">请按意见修改后再次提请审定，将形成新的版本。</div>
            </div>
          ) : null}
          <Form method="post" className="ol-flow-form">
            {hidden("submit")}
            <p className="muted ol-small">
              提请审定将冻结当前内容为第 {(d.versions.latest?.number ?? 0) + 1} 版（{d.outline.length} 个关键词，{questionCount} 个问题），审定结果记录前不能修改。
            </p>
            {d.backEntry ? <BackEntryDate label="提请审定日期" feedback={result?.intent === "submit" ? result : undefined} /> : null}
            <button type="submit" disabled={busy || questionCount === 0}>提请主任会议审定</button>
          </Form>
        </>
      ) : null}

      {d.status === "submitted" ? (
        <Form method="post" noValidate className="ol-flow-form" key={`decide-${d.revision}`}>
          {hidden("decide")}
          <FormError feedback={decideFeedback} />
          <p className="ol-small">
            第 {d.versions.latest?.number} 版已于 {formatDateTime(d.versions.latest?.submitted_at)} 提请主任会议审定。请记录审定结果：
          </p>
          <fieldset className="field ol-radios">
            <legend className="field-label">审定结果<span className="required">*</span></legend>
            <label>
              <input type="radio" name="decision" value="approve" defaultChecked={decideFeedback?.values?.decision === "approve"} /> 审定通过
            </label>
            <label>
              <input type="radio" name="decision" value="reject" defaultChecked={decideFeedback?.values?.decision === "reject"} /> 退回修改
            </label>
            {decideFeedback?.fieldErrors?.decision ? <p className="field-error">{decideFeedback.fieldErrors.decision[0]}</p> : null}
          </fieldset>
          <TextField idPrefix="dc" name="decidedOn" label="主任会议日期" type="date" required feedback={decideFeedback} defaultValue={d.backEntry ? "" : d.today} />
          <TextAreaField idPrefix="dc" name="note" label="主任会议意见" rows={2} maxLength={2000} feedback={decideFeedback} hint="退回修改时必填" />
          <button type="submit" disabled={busy}>记录审定结果</button>
        </Form>
      ) : null}

      {d.status === "approved" ? (
        <div className="ol-flow-form">
          <p className="ol-small">
            第 {d.versions.latest?.number} 版经主任会议审定通过{d.versions.latest?.decided_on ? `（${formatDate(d.versions.latest.decided_on)}）` : ""}
            {d.versions.latest?.note ? `：${d.versions.latest.note}` : ""}。下发后，各应询部门只能看到本单位的问题。
          </p>
          <div className="ol-buttons">
            <Form method="post">
              {hidden("issue")}
              {d.backEntry ? <BackEntryDate label="下发日期" feedback={result?.intent === "issue" ? result : undefined} /> : null}
              <button type="submit" disabled={busy}>下发应询部门</button>
            </Form>
            <Form method="post">
              {hidden("reopen")}
              <button type="submit" className="secondary" disabled={busy}>重新修订</button>
            </Form>
          </div>
        </div>
      ) : null}

      {d.status === "issued" ? (
        <div className="ol-flow-form">
          <p className="ol-small">
            第 {d.versions.issued?.number} 版已于 {formatDateTime(d.versions.issued?.issued_at)} 下发应询部门。
          </p>
          <Form method="post">
            {hidden("reopen")}
            <button type="submit" className="secondary" disabled={busy}>重新修订</button>
          </Form>
        </div>
      ) : null}
    </div>
  );
}

function CoverageCard({ coverage: c }: { coverage: FullData["coverage"] }) {
  return (
    <div className="card ol-coverage" data-testid="coverage" aria-labelledby="ol-coverage-title">
      <h2 id="ol-coverage-title" className="ol-card-title">覆盖情况</h2>
      <div className="ol-coverage-grid">
        <div>
          <h3>按应询部门</h3>
          {c.byDepartment.length ? (
            <ul className="ol-count-list" data-testid="coverage-departments">
              {c.byDepartment.map((x) => (
                <li key={x.id}>
                  <span>{x.name}</span> <strong>{x.count}</strong>
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted ol-small">尚无问题。</p>
          )}
          {c.departmentsWithout.length ? (
            <p className="ol-gap" data-testid="coverage-missing">
              尚无问题的应询部门：{c.departmentsWithout.map((x) => x.name).join("、")}
            </p>
          ) : c.questions ? (
            <p className="ol-small ol-ok">各应询部门均已安排问题。</p>
          ) : null}
        </div>
        <div>
          <h3>按询问人</h3>
          {c.byQuestioner.length ? (
            <ul className="ol-count-list" data-testid="coverage-questioners">
              {c.byQuestioner.map((x) => (
                <li key={x.label}>
                  <span>{x.label}</span> <strong>{x.count}</strong>
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted ol-small">尚无问题。</p>
          )}
        </div>
        <div>
          <h3>尚未使用的来源</h3>
          {c.unusedFindings.length ? (
            <ul className="ol-unused" data-testid="coverage-unused-findings">
              {c.unusedFindings.map((f) => (
                <li key={f.id}>
                  <Link to={f.href}>{f.label}</Link>
                </li>
              ))}
            </ul>
          ) : (
            <p className="ol-small ol-ok">问题线索均已被问题引用。</p>
          )}
          {c.unusedReports.length ? <p className="muted ol-small">未引用的县区调研报告：{c.unusedReports.map((r) => r.label).join("、")}</p> : null}
        </div>
      </div>
    </div>
  );
}

function ProposalsCard({
  d,
  pending,
  decided,
  keywordOptions,
  feedbackFor,
  busy,
}: {
  d: FullData;
  pending: FullData["proposals"];
  decided: FullData["proposals"];
  keywordOptions: { id: number; keyword: string }[];
  feedbackFor: (intent: string, target?: string | number) => OutlineFeedback | undefined;
  busy: boolean;
}) {
  return (
    <div className="card" id="proposals" data-testid="proposals">
      <h2 className="ol-card-title">委员/代表的问题建议（待处理 {pending.length}）</h2>
      {pending.length === 0 ? <p className="muted ol-small">暂无待处理的问题建议。</p> : null}
      {!d.editable && pending.length ? <p className="muted ol-small">提纲当前不可编辑（{OUTLINE_STATUS_LABELS[d.status]}），采纳建议需在起草或退回修改时进行；不予采纳可随时处理。</p> : null}
      {pending.map((p) => {
        const accept = feedbackFor("accept_proposal", p.id);
        const decline = feedbackFor("decline_proposal", p.id);
        const keywordMatch = keywordOptions.find((k) => k.keyword === p.keyword);
        return (
          <div key={p.id} className="ol-proposal" data-testid={`proposal-${p.id}`}>
            <p className="ol-q-text">{p.text}</p>
            <p className="ol-small muted">
              {p.member_name}{p.member_title ? `（${p.member_title}）` : ""} · {formatDateTime(p.created_at)}
              {p.keyword ? ` · 建议关键词：${p.keyword}` : ""}
              {p.department_name ? ` · 建议应询部门：${p.department_name}` : ""}
              {p.source_note ? ` · 依据：${p.source_note}` : ""}
            </p>
            <div className="ol-proposal-forms">
              {d.editable && d.options ? (
                <Form method="post" noValidate key={`acc-${p.id}-${d.revision}`} className="ol-accept">
                  <FormError feedback={accept} />
                  <input type="hidden" name="intent" value="accept_proposal" />
                  <input type="hidden" name="proposalId" value={p.id} />
                  <input type="hidden" name="revision" value={d.revision} />
                  <TextAreaField idPrefix={`pa${p.id}`} name="text" label="列入提纲的问题" required rows={2} maxLength={1000} feedback={accept} defaultValue={p.text} />
                  <div className="ol-row">
                    <SelectField
                      idPrefix={`pa${p.id}`}
                      name="keywordId"
                      label="关键词"
                      required
                      feedback={accept}
                      defaultValue={keywordMatch ? keywordMatch.id : p.keyword ? "new" : keywordOptions[0]?.id}
                      emptyLabel={keywordOptions.length || p.keyword ? undefined : "（请先添加关键词）"}
                      options={[
                        ...keywordOptions.map((k) => ({ value: k.id, label: k.keyword })),
                        ...(p.keyword && !keywordMatch ? [{ value: "new", label: `新建关键词「${p.keyword}」` }] : []),
                      ]}
                    />
                    <SelectField
                      idPrefix={`pa${p.id}`}
                      name="departmentId"
                      label="应询部门"
                      required
                      feedback={accept}
                      defaultValue={p.department_id}
                      emptyLabel="请选择"
                      options={d.options.departments.map((x) => ({ value: x.id, label: x.name }))}
                    />
                  </div>
                  <button type="submit" disabled={busy} aria-label={`采纳并列入提纲：采纳${p.member_name}的问题建议`}>采纳并列入提纲</button>
                </Form>
              ) : null}
              <Form method="post" noValidate key={`dec-${p.id}`} className="ol-decline-form">
                <FormError feedback={decline} />
                <input type="hidden" name="intent" value="decline_proposal" />
                <input type="hidden" name="proposalId" value={p.id} />
                <TextAreaField idPrefix={`pd${p.id}`} name="reason" label="不予采纳的理由" required rows={2} maxLength={500} feedback={decline} />
                <button type="submit" className="secondary" disabled={busy} aria-label={`不予采纳：不采纳${p.member_name}的问题建议`}>不予采纳</button>
              </Form>
            </div>
          </div>
        );
      })}
      {decided.length ? (
        <details className="ol-decided">
          <summary>已处理的建议（{decided.length}）</summary>
          <ul className="ol-plain-list">
            {decided.map((p) => (
              <li key={p.id}>
                <span className="badge">{PROPOSAL_STATUS_LABELS[p.status]}</span> {p.text}
                <span className="muted ol-small">
                  （{p.member_name}；{p.decided_by_name ?? ""} {formatDateTime(p.decided_at)}
                  {p.status === "declined" ? `；理由：${p.decline_reason}` : ""}
                  {p.status === "accepted" && p.question_id ? "；" : ""}
                  {p.status === "accepted" && p.question_id ? <a href={`#q-${p.question_id}`}>查看问题</a> : null}）
                </span>
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </div>
  );
}
