import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireUser } from "~/auth/session.server";
import { DeadlineBadge } from "~/components/attachments";
import { StackedBarChart, type ChartSeries } from "~/components/StatusChart";
import { ITEM_STATUS_LABELS, ITEM_STATUSES } from "~/rectification/labels";
import { homeData } from "~/dashboard/dashboard.server";
import { getDb } from "~/db.server";
import { MemberOutlineSection } from "~/outline/MySection";
import { DELEGATION_STATUS_LABELS, ROLE_LABELS, STAGE_LABELS } from "~/labels";
import { formatDate } from "~/utils/time";
import { canSeeStaffQueue } from "~/policy.server";
import { QueueTable } from "~/queue/QueueTable";
import { listQueue } from "~/queue/queue.server";

export const meta: MetaFunction = () => [{ title: "首页 · 询问" }];
const HOME_QUEUE_ROWS = 10;

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const db = getDb();
  const who = { displayName: user.displayName, role: user.role, roleLabel: ROLE_LABELS[user.role], organizationName: user.organizationName };
  const allDepartments = new URL(request.url).searchParams.get("departments") === "all";
  // staff: the oldest of what waits for them (待我办理) heads the page
  const queue = canSeeStaffQueue(user) ? await listQueue(db, user, {}, { page: 1, pageSize: HOME_QUEUE_ROWS }) : null;
  return { who, queue, ...(await homeData(db, user, { allDepartments })) };
}

const SERIES: ChartSeries[] = [
  { label: "待整改", color: "#f4c7c3", pattern: "blank" },
  { label: "整改中", color: "#fce8b2", pattern: "dots" },
  { label: "申请销号", color: "#c6dafc", pattern: "hatch" },
  { label: "已销号", color: "#b7e1cd", pattern: "solid" },
  { label: "结转", color: "#d9d9d9", pattern: "cross" },
];

export default function Home() {
  const data = useLoaderData<typeof loader>();
  return (
    <section>
      <h1>您好，{data.who.displayName}</h1>
      <p className="muted" data-testid="home-role">
        {data.who.roleLabel}
        {data.who.organizationName ? ` · ${data.who.organizationName}` : ""}
      </p>
      {data.queue ? (
        <div className="card" data-testid="home-queue">
          <h2 style={{ marginTop: 0 }}>
            待我办理 <span className="muted">（共 {data.queue.total} 项，最早提交的在前）</span>
          </h2>
          <QueueTable rows={data.queue.rows} testId="home-queue-table" />
          {data.queue.total > data.queue.rows.length ? <Link to="/queue">查看全部 {data.queue.total} 项</Link> : <Link to="/queue">按类别和专题询问筛选</Link>}
        </div>
      ) : null}
      {data.staff ? <StaffHome d={data.staff} /> : null}
      {data.department ? <DepartmentHome d={data.department} /> : null}
      {data.county ? <CountyHome rows={data.county} /> : null}
      {data.member ? <MemberHome d={data.member} /> : null}
      {"memberOutline" in data && data.memberOutline ? <MemberOutlineSection data={data.memberOutline} /> : null}
    </section>
  );
}

