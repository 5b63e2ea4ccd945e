import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { getOrganization } from "~/admin/organizations.server";
import { requireUser } from "~/auth/session.server";
import { getDb } from "~/db.server";
import { RecurringGroups } from "~/insight/RecurringGroups";
import { recurringProblems, toGroupView } from "~/insight/recurring.server";
import { canReadDepartmentProblems, forbidden, notFound } from "~/policy.server";
import { idField } from "~/utils/ids";
import { todayInShanghai } from "~/utils/time";

/**
 * One department's recurring problems: the groups of problems it was asked about or had to rectify in two or more
 * inquiries, with the outcome of each. Staff and members; the department itself (another department: 403).
 */
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.organization.name ?? "部门"} · 反复出现的问题 · 询问` }];

const OrgId = idField();

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const id = OrgId.safeParse(params.orgId);
  if (!id.success) notFound("该部门不存在");
  if (!canReadDepartmentProblems(user, id.data)) forbidden("应询部门只能查看本单位反复出现的问题。");
  const db = getDb();
  const found = await getOrganization(db, id.data);
  if (!found) notFound("该部门不存在");
  const organization = { id: found.id, name: found.name };
  const result = await recurringProblems(db, user, { departmentId: organization.id }, todayInShanghai());
  const mine = result.departments.find((d) => d.id === organization.id) ?? null;
  return { organization, summary: mine, groups: result.groups.map(toGroupView) };
}

export default function DepartmentRecurring() {
  const d = useLoaderData<typeof loader>();
  return (
    <section className="in-page">
      <p className="rs-crumbs">
        <Link to="/insight/recurring">反复出现的问题</Link> › {d.organization.name}
      </p>
      <div className="page-head">
        <h1>{d.organization.name}：反复出现的问题</h1>
      </div>
      <p data-testid="department-recurring-summary">
        {d.summary
          ? `在两次及以上专题询问中被提出的问题 ${d.summary.groups} 组，共提出 ${d.summary.raised} 次；本单位尚未销号 ${d.summary.open} 项，其中逾期 ${d.summary.overdue} 项。`
          : "暂未发现本单位在两次及以上专题询问中被反复提出的问题。"}
      </p>
      <RecurringGroups groups={d.groups} canManage={false} busy={false} />
    </section>
  );
}
