import { Kysely, sql, type Generated } from "kysely";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { migrateToLatest, openDatabase } from "./client";
import { migrations } from "./migrations/index";
import { Sqlite3Dialect } from "./sqlite3-dialect";
import { together } from "./together";
import { ON_SQLITE } from "../app/test/db";

interface TestSchema {
  counter: { id: number; n: number };
  items: { id: Generated<number>; label: string; at: unknown; big: unknown };
  parents: { id: Generated<number>; name: string };
  children: { id: Generated<number>; parent_id: number };
}

type TestKysely = Kysely<TestSchema>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let dir: string;
let path: string;
const open: TestKysely[] = [];

function connect(busyTimeoutMs = 5000): TestKysely {
  const db = new Kysely<TestSchema>({ dialect: new Sqlite3Dialect({ filename: path, busyTimeoutMs }) });
  open.push(db);
  return db;
}

async function createSchema(db: TestKysely) {
  await db.schema.createTable("counter").addColumn("id", "integer", (c) => c.primaryKey()).addColumn("n", "integer", (c) => c.notNull()).execute();
  await db.insertInto("counter").values({ id: 1, n: 0 }).execute();
  await db.schema
    .createTable("items")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("label", "text", (c) => c.notNull())
    // no declared type: SQLite keeps whatever storage class the driver bound
    .addColumn("at", sql`blob`)
    // INTEGER affinity, like every id and count column in the app schema
    .addColumn("big", "integer")
    .execute();
  await db.schema.createTable("parents").addColumn("id", "integer", (c) => c.primaryKey().autoIncrement()).addColumn("name", "text", (c) => c.notNull()).execute();
  await db.schema
    .createTable("children")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("parent_id", "integer", (c) => c.notNull().references("parents.id"))
    .execute();
}

async function counterValue(db: TestKysely): Promise<number> {
  return (await db.selectFrom("counter").select("n").where("id", "=", 1).executeTakeFirstOrThrow()).n;
}

/** A read-modify-write that would lose updates if two of them ever interleaved. */
async function incrementSlowly(db: TestKysely, log?: string[], name?: string) {
  await db.transaction().execute(async (trx) => {
    log?.push(`begin ${name}`);
    const { n } = await trx.selectFrom("counter").select("n").where("id", "=", 1).executeTakeFirstOrThrow();
    await sleep(5);
    await trx.updateTable("counter").set({ n: n + 1 }).where("id", "=", 1).execute();
    log?.push(`end ${name}`);
  });
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "xunwen-dialect-"));
  path = join(dir, "test.db");
  await createSchema(connect());
});

afterEach(async () => {
  for (const db of open.splice(0)) await db.destroy();
  await rm(dir, { recursive: true, force: true });
});

