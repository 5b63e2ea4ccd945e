import { sql, type Kysely } from "kysely";
import { id } from "./portable";

/** Organisations, accounts, sessions, sign-in throttling, the audit log and the inquiry register. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("organizations")
    .addColumn("id", "integer", id(db))
    .addColumn("name", "text", (c) => c.notNull().unique())
    // government | department | county_congress | congress_office
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("active", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("sort_order", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("users")
    .addColumn("id", "integer", id(db))
    // stored lower-case; compared lower-case
    .addColumn("username", "text", (c) => c.notNull().unique())
    .addColumn("display_name", "text", (c) => c.notNull())
    // admin | staff | member | department | county
    .addColumn("role", "text", (c) => c.notNull())
    .addColumn("organization_id", "integer", (c) => c.references("organizations.id"))
    // e.g. 市人大常委会委员 / 市人大代表 for members; the title of a department liaison
    .addColumn("title", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("password_hash", "text", (c) => c.notNull())
    .addColumn("password_changed_at", "text", (c) => c.notNull())
    .addColumn("active", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("users_organization").on("users").column("organization_id").execute();

  await db.schema
    .createTable("sessions")
    // SHA-256 of the cookie token: a copy of the database does not give away live sessions
    .addColumn("id_hash", "text", (c) => c.primaryKey())
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("expires_at", "text", (c) => c.notNull())
    .addColumn("ip", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("user_agent", "text", (c) => c.notNull().defaultTo(""))
    .execute();
  await db.schema.createIndex("sessions_user").on("sessions").column("user_id").execute();

  await db.schema
    .createTable("login_attempts")
    .addColumn("id", "integer", id(db))
    .addColumn("username", "text", (c) => c.notNull())
    .addColumn("ip", "text", (c) => c.notNull())
    .addColumn("at", "text", (c) => c.notNull())
    .addColumn("success", "integer", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("login_attempts_username_at").on("login_attempts").columns(["username", "at"]).execute();
  await db.schema.createIndex("login_attempts_ip_at").on("login_attempts").columns(["ip", "at"]).execute();

  await db.schema
    .createTable("audit_log")
    .addColumn("id", "integer", id(db))
    .addColumn("at", "text", (c) => c.notNull())
    .addColumn("actor_id", "integer", (c) => c.references("users.id"))
    // kept as text so the entry stays readable after the account is renamed
    .addColumn("actor_label", "text", (c) => c.notNull())
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("entity_type", "text", (c) => c.notNull())
    .addColumn("entity_id", "text")
    .addColumn("summary", "text", (c) => c.notNull())
    .addColumn("before_json", "text")
    .addColumn("after_json", "text")
    .addColumn("ip", "text", (c) => c.notNull().defaultTo(""))
    .execute();
  await db.schema.createIndex("audit_log_at").on("audit_log").column("at").execute();
  await db.schema.createIndex("audit_log_actor").on("audit_log").columns(["actor_id", "at"]).execute();
  await db.schema.createIndex("audit_log_entity").on("audit_log").columns(["entity_type", "entity_id"]).execute();

  await db.schema
    .createTable("inquiries")
    .addColumn("id", "integer", id(db))
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("topic", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("congress", "text", (c) => c.notNull())
    .addColumn("session_name", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("organizing_body", "text", (c) => c.notNull().defaultTo(""))
    // a calendar date in Asia/Shanghai, YYYY-MM-DD
    .addColumn("meeting_date", "text")
    .addColumn("legal_basis", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("notes", "text", (c) => c.notNull().defaultTo(""))
    // plan | research | outline | meeting | rectification | closed
    .addColumn("stage", "text", (c) => c.notNull().defaultTo("plan"))
    .addColumn("created_by", "integer", (c) => c.references("users.id"))
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("inquiries_meeting_date").on("inquiries").column("meeting_date").execute();

  await db.schema
    .createTable("inquiry_organizations")
    .addColumn("inquiry_id", "integer", (c) => c.notNull().references("inquiries.id").onDelete("cascade"))
    .addColumn("organization_id", "integer", (c) => c.notNull().references("organizations.id"))
    .addPrimaryKeyConstraint("inquiry_organizations_pk", ["inquiry_id", "organization_id"])
    .execute();
  await sql`CREATE INDEX inquiry_organizations_org ON inquiry_organizations (organization_id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    "inquiry_organizations",
    "inquiries",
    "audit_log",
    "login_attempts",
    "sessions",
    "users",
    "organizations",
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
