import pg from "pg";
import { sql, type Kysely } from "kysely";
import { engineOf, isPostgresUrl } from "../../db/engine";
import { runAfterCommit } from "../../db/sqlite3-dialect";

/**
 * The event bus of live pages (issue 18; docs/decisions/0180-live-updates.md): "this record changed", nothing
 * more. Every audited change announces itself here from recordAudit (app/audit.server.ts), inside the
 * transaction that makes it, and is delivered only once that transaction has committed:
 *
 * - SQLite (one server process): delivered in this process after COMMIT (db/sqlite3-dialect.ts runAfterCommit),
 *   dropped on ROLLBACK.
 * - PostgreSQL (several processes): `pg_notify('xunwen_live', …)` in the same transaction — PostgreSQL sends it
 *   at commit (and never on rollback) to every process, each of which holds one LISTEN connection.
 *
 * A message is `{ e: entity type, id: entity id }` as the audit entry names them; subscribers (the event
 * streams of app/live/stream.server.ts) never forward it: they re-read what their own user may see.
 */

/** The PostgreSQL channel of every live message. */
export const LIVE_CHANNEL = "xunwen_live";

/** One audited change: the entity type and id of its audit entry. */
export interface Change {
  e: string;
  id: string | null;
}

/**
 * What subscribers receive: a change; `resync` when changes may have been missed (the LISTEN connection was
 * (re)established), so every subscriber looks again; `closing` when the process shuts down.
 */
export type BusMessage = { kind: "change"; change: Change } | { kind: "resync" } | { kind: "closing" };
export type BusListener = (message: BusMessage) => void;

/** Parses a message payload; null for anything that is not one of ours. */
export function parseChange(payload: string | undefined): Change | null {
  if (!payload) return null;
  try {
    const value = JSON.parse(payload) as { e?: unknown; id?: unknown };
    if (typeof value.e !== "string") return null;
    return { e: value.e, id: typeof value.id === "string" ? value.id : null };
  } catch {
    return null;
  }
}

/**
 * One LISTEN connection to PostgreSQL that hands every payload of LIVE_CHANNEL to `onPayload`. When the
 * connection is lost it reconnects (after 0.5 s, then up to 10 s apart) and calls `onReady` each time it
 * listens again: notifications sent while it was away are lost, so subscribers must look again.
 */
export class PgListener {
  #client: pg.Client | null = null;
  #closed = false;
  #retryMs = 500;
  #timer: NodeJS.Timeout | null = null;
  #ready: Promise<void> | null = null;

  constructor(
    private readonly url: string,
    private readonly onPayload: (payload: string) => void,
    private readonly onReady: () => void,
  ) {}

  /** Connects and listens; resolves once LISTEN is in force (rejects if the first attempt fails). */
  start(): Promise<void> {
    this.#ready ??= this.#connect();
    return this.#ready;
  }

  async #connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url, application_name: "xunwen-live" });
    this.#client = client;
    let lost = false;
    const onLost = (error?: Error) => {
      if (lost) return;
      lost = true;
      if (error) console.error(`[live] LISTEN connection lost: ${error.message}`);
      client.removeAllListeners("notification");
      client.end().catch(() => undefined);
      if (this.#client === client) this.#client = null;
      this.#scheduleReconnect();
    };
    client.on("error", onLost);
    client.on("end", () => onLost());
    client.on("notification", (message) => {
      if (message.channel === LIVE_CHANNEL && message.payload !== undefined) this.onPayload(message.payload);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${LIVE_CHANNEL}`);
    } catch (error) {
      onLost(error as Error);
      throw error;
    }
    if (this.#closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.#retryMs = 500;
    this.onReady();
  }

  #scheduleReconnect() {
    if (this.#closed || this.#timer) return;
    const wait = this.#retryMs;
    this.#retryMs = Math.min(this.#retryMs * 2, 10_000);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#connect().catch(() => undefined);
    }, wait);
    this.#timer.unref();
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    const client = this.#client;
    this.#client = null;
    if (client) {
      client.removeAllListeners();
      client.on("error", () => undefined);
      await client.end().catch(() => undefined);
    }
  }
}

/**
 * The process's bus: subscribers, and on PostgreSQL the LISTEN connection that feeds them (started with the
 * first subscriber, so a process nobody watches holds no extra connection).
 */
export class LiveBus {
  readonly #listeners = new Set<BusListener>();
  #listener: PgListener | null = null;

  /** `postgresUrl`: listen to that database's notifications; without it, only this process's own changes. */
  constructor(private readonly postgresUrl?: string) {}

  get subscriberCount(): number {
    return this.#listeners.size;
  }

  /** Adds a subscriber; returns its unsubscribe. On PostgreSQL, `ready` resolves once LISTEN is in force. */
  subscribe(listener: BusListener): () => void {
    this.#listeners.add(listener);
    if (this.postgresUrl && !this.#listener) {
      this.#listener = new PgListener(this.postgresUrl, (payload) => this.deliver(payload), () => this.#emit({ kind: "resync" }));
      this.#listener.start().catch((error) => console.error(`[live] cannot LISTEN: ${(error as Error).message}`));
    }
    return () => this.#listeners.delete(listener);
  }

  /** Resolves once this bus receives other processes' changes (at once without PostgreSQL). */
  async ready(): Promise<void> {
    await this.#listener?.start();
  }

  /** Hands a committed change (a message payload) to every subscriber. */
  deliver(payload: string): void {
    const change = parseChange(payload);
    if (change) this.#emit({ kind: "change", change });
  }

  #emit(message: BusMessage) {
    for (const listener of [...this.#listeners]) {
      try {
        listener(message);
      } catch (error) {
        console.error("[live] subscriber failed", error);
      }
    }
  }

  /** Tells every subscriber the process is stopping (their streams end) and drops the LISTEN connection. */
  async close(): Promise<void> {
    this.#emit({ kind: "closing" });
    this.#listeners.clear();
    const listener = this.#listener;
    this.#listener = null;
    await listener?.close();
  }
}

const globalForBus = globalThis as unknown as { __xunwenLiveBus?: LiveBus };

/** The process-wide bus: on PostgreSQL (DATABASE_URL) it listens to every process's changes. */
export function liveBus(): LiveBus {
  const url = process.env.DATABASE_URL?.trim();
  globalForBus.__xunwenLiveBus ??= new LiveBus(isPostgresUrl(url) ? url : undefined);
  return globalForBus.__xunwenLiveBus;
}

/** Ends every live stream of this process (server shutdown). */
export async function stopLiveBus(): Promise<void> {
  const bus = globalForBus.__xunwenLiveBus;
  globalForBus.__xunwenLiveBus = undefined;
  await bus?.close();
}

/**
 * Announces a change, from inside the transaction that makes it (or after a statement that committed on its
 * own). PostgreSQL: pg_notify in that transaction, sent by the server at commit to every listening process.
 * SQLite: handed to this process's bus after COMMIT. Called by recordAudit, so every audited change is announced.
 */
export async function announceChange(db: Kysely<any>, change: Change): Promise<void> {
  const payload = JSON.stringify({ e: change.e, id: change.id });
  if (engineOf(db) === "postgres") {
    await sql`select pg_notify(${LIVE_CHANNEL}, ${payload})`.execute(db);
    return;
  }
  await db.getExecutor().provideConnection(async (connection) => {
    if (!runAfterCommit(connection, () => liveBus().deliver(payload))) liveBus().deliver(payload);
  });
}
