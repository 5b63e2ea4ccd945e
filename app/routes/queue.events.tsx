import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/auth/session.server";
import { getDb } from "~/db.server";
import { liveStream, sinceOf } from "~/live/stream.server";
import { queueLiveVersion } from "~/live/views.server";
import { canSeeStaffQueue, forbidden } from "~/policy.server";
import { listQueue } from "~/queue/queue.server";
import { pageFrom } from "~/utils/paging";
import { QUEUE_PAGE_SIZE, queueFilterOf } from "~/queue/filter.server";

/**
 * 待我办理's live events (server-sent events; app/live/stream.server.ts): the list the page shows (same filter,
 * same page, same policy question) changed. The stream URL carries the page's own query string.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const db = getDb();
  const url = new URL(request.url);
  const filter = queueFilterOf(url);
  const page = pageFrom(url);
  const version = async () => {
    const user = await requireUser(request);
    if (!canSeeStaffQueue(user)) forbidden("待我办理仅供人大工作人员使用。");
    return queueLiveVersion(await listQueue(db, user, { kind: filter.kind, inquiryId: filter.inquiry }, { page, pageSize: QUEUE_PAGE_SIZE }));
  };
  await version();
  return liveStream(request, { version, since: sinceOf(request) });
}
