/**
 * A Kysely dialect for the asynchronous `sqlite3` driver.
 *
 * Kysely's built-in SqliteDialect expects a synchronous driver (better-sqlite3). The project is bound to
 * `sqlite3`, which upstream has deprecated, so the driver lives behind this one module: replacing it means
 * rewriting this file only. See docs/decisions/0001-sqlite3-dialect.md.
 *
 * One writer connection serves every write of the process. A mutex hands it to one user at a time, so a
 * transaction holds it alone from BEGIN to release. Transactions start with BEGIN IMMEDIATE: they take the
 * write lock up front, so two processes never deadlock upgrading a read lock (SQLITE_BUSY). SELECTs outside
 * transactions go to a small pool of read-only connections, so reads run in parallel (WAL) instead of queueing
 * behind each other and behind writes. See docs/decisions/0001 and 0006.
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
  /**
   * Read-only connections that serve SELECTs outside transactions, in parallel with each other and with the
   * writer (WAL lets readers run beside a writer). 0 sends everything through the writer; ":memory:" always does.
   */
  readers?: number;
  /** SQLite page cache per connection, in KiB. */
  cacheKib?: number;
  /** Called with how long each transaction held the writer, from BEGIN to release (a slow-transaction log). */
  onTransactionEnd?: (heldMs: number) => void;
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

/**
 * Read-only connections. A read goes to the connection with the fewest reads in flight; reads are not held
 * back for each other, because sqlite3 queues them on the connection itself and each one is a single
 * statement (nothing to keep together). Waiting for a connection to be idle would add a thread round trip
 * (about 0.3 ms here) between every two reads.
 */
class ReaderPool {
  readonly #connections: { connection: Sqlite3Connection; inFlight: number }[] = [];
  get size(): number {
    return this.#connections.length;
  }
  get connections(): Sqlite3Connection[] {
    return this.#connections.map((c) => c.connection);
  }
  add(connection: Sqlite3Connection) {
    this.#connections.push({ connection, inFlight: 0 });
  }
  async run<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    let chosen = this.#connections[0];
    for (const c of this.#connections) if (c.inFlight < chosen.inFlight) chosen = c;
    chosen.inFlight++;
    try {
      return await chosen.connection.executeQuery<R>(query);
    } finally {
      chosen.inFlight--;
    }
  }
}

async function openSqlite(filename: string, mode: number): Promise<sqlite3.Database> {
  return new Promise<sqlite3.Database>((resolve, reject) => {
    const db = new sqlite3.Database(filename, mode, (err) => (err ? reject(err) : resolve(db)));
  });
}

async function closeSqlite(db: sqlite3.Database): Promise<void> {
  await new Promise<void>((resolve, reject) => db.close((err) => (err ? reject(err) : resolve())));
}

/**
 * Queries that may go to a read-only connection: Kysely SELECTs, and raw SQL that starts with SELECT. A raw
 * statement that writes anyway fails there with SQLITE_READONLY and is run again on the writer.
 */
function isRead(query: CompiledQuery): boolean {
  const node = query.query as { kind?: string } | undefined;
  if (node?.kind === "SelectQueryNode") return true;
  if (node?.kind === "RawNode" || !node) return /^\s*select\b/i.test(query.sql);
  return false;
}

class Sqlite3Driver implements Driver {
  #writerDb: sqlite3.Database | undefined;
  #writer: Sqlite3Connection | undefined;
  #readerDbs: sqlite3.Database[] = [];
  #readers: ReaderPool | undefined;
  readonly #mutex = new Mutex();

  constructor(private readonly config: Sqlite3DialectConfig) {}

