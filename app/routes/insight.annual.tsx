import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { ACCOUNTABILITY_KIND_LABELS, ACCOUNTABILITY_KINDS } from "~/followup/labels";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { requireUser } from "~/auth/session.server";
import { getDb } from "~/db.server";
import { annualReport, reportingCongress, reportYears } from "~/insight/annual.server";
import { StackedBarChart } from "~/insight/charts";
import { YearSchema } from "~/insight/forms.server";
import { VOTE_CHOICE_LABELS } from "~/meeting/labels";
import { canReadAnnualReport, forbidden } from "~/policy.server";
import { formatDate, todayInShanghai } from "~/utils/time";

/**
 * 年度报告: one year of special inquiries — inquiries held, questions and exchanges, items per department (raised,
 * closed on time or late, overdue, carried over), votes and their results, accountability steps — with charts that
 * read in black and white, and the same as a Word report. Staff and administrators.
 */
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.report.year ?? ""}年度报告 · 询问` }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  if (!canReadAnnualReport(user)) forbidden("年度报告仅供人大工作人员查阅。");
  const db = getDb();
  const today = todayInShanghai();
  const years = await reportYears(db, today);
  const asked = new URL(request.url).searchParams.get("year");
  const parsed = YearSchema.safeParse(asked ?? years[0]);
  const year = parsed.success ? parsed.data : Number(today.slice(0, 4));
  return { years, report: await annualReport(db, year, today), congress: await reportingCongress(db), invalidYear: asked !== null && !parsed.success };
}

const ITEM_SERIES = [
  { key: "onTime", label: "按期销号", pattern: "solid" as const },
  { key: "late", label: "逾期销号", pattern: "hatch" as const },
  { key: "overdue", label: "逾期未完成", pattern: "cross" as const },
  { key: "carriedOver", label: "结转", pattern: "dots" as const },
];

export default function AnnualPage() {
  const { years, report: r, congress, invalidYear } = useLoaderData<typeof loader>();
  return (
    <section className="in-page">
      <div className="page-head">
        <h1>{congress}{r.year}年度专题询问工作报告</h1>
        <div className="mt-head-links no-print">
          <a href={`/insight/annual.docx?year=${r.year}`} className="button secondary" download data-testid="annual-docx">下载 Word 报告</a>
          <button type="button" className="secondary" onClick={() => window.print()}>打印</button>
        </div>
      </div>
      <Form method="get" className="no-print">
        <label>
          年度{" "}
          <select name="year" defaultValue={r.year}>
            {years.map((y) => (
              <option key={y} value={y}>{y}年</option>
            ))}
          </select>
        </label>{" "}
        <button type="submit" className="secondary">查看</button>
        {invalidYear ? <span className="form-error" role="alert">年份无效，已显示{r.year}年</span> : null}
      </Form>
      <p className="muted">数据截至{formatDate(r.asOf)}（按北京时间计日）。</p>

      <div className="card" data-testid="annual-totals">
        <h2>一、专题询问开展情况</h2>
        <p>
          开展专题询问 <strong>{r.totals.inquiries}</strong> 次，提纲问题 <strong>{r.totals.questions}</strong> 个，现场问答 <strong>{r.totals.exchanges}</strong> 次。
        </p>
        {r.inquiries.length ? (
          <table className="data">
            <thead>
              <tr><th scope="col">询问会日期</th><th scope="col">专题询问</th><th scope="col">提纲问题</th><th scope="col">问答</th><th scope="col">其中现场提问</th></tr>
            </thead>
            <tbody>
              {r.inquiries.map((i) => (
                <tr key={i.id}>
                  <td>{formatDate(i.meetingDate)}</td>
                  <td><Link to={`/inquiries/${i.id}`}>{i.title}</Link></td>
                  <td>{i.questions}</td><td>{i.exchanges}</td><td>{i.unplanned}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </div>

      <div className="card">
        <h2>二、问题整改情况</h2>
        <p>
          新交办整改事项 <strong>{r.totals.raised}</strong> 项，销号 <strong>{r.totals.closed}</strong> 项（按期 {r.totals.onTime} 项、逾期完成 {r.totals.late} 项），结转 {r.totals.carriedOver} 项，逾期未完成 <strong>{r.totals.overdue}</strong> 项。
        </p>
        {r.departments.length ? (
          <>
            <StackedBarChart
              title={`${r.year}年各牵头单位整改事项完成情况`}
              testId="annual-chart-items"
              series={ITEM_SERIES}
              rows={r.departments.map((d) => ({ label: d.name, values: { onTime: d.onTime, late: d.late, overdue: d.overdue, carriedOver: d.carriedOver } }))}
            />
            <table className="data" data-testid="annual-departments">
              <thead>
                <tr><th scope="col">牵头单位</th><th scope="col">新交办</th><th scope="col">销号</th><th scope="col">按期</th><th scope="col">逾期完成</th><th scope="col">逾期未完成</th><th scope="col">结转</th><th scope="col">催办</th></tr>
              </thead>
              <tbody>
                {r.departments.map((d) => (
                  <tr key={d.id}>
                    <td><Link to={`/insight/departments/${d.id}`}>{d.name}</Link></td>
                    <td>{d.raised}</td><td>{d.closed}</td><td>{d.onTime}</td><td>{d.late}</td><td>{d.overdue}</td><td>{d.carriedOver}</td><td>{d.chaseUps}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        ) : <p className="muted">本年度没有整改事项。</p>}
      </div>

      <div className="card">
        <h2>三、满意度测评情况</h2>
        <p>
          完成测评 <strong>{r.votes.count}</strong> 次，通过 {r.votes.passed} 次，未通过 {r.votes.notPassed} 次。
        </p>
        {r.votes.count ? (
          <StackedBarChart
            title={`${r.year}年满意度测评票数`}
            testId="annual-chart-votes"
            series={[
              { key: "satisfied", label: VOTE_CHOICE_LABELS.satisfied, pattern: "solid" },
              { key: "basically_satisfied", label: VOTE_CHOICE_LABELS.basically_satisfied, pattern: "hatch" },
              { key: "unsatisfied", label: VOTE_CHOICE_LABELS.unsatisfied, pattern: "cross" },
              { key: "abstain", label: VOTE_CHOICE_LABELS.abstain, pattern: "white" },
            ]}
            rows={[{ label: "合计", values: r.votes.choices }]}
          />
        ) : null}
      </div>

      <div className="card">
        <h2>四、跟踪问效情况</h2>
        <p data-testid="annual-accountability">
          发出催办 {r.accountability.chaseUps} 次；测评未通过、要求重新报告 {r.accountability.reReports} 次；研究处理情况报告退回重新报送 {r.accountability.resubmissions} 次。
          {ACCOUNTABILITY_KINDS.map((k) => `${ACCOUNTABILITY_KIND_LABELS[k]} ${r.accountability.steps[k]} 次`).join("；")}。
        </p>
      </div>
    </section>
  );
}
