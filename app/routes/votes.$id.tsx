import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { actorOf, requireUser } from "~/auth/session.server";
import { LiveNoScriptRefresh } from "~/components/LiveNoScriptRefresh";
import { firstError, FormError, TextAreaField, type FormFeedback } from "~/components/forms";
import { LiveStatus, useLiveUpdates } from "~/components/useLiveUpdates";
import { voteLiveVersion } from "~/live/views.server";
import { getDb } from "~/db.server";
import { VOTE_CHOICE_LABELS, VOTE_CHOICES, VOTE_METHOD_LABELS, VOTE_RESULT_LABELS, VOTE_STATUS_LABELS, VOTE_TARGET_LABELS } from "~/meeting/labels";
import { AttendanceSchema, ChoiceSchema, FollowupSchema, TotalsSchema, VersionSchema } from "~/meeting/schemas.server";
import {
  castBallot,
  closedResult,
  closeVote,
  confirmTotals,
  enterTotals,
  getVote,
  myStanding,
  namedBallots,
  resolveFollowup,
  setAttendance,
  voteEntry,
  voteRoll,
  voteSubject,
  voteTurnout,
} from "~/meeting/votes.server";
import { canManageVotes, canSeeBallotChoices, canSeeVoteResults, canUseVotes, canVote, forbidden, notFound } from "~/policy.server";
import { formValues, parseForm, readFormData } from "~/utils/forms.server";
import { formatDateTime } from "~/utils/time";
import { redirectWithToast } from "~/utils/toast.server";
import { idParam } from "~/utils/route.server";