  async init(): Promise<void> {
    const busy = Math.max(0, Math.floor(this.config.busyTimeoutMs ?? 5000));
    const cache = Math.max(0, Math.floor(this.config.cacheKib ?? 8192));
    const connectionPragmas = [`PRAGMA busy_timeout = ${busy}`, `PRAGMA cache_size = -${cache}`];
    try {
      this.#writerDb = await openSqlite(this.config.filename, sqlite3.OPEN_READWRITE | sqlite3.OPEN_CREATE | sqlite3.OPEN_FULLMUTEX);
      this.#writer = new Sqlite3Connection(this.#writerDb);
      // busy_timeout first, so the pragmas below wait for another process instead of failing at once
      for (const pragma of [...connectionPragmas, "PRAGMA foreign_keys = ON", "PRAGMA synchronous = NORMAL"]) {
        await this.#writer.executeQuery(CompiledQuery.raw(pragma));
      }
      // Switching a brand-new file to WAL needs an exclusive lock, which the busy handler does not wait for:
      // retry briefly when two processes open a fresh database at the same moment.
      let journal = "";
      for (let attempt = 0; ; attempt++) {
        try {
          const result = await this.#writer.executeQuery<{ journal_mode: string }>(CompiledQuery.raw("PRAGMA journal_mode = WAL"));
          journal = String(result.rows[0]?.journal_mode ?? "");
          break;
        } catch (error) {
          if (!String((error as Error).message).includes("SQLITE_BUSY") || attempt >= 50) throw error;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
      // readers only make sense beside a writer in WAL mode on a shared file
      const wanted = this.config.filename === ":memory:" || journal.toLowerCase() !== "wal" ? 0 : Math.max(0, Math.floor(this.config.readers ?? 0));
      this.#readers = new ReaderPool();
      for (let i = 0; i < wanted; i++) {
        const db = await openSqlite(this.config.filename, sqlite3.OPEN_READONLY | sqlite3.OPEN_FULLMUTEX);
        this.#readerDbs.push(db);
        const connection = new Sqlite3Connection(db);
        for (const pragma of connectionPragmas) await connection.executeQuery(CompiledQuery.raw(pragma));
        this.#readers.add(connection);
      }
    } catch (error) {
      // do not leak handles when Kysely retries init
      await this.destroy().catch(() => undefined);
      throw error;
    }
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    return new RoutedConnection(this);
  }

  /** A statement outside a transaction: a reader for reads, the writer (alone) for the rest. */
  async runAlone<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    if (this.#readers && this.#readers.size > 0 && isRead(query)) {
      try {
        return await this.#readers.run<R>(query);
      } catch (error) {
        if (!String((error as Error).message).includes("SQLITE_READONLY")) throw error;
      }
    }
    await this.#mutex.lock();
    try {
      return await this.#writer!.executeQuery<R>(query);
    } finally {
      this.#mutex.unlock();
    }
  }

  /** Inside a transaction: the writer, which the transaction holds from BEGIN until release. */
  runPinned<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    return this.#writer!.executeQuery<R>(query);
  }

