import type { Kysely } from "kysely";
import { id } from "./portable";

const richText = (t: any, prefix: string) =>
  t
    .addColumn(`${prefix}_json`, "text", (c: any) => c.notNull().defaultTo(""))
    .addColumn(`${prefix}_text`, "text", (c: any) => c.notNull().defaultTo(""))
    .addColumn(`${prefix}_html`, "text", (c: any) => c.notNull().defaultTo(""));

/** 整改督办 and 办结: items, co-departments, progress, extensions, history, handling reports, settings. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("settings")
    .addColumn("key", "text", (c) => c.primaryKey())
    .addColumn("value", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("rectification_items")
    .addColumn("id", "integer", id(db))
    .addColumn("inquiry_id", "integer", (c) => c.notNull().references("inquiries.id").onDelete("cascade"))
    // 序号 within the inquiry's ledger
    .addColumn("number", "integer", (c) => c.notNull())
    .addColumn("problem", "text", (c) => c.notNull())
    .addColumn("requirement", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("lead_department_id", "integer", (c) => c.notNull().references("organizations.id"))
    // calendar dates (Asia/Shanghai): the current deadline and the one first set
    .addColumn("deadline", "text", (c) => c.notNull())
    .addColumn("original_deadline", "text", (c) => c.notNull())
    // todo | in_progress | closure_requested | closed | carried_over
    .addColumn("status", "text", (c) => c.notNull().defaultTo("todo"))
    // exchange (meeting_segments.id) | finding (research_findings.id) | manual
    .addColumn("source_type", "text", (c) => c.notNull().defaultTo("manual"))
    .addColumn("source_id", "integer")
    .addColumn("carried_over_reason", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("return_comment", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("closed_at", "text")
    .addColumn("closed_by", "integer", (c) => c.references("users.id"))
    .addColumn("closing_note", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("created_by", "integer", (c) => c.references("users.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addUniqueConstraint("rectification_items_number", ["inquiry_id", "number"])
    .execute();
  await db.schema.createIndex("rectification_items_inquiry").on("rectification_items").columns(["inquiry_id", "status", "deadline"]).execute();
  await db.schema.createIndex("rectification_items_lead").on("rectification_items").columns(["lead_department_id", "status", "deadline"]).execute();
  await db.schema.createIndex("rectification_items_source").on("rectification_items").columns(["source_type", "source_id"]).execute();

  await db.schema
    .createTable("rectification_codepartments")
    .addColumn("item_id", "integer", (c) => c.notNull().references("rectification_items.id").onDelete("cascade"))
    .addColumn("organization_id", "integer", (c) => c.notNull().references("organizations.id"))
    .addPrimaryKeyConstraint("rectification_codepartments_pk", ["item_id", "organization_id"])
    .execute();
  await db.schema.createIndex("rectification_codepartments_org").on("rectification_codepartments").column("organization_id").execute();

  await richText(
    db.schema
      .createTable("progress_reports")
      .addColumn("id", "integer", id(db))
      .addColumn("item_id", "integer", (c) => c.notNull().references("rectification_items.id").onDelete("cascade"))
      .addColumn("inquiry_id", "integer", (c) => c.notNull().references("inquiries.id").onDelete("cascade"))
      .addColumn("organization_id", "integer", (c) => c.notNull().references("organizations.id"))
      .addColumn("author_id", "integer", (c) => c.references("users.id"))
      // progress | closure_request
      .addColumn("kind", "text", (c) => c.notNull().defaultTo("progress")),
    "body",
  )
    .addColumn("created_at", "text", (c: any) => c.notNull())
    .execute();
  await db.schema.createIndex("progress_reports_item").on("progress_reports").columns(["item_id", "created_at"]).execute();

  await db.schema
    .createTable("deadline_extensions")
    .addColumn("id", "integer", id(db))
    .addColumn("item_id", "integer", (c) => c.notNull().references("rectification_items.id").onDelete("cascade"))
    .addColumn("requested_by", "integer", (c) => c.references("users.id"))
    .addColumn("old_deadline", "text", (c) => c.notNull())
    .addColumn("requested_deadline", "text", (c) => c.notNull())
    .addColumn("reason", "text", (c) => c.notNull())
    // pending | approved | denied
    .addColumn("status", "text", (c) => c.notNull().defaultTo("pending"))
    .addColumn("decided_by", "integer", (c) => c.references("users.id"))
    .addColumn("decided_at", "text")
    .addColumn("decision_note", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("deadline_extensions_item").on("deadline_extensions").column("item_id").execute();

  await db.schema
    .createTable("item_events")
    .addColumn("id", "integer", id(db))
    .addColumn("item_id", "integer", (c) => c.notNull().references("rectification_items.id").onDelete("cascade"))
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("comment", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("actor_id", "integer", (c) => c.references("users.id"))
    .addColumn("actor_label", "text", (c) => c.notNull())
    .addColumn("at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("item_events_item").on("item_events").column("item_id").execute();

  await richText(
    db.schema
      .createTable("handling_reports")
      .addColumn("id", "integer", id(db))
      .addColumn("inquiry_id", "integer", (c) => c.notNull().references("inquiries.id").onDelete("cascade"))
      // 1 for the first report; a report voted down is followed by round 2, …
      .addColumn("round", "integer", (c) => c.notNull())
      .addColumn("due_date", "text", (c) => c.notNull()),
    "body",
  )
    // pending | submitted | accepted | resubmission_required
    .addColumn("status", "text", (c: any) => c.notNull().defaultTo("pending"))
    .addColumn("submitted_at", "text")
    .addColumn("submitted_by", "integer", (c: any) => c.references("users.id"))
    .addColumn("vote_id", "integer", (c: any) => c.references("votes.id"))
    .addColumn("version", "integer", (c: any) => c.notNull().defaultTo(1))
    .addColumn("created_at", "text", (c: any) => c.notNull())
    .addColumn("updated_at", "text", (c: any) => c.notNull())
    .addUniqueConstraint("handling_reports_round", ["inquiry_id", "round"])
    .execute();

  await db.schema.alterTable("inquiries").addColumn("rectification_public", "integer", (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable("inquiries").addColumn("closed_at", "text").execute();
  for (const column of ["closing_record_json", "closing_record_text", "closing_record_html"]) {
    await db.schema.alterTable("inquiries").addColumn(column, "text", (c) => c.notNull().defaultTo("")).execute();
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const column of ["closing_record_html", "closing_record_text", "closing_record_json", "closed_at", "rectification_public"]) {
    await db.schema.alterTable("inquiries").dropColumn(column).execute();
  }
  for (const table of ["handling_reports", "item_events", "deadline_extensions", "progress_reports", "rectification_codepartments", "rectification_items", "settings"]) {
    await db.schema.dropTable(table).execute();
  }
}
