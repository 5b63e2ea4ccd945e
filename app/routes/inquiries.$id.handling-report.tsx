import { useCongressTerms } from "~/settings/useCongressTerms";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { ChasePanel } from "~/queue/ChasePanel";
import { InquiryNav } from "~/components/PageNav";
import { chasePanelData } from "~/queue/chase.server";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { checkUploads, filesFromForm, listAttachments, UPLOAD_FORM_LIMIT_BYTES } from "~/attachments/attachments.server";
import { actorOf } from "~/auth/session.server";
import { AttachmentField, AttachmentList, DeadlineBadge } from "~/components/attachments";
import { firstError, FormError, TextAreaField, TextField, type FormFeedback } from "~/components/forms";
import { RichTextEditor, RichTextView } from "~/components/RichTextEditor";
import {
  canManageRectification,
  canReadHandlingReport,
  canReviewHandlingReport,
  canReadInquiry,
  canSubmitHandlingReport,
  canVoteHandlingReport,
  forbidden,
  notFound,
} from "~/policy.server";
import { acceptHandlingReport, castHandlingReportBallot, closeHandlingReportVote, defaultHandlingDueDate, listHandlingReports, openHandlingReportVote, setHandlingReportDueDate, submitHandlingReport, handlingReportsPublishedAt, isHandlingReportOf } from "~/rectification/handling-report.server";
import { HANDLING_REPORT_MONTHS, HANDLING_REPORT_STATUS_CLASS, HANDLING_REPORT_STATUS_LABELS, VOTE_CHOICES, VOTE_CHOICE_LABELS } from "~/rectification/labels";
import { loadInquiryFor } from "~/inquiries/inquiries.server";
import { addDays } from "~/utils/time";
import { richTextFromForm } from "~/richtext/richtext.server";
import { parseForm, readFormData } from "~/utils/forms.server";
import {
  AcceptReportSchema,
  BallotSchema,
  CloseVoteSchema,
  DueDateSchema,
  HandlingPublishSchema,
  HandlingReviewSchema,
  OptionalReportRefSchema,
  ReportRefSchema,
} from "~/rectification/forms.server";
import { handlingReviews, saveHandlingReview, setHandlingReportPublished } from "~/rectification/handling-review.server";
import { formatDate, formatDateTime, todayInShanghai } from "~/utils/time";
import { redirectWithToast } from "~/utils/toast.server";

/**
 * 研究处理情况报告: the government's written report on how it handled the inquiry's opinions. Staff set the due
 * date (default three months after the meeting); the government's liaison submits it; members vote
 * satisfaction; more than half 不满意 → re-submission with a new due date. Departments other than the
 * government get 403.
 */
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `研究处理情况报告 · ${data?.inquiry.title ?? "专题询问"} · 询问` }];

