import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { auditSince, breakAuditLog, lastAuditId, repairAuditLog, snapshot } from "../test/db";
import { todayInShanghai } from "../utils/time";
import { evidence, itemInput, makeExchange, makeItem, makeWorld, rich, type World } from "./fixtures.test-helpers";
import { addDays } from "../utils/time";
import { addProgressReport, itemHistory, staffActOnItem } from "./progress.server";
import { createItem, getItem, itemSource, itemsForSegments, updateItem } from "./items.server";

describe("rectification items against the database", () => {
  let w: World;
  beforeEach(async () => {
    w = await makeWorld();
  });
  afterEach(async () => {
    await w.cleanup();
  });

  it("creates an item with a number per inquiry, co-departments, history and an audit entry", async () => {
    const before = await lastAuditId(w.t.db);
    const id1 = await makeItem(w);
    const id2 = await makeItem(w, { problem: "第二项", coDepartmentIds: [] });
    const item = await getItem(w.t.db, id1);
    expect(item).toMatchObject({ number: 1, status: "todo", lead_name: "市卫生健康委员会", original_deadline: item!.deadline });
    expect(item!.codepartments.map((c) => c.name)).toEqual(["市教育局"]);
    expect((await getItem(w.t.db, id2))!.number).toBe(2);
    expect((await itemHistory(w.t.db, id1)).map((e) => e.action)).toEqual(["created"]);
    const audit = await auditSince(w.t.db, before);
    // the first item moves the inquiry on to 整改督办 (stages follow the work), once
    expect(audit.map((a) => a.action)).toEqual(["rectification.create", "inquiry.stage_auto", "rectification.create"]);
    expect((await w.t.db.selectFrom("inquiries").select("stage").where("id", "=", w.inquiryId).executeTakeFirstOrThrow()).stage).toBe("rectification");
    expect(audit[0].actor_id).toBe(w.staff.id);
  });

  it("refuses bad input and changes nothing", async () => {
    const snap = await snapshot(w.t.db);
    const cases: [Partial<Parameters<typeof itemInput>[1]>, string][] = [
      [{ problem: "  " }, "problem"],
      [{ deadline: "2025-02-30" }, "deadline"],
      [{ deadline: addDays(todayInShanghai(), -1) }, "deadline"],
      [{ coDepartmentIds: [w.orgA] }, "coDepartmentIds"],
      [{ leadDepartmentId: w.county }, "leadDepartmentId"],
      [{ coDepartmentIds: [w.county] }, "coDepartmentIds"],
      [{ sourceType: "exchange", sourceId: 9999 }, "_form"],
      [{ sourceType: "finding", sourceId: 9999 }, "_form"],
    ];
    for (const [over, field] of cases) {
      const r = await createItem(w.t.db, w.staff.actor, w.inquiryId, itemInput(w, over));
      expect(r, JSON.stringify(over)).toMatchObject({ ok: false, field });
    }
    expect(await snapshot(w.t.db)).toEqual(snap);
  });

  it("makes an item from an exchange in one step; the link shows both ways", async () => {
    const segmentId = await makeExchange(w);
    const r = await createItem(w.t.db, w.staff.actor, w.inquiryId, itemInput(w, { sourceType: "exchange", sourceId: segmentId }));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const item = (await getItem(w.t.db, r.id))!;
    const source = await itemSource(w.t.db, item);
    expect(source?.type).toBe("exchange");
    expect(source?.type === "exchange" && source.exchange.question).toContain("患病是致贫返贫");
    expect(source?.type === "exchange" && source.exchange.department_name).toBe("市卫生健康委员会");
    expect(await itemsForSegments(w.t.db, [segmentId, 12345])).toEqual([{ segment_id: segmentId, item_id: r.id, number: 1, status: "todo" }]);
  });

  it("refuses an exchange of another inquiry as source", async () => {
    const other = await w.t.db
      .insertInto("inquiries")
      .values({ title: "另一询问", congress: "x", created_by: null, created_at: "2020-01-01T00:00:00Z", updated_at: "2020-01-01T00:00:00Z" })
      .returning("id")
      .executeTakeFirstOrThrow();
    const seg = await makeExchange(w, other.id);
    const r = await createItem(w.t.db, w.staff.actor, w.inquiryId, itemInput(w, { sourceType: "exchange", sourceId: seg }));
    expect(r).toMatchObject({ ok: false, message: expect.stringContaining("不属于本次专题询问") });
  });

  it("a stale version changes nothing", async () => {
    const id = await makeItem(w);
    const item = (await getItem(w.t.db, id))!;
    await updateItem(w.t.db, w.staff.actor, { id, version: item.version, problem: "新问题", requirement: "", leadDepartmentId: w.orgA, coDepartmentIds: [w.orgC] });
    const snap = await snapshot(w.t.db);
    const r = await updateItem(w.t.db, w.staff.actor, { id, version: item.version, problem: "旧版本的修改", requirement: "", leadDepartmentId: w.orgA, coDepartmentIds: [] });
    expect(r).toMatchObject({ ok: false, message: expect.stringContaining("已被他人修改") });
    expect(await staffActOnItem(w.t.db, w.staff.actor, { itemId: id, version: item.version, confirmed: true, action: "carry_over", comment: "x" })).toMatchObject({ ok: false });
    expect(await snapshot(w.t.db)).toEqual(snap);
    expect((await getItem(w.t.db, id))!.codepartments.map((c) => c.name)).toEqual(["市水利局"]);
  });

  it("writes the change and its audit entry together: a failing audit leaves nothing behind", async () => {
    const id = await makeItem(w);
    const snap = await snapshot(w.t.db);
    await breakAuditLog(w.t.db);
    await expect(createItem(w.t.db, w.staff.actor, w.inquiryId, itemInput(w))).rejects.toThrow();
    await expect(addProgressReport(w.t.db, w.deptA.actor, { itemId: id, organizationId: w.orgA, body: rich("进展"), files: [evidence()] })).rejects.toThrow();
    await repairAuditLog(w.t.db);
    expect(await snapshot(w.t.db)).toEqual(snap);
  });
});
