import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeItem, makeWorld, type World } from "../rectification/fixtures.test-helpers";
import { addDays } from "../utils/time";
import { canManageAccountability, canReadAccountabilityStep } from "../policy.server";
import { listQueue } from "../queue/queue.server";
import { nowIso, todayInShanghai } from "../utils/time";
import { accountabilityTriggers, completeStep, listSteps, publishStep, recordStep, type StepInput } from "./accountability.server";

let w: World;
beforeEach(async () => {
  w = await makeWorld();
});
afterEach(async () => {
  await w.cleanup();
});

async function closedVote(result: "passed" | "not_passed", departmentId = w.orgA): Promise<number> {
  const now = nowIso();
  const row = await w.t.db
    .insertInto("votes")
    .values({ inquiry_id: w.inquiryId, target_type: "department", department_id: departmentId, title: "对市卫生健康委员会应询情况的满意度测评", status: "closed", opened_by: w.staff.id, opened_at: now, closed_at: now, closed_by: w.staff.id, result })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

const staffUser = () => ({ role: "staff" as const, id: w.staff.id, organizationName: null });

function input(over: Partial<StepInput>): StepInput {
  return { inquiryId: w.inquiryId, trigger: { type: "vote", id: 0 }, kind: "interview", stepDate: todayInShanghai(), decision: "约谈市卫生健康委员会主要负责人，限期提交整改报告", organizationId: w.orgA, itemId: null, publish: false, ...over };
}

describe("accountability steps", () => {
  it("after a failed vote: recorded with the item, in its history and the staff queue while pending; carried out, it leaves the queue; published, anyone reads it", async () => {
    const itemId = await makeItem(w);
    const voteId = await closedVote("not_passed");
    const triggers = await accountabilityTriggers(w.t.db, w.inquiryId);
    expect(triggers).toEqual([expect.objectContaining({ type: "vote", id: voteId, organizationId: w.orgA, organizationName: "市卫生健康委员会" })]);

    const recorded = await recordStep(w.t.db, w.staff.actor, input({ trigger: { type: "vote", id: voteId }, itemId }));
    expect(recorded.ok).toBe(true);
    if (!recorded.ok) return;
    const history = await w.t.db.selectFrom("item_events").select(["action", "comment"]).where("item_id", "=", itemId).orderBy("id").execute();
    expect(history.at(-1)).toEqual({ action: "accountability", comment: expect.stringContaining("约谈市卫生健康委员会") });
    const queue = await listQueue(w.t.db, staffUser(), { kind: "accountability" }, { page: 1, pageSize: 30 });
    expect(queue.rows).toEqual([expect.objectContaining({ kind: "accountability", recordId: recorded.id, organization: "市卫生健康委员会", href: `/inquiries/${w.inquiryId}/accountability#step-${recorded.id}` })]);
    expect(queue.rows[0].title).toContain("约谈");

    const [step] = await listSteps(w.t.db, { itemId });
    expect(step).toMatchObject({ status: "pending", trigger_label: "满意度测评未通过：对市卫生健康委员会应询情况的满意度测评", organization_name: "市卫生健康委员会" });
    // before publication: staff, the organisation concerned; not another department, not the public
    expect(canReadAccountabilityStep({ role: "staff", organizationId: null }, step)).toBe(true);
    expect(canReadAccountabilityStep({ role: "department", organizationId: w.orgA }, step)).toBe(true);
    expect(canReadAccountabilityStep({ role: "department", organizationId: w.orgB }, step)).toBe(false);
    expect(canReadAccountabilityStep({ role: "county", organizationId: w.county }, step)).toBe(false);
    expect(canReadAccountabilityStep(null, step)).toBe(false);

    const stale = await completeStep(w.t.db, w.staff.actor, { id: step.id, version: step.version + 1, outcome: "" });
    expect(stale).toMatchObject({ ok: false, message: expect.stringContaining("已被他人修改") });
    expect(await completeStep(w.t.db, w.staff.actor, { id: step.id, version: step.version, outcome: "已于当日约谈，部门提交整改方案" })).toMatchObject({ ok: true });
    expect((await listQueue(w.t.db, staffUser(), { kind: "accountability" }, { page: 1, pageSize: 30 })).rows).toEqual([]);
    const done = (await listSteps(w.t.db, { itemId }))[0];
    expect(done.status).toBe("done");
    expect(await publishStep(w.t.db, w.staff.actor, { id: done.id, version: done.version, publish: true })).toMatchObject({ ok: true });
    const published = (await listSteps(w.t.db, { inquiryId: w.inquiryId, publishedOnly: true }))[0];
    expect(canReadAccountabilityStep(null, published)).toBe(true);
    const audits = await w.t.db.selectFrom("audit_log").select("action").where("entity_type", "=", "accountability_step").orderBy("id").execute();
    expect(audits.map((a) => a.action)).toEqual(["accountability.record", "accountability.complete", "accountability.publish"]);
  });

  it("is refused, changing nothing, without a failure to follow: a passed vote, an item not yet overdue beyond the threshold", async () => {
    const passed = await closedVote("passed");
    const recent = await makeItem(w);
    await w.t.db.updateTable("rectification_items").set({ deadline: addDays(todayInShanghai(), -5) }).where("id", "=", recent).execute();
    expect(await accountabilityTriggers(w.t.db, w.inquiryId)).toEqual([]);
    for (const trigger of [{ type: "vote" as const, id: passed }, { type: "overdue" as const, id: recent }, { type: "handling_report" as const, id: 999 }]) {
      const r = await recordStep(w.t.db, w.staff.actor, input({ trigger }));
      expect(r).toMatchObject({ ok: false, field: "trigger" });
    }
    // overdue by more than 30 days (the default threshold): the item's own step, its lead proposed
    await w.t.db.updateTable("rectification_items").set({ deadline: addDays(todayInShanghai(), -31) }).where("id", "=", recent).execute();
    const [t] = await accountabilityTriggers(w.t.db, w.inquiryId);
    expect(t).toMatchObject({ type: "overdue", id: recent, itemId: recent, organizationId: w.orgA });
    const r = await recordStep(w.t.db, w.staff.actor, input({ trigger: { type: "overdue", id: recent }, kind: "notice", itemId: null }));
    expect(r.ok).toBe(true);
    expect((await listSteps(w.t.db, { itemId: recent })).map((s) => s.kind)).toEqual(["notice"]);
    expect(await recordStep(w.t.db, w.staff.actor, input({ trigger: { type: "overdue", id: recent }, decision: "  " }))).toMatchObject({ ok: false, field: "decision" });
    expect(await recordStep(w.t.db, w.staff.actor, input({ trigger: { type: "overdue", id: recent }, organizationId: 99999 }))).toMatchObject({ ok: false, field: "organizationId" });
    expect(await w.t.db.selectFrom("accountability_steps").select("id").execute()).toHaveLength(1);
  });

  it("only staff manage steps", () => {
    expect(canManageAccountability({ role: "staff" })).toBe(true);
    expect(canManageAccountability({ role: "admin" })).toBe(true);
    for (const role of ["member", "department", "county"] as const) expect(canManageAccountability({ role })).toBe(false);
  });
});