const load = (request: Request, params: { id?: string }) => loadInquiryFor(request, params, canReadHandlingReport, "研究处理情况报告仅供人大工作人员、委员和人民政府联络员查阅。");

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, db, inquiry } = await load(request, params);
  const isStaff = canManageRectification(user);
  const rounds = await listHandlingReports(db, inquiry.id, user.role === "member" ? user.id : undefined);
  const files = await listAttachments(db, "handling_report", rounds.map((r) => r.id));
  const reviews = await handlingReviews(db, inquiry.id);
  const published = await handlingReportsPublishedAt(db, inquiry.id);
  const closed = inquiry.stage === "closed";
  // 催办 applies to the round the government still owes (the newest, while pending)
  const owed = rounds.length ? rounds.reduce((a, b) => (b.round > a.round ? b : a)) : null;
  const chase = owed ? await chasePanelData(db, user, { type: "handling_report", id: owed.id }) : null;
  return {
    chase,
    inquiry: { id: inquiry.id, title: inquiry.title, meeting_date: inquiry.meeting_date, closed },
    defaultDueDate: defaultHandlingDueDate(inquiry.meeting_date),
    suggestedNewDueDate: addDays(todayInShanghai(), 30),
    rounds: rounds.map((r) => ({
      id: r.id,
      round: r.round,
      due_date: r.due_date,
      status: r.status,
      body_html: r.body_html,
      has_body: r.body_text.length > 0,
      submitted_at: r.submitted_at,
      submitted_by_name: r.submitted_by_name,
      version: r.version,
      vote: r.vote_id
        ? {
            status: r.vote_status,
            opened_at: r.vote_opened_at,
            closed_at: r.vote_closed_at,
            ballots: r.turnout?.voted ?? 0,
            eligible: r.turnout?.eligible ?? 0,
            // no tally while voting is open (listHandlingReports gives it only once closed)
            tally: r.tally,
            myVoted: r.myVoted,
            myChoice: r.myChoice,
          }
        : null,
      light: r.light,
      daysLeft: r.daysLeft,
      attachments: files.filter((f) => f.owner_id === r.id),
      review: reviews.get(r.id) ?? null,
      published_at: published.get(r.id) ?? null,
    })),
    canReview: canReviewHandlingReport(user) && !closed,
    canPublish: canReviewHandlingReport(user),
    isStaff: isStaff && !closed,
    isLiaison: canSubmitHandlingReport(user) && !closed,
    isMember: canVoteHandlingReport(user, inquiry.id) && !closed,
    canOverview: canReadInquiry(user, inquiry.id),
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, db, inquiry } = await load(request, params);
  const formData = await readFormData(request, UPLOAD_FORM_LIMIT_BYTES);
  const intent = String(formData.get("intent") ?? "");
  const actor = actorOf(user, context);
  const here = `/inquiries/${inquiry.id}/handling-report`;
  const refuse = (fieldErrors: Record<string, string[]>, values: Record<string, string> = {}) => data({ intent, fieldErrors, values }, { status: 400 });
  const ownReport = async (reportId: number) => {
    if (!(await isHandlingReportOf(db, inquiry.id, reportId))) notFound("该研究处理情况报告不存在");
  };
  const staffOnly = () => {
    if (!canManageRectification(user)) forbidden("只有人大工作人员可以办理此项操作。");
  };

  if (intent === "due_date") {
    staffOnly();
    const parsed = parseForm(formData, DueDateSchema);
    if (!parsed.ok) return refuse(parsed.fieldErrors, parsed.values);
    if (parsed.data.reportId) await ownReport(parsed.data.reportId);
    const result = await setHandlingReportDueDate(db, actor, { inquiryId: inquiry.id, dueDate: parsed.data.dueDate, reportId: parsed.data.reportId, version: parsed.data.version });
    if (!result.ok) return refuse({ [result.field]: [result.message] }, parsed.values);
    return redirectWithToast(here, `报送期限已定为 ${formatDate(parsed.data.dueDate)}`);
  }
  if (intent === "submit") {
    if (!canSubmitHandlingReport(user)) forbidden("研究处理情况报告由人民政府联络员报送。");
    const values = { body: String(formData.get("body") ?? "") };
    const ids = OptionalReportRefSchema.safeParse({ reportId: formData.get("reportId"), version: formData.get("version") });
    if (!ids.success) return refuse({ _form: ["请求无效，请刷新页面后重试"] }, values);
    if (ids.data.reportId) await ownReport(ids.data.reportId);
    const body = richTextFromForm(formData, "body", { label: "研究处理情况报告", required: true });
    const uploads = await checkUploads(filesFromForm(formData, "files"));
    if (!body.ok || !uploads.ok) return refuse({ ...(body.ok ? {} : { body: [body.message] }), ...(uploads.ok ? {} : { files: [uploads.message] }) }, values);
    const result = await submitHandlingReport(db, actor, {
      inquiryId: inquiry.id,
      organizationId: user.organizationId,
      reportId: ids.data.reportId,
      version: ids.data.version,
      body: body.value,
      files: uploads.files,
    });
    if (!result.ok) return refuse({ [result.field]: [result.message] }, values);
    return redirectWithToast(here, "研究处理情况报告已报送");
  }
  if (intent === "open_vote") {
    staffOnly();
    const parsed = parseForm(formData, ReportRefSchema);
    if (!parsed.ok) return refuse({ _form: ["请求无效，请刷新页面后重试"] });
    await ownReport(parsed.data.reportId);
    const result = await openHandlingReportVote(db, actor, parsed.data);
    if (!result.ok) return refuse({ [result.field]: [result.message] });
    return redirectWithToast(here, "满意度测评已开始，委员登录后即可投票");
  }
  if (intent === "ballot") {
    if (!canVoteHandlingReport(user, inquiry.id)) forbidden("只有委员和代表可以参加满意度测评。");
    const parsed = parseForm(formData, BallotSchema);
    if (!parsed.ok) return refuse(parsed.fieldErrors, parsed.values);
    await ownReport(parsed.data.reportId);
    const result = await castHandlingReportBallot(db, actor, { reportId: parsed.data.reportId, memberId: user.id, choice: parsed.data.choice });
    if (!result.ok) return refuse({ [result.field]: [result.message] }, parsed.values);
    return redirectWithToast(here, `已提交测评意见：${VOTE_CHOICE_LABELS[parsed.data.choice]}`);
  }
  if (intent === "close_vote") {
    staffOnly();
    const parsed = parseForm(formData, CloseVoteSchema);
    if (!parsed.ok) return refuse({ _form: ["请求无效，请刷新页面后重试"] }, parsed.values);
    await ownReport(parsed.data.reportId);
    const result = await closeHandlingReportVote(db, actor, parsed.data);
    if (!result.ok) return refuse({ [result.field]: [result.message] }, parsed.values);
    return redirectWithToast(
      here,
      result.outcome === "resubmission_required" ? `测评结束：不满意票超过半数，政府须于 ${formatDate(parsed.data.newDueDate)} 前重新报告` : "测评结束：报告通过",
    );
  }
  if (intent === "review") {
    if (!canReviewHandlingReport(user)) forbidden("只有人大工作人员可以记录常委会的审议情况。");
    const parsed = parseForm(formData, HandlingReviewSchema);
    const opinion = richTextFromForm(formData, "opinion", { label: "审议意见", required: true });
    const values = { ...parsed.values, opinion: String(formData.get("opinion") ?? "") };
    if (!parsed.ok || !opinion.ok) return refuse({ ...(parsed.ok ? {} : parsed.fieldErrors), ...(opinion.ok ? {} : { opinion: [opinion.message] }) }, values);
    await ownReport(parsed.data.reportId);
    const result = await saveHandlingReview(db, actor, { ...parsed.data, opinion: opinion.value });
    if (!result.ok) return refuse({ [result.field]: [result.message] }, values);
    return redirectWithToast(here, "审议情况已保存");
  }
  if (intent === "publish" || intent === "unpublish") {
    if (!canReviewHandlingReport(user)) forbidden("只有人大工作人员可以公开或取消公开研究处理情况报告。");
    const parsed = parseForm(formData, HandlingPublishSchema);
    if (!parsed.ok) return refuse({ _form: ["请求无效，请刷新页面后重试"] }, parsed.values);
    await ownReport(parsed.data.reportId);
    const publish = intent === "publish";
    const result = await setHandlingReportPublished(db, actor, { reportId: parsed.data.reportId, version: parsed.data.version, publish, confirmed: parsed.data.confirmed === "1" });
    if (!result.ok) return refuse({ [result.field]: [result.message] }, parsed.values);
    return redirectWithToast(here, publish ? "研究处理情况报告及审议意见已在公开页面发布" : "已取消公开研究处理情况报告");
  }
  if (intent === "accept") {
    staffOnly();
    const parsed = parseForm(formData, AcceptReportSchema);
    if (!parsed.ok) return refuse(parsed.fieldErrors, parsed.values);
    await ownReport(parsed.data.reportId);
    const result = await acceptHandlingReport(db, actor, parsed.data);
    if (!result.ok) return refuse({ [result.field]: [result.message] }, parsed.values);
    return redirectWithToast(here, "已确认报告通过");
  }
  return refuse({ _form: ["未知的操作，请刷新页面后重试"] });
}

