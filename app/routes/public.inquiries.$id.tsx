import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Breadcrumbs } from "~/components/PageNav";
import { PrintButton } from "~/components/icons";
import { getDb } from "~/db.server";
import { DigestView } from "~/meeting/components/DigestView";
import { publicDigestPage } from "~/meeting/public.server";
import { canReadAccountabilityStep, notFound } from "~/policy.server";
import { listSteps } from "~/followup/accountability.server";
import { AccountabilityTable } from "~/followup/AccountabilityTable";
import { DeadlineBadge } from "~/components/attachments";
import { RichTextView } from "~/components/RichTextEditor";
import { formatDate } from "~/utils/time";
import { idParam } from "~/utils/route.server";

/**
 * A published digest, for anyone without signing in; with a print view and the Word document. An inquiry whose
 * digest is not (or no longer) published is not found here.
 */
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.digest.title ?? "询问会摘要"} · 公开信息 · 询问` }];

export async function loader({ params }: LoaderFunctionArgs) {
  const inquiryId = idParam(params.id, "该询问会摘要不存在或尚未公开");
  const page = await publicDigestPage(getDb(), inquiryId);
  if (!page) notFound("该询问会摘要不存在或尚未公开");
  const steps = (await listSteps(getDb(), { inquiryId, publishedOnly: true })).filter((s) => canReadAccountabilityStep(null, s));
  return {
    inquiryId,
    ...page,
    accountability: steps.map((s) => ({ id: s.id, kind: s.kind, stepDate: s.step_date, organization: s.organization_name, decision: s.decision, trigger: s.trigger_label })),
  };
}

export default function PublicDigest() {
  const { inquiryId, digest, rectification, handlingReports, accountability } = useLoaderData<typeof loader>();
  return (
    <section className="dg-page print-document">
      <div className="page-head no-print">
        <Breadcrumbs items={[{ label: "公开信息", to: "/public" }, { label: digest.inquiryTitle }]} />
        <div className="mt-head-links">
          <PrintButton />
          <a href={`/inquiries/${inquiryId}/digest.docx`} className="button secondary" download>下载 Word 文档</a>
        </div>
      </div>
      <div className="card dg-paper">
        <DigestView digest={digest} />
      </div>
      {rectification ? (
        <div className="card" data-testid="public-rectification">
          <h2 style={{ marginTop: 0 }}>整改落实情况</h2>
          <p>
            共 {rectification.progress.total} 项整改事项，已销号 {rectification.progress.closed} 项，结转 {rectification.progress.carriedOver} 项
            {rectification.inquiry.closed ? `；本次专题询问已于 ${formatDate(rectification.inquiry.closedDate)} 办结` : ""}。期限按自然日计算。
          </p>
          {rectification.overdue.length ? (
            <>
              <h3>逾期未完成的事项（{rectification.overdue.length} 项）</h3>
              <ul data-testid="public-overdue">
                {rectification.overdue.map((i) => (
                  <li key={i.number}>
                    {i.number}. {i.problem}（牵头单位：{i.leadDepartment}，时限 {formatDate(i.deadline)}） <DeadlineBadge light={i.light} daysLeft={i.daysLeft} />
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          <table className="data stack">
            <thead>
              <tr>
                <th>序号</th>
                <th>整改要求</th>
                <th>牵头单位</th>
                <th>配合单位</th>
                <th>整改时限</th>
                <th>状态</th>
                <th>销号日期</th>
              </tr>
            </thead>
            <tbody>
              {rectification.items.map((i) => (
                <tr key={i.number}>
                  <td data-label="序号">{i.number}</td>
                  <td data-label="整改要求">{i.requirement || i.problem}</td>
                  <td data-label="牵头单位">{i.leadDepartment}</td>
                  <td data-label="配合单位">{i.coDepartments.join("、") || "—"}</td>
                  <td data-label="整改时限">
                    {formatDate(i.deadline)}
                    {i.originalDeadline !== i.deadline ? <div className="muted" style={{ fontSize: 12 }}>原定 {formatDate(i.originalDeadline)}</div> : null}
                  </td>
                  <td data-label="状态">{i.statusLabel}</td>
                  <td data-label="销号日期">{i.closedDate ? formatDate(i.closedDate) : "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {accountability.length ? (
        <div className="card" data-testid="public-accountability">
          <h2 style={{ marginTop: 0 }}>问责措施</h2>
          <AccountabilityTable steps={accountability} />
        </div>
      ) : null}
      {handlingReports.length ? (
        <div className="card" data-testid="public-handling-reports">
          <h2 style={{ marginTop: 0 }}>研究处理情况报告及审议意见</h2>
          {handlingReports.map((r) => (
            <section key={r.round} data-testid={`public-handling-${r.round}`}>
              <h3>
                {handlingReports.length > 1 ? `第 ${r.round} 次报告` : "人民政府研究处理情况报告"}（{formatDate(r.submittedOn)} 报送 · {r.statusLabel}）
              </h3>
              <RichTextView html={r.bodyHtml} />
              {r.review ? (
                <>
                  <h4>常委会审议意见（{r.review.sessionName}，{formatDate(r.review.reviewedOn)}）</h4>
                  <RichTextView html={r.review.opinionHtml} />
                  {r.review.resolution ? (
                    <>
                      <h4>决议</h4>
                      <p className="rs-pre">{r.review.resolution}</p>
                    </>
                  ) : null}
                </>
              ) : null}
            </section>
          ))}
        </div>
      ) : null}
    </section>
  );
}
