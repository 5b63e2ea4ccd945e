import type { Kysely } from "kysely";
import type { Database } from "../db/schema";
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
  return {
    outlineQuestions: await loadMyOutlineQuestions(db, user),
    meeting: user.role === "department" ? await loadMyMeeting(db, user) : null,
    rectification: await loadMyRectification(db, user, { open: pageFrom(url, "openPage"), finished: pageFrom(url, "donePage") }),
    open: rows.filter((d) => d.status === "pending" || d.status === "returned"),
    done: rows.filter((d) => d.status === "submitted" || d.status === "accepted"),
  };
}
