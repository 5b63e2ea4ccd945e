/**
 * The one module that knows which database engine is in use (issue 18; docs/decisions/0170-postgresql-engine.md).
 *
 * One setting chooses it: `DATABASE_URL=postgres://…` (or `postgresql://…`) → PostgreSQL through Kysely's own
 * PostgresDialect over a `pg` pool; anything else → the SQLite file of XUNWEN_DB_PATH (data/xunwen.db), as
 * before. Domain code keeps calling Kysely; the few places whose SQL cannot be written once for both engines
 * ask `engineOf(db)` (or use a helper below), and those places live under db/ or beside the search index.
 */
import pg from "pg";
import { Kysely, PostgresAdapter, PostgresDialect, sql, type LogEvent, type RawBuilder, type SqlBool } from "kysely";
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { Database } from "./schema";
import { Sqlite3Dialect } from "./sqlite3-dialect";

export type Engine = "sqlite" | "postgres";

/** True for a PostgreSQL connection URL (postgres:// or postgresql://). */
export function isPostgresUrl(location: string | undefined): location is string {
  return !!location && /^postgres(ql)?:\/\//i.test(location);
}

/** Where the SQLite database lives: XUNWEN_DB_PATH, or data/xunwen.db under the working directory. */
export function databasePath(): string {
  return resolve(process.env.XUNWEN_DB_PATH || "data/xunwen.db");
}

/**
 * The database the process uses: DATABASE_URL when it is a PostgreSQL URL, else the SQLite file path.
 * A DATABASE_URL of any other form is refused (a typo must not silently fall back to an empty SQLite file).
 */
export function databaseLocation(): string {
  const url = process.env.DATABASE_URL?.trim();
  if (url) {
    if (!isPostgresUrl(url)) throw new Error(`DATABASE_URL must start with postgres:// or postgresql:// (got "${String(url).slice(0, 20)}…")`);
    return url;
  }
  return databasePath();
}

/** The engine behind a Kysely instance (or transaction): read from its adapter, so it is right everywhere. */
export function engineOf(db: Kysely<any>): Engine {
  return db.getExecutor().adapter instanceof PostgresAdapter ? "postgres" : "sqlite";
}

/** A non-negative integer setting, or the fallback when unset or out of range. */
function intSetting(name: string, fallback: number, max: number): number {
  const raw = process.env[name];
  const n = raw === undefined || raw === "" ? NaN : Number(raw);
  return Number.isInteger(n) && n >= 0 && n <= max ? n : fallback;
}

/** XUNWEN_LOG_SLOW_MS=n: log statements, and write transactions, that took n ms or more (stderr). */
function slowLogThreshold(): number | undefined {
  const raw = process.env.XUNWEN_LOG_SLOW_MS;
  const n = raw ? Number(raw) : NaN;
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

/**
 * Type parsers of the pool: `count(*)`, `sum()` of integers and identity values arrive as int8 and numeric,
 * which `pg` hands over as strings; the schema types say number. Values of this application stay far below
 * 2^53 (ids, counts, search keys of kind × 10^9 + id), so they are parsed as numbers.
 */
const pgTypes = new pg.TypeOverrides();
pgTypes.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pgTypes.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));

/**
 * A pool for a PostgreSQL URL. XUNWEN_PG_POOL (default 10) connections; XUNWEN_PG_STATEMENT_TIMEOUT_MS
 * (default 30 000; 0 = none) ends a runaway statement instead of holding its locks for ever. The pool's
 * 'error' listener logs a connection the server dropped while idle (without it, that error ends the process);
 * the pool replaces the connection on the next checkout.
 */
export function createPool(url: string): pg.Pool {
  const statementTimeout = intSetting("XUNWEN_PG_STATEMENT_TIMEOUT_MS", 30_000, 3_600_000);
  const pool = new pg.Pool({
    connectionString: url,
    max: Math.max(1, intSetting("XUNWEN_PG_POOL", 10, 200)),
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 15_000,
    types: pgTypes,
    ...(statementTimeout ? { statement_timeout: statementTimeout } : {}),
    // instants are stored as UTC text; the session time zone only matters to SQL that reads the clock
    options: "-c TimeZone=UTC",
    application_name: "xunwen",
  });
  pool.on("error", (error) => console.error(`[postgres] idle connection lost: ${error.message}`));
  return pool;
}

