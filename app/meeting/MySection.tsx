import { Link } from "@remix-run/react";
import { DeadlineBadge } from "~/components/attachments";
import { formatDate, formatDateTime } from "~/utils/time";
import type { Light } from "~/utils/deadline";
import type { VoteChoice } from "../../db/schema";
import { VOTE_CHOICE_LABELS, WRITTEN_REPLY_STATUS_LABELS } from "./labels";

/** The meeting stage's sections of /my (department) and of a member's home page. Data from ./my.server.ts. */
export interface MyMeetingSectionData {
  replies: {
    id: number;
    inquiry_title: string;
    question_text: string;
    due_date: string;
    status: "open" | "answered";
    light: Light;
    daysLeft: number;
    answered_at: string | null;
  }[];
  transcripts: {
    inquiry_id: number;
    inquiry_title: string;
    meeting_date: string | null;
    exchanges: number;
    correction_open: boolean;
    correction_until: string | null;
    organization_id: number;
  }[];
  transcriptsTotal: number;
}

export function MyMeetingSection({ data }: { data: MyMeetingSectionData }) {
  const open = data.replies.filter((r) => r.status === "open");
  const answered = data.replies.filter((r) => r.status === "answered");
  return (
    <div className="mt-my" data-testid="my-meeting">
      <h2>询问会书面答复（待答复 {open.length}）</h2>
      {data.replies.length === 0 ? (
        <p className="muted">暂无需要本单位书面答复的问题。</p>
      ) : (
        <table className="data stack" data-testid="my-written-replies">
          <thead>
            <tr>
              <th>问题</th>
              <th>所属询问</th>
              <th>答复期限</th>
              <th>状态</th>
            </tr>
          </thead>
          <tbody>
            {[...open, ...answered].map((r) => (
              <tr key={r.id}>
                <td className="stack-title">
                  <Link to={`/written-replies/${r.id}`}>{r.question_text.slice(0, 60)}</Link>
                </td>
                <td data-label="所属询问">{r.inquiry_title}</td>
                <td data-label="答复期限">
                  {formatDate(r.due_date)} {r.status === "open" ? <DeadlineBadge light={r.light} daysLeft={r.daysLeft} /> : null}
                </td>
                <td data-label="状态">{r.status === "answered" ? `${WRITTEN_REPLY_STATUS_LABELS.answered}（${formatDateTime(r.answered_at)}）` : WRITTEN_REPLY_STATUS_LABELS.open}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>本单位询问会记录（{data.transcriptsTotal}）</h2>
      {data.transcriptsTotal > data.transcripts.length ? <p className="muted rs-small">列出最近 {data.transcripts.length} 场询问会；更早的记录可在“搜索”中按询问名称查找。</p> : null}
      {data.transcripts.length === 0 ? (
        <p className="muted">本单位尚无询问会问答记录。</p>
      ) : (
        <ul data-testid="my-transcripts">
          {data.transcripts.map((t) => (
            <li key={t.inquiry_id}>
              <Link to={`/inquiries/${t.inquiry_id}/meeting/departments/${t.organization_id}`}>{t.inquiry_title}</Link>：询问会 {formatDate(t.meeting_date)}，应询 {t.exchanges} 轮
              {t.correction_open && t.correction_until ? <span className="badge warn">可提出更正至 {formatDate(t.correction_until)}</span> : null}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export interface MemberVotesSectionData {
  votes: { id: number; title: string; inquiry_title: string; voted: boolean; choice: VoteChoice | null }[];
}

export function MemberVotesSection({ data }: { data: MemberVotesSectionData }) {
  return (
    <div className="card" data-testid="member-votes">
      <h2 className="rs-card-title">满意度测评</h2>
      {data.votes.length === 0 ? (
        <p className="muted">目前没有正在进行的测评。</p>
      ) : (
        <ul className="vt-list">
          {data.votes.map((v) => (
            <li key={v.id}>
              <Link to={`/votes/${v.id}`} className="vt-card">
                <strong>{v.title}</strong>
                <span className="muted rs-small">{v.inquiry_title}</span>
                <span className={`badge ${v.voted ? "ok" : "warn"}`}>{v.voted ? (v.choice ? `已投：${VOTE_CHOICE_LABELS[v.choice]}` : "已投票") : "待投票"}</span>
              </Link>
            </li>
          ))}
        </ul>
      )}
      <p>
        <Link to="/votes">全部测评</Link>
      </p>
    </div>
  );
}
