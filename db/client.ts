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

export function openDatabase(filename: string = databasePath(), options: { readers?: number } = {}): DB {
  if (filename !== ":memory:") mkdirSync(dirname(filename), { recursive: true });
  const slowMs = Number(process.env.XUNWEN_LOG_SLOW_MS);
  return new Kysely<Database>({
    dialect: new Sqlite3Dialect({
      filename,
      busyTimeoutMs: 5000,
      readers: options.readers ?? readerCount(),
      ...(Number.isFinite(slowMs) && slowMs >= 0
        ? { onTransactionEnd: (ms: number) => ms >= slowMs && console.error(`[sql transaction held the writer ${ms.toFixed(1)} ms]`) }
        : {}),
    }),
    // XUNWEN_LOG_SLOW_MS=n: a slow-query log on stderr (statements, and transactions, that took n ms or more)
    ...(Number.isFinite(slowMs) && slowMs >= 0
      ? {
          log: (event: LogEvent) => {
            if (event.queryDurationMillis >= slowMs) console.error(`[sql ${event.queryDurationMillis.toFixed(1)} ms] ${event.query.sql.slice(0, 300)}`);
          },
        }
      : {}),
  });
}

export async function migrateToLatest(db: DB): Promise<MigrationResultSet> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const result = await migrator.migrateToLatest();
  if (result.error) throw result.error;
  return result;
}