export default function HandlingReportPage() {
  const { inquiry, defaultDueDate, suggestedNewDueDate, rounds, isStaff, isLiaison, isMember, canOverview, canReview, canPublish, chase } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const feedbackFor = (intent: string): FormFeedback | undefined => (result?.intent === intent ? result : undefined);
  const current = rounds[0] ?? null;
  const earlier = rounds.slice(1);
  const pending = !current || current.status === "pending";
  return (
    <section className="rs-page rect-page">
      <InquiryNav inquiry={inquiry} tab="handling-report" />
      <div className="page-head">
        <div>
          <h1>研究处理情况报告</h1>
        </div>
        <div className="rs-status-box" data-testid="report-status">
          {current ? (
            <>
              <span className="muted">第 {current.round} 轮</span>
              <span className={`badge ${HANDLING_REPORT_STATUS_CLASS[current.status]}`}>{HANDLING_REPORT_STATUS_LABELS[current.status]}</span>
              {current.status === "pending" ? <DeadlineBadge light={current.light} daysLeft={current.daysLeft} /> : null}
            </>
          ) : (
            <span className="badge">尚未确定报送期限</span>
          )}
        </div>
      </div>

      <p className="muted rs-small">
        人民政府应在询问会后就询问意见研究处理，并在期限内书面报告研究处理情况（默认询问会后 {HANDLING_REPORT_MONTHS} 个月）。委员可对报告进行满意度测评，不满意票超过已投票数一半的，政府须重新报告。
      </p>

      <div className="card">
        <h2 className="rs-card-title">{current ? `第 ${current.round} 轮报告` : "报告"}</h2>
        <dl className="kv">
          <dt>报送期限</dt>
          <dd data-testid="due-date">
            {current ? formatDate(current.due_date) : `${formatDate(defaultDueDate)}（默认：询问会后 ${HANDLING_REPORT_MONTHS} 个月，尚未确定）`}
          </dd>
          {current?.submitted_at ? (
            <>
              <dt>报送时间</dt>
              <dd>
                {formatDateTime(current.submitted_at)}
                {current.submitted_by_name ? `（${current.submitted_by_name}）` : ""}
              </dd>
            </>
          ) : null}
        </dl>
        {current?.has_body ? (
          <div className="rect-report-body" data-testid="report-body">
            <RichTextView html={current.body_html} />
            <AttachmentList files={current.attachments} />
          </div>
        ) : (
          <p className="muted">政府尚未报送报告。</p>
        )}
      </div>

      {isStaff && pending ? (
        <div className="card no-print">
          <h2 className="rs-card-title">{current ? "调整报送期限" : "确定报送期限"}</h2>
          <Form method="post" noValidate>
            <FormError feedback={feedbackFor("due_date")} />
            <input type="hidden" name="intent" value="due_date" />
            <input type="hidden" name="reportId" value={current?.id ?? ""} />
            <input type="hidden" name="version" value={current?.version ?? ""} />
            <TextField name="dueDate" label="报送期限" type="date" feedback={feedbackFor("due_date")} defaultValue={current?.due_date ?? defaultDueDate} required />
            <button type="submit" className="secondary" disabled={busy}>保存</button>
          </Form>
        </div>
      ) : null}

      {isLiaison && pending ? (
        <div className="card" data-testid="submit-report">
          <h2 className="rs-card-title">报送研究处理情况报告</h2>
          <Form method="post" encType="multipart/form-data" noValidate>
            <FormError feedback={feedbackFor("submit")} />
            <input type="hidden" name="intent" value="submit" />
            <input type="hidden" name="reportId" value={current?.id ?? ""} />
            <input type="hidden" name="version" value={current?.version ?? ""} />
            <RichTextEditor name="body" label="报告正文" required defaultValue={feedbackFor("submit")?.values?.body ?? ""} error={firstError(feedbackFor("submit"), "body")} rows={12} />
            <AttachmentField error={firstError(feedbackFor("submit"), "files")} />
            <button type="submit" disabled={busy}>报送报告</button>
            <p className="field-hint">报送后不能修改；如测评未通过，将另行确定重新报告的期限。</p>
          </Form>
        </div>
      ) : null}

      {current?.has_body ? (
        <ReviewPanel round={current} inquiryId={inquiry.id} canReview={canReview} canPublish={canPublish} busy={busy} result={result} />
      ) : null}

      {current?.status === "submitted" || current?.vote ? <VotePanel round={current} isStaff={isStaff} isMember={isMember} busy={busy} feedbackFor={feedbackFor} suggestedNewDueDate={suggestedNewDueDate} /> : null}

      {earlier.length ? (
        <>
          <h2>此前各轮</h2>
          {earlier.map((r) => (
            <details className="card rs-brief" key={r.id} data-testid={`round-${r.round}`}>
              <summary>
                第 {r.round} 轮 · {HANDLING_REPORT_STATUS_LABELS[r.status]} · 期限 {formatDate(r.due_date)}
                {r.submitted_at ? ` · ${formatDateTime(r.submitted_at)} 报送` : ""}
                {r.vote?.tally ? ` · 满意 ${r.vote.tally.satisfied}、基本满意 ${r.vote.tally.basically_satisfied}、不满意 ${r.vote.tally.unsatisfied}、弃权 ${r.vote.tally.abstain}` : ""}
              </summary>
              <RichTextView html={r.body_html} />
              <AttachmentList files={r.attachments} />
              {r.has_body ? <ReviewPanel round={r} inquiryId={inquiry.id} canReview={false} canPublish={canPublish} busy={busy} result={result} /> : null}
            </details>
          ))}
        </>
      ) : null}
      <ChasePanel data={chase} />
    </section>
  );
}

