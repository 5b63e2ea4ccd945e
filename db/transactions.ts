/**
 * Write transactions that hold on both engines (issue 18; docs/decisions/0175-transaction-locks.md).
 *
 * SQLite runs one write transaction at a time (BEGIN IMMEDIATE + the writer mutex in db/sqlite3-dialect.ts),
 * so "read → check in JavaScript → write" is safe there. PostgreSQL at READ COMMITTED runs them side by side:
 * two saves from one version both pass the version check, two creations read the same max()+1. The domain
 * code therefore takes, at the read its decision rests on, the lock that makes it hold on PostgreSQL too:
 *
 * - `lockRow(trx, table, id)` / `.$call(forUpdate(trx))`: a row lock (FOR NO KEY UPDATE) on the record
 *   before its version check, or on the parent row before a max()+1 number or a length+1 position.
 * - `advisoryLock(trx, key)`: a transaction-scoped lock on a name, where no row stands for the decision
 *   (a user name's sign-in throttle, a year's letter serials, a name that must stay free).
 * - `writeTransaction(db, fn)`: the transaction itself, run again on a serialisation failure or deadlock
 *   (40001/40P01) as a safety net; the locks are what make those rare.
 *
 * On SQLite every lock is a no-op (SQLite rejects FOR UPDATE, and its single writer already serialises), so
 * this module costs SQLite nothing. The engine is read from the Kysely adapter in one place: `engineOf` (db/engine.ts).
 *
 * Lock order (a transaction that takes several locks takes them in this order, so two never wait on each
 * other in a cycle): advisory locks first; then rows from parent to child (organisation → inquiry → its
 * records → their children); exclusive locks only (no FOR SHARE that would later need upgrading).
 */
import { sql, type Kysely, type SelectQueryBuilder, type Transaction } from "kysely";
import { engineOf } from "./engine";

/**
 * A modifier for `.$call()` on the SELECT that reads a record before a decision: on PostgreSQL it adds
 * FOR NO KEY UPDATE (the lock an UPDATE of non-key columns takes, so inserts of child rows, whose foreign-key
 * checks take KEY SHARE, are not blocked by it); on SQLite it leaves the query alone. With `of`, only the
 * named table's rows are locked in a join.
 */
export function forUpdate(trx: Kysely<any>, of?: string) {
  const postgres = engineOf(trx) === "postgres";
  return <Q extends SelectQueryBuilder<any, any, any>>(qb: Q): Q =>
    (postgres ? (of ? qb.forNoKeyUpdate(of as never) : qb.forNoKeyUpdate()) : qb) as Q;
}

/**
 * Locks rows by id until the transaction ends (FOR NO KEY UPDATE on PostgreSQL; nothing on SQLite). Several
 * ids are locked in ascending order, so two transactions locking overlapping sets cannot deadlock. Missing
 * rows are skipped: the caller's own read reports them.
 */
export async function lockRow(trx: Kysely<any>, table: string, ...ids: (number | null | undefined)[]): Promise<void> {
  if (engineOf(trx) !== "postgres") return;
  const wanted = [...new Set(ids.filter((id): id is number => typeof id === "number"))].sort((a, b) => a - b);
  if (wanted.length === 0) return;
  await sql`select id from ${sql.table(table)} where id in (${sql.join(wanted)}) order by id for no key update`.execute(trx);
}

/**
 * A share lock on rows by id (FOR SHARE on PostgreSQL; nothing on SQLite): for a parent whose state a change
 * of one of its children rests on but does not write (an item edit reads "the inquiry is not closed"). Many
 * such transactions hold it at once; one that changes the parent (FOR NO KEY UPDATE) waits for them, and they
 * for it. A transaction that may write the parent takes lockRow instead, from the start: a share lock is never
 * upgraded (two holders upgrading would deadlock).
 */
export async function lockRowShared(trx: Kysely<any>, table: string, ...ids: (number | null | undefined)[]): Promise<void> {
  if (engineOf(trx) !== "postgres") return;
  const wanted = [...new Set(ids.filter((id): id is number => typeof id === "number"))].sort((a, b) => a - b);
  if (wanted.length === 0) return;
  await sql`select id from ${sql.table(table)} where id in (${sql.join(wanted)}) order by id for share`.execute(trx);
}

/**
 * A transaction-scoped advisory lock on a name (PostgreSQL; nothing on SQLite): waits until no other
 * transaction holds the same name, and is released at commit or rollback. Names are prefixed by their concern,
 * e.g. "login:alice", "letter-serial:2026".
 */
export async function advisoryLock(trx: Kysely<any>, key: string): Promise<void> {
  if (engineOf(trx) !== "postgres") return;
  await sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(trx);
}

/** PostgreSQL SQLSTATEs after which the whole transaction may simply run again. */
const RETRYABLE = new Set(["40001", "40P01"]);

export function isRetryableTransactionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && RETRYABLE.has(code);
}

type RetryListener = (event: { attempt: number; code: string; message: string }) => void;
const retryListeners = new Set<RetryListener>();

/**
 * Called on every retry (tests count them: the locks should make them unnecessary). Returns the unsubscribe.
 */
export function onTransactionRetry(listener: RetryListener): () => void {
  retryListeners.add(listener);
  return () => retryListeners.delete(listener);
}

/** Attempts in all (the first and the retries) before the error is passed on. */
const MAX_ATTEMPTS = 5;

/**
 * Runs `fn` in a write transaction, or in the caller's when `db` already is one (the caller then owns the
 * retry). On PostgreSQL a serialisation failure or deadlock (40001/40P01) rolls back and runs `fn` again, at
 * most MAX_ATTEMPTS times in all, after a short random pause; `fn` must therefore do nothing outside `trx`
 * that cannot be repeated. Any other error, and every error on SQLite, passes straight through.
 */
export async function writeTransaction<DB, T>(db: Kysely<DB>, fn: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
  if (db.isTransaction) return fn(db as Transaction<DB>);
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute(fn);
    } catch (error) {
      if (attempt >= MAX_ATTEMPTS || !isRetryableTransactionError(error)) throw error;
      const event = { attempt, code: String((error as { code: string }).code), message: (error as Error).message };
      for (const listener of retryListeners) listener(event);
      console.error(`[transaction retry ${attempt}: ${event.code} ${event.message}]`);
      // spread the retries out, so the transactions that collided do not collide again at once
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
    }
  }
}
