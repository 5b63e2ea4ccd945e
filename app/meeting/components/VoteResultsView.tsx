import type { VoteChoice } from "../../../db/schema";

/** Counts and percentages of a vote (never who voted what unless `ballots` is given for an open vote). */
export interface VoteResultsData {
  total: number;
  counts: { choice: VoteChoice; label: string; count: number; percent: number }[];
  approval: { count: number; percent: number };
  ballots: { member_name: string; label: string }[] | null;
}

export function VoteResultsView({ results, secret }: { results: VoteResultsData; secret: boolean }) {
  return (
    <div className="vt-results" data-testid="vote-results">
      <p className="vt-total">
        共 <strong data-testid="vote-total">{results.total}</strong> 人参加测评，满意和基本满意 {results.approval.count} 票（{results.approval.percent}%）
      </p>
      <table className="data vt-table">
        <thead>
          <tr>
            <th>测评意见</th>
            <th>票数</th>
            <th>占比</th>
          </tr>
        </thead>
        <tbody>
          {results.counts.map((c) => (
            <tr key={c.choice} data-testid={`count-${c.choice}`}>
              <td>{c.label}</td>
              <td className="vt-num">{c.count}</td>
              <td>
                <span className="vt-bar" aria-hidden="true">
                  <span style={{ width: `${c.percent}%` }} />
                </span>{" "}
                {c.percent}%
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {secret ? <p className="muted rs-small">无记名测评：系统不显示、也不在日志中记录每位委员的选择。</p> : null}
      {results.ballots ? (
        <details className="rs-edit">
          <summary>记名测评明细（{results.ballots.length}）</summary>
          <ul>
            {results.ballots.map((b) => (
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
