import { Link } from "@remix-run/react";
import { DeadlineBadge } from "~/components/attachments";
import { formatDate } from "~/utils/time";
import type { myForwardings } from "./forwarding.server";
import { FORWARDING_STATUS_LABELS } from "./labels";

type Data = Awaited<ReturnType<typeof myForwardings>>;
type Row = Data["received"][number];

const SUBJECT_LABELS = { delegation: "委托调研", item: "整改事项" } as const;

/**
 * /my (issue 21): what was forwarded to the user's organisation (a township's whole view), what it forwarded,
 * and the rectification items of the organisations under it (a county's own and its sub-organisations' work).
 */
export function MyForwardingSection({ data }: { data: Data }) {
  if (!data.received.length && !data.sent.length && !data.countyItems.length) return null;
  return (
    <div data-testid="my-forwarding">
      {data.received.length ? (
        <>
          <h2>下转给本单位的事项（{data.received.length}）</h2>
          <ForwardingTable rows={data.received} other="下转单位" name={(r) => r.from_name} testId="my-received" />
        </>
      ) : null}
      {data.countyItems.length ? (
        <>
          <h2>下级单位承办的整改事项（{data.countyItems.length}）</h2>
          <table className="data stack rs-table" data-testid="my-county-items">
            <thead>
              <tr>
                <th>整改事项</th>
                <th>牵头单位</th>
                <th>整改时限</th>
              </tr>
            </thead>
            <tbody>
              {data.countyItems.map((i) => (
                <tr key={i.id}>
                  <td className="stack-title">
                    <Link to={`/rectification/${i.id}`}>第 {i.number} 项：{i.problem.length > 40 ? `${i.problem.slice(0, 40)}…` : i.problem}</Link>
                    <div className="muted rs-small">{i.inquiry_title}</div>
                  </td>
                  <td data-label="牵头单位">{i.lead_name}</td>
                  <td data-label="整改时限">{formatDate(i.deadline)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
      {data.sent.length ? (
        <>
          <h2>本单位下转的事项（{data.sent.length}）</h2>
          <ForwardingTable rows={data.sent} other="承办单位" name={(r) => r.to_name} testId="my-sent" />
        </>
      ) : null}
    </div>
  );
}

function ForwardingTable({ rows, other, name, testId }: { rows: Row[]; other: string; name: (r: Row) => string; testId: string }) {
  return (
    <table className="data stack rs-table" data-testid={testId}>
      <thead>
        <tr>
          <th>事项</th>
          <th>{other}</th>
          <th>截止日期</th>
          <th>状态</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.id}>
            <td className="stack-title">
              <Link to={`/forwarded/${r.id}`}>{SUBJECT_LABELS[r.subject_type]}</Link>
              {r.brief ? <div className="muted rs-small">{r.brief.length > 40 ? `${r.brief.slice(0, 40)}…` : r.brief}</div> : null}
            </td>
            <td data-label={other}>{name(r)}</td>
            <td data-label="截止日期">{formatDate(r.due_date)}</td>
            <td data-label="状态">
              <span className="badge">{FORWARDING_STATUS_LABELS[r.status]}</span>{" "}
              {r.status === "pending" || r.status === "returned" ? <DeadlineBadge light={r.light} daysLeft={r.daysLeft} /> : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
