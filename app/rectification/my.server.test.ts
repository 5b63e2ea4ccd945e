import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { todayInShanghai } from "../utils/time";
import { makeItem, makeWorld, type World } from "./fixtures.test-helpers";
import { loadMyRectification } from "./my.server";
import { addDays, getItem, staffActOnItem } from "./rectification.server";

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
    await staffActOnItem(w.t.db, w.staff.actor, { itemId: done, version: v, action: "carry_over", comment: "结转" });

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
});
