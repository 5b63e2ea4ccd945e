import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireUser } from "~/auth/session.server";
import { LiveNoScriptRefresh } from "~/components/LiveNoScriptRefresh";
import { useLiveRevalidate } from "~/components/useLiveRevalidate";
import { getDb } from "~/db.server";
import { VOTE_RESULT_LABELS, VOTE_STATUS_LABELS } from "~/meeting/labels";
import { listAllVotes, listMemberVotes } from "~/meeting/votes.server";
import { canUseVotes, canVote, forbidden, readableInquiries } from "~/policy.server";
import { formatDateTime } from "~/utils/time";

/**
 * 满意度测评: a member's list on the phone — open votes first, each saying whether they still have to vote. The
 * page polls, so a vote opened by staff appears without reloading (and reloads itself without JavaScript).
 */
export const meta: MetaFunction = () => [{ title: "满意度测评 · 询问" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  if (!canUseVotes(user)) forbidden("满意度测评仅供委员、代表和人大工作人员使用。");
  const db = getDb();
  if (canVote(user)) {
    const scope = readableInquiries(user);
    const votes = await listMemberVotes(db, user.id, scope === "all" ? [] : scope);
    return { isMember: true, votes: votes.map((v) => ({ id: v.id, title: v.title, status: v.status, result: v.result, closed_at: v.closed_at, inquiry_title: v.inquiry_title, canVote: v.canVote, voted: v.voted, method: v.method, onRoll: v.onRoll })) };
  }
  const votes = await listAllVotes(db);
  return { isMember: false, votes: votes.map((v) => ({ ...v, canVote: false, voted: false, onRoll: false })) };
}

function badgeFor(v: { status: string; canVote: boolean; voted: boolean; method: string; onRoll: boolean }, isMember: boolean) {
  if (!isMember) return <span className="badge warn">{VOTE_STATUS_LABELS[v.status as "open"]}</span>;
  if (v.canVote) return <span className="badge warn">待投票</span>;
  if (v.voted) return <span className="badge ok">已投票</span>;
  if (v.method === "entered") return <span className="badge off">会场表决</span>;
  return <span className="badge off">{v.onRoll ? "列席" : "不在表决名单中"}</span>;
}

export default function Votes() {
  const { isMember, votes } = useLoaderData<typeof loader>();
  useLiveRevalidate(true);
  const open = votes.filter((v) => v.status === "open");
  const closed = votes.filter((v) => v.status === "closed");
  return (
    <section className="vt-page">
      <LiveNoScriptRefresh seconds={10} />
      <h1>满意度测评</h1>
      <h2>正在进行（{open.length}）</h2>
      {open.length === 0 ? (
        <p className="muted" data-testid="no-open-votes">目前没有正在进行的测评。新的测评开始后会自动显示在这里。</p>
      ) : (
        <ul className="vt-list" data-testid="open-votes">
          {open.map((v) => (
            <li key={v.id}>
              <Link to={`/votes/${v.id}`} className="vt-card">
                <strong>{v.title}</strong>
                <span className="muted rs-small">{v.inquiry_title}</span>
                {badgeFor(v, isMember)}
              </Link>
            </li>
          ))}
        </ul>
      )}
      <h2>已结束（{closed.length}）</h2>
      {closed.length === 0 ? (
        <p className="muted">暂无。</p>
      ) : (
        <ul className="vt-list">
          {closed.map((v) => (
            <li key={v.id}>
              <Link to={`/votes/${v.id}`} className="vt-card vt-card-closed">
                <strong>{v.title}</strong>
                <span className="muted rs-small">
                  {v.inquiry_title} · 结束于 {formatDateTime(v.closed_at)}
                </span>
                {v.result ? <span className={`badge ${v.result === "passed" ? "ok" : "bad"}`}>{VOTE_RESULT_LABELS[v.result]}</span> : null}
              </Link>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
