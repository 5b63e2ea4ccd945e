import type { Kysely } from "kysely";
import type { Database } from "../db/schema";
import { together } from "../db/together";
import type { CurrentUser } from "./auth/session.server";
import { loadMyMeeting } from "./meeting/my.server";
import { loadMyOutlineQuestions } from "./outline/my.server";
import { loadMyRectification } from "./rectification/my.server";
import { listCountyDelegations } from "./surveys/surveys.server";
import { pageFrom } from "./utils/paging";

/**
 * 我的待办 (/my): what a department or a county congress has to do, gathered from each stage's own module —
 * a county's delegated surveys, a department's outline questions, meeting transcripts and written replies,
 * and rectification items (paged by `openPage` and `donePage`).
 */
export async function loadInbox(db: Kysely<Database>, user: CurrentUser, url: URL) {
  const delegations = user.role === "county" && user.organizationId !== null ? await listCountyDelegations(db, user.organizationId) : [];
  const rows = delegations.map((d) => ({
    id: d.id,
    inquiry_title: d.inquiry_title,
    title: d.title,
    due_date: d.due_date,
    status: d.status,
    light: d.light,
    daysLeft: d.daysLeft,
    submitted_at: d.submitted_at,
    accepted_at: d.accepted_at,
    return_comment: d.return_comment,
  }));
  // the sections are independent: their queries go out together
  const [outlineQuestions, meeting, rectification] = await together(
    loadMyOutlineQuestions(db, user),
    user.role === "department" ? loadMyMeeting(db, user) : Promise.resolve(null),
    loadMyRectification(db, user, { open: pageFrom(url, "openPage"), finished: pageFrom(url, "donePage") }),
  );
  return {
    outlineQuestions,
    meeting,
    rectification,
    open: rows.filter((d) => d.status === "pending" || d.status === "returned"),
    done: rows.filter((d) => d.status === "submitted" || d.status === "accepted"),
  };
}
