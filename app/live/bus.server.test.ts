import { Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
import { randomBytes } from "node:crypto";
import { recordAudit, SYSTEM_ACTOR } from "../audit.server";
import { createTestDb, ON_SQLITE, type TestDb } from "../test/db";
import { announceChange, LiveBus, liveBus, type BusMessage, type Change } from "./bus.server";
import { liveStream } from "./stream.server";

/** Collects a bus's messages; `next` resolves at the first (already or later) message that matches. */
function recorder(bus: LiveBus) {
  const seen: BusMessage[] = [];
  const waiting: { match: (m: BusMessage) => boolean; resolve: (m: BusMessage) => void }[] = [];
  const unsubscribe = bus.subscribe((message) => {
    seen.push(message);
    for (const w of [...waiting]) {
      if (w.match(message)) {
        waiting.splice(waiting.indexOf(w), 1);
        w.resolve(message);
      }
    }
  });
  const changes = () => seen.flatMap((m) => (m.kind === "change" ? [m.change] : []));
  const next = (match: (m: BusMessage) => boolean) =>
    new Promise<BusMessage>((resolve) => {
      const found = seen.find(match);
      if (found) resolve(found);
      else waiting.push({ match, resolve });
    });
  const nextChange = (e: string, id: string) => next((m) => m.kind === "change" && m.change.e === e && m.change.id === id);
  return { seen, changes, next, nextChange, unsubscribe };
}

const audit = (db: Kysely<any>, e: string, id: number) => recordAudit(db, SYSTEM_ACTOR, { action: `${e}.test`, entityType: e, entityId: id, summary: "测试" });

describe("an audited change reaches the live pages once its transaction commits", () => {
  let t: TestDb;
  let bus: LiveBus;
  beforeEach(async () => {
    t = await createTestDb();
    // SQLite: this process's bus; PostgreSQL: a bus listening to the test database, as a server process would
    bus = ON_SQLITE ? liveBus() : new LiveBus(t.path);
  });
  afterEach(async () => {
    if (!ON_SQLITE) await bus.close();
    await t.cleanup();
  });

  it("delivers an audited change after its transaction has committed, not before", async () => {
    const r = recorder(bus);
    await bus.ready();
    try {
      let insideTransaction: Change[] = [];
      await t.db.transaction().execute(async (trx) => {
        await audit(trx, "vote", 41);
        // a read through another connection and a turn of the event loop: still nothing delivered
        await t.db.selectFrom("audit_log").select("id").execute();
        await new Promise((resolve) => setImmediate(resolve));
        insideTransaction = r.changes();
      });
      expect(insideTransaction).toEqual([]);
      await r.nextChange("vote", "41");
      expect(r.changes()).toEqual([{ e: "vote", id: "41" }]);
    } finally {
      r.unsubscribe();
    }
  });

  it("drops the changes of a transaction that rolls back", async () => {
    const r = recorder(bus);
    await bus.ready();
    try {
      await expect(
        t.db.transaction().execute(async (trx) => {
          await audit(trx, "vote", 42);
          throw new Error("refused");
        }),
      ).rejects.toThrow("refused");
      // the next transaction commits: only its change arrives (changes arrive in commit order)
      await t.db.transaction().execute((trx) => audit(trx, "vote", 43));
      await r.nextChange("vote", "43");
      expect(r.changes()).toEqual([{ e: "vote", id: "43" }]);
    } finally {
      r.unsubscribe();
    }
  });

  it("delivers a change written outside a transaction", async () => {
    const r = recorder(bus);
    await bus.ready();
    try {
      await audit(t.db, "meeting_segment", 7);
      await r.nextChange("meeting_segment", "7");
      expect(r.changes()).toEqual([{ e: "meeting_segment", id: "7" }]);
    } finally {
      r.unsubscribe();
    }
  });
});

/** Reads a stream's text until `until` holds for what was read so far (or the stream ends). */
async function readUntil(reader: ReadableStreamDefaultReader<Uint8Array>, state: { text: string }, until: (text: string) => boolean) {
  const decoder = new TextDecoder();
  while (!until(state.text)) {
    const { value, done } = await reader.read();
    if (done) return false;
    state.text += decoder.decode(value, { stream: true });
  }
  return true;
}

describe("live event stream", () => {
  it("sends 'change' with the new fingerprint only when the page's fingerprint moves, and ends on abort", async () => {
    const bus = new LiveBus();
    let shown = "aaaaaaaaaaaaaaaa";
    let checks = 0;
    const abort = new AbortController();
    const response = liveStream(new Request("http://x/votes/1/events", { signal: abort.signal }), {
      version: async () => {
        checks++;
        return shown;
      },
      since: "aaaaaaaaaaaaaaaa",
      bus,
    });
    expect(response.headers.get("Content-Type")).toMatch(/^text\/event-stream/);
    const reader = response.body!.getReader();
    const state = { text: "" };
    await readUntil(reader, state, (s) => s.includes(": live"));
    expect(state.text).toContain("retry: 3000");
    expect(bus.subscriberCount).toBe(1);

    // a change that leaves the page as it is sends nothing; one that moves it sends the new fingerprint only
    bus.deliver(JSON.stringify({ e: "vote", id: "1" }));
    shown = "bbbbbbbbbbbbbbbb";
    bus.deliver(JSON.stringify({ e: "vote", id: "1" }));
    await readUntil(reader, state, (s) => s.includes("event: change"));
    expect(state.text).toContain('event: change\ndata: {"v":"bbbbbbbbbbbbbbbb"}\n\n');
    expect(state.text.match(/event: change/g)).toHaveLength(1);
    expect(checks).toBeGreaterThanOrEqual(2);

    abort.abort();
    expect(await readUntil(reader, state, () => false)).toBe(false);
    expect(bus.subscriberCount).toBe(0);
  });

  it("sends at once when the page was rendered before a change it has not seen", async () => {
    const bus = new LiveBus();
    const abort = new AbortController();
    const response = liveStream(new Request("http://x/queue/events", { signal: abort.signal }), { version: async () => "cccccccccccccccc", since: "aaaaaaaaaaaaaaaa", bus });
    const reader = response.body!.getReader();
    const state = { text: "" };
    await readUntil(reader, state, (s) => s.includes("event: change"));
    expect(state.text).toContain('data: {"v":"cccccccccccccccc"}');
    abort.abort();
  });

  it("ends the stream when the subscriber may no longer see the page (signed out, permission gone)", async () => {
    const bus = new LiveBus();
    let allowed = true;
    const response = liveStream(new Request("http://x/votes/1/events"), {
      version: async () => {
        if (!allowed) throw new Response("forbidden", { status: 403 });
        return "aaaaaaaaaaaaaaaa";
      },
      bus,
    });
    const reader = response.body!.getReader();
    const state = { text: "" };
    await readUntil(reader, state, (s) => s.includes(": live"));
    allowed = false;
    bus.deliver(JSON.stringify({ e: "vote", id: "1" }));
    expect(await readUntil(reader, state, () => false)).toBe(false);
    expect(bus.subscriberCount).toBe(0);
  });

  it("ignores changes the page does not show and ends every stream when the bus closes", async () => {
    const bus = new LiveBus();
    let checks = 0;
    const response = liveStream(new Request("http://x/queue/events"), {
      version: async () => {
        checks++;
        return "aaaaaaaaaaaaaaaa";
      },
      bus,
    });
    const reader = response.body!.getReader();
    const state = { text: "" };
    await readUntil(reader, state, (s) => s.includes(": live"));
    const before = checks;
    bus.deliver(JSON.stringify({ e: "meeting_draft", id: "3" }));
    bus.deliver(JSON.stringify({ e: "session", id: "3" }));
    bus.deliver("not json");
    expect(checks).toBe(before);
    await bus.close();
    expect(await readUntil(reader, state, () => false)).toBe(false);
  });
});

/**
 * PostgreSQL: XUNWEN_TEST_PG_URL names a maintenance database of a throw-away cluster (never a real one); each
 * run makes its own database and drops it. Two buses stand for two server processes.
 */
const PG_URL = process.env.XUNWEN_TEST_PG_URL;

describe.skipIf(!PG_URL)("live bus on PostgreSQL (LISTEN/NOTIFY across processes)", () => {
  let admin: pg.Client;
  let url: string;
  let name: string;
  let db: Kysely<any>;
  const buses: LiveBus[] = [];

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    name = `xunwen_live_${randomBytes(4).toString("hex")}`;
    await admin.query(`create database ${name}`);
    const u = new URL(PG_URL!);
    u.pathname = `/${name}`;
    url = u.toString();
    const pool = new pg.Pool({ connectionString: url, max: 4 });
    pool.on("error", () => undefined);
    db = new Kysely<any>({ dialect: new PostgresDialect({ pool }) });
    await sql`create table records (id int primary key, title text not null)`.execute(db);
  });
  afterAll(async () => {
    for (const bus of buses) await bus.close();
    await db?.destroy();
    if (admin) {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  });

  async function process2(): Promise<[ReturnType<typeof recorder>, ReturnType<typeof recorder>]> {
    const a = new LiveBus(url);
    const b = new LiveBus(url);
    buses.push(a, b);
    const ra = recorder(a);
    const rb = recorder(b);
    await Promise.all([a.ready(), b.ready()]);
    return [ra, rb];
  }

  /** A change committed on its own after everything before it: once both have it, earlier commits arrived too. */
  async function marker(ra: ReturnType<typeof recorder>, rb: ReturnType<typeof recorder>, id: number) {
    await announceChange(db, { e: "marker", id: String(id) });
    await Promise.all([ra.nextChange("marker", String(id)), rb.nextChange("marker", String(id))]);
  }

  it("delivers a change to every process only after its transaction commits", async () => {
    const [ra, rb] = await process2();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let announced!: () => void;
    const isAnnounced = new Promise<void>((resolve) => (announced = resolve));
    const transaction = db.transaction().execute(async (trx) => {
      await trx.insertInto("records").values({ id: 1, title: "一" }).execute();
      await announceChange(trx, { e: "vote", id: "1" });
      announced();
      await held;
    });
    await isAnnounced;
    // a later change that committed arrives; the open transaction's change has not
    await marker(ra, rb, 1);
    expect(ra.changes().some((c) => c.e === "vote")).toBe(false);
    expect(rb.changes().some((c) => c.e === "vote")).toBe(false);
    release();
    await transaction;
    await Promise.all([ra.nextChange("vote", "1"), rb.nextChange("vote", "1")]);
  });

  it("never delivers the change of a transaction that rolls back", async () => {
    const [ra, rb] = await process2();
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.insertInto("records").values({ id: 2, title: "二" }).execute();
        await announceChange(trx, { e: "vote", id: "2" });
        throw new Error("refused");
      }),
    ).rejects.toThrow("refused");
    await marker(ra, rb, 2);
    expect([...ra.changes(), ...rb.changes()].filter((c) => c.id === "2" && c.e === "vote")).toEqual([]);
  });

  it("listens again after its connection is cut, and tells subscribers to look again", async () => {
    const [ra, rb] = await process2();
    const before = ra.seen.filter((m) => m.kind === "resync").length;
    // cut every live connection of the test database (as a restart or a failover would)
    await admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and application_name = 'xunwen-live'`, [name]);
    await ra.next((m) => m.kind === "resync" && ra.seen.filter((x) => x.kind === "resync").length > before);
    await rb.next((m) => m.kind === "resync" && rb.seen.filter((x) => x.kind === "resync").length > before);
    await marker(ra, rb, 3);
  });
});