type Round = ReturnType<typeof useLoaderData<typeof loader>>["rounds"][number];

function VotePanel({
  round,
  isStaff,
  isMember,
  busy,
  feedbackFor,
  suggestedNewDueDate,
}: {
  round: Round;
  isStaff: boolean;
  isMember: boolean;
  busy: boolean;
  feedbackFor: (intent: string) => FormFeedback | undefined;
  suggestedNewDueDate: string;
}) {
  const vote = round.vote;
  const open = vote?.status === "open";
  return (
    <div className="card" data-testid="vote-panel">
      <h2 className="rs-card-title">满意度测评</h2>
      {!vote ? (
        <>
          <p className="muted">尚未开始满意度测评。</p>
          {isStaff && round.status === "submitted" ? (
            <div className="rs-review">
              <Form method="post">
                <FormError feedback={feedbackFor("open_vote")} />
                <input type="hidden" name="intent" value="open_vote" />
                <input type="hidden" name="reportId" value={round.id} />
                <input type="hidden" name="version" value={round.version} />
                <p className="muted rs-small">无记名测评，委员登录后在本页投票。</p>
                <button type="submit" disabled={busy}>开始满意度测评</button>
              </Form>
              <Form method="post" noValidate>
                <FormError feedback={feedbackFor("accept")} />
                <input type="hidden" name="intent" value="accept" />
                <input type="hidden" name="reportId" value={round.id} />
                <input type="hidden" name="version" value={round.version} />
                <TextAreaField idPrefix="f-accept" name="note" label="不进行测评，直接确认通过（意见）" feedback={feedbackFor("accept")} rows={2} maxLength={2000} />
                <button type="submit" className="secondary" disabled={busy}>确认报告通过</button>
              </Form>
            </div>
          ) : null}
        </>
      ) : (
        <>
          <p data-testid="vote-state">
            {open ? "测评进行中" : "测评已结束"}，应到 {vote.eligible} 人，已有 <strong>{vote.ballots}</strong> 人投票（无记名{open ? "，结果在测评结束后公布" : ""}）。
            {vote.opened_at ? <span className="muted rs-small"> 开始于 {formatDateTime(vote.opened_at)}</span> : null}
            {vote.closed_at ? <span className="muted rs-small">，结束于 {formatDateTime(vote.closed_at)}</span> : null}
          </p>
          {vote.tally ? (
            <ul className="rs-summary" data-testid="vote-tally">
              {VOTE_CHOICES.map((c) => (
                <li key={c}>
                  <strong>{vote.tally![c]}</strong> {VOTE_CHOICE_LABELS[c]}
                </li>
              ))}
            </ul>
          ) : null}
          {isMember && open && vote.myVoted ? (
            <p data-testid="my-vote">您已投票{vote.myChoice ? `：${VOTE_CHOICE_LABELS[vote.myChoice]}` : "（无记名，系统不保存您的选择与您的对应关系）"}。</p>
          ) : null}
          {isMember && open && !vote.myVoted ? (
            <Form method="post" className="rect-ballot" data-testid="ballot">
              <FormError feedback={feedbackFor("ballot")} />
              <input type="hidden" name="intent" value="ballot" />
              <input type="hidden" name="reportId" value={round.id} />
              <fieldset className="inq-radios field">
                <legend className="field-label">您的测评意见（每人一票，提交后不能更改）</legend>
                {VOTE_CHOICES.map((c) => (
                  <label key={c}>
                    <input type="radio" name="choice" value={c} required /> {VOTE_CHOICE_LABELS[c]}
                  </label>
                ))}
              </fieldset>
              {firstError(feedbackFor("ballot"), "choice") ? <p className="field-error">{firstError(feedbackFor("ballot"), "choice")}</p> : null}
              <button type="submit" disabled={busy}>提交测评意见</button>
            </Form>
          ) : null}
          {isStaff && open ? (
            <Form method="post" noValidate className="rect-close-vote">
              <FormError feedback={feedbackFor("close_vote")} />
              <input type="hidden" name="intent" value="close_vote" />
              <input type="hidden" name="reportId" value={round.id} />
              <input type="hidden" name="version" value={round.version} />
              <TextField
                name="newDueDate"
                label="如测评未通过，重新报告的期限"
                type="date"
                feedback={feedbackFor("close_vote")}
                defaultValue={suggestedNewDueDate}
                hint="测评未通过（按本次询问的测评规则计算）时，报告须重新报送，按此期限开始新一轮"
              />
              <button type="submit" disabled={busy}>结束测评</button>
            </Form>
          ) : null}
        </>
      )}
    </div>
  );
}

