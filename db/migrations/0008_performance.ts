import { sql, type Kysely } from "kysely";
import { createTrigger, isPostgres } from "./portable";

/**
 * Indexes and a change counter found by the benchmark (docs/benchmarks/README.md, issue 8).
 *
 * - A department's /my reads its co-department items and the exchanges where its people spoke through
 *   (organization_id, item_id) and (organization_id, segment_id) instead of scanning every item and segment,
 *   its own exchanges' meetings from (department_id, kind, meeting_id), and meetings newest first by date.
 * - The staff dashboard groups items by lead department and status, and lists open items by deadline: the
 *   covering (lead, status, deadline, closed_at) index answers the first from the index alone, and
 *   (status, deadline) the second.
 * - `data_versions` counts changes to what the staff dashboard shows; triggers bump it in the writing
 *   transaction, so a cached dashboard is reused exactly as long as nothing it depends on has changed, in
 *   this process or any other (app/dashboard/dashboard.server.ts).
 */
export const DASHBOARD_SOURCES = [
  "inquiries",
  "organizations",
  "settings",
  "survey_requests",
  "survey_delegations",
  "written_replies",
  "rectification_items",
  "handling_reports",
] as const;

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex("rectification_codepartments_org_item").on("rectification_codepartments").columns(["organization_id", "item_id"]).execute();
  await db.schema.dropIndex("rectification_codepartments_org").execute();
  await db.schema.createIndex("meeting_turns_organization").on("meeting_turns").columns(["organization_id", "segment_id"]).execute();
  await db.schema.createIndex("meeting_segments_department_meeting").ifNotExists().on("meeting_segments").columns(["department_id", "kind", "meeting_id"]).execute();
  await db.schema.createIndex("meetings_date").ifNotExists().on("meetings").columns(["meeting_date", "id"]).execute();
  await db.schema
    .createIndex("rectification_items_lead_cover")
    .on("rectification_items")
    .columns(["lead_department_id", "status", "deadline", "closed_at"])
    .execute();
  await db.schema.dropIndex("rectification_items_lead").execute();
  await db.schema.createIndex("rectification_items_status_deadline").on("rectification_items").columns(["status", "deadline"]).execute();

  await db.schema
    .createTable("data_versions")
    .addColumn("name", "text", (c) => c.primaryKey())
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await sql`insert into data_versions (name, version) values ('dashboard', 0)`.execute(db);
  for (const table of DASHBOARD_SOURCES) {
    for (const event of ["insert", "update", "delete"]) {
      await createTrigger(
        db,
        `create trigger dashboard_version_${table}_${event} after ${event} on ${table} begin update data_versions set version = version + 1 where name = 'dashboard'; end`,
      );
    }
  }
  // statistics for the new indexes where SQLite judges them useful (cheap, unlike a full ANALYZE)
  if (!isPostgres(db)) await sql`pragma optimize`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of DASHBOARD_SOURCES) {
    for (const event of ["insert", "update", "delete"]) await sql.raw(`drop trigger if exists dashboard_version_${table}_${event}`).execute(db);
  }
  await db.schema.dropTable("data_versions").execute();
  await db.schema.dropIndex("rectification_items_status_deadline").execute();
  await db.schema.createIndex("rectification_items_lead").on("rectification_items").columns(["lead_department_id", "status", "deadline"]).execute();
  await db.schema.dropIndex("rectification_items_lead_cover").execute();
  await db.schema.dropIndex("meeting_turns_organization").execute();
  await db.schema.dropIndex("meeting_segments_department_meeting").execute();
  await db.schema.dropIndex("meetings_date").execute();
  await db.schema.createIndex("rectification_codepartments_org").on("rectification_codepartments").column("organization_id").execute();
  await db.schema.dropIndex("rectification_codepartments_org_item").execute();
}
