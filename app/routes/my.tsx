import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireUser } from "~/auth/session.server";
import { DeadlineBadge } from "~/components/attachments";
import { getDb } from "~/db.server";
import { DELEGATION_STATUS_LABELS } from "~/labels";
import { loadInbox } from "~/inbox.server";
import { SURVEY_NEAR_DAYS } from "~/surveys/surveys.server";
import { formatDate, formatDateTime } from "~/utils/time";
import type { DelegationStatus } from "../../db/schema";
import { MyOutlineQuestionsSection } from "~/outline/MySection";
import { MyMeetingSection } from "~/meeting/MySection";
import { MyRectificationSection } from "~/rectification/MySection";
import { MyAccountabilitySection } from "~/followup/MySection";
import { listSteps } from "~/followup/accountability.server";
import { canReadAccountabilityStep, canReadDepartmentProblems, canSeeDeadlineCalendar } from "~/policy.server";
import { myForwardings } from "~/followup/forwarding.server";
import { MyForwardingSection } from "~/followup/ForwardingMySection";

/**
 * 我的待办: the inbox of a department or a county congress. A county sees its own delegated surveys, nearest
 * deadline first; a department's questions and rectification items arrive with later stages. Other roles
 * work from the inquiry pages and are sent home.
 */
export const meta: MetaFunction = () => [{ title: "我的待办 · 询问" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  if (user.role !== "county" && user.role !== "department") throw redirect("/");
  const db = getDb();
  // the accountability steps concerning the user's organisation: its own history (issue 21)
  const steps = user.organizationId ? (await listSteps(db, { organizationId: user.organizationId })).filter((s) => canReadAccountabilityStep(user, s)) : [];
  return {
    ...(await loadInbox(db, user, new URL(request.url))),
    // what the page offers, decided here from the policy: the components read flags, never the role
    departmentInbox: user.role === "department",
    canSeeCalendar: user.organizationId !== null && canSeeDeadlineCalendar(user, { departmentId: user.organizationId }),
    canSeeRecurring: user.organizationId !== null && canReadDepartmentProblems(user, user.organizationId),
    nearDays: SURVEY_NEAR_DAYS,
    organizationName: user.organizationName,
    organizationId: user.organizationId,
    // 下转 (issue 21): forwarded to us, forwarded by us, our sub-organisations' items
    forwarding: await myForwardings(db, user),
    accountability: steps.map((s) => ({ id: s.id, kind: s.kind, stepDate: s.step_date, inquiryTitle: s.inquiry_title, decision: s.decision, status: s.status, trigger: s.trigger_label, itemId: s.item_id, itemNumber: s.item_number })),
  };
}

const STATUS_CLASS: Record<DelegationStatus, string> = { pending: "", submitted: "warn", accepted: "ok", returned: "bad" };

type Row = ReturnType<typeof useLoaderData<typeof loader>>["open"][number];

export default function MyInbox() {
  const { departmentInbox, canSeeCalendar, canSeeRecurring, nearDays, organizationName, organizationId, open, done, outlineQuestions, meeting, rectification, accountability, forwarding } = useLoaderData<typeof loader>();
  return (
    <section className="rs-page">
      <div className="page-head">
        <h1>我的待办</h1>
        {organizationName ? <span className="muted">{organizationName}</span> : null}
        {canSeeCalendar ? <Link to="/calendar">期限日历</Link> : null}
      </div>

      {departmentInbox ? (
        <div data-testid="department-inbox">
          {canSeeRecurring ? (
            <p>
              <Link to={`/insight/departments/${organizationId}`}>本单位反复出现的问题</Link>
              <span className="muted rs-small">（历次专题询问中反复提出的问题及整改结果）</span>
            </p>
          ) : null}
          <MyForwardingSection data={forwarding} />
          {rectification ? <MyRectificationSection data={rectification} /> : null}
          <MyOutlineQuestionsSection data={outlineQuestions} />
          {meeting ? <MyMeetingSection data={meeting} /> : null}
          <MyAccountabilitySection steps={accountability} />
        </div>
      ) : (
        <>
          <h2>待完成的委托调研（{open.length}）</h2>
          <p className="muted rs-small">按截止日期排列。截止日期前 {nearDays} 天内显示“临近期限”，超过截止日期显示“已逾期”。</p>
          {open.length === 0 ? (
            <div className="card rs-empty">
              <p>暂无待完成的委托调研。</p>
            </div>
          ) : (
            <DelegationTable rows={open} testId="my-open" />
          )}
          <h2>已提交的调研报告（{done.length}）</h2>
          {done.length === 0 ? <p className="muted">暂无。</p> : <DelegationTable rows={done} testId="my-done" />}
          <MyForwardingSection data={forwarding} />
        </>
      )}
    </section>
  );
}

function DelegationTable({ rows, testId }: { rows: Row[]; testId: string }) {
  return (
    <table className="data stack rs-table" data-testid={testId}>
      <thead>
        <tr>
          <th>调研事项</th>
          <th style={{ width: "10em" }}>截止日期</th>
          <th style={{ width: "13em" }}>期限</th>
          <th style={{ width: "7em" }}>状态</th>
          <th style={{ width: "6em" }}>操作</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((d) => {
          const open = d.status === "pending" || d.status === "returned";
          return (
            <tr key={d.id} className={`rs-light-${d.light}`} data-testid={`my-delegation-${d.id}`}>
              <td className="stack-title">
                <Link to={`/surveys/${d.id}`}>{d.title}</Link>
                <div className="muted rs-small">{d.inquiry_title}</div>
                {d.status === "returned" && d.return_comment ? <div className="rs-small rs-return-note">退回意见：{d.return_comment}</div> : null}
              </td>
              <td data-label="截止日期">{formatDate(d.due_date)}</td>
              <td data-label="期限">
                <DeadlineBadge light={d.light} daysLeft={d.daysLeft} />
                {!open && d.submitted_at ? <div className="muted rs-small">{formatDateTime(d.submitted_at)} 提交</div> : null}
              </td>
              <td data-label="状态"><span className={`badge ${STATUS_CLASS[d.status]}`}>{DELEGATION_STATUS_LABELS[d.status]}</span></td>
              <td data-label="操作"><Link to={`/surveys/${d.id}`}>{open ? "填写报告" : "查看"}</Link></td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