/**
 * One satisfaction vote. A member's phone: what is rated (department, official, keyword) and four large
 * buttons, one ballot each. Staff: turnout as it grows (应到 / 实到 / 已投, never the counts), attendance, the
 * QR code that opens this page, entered totals (表决器 / paper) with a second staff confirmation, closing.
 * The result (passed / not passed against the roll) is published only when the vote is closed. While the vote is
 * open the page follows its event stream (/votes/:id/events, useLiveUpdates) and reloads itself without JavaScript.
 */
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.vote.title ?? "满意度测评"} · 询问` }];

async function load(request: Request, params: { id?: string }) {
  const user = await requireUser(request);
  if (!canUseVotes(user)) forbidden("满意度测评仅供委员、代表和人大工作人员使用。");
  const db = getDb();
  const vote = await getVote(db, idParam(params.id, "该测评不存在"));
  if (!vote) notFound("该测评不存在");
  if (!canSeeVoteResults(user, vote.inquiry_id)) forbidden("该测评所属的专题询问不在您参与的范围内。");
  return { user, db, vote };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, db, vote } = await load(request, params);
  const manage = canManageVotes(user);
  const [live, subject, turnout, result, standing, roll, entry, ballots] = await Promise.all([
    voteLiveVersion(db, vote.id, { withRoll: manage }),
    voteSubject(db, vote),
    voteTurnout(db, vote.id),
    closedResult(db, vote.id),
    canVote(user) ? myStanding(db, vote.id, user.id) : null,
    manage ? voteRoll(db, vote.id) : null,
    manage && vote.method === "entered" ? voteEntry(db, vote.id) : null,
    canSeeBallotChoices(user, vote) ? namedBallots(db, vote.id) : null,
  ]);
  return {
    vote: {
      id: vote.id,
      title: vote.title,
      inquiry_id: vote.inquiry_id,
      inquiry_title: vote.inquiry_title,
      target_type: vote.target_type,
      secret: vote.secret === 1,
      method: vote.method,
      status: vote.status,
      version: vote.version,
      opened_at: vote.opened_at,
      closed_at: vote.closed_at,
    },
    live,
    subject,
    turnout,
    result,
    ballots,
    standing,
    canManage: manage,
    ballotUrl: manage ? new URL(`/votes/${vote.id}`, request.url).toString() : null,
    userId: user.id,
    roll,
    entry: entry
      ? {
          source: entry.source,
          present_count: entry.present_count,
          counts: Object.fromEntries(VOTE_CHOICES.map((c) => [c.value, entry[c.value]])) as Record<(typeof VOTE_CHOICES)[number]["value"], number>,
          entered_by: entry.entered_by,
          entered_by_name: entry.entered_by_name,
          entered_at: entry.entered_at,
          confirmed_by_name: entry.confirmed_by_name,
          confirmed_at: entry.confirmed_at,
        }
      : null,
  };
}

type Feedback = FormFeedback & { intent: string };

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, db, vote } = await load(request, params);
  const formData = await readFormData(request);
  const intent = String(formData.get("intent") ?? "");
  const actor = actorOf(user, context);
  const values = formValues(formData);
  const refuse = (field: string, message: string) => data<Feedback>({ intent, fieldErrors: { [field]: [message] }, values }, { status: 400 });
  const here = `/votes/${vote.id}`;
  if (intent === "ballot") {
    if (!canVote(user)) forbidden("只有委员和代表可以参加满意度测评。");
    const choice = ChoiceSchema.safeParse(formData.get("choice"));
    if (!choice.success) return refuse("choice", choice.error.issues[0]?.message ?? "请选择测评意见");
    // a member votes only as themself: a member id in the form that is not the signed-in account is refused
    const claimed = formData.get("memberId");
    const memberId = claimed === null ? user.id : Number(claimed);
    const result = await castBallot(db, actor, { voteId: vote.id, memberId, choice: choice.data });
    if (!result.ok) return refuse(result.field, result.message);
    return redirectWithToast(here, "您的测评意见已记录，谢谢");
  }
  if (!canManageVotes(user)) forbidden("只有人大工作人员可以管理测评。");
  if (intent === "attendance") {
    const parsed = parseForm(formData, AttendanceSchema);
    if (!parsed.ok) return data<Feedback>({ intent, fieldErrors: parsed.fieldErrors, values }, { status: 400 });
    const result = await setAttendance(db, actor, { voteId: vote.id, version: parsed.data.version, presentRollIds: parsed.data.present });
    if (!result.ok) return refuse(result.field, result.message);
    return redirectWithToast(here, "出席情况已登记");
  }
  if (intent === "totals") {
    const parsed = parseForm(formData, TotalsSchema);
    if (!parsed.ok) return data<Feedback>({ intent, fieldErrors: parsed.fieldErrors, values }, { status: 400 });
    const { version, source, presentCount, ...counts } = parsed.data;
    const result = await enterTotals(db, actor, { voteId: vote.id, version, source, presentCount, counts });
    if (!result.ok) return refuse(result.field, result.message);
    return redirectWithToast(here, "表决结果已录入，请另一名工作人员核对确认");
  }
  if (intent === "confirm") {
    const parsed = parseForm(formData, VersionSchema);
    if (!parsed.ok) return refuse("_form", "请求无效，请刷新页面后重试");
    const result = await confirmTotals(db, actor, { voteId: vote.id, version: parsed.data.version });
    if (!result.ok) return refuse(result.field, result.message);
    return redirectWithToast(here, "录入的表决结果已确认");
  }
  if (intent === "close") {
    const parsed = parseForm(formData, VersionSchema);
    if (!parsed.ok) return refuse("_form", "请求无效，请刷新页面后重试");
    if (vote.target_type === "handling_report") return refuse("_form", "研究处理情况报告的测评请在报告页面结束（须同时确定是否重新报告）");
    const result = await closeVote(db, actor, vote.id, parsed.data.version);
    if (!result.ok) return refuse(result.field, result.message);
    return redirectWithToast(here, `测评已结束：${result.outcome?.passed ? "通过" : "未通过"}`);
  }
  if (intent === "followup") {
    const parsed = parseForm(formData, FollowupSchema);
    if (!parsed.ok) return data<Feedback>({ intent, fieldErrors: parsed.fieldErrors, values }, { status: 400 });
    const result = await resolveFollowup(db, actor, { voteId: vote.id, version: parsed.data.version, note: parsed.data.note });
    if (!result.ok) return refuse(result.field, result.message);
    return redirectWithToast(here, "已登记重新报告的办理情况");
  }
  return refuse("_form", "未知的操作，请刷新页面后重试");
}

function FieldError({ feedback, name }: { feedback: FormFeedback | undefined; name: string }) {
  const error = firstError(feedback, name);
  return error ? <p className="field-error">{error}</p> : null;
}

export default function VotePage() {
  const d = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as Feedback | undefined;
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const v = d.vote;
  const open = v.status === "open";
  const live = useLiveUpdates(open ? `/votes/${v.id}/events` : null, d.live);
  const fb = (intent: string) => (actionData?.intent === intent ? actionData : undefined);
  const subject = d.subject;
  return (
    <section className="vt-page">
      {open ? <LiveNoScriptRefresh /> : null}
      <p className="rs-crumbs">
        <Link to="/votes">满意度测评</Link>
        {d.canManage ? (
          <>
            {" "}
            › <Link to={`/inquiries/${v.inquiry_id}/meeting/votes`}>{v.inquiry_title}</Link>
          </>
        ) : null}
      </p>
      <h1 className="vt-title">{v.title}</h1>
      <dl className="vt-subject" data-testid="vote-subject">
        {subject.department ? (
          <>
            <dt>测评对象</dt>
            <dd>{subject.department}</dd>
          </>
        ) : null}
        {subject.official ? (
          <>
            <dt>应询人</dt>
            <dd>{subject.official}</dd>
          </>
        ) : null}
        {subject.keyword ? (
          <>
            <dt>关键词</dt>
            <dd>{subject.keyword}</dd>
          </>
        ) : null}
        {subject.question ? (
          <>
            <dt>询问</dt>
            <dd>{subject.question}</dd>
          </>
        ) : null}
      </dl>
      <p className="muted vt-meta">
        <span className={`badge ${open ? "warn" : "off"}`} data-testid="vote-status">{VOTE_STATUS_LABELS[v.status]}</span> {VOTE_TARGET_LABELS[v.target_type]} ·{" "}
        {v.secret ? "无记名" : "记名"} · {VOTE_METHOD_LABELS[v.method]} · 开始于 {formatDateTime(v.opened_at)}
        {v.closed_at ? `，结束于 ${formatDateTime(v.closed_at)}` : ""}
      </p>
      <FormError feedback={fb("ballot") ?? fb("close") ?? (actionData && !actionData.intent ? actionData : undefined)} />

      {d.standing ? <MemberBallot d={d} busy={busy} feedback={fb("ballot")} /> : null}

      {open ? (
        <p className="vt-turnout" data-testid="turnout">
          应到 <strong data-testid="turnout-eligible">{d.turnout.eligible}</strong> 人，实到 <strong data-testid="turnout-present">{d.turnout.present}</strong> 人
          {v.method === "online" ? (
            <>
              ，已投票 <strong data-testid="turnout-voted">{d.turnout.voted}</strong> 人
            </>
          ) : null}
          。<span className="muted">测评结果在测评结束后公布。</span> <LiveStatus state={live} />
        </p>
      ) : null}

      {d.result ? <ResultView d={d} /> : null}

      {d.canManage && open && v.method === "online" ? (
        <div className="card vt-qr">
          <h2 className="rs-card-title">委员扫码投票</h2>
          <img src={`/votes/${v.id}/qr.svg`} alt="打开本测评投票页面的二维码" width={220} height={220} data-testid="vote-qr" />
          <p className="muted rs-small">
            委员用手机扫描二维码，登录后即可投票；也可在“满意度测评”中打开，或输入 <span data-testid="ballot-url">{d.ballotUrl}</span>
          </p>
        </div>
      ) : null}

      {d.canManage && open && v.method === "entered" ? <EnteredTotals d={d} busy={busy} fb={fb} /> : null}

      {d.canManage && open && d.roll ? (
        <Form method="post" className="card" data-testid="attendance">
          <h2 className="rs-card-title">表决名单与出席</h2>
          <FormError feedback={fb("attendance")} />
          <input type="hidden" name="intent" value="attendance" />
          <input type="hidden" name="version" value={v.version} />
          <ul className="vt-roll">
            {d.roll.map((r) => (
              <li key={r.id}>
                <label>
                  <input type="checkbox" name="present" value={r.id} defaultChecked={r.present === 1} disabled={r.voted === 1} /> {r.name}
                  <span className="muted rs-small">
                    {" "}
                    {r.title}
                    {r.voting ? "" : "（列席，不参加表决）"}
                  </span>
                  {r.voted ? (
                    <>
                      <input type="hidden" name="present" value={r.id} /> <span className="badge ok">已投票</span>
                    </>
                  ) : null}
                </label>
              </li>
            ))}
          </ul>
          <FieldError feedback={fb("attendance")} name="present" />
          <button type="submit" className="secondary" disabled={busy}>登记出席情况</button>
        </Form>
      ) : null}

      {d.canManage && open && v.target_type !== "handling_report" ? (
        <Form
          method="post"
          className="vt-close"
          onSubmit={(e) => {
            if (!window.confirm("结束测评后不能再投票或录入，确定结束并公布结果？")) e.preventDefault();
          }}
        >
          <input type="hidden" name="intent" value="close" />
          <input type="hidden" name="version" value={v.version} />
          <button type="submit" disabled={busy}>结束测评并公布结果</button>
        </Form>
      ) : null}
      {d.canManage && open && v.target_type === "handling_report" ? (
        <p>
          <Link to={`/inquiries/${v.inquiry_id}/handling-report`}>到研究处理情况报告页面结束测评</Link>
        </p>
      ) : null}
    </section>
  );
}

type Data = ReturnType<typeof useLoaderData<typeof loader>>;

function MemberBallot({ d, busy, feedback }: { d: Data; busy: boolean; feedback: FormFeedback | undefined }) {
  const s = d.standing!;
  const v = d.vote;
  if (v.status !== "open") return <p className="vt-mine" data-testid="my-choice">测评已结束。{s.voted ? "您已参加本次测评。" : "您未参加本次测评。"}</p>;
  if (!s.onRoll) return <p className="vt-mine" data-testid="my-choice">您不在本次测评的表决名单中。</p>;
  if (!s.voting) return <p className="vt-mine" data-testid="my-choice">您是列席人员，不参加本次表决。</p>;
  if (v.method !== "online") return <p className="vt-mine" data-testid="my-choice">本项测评在会场使用表决器或纸质表决票进行。</p>;
  if (s.voted)
    return (
      <p className="vt-mine" data-testid="my-choice">
        您已投票{s.choice ? `：${VOTE_CHOICE_LABELS[s.choice]}` : "（无记名：系统只记录您已投票，不保存您的选择与您的对应关系）"}。结果在测评结束后公布。
      </p>
    );
  return (
    <Form method="post" className="vt-ballot" data-testid="ballot">
      <input type="hidden" name="intent" value="ballot" />
      <p className="vt-mine" data-testid="my-choice">请选择您的测评意见（每人一票，提交后不能更改）：</p>
      <div className="vt-choices">
        {VOTE_CHOICES.map((c) => (
          <button key={c.value} type="submit" name="choice" value={c.value} className={`vt-choice vt-${c.value}`} disabled={busy}>
            {c.label}
          </button>
        ))}
      </div>
      <FieldError feedback={feedback} name="choice" />
    </Form>
  );
}

function ResultView({ d }: { d: Data }) {
  const r = d.result!;
  const o = r.outcome;
  const passed = r.result ? r.result === "passed" : o.passed;
  return (
    <div className="vt-results" data-testid="vote-results">
      {r.result ? (
        <p className={`vt-verdict ${passed ? "vt-pass" : "vt-fail"}`} data-testid="vote-result">
          测评结果：<strong>{VOTE_RESULT_LABELS[passed ? "passed" : "not_passed"]}</strong>
        </p>
      ) : (
        <p className="muted">本测评在启用表决名单之前结束，仅列出票数。</p>
      )}
      <p className="vt-total">
        应到 <strong data-testid="result-eligible">{o.eligible}</strong> 人，实到 {o.present} 人，参加表决 <strong data-testid="vote-total">{o.cast}</strong> 人；满意和基本满意{" "}
        <strong data-testid="result-approval">{o.approval}</strong> 票，通过须至少 {o.needed} 票（{r.ruleText}）。
      </p>
      <table className="data vt-table">
        <thead>
          <tr>
            <th>测评意见</th>
            <th>票数</th>
          </tr>
        </thead>
        <tbody>
          {VOTE_CHOICES.map((c) => (
            <tr key={c.value} data-testid={`count-${c.value}`}>
              <td>{c.label}</td>
              <td className="vt-num">{o.counts[c.value]}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {r.result === "not_passed" ? (
        <div className="vt-followup" data-testid="vote-followup">
          <p>
            <strong>后续要求：</strong>应询部门须针对询问意见认真整改，并重新报告。
            {r.followupDone ? `已办理（${formatDateTime(r.followupDone.at)}）：${r.followupDone.note}` : "（待办理）"}
          </p>
          {d.canManage && !r.followupDone && d.vote.target_type !== "handling_report" ? <FollowupForm version={d.vote.version} /> : null}
        </div>
      ) : null}
      {d.vote.secret ? <p className="muted rs-small">无记名测评：数据库只保存谁已投票和各选项的票数，二者之间没有对应关系。</p> : null}
      {d.ballots ? (
        <details className="rs-edit">
          <summary>记名测评明细（{d.ballots.length}）</summary>
          <ul>
            {d.ballots.map((b) => (
              <li key={b.member_name}>
                {b.member_name}：{b.label}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </div>
  );
}

function FollowupForm({ version }: { version: number }) {
  const actionData = useActionData<typeof action>() as Feedback | undefined;
  const feedback = actionData?.intent === "followup" ? actionData : undefined;
  return (
    <Form method="post" noValidate>
      <FormError feedback={feedback} />
      <input type="hidden" name="intent" value="followup" />
      <input type="hidden" name="version" value={version} />
      <TextAreaField idPrefix="f-followup" name="note" label="重新报告的办理情况" feedback={feedback} rows={2} maxLength={500} />
      <button type="submit" className="secondary">登记已办理</button>
    </Form>
  );
}

function EnteredTotals({ d, busy, fb }: { d: Data; busy: boolean; fb: (intent: string) => Feedback | undefined }) {
  const e = d.entry;
  const feedback = fb("totals");
  const kept = (name: string, fallback: number | string | undefined) => feedback?.values?.[name] ?? (fallback === undefined ? "" : String(fallback));
  return (
    <div className="card" data-testid="entered-totals">
      <h2 className="rs-card-title">录入表决器或纸质表决结果</h2>
      {e ? (
        <p data-testid="entry-state">
          {e.source === "machine" ? "表决器" : "纸质表决"}结果已由 {e.entered_by_name} 于 {formatDateTime(e.entered_at)} 录入：实到 {e.present_count} 人，
          {VOTE_CHOICES.map((c) => `${c.label} ${e.counts[c.value]}`).join("，")}。
          {e.confirmed_at ? (
            <strong>
              {" "}
              已由 {e.confirmed_by_name} 于 {formatDateTime(e.confirmed_at)} 确认。
            </strong>
          ) : (
            <span className="badge warn">待另一名工作人员确认</span>
          )}
        </p>
      ) : (
        <p className="muted">尚未录入。录入后须由另一名工作人员核对确认，结果才计入。</p>
      )}
      {e && !e.confirmed_at && e.entered_by !== d.userId ? (
        <Form method="post">
          <FormError feedback={fb("confirm")} />
          <input type="hidden" name="intent" value="confirm" />
          <input type="hidden" name="version" value={d.vote.version} />
          <button type="submit" disabled={busy}>核对无误，确认结果</button>
        </Form>
      ) : null}
      {!e?.confirmed_at ? (
        <Form method="post" noValidate className="vt-totals">
          <FormError feedback={feedback} />
          <input type="hidden" name="intent" value="totals" />
          <input type="hidden" name="version" value={d.vote.version} />
          <fieldset className="inq-radios field">
            <legend className="field-label">来源</legend>
            <label>
              <input type="radio" name="source" value="machine" defaultChecked={kept("source", e?.source ?? "machine") === "machine"} /> 表决器
            </label>
            <label>
              <input type="radio" name="source" value="paper" defaultChecked={kept("source", e?.source) === "paper"} /> 纸质表决票
            </label>
            <FieldError feedback={feedback} name="source" />
          </fieldset>
          {[
            { name: "presentCount", label: `实到人数（应到 ${d.turnout.eligible} 人）`, value: e?.present_count ?? d.turnout.present },
            ...VOTE_CHOICES.map((c) => ({ name: c.value, label: `${c.label}票数`, value: e?.counts[c.value] })),
          ].map((f) => (
            <div className="field" key={f.name}>
              <label className="field-label" htmlFor={`f-totals-${f.name}`}>
                {f.label}
              </label>
              <input
                id={`f-totals-${f.name}`}
                name={f.name}
                type="number"
                min={0}
                inputMode="numeric"
                defaultValue={kept(f.name, f.value)}
                aria-invalid={firstError(feedback, f.name) ? true : undefined}
              />
              <FieldError feedback={feedback} name={f.name} />
            </div>
          ))}
          <button type="submit" className="secondary" disabled={busy}>{e ? "修改录入" : "录入结果"}</button>
        </Form>
      ) : null}
    </div>
  );
}
