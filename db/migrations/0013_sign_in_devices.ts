import { sql, type Kysely } from "kysely";

/**
 * Sign-in throttling that slows the attacker, not the owner (issue 16, docs/decisions/0030):
 * - `known_devices`: browsers that signed in to an account successfully. The browser keeps a random token in
 *   a cookie; only its SHA-256 is stored (like sessions). One browser may be known to several accounts.
 * - `login_attempts.device`: the known-device hash an attempt came from ('' for an unknown browser), so a
 *   known device's failures are counted apart from the address's.
 * - Indexes for the member's inquiry scope (app/inquiries/participation.server.ts, docs/decisions/0031), read
 *   on every request of a member account.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("known_devices")
    .addColumn("device_hash", "text", (c) => c.notNull())
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("last_seen_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("known_devices_pk", ["device_hash", "user_id"])
    .execute();
  await db.schema.alterTable("login_attempts").addColumn("device", "text", (c) => c.notNull().defaultTo(sql`''`)).execute();
  await db.schema.createIndex("login_attempts_username_device_at").on("login_attempts").columns(["username", "device", "at"]).execute();
  await db.schema.createIndex("outline_questions_questioner").ifNotExists().on("outline_questions").columns(["questioner_user_id", "inquiry_id"]).execute();
  await db.schema.createIndex("meeting_segments_questioner").ifNotExists().on("meeting_segments").columns(["questioner_user_id", "inquiry_id"]).execute();
  await db.schema.createIndex("vote_ballots_member").ifNotExists().on("vote_ballots").columns(["member_id", "vote_id"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const index of ["vote_ballots_member", "meeting_segments_questioner", "outline_questions_questioner"]) {
    await db.schema.dropIndex(index).ifExists().execute();
  }
  await db.schema.dropIndex("login_attempts_username_device_at").execute();
  await db.schema.alterTable("login_attempts").dropColumn("device").execute();
  await db.schema.dropTable("known_devices").execute();
}
