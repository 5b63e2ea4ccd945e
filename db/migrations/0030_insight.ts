import { type Kysely } from "kysely";
import { id } from "./portable";

/**
 * Insight (issue 22, docs/decisions/0120-0123):
 * - recurring_links: staff decisions on the recurring-problem groups, as pairs of problem keys ("item:12",
 *   "question:5", "finding:3"; a_key < b_key): `same` (confirmed together) or `different` (split apart). The
 *   groups themselves are computed from the text each time (app/insight/recurring.server.ts) and obey these.
 * - pii_reviews: a reviewed personal-data hit in text to be published: the field it stands in ("turn:12:body"),
 *   the characters, the kind, and the decision — `redact` (published as 某/＊＊) or `not_personal` (kept).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("recurring_links")
    .addColumn("a_key", "text", (c) => c.notNull())
    .addColumn("b_key", "text", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("decided_by", "integer", (c) => c.references("users.id"))
    .addColumn("decided_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("recurring_links_pk", ["a_key", "b_key"])
    .execute();

  await db.schema
    .createTable("pii_reviews")
    .addColumn("id", "integer", id(db))
    .addColumn("inquiry_id", "integer", (c) => c.notNull().references("inquiries.id").onDelete("cascade"))
    .addColumn("source", "text", (c) => c.notNull())
    .addColumn("match", "text", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("decision", "text", (c) => c.notNull())
    .addColumn("decided_by", "integer", (c) => c.references("users.id"))
    .addColumn("decided_at", "text", (c) => c.notNull())
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema.createIndex("pii_reviews_hit").on("pii_reviews").columns(["inquiry_id", "source", "match"]).unique().execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("pii_reviews").execute();
  await db.schema.dropTable("recurring_links").execute();
}
