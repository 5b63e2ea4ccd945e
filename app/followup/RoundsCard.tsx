import { Link } from "@remix-run/react";
import { formatDate } from "~/utils/time";

export interface RoundCardRow {
  id: number;
  title: string;
  roundNumber: number;
  kindLabel: string;
  meetingDate: string | null;
  digestPublished: boolean;
  votes: number;
  items: number;
  openItems: number;
}

/**
 * The rounds of an inquiry in order (跟踪监督 / 回头看; issue 21): each with its meeting, record, votes, digest and
 * ledger, the current one marked; staff may start the next round from the latest.
 */
export function RoundsCard({ rounds, currentId, canStart }: { rounds: RoundCardRow[]; currentId: number; canStart: boolean }) {
  const latest = rounds[rounds.length - 1];
  if (rounds.length < 2 && !canStart) return <p className="rs-small"><Link to={`/inquiries/${currentId}/chronicle`}>大事记</Link></p>;
  return (
    <div className="card" data-testid="rounds">
      <h2 className="rs-card-title">监督轮次</h2>
      <ol className="rs-small">
        {rounds.map((r) => (
          <li key={r.id} data-testid={`round-${r.roundNumber}`} aria-current={r.id === currentId ? "true" : undefined}>
            第 {r.roundNumber} 轮 · {r.kindLabel}：{r.id === currentId ? <strong>{r.title}</strong> : <Link to={`/inquiries/${r.id}`}>{r.title}</Link>}
            {r.meetingDate ? `（${formatDate(r.meetingDate)}）` : ""} · <Link to={`/inquiries/${r.id}/meeting`}>询问会记录</Link> ·{" "}
            <Link to={`/inquiries/${r.id}/meeting/votes`}>满意度测评 {r.votes} 项</Link> ·{" "}
            <Link to={`/inquiries/${r.id}/digest`}>摘要{r.digestPublished ? "（已公开）" : ""}</Link> ·{" "}
            <Link to={`/inquiries/${r.id}/rectification`}>整改事项 {r.items} 项，未完成 {r.openItems} 项</Link>
          </li>
        ))}
      </ol>
      <p className="rs-small">
        <Link to={`/inquiries/${currentId}/chronicle`}>大事记（全部轮次）</Link>
      </p>
      {canStart && latest ? (
        <p className="rs-actions">
          <Link className="button secondary" to={`/inquiries/${latest.id}/rounds/new`}>开展跟踪监督（第 {latest.roundNumber + 1} 轮）</Link>
        </p>
      ) : null}
    </div>
  );
}
