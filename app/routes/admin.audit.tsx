import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useLoaderData, useLocation } from "@remix-run/react";
import { z } from "zod";
import { userChoices } from "~/admin/users.server";
import { listAudit } from "~/audit.server";
import { ENTITY_LABELS } from "~/labels";
import { Pagination } from "~/components/forms";
import { getDb } from "~/db.server";
import { requirePermission } from "~/policy.server";
import { pageFrom } from "~/utils/paging";
import { formatDatesInText, formatDateTime, isCalendarDate, shanghaiDayStartIso } from "~/utils/time";
import { idField } from "~/utils/ids";

export const meta: MetaFunction = () => [{ title: "审计日志 · 询问" }];

const PAGE_SIZE = 50;
const date = z.string().refine(isCalendarDate).optional().catch(undefined);
const FilterSchema = z.object({
  actorId: idField().optional().catch(undefined),
  entityType: z.string().max(40).optional().catch(undefined),
  from: date,
  to: date,
});

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, "admin:audit");
  const url = new URL(request.url);
  const filter = FilterSchema.parse(Object.fromEntries(url.searchParams));
  const page = pageFrom(url);
  const db = getDb();
  const nextDay = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  const { rows, total } = await listAudit(db, {
    actorId: filter.actorId,
    entityType: filter.entityType || undefined,
    from: filter.from ? shanghaiDayStartIso(filter.from) : undefined,
    to: filter.to ? shanghaiDayStartIso(nextDay(filter.to)) : undefined,
    page,
    pageSize: PAGE_SIZE,
  });
  const users = await userChoices(db);
  return { rows, total, page, filter, users };
}

function pretty(json: string | null): string {
  if (!json) return "";
  try {
    return JSON.stringify(JSON.parse(json), null, 1);
  } catch {
    return json;
  }
}

export default function AdminAudit() {
  const { rows, total, page, filter, users } = useLoaderData<typeof loader>();
  const location = useLocation();
  return (
    <section>
      <h1>审计日志</h1>
      <Form method="get" className="filters card">
        <div className="field">
          <label className="field-label" htmlFor="actorId">操作人</label>
          <select id="actorId" name="actorId" defaultValue={filter.actorId ?? ""}>
            <option value="">全部</option>
            {users.map((u) => (
              <option key={u.id} value={u.id}>{u.display_name}（{u.username}）</option>
            ))}
          </select>
        </div>
        <div className="field">
          <label className="field-label" htmlFor="entityType">对象</label>
          <select id="entityType" name="entityType" defaultValue={filter.entityType ?? ""}>
            <option value="">全部</option>
            {Object.entries(ENTITY_LABELS).map(([k, v]) => (
              <option key={k} value={k}>{v}</option>
            ))}
          </select>
        </div>
        <div className="field">
          <label className="field-label" htmlFor="from">起始日期</label>
          <input id="from" name="from" type="date" defaultValue={filter.from ?? ""} />
        </div>
        <div className="field">
          <label className="field-label" htmlFor="to">截止日期</label>
          <input id="to" name="to" type="date" defaultValue={filter.to ?? ""} />
        </div>
        <button type="submit" className="plain">筛选</button>
      </Form>
      <table className="data" data-testid="audit-table">
        <thead>
          <tr>
            <th style={{ width: "11em" }}>时间</th>
            <th>操作人</th>
            <th>对象</th>
            <th>内容</th>
            <th>变更前</th>
            <th>变更后</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id}>
              <td>{formatDateTime(r.at)}</td>
              <td>
                {r.actor_label}
                {r.ip ? <div className="muted" style={{ fontSize: 12 }}>{r.ip}</div> : null}
              </td>
              <td>
                {ENTITY_LABELS[r.entity_type] ?? r.entity_type}
                {r.entity_id ? ` #${r.entity_id}` : ""}
              </td>
              <td>{formatDatesInText(r.summary)}</td>
              <td>{r.before_json ? <pre className="json" tabIndex={0}>{pretty(r.before_json)}</pre> : null}</td>
              <td>{r.after_json ? <pre className="json" tabIndex={0}>{pretty(r.after_json)}</pre> : null}</td>
            </tr>
          ))}
          {rows.length === 0 ? (
            <tr><td colSpan={6} className="muted">没有符合条件的记录</td></tr>
          ) : null}
        </tbody>
      </table>
      <Pagination page={page} pageSize={PAGE_SIZE} total={total} search={location.search} />
    </section>
  );
}
