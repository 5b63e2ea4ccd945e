import { Kysely, Migrator, type MigrationResultSet } from "kysely";
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

export function openDatabase(filename: string = databasePath()): DB {
  if (filename !== ":memory:") mkdirSync(dirname(filename), { recursive: true });
  return new Kysely<Database>({ dialect: new Sqlite3Dialect({ filename, busyTimeoutMs: 5000 }) });
}

export async function migrateToLatest(db: DB): Promise<MigrationResultSet> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const result = await migrator.migrateToLatest();
  if (result.error) throw result.error;
  return result;
}
