import { sql, type Kysely } from "kysely";
import { createTrigger } from "./portable";

/**
 * One meeting date (issue 23 item 1, docs/decisions/0040). The inquiry's `meeting_date` is the only date that
 * is written: the inquiry form sets the planned date, the meeting setup sets the date it is actually held,
 * both on that one column. `meetings.meeting_date` stays only as a copy kept by the database itself (the
 * search index and older queries read it): triggers copy the inquiry's date into its meeting when either row
 * is written, and refuse any other change of the copy, so the two can never differ.
 *
 * Existing data: where a meeting row carries a date that differs from its inquiry's (the meeting setup did
 * not copy it before), the meeting's date is the date actually held and becomes the inquiry's, with an audit
 * entry per inquiry changed.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const now = new Date().toISOString();
  const differing = await sql<{ id: number; title: string; before: string | null; after: string }>`
    select i.id, i.title, i.meeting_date as before, m.meeting_date as after
    from inquiries i join meetings m on m.inquiry_id = i.id
    where m.meeting_date is not null and (i.meeting_date is null or i.meeting_date <> m.meeting_date)`.execute(db);
  for (const row of differing.rows) {
    await sql`update inquiries set meeting_date = ${row.after}, version = version + 1, updated_at = ${now} where id = ${row.id}`.execute(db);
    await sql`insert into audit_log (at, actor_id, actor_label, action, entity_type, entity_id, summary, before_json, after_json)
      values (${now}, null, '系统', 'inquiry.meeting_date', 'inquiry', ${String(row.id)},
        ${`「${row.title}」询问会日期以询问会设置中的日期为准（数据迁移）`},
        ${JSON.stringify({ meetingDate: row.before })}, ${JSON.stringify({ meetingDate: row.after })})`.execute(db);
  }
  // meetings whose own date was empty take the inquiry's
  await sql`update meetings set meeting_date = (select i.meeting_date from inquiries i where i.id = meetings.inquiry_id)`.execute(db);

  await createTrigger(db, `create trigger inquiries_meeting_date_copy after update of meeting_date on inquiries
    begin update meetings set meeting_date = new.meeting_date where inquiry_id = new.id; end`);
  await createTrigger(db, `create trigger meetings_meeting_date_copy after insert on meetings
    begin update meetings set meeting_date = (select i.meeting_date from inquiries i where i.id = new.inquiry_id) where id = new.id; end`);
  await createTrigger(db, `create trigger meetings_meeting_date_guard before update of meeting_date on meetings
    when new.meeting_date is not (select i.meeting_date from inquiries i where i.id = new.inquiry_id)
    begin select raise(abort, 'meetings.meeting_date is a copy of inquiries.meeting_date: change the inquiry''s date'); end`);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const name of ["meetings_meeting_date_guard", "meetings_meeting_date_copy", "inquiries_meeting_date_copy"]) {
    await sql.raw(`drop trigger if exists ${name}`).execute(db);
  }
}
