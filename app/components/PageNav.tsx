import { Link, useRouteLoaderData } from "@remix-run/react";

/**
 * The one navigation pattern of the app (docs/decisions/0110-one-navigation-pattern.md):
 * - a breadcrumb trail "专题询问 › {询问} › {环节} › {页}" (or "我的待办 › …" for departments and counties, who
 *   reach an inquiry's pages from their inbox), in a <nav aria-label="面包屑">, never printed;
 * - under it, on every /inquiries/:id page, the same tab bar of the inquiry's stages for the people who may read
 *   the whole inquiry (staff, administrators, the inquiry's members — policy.server.ts readableInquiries).
 */

export interface Crumb {
  label: string;
  to?: string;
}

export function Breadcrumbs({ items }: { items: Crumb[] }) {
  return (
    <nav className="crumbs no-print" aria-label="面包屑" data-testid="breadcrumbs">
      <ol>
        {items.map((c, i) => (
          <li key={`${i}-${c.label}`} aria-current={i === items.length - 1 && !c.to ? "page" : undefined}>
            {c.to ? <Link to={c.to}>{c.label}</Link> : c.label}
          </li>
        ))}
      </ol>
    </nav>
  );
}

/** The tabs of one inquiry, in the order of its lifecycle (DESIGN.md §1); labels are the glossary's terms. */
export const INQUIRY_TABS = [
  { key: "overview", label: "概况", path: "" },
  { key: "plan", label: "工作方案", path: "/plan" },
  { key: "research", label: "会前调研", path: "/research" },
  { key: "surveys", label: "委托调研", path: "/surveys" },
  { key: "outline", label: "询问提纲", path: "/outline" },
  { key: "meeting", label: "询问会", path: "/meeting" },
  { key: "digest", label: "摘要", path: "/digest" },
  { key: "rectification", label: "整改台账", path: "/rectification" },
  { key: "handling-report", label: "处理情况报告", path: "/handling-report" },
  { key: "close", label: "办结", path: "/close" },
] as const;

export type InquiryTab = (typeof INQUIRY_TABS)[number]["key"];

interface RootNavData {
  user: { inquiryScope: "all" | number[] } | null;
}

/** Whether the signed-in user reads this inquiry as a whole (tabs, "专题询问 ›" crumbs) or through the inbox. */
export function useReadsWholeInquiry(inquiryId: number): boolean {
  const root = useRouteLoaderData("root") as RootNavData | undefined;
  const scope = root?.user?.inquiryScope;
  return scope === "all" || (Array.isArray(scope) && scope.includes(inquiryId));
}

/**
 * The head of every /inquiries/:id page: breadcrumb and stage tabs. `tab` marks the stage tab; `trail` the
 * pages below it ("版本记录", or a link back to the stage page followed by this page's name).
 * For departments, counties and the government liaison the crumb starts at 我的待办 and no tabs are shown:
 * they may open only the pages of their own work.
 */
export function InquiryNav({ inquiry, tab, trail = [] }: { inquiry: { id: number; title: string }; tab: InquiryTab; trail?: Crumb[] }) {
  const whole = useReadsWholeInquiry(inquiry.id);
  const base = `/inquiries/${inquiry.id}`;
  const current = INQUIRY_TABS.find((t) => t.key === tab)!;
  const crumbs: Crumb[] = whole
    ? [
        { label: "专题询问", to: "/inquiries" },
        { label: inquiry.title, to: tab === "overview" && trail.length === 0 ? undefined : base },
        ...(tab === "overview" ? [] : [{ label: current.label, to: trail.length ? `${base}${current.path}` : undefined }]),
        ...trail,
      ]
    : [{ label: "我的待办", to: "/my" }, { label: inquiry.title }, ...(tab === "overview" ? [] : [{ label: current.label }]), ...trail.map((c) => ({ label: c.label }))];
  return (
    <div className="inquiry-nav no-print">
      <Breadcrumbs items={crumbs} />
      {whole ? (
        <nav className="inquiry-tabs" aria-label="询问环节" data-testid="inquiry-tabs">
          <ul>
            {INQUIRY_TABS.map((t) => (
              <li key={t.key}>
                <Link to={`${base}${t.path}`} className={t.key === tab ? "active" : undefined} aria-current={t.key === tab ? "page" : undefined}>
                  {t.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
      ) : null}
    </div>
  );
}
