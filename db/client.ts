import { Kysely, Migrator, type MigrationResultSet } from "kysely";
import { migrations } from "./migrations/index";
import type { Database } from "./schema";

export { databaseLocation, databasePath, engineOf, isPostgresUrl, openDatabase, type Engine } from "./engine";

export type DB = Kysely<Database>;

/**
 * Runs pending migrations. On PostgreSQL Kysely's Migrator takes an advisory lock and runs them in one
 * transaction, so servers starting together migrate once.
 */
export async function migrateToLatest(db: DB): Promise<MigrationResultSet> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const result = await migrator.migrateToLatest();
  if (result.error) throw result.error;
  return result;
}
