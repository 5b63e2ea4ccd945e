import { Kysely, PostgresDialect, sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "../app/test/db";
import type { Database } from "./schema";
import { Sqlite3Dialect } from "./sqlite3-dialect";
import { engineOf } from "./engine";
import { advisoryLock, forUpdate, lockRow, onTransactionRetry, writeTransaction } from "./transactions";

/** A PostgreSQL Kysely that only compiles (its pool is never asked for a connection). */
function postgresCompiler() {
  return new Kysely<any>({ dialect: new PostgresDialect({ pool: {} as never }) });
}

describe("engineOf and forUpdate", () => {
  it("reads the engine from the adapter, for the database and its transactions", async () => {
    const t = await createTestDb();
    try {
      expect(engineOf(t.db)).toBe("sqlite");
      await t.db.transaction().execute(async (trx) => expect(engineOf(trx)).toBe("sqlite"));
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
    const t = await createTestDb();
    try {
      const plain = t.db.selectFrom("inquiries").select("version").where("id", "=", 1);
      expect(plain.$call(forUpdate(t.db)).compile().sql).toBe(plain.compile().sql);
    } finally {
      await t.cleanup();
    }
  });
});

describe("writeTransaction (SQLite)", () => {
  let t: TestDb;
  beforeEach(async () => {
    t = await createTestDb();
  });
  afterEach(async () => {
    await t.cleanup();
  });

  it("locks are no-ops that run no statement on SQLite", async () => {
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