  async beginTransaction(connection: DatabaseConnection, _settings: TransactionSettings): Promise<void> {
    const routed = connection as RoutedConnection;
    await this.#mutex.lock();
    routed.pinned = true;
    routed.pinnedAt = performance.now();
    await this.runPinned(CompiledQuery.raw("BEGIN IMMEDIATE"));
  }
  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("COMMIT"));
    (connection as RoutedConnection).committed();
  }
  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    try {
      await connection.executeQuery(CompiledQuery.raw("ROLLBACK"));
    } catch (error) {
      // BEGIN itself failed (or COMMIT already ended it): there is nothing to roll back
      if (!String((error as Error).message).includes("no transaction is active")) throw error;
    }
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

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const routed = connection as RoutedConnection;
    // callbacks of a transaction that did not commit are dropped (rolled back, or BEGIN failed)
    routed.afterCommit.length = 0;
    if (routed.pinned) {
      routed.pinned = false;
      this.#mutex.unlock();
      this.config.onTransactionEnd?.(performance.now() - routed.pinnedAt);
    }
  }

  async destroy(): Promise<void> {
    const connections = [...(this.#readers?.connections ?? []), ...(this.#writer ? [this.#writer] : [])];
    this.#writer = undefined;
    await Promise.all(connections.map((c) => c.finalizeAll()));
    const dbs = [...this.#readerDbs, ...(this.#writerDb ? [this.#writerDb] : [])];
    this.#readerDbs = [];
    this.#writerDb = undefined;
    this.#readers = undefined;
    for (const db of dbs) await closeSqlite(db);
  }
}

/**
 * What Kysely sees as "a connection": outside a transaction each statement is routed on its own (reads to a
 * reader, writes to the writer); between BEGIN and release it is pinned to the writer.
 */
class RoutedConnection implements DatabaseConnection {
  pinned = false;
  pinnedAt = 0;
  /** Run once the open transaction has committed; dropped when it does not (see runAfterCommit). */
  readonly afterCommit: (() => void)[] = [];
  constructor(private readonly driver: Sqlite3Driver) {}
  committed(): void {
    const callbacks = this.afterCommit.splice(0);
    for (const callback of callbacks) {
      try {
        callback();
      } catch (error) {
        console.error("after-commit callback failed", error);
      }
    }
  }
  executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    return this.pinned ? this.driver.runPinned<R>(query) : this.driver.runAlone<R>(query);
  }
  async *streamQuery<R>(query: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    // sqlite3 has no cursor that fits Kysely's stream; one result is correct for the sizes we read.
    yield await this.executeQuery<R>(query);
  }
}

/**
 * Runs `callback` once the transaction on `connection` has committed, and never if it rolls back; outside a
 * transaction (a statement that committed on its own) at once. This is what PostgreSQL's NOTIFY does inside a
 * transaction, for the in-process event bus (app/live/bus.server.ts; docs/decisions/0180). Returns false when
 * the connection is not this dialect's (the caller uses its engine's own mechanism).
 */
export function runAfterCommit(connection: DatabaseConnection, callback: () => void): boolean {
  if (!(connection instanceof RoutedConnection)) return false;
  if (connection.pinned) connection.afterCommit.push(callback);
  else callback();
  return true;
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

/** Statements kept prepared per connection (the most recently used; the least recently used is finalized). */
const STATEMENT_CACHE_SIZE = 200;
/** Statements worth keeping prepared: the application's queries and transaction control, not DDL or pragmas. */
const CACHEABLE = /^\s*(select|insert|update|delete|with|begin|commit|rollback|savepoint|release)\b/i;

/**
 * One sqlite3 connection. Its statements stay prepared, keyed by their SQL text (Kysely compiles the same text
 * for the same query shape; values are bound): sqlite3's Database#all/run prepares, runs and finalizes a new
 * statement on every call, three round trips through the thread pool and back to the main thread for each
 * query, which a CPU profile of the write path showed as the largest part of its main-thread time (issue 19,
 * docs/benchmarks/profiles.md). sqlite3 queues the calls on one statement, so concurrent uses run in turn.
 * A statement that ran to completion holds no lock or snapshot.
 */
class Sqlite3Connection implements DatabaseConnection {
  readonly #statements = new Map<string, sqlite3.Statement>();
  readonly #preparing = new Map<string, Promise<sqlite3.Statement>>();
  constructor(private readonly db: sqlite3.Database) {}

  /** The prepared statement for this SQL, from the cache when it is there (synchronously), else prepared. */
  #statement(sql: string): sqlite3.Statement | Promise<sqlite3.Statement> {
    const cached = this.#statements.get(sql);
    if (cached) {
      // most recently used last
      this.#statements.delete(sql);
      this.#statements.set(sql, cached);
      return cached;
    }
    let pending = this.#preparing.get(sql);
    if (!pending) {
      pending = new Promise<sqlite3.Statement>((resolve, reject) => {
        const statement: sqlite3.Statement = this.db.prepare(sql, (err: Error | null) => {
          this.#preparing.delete(sql);
          if (err) return reject(err);
          this.#statements.set(sql, statement);
          if (this.#statements.size > STATEMENT_CACHE_SIZE) {
            const [oldest, stale] = this.#statements.entries().next().value as [string, sqlite3.Statement];
            this.#statements.delete(oldest);
            // queued after whatever still runs on it
            stale.finalize();
          }
          resolve(statement);
        });
      });
      this.#preparing.set(sql, pending);
    }
    return pending;
  }

  executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const parameters = compiledQuery.parameters.map(toSqliteParameter);
    const { sql } = compiledQuery;
    const rows = returnsRows(compiledQuery);
    if (!CACHEABLE.test(sql)) {
      if (rows) return new Promise((resolve, reject) => this.db.all(sql, parameters, (err, result) => (err ? reject(err) : resolve({ rows: result as R[] }))));
      return new Promise((resolve, reject) => {
        this.db.run(sql, parameters, function (this: sqlite3.RunResult, err: Error | null) {
          if (err) return reject(err);
          resolve({ rows: [], numAffectedRows: BigInt(this.changes), insertId: this.lastID !== undefined ? BigInt(this.lastID) : undefined });
        });
      });
    }
    const run = (statement: sqlite3.Statement) =>
      new Promise<QueryResult<R>>((resolve, reject) => {
        if (rows) {
          statement.all(parameters, (err: Error | null, result: unknown[]) => (err ? reject(err) : resolve({ rows: result as R[] })));
          return;
        }
        statement.run(parameters, function (this: sqlite3.RunResult, err: Error | null) {
          if (err) return reject(err);
          resolve({ rows: [], numAffectedRows: BigInt(this.changes), insertId: this.lastID !== undefined ? BigInt(this.lastID) : undefined });
        });
      });
    const statement = this.#statement(sql);
    return statement instanceof Promise ? statement.then(run) : run(statement);
  }

  /** Finalizes the kept statements (a connection with unfinalized statements cannot close). */
  async finalizeAll(): Promise<void> {
    await Promise.allSettled([...this.#preparing.values()]);
    const statements = [...this.#statements.values()];
    this.#statements.clear();
    await Promise.all(statements.map((statement) => new Promise<void>((resolve) => statement.finalize(() => resolve()))));
  }

  async *streamQuery<R>(compiledQuery: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    // sqlite3 has no cursor that fits Kysely's stream; one result is correct for the sizes we read.
    yield await this.executeQuery<R>(compiledQuery);
  }
}
