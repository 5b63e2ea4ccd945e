import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useLocation } from "@remix-run/react";
import { z } from "zod";
import { listOrganizations } from "~/admin/organizations.server";
import { listUsers } from "~/admin/users.server";
import { ROLE_LABELS, ROLES } from "~/labels";
import { Pagination } from "~/components/forms";
import { getDb } from "~/db.server";
import { requirePermission } from "~/policy.server";
import { pageFrom } from "~/utils/paging";
import { idField } from "~/utils/ids";

export const meta: MetaFunction = () => [{ title: "用户管理 · 询问" }];

const PAGE_SIZE = 30;
const FilterSchema = z.object({
  q: z.string().trim().max(64).optional().catch(undefined),
  role: z.enum(ROLES as [string, ...string[]]).optional().catch(undefined),
  organizationId: idField().optional().catch(undefined),
});

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, "admin:users");
  const url = new URL(request.url);
  const filter = FilterSchema.parse(Object.fromEntries(url.searchParams));
  const page = pageFrom(url);
  const db = getDb();
  const [{ rows, total }, organizations] = await Promise.all([
    listUsers(db, { q: filter.q || undefined, role: filter.role as any, organizationId: filter.organizationId, page, pageSize: PAGE_SIZE }),
    listOrganizations(db, { includeInactive: true }),
  ]);
  return { users: rows, total, page, filter, organizations: organizations.map((o) => ({ id: o.id, name: o.name })) };
}

export default function AdminUsers() {
  const { users, total, page, filter, organizations } = useLoaderData<typeof loader>();
  const location = useLocation();
  return (
    <section>
      <div className="page-head">
        <h1>用户管理</h1>
        <Link className="button" to="/admin/users/new">新建账号</Link>
      </div>
      <Form method="get" className="filters card">
        <div className="field">
          <label className="field-label" htmlFor="q">用户名或姓名</label>
          <input id="q" name="q" defaultValue={filter.q ?? ""} />
        </div>
        <div className="field">
          <label className="field-label" htmlFor="role">角色</label>
          <select id="role" name="role" defaultValue={filter.role ?? ""}>
            <option value="">全部</option>
            {ROLES.map((r) => (
              <option key={r} value={r}>{ROLE_LABELS[r]}</option>
            ))}
          </select>
        </div>
        <div className="field">
          <label className="field-label" htmlFor="organizationId">所属单位</label>
          <select id="organizationId" name="organizationId" defaultValue={filter.organizationId ?? ""}>
            <option value="">全部</option>
            {organizations.map((o) => (
              <option key={o.id} value={o.id}>{o.name}</option>
            ))}
          </select>
        </div>
        <button type="submit" className="plain">筛选</button>
      </Form>
      <table className="data">
        <thead>
          <tr>
            <th>用户名</th>
            <th>姓名</th>
            <th>角色</th>
            <th>所属单位</th>
            <th>职务/身份</th>
            <th>状态</th>
          </tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <tr key={u.id}>
              <td><Link to={`/admin/users/${u.id}`}>{u.username}</Link></td>
              <td>{u.display_name}</td>
              <td>{ROLE_LABELS[u.role]}</td>
              <td>{u.organization_name ?? "—"}</td>
              <td>{u.title || "—"}</td>
              <td>{u.active ? <span className="badge ok">启用</span> : <span className="badge off">停用</span>}</td>
            </tr>
          ))}
          {users.length === 0 ? (
            <tr><td colSpan={6} className="muted">没有符合条件的账号</td></tr>
          ) : null}
        </tbody>
      </table>
      <Pagination page={page} pageSize={PAGE_SIZE} total={total} search={location.search} />
    </section>
  );
}