type ActionResult = { intent: string; fieldErrors?: Record<string, string[] | undefined>; values?: Record<string, string> } | undefined;

/**
 * 审议 and publication of one submitted round: the committee's deliberation (date, session, 审议意见, resolution)
 * as recorded, the form to record or edit it (staff), and whether the round is on the public page with the
 * publish step (a confirmation box) or the button that takes it back.
 */
function ReviewPanel({
  round,
  inquiryId,
  canReview,
  canPublish,
  busy,
  result,
}: {
  round: Round;
  inquiryId: number;
  canReview: boolean;
  canPublish: boolean;
  busy: boolean;
  result: ActionResult;
}) {
  const terms = useCongressTerms();
  // the action's answer belongs to this round's forms only when it names this round's report
  const mine = (intent: string): FormFeedback | undefined =>
    result && result.intent === intent && result.values?.reportId === String(round.id) ? result : undefined;
  const review = round.review;
  const reviewFeedback = mine("review");
  const publishFeedback = mine("publish") ?? mine("unpublish");
  const prefix = `f-review-${round.round}`;
  return (
    <div className="card" data-testid={`review-${round.round}`}>
      <h2 className="rs-card-title">常委会审议（第 {round.round} 轮报告）</h2>
      {review ? (
        <dl className="kv" data-testid="review-record">
          <dt>审议日期</dt>
          <dd>{formatDate(review.reviewed_on)}</dd>
          <dt>审议会议</dt>
          <dd>{review.session_name}</dd>
          <dt>审议意见</dt>
          <dd>
            <RichTextView html={review.opinion_html} />
          </dd>
          {review.resolution ? (
            <>
              <dt>决议</dt>
              <dd className="rs-pre">{review.resolution}</dd>
            </>
          ) : null}
          <dt>记录</dt>
          <dd className="muted rs-small">
            {review.updated_by_name ?? "—"} · {formatDateTime(review.updated_at)}（第 {review.version} 版）
          </dd>
        </dl>
      ) : (
        <p className="muted">尚未记录常委会对本报告的审议情况。</p>
      )}
      {canReview ? (
        <details open={!!reviewFeedback || !review} className="no-print">
          <summary>{review ? "修改审议情况" : "记录审议情况"}</summary>
          <Form method="post" noValidate key={`review-${round.id}-${review?.version ?? 0}`}>
            <FormError feedback={reviewFeedback} />
            <input type="hidden" name="intent" value="review" />
            <input type="hidden" name="reportId" value={round.id} />
            <input type="hidden" name="version" value={review?.version ?? ""} />
            <TextField idPrefix={prefix} name="reviewedOn" label="审议日期" type="date" required feedback={reviewFeedback} defaultValue={review?.reviewed_on ?? ""} />
            <TextField
              idPrefix={prefix}
              name="sessionName"
              label="审议的会议"
              required
              maxLength={100}
              feedback={reviewFeedback}
              defaultValue={review?.session_name ?? ""}
              placeholder={`如：${terms.sessionExample}`}
            />
            <RichTextEditor
              name="opinion"
              label="审议意见"
              required
              defaultValue={reviewFeedback?.values?.opinion ?? review?.opinion_json ?? ""}
              error={firstError(reviewFeedback, "opinion")}
              rows={8}
            />
            <TextAreaField idPrefix={prefix} name="resolution" label="决议（如有）" feedback={reviewFeedback} defaultValue={review?.resolution ?? ""} rows={3} maxLength={5000} />
            <button type="submit" disabled={busy}>保存审议情况</button>
          </Form>
        </details>
      ) : null}

      <h3>公开</h3>
      {round.published_at ? (
        <p data-testid="publish-state">
          <span className="badge ok">已公开</span> {formatDateTime(round.published_at)} 起，本报告{review ? "及审议意见" : ""}显示在
          <Link to={`/public/inquiries/${inquiryId}`}>公开页面</Link>。
        </p>
      ) : (
        <p className="muted" data-testid="publish-state">未公开：本报告及审议意见仅供系统内查阅。</p>
      )}
      {canPublish ? (
        <Form method="post" noValidate className="no-print" data-testid="publish-form">
          <FormError feedback={publishFeedback} />
          <input type="hidden" name="reportId" value={round.id} />
          <input type="hidden" name="version" value={round.version} />
          {round.published_at ? (
            <>
              <input type="hidden" name="intent" value="unpublish" />
              <button type="submit" className="secondary" disabled={busy}>取消公开</button>
            </>
          ) : (
            <>
              <input type="hidden" name="intent" value="publish" />
              <p className="rs-small">
                公开前，系统检查报告和审议意见中的个人信息，须逐处审查：<Link to={`/inquiries/${inquiryId}/privacy?scope=handling_report:${round.id}`}>发布前个人信息审查</Link>
              </p>
              <div className="field">
                <label>
                  <input type="checkbox" name="confirmed" value="1" aria-describedby={firstError(publishFeedback, "confirmed") ? `${prefix}-confirmed-error` : undefined} />{" "}
                  我已核对报告正文{review ? "和审议意见" : ""}，其中不含个人信息等不宜公开的内容
                </label>
                {firstError(publishFeedback, "confirmed") ? (
                  <p id={`${prefix}-confirmed-error`} className="field-error">
                    {firstError(publishFeedback, "confirmed")}
                  </p>
                ) : null}
              </div>
              <button type="submit" disabled={busy}>在公开页面发布{review ? "报告及审议意见" : "报告"}</button>
              <p className="field-hint">发布后，任何人无需登录即可在本次询问的公开页面（与询问会摘要、整改情况一起）查阅；附件不公开。可随时取消公开。</p>
            </>
          )}
        </Form>
      ) : null}
    </div>
  );
}
