import { sql, type Kysely } from "kysely";
import { createTrigger, dropTrigger, parseTrigger, triggerSource } from "./portable";

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

/**
 * The notification triggers of migration 0007 and the inquiry each one's row belongs to: in back-entry they notify
 * no one (a 2020 item is not news to its department), so each gets a WHEN condition on its inquiry.
 */
const NOTIFY_TRIGGERS: [string, string][] = [
  ["notify_survey_delegated", "new.inquiry_id"],
  ["notify_survey_returned", "new.inquiry_id"],
  ["notify_outline_issued", "new.inquiry_id"],
  ["notify_item_assigned", "new.inquiry_id"],
  ["notify_item_codepartment", "(select ri.inquiry_id from rectification_items ri where ri.id = new.item_id)"],
  ["notify_item_returned", "new.inquiry_id"],
  ["notify_extension_decided", "(select ri.inquiry_id from rectification_items ri where ri.id = new.item_id)"],
  ["notify_vote_opened", "new.inquiry_id"],
  ["notify_written_reply", "new.inquiry_id"],
];
const liveCondition = (inquiryExpr: string) => `not exists (select 1 from inquiries bq where bq.id = ${inquiryExpr} and (bq.back_entry = 1 or bq.voided_at is not null))`;

/** Adds `condition` to a trigger's WHEN clause (or gives it one), keeping its body as it is. */
export function withCondition(triggerSql: string, condition: string): string {
  const at = triggerSql.search(/\sbegin\s/i);
  const head = triggerSql.slice(0, at);
  const body = triggerSql.slice(at);
  const when = head.search(/\swhen\s/i);
  if (when < 0) return `${head} when ${condition}${body}`;
  return `${head.slice(0, when)} when (${condition}) and (${head.slice(when).replace(/^\s+when\s+/i, "")})${body}`;
}

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
  for (const [name, inquiryExpr] of NOTIFY_TRIGGERS) {
    const source = await triggerSource(db, name);
    if (!source) continue;
    await dropTrigger(db, name, parseTrigger(source).table);
    await createTrigger(db, withCondition(source, liveCondition(inquiryExpr)));
  }
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
