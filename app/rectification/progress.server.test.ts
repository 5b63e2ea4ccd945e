import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { attachmentOwner } from "../attachments/attachments.server";
import { canReadAttachment, canReadItem, canReportItemProgress, canRequestItemClosure, canRequestItemExtension } from "../policy.server";
import { snapshot } from "../test/db";
import { evidence, makeItem, makeWorld, rich, type World } from "./fixtures.test-helpers";
import { addDays } from "../utils/time";
import { addProgressReport, itemHistory, requestClosure, staffActOnItem } from "./progress.server";
import { getItem, updateItem } from "./items.server";
import { decideExtension, itemExtensions, requestExtension } from "./extensions.server";

describe("rectification items against the database", () => {
  let w: World;
  beforeEach(async () => {
    w = await makeWorld();
  });
  afterEach(async () => {
    await w.cleanup();
  });

  it("walks the whole life: progress by lead and co, extension, closure request, return, close", async () => {
    const id = await makeItem(w);
    // the lead's first progress report moves 待整改 → 整改中
    const p1 = await addProgressReport(w.t.db, w.deptA.actor, { itemId: id, organizationId: w.orgA, body: rich("已完成排查"), files: [evidence()] });
    expect(p1.ok).toBe(true);
    expect((await getItem(w.t.db, id))!.status).toBe("in_progress");
    // the co-department adds its own report
    const p2 = await addProgressReport(w.t.db, w.deptB.actor, { itemId: id, organizationId: w.orgB, body: rich("配合开展入户核查"), files: [] });
    expect(p2.ok).toBe(true);
    // extension: the lead asks, staff approve; the original deadline stays
    const item0 = (await getItem(w.t.db, id))!;
    const newDate = addDays(item0.deadline, 30);
    const ext = await requestExtension(w.t.db, w.deptA.actor, { itemId: id, organizationId: w.orgA, requestedDeadline: newDate, reason: "受汛期影响" });
    expect(ext.ok).toBe(true);
    if (!ext.ok) return;
    expect(await decideExtension(w.t.db, w.staff.actor, { extensionId: ext.id, decision: "approve", note: "同意" })).toMatchObject({ ok: true });
    const item1 = (await getItem(w.t.db, id))!;
    expect(item1.deadline).toBe(newDate);
    expect(item1.original_deadline).toBe(item0.deadline);
    const exts = await itemExtensions(w.t.db, id);
    expect(exts).toMatchObject([{ status: "approved", old_deadline: item0.deadline, requested_deadline: newDate, decided_by_name: w.staff.displayName }]);
    // closure request, return with comment, request again, close
    expect(await requestClosure(w.t.db, w.deptA.actor, { itemId: id, version: item1.version, organizationId: w.orgA, body: rich("整改完成"), files: [] })).toMatchObject({ ok: true });
    const item2 = (await getItem(w.t.db, id))!;
    expect(item2.status).toBe("closure_requested");
    expect(await staffActOnItem(w.t.db, w.staff.actor, { itemId: id, version: item2.version, action: "return", comment: "" })).toMatchObject({ ok: false, field: "comment" });
    expect(await staffActOnItem(w.t.db, w.staff.actor, { itemId: id, version: item2.version, action: "return", comment: "佐证材料不全" })).toMatchObject({ ok: true });
    const item3 = (await getItem(w.t.db, id))!;
    expect(item3).toMatchObject({ status: "in_progress", return_comment: "佐证材料不全" });
    expect(await requestClosure(w.t.db, w.deptA.actor, { itemId: id, version: item3.version, organizationId: w.orgA, body: rich("已补充材料"), files: [evidence("补充.pdf", "x")] })).toMatchObject({ ok: true });
    const item4 = (await getItem(w.t.db, id))!;
    expect(await staffActOnItem(w.t.db, w.staff.actor, { itemId: id, version: item4.version, confirmed: true, action: "close", comment: "整改到位" })).toMatchObject({ ok: true });
    const closed = (await getItem(w.t.db, id))!;
    expect(closed).toMatchObject({ status: "closed", closed_by: w.staff.id, closing_note: "整改到位" });
    expect(closed.closed_at).toBeTruthy();
    expect((await itemHistory(w.t.db, id)).map((e) => e.action)).toEqual([
      "created",
      "progress",
      "progress",
      "extension_requested",
      "extension_approved",
      "closure_requested",
      "returned",
      "closure_requested",
      "closed",
    ]);
    // final: nothing more
    const snap = await snapshot(w.t.db);
    expect(await addProgressReport(w.t.db, w.deptA.actor, { itemId: id, organizationId: w.orgA, body: rich("再报"), files: [] })).toMatchObject({ ok: false });
    expect(await staffActOnItem(w.t.db, w.staff.actor, { itemId: id, version: closed.version, confirmed: true, action: "carry_over", comment: "结转" })).toMatchObject({ ok: false });
    expect(await staffActOnItem(w.t.db, w.staff.actor, { itemId: id, version: closed.version, action: "return", comment: "x" })).toMatchObject({ ok: false });
    expect(await requestExtension(w.t.db, w.deptA.actor, { itemId: id, organizationId: w.orgA, requestedDeadline: addDays(newDate, 10), reason: "x" })).toMatchObject({ ok: false });
    expect(await updateItem(w.t.db, w.staff.actor, { id, version: closed.version, problem: "改", requirement: "", leadDepartmentId: w.orgA, coDepartmentIds: [] })).toMatchObject({ ok: false });
    expect(await snapshot(w.t.db)).toEqual(snap);
  });

  it("refuses closure requests: from 待整改, without evidence, by a co-department; and a stale version", async () => {
    const id = await makeItem(w);
    const v = (await getItem(w.t.db, id))!.version;
    expect(await requestClosure(w.t.db, w.deptA.actor, { itemId: id, version: v, organizationId: w.orgA, body: rich("完成"), files: [evidence()] })).toMatchObject({
      ok: false,
      message: expect.stringContaining("请先报送整改进展"),
    });
    await addProgressReport(w.t.db, w.deptA.actor, { itemId: id, organizationId: w.orgA, body: rich("进展，无附件"), files: [] });
    const item = (await getItem(w.t.db, id))!;
    const snap = await snapshot(w.t.db);
    expect(await requestClosure(w.t.db, w.deptA.actor, { itemId: id, version: item.version, organizationId: w.orgA, body: rich("完成"), files: [] })).toMatchObject({
      ok: false,
      field: "closureFiles",
    });
    expect(await requestClosure(w.t.db, w.deptB.actor, { itemId: id, version: item.version, organizationId: w.orgB, body: rich("完成"), files: [evidence()] })).toMatchObject({
      ok: false,
      message: "只有牵头单位可以申请销号",
    });
    expect(await requestClosure(w.t.db, w.deptA.actor, { itemId: id, version: item.version - 1, organizationId: w.orgA, body: rich("完成"), files: [evidence()] })).toMatchObject({
      ok: false,
      message: expect.stringContaining("已被他人修改"),
    });
    expect(await snapshot(w.t.db)).toEqual(snap);
  });

  it("closes only on a closure request with evidence", async () => {
    const id = await makeItem(w);
    let item = (await getItem(w.t.db, id))!;
    expect(await staffActOnItem(w.t.db, w.staff.actor, { itemId: id, version: item.version, confirmed: true, action: "close", comment: "" })).toMatchObject({ ok: false });
    await addProgressReport(w.t.db, w.deptA.actor, { itemId: id, organizationId: w.orgA, body: rich("进展"), files: [evidence()] });
    item = (await getItem(w.t.db, id))!;
    expect(await staffActOnItem(w.t.db, w.staff.actor, { itemId: id, version: item.version, confirmed: true, action: "close", comment: "" })).toMatchObject({
      ok: false,
      message: expect.stringContaining("只能对已申请销号的事项销号"),
    });
    // evidence removed behind the app's back: closing is refused even after a request
    await requestClosure(w.t.db, w.deptA.actor, { itemId: id, version: item.version, organizationId: w.orgA, body: rich("完成"), files: [] });
    await w.t.db.deleteFrom("attachments").execute();
    item = (await getItem(w.t.db, id))!;
    expect(await staffActOnItem(w.t.db, w.staff.actor, { itemId: id, version: item.version, confirmed: true, action: "close", comment: "" })).toMatchObject({
      ok: false,
      message: expect.stringContaining("佐证材料"),
    });
  });

  it("a third department cannot report, request closure or extension (and nothing changes)", async () => {
    const id = await makeItem(w);
    const snap = await snapshot(w.t.db);
    expect(await addProgressReport(w.t.db, w.deptC.actor, { itemId: id, organizationId: w.orgC, body: rich("越权"), files: [] })).toMatchObject({ ok: false });
    expect(await requestExtension(w.t.db, w.deptC.actor, { itemId: id, organizationId: w.orgC, requestedDeadline: "2099-01-01", reason: "越权" })).toMatchObject({ ok: false });
    expect(await requestExtension(w.t.db, w.deptB.actor, { itemId: id, organizationId: w.orgB, requestedDeadline: "2099-01-01", reason: "配合单位" })).toMatchObject({
      ok: false,
      message: "只有牵头单位可以申请延期",
    });
    expect(await snapshot(w.t.db)).toEqual(snap);
  });

  it("carries over with a reason, from any open status", async () => {
    const id = await makeItem(w);
    const item = (await getItem(w.t.db, id))!;
    expect(await staffActOnItem(w.t.db, w.staff.actor, { itemId: id, version: item.version, confirmed: true, action: "carry_over", comment: "" })).toMatchObject({ ok: false, field: "comment" });
    expect(await staffActOnItem(w.t.db, w.staff.actor, { itemId: id, version: item.version, confirmed: true, action: "carry_over", comment: "纳入乡村振兴长效机制跟踪" })).toMatchObject({ ok: true });
    expect((await getItem(w.t.db, id))!).toMatchObject({ status: "carried_over", carried_over_reason: "纳入乡村振兴长效机制跟踪" });
  });

  it("attachments of progress reports: the item's departments, staff and members; not a third department", async () => {
    const id = await makeItem(w);
    const r = await addProgressReport(w.t.db, w.deptA.actor, { itemId: id, organizationId: w.orgA, body: rich("进展"), files: [evidence()] });
    if (!r.ok) throw new Error(r.message);
    const att = await w.t.db.selectFrom("attachments").selectAll().where("owner_type", "=", "progress_report").executeTakeFirstOrThrow();
    const owner = await attachmentOwner(w.t.db, att);
    const asUser = (u: { role: World["staff"]["role"]; organizationId: number | null; memberInquiryIds?: number[] }) => canReadAttachment(u, owner);
    expect(asUser(w.deptA)).toBe(true);
    expect(asUser(w.deptB)).toBe(true);
    expect(asUser(w.deptC)).toBe(false);
    expect(asUser(w.liaison)).toBe(false);
    expect(asUser({ role: "county", organizationId: w.county })).toBe(false);
    expect(asUser(w.staff)).toBe(true);
    expect(asUser({ role: "member", organizationId: null, memberInquiryIds: [w.inquiryId] })).toBe(true);
    expect(asUser({ role: "member", organizationId: null, memberInquiryIds: [w.inquiryId + 1] })).toBe(false);
  });

  it("policy: who reads and acts on an item", () => {
    const item = { lead_department_id: w.orgA, codepartment_ids: [w.orgB], inquiry_id: w.inquiryId };
    expect(canReadItem(w.deptA, item)).toBe(true);
    expect(canReadItem(w.deptB, item)).toBe(true);
    expect(canReadItem(w.deptC, item)).toBe(false);
    expect(canReadItem({ role: "county", organizationId: w.orgA }, item)).toBe(false);
    expect(canReadItem({ role: "member", organizationId: null, memberInquiryIds: [w.inquiryId] }, item)).toBe(true);
    expect(canReadItem({ role: "member", organizationId: null, memberInquiryIds: [] }, item)).toBe(false);
    expect(canReportItemProgress(w.deptB, item)).toBe(true);
    expect(canReportItemProgress(w.staff, item)).toBe(false);
    expect(canRequestItemClosure(w.deptA, item)).toBe(true);
    expect(canRequestItemClosure(w.deptB, item)).toBe(false);
    expect(canRequestItemExtension(w.deptB, item)).toBe(false);
  });
});
