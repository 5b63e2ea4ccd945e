import type { Kysely } from "kysely";
import { id } from "./portable";

/**
 * Action plans as rectification items (issue 21, docs/decisions/0130-action-plans-as-items.md):
 * - `action_plans` keeps each imported plan (title, file name, full text) once;
 * - an item imported from a plan has source_type 'plan', source_id the plan, and keeps its task's numbering
 *   (`plan_label`, e.g. "二、（一）1.") and source paragraph (`plan_paragraph`) as written;
 * - `organization_aliases` remembers the names staff mapped to an organisation (市卫生计生委 → 市卫生健康委员会),
 *   folded as the import folds them, so the next plan is matched without asking again.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("action_plans")
    .addColumn("id", "integer", id(db))
    .addColumn("inquiry_id", "integer", (c) => c.notNull().references("inquiries.id").onDelete("cascade"))
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("file_name", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("text", "text", (c) => c.notNull())
    .addColumn("task_count", "integer", (c) => c.notNull())
    .addColumn("created_by", "integer", (c) => c.references("users.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("action_plans_inquiry").on("action_plans").column("inquiry_id").execute();

  await db.schema.alterTable("rectification_items").addColumn("plan_label", "text", (c) => c.notNull().defaultTo("")).execute();
  await db.schema.alterTable("rectification_items").addColumn("plan_paragraph", "text", (c) => c.notNull().defaultTo("")).execute();

  await db.schema
    .createTable("organization_aliases")
    .addColumn("alias", "text", (c) => c.primaryKey())
    .addColumn("organization_id", "integer", (c) => c.notNull().references("organizations.id").onDelete("cascade"))
    .addColumn("created_by", "integer", (c) => c.references("users.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("organization_aliases_org").on("organization_aliases").column("organization_id").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("organization_aliases").execute();
  await db.schema.alterTable("rectification_items").dropColumn("plan_paragraph").execute();
  await db.schema.alterTable("rectification_items").dropColumn("plan_label").execute();
  await db.schema.dropTable("action_plans").execute();
}