// SQLite only: the dialect itself, on its own files (the PostgreSQL pass skips it)
describe.skipIf(!ON_SQLITE)("Sqlite3Dialect (SQLite only)", () => {
  describe("connection settings", () => {
    it("opens the file in WAL mode with foreign keys on and a busy timeout", async () => {
      const db = open[0];
      const journal = await sql<{ journal_mode: string }>`PRAGMA journal_mode`.execute(db);
      expect(journal.rows).toEqual([{ journal_mode: "wal" }]);
      const fk = await sql<{ foreign_keys: number }>`PRAGMA foreign_keys`.execute(db);
      expect(fk.rows).toEqual([{ foreign_keys: 1 }]);
      const busy = await sql<{ timeout: number }>`PRAGMA busy_timeout`.execute(db);
      expect(busy.rows).toEqual([{ timeout: 5000 }]);
      const sync = await sql<{ synchronous: number }>`PRAGMA synchronous`.execute(db);
      expect(sync.rows).toEqual([{ synchronous: 1 }]); // NORMAL
    });

    it("uses the configured busy timeout (floored, never negative)", async () => {
      const a = connect(1234.9);
      expect((await sql<{ timeout: number }>`PRAGMA busy_timeout`.execute(a)).rows).toEqual([{ timeout: 1234 }]);
      const b = connect(-5);
      expect((await sql<{ timeout: number }>`PRAGMA busy_timeout`.execute(b)).rows).toEqual([{ timeout: 0 }]);
    });

    it("openDatabase() creates missing parent directories and the app schema migrates on a real file", async () => {
      const nested = join(dir, "a", "b", "app.db");
      const db = openDatabase(nested);
      try {
        const result = await migrateToLatest(db);
        expect(result.results?.map((r) => [r.migrationName, r.status])).toEqual(
          // the Migrator runs them in name order (the index lists them as branches were merged)
          Object.keys(migrations)
            .sort()
            .map((name) => [name, "Success"]),
        );
        const again = await migrateToLatest(db);
        expect(again.results).toEqual([]);
        const tables = await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(db);
        expect(tables.rows.map((r) => r.name)).toEqual(
          expect.arrayContaining(["audit_log", "inquiries", "inquiry_organizations", "login_attempts", "organizations", "sessions", "users"]),
        );
      } finally {
        await db.destroy();
      }
    });
  });

  describe("parameters", () => {
    it("stores a Date parameter as its ISO string", async () => {
      const db = open[0];
      const at = new Date("2020-09-22T06:30:00.123Z");
      await db.insertInto("items").values({ label: "date", at, big: null }).execute();
      const row = await sql<{ at: unknown; t: string }>`select at, typeof(at) as t from items where label = 'date'`.execute(db);
      expect(row.rows).toEqual([{ at: "2020-09-22T06:30:00.123Z", t: "text" }]);
      // and a Date compares with stored ISO strings in a where clause
      const found = await db.selectFrom("items").select("label").where("at", "=", at).execute();
      expect(found).toEqual([{ label: "date" }]);
    });

    // node-sqlite3 binds a JS number outside the int32 range as a REAL; an INTEGER-affinity column (every
    // integer column of the app schema) turns it back into an exact integer.
    it("stores a bigint parameter as an integer, not NULL", async () => {
      const db = open[0];
      await db.insertInto("items").values({ label: "big", at: null, big: 9_007_199_254_740_991n }).execute();
      await db.insertInto("items").values({ label: "small", at: null, big: -42n }).execute();
      const rows = await sql<{ label: string; big: unknown; t: string }>`select label, big, typeof(big) as t from items order by id`.execute(db);
      expect(rows.rows).toEqual([
        { label: "big", big: 9_007_199_254_740_991, t: "integer" },
        { label: "small", big: -42, t: "integer" },
      ]);
    });

    it("refuses a bigint beyond the safe integer range instead of storing a wrong number", async () => {
      const db = open[0];
      await expect(db.insertInto("items").values({ label: "huge", at: null, big: 9_007_199_254_740_993n }).execute()).rejects.toThrow(
        RangeError,
      );
      expect(await db.selectFrom("items").selectAll().execute()).toEqual([]);
      // the connection was handed back: the next query runs
      expect(await counterValue(db)).toBe(0);
    });

    it("stores booleans as 1 and 0", async () => {
      const db = open[0];
      await db.insertInto("items").values([
        { label: "yes", at: true, big: false },
      ]).execute();
      const row = await sql`select at, big, typeof(at) as t from items`.execute(db);
      expect(row.rows).toEqual([{ at: 1, big: 0, t: "integer" }]);
    });
  });

  describe("results", () => {
    it("reports insertId and the number of inserted rows", async () => {
      const db = open[0];
      const first = await db.insertInto("parents").values({ name: "a" }).executeTakeFirstOrThrow();
      expect(first.insertId).toBe(1n);
      expect(first.numInsertedOrUpdatedRows).toBe(1n);
      const many = await db.insertInto("parents").values([{ name: "b" }, { name: "c" }, { name: "d" }]).executeTakeFirstOrThrow();
      expect(many.insertId).toBe(4n);
      expect(many.numInsertedOrUpdatedRows).toBe(3n);
    });

    it("returns rows for insert … returning", async () => {
      const db = open[0];
      const row = await db.insertInto("parents").values({ name: "r" }).returning(["id", "name"]).executeTakeFirstOrThrow();
      expect(row).toEqual({ id: 1, name: "r" });
    });

    it("reports the number of updated and deleted rows", async () => {
      const db = open[0];
      await db.insertInto("parents").values([{ name: "x" }, { name: "x" }, { name: "y" }]).execute();
      const updated = await db.updateTable("parents").set({ name: "z" }).where("name", "=", "x").executeTakeFirstOrThrow();
      expect(updated.numUpdatedRows).toBe(2n);
      const none = await db.updateTable("parents").set({ name: "z" }).where("name", "=", "nobody").executeTakeFirstOrThrow();
      expect(none.numUpdatedRows).toBe(0n);
      const deleted = await db.deleteFrom("parents").where("name", "=", "z").executeTakeFirstOrThrow();
      expect(deleted.numDeletedRows).toBe(2n);
      expect(await db.selectFrom("parents").select("name").execute()).toEqual([{ name: "y" }]);
    });

    it("streams a select", async () => {
      const db = open[0];
      await db.insertInto("parents").values([{ name: "s1" }, { name: "s2" }]).execute();
      const names: string[] = [];
      for await (const row of db.selectFrom("parents").select("name").orderBy("id").stream()) names.push(row.name);
      expect(names).toEqual(["s1", "s2"]);
    });
  });

  describe("constraints", () => {
    it("rejects a foreign-key violation and stores nothing", async () => {
      const db = open[0];
      await expect(db.insertInto("children").values({ parent_id: 999 }).execute()).rejects.toThrow(/FOREIGN KEY constraint failed/);
      expect(await db.selectFrom("children").selectAll().execute()).toEqual([]);
      const parent = await db.insertInto("parents").values({ name: "p" }).executeTakeFirstOrThrow();
      await db.insertInto("children").values({ parent_id: Number(parent.insertId) }).execute();
      await expect(db.deleteFrom("parents").execute()).rejects.toThrow(/FOREIGN KEY constraint failed/);
      expect(await db.selectFrom("parents").selectAll().execute()).toHaveLength(1);
    });
  });

  describe("transactions", () => {
    it("commits", async () => {
      const db = open[0];
      const result = await db.transaction().execute(async (trx) => {
        await trx.insertInto("parents").values({ name: "t" }).execute();
        return "done";
      });
      expect(result).toBe("done");
      expect(await db.selectFrom("parents").select("name").execute()).toEqual([{ name: "t" }]);
    });

    it("rolls back everything when the callback throws, and rethrows the error", async () => {
      const db = open[0];
      const failure = new Error("boom");
      await expect(
        db.transaction().execute(async (trx) => {
          await trx.insertInto("parents").values({ name: "lost" }).execute();
          await trx.updateTable("counter").set({ n: 99 }).execute();
          throw failure;
        }),
      ).rejects.toBe(failure);
      expect(await db.selectFrom("parents").selectAll().execute()).toEqual([]);
      expect(await counterValue(db)).toBe(0);
      // the connection is usable again, outside and inside a transaction
      await db.transaction().execute((trx) => trx.insertInto("parents").values({ name: "kept" }).execute());
      expect(await db.selectFrom("parents").select("name").execute()).toEqual([{ name: "kept" }]);
    });

    it("rolls back when a statement inside the transaction fails (FK violation)", async () => {
      const db = open[0];
      await expect(
        db.transaction().execute(async (trx) => {
          await trx.insertInto("parents").values({ name: "before-failure" }).execute();
          await trx.insertInto("children").values({ parent_id: 12345 }).execute();
        }),
      ).rejects.toThrow(/FOREIGN KEY/);
      expect(await db.selectFrom("parents").selectAll().execute()).toEqual([]);
    });

    it("starts transactions with BEGIN IMMEDIATE (the write lock is taken up front)", async () => {
      const db = open[0];
      const other = connect(0); // a second connection that does not wait for locks
      await db.transaction().execute(async (trx) => {
        await trx.selectFrom("counter").selectAll().execute(); // only a read so far
        // a deferred transaction would hold no write lock yet; an immediate one already does
        await expect(other.insertInto("parents").values({ name: "other" }).execute()).rejects.toThrow(/SQLITE_BUSY|database is locked/);
      });
      await other.insertInto("parents").values({ name: "other" }).execute();
      expect(await db.selectFrom("parents").select("name").execute()).toEqual([{ name: "other" }]);
    });

    it("runs concurrent transactions one after another: all commit, none interleave, no SQLITE_BUSY", async () => {
      const db = open[0];
      const log: string[] = [];
      const count = 12;
      await Promise.all(Array.from({ length: count }, (_, i) => incrementSlowly(db, log, String(i))));
      expect(await counterValue(db)).toBe(count);
      expect(log).toHaveLength(2 * count);
      for (let i = 0; i < log.length; i += 2) {
        const name = log[i].slice("begin ".length);
        expect(log[i]).toBe(`begin ${name}`);
        expect(log[i + 1]).toBe(`end ${name}`);
      }
    });

    it("one failing transaction among concurrent ones rolls back alone", async () => {
      const db = open[0];
      const results = await Promise.allSettled([
        incrementSlowly(db),
        db.transaction().execute(async (trx) => {
          await trx.updateTable("counter").set({ n: 1000 }).execute();
          await sleep(5);
          throw new Error("fails");
        }),
        incrementSlowly(db),
      ]);
      expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
      expect(await counterValue(db)).toBe(2);
    });

    it("a query issued outside the transaction waits for it to finish instead of running inside it", async () => {
      const db = open[0];
      const order: string[] = [];
      const trx = db.transaction().execute(async (t) => {
        await t.insertInto("parents").values({ name: "in-trx" }).execute();
        await sleep(20);
        order.push("trx done");
        throw new Error("rolled back");
      });
      await sleep(1);
      const outside = db
        .selectFrom("parents")
        .selectAll()
        .execute()
        .then((rows) => {
          order.push("outside read");
          return rows;
        });
      await expect(trx).rejects.toThrow("rolled back");
      // had it joined the transaction it would have seen the uncommitted row
      expect(await outside).toEqual([]);
      expect(order).toEqual(["trx done", "outside read"]);
    });

    it("supports savepoints in controlled transactions", async () => {
      const db = open[0];
      const trx = await db.startTransaction().execute();
      await trx.insertInto("parents").values({ name: "kept" }).execute();
      const sp = await trx.savepoint("sp1").execute();
      await sp.insertInto("parents").values({ name: "undone" }).execute();
      const back = await sp.rollbackToSavepoint("sp1").execute();
      await back.releaseSavepoint("sp1").execute();
      await trx.commit().execute();
      expect(await db.selectFrom("parents").select("name").execute()).toEqual([{ name: "kept" }]);
    });

    it("two Kysely instances on one file (two processes) both commit concurrent transactions", async () => {
      const a = open[0];
      const b = connect();
      const perInstance = 8;
      const work: Promise<void>[] = [];
      for (let i = 0; i < perInstance; i++) {
        work.push(incrementSlowly(a));
        work.push(incrementSlowly(b));
      }
      await Promise.all(work);
      expect(await counterValue(a)).toBe(2 * perInstance);
      expect(await counterValue(b)).toBe(2 * perInstance);
    });

    it("a second instance waits (busy timeout) for the first one's write transaction rather than failing", async () => {
      const a = open[0];
      const b = connect();
      let bDone = false;
      let bWrite: Promise<unknown> | undefined;
      await a.transaction().execute(async (trx) => {
        await trx.updateTable("counter").set({ n: 10 }).execute();
        bWrite = b
          .transaction()
          .execute(async (t) => {
            const { n } = await t.selectFrom("counter").select("n").executeTakeFirstOrThrow();
            await t.updateTable("counter").set({ n: n + 1 }).execute();
          })
          .then(() => (bDone = true));
        await sleep(150);
        expect(bDone).toBe(false);
      });
      await bWrite;
      expect(await counterValue(a)).toBe(11);
    });
  });

  describe("prepared statements kept per connection", () => {
    it("reuses a statement with new values, survives errors and schema changes, keeps working past the cache size, and closes", async () => {
      const db = connect();
      for (let i = 0; i < 5; i++) await db.insertInto("items").values({ label: `x${i}`, at: null, big: null }).execute();
      // the same SQL text with other values: the kept statement binds them afresh
      for (let i = 0; i < 5; i++) expect((await db.selectFrom("items").select("label").where("id", "=", i + 1).executeTakeFirst())?.label).toBe(`x${i}`);
      // a failing statement (constraint) and a statement that cannot be prepared: errors, and the connection goes on
      await expect(db.insertInto("items").values({ id: 1, label: "dup", at: null, big: null }).execute()).rejects.toThrow(/UNIQUE/);
      await expect(sql`select * from no_such_table`.execute(db)).rejects.toThrow(/no such table/);
      await expect(sql`select * from no_such_table`.execute(db)).rejects.toThrow(/no such table/);
      // a column added after the statement was prepared: it is seen (SQLite prepares the statement again)
      await db.schema.alterTable("items").addColumn("extra", "text", (c) => c.notNull().defaultTo("e")).execute();
      expect(await sql<{ extra: string }>`select * from items where id = ${1}`.execute(db).then((r) => r.rows[0].extra)).toBe("e");
      // more distinct statements than are kept, at once
      const results = await Promise.all(Array.from({ length: 450 }, (_, i) => sql<{ v: number }>`select ${i} + ${sql.raw(String(i))} as v`.execute(db)));
      expect(results.map((r) => r.rows[0].v)).toEqual(Array.from({ length: 450 }, (_, i) => 2 * i));
      // transactions (BEGIN/COMMIT/ROLLBACK are kept too)
      await expect(
        db.transaction().execute(async (trx) => {
          await trx.updateTable("counter").set({ n: 5 }).where("id", "=", 1).execute();
          throw new Error("undo");
        }),
      ).rejects.toThrow("undo");
      await db.transaction().execute((trx) => trx.updateTable("counter").set({ n: 7 }).where("id", "=", 1).execute());
      expect(await counterValue(db)).toBe(7);
      // a connection with kept statements still closes (unfinalized statements would refuse)
      await db.destroy();
      open.splice(open.indexOf(db), 1);
    });
  });

  describe("destroy", () => {
    it("closes the file; destroying twice is harmless", async () => {
      const db = connect();
      await db.selectFrom("counter").selectAll().execute();
      await db.destroy();
      await db.destroy();
    });
  });

  describe("read-only connections", () => {
    function connectWithReaders(readers = 2): TestKysely {
      const db = new Kysely<TestSchema>({ dialect: new Sqlite3Dialect({ filename: path, busyTimeoutMs: 5000, readers }) });
      open.push(db);
      return db;
    }

    it("serves reads while a transaction holds the writer, without showing its uncommitted changes", async () => {
      const db = connectWithReaders();
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let inside!: () => void;
      const started = new Promise<void>((resolve) => (inside = resolve));
      const transaction = db.transaction().execute(async (trx) => {
        await trx.updateTable("counter").set({ n: 41 }).where("id", "=", 1).execute();
        inside();
        await held;
      });
      await started;
      // with one shared connection this read would wait for the transaction and never return before release()
      expect(await counterValue(db)).toBe(0);
      expect((await sql<{ n: number }>`select n from counter where id = 1`.execute(db)).rows).toEqual([{ n: 0 }]);
      release();
      await transaction;
      expect(await counterValue(db)).toBe(41);
    });

    it("sends raw writes and DDL to the writer, and a read after a write sees it", async () => {
      const db = connectWithReaders();
      await sql`insert into items (label) values ('raw')`.execute(db);
      await sql`create table extra (id integer primary key)`.execute(db);
      await db.insertInto("items").values({ label: "built", at: null, big: null }).execute();
      const rows = await db.selectFrom("items").select("label").orderBy("id").execute();
      expect(rows.map((r) => r.label)).toEqual(["raw", "built"]);
      expect((await sql<{ n: number }>`select count(*) as n from extra`.execute(db)).rows).toEqual([{ n: 0 }]);
    });

    it("sends a raw INSERT … RETURNING (a row query that writes) to the writer", async () => {
      const db = connectWithReaders();
      const result = await sql<{ id: number }>`insert into items (label) values ('returning') returning id`.execute(db);
      expect(result.rows).toHaveLength(1);
      expect(await db.selectFrom("items").select("label").execute()).toEqual([{ label: "returning" }]);
    });

    it("keeps concurrent increments exact while many reads run beside them", async () => {
      const db = connectWithReaders(3);
      const work: Promise<unknown>[] = [];
      for (let i = 0; i < 40; i++) {
        work.push(incrementSlowly(db));
        work.push(counterValue(db));
      }
      await Promise.all(work);
      expect(await counterValue(db)).toBe(40);
    });

    it("statements run together inside a transaction all commit, or all roll back when one fails", async () => {
      const db = connectWithReaders();
      await db.transaction().execute(async (trx) => {
        await together(
          trx.insertInto("items").values({ label: "a", at: null, big: null }).execute(),
          trx.insertInto("items").values({ label: "b", at: null, big: null }).execute(),
          trx.updateTable("counter").set({ n: 7 }).where("id", "=", 1).execute(),
        );
      });
      expect((await db.selectFrom("items").select("label").orderBy("label").execute()).map((r) => r.label)).toEqual(["a", "b"]);
      await expect(
        db.transaction().execute(async (trx) => {
          await together(
            trx.insertInto("items").values({ label: "c", at: null, big: null }).execute(),
            trx.insertInto("children").values({ parent_id: 999 }).execute(), // foreign key violation
            trx.updateTable("counter").set({ n: 8 }).where("id", "=", 1).execute(),
          );
        }),
      ).rejects.toThrow(/FOREIGN KEY/);
      expect((await db.selectFrom("items").select("label").orderBy("label").execute()).map((r) => r.label)).toEqual(["a", "b"]);
      expect(await counterValue(db)).toBe(7);
    });

    it("uses no readers for an in-memory database", async () => {
      const db = new Kysely<TestSchema>({ dialect: new Sqlite3Dialect({ filename: ":memory:", readers: 2 }) });
      open.push(db);
      await createSchema(db);
      expect(await counterValue(db)).toBe(0);
    });
  });
});
