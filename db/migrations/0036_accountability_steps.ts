import { sql, type Kysely } from "kysely";
import { createTrigger, id } from "./portable";

/**
 * Accountability steps (问责措施: 约谈, 通报, 提请常委会审议, 移交) — issue 21, docs/decisions/0131. Each is recorded
 * by staff after a failed satisfaction vote, a handling report voted down, or an item overdue beyond the
 * threshold (`trigger_type`/`trigger_id` name which), concerns one organisation and optionally one item; it
 * waits in the staff queue while pending (partial index, and the queue's change counter bumped by triggers as
 * for every queue source, migration 0014) and shows on the public page once published.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("accountability_steps")
    .addColumn("id", "integer", id(db))
    .addColumn("inquiry_id", "integer", (c) => c.notNull().references("inquiries.id").onDelete("cascade"))
    .addColumn("item_id", "integer", (c) => c.references("rectification_items.id").onDelete("cascade"))
    .addColumn("organization_id", "integer", (c) => c.notNull().references("organizations.id"))
    // vote (votes.id) | handling_report (handling_reports.id) | overdue (rectification_items.id)
    .addColumn("trigger_type", "text", (c) => c.notNull())
    .addColumn("trigger_id", "integer", (c) => c.notNull())
    // interview 约谈 | notice 通报 | review 提请常委会审议 | referral 移交
    .addColumn("kind", "text", (c) => c.notNull())
    // the calendar date (Asia/Shanghai) the step is taken or scheduled
    .addColumn("step_date", "text", (c) => c.notNull())
    .addColumn("decision", "text", (c) => c.notNull())
    // pending | done
    .addColumn("status", "text", (c) => c.notNull().defaultTo("pending"))
    .addColumn("outcome", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("done_at", "text")
    .addColumn("done_by", "integer", (c) => c.references("users.id"))
    .addColumn("published_at", "text")
    .addColumn("published_by", "integer", (c) => c.references("users.id"))
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("created_by", "integer", (c) => c.references("users.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("accountability_steps_inquiry").on("accountability_steps").columns(["inquiry_id", "step_date"]).execute();
  await db.schema.createIndex("accountability_steps_item").on("accountability_steps").column("item_id").execute();
  await db.schema.createIndex("accountability_steps_org").on("accountability_steps").columns(["organization_id", "step_date"]).execute();
  await sql`create index queue_accountability_steps on accountability_steps (created_at, inquiry_id) where status = 'pending'`.execute(db);
  for (const event of ["insert", "update", "delete"]) {
    await createTrigger(db, `create trigger queue_version_accountability_steps_${event} after ${event} on accountability_steps begin update data_versions set version = version + 1 where name = 'queue'; end`);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const event of ["insert", "update", "delete"]) await sql.raw(`drop trigger if exists queue_version_accountability_steps_${event}`).execute(db);
  await db.schema.dropTable("accountability_steps").execute();
}
