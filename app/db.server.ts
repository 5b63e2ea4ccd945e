import { databasePath, migrateToLatest, openDatabase, type DB } from "../db/client";

/**
 * The process-wide database handle. Kept on globalThis so the dev server's reloads reuse one connection.
 * Code inside a transaction must use the transaction object it is given, never this handle: the single
 * connection is held by the transaction and a second acquire would wait for ever.
 */
const globalForDb = globalThis as unknown as { __xunwenDb?: DB };

export function getDb(): DB {
  if (!globalForDb.__xunwenDb) globalForDb.__xunwenDb = openDatabase(databasePath());
  return globalForDb.__xunwenDb;
}

/** Called once by server.mjs before it listens. */
export async function prepareDatabase(): Promise<void> {
  await migrateToLatest(getDb());
}
