import { Migrator, sql } from "kysely";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase, type DB } from "../../db/client";
import { migrations } from "../../db/migrations";
import { syncSearchIndex } from "./indexer.server";
import { parseSearchQuery, search } from "./search.server";

/** Migration 0010 re-indexes an existing database: what 0006 indexed unfolded is found after the upgrade. */
describe("migration 0010 on an existing database", () => {
  let db: DB | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await db?.destroy();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("queues every document and the start-up sync folds them", async () => {
    dir = await mkdtemp(join(tmpdir(), "xunwen-migrate-"));
    db = openDatabase(join(dir, "x.db"));
    const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
    const before = await migrator.migrateTo("0008_performance");
    if (before.error) throw before.error;
    const now = "2026-01-01T00:00:00.000Z";
    const org = await db.insertInto("organizations").values({ name: "市发展和改革委员会", kind: "department", created_at: now, updated_at: now }).returning("id").executeTakeFirstOrThrow();
    const inquiry = await db
      .insertInto("inquiries")
      .values({ title: "专题询问", congress: "焦作市人大常委会", meeting_date: "2020-09-22", created_by: null, created_at: now, updated_at: now })
      .returning("id")
      .executeTakeFirstOrThrow();
    await db
      .insertInto("rectification_items")
      .values({ inquiry_id: inquiry.id, number: 1, problem: "ＰＰＰ项目融资监管不到位，２０２６年第３季度前完成清理。", lead_department_id: org.id, deadline: "2026-09-30", original_deadline: "2026-09-30", created_by: null, created_at: now, updated_at: now })
      .execute();
    // 0006 indexed it as typed: the half-width query does not find it there
    const old = await sql<{ n: number }>`select count(*) as n from search_index where search_index match '"pp pp"'`.execute(db);
    expect(Number(old.rows[0].n)).toBe(0);

    const after = await migrator.migrateToLatest();
    if (after.error) throw after.error;
    const queued = await sql<{ n: number }>`select count(*) as n from search_queue`.execute(db);
    expect(Number(queued.rows[0].n)).toBe(2); // the inquiry and the item
    expect(await syncSearchIndex(db)).toBe(2);
    const parsed = parseSearchQuery("PPP项目");
    if (!parsed.ok) throw new Error(parsed.message);
    const result = await search(db, { role: "staff", organizationId: null, organizationKind: null }, parsed, { page: 1, pageSize: 20, year: 2020 });
    expect(result.byKind).toEqual({ rectification_item: 1 });
    expect(result.hits[0].snippet.map((p) => p.text).join("")).toContain("ＰＰＰ项目融资");
  });
});
