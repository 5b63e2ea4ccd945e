import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { GapBadges } from "~/insight/GapBadges";
import { answerGaps, ANSWER_LEAD_DAYS, MIN_ANSWER_LENGTH } from "~/insight/gaps.server";
import { canReadAnswerGaps } from "~/policy.server";
import { formatDate, todayInShanghai } from "~/utils/time";
import { loadInquiryFor } from "~/utils/route.server";

/**
 * 答复缺口: each question of the issued outline rated by its department's written preparation answer (missing, late,
 * too short, not addressing the question's key terms) with the reason — for staff and members preparing
 * follow-up questions. Departments and counties: 403.
 */
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `答复缺口 · ${data?.inquiry.title ?? "专题询问"} · 询问` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { db, inquiry } = await loadInquiryFor(request, params, canReadAnswerGaps, "答复缺口清单仅供人大工作人员和参加该专题询问的委员查阅。");
  const gaps = await answerGaps(db, inquiry.id, todayInShanghai());
  return { inquiry: { id: inquiry.id, title: inquiry.title, meeting_date: inquiry.meeting_date }, gaps };
}

export default function GapsPage() {
  const { inquiry, gaps } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const all = params.get("all") === "1";
  const rows = gaps ? gaps.rows.filter((r) => all || r.rating.kinds.length) : [];
  return (
    <section className="in-page">
      <p className="rs-crumbs">
        <Link to={`/inquiries/${inquiry.id}`}>{inquiry.title}</Link> › <Link to={`/inquiries/${inquiry.id}/outline`}>询问提纲</Link> › 答复缺口
      </p>
      <div className="page-head">
        <h1>书面准备答复缺口</h1>
      </div>
      {!gaps ? (
        <p className="muted" data-testid="gaps-not-issued">询问提纲尚未下发，应询部门还不能提交书面准备答复。</p>
      ) : (
        <>
          <p data-testid="gaps-summary">
            提纲第 {gaps.versionNumber} 版共 {gaps.totals.questions} 个问题，其中 {gaps.totals.withGaps} 个答复有缺口：未答复 {gaps.totals.missing} 个、逾期答复 {gaps.totals.late} 个、答复过简 {gaps.totals.tooShort} 个、未回应要点 {gaps.totals.offTopic} 个。
            {gaps.dueDate ? `答复期限为询问会前 ${ANSWER_LEAD_DAYS} 日（${formatDate(gaps.dueDate)}）。` : "询问会日期未定，暂不计逾期。"}
            少于 {MIN_ANSWER_LENGTH} 字或只称“正在核实”等的答复视为过简；答复未用到问题中的要点词语视为未回应要点。
          </p>
          <p className="no-print">
            {all ? <Link to="?">只看有缺口的问题</Link> : <Link to="?all=1">显示全部问题</Link>}
          </p>
          {rows.length ? (
            <table className="data" data-testid="gap-list">
              <thead>
                <tr>
                  <th scope="col">序号</th>
                  <th scope="col">关键词</th>
                  <th scope="col">问题</th>
                  <th scope="col">应询部门</th>
                  <th scope="col">缺口及原因</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.questionId} data-testid={`gap-${r.questionId}`}>
                    <td>{r.number}</td>
                    <td>{r.keyword}</td>
                    <td>
                      <Link to={`/inquiries/${inquiry.id}/outline/questions/${r.questionId}`}>{r.text}</Link>
                    </td>
                    <td>{r.departmentName}</td>
                    <td>
                      <GapBadges kinds={r.rating.kinds} reasons={r.rating.reasons} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p className="muted">所有问题的书面准备答复均无缺口。</p>
          )}
        </>
      )}
    </section>
  );
}
