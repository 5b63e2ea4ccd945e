import { Kysely, Migrator, type LogEvent, type MigrationResultSet } from "kysely";
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { migrations } from "./migrations/index";
import type { Database } from "./schema";
import { Sqlite3Dialect } from "./sqlite3-dialect";

export type DB = Kysely<Database>;

/** Where the database lives: XUNWEN_DB_PATH, or data/xunwen.db under the working directory. */
export function databasePath(): string {
  return resolve(process.env.XUNWEN_DB_PATH || "data/xunwen.db");
}

/** Read-only connections beside the writer: XUNWEN_DB_READERS, or 2 (the machines have 2 cores). */
function readerCount(): number {
  const n = Number(process.env.XUNWEN_DB_READERS);
  return Number.isInteger(n) && n >= 0 && n <= 16 ? n : 2;
}

/** XUNWEN_LOG_SLOW_MS=n: log statements, and write transactions, that took n ms or more (stderr). */
function slowLogThreshold(): number | undefined {
  const raw = process.env.XUNWEN_LOG_SLOW_MS;
  const n = raw ? Number(raw) : NaN;
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

export function openDatabase(filename: string = databasePath()): DB {
  if (filename !== ":memory:") mkdirSync(dirname(filename), { recursive: true });
  const slowMs = slowLogThreshold();
  const dialect = new Sqlite3Dialect({
    filename,
    busyTimeoutMs: 5000,
    readers: readerCount(),
    onTransactionEnd: slowMs === undefined ? undefined : (ms) => void (ms >= slowMs && console.error(`[sql transaction held the writer ${ms.toFixed(1)} ms]`)),
  });
  if (slowMs === undefined) return new Kysely<Database>({ dialect });
  return new Kysely<Database>({
    dialect,
    log: (event: LogEvent) => {
      if (event.queryDurationMillis >= slowMs) console.error(`[sql ${event.queryDurationMillis.toFixed(1)} ms] ${event.query.sql.slice(0, 300)}`);
    },
  });
}

export async function migrateToLatest(db: DB): Promise<MigrationResultSet> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const result = await migrator.migrateToLatest();
  if (result.error) throw result.error;
  return result;
}
