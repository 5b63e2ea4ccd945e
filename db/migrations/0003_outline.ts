import type { Kysely } from "kysely";
import { id } from "./portable";

/** 询问提纲: keywords and questions with their sources, versions sent to the council, proposals, answers. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("outline_keywords")
    .addColumn("id", "integer", id(db))
    .addColumn("inquiry_id", "integer", (c) => c.notNull().references("inquiries.id").onDelete("cascade"))
    .addColumn("keyword", "text", (c) => c.notNull())
    .addColumn("headline", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("position", "integer", (c) => c.notNull())
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("outline_keywords_inquiry").on("outline_keywords").columns(["inquiry_id", "position"]).execute();

  await db.schema
    .createTable("outline_questions")
    .addColumn("id", "integer", id(db))
    .addColumn("inquiry_id", "integer", (c) => c.notNull().references("inquiries.id").onDelete("cascade"))
    .addColumn("keyword_id", "integer", (c) => c.notNull().references("outline_keywords.id"))
    .addColumn("text", "text", (c) => c.notNull())
    // the responding department (an organisation of kind government or department)
    .addColumn("department_id", "integer", (c) => c.notNull().references("organizations.id"))
    // a member account, or a named deputy without an account (then questioner_user_id is null)
    .addColumn("questioner_user_id", "integer", (c) => c.references("users.id"))
    .addColumn("questioner_name", "text", (c) => c.notNull().defaultTo(""))
    // e.g. 市人大常委会委员 / 市人大代表
    .addColumn("questioner_role", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("position", "integer", (c) => c.notNull())
    .addColumn("staff_notes", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("outline_questions_inquiry").on("outline_questions").columns(["inquiry_id", "keyword_id", "position"]).execute();
  await db.schema.createIndex("outline_questions_department").on("outline_questions").columns(["department_id", "inquiry_id"]).execute();

  await db.schema
    .createTable("outline_question_sources")
    .addColumn("question_id", "integer", (c) => c.notNull().references("outline_questions.id").onDelete("cascade"))
    // finding (research_findings.id) | survey_report (survey_delegations.id)
    .addColumn("source_type", "text", (c) => c.notNull())
    .addColumn("source_id", "integer", (c) => c.notNull())
    .addPrimaryKeyConstraint("outline_question_sources_pk", ["question_id", "source_type", "source_id"])
    .execute();

  await db.schema
    .createTable("outline_versions")
    .addColumn("id", "integer", id(db))
    .addColumn("inquiry_id", "integer", (c) => c.notNull().references("inquiries.id").onDelete("cascade"))
    .addColumn("number", "integer", (c) => c.notNull())
    // submitted | approved | rejected
    .addColumn("status", "text", (c) => c.notNull())
    // the frozen outline: keywords with their questions, as JSON
    .addColumn("snapshot_json", "text", (c) => c.notNull())
    .addColumn("submitted_by", "integer", (c) => c.references("users.id"))
    .addColumn("submitted_at", "text", (c) => c.notNull())
    .addColumn("decided_on", "text")
    .addColumn("decision_note", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("decided_by", "integer", (c) => c.references("users.id"))
    .addColumn("issued_at", "text")
    .addColumn("issued_by", "integer", (c) => c.references("users.id"))
    .addUniqueConstraint("outline_versions_number", ["inquiry_id", "number"])
    .execute();

  await db.schema
    .createTable("outline_proposals")
    .addColumn("id", "integer", id(db))
    .addColumn("inquiry_id", "integer", (c) => c.notNull().references("inquiries.id").onDelete("cascade"))
    .addColumn("member_id", "integer", (c) => c.notNull().references("users.id"))
    .addColumn("text", "text", (c) => c.notNull())
    .addColumn("department_id", "integer", (c) => c.references("organizations.id"))
    .addColumn("keyword", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("source_note", "text", (c) => c.notNull().defaultTo(""))
    // pending | accepted | declined
    .addColumn("status", "text", (c) => c.notNull().defaultTo("pending"))
    .addColumn("decline_reason", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("question_id", "integer", (c) => c.references("outline_questions.id").onDelete("set null"))
    .addColumn("decided_by", "integer", (c) => c.references("users.id"))
    .addColumn("decided_at", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("outline_proposals_inquiry").on("outline_proposals").columns(["inquiry_id", "status"]).execute();
  await db.schema.createIndex("outline_proposals_member").on("outline_proposals").column("member_id").execute();

  await db.schema
    .createTable("preparation_answers")
    .addColumn("id", "integer", id(db))
    .addColumn("question_id", "integer", (c) => c.notNull().unique().references("outline_questions.id").onDelete("cascade"))
    .addColumn("inquiry_id", "integer", (c) => c.notNull().references("inquiries.id").onDelete("cascade"))
    .addColumn("department_id", "integer", (c) => c.notNull().references("organizations.id"))
    .addColumn("answer_json", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("answer_text", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("answer_html", "text", (c) => c.notNull().defaultTo(""))
    // draft | submitted
    .addColumn("status", "text", (c) => c.notNull().defaultTo("draft"))
    .addColumn("submitted_at", "text")
    .addColumn("author_id", "integer", (c) => c.references("users.id"))
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("preparation_answers_department").on("preparation_answers").columns(["department_id", "inquiry_id"]).execute();

  // the outline as a whole: its status and the version issued to the departments
  await db.schema.alterTable("inquiries").addColumn("outline_status", "text", (c) => c.notNull().defaultTo("draft")).execute();
  await db.schema.alterTable("inquiries").addColumn("outline_issued_version_id", "integer").execute();
  // bumped by every outline edit: a save based on an older revision is refused (two editors never overwrite)
  await db.schema.alterTable("inquiries").addColumn("outline_revision", "integer", (c) => c.notNull().defaultTo(1)).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const column of ["outline_revision", "outline_issued_version_id", "outline_status"]) {
    await db.schema.alterTable("inquiries").dropColumn(column).execute();
  }
  for (const table of ["preparation_answers", "outline_proposals", "outline_versions", "outline_question_sources", "outline_questions", "outline_keywords"]) {
    await db.schema.dropTable(table).execute();
  }
}
