import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useLocation } from "@remix-run/react";
import { z } from "zod";
import type { InquiryStage } from "../../db/schema";
import { Pagination } from "~/components/forms";
import { getDb } from "~/db.server";
import { inquiryYears, listInquiries } from "~/inquiries/inquiries.server";
import { PLAN_STATUS_LABELS, STAGE_LABELS, STAGES } from "~/labels";
import { can, requirePermission, readableInquiries } from "~/policy.server";
import { pageFrom } from "~/utils/paging";
import { formatDate } from "~/utils/time";

export const meta: MetaFunction = () => [{ title: "专题询问 · 询问" }];

const PAGE_SIZE = 20;
const FilterSchema = z.object({
  stage: z
    .enum(STAGES.map((s) => s.key) as [InquiryStage, ...InquiryStage[]])
    .optional()
    .catch(undefined),
  year: z.coerce.number().int().min(1949).max(2100).optional().catch(undefined),
});

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "inquiry:list");
  const url = new URL(request.url);
  const filter = FilterSchema.parse({
    stage: url.searchParams.get("stage") || undefined,
    year: url.searchParams.get("year") || undefined,
  });
  const page = pageFrom(url);
  const db = getDb();
  const [{ rows, total }, years] = await Promise.all([
    listInquiries(db, { stage: filter.stage, year: filter.year, page, pageSize: PAGE_SIZE, scope: readableInquiries(user) }),
    inquiryYears(db),
  ]);
  return { inquiries: rows, total, page, filter, years, canManage: can(user, "inquiry:manage") };
}

export default function Inquiries() {
  const { inquiries, total, page, filter, years, canManage } = useLoaderData<typeof loader>();
  const location = useLocation();
  const filtered = Boolean(filter.stage || filter.year);
  return (
    <section>
      <div className="page-head">
        <h1>专题询问</h1>
        {canManage ? (
          <Link className="button" to="/inquiries/new">
            新建专题询问
          </Link>
        ) : null}
      </div>
      {/* keyed by the query: a link to other filters (清除筛选) remounts the fields with the values it names */}
      <Form method="get" className="filters card" aria-label="筛选专题询问" key={location.search}>
        <div className="field">
          <label className="field-label" htmlFor="filter-stage">
            所处阶段
          </label>
          <select id="filter-stage" name="stage" defaultValue={filter.stage ?? ""}>
            <option value="">全部</option>
            {STAGES.map((s) => (
              <option key={s.key} value={s.key}>
                {s.label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label className="field-label" htmlFor="filter-year">
            询问会年度
          </label>
          <select id="filter-year" name="year" defaultValue={filter.year ?? ""}>
            <option value="">全部</option>
            {years.map((y) => (
              <option key={y} value={y}>
                {y}年
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="plain">
          筛选
        </button>
        {filtered ? <Link to="/inquiries">清除筛选</Link> : null}
      </Form>
      <table className="data" data-testid="inquiry-list">
        <thead>
          <tr>
            <th>名称</th>
            <th>所处阶段</th>
            <th>询问会日期</th>
            <th>组织单位</th>
            <th>工作方案</th>
          </tr>
        </thead>
        <tbody>
          {inquiries.map((i) => (
            <tr key={i.id}>
              <td>
                <Link to={`/inquiries/${i.id}`}>{i.title}</Link>
                <div className="muted inq-sub">{i.congress}</div>
              </td>
              <td>
                <span className={`badge inq-stage inq-stage-${i.stage}`}>{STAGE_LABELS[i.stage]}</span>
              </td>
              <td>{i.meeting_date ? formatDate(i.meeting_date) : <span className="muted">未定</span>}</td>
              <td>{i.organizing_body || "—"}</td>
              <td>
                <PlanBadge status={i.plan_status} />
              </td>
            </tr>
          ))}
          {inquiries.length === 0 ? (
            <tr>
              <td colSpan={5} className="muted">
                {filtered ? "没有符合条件的专题询问" : "尚无专题询问"}
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>
      <Pagination page={page} pageSize={PAGE_SIZE} total={total} search={location.search} />
    </section>
  );
}

function PlanBadge({ status }: { status: keyof typeof PLAN_STATUS_LABELS }) {
  const cls = status === "approved" ? "ok" : status === "rejected" ? "bad" : status === "submitted" ? "warn" : "";
  return <span className={`badge ${cls}`}>{PLAN_STATUS_LABELS[status]}</span>;
}
