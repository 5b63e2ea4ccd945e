import { PiiNotice } from "~/insight/PiiNotice";
import { publicationHits } from "~/insight/pii.server";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useLocation, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { actorOf, requireUser } from "~/auth/session.server";
import { FormError, Pagination, TextField, type FormFeedback } from "~/components/forms";
import { PrintButton } from "~/components/icons";
import { InquiryNav } from "~/components/PageNav";
import { getDb } from "~/db.server";
import { getInquiry } from "~/inquiries/inquiries.server";
import { canIssueLetters, canManageRectification, canReadInquiry, forbidden, notFound } from "~/policy.server";
import { ItemLightBadge, ItemStatusBadge, ProgressBar } from "~/rectification/components";
import { ITEM_STATUSES, ITEM_STATUS_LABELS, LIGHT_FILTERS, LIGHT_FILTER_LABELS, lightRuleText } from "~/rectification/labels";
import { WAITING_FILTER_LABELS, WAITING_FILTERS } from "~/rectification/labels";
import { ledgerPageData } from "~/rectification/ledger.server";
import { setRectificationPublic } from "~/rectification/closing.server";
import { setWarningDays } from "~/rectification/status.server";
import { parseForm, readFormData } from "~/utils/forms.server";
import { PublicSchema, WarningDaysSchema } from "~/rectification/forms.server";
import { pageFrom } from "~/utils/paging";
import { formatDate } from "~/utils/time";
import { redirectWithToast } from "~/utils/toast.server";
import { idField } from "~/utils/ids";

/**
 * 整改台账 of one inquiry: progress (closed / total), items per lead department by status and light, the
 * ledger with filters (department, status, light) and paging; staff add, import and export items, set the
 * warning days and publish the rectification status.
 */
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `整改台账 · ${data?.inquiry.title ?? "专题询问"} · 询问` }];

const IdSchema = idField();
const PAGE_SIZE = 20;
/** The print view (?print=all) lists every row of the filter on one page, up to this many (a ledger is far smaller). */
const PRINT_ALL_MAX = 2000;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const id = IdSchema.safeParse(params.id);
  if (!canReadInquiry(user, id.data ?? 0)) forbidden("整改台账仅供人大工作人员和委员查阅；应询部门请在“我的待办”中查看本单位的整改事项。");
  if (!id.success) notFound("该专题询问不存在");
  const db = getDb();
  const inquiry = await getInquiry(db, id.data);
  if (!inquiry) notFound("该专题询问不存在");
  const url = new URL(request.url);
  // ?print=all: the whole ledger (of the filter) on one page, for 打印 (the screen pages it by 20)
  const printAll = url.searchParams.get("print") === "all";
  const page = printAll ? 1 : pageFrom(url);
  const pageSize = printAll ? PRINT_ALL_MAX : PAGE_SIZE;
  const { filter, summary, ledger, departments, pendingExtensions } = await ledgerPageData(db, inquiry.id, url, page, pageSize);
  const piiHits = canManageRectification(user) ? await publicationHits(db, inquiry.id, "rectification") : [];
  return {
    pii: { open: piiHits.filter((h) => h.decision === null).length, total: piiHits.length },
    inquiry: { id: inquiry.id, title: inquiry.title, version: inquiry.version, stage: inquiry.stage, rectification_public: inquiry.rectification_public === 1 },
    summary,
    pendingExtensions,
    filter,
    page,
    printAll,
    pageSize,
    total: ledger.total,
    rows: ledger.rows.map((r) => ({
      id: r.id,
      number: r.number,
      problem: r.problem,
      lead_name: r.lead_name,
      codepartments: r.codepartments.map((c) => c.name),
      deadline: r.deadline,
      original_deadline: r.original_deadline,
      status: r.status,
      pending_extension: r.pending_extension,
      light: r.light,
      daysLeft: r.daysLeft,
      dayUnit: r.dayUnit,
      source_type: r.source_type,
      latest_progress: r.latest_progress ? { text: r.latest_progress.text.slice(0, 120), created_at: r.latest_progress.created_at } : null,
    })),
    departments: departments.map((d) => ({ id: d.id, name: d.name })),
    canManage: canManageRectification(user),
    canLetters: canIssueLetters(user, inquiry),
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  if (!canManageRectification(user)) forbidden("只有人大工作人员可以调整整改台账设置。");
  const id = IdSchema.safeParse(params.id);
  if (!id.success) notFound("该专题询问不存在");
  const db = getDb();
  const inquiry = await getInquiry(db, id.data);
  if (!inquiry) notFound("该专题询问不存在");
  const formData = await readFormData(request, 16 * 1024);
  const intent = String(formData.get("intent") ?? "");
  const actor = actorOf(user, context);
  const refuse = (fieldErrors: Record<string, string[]>, values: Record<string, string>) => data({ intent, fieldErrors, values }, { status: 400 });
  const here = `/inquiries/${inquiry.id}/rectification`;
  if (intent === "warning_days") {
    const parsed = parseForm(formData, WarningDaysSchema);
    if (!parsed.ok) return refuse(parsed.fieldErrors, parsed.values);
    const result = await setWarningDays(db, actor, parsed.data.warningDays);
    if (!result.ok) return refuse({ [result.field]: [result.message] }, parsed.values);
    return redirectWithToast(here, `预警天数已设为 ${parsed.data.warningDays} 天`);
  }
  if (intent === "public") {
    const parsed = parseForm(formData, PublicSchema);
    if (!parsed.ok) return refuse({ _form: ["请求无效，请刷新页面后重试"] }, {});
    const result = await setRectificationPublic(db, actor, { inquiryId: inquiry.id, version: parsed.data.version, isPublic: parsed.data.public === "1" });
    if (!result.ok) return refuse({ _form: [result.message] }, {});
    return redirectWithToast(here, parsed.data.public === "1" ? "整改情况已向社会公开" : "已取消公开整改情况");
  }
  return refuse({ _form: ["未知的操作，请刷新页面后重试"] }, {});
}

