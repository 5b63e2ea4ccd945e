/**
 * A Kysely dialect for the asynchronous `sqlite3` driver.
 *
 * Kysely's built-in SqliteDialect expects a synchronous driver (better-sqlite3). The project is bound to
 * `sqlite3`, which upstream has deprecated, so the driver lives behind this one module: replacing it means
 * rewriting this file only. See docs/decisions/0001-sqlite3-dialect.md.
 *
 * One connection serves the whole process. A mutex hands it to one user at a time, so a transaction holds
 * the connection alone from BEGIN to COMMIT. Transactions start with BEGIN IMMEDIATE: they take the write
 * lock up front, so two processes never deadlock upgrading a read lock (SQLITE_BUSY).
 */
import sqlite3 from "sqlite3";
import {
  CompiledQuery,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from "kysely";

export interface Sqlite3DialectConfig {
  /** Path of the database file, or ":memory:". */
  filename: string;
  /** Milliseconds a statement waits for another process's lock before failing. */
  busyTimeoutMs?: number;
}

export class Sqlite3Dialect implements Dialect {
  constructor(private readonly config: Sqlite3DialectConfig) {}
  createAdapter(): DialectAdapter {
    return new SqliteAdapter();
  }
  createDriver(): Driver {
    return new Sqlite3Driver(this.config);
  }
  createQueryCompiler(): QueryCompiler {
    return new SqliteQueryCompiler();
  }
  createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new SqliteIntrospector(db);
  }
}

/** A FIFO lock: whoever holds it owns the connection. */
class Mutex {
  #tail: Promise<void> = Promise.resolve();
  #release: (() => void) | undefined;
  async lock(): Promise<void> {
    let release!: () => void;
    const next = new Promise<void>((resolve) => (release = resolve));
    const previous = this.#tail;
    this.#tail = previous.then(() => next);
    await previous;
    this.#release = release;
  }
  unlock(): void {
    const release = this.#release;
    this.#release = undefined;
    release?.();
  }
}

class Sqlite3Driver implements Driver {
  #db: sqlite3.Database | undefined;
  #connection: Sqlite3Connection | undefined;
  readonly #mutex = new Mutex();

  constructor(private readonly config: Sqlite3DialectConfig) {}

  async init(): Promise<void> {
    this.#db = await new Promise<sqlite3.Database>((resolve, reject) => {
      const db = new sqlite3.Database(this.config.filename, (err) => (err ? reject(err) : resolve(db)));
    });
    this.#connection = new Sqlite3Connection(this.#db);
    const busy = Math.max(0, Math.floor(this.config.busyTimeoutMs ?? 5000));
    try {
      // busy_timeout first, so the pragmas below wait for another process instead of failing at once
      for (const pragma of [`PRAGMA busy_timeout = ${busy}`, "PRAGMA foreign_keys = ON", "PRAGMA synchronous = NORMAL"]) {
        await this.#connection.executeQuery(CompiledQuery.raw(pragma));
      }
      // Switching a brand-new file to WAL needs an exclusive lock, which the busy handler does not wait for:
      // retry briefly when two processes open a fresh database at the same moment.
      for (let attempt = 0; ; attempt++) {
        try {
          await this.#connection.executeQuery(CompiledQuery.raw("PRAGMA journal_mode = WAL"));
          break;
        } catch (error) {
          if (!String((error as Error).message).includes("SQLITE_BUSY") || attempt >= 50) throw error;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
    } catch (error) {
      // do not leak the handle when Kysely retries init
      await this.destroy().catch(() => undefined);
      throw error;
    }
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    await this.#mutex.lock();
    return this.#connection!;
  }

  async beginTransaction(connection: DatabaseConnection, _settings: TransactionSettings): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("BEGIN IMMEDIATE"));
  }
  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("COMMIT"));
  }
  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("ROLLBACK"));
  }
  async savepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`SAVEPOINT "${name.replace(/"/g, "")}"`));
  }
  async rollbackToSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`ROLLBACK TO SAVEPOINT "${name.replace(/"/g, "")}"`));
  }
  async releaseSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`RELEASE SAVEPOINT "${name.replace(/"/g, "")}"`));
  }

  async releaseConnection(): Promise<void> {
    this.#mutex.unlock();
  }

  async destroy(): Promise<void> {
    const db = this.#db;
    this.#db = undefined;
    if (!db) return;
    await new Promise<void>((resolve, reject) => db.close((err) => (err ? reject(err) : resolve())));
  }
}

/** sqlite3 binds a Date as a number and a BigInt as NULL: normalise before binding. */
function toSqliteParameter(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "bigint") {
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
      throw new RangeError("integer parameter exceeds the safe range");
    }
    return Number(value);
  }
  if (typeof value === "boolean") return value ? 1 : 0;
  return value;
}

/** Queries whose result rows matter are read with all(); the rest run with run() to learn changes/lastID. */
function returnsRows(query: CompiledQuery): boolean {
  const node = query.query as { kind?: string; returning?: unknown };
  if (!node || node.kind === "SelectQueryNode" || node.kind === "RawNode") return true;
  return Boolean(node.returning);
}

class Sqlite3Connection implements DatabaseConnection {
  constructor(private readonly db: sqlite3.Database) {}

  executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const parameters = compiledQuery.parameters.map(toSqliteParameter);
    const { sql } = compiledQuery;
    if (returnsRows(compiledQuery)) {
      return new Promise((resolve, reject) => {
        this.db.all(sql, parameters, (err, rows) => (err ? reject(err) : resolve({ rows: rows as R[] })));
      });
    }
    return new Promise((resolve, reject) => {
      this.db.run(sql, parameters, function (this: sqlite3.RunResult, err: Error | null) {
        if (err) return reject(err);
        resolve({
          rows: [],
          numAffectedRows: BigInt(this.changes),
          insertId: this.lastID !== undefined ? BigInt(this.lastID) : undefined,
        });
      });
    });
  }

  async *streamQuery<R>(compiledQuery: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    // sqlite3 has no cursor that fits Kysely's stream; one result is correct for the sizes we read.
    yield await this.executeQuery<R>(compiledQuery);
  }
}
