import type { Kysely } from "kysely";

/**
 * Issue 13 (docs/decisions/0150, 0152):
 * - `handling_reports.accepted_at`: the date staff confirmed a round 通过 (back-entered like every stamped event;
 *   the timeline reads it);
 * - `users.must_change_password`: 1 while the account still has the initial password the admin handed over
 *   (created one by one or by the bulk import, or reset by the admin); the sign-in flow sends such a user to
 *   change it before anything else.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("handling_reports").addColumn("accepted_at", "text").execute();
  await db.schema.alterTable("users").addColumn("must_change_password", "integer", (c) => c.notNull().defaultTo(0)).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("users").dropColumn("must_change_password").execute();
  await db.schema.alterTable("handling_reports").dropColumn("accepted_at").execute();
}
