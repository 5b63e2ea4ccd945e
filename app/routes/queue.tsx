import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useLocation } from "@remix-run/react";
import { requireUser } from "~/auth/session.server";
import { Pagination } from "~/components/forms";
import { getDb } from "~/db.server";
import { canSeeStaffQueue, forbidden } from "~/policy.server";
import { QueueTable } from "~/queue/QueueTable";
import { listQueue } from "~/queue/queue.server";
import { QUEUE_PAGE_SIZE as PAGE_SIZE, queueFilterOf } from "~/queue/filter.server";
import { queueLiveVersion } from "~/live/views.server";
import { LiveStatus, useLiveUpdates } from "~/components/useLiveUpdates";
import { pageFrom } from "~/utils/paging";

/** 待我办理: what waits for a staff decision in the inquiries the user manages (app/queue/queue.server.ts). */
export const meta: MetaFunction = () => [{ title: "待我办理 · 询问" }];


export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  if (!canSeeStaffQueue(user)) forbidden("待我办理仅供人大工作人员使用；应询部门和县区人大请从「我的待办」进入。");
  const url = new URL(request.url);
  const filter = queueFilterOf(url);
  const page = pageFrom(url);
  const queue = await listQueue(getDb(), user, { kind: filter.kind, inquiryId: filter.inquiry }, { page, pageSize: PAGE_SIZE });
  return { ...queue, page, filter: { kind: filter.kind ?? "", inquiry: filter.inquiry ?? null }, live: queueLiveVersion(queue) };
}

export default function QueuePage() {
  const { rows, total, byKind, inquiries, inquiryCount, page, filter, live } = useLoaderData<typeof loader>();
  const location = useLocation();
  // new work appears, and decided work leaves, without reloading: the stream follows this very filter and page
  const liveState = useLiveUpdates(`/queue/events${location.search}`, live);
  const all = byKind.reduce((a, k) => a + k.count, 0);
  const withInquiry = (kind: string) => {
    const p = new URLSearchParams();
    if (kind) p.set("kind", kind);
    if (filter.inquiry) p.set("inquiry", String(filter.inquiry));
    const q = p.toString();
    return q ? `/queue?${q}` : "/queue";
  };
  return (
    <section>
      <div className="page-head">
        <div>
          <h1>待我办理</h1>
          <p className="muted">等待人大工作人员审核、审批或处理的事项，按提交时间先后排列（日期按北京时间）。办理后即从本页移除。</p>
          <LiveStatus state={liveState} />
        </div>
      </div>
      <nav className="filter-chips" aria-label="按类别筛选" data-testid="queue-kinds">
        <Link to={withInquiry("")} aria-current={!filter.kind ? "page" : undefined} className={!filter.kind ? "chip active" : "chip"}>
          全部 <strong>{all}</strong>
        </Link>
        {byKind.map((k) => (
          <Link key={k.kind} to={withInquiry(k.kind)} aria-current={filter.kind === k.kind ? "page" : undefined} className={filter.kind === k.kind ? "chip active" : "chip"} data-testid={`queue-kind-${k.kind}`}>
            {k.label} <strong>{k.count}</strong>
          </Link>
        ))}
      </nav>
      <Form method="get" className="inline-form" aria-label="按专题询问筛选">
        {filter.kind ? <input type="hidden" name="kind" value={filter.kind} /> : null}
        <label htmlFor="q-inquiry">专题询问</label>
        <select id="q-inquiry" name="inquiry" defaultValue={filter.inquiry ?? ""}>
          <option value="">全部专题询问</option>
          {inquiries.map((i) => (
            <option key={i.id} value={i.id}>
              {i.title}（{i.count}）
            </option>
          ))}
        </select>
        <button type="submit" className="plain">筛选</button>
        {inquiryCount > inquiries.length ? <span className="muted">（列出待办最多的 {inquiries.length} 项专题询问，共 {inquiryCount} 项）</span> : null}
      </Form>
      <p className="muted" data-testid="queue-total">共 {total} 项</p>
      <QueueTable rows={rows} />
      <Pagination page={page} pageSize={PAGE_SIZE} total={total} search={location.search} />
    </section>
  );
}
