import { sql } from "kysely";
import { openDatabase } from "../db/client";
import { QUEUE_SOURCES } from "../db/migrations/0050_staff_queue";
// the bench database was migrated with an earlier draft of 0050: add what the final one adds
const db = openDatabase("data/bench-province.db");
await sql`insert or ignore into data_versions (name, version) values ('queue', 0)`.execute(db);
for (const table of QUEUE_SOURCES) for (const event of ["insert", "update", "delete"])
  await sql.raw(`create trigger if not exists queue_version_${table}_${event} after ${event} on ${table} begin update data_versions set version = version + 1 where name = 'queue'; end`).execute(db);
await db.destroy();
