import { sql, type Kysely } from "kysely";
import { id } from "./portable";

/**
 * Multi-level delegation and roll-up (issue 21, docs/decisions/0160). Organisations form a tree: `parent_id`
 * (a county's departments and townships under the county congress; the city's departments under 市政府). An
 * organisation that received a delegated survey or a rectification item forwards it (下转) to organisations under
 * it: one `forwardings` row per subject and receiving organisation, with its own brief, due date, report and
 * status; the forwarding organisation accepts or returns each report and compiles the accepted ones into its own
 * answer. The city sees the rows' status (who answered, who is late), never their text.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("organizations").addColumn("parent_id", "integer", (c) => c.references("organizations.id")).execute();
  await db.schema.createIndex("organizations_parent").on("organizations").column("parent_id").execute();
  await db.schema
    .createTable("forwardings")
    .addColumn("id", "integer", id(db))
    // 'delegation' (survey_delegations.id) | 'item' (rectification_items.id)
    .addColumn("subject_type", "text", (c) => c.notNull())
    .addColumn("subject_id", "integer", (c) => c.notNull())
    .addColumn("inquiry_id", "integer", (c) => c.notNull().references("inquiries.id"))
    .addColumn("from_organization_id", "integer", (c) => c.notNull().references("organizations.id"))
    .addColumn("to_organization_id", "integer", (c) => c.notNull().references("organizations.id"))
    .addColumn("brief", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("due_date", "text", (c) => c.notNull())
    // pending | submitted | accepted | returned
    .addColumn("status", "text", (c) => c.notNull().defaultTo("pending"))
    .addColumn("report_json", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("report_text", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("report_html", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("return_comment", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("submitted_at", "text")
    .addColumn("accepted_at", "text")
    .addColumn("compiled_at", "text")
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("created_by", "integer", (c) => c.references("users.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("forwardings_subject_to").unique().on("forwardings").columns(["subject_type", "subject_id", "to_organization_id"]).execute();
  await db.schema.createIndex("forwardings_to").on("forwardings").column("to_organization_id").execute();
  await db.schema.createIndex("forwardings_from").on("forwardings").column("from_organization_id").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("forwardings").execute();
  await sql`drop index if exists organizations_parent`.execute(db);
  await db.schema.alterTable("organizations").dropColumn("parent_id").execute();
}
