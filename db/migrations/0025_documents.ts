import { sql, type Kysely } from "kysely";
import { id } from "./portable";
import { DEFAULT_LETTER_TEMPLATES } from "../../app/documents/letter-kinds";

/**
 * Issue 17: formal letters and the working-day calendar (docs/decisions/0100, 0101).
 * - letter_templates: the administrator's editable title and body of each kind of letter;
 * - letters: every letter made, frozen as sent (its paragraphs and list), with its 文号: one serial per year,
 *   unique in the database (year, serial), so two letters made at once can never share a number;
 * - calendar_years / calendar_days: the year's holidays and 调休 working days as the State Council announced
 *   them, loaded by the administrator; a year is "loaded" once it has a calendar_years row;
 * - rectification_items.deadline_workdays: an item whose deadline was given as N 工作日 keeps N, so its days
 *   left are counted in working days.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("letter_templates")
    .addColumn("kind", "text", (c) => c.primaryKey())
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("updated_by", "integer", (c) => c.references("users.id"))
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  const now = new Date().toISOString();
  for (const [kind, t] of Object.entries(DEFAULT_LETTER_TEMPLATES)) {
    await db.insertInto("letter_templates").values({ kind, title: t.title, body: t.body, updated_at: now }).execute();
  }

  await db.schema
    .createTable("letters")
    .addColumn("id", "integer", id(db))
    .addColumn("inquiry_id", "integer", (c) => c.notNull().references("inquiries.id").onDelete("cascade"))
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("year", "integer", (c) => c.notNull())
    .addColumn("serial", "integer", (c) => c.notNull())
    .addColumn("doc_number", "text", (c) => c.notNull())
    .addColumn("organization_id", "integer", (c) => c.references("organizations.id"))
    .addColumn("addressee", "text", (c) => c.notNull())
    .addColumn("title", "text", (c) => c.notNull())
    // the body as sent: JSON array of paragraphs; the list as sent: JSON array of { text, deadline? }
    .addColumn("paragraphs_json", "text", (c) => c.notNull())
    .addColumn("list_json", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("note", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("sender", "text", (c) => c.notNull())
    .addColumn("letter_date", "text", (c) => c.notNull())
    .addColumn("chase_up_id", "integer", (c) => c.references("chase_ups.id"))
    .addColumn("created_by", "integer", (c) => c.references("users.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("letters_year_serial").on("letters").columns(["year", "serial"]).unique().execute();
  await db.schema.createIndex("letters_doc_number").on("letters").column("doc_number").unique().execute();
  await db.schema.createIndex("letters_inquiry").on("letters").columns(["inquiry_id", "id"]).execute();
  await db.schema.createIndex("letters_chase_up").on("letters").column("chase_up_id").unique().where(sql.ref("chase_up_id"), "is not", null).execute();

  await db.schema
    .createTable("calendar_years")
    .addColumn("year", "integer", (c) => c.primaryKey())
    .addColumn("source", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("loaded_by", "integer", (c) => c.references("users.id"))
    .addColumn("loaded_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createTable("calendar_days")
    .addColumn("date", "text", (c) => c.primaryKey())
    .addColumn("year", "integer", (c) => c.notNull().references("calendar_years.year").onDelete("cascade"))
    // holiday: a weekday off (法定节假日及调休放假); workday: a weekend day worked (调休上班)
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('holiday', 'workday')`))
    .addColumn("name", "text", (c) => c.notNull().defaultTo(""))
    .execute();
  await db.schema.createIndex("calendar_days_year").on("calendar_days").columns(["year", "date"]).execute();

  await db.schema.alterTable("rectification_items").addColumn("deadline_workdays", "integer").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("rectification_items").dropColumn("deadline_workdays").execute();
  await db.schema.dropTable("calendar_days").execute();
  await db.schema.dropTable("calendar_years").execute();
  await db.schema.dropTable("letters").execute();
  await db.schema.dropTable("letter_templates").execute();
}
