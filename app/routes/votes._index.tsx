import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireUser } from "~/auth/session.server";
import { getDb } from "~/db.server";
import { VOTE_CHOICE_LABELS, VOTE_STATUS_LABELS } from "~/meeting/labels";
import { listMemberVotes } from "~/meeting/votes.server";
import { canUseVotes, canVote, forbidden, readableInquiries } from "~/policy.server";
import { formatDateTime } from "~/utils/time";

/** 满意度测评: a member's list on the phone — open votes first, each saying whether they have voted. */
export const meta: MetaFunction = () => [{ title: "满意度测评 · 询问" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  if (!canUseVotes(user)) forbidden("满意度测评仅供委员、代表和人大工作人员使用。");
  const db = getDb();
  if (canVote(user)) return { isMember: true, votes: await listMemberVotes(db, user.id, readableInquiries(user) === "all" ? [] : (readableInquiries(user) as readonly number[])) };
  // staff: every vote, open first (no ballots of anyone)
  const votes = await db
    .selectFrom("votes as v")
    .innerJoin("inquiries as i", "i.id", "v.inquiry_id")
    .select(["v.id", "v.title", "v.status", "v.opened_at", "v.closed_at", "v.secret", "i.title as inquiry_title"])
    .orderBy("v.status", "desc")
    .orderBy("v.id", "desc")
    .limit(50)
    .execute();
  return { isMember: false, votes: votes.map((v) => ({ ...v, choice: null, voted: false })) };
}

export default function Votes() {
  const { isMember, votes } = useLoaderData<typeof loader>();
  const open = votes.filter((v) => v.status === "open");
  const closed = votes.filter((v) => v.status === "closed");
  return (
    <section className="vt-page">
      <h1>满意度测评</h1>
      <h2>正在进行（{open.length}）</h2>
      {open.length === 0 ? (
        <p className="muted">目前没有正在进行的测评。</p>
      ) : (
        <ul className="vt-list" data-testid="open-votes">
          {open.map((v) => (
            <li key={v.id}>
              <Link to={`/votes/${v.id}`} className="vt-card">
                <strong>{v.title}</strong>
                <span className="muted rs-small">{v.inquiry_title}</span>
                {isMember ? (
                  <span className={`badge ${v.voted ? "ok" : "warn"}`}>{v.voted && v.choice ? `已投：${VOTE_CHOICE_LABELS[v.choice]}` : "待投票"}</span>
                ) : (
                  <span className="badge warn">{VOTE_STATUS_LABELS[v.status]}</span>
                )}
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
              </Link>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
