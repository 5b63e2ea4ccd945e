import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { actorOf, requireUser } from "~/auth/session.server";
import { FormError } from "~/components/forms";
import { getDb } from "~/db.server";
import { VoteResultsView } from "~/meeting/components/VoteResultsView";
import { ChoiceSchema } from "~/meeting/schemas.server";
import { parseId } from "~/meeting/forms.server";
import { VOTE_CHOICE_LABELS, VOTE_CHOICES, VOTE_STATUS_LABELS, VOTE_TARGET_LABELS } from "~/meeting/labels";
import { castBallot, closeVote, getVote, myBallot, voteResults } from "~/meeting/votes.server";
import { canManageVotes, canSeeBallotChoices, canSeeVoteResults, canUseVotes, canVote, forbidden, notFound } from "~/policy.server";
import { readFormData } from "~/utils/forms.server";
import { formatDateTime } from "~/utils/time";
import { redirectWithToast } from "~/utils/toast.server";

/**
 * One satisfaction vote. On a member's phone: four large buttons (满意 / 基本满意 / 不满意 / 弃权), one ballot each,
 * changeable until staff close the vote; the counts once the member has voted. Staff see the counts and
 * percentages and close the vote; who voted what is shown only for a vote that is not secret.
 */
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.vote.title ?? "满意度测评"} · 询问` }];

async function load(request: Request, params: { id?: string }) {
  const user = await requireUser(request);
  if (!canUseVotes(user)) forbidden("满意度测评仅供委员、代表和人大工作人员使用。");
  const db = getDb();
  const vote = await getVote(db, parseId(params.id, "该测评不存在"));
  if (!vote) notFound("该测评不存在");
  if (!canSeeVoteResults(user, vote.inquiry_id)) forbidden("该测评所属的专题询问不在您参与的范围内。");
  return { user, db, vote };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, db, vote } = await load(request, params);
  const mine = canVote(user) ? await myBallot(db, vote.id, user.id) : null;
  const results = (await voteResults(db, vote.id))!;
  const showResults = !canVote(user) || mine !== null || vote.status === "closed";
  return {
    vote: {
      id: vote.id,
      title: vote.title,
      inquiry_id: vote.inquiry_id,
      inquiry_title: vote.inquiry_title,
      target_type: vote.target_type,
      secret: vote.secret === 1,
      status: vote.status,
      opened_at: vote.opened_at,
      closed_at: vote.closed_at,
    },
    isMember: canVote(user),
    canManage: canManageVotes(user),
    mine,
    results: showResults
      ? { total: results.total, counts: results.counts, approval: results.approval, ballots: canSeeBallotChoices(user, vote) ? results.ballots : null }
      : null,
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, db, vote } = await load(request, params);
  const formData = await readFormData(request);
  const intent = String(formData.get("intent") ?? "");
  const actor = actorOf(user, context);
  const refuse = (message: string) => data({ intent, fieldErrors: { _form: [message] }, values: {} }, { status: 400 });
  if (intent === "ballot") {
    if (!canVote(user)) forbidden("只有委员和代表可以参加满意度测评。");
    const choice = ChoiceSchema.safeParse(formData.get("choice"));
    if (!choice.success) return refuse(choice.error.issues[0]?.message ?? "请选择测评意见");
    const result = await castBallot(db, actor, { voteId: vote.id, memberId: user.id, choice: choice.data });
    if (!result.ok) return refuse(result.message);
    return redirectWithToast(`/votes/${vote.id}`, `您的测评意见“${VOTE_CHOICE_LABELS[choice.data]}”已记录`);
  }
  if (intent === "close") {
    if (!canManageVotes(user)) forbidden("只有人大工作人员可以结束测评。");
    const result = await closeVote(db, actor, vote.id);
    if (!result.ok) return refuse(result.message);
    return redirectWithToast(`/votes/${vote.id}`, "测评已结束");
  }
  return refuse("未知的操作，请刷新页面后重试");
}

export default function VotePage() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const v = d.vote;
  return (
    <section className="vt-page">
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
      <p className="muted vt-meta">
        <span className={`badge ${v.status === "open" ? "warn" : "off"}`} data-testid="vote-status">{VOTE_STATUS_LABELS[v.status]}</span> {VOTE_TARGET_LABELS[v.target_type]} ·{" "}
        {v.secret ? "无记名" : "记名"} · {v.inquiry_title} · 开始于 {formatDateTime(v.opened_at)}
        {v.closed_at ? `，结束于 ${formatDateTime(v.closed_at)}` : ""}
      </p>
      <FormError feedback={result} />

      {d.isMember ? (
        v.status === "open" ? (
          <Form method="post" className="vt-ballot" data-testid="ballot">
            <input type="hidden" name="intent" value="ballot" />
            <p className="vt-mine" data-testid="my-choice">
              {d.mine ? (
                <>
                  您已选择：<strong>{VOTE_CHOICE_LABELS[d.mine]}</strong>（测评结束前可以更改）
                </>
              ) : (
                "请选择您的测评意见："
              )}
            </p>
            <div className="vt-choices">
              {VOTE_CHOICES.map((c) => (
                <button
                  key={c.value}
                  type="submit"
                  name="choice"
                  value={c.value}
                  className={`vt-choice vt-${c.value}${d.mine === c.value ? " vt-chosen" : ""}`}
                  aria-pressed={d.mine === c.value}
                  disabled={busy}
                >
                  {c.label}
                </button>
              ))}
            </div>
          </Form>
        ) : (
          <p className="vt-mine" data-testid="my-choice">
            测评已结束。{d.mine ? `您的意见：${VOTE_CHOICE_LABELS[d.mine]}` : "您未参加本次测评。"}
          </p>
        )
      ) : null}

      {d.results ? <VoteResultsView results={d.results} secret={v.secret} /> : <p className="muted">投票后可以看到当前的测评结果。</p>}

      {d.canManage && v.status === "open" ? (
        <Form
          method="post"
          className="vt-close"
          onSubmit={(e) => {
            if (!window.confirm("结束测评后委员不能再投票或更改，确定结束？")) e.preventDefault();
          }}
        >
          <input type="hidden" name="intent" value="close" />
          <button type="submit" className="secondary" disabled={busy}>结束测评</button>
        </Form>
      ) : null}
    </section>
  );
}
