/**
 * The migrations are written once for both engines (db/migrations/portable.ts); an existing SQLite database
 * must keep migrating exactly as before. The SQLite schema a fresh database gets (sqlite_master: tables,
 * indexes, triggers, their SQL text) is compared with the dump stored in __fixtures__/sqlite-schema.json,
 * taken before PostgreSQL support. A new migration changes the dump on purpose: regenerate it with
 *   XUNWEN_UPDATE_SCHEMA_FIXTURE=1 npx vitest run db/migrations/schema.test.ts
 * and review the diff (it must only add). On PostgreSQL the same migrations give the same tables and columns.
 */
import { sql } from "kysely";
import { readFile, writeFile } from "node:fs/promises";
import { ON_SQLITE, createTestDb, tableNames, type TestDb } from "../../app/test/db";
import { engineOf, openDatabase } from "../client";
import { parseTrigger, pgTriggerStatements, toPlpgsql } from "./portable";

const FIXTURE = new URL("./__fixtures__/sqlite-schema.json", import.meta.url);

let t: TestDb;
beforeEach(async () => {
  t = await createTestDb();
});
afterEach(async () => {
  await t.cleanup();
});

describe.skipIf(!ON_SQLITE)("SQLite schema (SQLite only)", () => {
  it("a freshly migrated database has exactly the stored sqlite_master", async () => {
    const { rows } = await sql<{ type: string; name: string; tbl_name: string; sql: string | null }>`
      select type, name, tbl_name, sql from sqlite_master order by type, name`.execute(t.db);
    const dump = JSON.stringify(rows, null, 1) + "\n";
    if (process.env.XUNWEN_UPDATE_SCHEMA_FIXTURE === "1") await writeFile(FIXTURE, dump);
    const expected = JSON.parse(await readFile(FIXTURE, "utf8")) as typeof rows;
    expect(rows.map((r) => `${r.type} ${r.name}`)).toEqual(expected.map((r) => `${r.type} ${r.name}`));
    expect(rows).toEqual(expected);
  });
});

describe("the same schema on both engines", () => {
  it("has the tables and columns of the stored SQLite schema (FTS5 shadow tables aside)", async () => {
    const expected = (JSON.parse(await readFile(FIXTURE, "utf8")) as { type: string; name: string; sql: string | null }[])
      .filter((r) => r.type === "table" && !r.name.startsWith("sqlite_") && !r.name.startsWith("kysely_") && !r.name.startsWith("search_index_"))
      .map((r) => r.name)
      .sort();
    expect((await tableNames(t.db)).filter((n) => !n.startsWith("search_index_"))).toEqual(expected);
    // and every table has the same columns in the same order
    for (const table of expected) {
      // FTS5's rowid is implicit; PostgreSQL's search_index holds it as its key column
      const columns = (await columnsOf(t.db, table)).filter((c) => !(table === "search_index" && c === "rowid"));
      expect([table, columns]).toEqual([table, await sqliteColumnsFromFixture(table)]);
    }
  });
});

describe("trigger rendering for PostgreSQL", () => {
  it("turns a SQLite trigger into a PL/pgSQL function and a row trigger, keeping its source", () => {
    const source = `create trigger notify_x after update of status on items when new.status = 'returned' and old.status <> 'returned' begin
      insert or ignore into q (rowid) values (8 * 1000000000 + new.id);
      insert into n (at) select strftime('%Y-%m-%dT%H:%M:%fZ', 'now'); end`;
    const t = parseTrigger(source);
    expect(t).toMatchObject({ name: "notify_x", timing: "after", event: "update of status", table: "items", when: "new.status = 'returned' and old.status <> 'returned'" });
    const [fn, trigger, comment] = pgTriggerStatements(source);
    expect(fn).toContain("if new.status = 'returned' and old.status <> 'returned' then");
    expect(fn).toContain("insert into q (rowid) values (8 * 1000000000::bigint + new.id) on conflict do nothing;");
    expect(fn).toContain(`to_char(clock_timestamp() at time zone 'UTC'`);
    expect(fn).toContain("return null;");
    expect(trigger).toBe("create trigger notify_x after update of status on items for each row execute function notify_x()");
    expect(comment.startsWith("comment on trigger notify_x on items is 'create trigger notify_x")).toBe(true);
  });

  it("raises in a before trigger and compares with IS DISTINCT FROM", () => {
    expect(toPlpgsql(`select raise(abort, 'it''s a copy');`)).toBe(`raise exception 'it''s a copy';`);
    expect(toPlpgsql(`new.d is not (select 1)`)).toBe(`new.d is distinct from (select 1)`);
    const [fn] = pgTriggerStatements(`create trigger g before update of d on m when new.d is not (select 1) begin select raise(abort, 'no'); end`);
    expect(fn).toContain("return new;");
  });

  it("keeps the row a before-delete trigger lets go, and renders an instant's Shanghai date", () => {
    // NEW is null in a delete: returning it would cancel the delete
    const [fn] = pgTriggerStatements(`create trigger d before delete on items begin delete from counts where id = old.id; end`);
    expect(fn).toContain("return old;");
    expect(fn).not.toContain("return new;");
    expect(toPlpgsql(`date(i.closed_at, '+8 hours') <= i.deadline`)).toBe(
      `to_char(cast(i.closed_at as timestamptz) at time zone 'UTC' + interval '8 hours', 'YYYY-MM-DD') <= i.deadline`,
    );
  });

    it("refuses a trigger it cannot read", () => {
    expect(() => parseTrigger("create trigger x instead of insert on v begin select 1; end")).toThrow(/portable form/);
  });
});

async function columnsOf(db: TestDb["db"], table: string): Promise<string[]> {
  if (engineOf(db) === "postgres") {
    const { rows } = await sql<{ name: string }>`
      select column_name as name from information_schema.columns
      where table_schema = current_schema() and table_name = ${table} and is_generated = 'NEVER' order by ordinal_position`.execute(db);
    return rows.map((r) => r.name);
  }
  const { rows } = await sql<{ name: string }>`select name from pragma_table_info(${table})`.execute(db);
  return rows.map((r) => r.name);
}

/** Column names of a table in the stored SQLite schema, read by SQLite itself from the stored CREATE text. */
async function sqliteColumnsFromFixture(table: string): Promise<string[]> {
  const rows = JSON.parse(await readFile(FIXTURE, "utf8")) as { type: string; name: string; sql: string | null }[];
  const create = rows.find((r) => r.type === "table" && r.name === table)?.sql;
  if (!create) return [];
  const scratch = openDatabase(":memory:");
  try {
    await sql.raw(create).execute(scratch);
    const { rows: cols } = await sql<{ name: string }>`select name from pragma_table_info(${table})`.execute(scratch);
    return cols.map((c) => c.name);
  } finally {
    await scratch.destroy();
  }
}
