import type { Kysely } from "kysely";
import { id } from "./portable";

/**
 * 审议 of the government's handling report and its publication (issue 23 item 5, docs/decisions/0043).
 *
 * - `handling_report_reviews`: the standing committee's deliberation of one round of the report — the date, the
 *   session (e.g. 市十一届人大常委会第十三次会议), the committee's opinion (审议意见, rich text) and a resolution if
 *   one was adopted; one row per round, edited with a version.
 * - `handling_reports.published_at/by`: staff publish a round (the report and its opinion) on the inquiry's
 *   public page, or take it back (null).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("handling_report_reviews")
    .addColumn("id", "integer", id(db))
    .addColumn("report_id", "integer", (c) => c.notNull().unique().references("handling_reports.id").onDelete("cascade"))
    .addColumn("inquiry_id", "integer", (c) => c.notNull().references("inquiries.id").onDelete("cascade"))
    .addColumn("reviewed_on", "text", (c) => c.notNull())
    .addColumn("session_name", "text", (c) => c.notNull())
    .addColumn("opinion_json", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("opinion_text", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("opinion_html", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("resolution", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("created_by", "integer", (c) => c.references("users.id"))
    .addColumn("updated_by", "integer", (c) => c.references("users.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("handling_report_reviews_inquiry").on("handling_report_reviews").column("inquiry_id").execute();
  await db.schema.alterTable("handling_reports").addColumn("published_at", "text").execute();
  await db.schema.alterTable("handling_reports").addColumn("published_by", "integer", (c) => c.references("users.id")).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("handling_reports").dropColumn("published_by").execute();
  await db.schema.alterTable("handling_reports").dropColumn("published_at").execute();
  await db.schema.dropTable("handling_report_reviews").execute();
}
