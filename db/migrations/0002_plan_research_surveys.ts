import type { Kysely } from "kysely";
import { id } from "./portable";

/** The work plan and its council decisions, attachments, pre-inquiry research, delegated county surveys. */
export async function up(db: Kysely<any>): Promise<void> {
  const richText = (table: any, prefix: string) =>
    table
      .addColumn(`${prefix}_json`, "text", (c: any) => c.notNull().defaultTo(""))
      .addColumn(`${prefix}_text`, "text", (c: any) => c.notNull().defaultTo(""))
      .addColumn(`${prefix}_html`, "text", (c: any) => c.notNull().defaultTo(""));

  for (const column of ["plan_json", "plan_text", "plan_html"]) {
    await db.schema.alterTable("inquiries").addColumn(column, "text", (c) => c.notNull().defaultTo("")).execute();
  }
  // draft | submitted | approved | rejected
  await db.schema.alterTable("inquiries").addColumn("plan_status", "text", (c) => c.notNull().defaultTo("draft")).execute();

  await db.schema
    .createTable("plan_decisions")
    .addColumn("id", "integer", id(db))
    .addColumn("inquiry_id", "integer", (c) => c.notNull().references("inquiries.id").onDelete("cascade"))
    // submitted | approved | rejected
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("decided_on", "text")
    .addColumn("note", "text", (c) => c.notNull().defaultTo(""))
    // the plan as it stood when submitted or decided, so history shows what the council saw
    .addColumn("plan_html", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("actor_id", "integer", (c) => c.references("users.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("plan_decisions_inquiry").on("plan_decisions").column("inquiry_id").execute();

  await db.schema
    .createTable("attachments")
    .addColumn("id", "integer", id(db))
    .addColumn("inquiry_id", "integer", (c) => c.references("inquiries.id").onDelete("cascade"))
    // inquiry_plan | research_activity | survey_request | survey_report
    .addColumn("owner_type", "text", (c) => c.notNull())
    .addColumn("owner_id", "integer", (c) => c.notNull())
    .addColumn("file_name", "text", (c) => c.notNull())
    .addColumn("mime_type", "text", (c) => c.notNull())
    .addColumn("size", "integer", (c) => c.notNull())
    .addColumn("sha256", "text", (c) => c.notNull())
    .addColumn("uploaded_by", "integer", (c) => c.references("users.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("attachments_owner").on("attachments").columns(["owner_type", "owner_id"]).execute();

  await richText(
    db.schema
      .createTable("research_activities")
      .addColumn("id", "integer", id(db))
      .addColumn("inquiry_id", "integer", (c) => c.notNull().references("inquiries.id").onDelete("cascade"))
      // 专题调研 | 视察 | 座谈会 | 暗访 | 现场推进会 | 其他
      .addColumn("kind", "text", (c) => c.notNull())
      .addColumn("title", "text", (c) => c.notNull())
      .addColumn("start_date", "text", (c) => c.notNull())
      .addColumn("end_date", "text", (c) => c.notNull())
      .addColumn("places", "text", (c) => c.notNull().defaultTo(""))
      .addColumn("participants", "text", (c) => c.notNull().defaultTo("")),
    "findings",
  )
    .addColumn("version", "integer", (c: any) => c.notNull().defaultTo(1))
    .addColumn("created_by", "integer", (c: any) => c.references("users.id"))
    .addColumn("created_at", "text", (c: any) => c.notNull())
    .addColumn("updated_at", "text", (c: any) => c.notNull())
    .execute();
  await db.schema.createIndex("research_activities_inquiry").on("research_activities").column("inquiry_id").execute();

  await db.schema
    .createTable("research_findings")
    .addColumn("id", "integer", id(db))
    .addColumn("inquiry_id", "integer", (c) => c.notNull().references("inquiries.id").onDelete("cascade"))
    .addColumn("activity_id", "integer", (c) => c.references("research_activities.id").onDelete("cascade"))
    .addColumn("text", "text", (c) => c.notNull())
    .addColumn("created_by", "integer", (c) => c.references("users.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("research_findings_inquiry").on("research_findings").column("inquiry_id").execute();

  await richText(
    db.schema
      .createTable("survey_requests")
      .addColumn("id", "integer", id(db))
      .addColumn("inquiry_id", "integer", (c) => c.notNull().references("inquiries.id").onDelete("cascade"))
      .addColumn("title", "text", (c) => c.notNull())
      .addColumn("due_date", "text", (c) => c.notNull()),
    "brief",
  )
    .addColumn("created_by", "integer", (c: any) => c.references("users.id"))
    .addColumn("created_at", "text", (c: any) => c.notNull())
    .execute();

  await richText(
    db.schema
      .createTable("survey_delegations")
      .addColumn("id", "integer", id(db))
      .addColumn("request_id", "integer", (c) => c.notNull().references("survey_requests.id").onDelete("cascade"))
      .addColumn("inquiry_id", "integer", (c) => c.notNull().references("inquiries.id").onDelete("cascade"))
      .addColumn("organization_id", "integer", (c) => c.notNull().references("organizations.id"))
      // pending | submitted | accepted | returned
      .addColumn("status", "text", (c) => c.notNull().defaultTo("pending")),
    "report",
  )
    .addColumn("return_comment", "text", (c: any) => c.notNull().defaultTo(""))
    .addColumn("draft_saved_at", "text")
    .addColumn("submitted_at", "text")
    .addColumn("accepted_at", "text")
    .addColumn("version", "integer", (c: any) => c.notNull().defaultTo(1))
    .addColumn("created_at", "text", (c: any) => c.notNull())
    .addColumn("updated_at", "text", (c: any) => c.notNull())
    .addUniqueConstraint("survey_delegations_request_org", ["request_id", "organization_id"])
    .execute();
  await db.schema.createIndex("survey_delegations_org").on("survey_delegations").columns(["organization_id", "status"]).execute();
  await db.schema.createIndex("survey_delegations_inquiry").on("survey_delegations").column("inquiry_id").execute();

  await db.schema
    .createTable("survey_events")
    .addColumn("id", "integer", id(db))
    .addColumn("delegation_id", "integer", (c) => c.notNull().references("survey_delegations.id").onDelete("cascade"))
    // delegated | draft_saved | submitted | returned | accepted
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("comment", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("actor_id", "integer", (c) => c.references("users.id"))
    .addColumn("actor_label", "text", (c) => c.notNull())
    .addColumn("at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("survey_events_delegation").on("survey_events").column("delegation_id").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ["survey_events", "survey_delegations", "survey_requests", "research_findings", "research_activities", "attachments", "plan_decisions"]) {
    await db.schema.dropTable(table).execute();
  }
  for (const column of ["plan_status", "plan_html", "plan_text", "plan_json"]) {
    await db.schema.alterTable("inquiries").dropColumn(column).execute();
  }
}
