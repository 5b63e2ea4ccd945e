import { Kysely, PostgresDialect, sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDb, makeOrganization, ON_SQLITE, TEST_ENGINE, type TestDb } from "../app/test/db";
import type { Database } from "./schema";
import { Sqlite3Dialect } from "./sqlite3-dialect";
import { engineOf } from "./engine";
import { advisoryLock, forUpdate, lockRow, lockRowShared, onTransactionRetry, writeTransaction } from "./transactions";

/** A PostgreSQL Kysely that only compiles (its pool is never asked for a connection). */
function postgresCompiler() {
  return new Kysely<any>({ dialect: new PostgresDialect({ pool: {} as never }) });
}

describe("engineOf and forUpdate", () => {
  it("reads the engine from the adapter, for the database and its transactions", async () => {
    const t = await createTestDb();
    try {
      expect(engineOf(t.db)).toBe(TEST_ENGINE);
      await t.db.transaction().execute(async (trx) => expect(engineOf(trx)).toBe(TEST_ENGINE));
      expect(engineOf(postgresCompiler())).toBe("postgres");
    } finally {
      await t.cleanup();
    }
  });

  it("adds FOR NO KEY UPDATE on PostgreSQL and nothing on SQLite", async () => {
    const pg = postgresCompiler();
    const locked = pg.selectFrom("inquiries").select("version").where("id", "=", 1).$call(forUpdate(pg)).compile().sql;
    expect(locked).toMatch(/for no key update$/);
    const lockedOf = pg
      .selectFrom("rectification_items")
      .innerJoin("inquiries", "inquiries.id", "rectification_items.inquiry_id")
      .select("rectification_items.version")
      .$call(forUpdate(pg, "rectification_items"))
      .compile().sql;
    expect(lockedOf).toMatch(/for no key update of "rectification_items"$/);
    if (!ON_SQLITE) return;
    const t = await createTestDb();
    try {
      const plain = t.db.selectFrom("inquiries").select("version").where("id", "=", 1);
      expect(plain.$call(forUpdate(t.db)).compile().sql).toBe(plain.compile().sql);
    } finally {
      await t.cleanup();
    }
  });
});

describe.skipIf(ON_SQLITE)("the locks on PostgreSQL hold against another connection", () => {
  let t: TestDb;
  beforeEach(async () => {
    t = await createTestDb();
  });
  afterEach(async () => {
    await t.cleanup();
  });

  /** What another connection gets when it asks, without waiting, for what `hold` locked. */
  async function whileHeld(hold: (trx: Kysely<Database>) => Promise<void>, probe: (other: Kysely<Database>) => Promise<unknown>) {
    let outcome: unknown;
    await writeTransaction(t.db, async (trx) => {
      await hold(trx);
      outcome = await t.db
        .transaction()
        .execute((other) => probe(other))
        .then(
          (value) => ({ value }),
          (error: { code?: string }) => ({ code: error.code }),
        );
    });
    return outcome;
  }

  it("lockRow: another transaction cannot lock or update the row until commit", async () => {
    const id = await makeOrganization(t.db);
    const nowait = (other: Kysely<Database>) => sql`select id from organizations where id = ${id} for update nowait`.execute(other);
    expect(await whileHeld((trx) => lockRow(trx, "organizations", id), nowait)).toEqual({ code: "55P03" });
    // the same query after the commit succeeds
    expect((await nowait(t.db)).rows).toEqual([{ id }]);
  });

  it("lockRowShared: others may share it but not lock it exclusively", async () => {
    const id = await makeOrganization(t.db);
    expect(await whileHeld((trx) => lockRowShared(trx, "organizations", id), (o) => sql`select id from organizations where id = ${id} for no key update nowait`.execute(o))).toEqual({
      code: "55P03",
    });
    const shared = (await whileHeld((trx) => lockRowShared(trx, "organizations", id), (o) => sql`select id from organizations where id = ${id} for share nowait`.execute(o))) as {
      value: { rows: unknown[] };
    };
    expect(shared.value.rows).toEqual([{ id }]);
  });

  it("advisoryLock: the same name is taken, another name is free", async () => {
    const probe = (key: string) => (o: Kysely<Database>) => sql<{ got: boolean }>`select pg_try_advisory_xact_lock(hashtextextended(${key}, 0)) as got`.execute(o);
    const same = (await whileHeld((trx) => advisoryLock(trx, "login:alice"), probe("login:alice"))) as { value: { rows: { got: boolean }[] } };
    const other = (await whileHeld((trx) => advisoryLock(trx, "login:alice"), probe("login:bob"))) as { value: { rows: { got: boolean }[] } };
    expect(same.value.rows[0].got).toBe(false);
    expect(other.value.rows[0].got).toBe(true);
  });
});

describe("writeTransaction", () => {
  let t: TestDb;
  beforeEach(async () => {
    t = await createTestDb();
  });
  afterEach(async () => {
    await t.cleanup();
  });

  it.skipIf(!ON_SQLITE)("locks are no-ops that run no statement on SQLite", async () => {
    const statements: string[] = [];
    const logged = new Kysely<any>({ dialect: new Sqlite3Dialect({ filename: t.path }), log: (e) => void statements.push(e.query.sql) });
    try {
      await writeTransaction(logged, async (trx) => {
        await lockRow(trx, "inquiries", 1, 2);
        await advisoryLock(trx, "login:alice");
        await trx.selectFrom("inquiries").select("id").$call(forUpdate(trx)).execute();
      });
    } finally {
      await logged.destroy();
    }
    expect(statements.filter((s) => !/^(begin|commit)/i.test(s))).toEqual(['select "id" from "inquiries"']);
  });

  it("joins the caller's transaction instead of opening a second one", async () => {
    const result = await writeTransaction(t.db, async (outer) => {
      await sql`create table tx_probe (n integer)`.execute(outer);
      return writeTransaction<Database, string>(outer, async (inner) => {
        expect(inner).toBe(outer);
        await sql`insert into tx_probe (n) values (1)`.execute(inner);
        return "joined";
      });
    });
    expect(result).toBe("joined");
  });

  it("runs the transaction again after a serialisation failure or deadlock, and tells the listeners", async () => {
    const events: string[] = [];
    const stop = onTransactionRetry((e) => events.push(`${e.attempt}:${e.code}`));
    let attempts = 0;
    try {
      const result = await writeTransaction(t.db, async () => {
        attempts++;
        if (attempts === 1) throw Object.assign(new Error("could not serialize access"), { code: "40001" });
        if (attempts === 2) throw Object.assign(new Error("deadlock detected"), { code: "40P01" });
        return attempts;
      });
      expect(result).toBe(3);
      expect(events).toEqual(["1:40001", "2:40P01"]);
    } finally {
      stop();
    }
  });

  it("passes any other error straight through, once", async () => {
    let attempts = 0;
    await expect(
      writeTransaction(t.db, async () => {
        attempts++;
        throw Object.assign(new Error("duplicate key"), { code: "23505" });
      }),
    ).rejects.toThrow("duplicate key");
    expect(attempts).toBe(1);
  });

  it("gives up after five attempts", async () => {
    let attempts = 0;
    await expect(
      writeTransaction(t.db, async () => {
        attempts++;
        throw Object.assign(new Error("deadlock detected"), { code: "40P01" });
      }),
    ).rejects.toThrow("deadlock");
    expect(attempts).toBe(5);
  });
});
