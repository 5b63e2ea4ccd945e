import type { LoaderFunctionArgs } from "@remix-run/node";
import { getDb } from "~/db.server";
import { liveStream, sinceOf } from "~/live/stream.server";
import { meetingPageVersion } from "~/live/views.server";
import { loadInquiryMeeting } from "~/meeting/forms.server";
import { canReadMeetingRecord, forbidden } from "~/policy.server";

/**
 * The meeting record's live events (server-sent events; app/live/stream.server.ts): "the record changed", for
 * whoever may read the record page (the same policy question, asked again at every change).
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const db = getDb();
  const version = async () => {
    const { user, inquiry, meeting } = await loadInquiryMeeting(db, request, params);
    if (!canReadMeetingRecord(user, inquiry.id)) forbidden("询问会完整记录仅供人大工作人员和委员查阅。");
    return meetingPageVersion(db, inquiry.id, meeting);
  };
  await version();
  return liveStream(request, { version, since: sinceOf(request) });
}
