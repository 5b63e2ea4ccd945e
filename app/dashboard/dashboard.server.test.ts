import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDatabase } from "../../db/client";
import { makeItem, makeWorld, type World } from "../rectification/fixtures.test-helpers";
import { addDays } from "../utils/time";
import { getItem } from "../rectification/items.server";
import { setWarningDays } from "../rectification/status.server";
import { staffActOnItem } from "../rectification/progress.server";
import { todayInShanghai } from "../utils/time";
import type { CurrentUser } from "../auth/session.server";
import { makeOrganization } from "../test/db";
import { DASHBOARD_DEPARTMENTS, homeData, staffDashboard } from "./dashboard.server";

describe("staffDashboard", () => {
  let w: World;
  beforeEach(async () => {
    w = await makeWorld();
  });
  afterEach(async () => {
    await w.cleanup();
  });

  const rowOf = (d: Awaited<ReturnType<typeof staffDashboard>>, id: number) => d.byDepartment.find((r) => r.id === id);

  it("counts items by lead department and status, lists urgent deadlines, and shares one result while nothing changes", async () => {
    const today = todayInShanghai();
    const soon = await makeItem(w, { deadline: addDays(today, 2) });
    await makeItem(w, { deadline: addDays(today, 90) });
    const late = await makeItem(w, { leadDepartmentId: w.orgB, coDepartmentIds: [], deadline: addDays(today, 1) });
    // an item whose deadline has passed (the form refuses past deadlines, time does not)
    await w.t.db.updateTable("rectification_items").set({ deadline: addDays(today, -1) }).where("id", "=", late).execute();
    const first = await staffDashboard(w.t.db);
    expect(rowOf(first, w.orgA)).toMatchObject({ total: 2, counts: { todo: 2 }, overdue: 0 });
    expect(rowOf(first, w.orgB)).toMatchObject({ total: 1, overdue: 1, onTimeRate: 0 });
    expect(first.deadlines.map((d) => d.href)).toEqual(expect.arrayContaining([`/rectification/${soon}`]));
    expect(first.deadlines.find((d) => d.href === `/rectification/${soon}`)?.light).toBe("yellow");
    // nothing changed: the same computed result
    expect(await staffDashboard(w.t.db)).toBe(first);
  });

  it("按期销号率 uses the Beijing date of the closing: closed at 00:30 on 1 July is late for a 30 June deadline (issue 15.3)", async () => {
    const lateOne = await makeItem(w, { deadline: addDays(todayInShanghai(), 30) });
    const lateTwo = await makeItem(w, { deadline: addDays(todayInShanghai(), 30) });
    const inTime = await makeItem(w, { leadDepartmentId: w.orgB, coDepartmentIds: [], deadline: addDays(todayInShanghai(), 30) });
    // closed by staff at those instants (written directly: the clock cannot be set back in a test)
    const close = (id: number, at: string) => w.t.db.updateTable("rectification_items").set({ status: "closed", closed_at: at, deadline: "2026-06-30" }).where("id", "=", id).execute();
    await close(lateOne, "2026-06-30T16:30:00.000Z"); // 2026-07-01 00:30 Beijing
    await close(lateTwo, "2026-06-30T23:59:00.000Z"); // 2026-07-01 07:59 Beijing, still 30 June in UTC
    await close(inTime, "2026-06-30T15:59:59.000Z"); // 2026-06-30 23:59 Beijing
    const d = await staffDashboard(w.t.db);
    expect(rowOf(d, w.orgA)).toMatchObject({ onTimeRate: 0, onTimePercent: 0 });
    expect(rowOf(d, w.orgB)).toMatchObject({ onTimeRate: 1, onTimePercent: 100 });
  });

  it("is computed afresh after any change it depends on, including one made by another connection", async () => {
    const today = todayInShanghai();
    const item = await makeItem(w, { deadline: addDays(today, 10) });
    const before = await staffDashboard(w.t.db);
    expect(rowOf(before, w.orgA)?.counts.carried_over).toBe(0);

    // a status change through the domain function
    const v = (await getItem(w.t.db, item))!.version;
    expect((await staffActOnItem(w.t.db, w.staff.actor, { itemId: item, version: v, confirmed: true, action: "carry_over", comment: "结转" })).ok).toBe(true);
    const afterCarry = await staffDashboard(w.t.db);
    expect(afterCarry).not.toBe(before);
    expect(rowOf(afterCarry, w.orgA)?.counts.carried_over).toBe(1);

    // a setting: the yellow threshold
    expect((await setWarningDays(w.t.db, w.staff.actor, 20)).ok).toBe(true);
    expect((await staffDashboard(w.t.db)).warningDays).toBe(20);

    // an organisation renamed by another connection to the same file (another process would do the same)
    const other = openDatabase(w.t.path);
    try {
      await other.updateTable("organizations").set({ name: "市卫生健康委" }).where("id", "=", w.orgA).execute();
    } finally {
      await other.destroy();
    }
    expect(rowOf(await staffDashboard(w.t.db), w.orgA)?.name).toBe("市卫生健康委");
  });

  it("the home page lists the departments with the most items, and all of them on request", async () => {
    const today = todayInShanghai();
    for (let n = 0; n < DASHBOARD_DEPARTMENTS + 1; n++) {
      const org = await makeOrganization(w.t.db, { name: `测试单位${n}`, kind: "department" });
      for (let k = 0; k <= n % 3; k++) await makeItem(w, { leadDepartmentId: org, coDepartmentIds: [], deadline: addDays(today, 30) });
    }
    const staffUser: CurrentUser = {
      id: w.staff.id,
      username: w.staff.username,
      displayName: w.staff.displayName,
      role: "staff",
      title: "",
      organizationId: null,
      organizationName: null,
      organizationKind: null,
      sessionHash: "",
    };
    const home = await homeData(w.t.db, staffUser);
    expect(home.staff?.departmentCount).toBe(DASHBOARD_DEPARTMENTS + 1);
    expect(home.staff?.byDepartment).toHaveLength(DASHBOARD_DEPARTMENTS);
    const totals = home.staff!.byDepartment.map((r) => r.total);
    expect(totals).toEqual([...totals].sort((a, b) => b - a));
    const all = await homeData(w.t.db, staffUser, { allDepartments: true });
    expect(all.staff?.byDepartment).toHaveLength(DASHBOARD_DEPARTMENTS + 1);
  });
});
