import { sql, type Kysely } from "kysely";

/**
 * Adopting an office's real history and correcting mistakes (issue 13, docs/decisions/0080-0082):
 * - `inquiries.back_entry`: the inquiry is a record of past work (补录): real past dates are entered for every
 *   stamped event, deadlines are checked against the inquiry's own dates, no reminders or queue entries;
 * - `voided_at / voided_by / void_reason` on inquiries, rectification items, survey delegations, outline
 *   questions and meeting segments: 作废 instead of deleting (app/history/void.server.ts reads them);
 * - `back_entered` on the stamped rows (plan decisions, item events, outline versions' stamps are in the audit)
 *   marks a value entered after the fact, for the timeline;
 * - `rectification_items.import_key`: what an Excel row is (problem, lead unit, deadline); unique per inquiry
 *   among items not voided, so two identical uploads at the same moment create the items once.
 */
const VOIDABLE = ["inquiries", "rectification_items", "survey_delegations", "outline_questions", "meeting_segments"] as const;

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("inquiries").addColumn("back_entry", "integer", (c) => c.notNull().defaultTo(0)).execute();
  for (const table of VOIDABLE) {
    await db.schema.alterTable(table).addColumn("voided_at", "text").execute();
    await db.schema.alterTable(table).addColumn("voided_by", "integer", (c) => c.references("users.id")).execute();
    await db.schema.alterTable(table).addColumn("void_reason", "text", (c) => c.notNull().defaultTo("")).execute();
  }
  await db.schema.alterTable("plan_decisions").addColumn("back_entered", "integer", (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable("item_events").addColumn("back_entered", "integer", (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable("rectification_items").addColumn("import_key", "text").execute();
  await sql`create unique index rectification_items_import_key on rectification_items (inquiry_id, import_key)
            where import_key is not null and voided_at is null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists rectification_items_import_key`.execute(db);
  await db.schema.alterTable("rectification_items").dropColumn("import_key").execute();
  await db.schema.alterTable("item_events").dropColumn("back_entered").execute();
  await db.schema.alterTable("plan_decisions").dropColumn("back_entered").execute();
  for (const table of VOIDABLE) {
    await db.schema.alterTable(table).dropColumn("void_reason").execute();
    await db.schema.alterTable(table).dropColumn("voided_by").execute();
    await db.schema.alterTable(table).dropColumn("voided_at").execute();
  }
  await db.schema.alterTable("inquiries").dropColumn("back_entry").execute();
}
