import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { todayInShanghai } from "../utils/time";
import { makeItem, makeWorld, type World } from "./fixtures.test-helpers";
import { loadMyRectification, MY_ITEMS_PAGE_SIZE } from "./my.server";
import { addDays } from "../utils/time";
import { getItem } from "./items.server";
import { staffActOnItem } from "./progress.server";

describe("loadMyRectification (the /my section)", () => {
  let w: World;
  beforeEach(async () => {
    w = await makeWorld();
  });
  afterEach(async () => {
    await w.cleanup();
  });

  it("lists a department's items as lead or co-department, with lights, open ones first; nothing of others", async () => {
    const today = todayInShanghai();
    const lead = await makeItem(w, { problem: "A 牵头、近期到期", deadline: addDays(today, 3) });
    const co = await makeItem(w, { problem: "C 牵头、A 配合", leadDepartmentId: w.orgC, coDepartmentIds: [w.orgA], deadline: addDays(today, 50) });
    await makeItem(w, { problem: "B 牵头、与 A 无关", leadDepartmentId: w.orgB, coDepartmentIds: [], deadline: addDays(today, 20) });
    const done = await makeItem(w, { problem: "A 牵头、已结转", deadline: addDays(today, 40) });
    const v = (await getItem(w.t.db, done))!.version;
    await staffActOnItem(w.t.db, w.staff.actor, { itemId: done, version: v, confirmed: true, action: "carry_over", comment: "结转" });

    const mine = await loadMyRectification(w.t.db, { role: "department", organizationId: w.orgA, organizationKind: "department" });
    expect(mine?.open.map((i) => [i.id, i.role, i.light])).toEqual([
      [lead, "lead", "yellow"],
      [co, "co", "green"],
    ]);
    expect(mine?.finished.map((i) => [i.id, i.status])).toEqual([[done, "carried_over"]]);
    expect(mine?.handlingReports).toEqual([]);
    expect(await loadMyRectification(w.t.db, { role: "staff", organizationId: null, organizationKind: null })).toBeNull();
    expect(await loadMyRectification(w.t.db, { role: "county", organizationId: w.county, organizationKind: "county_congress" })).toBeNull();
  });

  it("the government's liaison also sees the handling reports to submit", async () => {
    await w.t.db.updateTable("inquiries").set({ stage: "rectification" }).where("id", "=", w.inquiryId).execute();
    const gov = await loadMyRectification(w.t.db, { role: "department", organizationId: w.gov, organizationKind: "government" });
    expect(gov?.handlingReports).toEqual([expect.objectContaining({ id: null, inquiry_id: w.inquiryId, round: 1, due_date: "2020-12-22", light: "red" })]);
    const dept = await loadMyRectification(w.t.db, { role: "department", organizationId: w.orgA, organizationKind: "department" });
    expect(dept?.handlingReports).toEqual([]);
  });

  it("pages both lists: every item once, nearest deadline first for open ones, totals from all pages", async () => {
    const today = todayInShanghai();
    const expected: { id: number; deadline: string }[] = [];
    // lead items with deadlines out of order, and co-department items interleaved among them
    for (let n = 0; n < MY_ITEMS_PAGE_SIZE + 8; n++) {
      const deadline = addDays(today, 10 + ((n * 7) % 40));
      const co = n % 4 === 0;
      const id = await makeItem(w, { problem: `事项${n}`, deadline, ...(co ? { leadDepartmentId: w.orgC, coDepartmentIds: [w.orgA] } : {}) });
      expected.push({ id, deadline });
    }
    await makeItem(w, { problem: "与 A 无关", leadDepartmentId: w.orgB, coDepartmentIds: [], deadline: addDays(today, 1) });
    const order = [...expected].sort((a, b) => (a.deadline < b.deadline ? -1 : a.deadline > b.deadline ? 1 : a.id - b.id)).map((e) => e.id);
    const who = { role: "department" as const, organizationId: w.orgA, organizationKind: "department" as const };
    const first = await loadMyRectification(w.t.db, who);
    const second = await loadMyRectification(w.t.db, who, { open: 2 });
    expect(first?.openTotal).toBe(expected.length);
    expect(first?.open.map((i) => i.id)).toEqual(order.slice(0, MY_ITEMS_PAGE_SIZE));
    expect(second?.open.map((i) => i.id)).toEqual(order.slice(MY_ITEMS_PAGE_SIZE));
    expect(second?.openPage).toBe(2);
    // a page past the end shows the last page
    expect((await loadMyRectification(w.t.db, who, { open: 99 }))?.openPage).toBe(2);

    // finished: latest deadline first
    const carried = expected.slice(0, 3).map((e) => e.id);
    for (const id of carried) {
      const v = (await getItem(w.t.db, id))!.version;
      await staffActOnItem(w.t.db, w.staff.actor, { itemId: id, version: v, confirmed: true, action: "carry_over", comment: "结转" });
    }
    const after = await loadMyRectification(w.t.db, who);
    expect(after?.openTotal).toBe(expected.length - 3);
    expect(after?.finishedTotal).toBe(3);
    expect(after?.finished.map((i) => i.id)).toEqual(order.filter((id) => carried.includes(id)).reverse());
  });
});
