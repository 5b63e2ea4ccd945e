import { Link, useLocation } from "@remix-run/react";
import { itemNumber, itemTitle } from "~/utils/names";
import { Pagination } from "~/components/forms";
import { DeadlineBadge } from "~/components/attachments";
import { formatDate } from "~/utils/time";
import { ItemLightBadge } from "./components";
import { ITEM_STATUS_CLASS, ITEM_STATUS_LABELS, lightRuleText } from "./labels";
import type { MyRectificationData } from "./my.server";

/**
 * 我的待办 · 整改事项: a department's items (lead or co-department) with their deadline lights, and for the
 * government's liaison the handling reports to submit. Data from loadMyRectification (app/rectification/my.server.ts).
 */
export function MyRectificationSection({ data }: { data: MyRectificationData | null }) {
  const location = useLocation();
  if (!data) return null;
  return (
    <section className="rect-my" data-testid="my-rectification">
      {data.handlingReports.length > 0 ? (
        <>
          <h2>待报送的研究处理情况报告（{data.handlingReports.length}）</h2>
          <table className="data stack rs-table" data-testid="my-handling-reports">
            <thead>
              <tr>
                <th>专题询问</th>
                <th style={{ width: "6em" }}>轮次</th>
                <th style={{ width: "10em" }}>报送期限</th>
                <th style={{ width: "13em" }}>期限</th>
                <th style={{ width: "6em" }}>操作</th>
              </tr>
            </thead>
            <tbody>
              {data.handlingReports.map((h) => (
                <tr key={`${h.inquiry_id}-${h.round}`} className={`rs-light-${h.light}`}>
                  <td className="stack-title">{h.inquiry_title}</td>
                  <td data-label="轮次">第 {h.round} 轮</td>
                  <td data-label="报送期限">{formatDate(h.due_date)}</td>
                  <td data-label="期限"><DeadlineBadge light={h.light} daysLeft={h.daysLeft} /></td>
                  <td data-label="操作"><Link to={`/inquiries/${h.inquiry_id}/handling-report`}>报送</Link></td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}

      <h2>待办理的整改事项（{data.openTotal}）</h2>
      <p className="muted rs-small">{lightRuleText(data.warningDays)}本单位为牵头单位的事项须报送进展、按期申请销号；为配合单位的事项须报送配合工作进展。</p>
      {data.open.length === 0 ? (
        <div className="card rs-empty">
          <p>暂无待办理的整改事项。</p>
        </div>
      ) : (
        <>
          <ItemTable rows={data.open} testId="my-items-open" />
          {data.openTotal > data.pageSize ? (
            <Pagination page={data.openPage} pageSize={data.pageSize} total={data.openTotal} search={location.search} param="openPage" label="待办理事项分页" />
          ) : null}
        </>
      )}
      {data.finishedTotal > 0 ? (
        <>
          <h2>已销号或结转的整改事项（{data.finishedTotal}）</h2>
          <ItemTable rows={data.finished} testId="my-items-done" />
          {data.finishedTotal > data.pageSize ? (
            <Pagination page={data.finishedPage} pageSize={data.pageSize} total={data.finishedTotal} search={location.search} param="donePage" label="已办结事项分页" />
          ) : null}
        </>
      ) : null}
    </section>
  );
}

type Row = MyRectificationData["open"][number];

function ItemTable({ rows, testId }: { rows: Row[]; testId: string }) {
  return (
    <table className="data stack rs-table" data-testid={testId}>
      <thead>
        <tr>
          <th>整改事项</th>
          <th style={{ width: "6em" }}>本单位</th>
          <th style={{ width: "10em" }}>整改时限</th>
          <th style={{ width: "13em" }}>期限</th>
          <th style={{ width: "7em" }}>状态</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.id} className={`rs-light-${r.light}`} data-testid={`my-item-${r.id}`}>
            <td className="stack-title">
              <Link to={`/rectification/${r.id}`}>{itemTitle(r.problem, 60)}</Link>
              <div className="muted rs-small">{itemNumber(r.number)} · {r.inquiry_title}{r.role === "co" ? ` · 牵头单位：${r.lead_name}` : ""}</div>
              {r.return_comment ? <div className="rs-small rs-return-note">销号申请被退回：{r.return_comment}</div> : null}
              {r.extensionPending ? <div className="rs-small muted">延期申请待审批</div> : null}
            </td>
            <td data-label="本单位">{r.role === "lead" ? "牵头" : "配合"}</td>
            <td data-label="整改时限">
              {formatDate(r.deadline)}
              {r.deadline !== r.original_deadline ? <div className="muted rs-small">原定 {formatDate(r.original_deadline)}</div> : null}
            </td>
            <td data-label="期限"><ItemLightBadge light={r.light} daysLeft={r.daysLeft} /></td>
            <td data-label="状态"><span className={`badge ${ITEM_STATUS_CLASS[r.status]}`}>{ITEM_STATUS_LABELS[r.status]}</span></td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
