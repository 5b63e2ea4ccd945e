import { sql, type Kysely, type Transaction } from "kysely";
import { engineOf } from "../../db/engine";

/**
 * Scheduled work that must run once across all server processes (issue 18; docs/decisions/0181): every process
 * runs the hourly timer of server.mjs, and the first to take the job's lock does the work while the others skip it.
 */

export type Exclusive<T> = { ran: true; value: T } | { ran: false };

/**
 * Runs `fn` in one transaction holding the lock named `name` — or not at all when another process holds it now.
 * PostgreSQL: pg_try_advisory_xact_lock on the name (released at commit or rollback; never waits). SQLite: the
 * transaction itself, which holds the single writer (BEGIN IMMEDIATE), so two runs never overlap; SQLite serves
 * from one process anyway. `fn` must itself see whether the work is still due (another process may have done it
 * just before): the lock keeps runs apart, it does not remember them.
 */
export async function runExclusively<DB, T>(db: Kysely<DB>, name: string, fn: (trx: Transaction<DB>) => Promise<T>): Promise<Exclusive<T>> {
  return db.transaction().execute(async (trx) => {
    if (engineOf(trx) === "postgres") {
      const { rows } = await sql<{ locked: boolean }>`select pg_try_advisory_xact_lock(hashtextextended(${`xunwen-job:${name}`}, 0)) as locked`.execute(trx);
      if (!rows[0]?.locked) return { ran: false as const };
    }
    return { ran: true as const, value: await fn(trx) };
  });
}
