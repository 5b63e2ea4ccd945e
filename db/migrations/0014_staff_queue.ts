import { sql, type Kysely } from "kysely";
import { createTrigger, id } from "./portable";

/**
 * The supervising office's workbench (issue 12, docs/decisions/0050-0052):
 * - preparation answers get a "read by staff" mark (the queue lists submitted answers nobody has read);
 * - 催办 (chase-ups) are kept in their own table: what was chased (item, survey, handling report), whom,
 *   the deadline at the time, the note, who sent it and when; each is printable as a 催办函;
 * - partial indexes keep every kind of the staff queue (app/queue/queue.server.ts) to the few rows that wait;
 * - existing inquiries' stages are brought in line with their work (forward only, never to 办结), audited.
 */
/** What the staff queue reads: a change to any of them may change what waits, and for whom. */
export const QUEUE_SOURCES = [
  "inquiries",
  "users",
  "organizations",
  "survey_delegations",
  "preparation_answers",
  "turn_corrections",
  "outline_proposals",
  "votes",
  "vote_ballots",
  "deadline_extensions",
  "rectification_items",
  "handling_reports",
] as const;

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("preparation_answers").addColumn("read_at", "text").execute();
  await db.schema.alterTable("preparation_answers").addColumn("read_by", "integer", (c) => c.references("users.id")).execute();

  await db.schema
    .createTable("chase_ups")
    .addColumn("id", "integer", id(db))
    .addColumn("inquiry_id", "integer", (c) => c.notNull().references("inquiries.id").onDelete("cascade"))
    // item (rectification_items.id) | survey (survey_delegations.id) | handling_report (handling_reports.id)
    .addColumn("target_type", "text", (c) => c.notNull())
    .addColumn("target_id", "integer", (c) => c.notNull())
    .addColumn("organization_id", "integer", (c) => c.notNull().references("organizations.id"))
    // the deadline in force when the chase-up was sent (calendar date, Asia/Shanghai)
    .addColumn("due_date", "text", (c) => c.notNull())
    .addColumn("subject", "text", (c) => c.notNull())
    .addColumn("note", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("sent_by", "integer", (c) => c.references("users.id"))
    .addColumn("sent_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("chase_ups_target").on("chase_ups").columns(["target_type", "target_id", "id"]).execute();

  // the staff queue: one small index per kind, holding only what waits
  const partial: [string, string][] = [
    ["queue_survey_reports", "survey_delegations (submitted_at, inquiry_id) where status = 'submitted'"],
    ["queue_preparation_answers", "preparation_answers (submitted_at, inquiry_id) where status = 'submitted' and read_at is null"],
    ["queue_turn_corrections", "turn_corrections (proposed_at) where status = 'pending'"],
    ["queue_deadline_extensions", "deadline_extensions (created_at, item_id) where status = 'pending'"],
    ["queue_closure_requests", "rectification_items (inquiry_id, updated_at) where status = 'closure_requested'"],
    ["queue_handling_reports", "handling_reports (submitted_at, inquiry_id) where status = 'submitted'"],
    ["queue_outline_proposals", "outline_proposals (created_at, inquiry_id) where status = 'pending'"],
    ["queue_open_votes", "votes (opened_at, inquiry_id) where status = 'open'"],
  ];
  for (const [name, on] of partial) await sql.raw(`create index ${name} on ${on}`).execute(db);
  // who manages an inquiry: staff of the organising work body (matched by name) — docs/decisions/0050
  await db.schema.createIndex("inquiries_organizing_body").on("inquiries").columns(["organizing_body", "id"]).execute();
  await db.schema.createIndex("users_role_org").on("users").columns(["role", "organization_id", "active"]).execute();

  // a change counter for the queue's cached counts (app/queue/queue.server.ts), bumped in the writing transaction
  await sql`insert into data_versions (name, version) values ('queue', 0)`.execute(db);
  for (const table of QUEUE_SOURCES) {
    for (const event of ["insert", "update", "delete"]) {
      await createTrigger(db, `create trigger queue_version_${table}_${event} after ${event} on ${table} begin update data_versions set version = version + 1 where name = 'queue'; end`);
    }
  }

  // Stages follow the work (docs/decisions/0051): forward only, never to or from 办结.
  const order = ["plan", "research", "outline", "meeting", "rectification"];
  const { rows } = await sql<{ id: number; title: string; stage: string; target: string }>`
    select id, title, stage, case
      when exists (select 1 from rectification_items r where r.inquiry_id = q.id) then 'rectification'
      when exists (select 1 from meeting_segments s where s.inquiry_id = q.id)
        or exists (select 1 from meetings m where m.inquiry_id = q.id and m.digest_published_at is not null) then 'meeting'
      when q.outline_issued_version_id is not null then 'outline'
      when q.plan_status = 'approved' then 'research'
      else 'plan' end as target
    from inquiries q where q.stage <> 'closed'`.execute(db);
  const now = new Date().toISOString();
  for (const r of rows) {
    if (order.indexOf(r.target) <= order.indexOf(r.stage)) continue;
    await sql`update inquiries set stage = ${r.target}, version = version + 1, updated_at = ${now} where id = ${r.id}`.execute(db);
    await sql`insert into audit_log (at, actor_id, actor_label, action, entity_type, entity_id, summary, before_json, after_json, ip)
      values (${now}, null, '系统', 'inquiry.stage_auto', 'inquiry', ${String(r.id)},
        ${`「${r.title}」所处阶段按已完成的工作调整（数据迁移）`}, ${JSON.stringify({ stage: r.stage })}, ${JSON.stringify({ stage: r.target })}, '')`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of QUEUE_SOURCES) {
    for (const event of ["insert", "update", "delete"]) await sql.raw(`drop trigger if exists queue_version_${table}_${event}`).execute(db);
  }
  await sql`delete from data_versions where name = 'queue'`.execute(db);
  for (const name of [
    "queue_survey_reports",
    "queue_preparation_answers",
    "queue_turn_corrections",
    "queue_deadline_extensions",
    "queue_closure_requests",
    "queue_handling_reports",
    "queue_outline_proposals",
    "queue_open_votes",
    "inquiries_organizing_body",
    "users_role_org",
    "chase_ups_target",
  ]) {
    await sql.raw(`drop index if exists ${name}`).execute(db);
  }
  await db.schema.dropTable("chase_ups").execute();
  await db.schema.alterTable("preparation_answers").dropColumn("read_by").execute();
  await db.schema.alterTable("preparation_answers").dropColumn("read_at").execute();
}
