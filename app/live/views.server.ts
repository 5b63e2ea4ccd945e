import type { Kysely } from "kysely";
import type { Database } from "../../db/schema";
import { fingerprint } from "./stream.server";

/**
 * The fingerprints of the live pages (docs/decisions/0180-live-updates.md): each reads the rows whose change
 * alters what the page shows, and nothing a subscriber of that page could not read; the page's loader and its
 * event stream compute the same one, so the stream can tell the page "you are out of date" and nothing more.
 */
type Db = Kysely<Database>;

/**
 * 询问会记录 (/inquiries/:id/meeting): the meeting's setup, its officials, every segment (order, version, void),
 * every turn, the corrections, the inquiry's written replies and the items made from its exchanges.
 */
export async function meetingLiveVersion(db: Db, meetingId: number, inquiryId: number): Promise<string> {
  const [meeting, officials, segments, turns, corrections, replies, items] = await Promise.all([
    db.selectFrom("meetings").select(["version", "digest_published_at"]).where("id", "=", meetingId).executeTakeFirst(),
    db.selectFrom("meeting_officials").select(["id", "position"]).where("meeting_id", "=", meetingId).orderBy("id").execute(),
    db
      .selectFrom("meeting_segments")
      .select(["id", "position", "version", "updated_at", "voided_at"])
      .where("meeting_id", "=", meetingId)
      .orderBy("id")
      .execute(),
    db
      .selectFrom("meeting_turns as t")
      .innerJoin("meeting_segments as s", "s.id", "t.segment_id")
      .select(["t.id", "t.position", "t.version", "t.updated_at"])
      .where("s.meeting_id", "=", meetingId)
      .orderBy("t.id")
      .execute(),
    db
      .selectFrom("turn_corrections as c")
      .innerJoin("meeting_turns as t", "t.id", "c.turn_id")
      .innerJoin("meeting_segments as s", "s.id", "t.segment_id")
      .select(["c.id", "c.status"])
      .where("s.meeting_id", "=", meetingId)
      .orderBy("c.id")
      .execute(),
    db.selectFrom("written_replies").select(["id", "version", "status"]).where("inquiry_id", "=", inquiryId).orderBy("id").execute(),
    db
      .selectFrom("rectification_items as i")
      .innerJoin("meeting_segments as s", "s.id", "i.source_id")
      .select(["i.id", "i.number", "i.voided_at"])
      .where("i.source_type", "=", "exchange")
      .where("s.meeting_id", "=", meetingId)
      .orderBy("i.id")
      .execute(),
  ]);
  return fingerprint([meeting ?? null, officials, segments, turns, corrections, replies, items]);
}

/** The meeting page of an inquiry, set up or not yet (its setup is then what changes). */
export async function meetingPageVersion(db: Db, inquiryId: number, meeting: { id: number } | null | undefined): Promise<string> {
  return meeting ? meetingLiveVersion(db, meeting.id, inquiryId) : fingerprint({ inquiryId, meeting: null });
}

/**
 * One vote's page (/votes/:id): its state and version, the turnout (应到 / 实到 / 已投) and whether entered totals
 * are entered or confirmed — never the counts, which nobody sees while the vote is open. Staff, who see the roll,
 * also get a change when attendance moves between people without changing the figures.
 */
export async function voteLiveVersion(db: Db, voteId: number, options: { withRoll: boolean }): Promise<string> {
  const [vote, roll, entry] = await Promise.all([
    db.selectFrom("votes").select(["version", "status", "closed_at", "result", "followup", "followup_done_at"]).where("id", "=", voteId).executeTakeFirst(),
    db.selectFrom("vote_roll").select(["id", "voting", "present", "voted"]).where("vote_id", "=", voteId).orderBy("id").execute(),
    db.selectFrom("vote_entries").select(["id", "entered_at", "confirmed_at"]).where("vote_id", "=", voteId).orderBy("id").execute(),
  ]);
  const turnout = {
    eligible: roll.filter((r) => r.voting).length,
    present: roll.filter((r) => r.voting && r.present).length,
    voted: roll.filter((r) => r.voting && r.voted).length,
  };
  return fingerprint([vote ?? null, turnout, entry, options.withRoll ? roll : null]);
}

/** 待我办理 (/queue): the very list the page shows (its filter and page), as listQueue returned it. */
export function queueLiveVersion(queue: { rows: unknown[]; total: number; byKind: unknown[]; inquiries: unknown[] }): string {
  return fingerprint([queue.rows, queue.total, queue.byKind, queue.inquiries]);
}
