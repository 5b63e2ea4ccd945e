import type { Kysely } from "kysely";
import { id } from "./portable";

const richText = (t: any, prefix: string) =>
  t
    .addColumn(`${prefix}_json`, "text", (c: any) => c.notNull().defaultTo(""))
    .addColumn(`${prefix}_text`, "text", (c: any) => c.notNull().defaultTo(""))
    .addColumn(`${prefix}_html`, "text", (c: any) => c.notNull().defaultTo(""));

/** 询问会 and 摘要: the meeting, its segments and turns, drafts, written replies, corrections, votes, digest. */
export async function up(db: Kysely<any>): Promise<void> {
  let meetings: any = db.schema
    .createTable("meetings")
    .addColumn("id", "integer", id(db))
    .addColumn("inquiry_id", "integer", (c) => c.notNull().unique().references("inquiries.id").onDelete("cascade"))
    .addColumn("meeting_date", "text")
    .addColumn("place", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("session_name", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("chair_name", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("chair_title", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("government_organization_id", "integer", (c) => c.references("organizations.id"))
    .addColumn("government_responder_name", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("government_responder_title", "text", (c) => c.notNull().defaultTo(""))
    // none | answer | department: what a satisfaction vote is taken on
    .addColumn("vote_mode", "text", (c) => c.notNull().defaultTo("none"))
    .addColumn("vote_secret", "integer", (c) => c.notNull().defaultTo(1))
    // days after the meeting during which a department may propose corrections to its answers
    .addColumn("correction_days", "integer", (c) => c.notNull().defaultTo(7))
    .addColumn("digest_title", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("digest_reporter", "text", (c) => c.notNull().defaultTo(""));
  meetings = richText(meetings, "digest_intro");
  meetings = richText(meetings, "digest_closing");
  await meetings
    // JSON array of the segment kinds shown in the digest, e.g. ["exchange","commitment"]
    .addColumn("digest_segment_kinds", "text", (c: any) => c.notNull().defaultTo('["exchange"]'))
    .addColumn("digest_published_at", "text")
    .addColumn("digest_published_by", "integer", (c: any) => c.references("users.id"))
    .addColumn("version", "integer", (c: any) => c.notNull().defaultTo(1))
    .addColumn("created_at", "text", (c: any) => c.notNull())
    .addColumn("updated_at", "text", (c: any) => c.notNull())
    .execute();

  await db.schema
    .createTable("meeting_officials")
    .addColumn("id", "integer", id(db))
    .addColumn("meeting_id", "integer", (c) => c.notNull().references("meetings.id").onDelete("cascade"))
    .addColumn("organization_id", "integer", (c) => c.notNull().references("organizations.id"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("title", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("position", "integer", (c) => c.notNull().defaultTo(0))
    .execute();

  await db.schema
    .createTable("meeting_segments")
    .addColumn("id", "integer", id(db))
    .addColumn("meeting_id", "integer", (c) => c.notNull().references("meetings.id").onDelete("cascade"))
    .addColumn("inquiry_id", "integer", (c) => c.notNull().references("inquiries.id").onDelete("cascade"))
    // opening | report | exchange | commitment | closing
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("position", "integer", (c) => c.notNull())
    .addColumn("keyword", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("headline", "text", (c) => c.notNull().defaultTo(""))
    // the outline question it came from; null with unplanned = 1 for 现场提问
    .addColumn("outline_question_id", "integer", (c) => c.references("outline_questions.id").onDelete("set null"))
    .addColumn("unplanned", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("questioner_user_id", "integer", (c) => c.references("users.id"))
    .addColumn("questioner_name", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("questioner_role", "text", (c) => c.notNull().defaultTo(""))
    // the responding department of an exchange
    .addColumn("department_id", "integer", (c) => c.references("organizations.id"))
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("meeting_segments_meeting").on("meeting_segments").columns(["meeting_id", "position"]).execute();
  await db.schema.createIndex("meeting_segments_department").on("meeting_segments").columns(["department_id", "inquiry_id"]).execute();

  await richText(
    db.schema
      .createTable("meeting_turns")
      .addColumn("id", "integer", id(db))
      .addColumn("segment_id", "integer", (c) => c.notNull().references("meeting_segments.id").onDelete("cascade"))
      .addColumn("position", "integer", (c) => c.notNull())
      // question | answer | follow_up | supplementary | speech
      .addColumn("kind", "text", (c) => c.notNull())
      .addColumn("speaker_name", "text", (c) => c.notNull().defaultTo(""))
      .addColumn("speaker_title", "text", (c) => c.notNull().defaultTo(""))
      .addColumn("organization_id", "integer", (c) => c.references("organizations.id")),
    "body",
  )
    .addColumn("version", "integer", (c: any) => c.notNull().defaultTo(1))
    .addColumn("created_at", "text", (c: any) => c.notNull())
    .addColumn("updated_at", "text", (c: any) => c.notNull())
    .execute();
  await db.schema.createIndex("meeting_turns_segment").on("meeting_turns").columns(["segment_id", "position"]).execute();

  await richText(
    db.schema
      .createTable("turn_corrections")
      .addColumn("id", "integer", id(db))
      .addColumn("turn_id", "integer", (c) => c.notNull().references("meeting_turns.id").onDelete("cascade"))
      .addColumn("department_id", "integer", (c) => c.notNull().references("organizations.id"))
      .addColumn("original_html", "text", (c) => c.notNull())
      .addColumn("original_text", "text", (c) => c.notNull()),
    "proposed",
  )
    .addColumn("reason", "text", (c: any) => c.notNull().defaultTo(""))
    // pending | accepted | rejected
    .addColumn("status", "text", (c: any) => c.notNull().defaultTo("pending"))
    .addColumn("proposed_by", "integer", (c: any) => c.references("users.id"))
    .addColumn("proposed_at", "text", (c: any) => c.notNull())
    .addColumn("decided_by", "integer", (c: any) => c.references("users.id"))
    .addColumn("decided_at", "text")
    .addColumn("decision_note", "text", (c: any) => c.notNull().defaultTo(""))
    .execute();
  await db.schema.createIndex("turn_corrections_turn").on("turn_corrections").column("turn_id").execute();

  await db.schema
    .createTable("meeting_drafts")
    .addColumn("id", "integer", id(db))
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("meeting_id", "integer", (c) => c.notNull().references("meetings.id").onDelete("cascade"))
    .addColumn("draft_key", "text", (c) => c.notNull())
    // the entry form's fields as JSON, saved as the user types
    .addColumn("content_json", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addUniqueConstraint("meeting_drafts_key", ["user_id", "meeting_id", "draft_key"])
    .execute();

  await richText(
    db.schema
      .createTable("written_replies")
      .addColumn("id", "integer", id(db))
      .addColumn("segment_id", "integer", (c) => c.references("meeting_segments.id").onDelete("set null"))
      .addColumn("inquiry_id", "integer", (c) => c.notNull().references("inquiries.id").onDelete("cascade"))
      .addColumn("department_id", "integer", (c) => c.notNull().references("organizations.id"))
      .addColumn("question_text", "text", (c) => c.notNull())
      .addColumn("due_date", "text", (c) => c.notNull()),
    "answer",
  )
    // open | answered
    .addColumn("status", "text", (c: any) => c.notNull().defaultTo("open"))
    .addColumn("answered_at", "text")
    .addColumn("answered_by", "integer", (c: any) => c.references("users.id"))
    .addColumn("version", "integer", (c: any) => c.notNull().defaultTo(1))
    .addColumn("created_by", "integer", (c: any) => c.references("users.id"))
    .addColumn("created_at", "text", (c: any) => c.notNull())
    .execute();
  await db.schema.createIndex("written_replies_department").on("written_replies").columns(["department_id", "status"]).execute();

  await db.schema
    .createTable("votes")
    .addColumn("id", "integer", id(db))
    .addColumn("inquiry_id", "integer", (c) => c.notNull().references("inquiries.id").onDelete("cascade"))
    // answer (segment_id) | department (department_id) | handling_report (handling_report_id)
    .addColumn("target_type", "text", (c) => c.notNull())
    .addColumn("segment_id", "integer", (c) => c.references("meeting_segments.id").onDelete("cascade"))
    .addColumn("department_id", "integer", (c) => c.references("organizations.id"))
    .addColumn("handling_report_id", "integer")
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("secret", "integer", (c) => c.notNull().defaultTo(1))
    // open | closed
    .addColumn("status", "text", (c) => c.notNull().defaultTo("open"))
    .addColumn("opened_by", "integer", (c) => c.references("users.id"))
    .addColumn("opened_at", "text", (c) => c.notNull())
    .addColumn("closed_at", "text")
    .execute();
  await db.schema.createIndex("votes_inquiry").on("votes").columns(["inquiry_id", "status"]).execute();

  await db.schema
    .createTable("vote_ballots")
    .addColumn("id", "integer", id(db))
    .addColumn("vote_id", "integer", (c) => c.notNull().references("votes.id").onDelete("cascade"))
    .addColumn("member_id", "integer", (c) => c.notNull().references("users.id"))
    // satisfied | basically_satisfied | unsatisfied | abstain
    .addColumn("choice", "text", (c) => c.notNull())
    .addColumn("cast_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addUniqueConstraint("vote_ballots_once", ["vote_id", "member_id"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ["vote_ballots", "votes", "written_replies", "meeting_drafts", "turn_corrections", "meeting_turns", "meeting_segments", "meeting_officials", "meetings"]) {
    await db.schema.dropTable(table).execute();
  }
}
