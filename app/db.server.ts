import { migrateToLatest, openDatabase, type DB } from "../db/client";
import { syncSearchIndex } from "./search/indexer.server";

/**
 * The process-wide database handle. Kept on globalThis so the dev server's reloads reuse its connections.
 * Code inside a transaction must use the transaction object it is given, never this handle: a write through
 * it would wait for ever for the writer the transaction holds, and a read would not see the transaction's
 * own changes (it goes to a read-only connection).
 */
const globalForDb = globalThis as unknown as { __xunwenDb?: DB };

export function getDb(): DB {
  if (!globalForDb.__xunwenDb) globalForDb.__xunwenDb = openDatabase(); // DATABASE_URL (PostgreSQL) or the SQLite file: db/engine.ts
  return globalForDb.__xunwenDb;
}

/** Called once by server.mjs before it listens. */
export async function prepareDatabase(): Promise<void> {
  await migrateToLatest(getDb());
  // documents queued by migrations (a re-index) or by writes of another process are built before serving
  await syncSearchIndex(getDb());
}
