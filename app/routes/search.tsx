import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useLocation } from "@remix-run/react";
import { z } from "zod";
import { requireUser } from "~/auth/session.server";
import { Pagination } from "~/components/forms";
import { getDb } from "~/db.server";
import { SEARCH_KIND_LABELS } from "~/search/labels";
import { ORGANIZATION_KIND_LABELS } from "~/labels";
import { parseSearchQuery, search, searchOrganizations } from "~/search/search.server";
import { pageFrom } from "~/utils/paging";
import { formatDate } from "~/utils/time";
import { idField } from "~/utils/ids";

export const meta: MetaFunction = () => [{ title: "搜索 · 询问" }];

const PAGE_SIZE = 20;
const FilterSchema = z.object({
  q: z.string().max(200).optional().catch(undefined),
  kind: z.enum(Object.keys(SEARCH_KIND_LABELS) as [string, ...string[]]).optional().catch(undefined),
  inquiry: idField().optional().catch(undefined),
  year: z.coerce.number().int().min(1990).max(2100).optional().catch(undefined),
  org: z.coerce.number().int().positive().optional().catch(undefined),
});

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const url = new URL(request.url);
  const filter = FilterSchema.parse(Object.fromEntries(url.searchParams));
  const page = pageFrom(url);
  const organizations = await searchOrganizations(getDb());
  if (!filter.q?.trim()) return { filter, page, organizations, error: null, result: null };
  const parsed = parseSearchQuery(filter.q);
  if (!parsed.ok) return { filter, page, organizations, error: parsed.message, result: null };
  const result = await search(getDb(), user, parsed, {
    kind: filter.kind,
    inquiryId: filter.inquiry,
    year: filter.year,
    organizationId: filter.org,
    page,
    pageSize: PAGE_SIZE,
  });
  return { filter, page, organizations, error: null, result };
}

export default function SearchPage() {
  const { filter, page, organizations, error, result } = useLoaderData<typeof loader>();
  const kinds = [...new Set(organizations.map((o) => o.kind))];
  const location = useLocation();
  const withKind = (kind: string | null) => {
    const params = new URLSearchParams(location.search);
    params.delete("page");
    if (kind) params.set("kind", kind);
    else params.delete("kind");
    return `?${params.toString()}`;
  };
  return (
    <section>
      <h1>搜索</h1>
      <Form method="get" className="filters card" role="search">
        <div className="field" style={{ flex: 1, minWidth: 260 }}>
          <label className="field-label" htmlFor="q">关键词</label>
          <input id="q" name="q" type="search" defaultValue={filter.q ?? ""} maxLength={100} aria-invalid={error ? true : undefined} aria-describedby={error ? "q-error" : undefined} />
          <p className="field-hint">两个字起即可检索，全角与半角、大小写视为相同；多个词用空格分开表示同时包含；用英文引号 "…" 检索完整短语；可检索人名和单位名称</p>
          {error ? <p id="q-error" className="field-error">{error}</p> : null}
        </div>
        <div className="field">
          <label className="field-label" htmlFor="year">年份</label>
          <input id="year" name="year" type="number" min={1990} max={2100} defaultValue={filter.year ?? ""} style={{ width: "7em" }} />
        </div>
        <div className="field">
          <label className="field-label" htmlFor="org">单位</label>
          <select id="org" name="org" defaultValue={filter.org ? String(filter.org) : ""}>
            <option value="">全部单位</option>
            {kinds.map((kind) => (
              <optgroup key={kind} label={ORGANIZATION_KIND_LABELS[kind]}>
                {organizations.filter((o) => o.kind === kind).map((o) => (
                  <option key={o.id} value={o.id}>{o.name}</option>
                ))}
              </optgroup>
            ))}
          </select>
        </div>
        {filter.kind ? <input type="hidden" name="kind" value={filter.kind} /> : null}
        {filter.inquiry ? <input type="hidden" name="inquiry" value={filter.inquiry} /> : null}
        <button type="submit">搜索</button>
      </Form>
      {result ? (
        <>
          <nav className="search-kinds" aria-label="按类别筛选">
            <Link to={withKind(null)} aria-current={!filter.kind ? "true" : undefined}>全部</Link>
            {Object.entries(result.byKind).map(([kind, n]) => (
              <Link key={kind} to={withKind(kind)} aria-current={filter.kind === kind ? "true" : undefined}>
                {SEARCH_KIND_LABELS[kind] ?? kind}（{n}{result.capped.includes(kind) ? "+" : ""}）
              </Link>
            ))}
          </nav>
          <p className="muted" data-testid="search-total">
            {result.totalIsCapped ? `共找到超过 ${result.total} 条结果` : `共找到 ${result.total} 条结果`}
          </p>
          {result.total > 0 ? (
            <p className="muted" data-testid="search-order">
              {result.ordering === "kind_and_time" ? `结果较多，按类别（询问、问答在前）和时间由近及远排列${result.totalIsCapped ? `，每类列出最近的 ${result.byKind[result.capped[0]]} 条` : ""}；增加关键词或按类别、年份筛选后按相关度排列。` : "按相关度排列。"}
            </p>
          ) : null}
          <ol className="search-results">
            {result.hits.map((hit) => (
              <li key={`${hit.kind}-${hit.recordId}`} data-kind={hit.kind}>
                <div>
                  <span className="badge">{hit.kindLabel}</span> <Link to={hit.href}>{hit.title}</Link>
                </div>
                <p className="snippet">
                  {hit.snippet.map((part, i) => (part.mark ? <mark key={i}>{part.text}</mark> : <span key={i}>{part.text}</span>))}
                </p>
                <div className="muted search-meta">
                  {hit.inquiryTitle ? <span>{hit.inquiryTitle}</span> : null}
                  {hit.at ? <span>{formatDate(hit.at)}</span> : null}
                </div>
              </li>
            ))}
          </ol>
          {result.total === 0 ? <p>没有找到匹配的内容。可以换一个词，或减少关键词的数量。</p> : null}
          <Pagination page={page} pageSize={PAGE_SIZE} total={result.total} search={location.search} />
        </>
      ) : null}
    </section>
  );
}
