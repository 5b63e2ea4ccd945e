import { sql, type Expression, type Kysely, type RawBuilder } from "kysely";
import { engineOf } from "./engine";

/**
 * SQL for dates, the one place that knows the database's date functions (SQLite's date(), PostgreSQL's
 * timestamptz arithmetic). Date arithmetic on a parameter (today + 7 days) is done in TypeScript
 * (app/utils/time.ts addDays), not in SQL.
 *
 * Instants are stored as UTC ISO strings (2026-06-30T16:30:00.000Z); deadlines are calendar dates in
 * Asia/Shanghai (YYYY-MM-DD). Comparing an instant with a deadline needs the instant's Shanghai date:
 * substr(instant, 1, 10) gives the UTC date, a day early for anything done between 00:00 and 08:00 Beijing time.
 * China has kept UTC+8 all year since 1991, so a fixed offset is exact for every date the system holds.
 */
export function shanghaiDateSql(db: Kysely<any>, instant: Expression<string | null> | string): RawBuilder<string> {
  const ref = typeof instant === "string" ? sql.ref(instant) : instant;
  if (engineOf(db) === "postgres") return sql<string>`to_char(cast(${ref} as timestamptz) at time zone 'UTC' + interval '8 hours', 'YYYY-MM-DD')`;
  return sql<string>`date(${ref}, '+8 hours')`;
}
