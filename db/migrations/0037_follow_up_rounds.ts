import { sql, type Kysely } from "kysely";

/**
 * Follow-up rounds (跟踪监督 / 回头看) — issue 21, docs/decisions/0132. A later round is an inquiry of its own
 * (its own meeting, record, votes, digest, ledger: one meeting per inquiry stays true, migration 0011) linked to
 * the round before it: `previous_round_id`, `round_number` (existing inquiries are round 1), `round_kind`.
 * A round has at most one next round (a chain, not a tree). An item continued into the next round is a new item
 * there with `carried_from_item_id` (each item continued at most once), so every round keeps its own ledger and
 * the item its whole history across rounds.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("inquiries").addColumn("previous_round_id", "integer", (c) => c.references("inquiries.id")).execute();
  await db.schema.alterTable("inquiries").addColumn("round_number", "integer", (c) => c.notNull().defaultTo(1)).execute();
  // inquiry (the first round) | followup_meeting 跟踪询问会 | inspection 回头看 | new_inquiry 同一主题的再次询问
  await db.schema.alterTable("inquiries").addColumn("round_kind", "text", (c) => c.notNull().defaultTo("inquiry")).execute();
  await sql`create unique index inquiries_next_round on inquiries (previous_round_id) where previous_round_id is not null`.execute(db);
  await db.schema.alterTable("rectification_items").addColumn("carried_from_item_id", "integer", (c) => c.references("rectification_items.id")).execute();
  await sql`create unique index rectification_items_carried_from on rectification_items (carried_from_item_id) where carried_from_item_id is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists rectification_items_carried_from`.execute(db);
  await sql`drop index if exists inquiries_next_round`.execute(db);
  await db.schema.alterTable("rectification_items").dropColumn("carried_from_item_id").execute();
  await db.schema.alterTable("inquiries").dropColumn("round_kind").execute();
  await db.schema.alterTable("inquiries").dropColumn("round_number").execute();
  await db.schema.alterTable("inquiries").dropColumn("previous_round_id").execute();
}