export default function LedgerPage() {
  const { inquiry, summary, pendingExtensions, filter, page, printAll, pageSize, total, rows, departments, canManage, canLetters, pii } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const location = useLocation();
  const busy = navigation.state === "submitting";
  const feedbackFor = (intent: string): FormFeedback | undefined => (result?.intent === intent ? result : undefined);
  const filtered = Boolean(filter.departmentId || filter.status || filter.light || filter.waiting);
  const exportHref = `/inquiries/${inquiry.id}/rectification.xlsx${location.search ? location.search.replace(/([?&])page=\d+&?/, "$1") : ""}`;
  const closed = inquiry.stage === "closed";
  return (
    <section className="rs-page rect-page print-ledger">
      <InquiryNav inquiry={inquiry} tab="rectification" />
      <div className="page-head">
        <div>
          <p className="print-only">{inquiry.title}</p>
          <h1>整改台账</h1>
        </div>
        <div className="rect-head-actions no-print">
          <PrintButton />
          {total > rows.length && !printAll ? (
            <Link className="button secondary" to={`?${printAllSearch(location.search)}`} data-testid="print-all">打印整个台账（{total} 项）</Link>
          ) : null}
          {canManage && !closed ? (
            <>
              <Link className="button" to={`/inquiries/${inquiry.id}/rectification/new`}>新增整改事项</Link>
              <Link className="button secondary" to={`/inquiries/${inquiry.id}/rectification/import`}>批量导入</Link>
              <Link className="button secondary" to={`/inquiries/${inquiry.id}/rectification/plan`}>从行动计划导入</Link>
            </>
          ) : null}
          <a className="button secondary" href={exportHref} download>导出 Excel</a>
          <Link to={`/inquiries/${inquiry.id}/handling-report`}>研究处理情况报告</Link>
          <Link to={`/calendar?inquiry=${inquiry.id}`}>期限日历</Link>
          {canLetters ? <Link to={`/inquiries/${inquiry.id}/letters`}>公文</Link> : null}
          <Link to={`/inquiries/${inquiry.id}/accountability`}>问责措施</Link>
          {canManage ? <Link to={`/inquiries/${inquiry.id}/close`}>{closed ? "办结记录" : "办结"}</Link> : null}
        </div>
      </div>
      {closed ? <p className="inq-notice">该专题询问已办结，整改台账仅供查阅。</p> : null}

      <div className="card">
        <h2 className="rs-card-title">整改进度</h2>
        <ProgressBar closed={summary.closed} total={summary.total} carriedOver={summary.carriedOver} />
        <ul className="rs-summary" aria-label="整改事项概况">
          {ITEM_STATUSES.map((s) => (
            <li key={s}>
              <strong>{summary.byStatus[s]}</strong> {ITEM_STATUS_LABELS[s]}
            </li>
          ))}
          <li className={summary.byLight.red ? "rs-sum-bad" : ""} data-testid="count-red"><strong>{summary.byLight.red}</strong> 红灯</li>
          <li className={summary.byLight.yellow ? "rs-sum-warn" : ""}><strong>{summary.byLight.yellow}</strong> 黄灯</li>
          <li><strong>{summary.byLight.green}</strong> 绿灯</li>
        </ul>
        <p className="muted rs-small">{lightRuleText(summary.warningDays)}</p>
        {canManage && (summary.byStatus.closure_requested || pendingExtensions) ? (
          <p className="rect-attention" role="status">
            待人大工作人员办理：
            {summary.byStatus.closure_requested ? <Link to="?status=closure_requested">销号申请 {summary.byStatus.closure_requested} 项</Link> : null}
            {summary.byStatus.closure_requested && pendingExtensions ? "，" : null}
            {pendingExtensions ? <Link to="?waiting=extension">延期申请 {pendingExtensions} 项</Link> : null}
          </p>
        ) : null}
      </div>

      {summary.departments.length ? (
        <>
          <h2>各单位整改情况</h2>
          <div className="rect-scroll">
            <table className="data rect-dept-table" data-testid="department-summary">
              <thead>
                <tr>
                  <th rowSpan={2}>单位</th>
                  <th rowSpan={2}>牵头事项</th>
                  <th colSpan={5}>按状态（牵头）</th>
                  <th colSpan={3}>按期限（牵头）</th>
                  <th rowSpan={2}>配合事项</th>
                </tr>
                <tr>
                  {ITEM_STATUSES.map((s) => <th key={s}>{ITEM_STATUS_LABELS[s]}</th>)}
                  <th>红</th>
                  <th>黄</th>
                  <th>绿</th>
                </tr>
              </thead>
              <tbody>
                {summary.departments.map((d) => (
                  <tr key={d.id}>
                    <td><Link to={`?department=${d.id}`}>{d.name}</Link></td>
                    <td>{d.lead}</td>
                    {ITEM_STATUSES.map((s) => <td key={s}>{d.byStatus[s] || ""}</td>)}
                    <td className={d.byLight.red ? "rect-cell-red" : ""}>{d.byLight.red || ""}</td>
                    <td className={d.byLight.yellow ? "rect-cell-yellow" : ""}>{d.byLight.yellow || ""}</td>
                    <td>{d.byLight.green || ""}</td>
                    <td>{d.co || ""}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}

      <h2>整改事项</h2>
      {/* keyed by the query: a link to other filters (清除筛选, a department, the waiting requests) remounts the fields with its values */}
      <Form method="get" className="filters no-print" aria-label="筛选整改事项" key={location.search}>
        <div className="field">
          <label htmlFor="filter-department" className="field-label">单位（牵头或配合）</label>
          <select id="filter-department" name="department" defaultValue={filter.departmentId ?? ""}>
            <option value="">全部单位</option>
            {departments.map((d) => <option key={d.id} value={d.id}>{d.name}</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor="filter-status" className="field-label">状态</label>
          <select id="filter-status" name="status" defaultValue={filter.status ?? ""}>
            <option value="">全部状态</option>
            {ITEM_STATUSES.map((s) => <option key={s} value={s}>{ITEM_STATUS_LABELS[s]}</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor="filter-light" className="field-label">期限</label>
          <select id="filter-light" name="light" defaultValue={filter.light ?? ""}>
            <option value="">全部</option>
            {LIGHT_FILTERS.map((l) => <option key={l} value={l}>{LIGHT_FILTER_LABELS[l]}</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor="filter-waiting" className="field-label">待办理</label>
          <select id="filter-waiting" name="waiting" defaultValue={filter.waiting ?? ""}>
            <option value="">全部</option>
            {WAITING_FILTERS.map((w) => <option key={w} value={w}>{WAITING_FILTER_LABELS[w]}</option>)}
          </select>
        </div>
        <button type="submit" className="secondary">筛选</button>
        {filtered ? <Link to={`/inquiries/${inquiry.id}/rectification`}>清除筛选</Link> : null}
      </Form>

      {rows.length === 0 ? (
        <div className="card rs-empty">
          <p>{filtered ? "没有符合条件的整改事项。" : "尚未交办整改事项。"}</p>
          {canManage && !filtered && !closed ? <p className="muted rs-small">可从询问会问答或调研问题线索转为整改事项，也可批量导入。</p> : null}
        </div>
      ) : (
        <table className="data rs-table rect-ledger stack" data-testid="ledger">
          <thead>
            <tr>
              <th style={{ width: "4em" }}>序号</th>
              <th>问题</th>
              <th style={{ width: "14em" }}>牵头单位 / 配合单位</th>
              <th style={{ width: "10em" }}>整改时限</th>
              <th style={{ width: "9em" }}>期限</th>
              <th style={{ width: "8em" }}>状态</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id} className={`rs-light-${r.light}`} data-testid={`ledger-item-${r.number}`}>
                <td data-label="序号">{r.number}</td>
                <td className="stack-title">
                  <Link to={`/rectification/${r.id}`}>{r.problem.length > 80 ? `${r.problem.slice(0, 80)}…` : r.problem}</Link>
                  {r.latest_progress ? <div className="muted rs-small">最新进展：{r.latest_progress.text}</div> : null}
                </td>
                <td data-label="牵头单位">
                  {r.lead_name}
                  {r.codepartments.length ? <div className="muted rs-small">配合：{r.codepartments.join("、")}</div> : null}
                </td>
                <td data-label="整改时限">
                  {formatDate(r.deadline)}
                  {r.deadline !== r.original_deadline ? <div className="muted rs-small">原定 {formatDate(r.original_deadline)}</div> : null}
                </td>
                <td data-label="期限"><ItemLightBadge light={r.light} daysLeft={r.daysLeft} dayUnit={r.dayUnit} /></td>
                <td data-label="状态">
                  <ItemStatusBadge status={r.status} />
                  {r.pending_extension ? <div><span className="badge warn" data-testid="pending-extension">延期申请待审批</span></div> : null}
                  {r.status === "closure_requested" ? <div><span className="badge warn" data-testid="pending-closure">待审核销号</span></div> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="no-print">
        <Pagination page={page} pageSize={pageSize} total={total} search={location.search} />
      </div>

      {canManage ? (
        <div className="grid-2 no-print rect-settings">
          <div className="card">
            <h2 className="rs-card-title">期限预警</h2>
            <Form method="post" noValidate>
              <FormError feedback={feedbackFor("warning_days")} />
              <input type="hidden" name="intent" value="warning_days" />
              <TextField
                name="warningDays"
                label="距整改时限多少天内显示黄灯"
                type="number"
                feedback={feedbackFor("warning_days")}
                defaultValue={summary.warningDays}
                required
                hint="按自然日（日历日）计算，适用于全部专题询问的整改事项；默认 15 天。"
              />
              <button type="submit" className="secondary" disabled={busy}>保存</button>
            </Form>
          </div>
          <div className="card">
            <h2 className="rs-card-title">向社会公开整改情况</h2>
            <FormError feedback={feedbackFor("public")} />
            <p className="rs-small">
              当前：<strong data-testid="public-state">{inquiry.rectification_public ? "已公开" : "未公开"}</strong>。公开后，公众无需登录即可查看各整改事项的责任单位、整改要求、时限、状态和销号日期，以及逾期事项；不公开任何个人信息。
            </p>
            <PiiNotice inquiryId={inquiry.id} scope="rectification" open={pii.open} total={pii.total} />
            <Form method="post">
              <input type="hidden" name="intent" value="public" />
              <input type="hidden" name="version" value={inquiry.version} />
              <input type="hidden" name="public" value={inquiry.rectification_public ? "0" : "1"} />
              <button type="submit" className="secondary" disabled={busy}>{inquiry.rectification_public ? "取消公开" : "向社会公开"}</button>
            </Form>
          </div>
        </div>
      ) : null}
    </section>
  );
}

/** The current filter's query with the page dropped and print=all set. */
function printAllSearch(search: string): string {
  const params = new URLSearchParams(search);
  params.delete("page");
  params.set("print", "all");
  return params.toString();
}