function StaffHome({ d }: { d: NonNullable<ReturnType<typeof useLoaderData<typeof loader>>["staff"]> }) {
  return (
    <>
      <div className="card">
        <h2 style={{ marginTop: 0 }}>各阶段专题询问</h2>
        <ul className="stage-counts">
          {d.byStage.map((s) => (
            <li key={s.key}>
              <Link to={`/inquiries?stage=${s.key}`}>
                <strong>{s.count}</strong> {s.label}
              </Link>
            </li>
          ))}
        </ul>
        <Link to="/inquiries">全部专题询问</Link>
      </div>
      <div className="card">
        <h2 style={{ marginTop: 0 }}>已逾期和临近期限</h2>
        <p className="muted">
          整改事项在期限前 {d.warningDays} 天内标黄（按自然日计算），逾期标红。
          {d.deadlineCount > d.deadlines.length ? `共 ${d.deadlineCount} 项，列出最紧急的 ${d.deadlines.length} 项；各专题询问的整改台账可按红黄灯筛选全部事项。` : null}
        </p>
        {d.deadlines.length === 0 ? (
          <p>目前没有逾期或临近期限的事项。</p>
        ) : (
          <table className="data" data-testid="staff-deadlines">
            <thead>
              <tr>
                <th>类别</th>
                <th>事项</th>
                <th>单位</th>
                <th>期限</th>
                <th>状态</th>
              </tr>
            </thead>
            <tbody>
              {d.deadlines.map((r) => (
                <tr key={`${r.kind}-${r.href}`}>
                  <td>{r.kind}</td>
                  <td><Link to={r.href}>{r.title}</Link></td>
                  <td>{r.organization}</td>
                  <td>{formatDate(r.dueDate)}</td>
                  <td><DeadlineBadge light={r.light} daysLeft={r.daysLeft} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      <div className="card">
        <h2 style={{ marginTop: 0 }}>整改事项办理情况（按牵头单位）</h2>
        {d.byDepartment.length === 0 ? (
          <p className="muted">暂无整改事项。</p>
        ) : (
          <>
            <StackedBarChart
              title="各牵头单位整改事项状态"
              series={SERIES}
              rows={d.byDepartment.map((r) => ({ label: r.name, values: ITEM_STATUSES.map((s) => r.counts[s]) }))}
            />
            <table className="data" data-testid="department-table">
              <thead>
                <tr>
                  <th>牵头单位</th>
                  {ITEM_STATUSES.map((s) => (
                    <th key={s}>{ITEM_STATUS_LABELS[s]}</th>
                  ))}
                  <th>合计</th>
                  <th>逾期未办结</th>
                  <th>按期销号率</th>
                </tr>
              </thead>
              <tbody>
                {d.byDepartment.map((r) => (
                  <tr key={r.id}>
                    <td>{r.name}</td>
                    {ITEM_STATUSES.map((s) => (
                      <td key={s}>{r.counts[s]}</td>
                    ))}
                    <td>{r.total}</td>
                    <td>{r.overdue}</td>
                    <td>{r.onTimePercent === null ? "—" : `${r.onTimePercent}%`}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <p className="muted" style={{ fontSize: 12 }}>按期销号率 = 在期限内销号的事项 ÷（已销号事项 + 逾期未办结事项）。</p>
            {d.departmentCount > d.byDepartment.length ? (
              <p data-testid="all-departments">
                列出事项最多的 {d.byDepartment.length} 个单位（共 {d.departmentCount} 个）。<Link to="/?departments=all">查看全部单位</Link>
              </p>
            ) : null}
          </>
        )}
      </div>
    </>
  );
}

function DepartmentHome({ d }: { d: NonNullable<ReturnType<typeof useLoaderData<typeof loader>>["department"]> }) {
  return (
    <div className="grid-2">
      <div className="card">
        <h2 style={{ marginTop: 0 }}>待准备书面答复的提纲问题</h2>
        {d.questions.length === 0 ? <p className="muted">暂无。</p> : null}
        <ul>
          {d.questions.map((q) => (
            <li key={q.id}>
              <Link to="/my">{q.text.slice(0, 60)}</Link>
              <div className="muted" style={{ fontSize: 13 }}>
                {q.title}，询问会 {formatDate(q.meeting_date)}
                {q.answer_status === "draft" ? "（已存草稿）" : ""}
              </div>
            </li>
          ))}
        </ul>
      </div>
      <div className="card">
        <h2 style={{ marginTop: 0 }}>需书面答复的问题</h2>
        {d.replies.length === 0 ? <p className="muted">暂无。</p> : null}
        <ul>
          {d.replies.map((r) => (
            <li key={r.id}>
              <Link to={`/written-replies/${r.id}`}>{r.question_text.slice(0, 60)}</Link> <DeadlineBadge light={r.light} daysLeft={r.daysLeft} />
            </li>
          ))}
        </ul>
      </div>
      <div className="card" style={{ gridColumn: "1 / -1" }}>
        <h2 style={{ marginTop: 0 }}>整改事项（期限近的在前）</h2>
        {d.items.length === 0 ? (
          <p className="muted">暂无未办结的整改事项。</p>
        ) : (
          <table className="data" data-testid="department-items">
            <thead>
              <tr>
                <th>序号</th>
                <th>问题</th>
                <th>本单位</th>
                <th>期限</th>
                <th>状态</th>
              </tr>
            </thead>
            <tbody>
              {d.items.map((i) => (
                <tr key={i.id}>
                  <td>{i.number}</td>
                  <td><Link to={`/rectification/${i.id}`}>{i.problem.slice(0, 60)}</Link></td>
                  <td>{i.role}</td>
                  <td>{formatDate(i.deadline)}</td>
                  <td>
                    {ITEM_STATUS_LABELS[i.status]} <DeadlineBadge light={i.light} daysLeft={i.daysLeft} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </div>
  );
}

function CountyHome({ rows }: { rows: NonNullable<ReturnType<typeof useLoaderData<typeof loader>>["county"]> }) {
  return (
    <div className="card">
      <h2 style={{ marginTop: 0 }}>委托本单位的调研</h2>
      {rows.length === 0 ? <p className="muted">暂无委托调研。</p> : null}
      <ul>
        {rows.map((d) => (
          <li key={d.id}>
            <Link to={`/surveys/${d.id}`}>{d.title}</Link>（{d.inquiry_title}，截止 {formatDate(d.due_date)}）{" "}
            <span className="badge">{DELEGATION_STATUS_LABELS[d.status]}</span> <DeadlineBadge light={d.light} daysLeft={d.daysLeft} />
          </li>
        ))}
      </ul>
    </div>
  );
}

function MemberHome({ d }: { d: NonNullable<ReturnType<typeof useLoaderData<typeof loader>>["member"]> }) {
  return (
    <div className="grid-2">
      <div className="card">
        <h2 style={{ marginTop: 0 }}>正在进行的满意度测评</h2>
        {d.votes.length === 0 ? <p className="muted">暂无。</p> : null}
        <ul>
          {d.votes.map((v) => (
            <li key={v.id}>
              <Link to={`/votes/${v.id}`}>{v.title}</Link>（{v.inquiry_title}）{v.voted ? <span className="badge ok">已投票</span> : v.method === "entered" ? <span className="badge off">会场表决</span> : <span className="badge warn">未投票</span>}
            </li>
          ))}
        </ul>
      </div>
      <div className="card">
        <h2 style={{ marginTop: 0 }}>参与的专题询问</h2>
        <ul>
          {d.inquiries.map((i) => (
            <li key={i.id}>
              <Link to={`/inquiries/${i.id}`}>{i.title}</Link> <span className="muted">（{STAGE_LABELS[i.stage]}，{formatDate(i.meeting_date)}）</span>
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}
