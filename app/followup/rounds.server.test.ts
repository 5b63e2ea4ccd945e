import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeItem, makeWorld, type World } from "../rectification/fixtures.test-helpers";
import { addDays } from "../utils/time";
import { staffActOnItem } from "../rectification/progress.server";
import { canStartRound } from "../policy.server";
import { todayInShanghai } from "../utils/time";
import { inheritableItems, itemRounds, roundChain, startRound } from "./rounds.server";

let w: World;
beforeEach(async () => {
  w = await makeWorld();
});
afterEach(async () => {
  await w.cleanup();
});

describe("follow-up rounds", () => {
  it("an existing inquiry is round 1; round 2 continues its open and carried-over items with their history; closed ones stay", async () => {
    expect((await roundChain(w.t.db, w.inquiryId)).map((r) => [r.roundNumber, r.roundKind])).toEqual([[1, "inquiry"]]);
    const open = await makeItem(w, { problem: "因病返贫监测不及时" });
    const carried = await makeItem(w, { problem: "村卫生室人员不足", leadDepartmentId: w.orgB, coDepartmentIds: [w.orgA] });
    const closed = await makeItem(w, { problem: "已完成的事项" });
    const v = async (id: number) => (await w.t.db.selectFrom("rectification_items").select("version").where("id", "=", id).executeTakeFirstOrThrow()).version;
    expect(await staffActOnItem(w.t.db, w.staff.actor, { itemId: carried, version: await v(carried), action: "carry_over", comment: "资金下年度安排", confirmed: true })).toMatchObject({ ok: true });
    // closed on evidence (closure is tested in the rectification suite)
    await w.t.db.updateTable("rectification_items").set({ status: "closed", closed_at: new Date().toISOString() }).where("id", "=", closed).execute();
    expect((await inheritableItems(w.t.db, w.inquiryId)).map((i) => i.id)).toEqual([open, carried]);

    const deadline = addDays(todayInShanghai(), 90);
    const r = await startRound(w.t.db, w.staff.actor, { fromInquiryId: w.inquiryId, kind: "followup_meeting", title: "测试专题询问跟踪询问", meetingDate: addDays(todayInShanghai(), 30), deadline, itemIds: [open, carried] });
    expect(r).toMatchObject({ ok: true, items: 2 });
    if (!r.ok) return;
    const chain = await roundChain(w.t.db, r.id);
    expect(chain.map((c) => [c.id, c.roundNumber, c.kindLabel])).toEqual([
      [w.inquiryId, 1, "专题询问"],
      [r.id, 2, "跟踪询问会"],
    ]);
    expect(await roundChain(w.t.db, w.inquiryId)).toEqual(chain);

    const newItems = await w.t.db.selectFrom("rectification_items").selectAll().where("inquiry_id", "=", r.id).orderBy("number").execute();
    expect(newItems.map((i) => [i.number, i.problem, i.carried_from_item_id, i.status, i.deadline])).toEqual([
      [1, "因病返贫监测不及时", open, "todo", deadline],
      [2, "村卫生室人员不足", carried, "todo", deadline],
    ]);
    const co = await w.t.db.selectFrom("rectification_codepartments").select("organization_id").where("item_id", "=", newItems[1].id).execute();
    expect(co.map((c) => c.organization_id)).toEqual([w.orgA]);
    // the open item is carried over in round 1 with the reason; round 1's closed item stays
    const old = await w.t.db.selectFrom("rectification_items").select(["id", "status", "carried_over_reason"]).where("inquiry_id", "=", w.inquiryId).orderBy("number").execute();
    expect(old).toEqual([
      { id: open, status: "carried_over", carried_over_reason: "转入第 2 轮「测试专题询问跟踪询问」继续督办" },
      { id: carried, status: "carried_over", carried_over_reason: "资金下年度安排" },
      { id: closed, status: "closed", carried_over_reason: "" },
    ]);
    // every round the item went through, with its history there
    const rounds = await itemRounds(w.t.db, newItems[0].id);
    expect(rounds.map((x) => [x.id, x.round_number, x.current])).toEqual([
      [open, 1, false],
      [newItems[0].id, 2, true],
    ]);
    expect(rounds[0].history.map((e) => e.action)).toEqual(["created", "carried_over"]);
    expect(rounds[1].history.map((e) => e.action)).toEqual(["carried_in"]);
    expect(await inheritableItems(w.t.db, w.inquiryId)).toEqual([]);
    // the new round has the earlier round's responding organisations
    const orgs = await w.t.db.selectFrom("inquiry_organizations").select("organization_id").where("inquiry_id", "=", r.id).execute();
    expect(orgs.map((o) => o.organization_id).sort()).toEqual([w.gov, w.orgA, w.orgB].sort());
  });

  it("refuses a second next round, items not inheritable, and a past deadline, changing nothing", async () => {
    const item = await makeItem(w);
    const base = { fromInquiryId: w.inquiryId, kind: "inspection" as const, title: "回头看", meetingDate: "", deadline: addDays(todayInShanghai(), 30), itemIds: [item] };
    expect(await startRound(w.t.db, w.staff.actor, { ...base, deadline: addDays(todayInShanghai(), -1) })).toMatchObject({ ok: false, field: "deadline" });
    expect(await startRound(w.t.db, w.staff.actor, { ...base, itemIds: [item + 1000] })).toMatchObject({ ok: false, field: "itemIds" });
    expect(await startRound(w.t.db, w.staff.actor, { ...base, title: " " })).toMatchObject({ ok: false, field: "title" });
    expect(await w.t.db.selectFrom("inquiries").select("id").execute()).toHaveLength(1);
    expect(await startRound(w.t.db, w.staff.actor, base)).toMatchObject({ ok: true, items: 1 });
    expect(await startRound(w.t.db, w.staff.actor, { ...base, itemIds: [] })).toMatchObject({ ok: false, message: expect.stringContaining("请从最新一轮开展跟踪监督") });
    expect(canStartRound({ role: "staff" })).toBe(true);
    for (const role of ["member", "department", "county"] as const) expect(canStartRound({ role })).toBe(false);
  });
});
