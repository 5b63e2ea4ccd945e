import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeItem, makeWorld, type World } from "./fixtures.test-helpers";
import { addDays } from "../utils/time";
import { getItem } from "./items.server";
import { decideExtension, requestExtension } from "./extensions.server";

describe("rectification items against the database", () => {
  let w: World;
  beforeEach(async () => {
    w = await makeWorld();
  });
  afterEach(async () => {
    await w.cleanup();
  });

  it("extension rules: later date, a reason, one pending at a time; denial needs a note and keeps the deadline", async () => {
    const id = await makeItem(w);
    const item = (await getItem(w.t.db, id))!;
    const ask = (date: string, reason = "理由") => requestExtension(w.t.db, w.deptA.actor, { itemId: id, organizationId: w.orgA, requestedDeadline: date, reason });
    expect(await ask(item.deadline)).toMatchObject({ ok: false, field: "requestedDeadline" });
    expect(await ask("2099-02-30")).toMatchObject({ ok: false, field: "requestedDeadline" });
    expect(await ask(addDays(item.deadline, 5), " ")).toMatchObject({ ok: false, field: "reason" });
    const first = await ask(addDays(item.deadline, 5));
    expect(first.ok).toBe(true);
    expect(await ask(addDays(item.deadline, 9))).toMatchObject({ ok: false, message: expect.stringContaining("等待审批") });
    if (!first.ok) return;
    expect(await decideExtension(w.t.db, w.staff.actor, { extensionId: first.id, decision: "deny", note: "" })).toMatchObject({ ok: false, field: "note" });
    expect(await decideExtension(w.t.db, w.staff.actor, { extensionId: first.id, decision: "deny", note: "理由不充分" })).toMatchObject({ ok: true });
    expect((await getItem(w.t.db, id))!.deadline).toBe(item.deadline);
    expect(await decideExtension(w.t.db, w.staff.actor, { extensionId: first.id, decision: "approve", note: "" })).toMatchObject({ ok: false, message: expect.stringContaining("已审批") });
  });
});
