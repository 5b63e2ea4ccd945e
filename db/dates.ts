import { sql, type Expression, type RawBuilder } from "kysely";

/**
 * SQL for dates, the one place that knows the database's date functions (a PostgreSQL port swaps this file:
 * `to_char(($1)::timestamptz AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD')`).
 *
 * Instants are stored as UTC ISO strings (2026-06-30T16:30:00.000Z); deadlines are calendar dates in
 * Asia/Shanghai (YYYY-MM-DD). Comparing an instant with a deadline needs the instant's Shanghai date:
 * substr(instant, 1, 10) gives the UTC date, a day early for anything done between 00:00 and 08:00 Beijing time.
 * China has kept UTC+8 all year since 1991, so a fixed offset is exact for every date the system holds.
 */
export function shanghaiDateSql(instant: Expression<string | null> | string): RawBuilder<string> {
  const ref = typeof instant === "string" ? sql.ref(instant) : instant;
  return sql<string>`date(${ref}, '+8 hours')`;
}
