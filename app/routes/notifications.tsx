import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useLocation } from "@remix-run/react";
import { z } from "zod";
import { actorOf, requireUser } from "~/auth/session.server";
import { Pagination } from "~/components/forms";
import { getDb } from "~/db.server";
import { listNotifications, markRead } from "~/notifications/notifications.server";
import { readFormData } from "~/utils/forms.server";
import { pageFrom } from "~/utils/paging";
import { formatDatesInText, formatDateTime } from "~/utils/time";
import { redirectWithToast } from "~/utils/toast.server";
import { idField } from "~/utils/ids";

export const meta: MetaFunction = () => [{ title: "通知 · 询问" }];
const PAGE_SIZE = 30;

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const url = new URL(request.url);
  const unreadOnly = url.searchParams.get("unread") === "1";
  const page = pageFrom(url);
  const { rows, total } = await listNotifications(getDb(), user.id, { unreadOnly, page, pageSize: PAGE_SIZE });
  return { rows, total, page, unreadOnly };
}

const ActionSchema = z.object({ id: z.union([z.literal("all"), idField()]) });

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const parsed = ActionSchema.safeParse(Object.fromEntries(await readFormData(request, 4096)));
  if (!parsed.success) return redirectWithToast("/notifications", "请求无效");
  const id = parsed.data.id === "all" ? null : parsed.data.id;
  const changed = await markRead(getDb(), { ...actorOf(user, context), id: user.id }, id);
  return redirectWithToast("/notifications", id === null ? `已将 ${changed} 条通知标为已读` : "已标为已读");
}

export default function Notifications() {
  const { rows, total, page, unreadOnly } = useLoaderData<typeof loader>();
  const location = useLocation();
  return (
    <section>
      <div className="page-head">
        <h1>通知</h1>
        <div className="inline-form">
          <Link to={unreadOnly ? "/notifications" : "/notifications?unread=1"}>{unreadOnly ? "显示全部" : "只看未读"}</Link>
          <Form method="post">
            <input type="hidden" name="id" value="all" />
            <button type="submit" className="plain">全部标为已读</button>
          </Form>
        </div>
      </div>
      <ul className="notification-list" data-testid="notifications">
        {rows.map((n) => (
          <li key={n.id} className={n.read_at ? "read" : "unread"}>
            <div>
              {n.read_at ? null : <span className="badge warn">未读</span>} {n.link ? <Link to={n.link}>{formatDatesInText(n.title)}</Link> : formatDatesInText(n.title)}
            </div>
            <div className="muted notification-meta">
              {formatDateTime(n.created_at)}
              {n.read_at ? null : (
                <Form method="post" className="inline-form">
                  <input type="hidden" name="id" value={n.id} />
                  <button type="submit" className="link-button">标为已读</button>
                </Form>
              )}
            </div>
          </li>
        ))}
        {rows.length === 0 ? <li className="muted">暂无通知</li> : null}
      </ul>
      <Pagination page={page} pageSize={PAGE_SIZE} total={total} search={location.search} />
    </section>
  );
}
