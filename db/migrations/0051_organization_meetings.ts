import { sql, type Kysely } from "kysely";
import { createTrigger, dropTrigger, parseTrigger } from "./portable";

/**
 * The meetings each organisation answered at, kept by the database (issue 19; docs/decisions/0190), so a
 * department's /my lists its 20 most recent meetings from an index instead of collecting every exchange it ever
 * answered (10,000 meetings for the busiest department at ten provinces).
 *
 * - `segment_answerers` (segment, organisation, refs): who answered an exchange — the segment's department (1)
 *   plus each turn spoken by one of the organisation's people (1 each). refs > 0 means "answered".
 * - `organization_meetings` (organisation, meeting, meeting_date, exchanges): the live exchanges (neither the
 *   segment nor its inquiry voided) of a meeting that the organisation answered; a row only where there is one.
 *
 * Triggers keep both in the writing transaction: a segment added, moved, re-kinded, voided or deleted; its
 * department changed; a turn added, moved or deleted or its organisation changed; an inquiry voided or restored;
 * a meeting's date changed or the meeting deleted. A change recomputes the affected (organisation, meeting)
 * rows from that meeting's segments only. Raw SQL is here only (branch pgengine ports triggers).
 */
const LIVE_EXCHANGE = "s.kind = 'exchange' and s.voided_at is null and not exists (select 1 from inquiries vq where vq.id = s.inquiry_id and vq.voided_at is not null)";

/** Recomputes organization_meetings for the meetings in `meetings` (a subquery or list) and, if given, only these organisations. */
function recompute(meetings: string, orgs?: string): string {
  const orgFilter = (col: string) => (orgs ? ` and ${col} in (${orgs})` : "");
  return `
    delete from organization_meetings where meeting_id in (${meetings})${orgFilter("organization_id")};
    insert into organization_meetings (organization_id, meeting_id, meeting_date, exchanges)
      select a.organization_id, s.meeting_id, m.meeting_date, count(*) from meeting_segments s
      join segment_answerers a on a.segment_id = s.id join meetings m on m.id = s.meeting_id
      where s.meeting_id in (${meetings})${orgFilter("a.organization_id")} and a.refs > 0 and ${LIVE_EXCHANGE}
      group by a.organization_id, s.meeting_id, m.meeting_date;`;
}

const ADD_REF = "on conflict (segment_id, organization_id) do update set refs = segment_answerers.refs + excluded.refs";
const addRef = (segment: string, org: string) =>
  `insert into segment_answerers (segment_id, organization_id, refs) select ${segment}, ${org}, 1 where ${org} is not null ${ADD_REF};`;
// a decrement never inserts: a segment being deleted has already lost its rows
const dropRef = (segment: string, org: string) => `update segment_answerers set refs = refs - 1 where segment_id = ${segment} and organization_id = ${org};`;
const meetingOf = (segment: string) => `select meeting_id from meeting_segments where id = ${segment}`;

const TRIGGERS: Record<string, string> = {
  org_meetings_segment_insert: `after insert on meeting_segments begin ${addRef("new.id", "new.department_id")} end`,
  org_meetings_segment_department: `after update of department_id on meeting_segments begin ${dropRef("old.id", "old.department_id")} ${addRef("new.id", "new.department_id")} end`,
  org_meetings_segment_update: `after update of kind, voided_at, meeting_id, inquiry_id on meeting_segments begin
    ${recompute("old.meeting_id, new.meeting_id", "select organization_id from segment_answerers where segment_id = new.id")} end`,
  org_meetings_segment_delete: `after delete on meeting_segments begin delete from segment_answerers where segment_id = old.id; ${recompute("old.meeting_id")} end`,
  org_meetings_turn_insert: `after insert on meeting_turns begin ${addRef("new.segment_id", "new.organization_id")} end`,
  org_meetings_turn_update: `after update of organization_id, segment_id on meeting_turns begin ${dropRef("old.segment_id", "old.organization_id")} ${addRef("new.segment_id", "new.organization_id")} end`,
  org_meetings_turn_delete: `after delete on meeting_turns begin ${dropRef("old.segment_id", "old.organization_id")} end`,
  // who answered changed: that organisation's row for the segment's meeting
  org_meetings_answerer_insert: `after insert on segment_answerers begin ${recompute(meetingOf("new.segment_id"), "new.organization_id")} end`,
  org_meetings_answerer_update: `after update on segment_answerers begin ${recompute(meetingOf("new.segment_id"), "new.organization_id")} end`,
  org_meetings_answerer_delete: `after delete on segment_answerers begin ${recompute(meetingOf("old.segment_id"), "old.organization_id")} end`,
  org_meetings_inquiry_void: `after update of voided_at on inquiries begin ${recompute("select id from meetings where inquiry_id = new.id")} end`,
  org_meetings_meeting_date: `after update of meeting_date on meetings begin update organization_meetings set meeting_date = new.meeting_date where meeting_id = new.id; end`,
  org_meetings_meeting_delete: `after delete on meetings begin delete from organization_meetings where meeting_id = old.id; end`,
};

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("segment_answerers")
    .addColumn("segment_id", "integer", (c) => c.notNull())
    .addColumn("organization_id", "integer", (c) => c.notNull())
    .addColumn("refs", "integer", (c) => c.notNull())
    .addPrimaryKeyConstraint("segment_answerers_pk", ["segment_id", "organization_id"])
    .execute();
  await db.schema
    .createTable("organization_meetings")
    .addColumn("organization_id", "integer", (c) => c.notNull())
    .addColumn("meeting_id", "integer", (c) => c.notNull())
    .addColumn("meeting_date", "text")
    .addColumn("exchanges", "integer", (c) => c.notNull())
    .addPrimaryKeyConstraint("organization_meetings_pk", ["organization_id", "meeting_id"])
    .execute();
  // /my: an organisation's most recent meetings first
  await db.schema.createIndex("organization_meetings_recent").on("organization_meetings").columns(["organization_id", "meeting_date", "meeting_id"]).execute();
  await db.schema.createIndex("organization_meetings_meeting").on("organization_meetings").column("meeting_id").execute();

  // what is there now, once
  await sql`insert into segment_answerers (segment_id, organization_id, refs)
    select segment_id, organization_id, count(*) from (
      select id as segment_id, department_id as organization_id from meeting_segments where department_id is not null
      union all
      select segment_id, organization_id from meeting_turns where organization_id is not null
    ) as answers group by segment_id, organization_id`.execute(db);
  await sql
    .raw(
      `insert into organization_meetings (organization_id, meeting_id, meeting_date, exchanges)
        select a.organization_id, s.meeting_id, m.meeting_date, count(*) from meeting_segments s
        join segment_answerers a on a.segment_id = s.id join meetings m on m.id = s.meeting_id
        where a.refs > 0 and ${LIVE_EXCHANGE} group by a.organization_id, s.meeting_id, m.meeting_date`,
    )
    .execute(db);
  for (const [name, body] of Object.entries(TRIGGERS)) await createTrigger(db, `create trigger ${name} ${body}`);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const [name, body] of Object.entries(TRIGGERS)) await dropTrigger(db, name, parseTrigger(`create trigger ${name} ${body}`).table);
  await db.schema.dropTable("organization_meetings").execute();
  await db.schema.dropTable("segment_answerers").execute();
}
