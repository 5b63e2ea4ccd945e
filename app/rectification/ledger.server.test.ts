import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { todayInShanghai } from "../utils/time";
import { makeItem, makeWorld, type World } from "./fixtures.test-helpers";
import { addDays } from "../utils/time";
import { staffActOnItem } from "./progress.server";
import { getItem } from "./items.server";
import { importItems, ledgerSummary, listLedger } from "./ledger.server";

describe("rectification items against the database", () => {
  let w: World;
  beforeEach(async () => {
    w = await makeWorld();
  });
  afterEach(async () => {
    await w.cleanup();
  });

  it("the ledger filters by department (lead or co), status and light, pages, and summarises", async () => {
    const today = todayInShanghai();
    const a = await makeItem(w, { problem: "A 牵头", deadline: addDays(today, 40) });
    await makeItem(w, { problem: "B 牵头", leadDepartmentId: w.orgB, coDepartmentIds: [], deadline: addDays(today, 5) });
    const c = await makeItem(w, { problem: "C 牵头", leadDepartmentId: w.orgC, coDepartmentIds: [w.orgA], deadline: addDays(today, 2) });
    // make c overdue (as if time passed) and a carried over
    await w.t.db.updateTable("rectification_items").set({ deadline: addDays(today, -3) }).where("id", "=", c).execute();
    const va = (await getItem(w.t.db, a))!.version;
    await staffActOnItem(w.t.db, w.staff.actor, { itemId: a, version: va, confirmed: true, action: "carry_over", comment: "结转" });
    const all = await listLedger(w.t.db, w.inquiryId, {}, { page: 1, pageSize: 2 });
    expect(all.total).toBe(3);
    expect(all.rows.map((r) => r.number)).toEqual([1, 2]);
    const byA = await listLedger(w.t.db, w.inquiryId, { departmentId: w.orgA }, null);
    expect(byA.rows.map((r) => r.problem)).toEqual(["A 牵头", "C 牵头"]);
    expect((await listLedger(w.t.db, w.inquiryId, { light: "red" }, null)).rows.map((r) => r.problem)).toEqual(["C 牵头"]);
    expect((await listLedger(w.t.db, w.inquiryId, { light: "yellow" }, null)).rows.map((r) => r.problem)).toEqual(["B 牵头"]);
    expect((await listLedger(w.t.db, w.inquiryId, { light: "done" }, null)).rows.map((r) => r.problem)).toEqual(["A 牵头"]);
    expect((await listLedger(w.t.db, w.inquiryId, { status: "carried_over" }, null)).total).toBe(1);
    const red = (await listLedger(w.t.db, w.inquiryId, { light: "red" }, null)).rows[0];
    expect(red).toMatchObject({ light: "red", daysLeft: -3 });
    const s = await ledgerSummary(w.t.db, w.inquiryId);
    expect(s).toMatchObject({ total: 3, closed: 0, carriedOver: 1, open: 2, byLight: { red: 1, yellow: 1, green: 0, done: 1 } });
    const deptA = s.departments.find((d) => d.id === w.orgA)!;
    expect(deptA).toMatchObject({ lead: 1, co: 1, byStatus: { carried_over: 1 } });
  });

  it("imports all rows or none", async () => {
    const deadline = addDays(todayInShanghai(), 30);
    const bad = await importItems(w.t.db, w.staff.actor, w.inquiryId, [
      { row: 2, problem: "好的一行", requirement: "", leadDepartmentId: w.orgA, coDepartmentIds: [], deadline },
      { row: 3, problem: "坏的一行", requirement: "", leadDepartmentId: w.county, coDepartmentIds: [], deadline },
    ]);
    expect(bad).toEqual({ ok: false, errors: [{ row: 3, message: expect.stringContaining("牵头单位") }] });
    expect((await listLedger(w.t.db, w.inquiryId, {}, null)).total).toBe(0);
    const good = await importItems(w.t.db, w.staff.actor, w.inquiryId, [
      { row: 2, problem: "一", requirement: "", leadDepartmentId: w.orgA, coDepartmentIds: [w.orgB], deadline },
      { row: 3, problem: "二", requirement: "", leadDepartmentId: w.orgB, coDepartmentIds: [], deadline },
    ]);
    expect(good).toEqual({ ok: true, count: 2, numbers: [1, 2], skipped: [] });
  });
});
