import type { Kysely } from "kysely";
import type { Database } from "../../db/schema";
import type { CurrentUser } from "../auth/session.server";
import { todayInShanghai } from "../utils/time";
import { correctionWindow, isCorrectionOpen } from "./corrections.server";
import { listDepartmentWrittenReplies } from "./written-replies.server";
import { listMemberVotes } from "./votes.server";

/** Meetings listed in a department's /my (most recent first); the count says how many there are in all. */
export const MY_TRANSCRIPTS_LIMIT = 20;

/**
 * The meeting stage's part of /my (a department's inbox) and of a member's home page: written replies owed,
 * the department's own meeting transcripts (with the correction period), and a member's open votes.
 */
export async function loadMyMeeting(db: Kysely<Database>, user: Pick<CurrentUser, "role" | "organizationId">) {
  if (user.role !== "department" || user.organizationId === null) return { replies: [], transcripts: [], transcriptsTotal: 0 };
  const orgId = user.organizationId;
  const replies = (await listDepartmentWrittenReplies(db, orgId)).map((r) => ({
    id: r.id,
    inquiry_title: r.inquiry_title,
    question_text: r.question_text,
    due_date: r.due_date,
    status: r.status,
    light: r.light,
    daysLeft: r.daysLeft,
    answered_at: r.answered_at,
  }));
  // the meetings where the department answered an exchange (its own, or one where one of its people spoke),
  // kept by triggers (migration 0051, organization_meetings): the most recent ones from its index
  const recent = await db
    .selectFrom("organization_meetings as om")
    .innerJoin("meetings as m", "m.id", "om.meeting_id")
    .innerJoin("inquiries as i", "i.id", "m.inquiry_id")
    .select(["om.meeting_id", "m.inquiry_id", "i.title as inquiry_title", "om.meeting_date", "m.correction_days", "om.exchanges"])
    .where("om.organization_id", "=", orgId)
    .orderBy("om.meeting_date", (ob) => ob.desc().nullsLast())
    .orderBy("om.meeting_id", "desc")
    .limit(MY_TRANSCRIPTS_LIMIT)
    .execute();
  const total =
    recent.length < MY_TRANSCRIPTS_LIMIT
      ? recent.length
      : Number((await db.selectFrom("organization_meetings").select((eb) => eb.fn.countAll<number>().as("n")).where("organization_id", "=", orgId).executeTakeFirstOrThrow()).n);
  const rows = recent;
  const today = todayInShanghai();
  const transcripts = rows.map((r) => ({
    inquiry_id: r.inquiry_id,
    inquiry_title: r.inquiry_title,
    meeting_date: r.meeting_date,
    exchanges: Number(r.exchanges),
    correction_open: isCorrectionOpen(r, today),
    correction_until: correctionWindow(r)?.until ?? null,
    organization_id: orgId,
  }));
  return { replies, transcripts, transcriptsTotal: total };
}

export type MyMeetingData = Awaited<ReturnType<typeof loadMyMeeting>>;

/** A member's open votes (for the home page): the ones still to vote on first. */
export async function loadMemberVotes(db: Kysely<Database>, user: Pick<CurrentUser, "role" | "id" | "memberInquiryIds">) {
  if (user.role !== "member") return { votes: [] };
  const votes = (await listMemberVotes(db, user.id, user.memberInquiryIds ?? [])).filter((v) => v.status === "open");
  return { votes: votes.map((v) => ({ id: v.id, title: v.title, inquiry_title: v.inquiry_title, voted: v.voted, choice: v.choice })) };
}

export type MemberVotesData = Awaited<ReturnType<typeof loadMemberVotes>>;
