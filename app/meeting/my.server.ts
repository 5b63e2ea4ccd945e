import type { Kysely } from "kysely";
import type { Database } from "../../db/schema";
import type { CurrentUser } from "../auth/session.server";
import { todayInShanghai } from "../utils/time";
import { correctionWindow, isCorrectionOpen, listDepartmentWrittenReplies } from "./meeting.server";
import { listMemberVotes } from "./votes.server";

/**
 * The meeting stage's part of /my (a department's inbox) and of a member's home page: written replies owed,
 * the department's own meeting transcripts (with the correction period), and a member's open votes.
 */
export async function loadMyMeeting(db: Kysely<Database>, user: Pick<CurrentUser, "role" | "organizationId">) {
  if (user.role !== "department" || user.organizationId === null) return { replies: [], transcripts: [] };
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
  const rows = await db
    .selectFrom("meeting_segments as s")
    .innerJoin("meetings as m", "m.id", "s.meeting_id")
    .innerJoin("inquiries as i", "i.id", "m.inquiry_id")
    .select(["m.id as meeting_id", "m.inquiry_id", "i.title as inquiry_title", "m.meeting_date", "m.correction_days", "s.id as segment_id"])
    .where("s.kind", "=", "exchange")
    .where((eb) =>
      eb.or([
        eb("s.department_id", "=", orgId),
        eb.exists(eb.selectFrom("meeting_turns as t").select("t.id").whereRef("t.segment_id", "=", "s.id").where("t.organization_id", "=", orgId)),
      ]),
    )
    .orderBy("m.meeting_date", "desc")
    .execute();
  const today = todayInShanghai();
  const byMeeting = new Map<number, { inquiry_id: number; inquiry_title: string; meeting_date: string | null; exchanges: number; correction_open: boolean; correction_until: string | null }>();
  for (const r of rows) {
    const entry = byMeeting.get(r.meeting_id) ?? {
      inquiry_id: r.inquiry_id,
      inquiry_title: r.inquiry_title,
      meeting_date: r.meeting_date,
      exchanges: 0,
      correction_open: isCorrectionOpen(r, today),
      correction_until: correctionWindow(r)?.until ?? null,
    };
    entry.exchanges++;
    byMeeting.set(r.meeting_id, entry);
  }
  return { replies, transcripts: [...byMeeting.values()].map((t) => ({ ...t, organization_id: orgId })) };
}

export type MyMeetingData = Awaited<ReturnType<typeof loadMyMeeting>>;

/** A member's open votes (for the home page): the ones still to vote on first. */
export async function loadMemberVotes(db: Kysely<Database>, user: Pick<CurrentUser, "role" | "id">) {
  if (user.role !== "member") return { votes: [] };
  const votes = (await listMemberVotes(db, user.id)).filter((v) => v.status === "open");
  return { votes: votes.map((v) => ({ id: v.id, title: v.title, inquiry_title: v.inquiry_title, voted: v.voted, choice: v.choice })) };
}

export type MemberVotesData = Awaited<ReturnType<typeof loadMemberVotes>>;