/**
 * Opens the database at `location` (a PostgreSQL URL or a SQLite file path; default databaseLocation()).
 * SQLite: the serialising dialect of db/sqlite3-dialect.ts with XUNWEN_DB_READERS read-only connections.
 */
export function openDatabase(location: string = databaseLocation()): Kysely<Database> {
  const slowMs = slowLogThreshold();
  const log =
    slowMs === undefined
      ? undefined
      : (event: LogEvent) => {
          if (event.queryDurationMillis >= slowMs) console.error(`[sql ${event.queryDurationMillis.toFixed(1)} ms] ${event.query.sql.slice(0, 300)}`);
        };
  if (isPostgresUrl(location)) return new Kysely<Database>({ dialect: new PostgresDialect({ pool: createPool(location) }), log });
  if (location !== ":memory:") mkdirSync(dirname(location), { recursive: true });
  const dialect = new Sqlite3Dialect({
    filename: location,
    busyTimeoutMs: 5000,
    readers: intSetting("XUNWEN_DB_READERS", 2, 16),
    onTransactionEnd: slowMs === undefined ? undefined : (ms) => void (ms >= slowMs && console.error(`[sql transaction held the writer ${ms.toFixed(1)} ms]`)),
  });
  return new Kysely<Database>({ dialect, log });
}

/**
 * The current instant as the application stores it (ISO 8601 UTC text with milliseconds, e.g.
 * 2026-05-01T08:00:00.000Z), computed by the database: for SQL that cannot take the time as a parameter.
 */
export function nowText(db: Kysely<any>): RawBuilder<string> {
  return engineOf(db) === "postgres"
    ? sql<string>`to_char(clock_timestamp() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`
    : sql<string>`strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`;
}

/**
 * The texts of `expr` over the group joined by `separator`, in `orderBy` order (SQLite group_concat,
 * PostgreSQL string_agg).
 */
export function groupConcat(db: Kysely<any>, expr: RawBuilder<unknown> | ReturnType<typeof sql.ref>, separator: string, orderBy?: RawBuilder<unknown> | ReturnType<typeof sql.ref>): RawBuilder<string> {
  const order = orderBy ? sql` order by ${orderBy}` : sql``;
  return engineOf(db) === "postgres"
    ? sql<string>`string_agg(cast(${expr} as text), ${sql.lit(separator)}${order})`
    : sql<string>`group_concat(${expr}, ${sql.lit(separator)}${order})`;
}

/**
 * Sets each identity sequence past the largest id in its table, after rows were written with explicit ids
 * (the demo seed, a restore, an import): otherwise PostgreSQL's next generated id collides with them.
 * SQLite keeps its AUTOINCREMENT counters itself: nothing to do there.
 */
export async function advanceIdentitySequences(db: Kysely<any>): Promise<void> {
  if (engineOf(db) !== "postgres") return;
  const { rows } = await sql<{ table_name: string; column_name: string }>`
    select table_name, column_name from information_schema.columns
    where table_schema = current_schema() and is_identity = 'YES'`.execute(db);
  for (const r of rows) {
    await sql`select setval(pg_get_serial_sequence(${r.table_name}, ${r.column_name}),
      greatest((select coalesce(max(${sql.ref(r.column_name)}), 0) from ${sql.table(r.table_name)}), 1),
      (select count(*) > 0 from ${sql.table(r.table_name)}))`.execute(db);
  }
}

/** `needle` occurs in `haystack` (case-sensitive, no wildcards): SQLite instr(), PostgreSQL strpos(). */
export function containsText(db: Kysely<any>, haystack: RawBuilder<unknown> | ReturnType<typeof sql.ref>, needle: string): RawBuilder<SqlBool> {
  return engineOf(db) === "postgres"
    ? sql<SqlBool>`strpos(${haystack}, ${needle}) > 0`
    : sql<SqlBool>`instr(${haystack}, ${needle}) > 0`;
}
