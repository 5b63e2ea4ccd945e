import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ItemStatus } from "../../db/schema";
import { attachmentOwner } from "../attachments/attachments.server";
import { canReadAttachment, canReadItem, canReportItemProgress, canRequestItemClosure, canRequestItemExtension } from "../policy.server";
import { auditSince, breakAuditLog, lastAuditId, repairAuditLog, snapshot } from "../test/db";
import { todayInShanghai } from "../utils/time";
import { evidence, itemInput, makeExchange, makeItem, makeWorld, rich, type World } from "./fixtures.test-helpers";
import {
  acceptHandlingReport,
  setHandlingReportDueDate,
  submitHandlingReport,
} from "./handling-report.server";
import {
  addDays,
  addMonths,
  addProgressReport,
  closeInquiry,
  closingChecklist,
  createItem,
  decideExtension,
  getItem,
  importItems,
  itemExtensions,
  itemHistory,
  itemLight,
  itemSource,
  itemsForSegments,
  ledgerSummary,
  listLedger,
  nextItemStatus,
  publicRectificationStatus,
  requestClosure,
  requestExtension,
  setRectificationPublic,
  setWarningDays,
  getWarningDays,
  staffActOnItem,
  updateItem,
  type ItemAction,
} from "./rectification.server";

describe("nextItemStatus: every status and action, allowed and refused", () => {
  const S: ItemStatus[] = ["todo", "in_progress", "closure_requested", "closed", "carried_over"];
  // expected[action] = the next status for todo, in_progress, closure_requested, closed, carried_over
  const expected: Record<ItemAction, (ItemStatus | null)[]> = {
    report_progress: ["in_progress", "in_progress", "closure_requested", null, null],
    request_closure: [null, "closure_requested", null, null, null],
    close: [null, null, "closed", null, null],
    return: [null, null, "in_progress", null, null],
    carry_over: ["carried_over", "carried_over", "carried_over", null, null],
    request_extension: ["todo", "in_progress", null, null, null],
    decide_extension: ["todo", "in_progress", "closure_requested", null, null],
    edit: ["todo", "in_progress", "closure_requested", null, null],
  };
  const table = (Object.keys(expected) as ItemAction[]).flatMap((action) => S.map((s, i) => [s, action, expected[action][i]] as const));
  it.each(table)("%s + %s → %s", (current, action, next) => {
    expect(nextItemStatus(current, action)).toBe(next);
  });
  it("closed and carried over are final: no action moves them", () => {
    for (const action of Object.keys(expected) as ItemAction[]) {
      expect(nextItemStatus("closed", action)).toBeNull();
      expect(nextItemStatus("carried_over", action)).toBeNull();
    }
  });
});

describe("dates and lights", () => {
  it("adds days and months (clamped to the month's end)", () => {
    expect(addDays("2020-12-31", 1)).toBe("2021-01-01");
    expect(addMonths("2020-09-22", 3)).toBe("2020-12-22");
    expect(addMonths("2020-11-30", 3)).toBe("2021-02-28");
    expect(addMonths("2020-10-31", 4)).toBe("2021-02-28");
  });
  it("green, yellow within N days, red when overdue (calendar days), none once closed or carried over", () => {
    const today = "2025-03-01";
    expect(itemLight({ deadline: "2025-03-20", status: "todo" }, today, 15)).toEqual({ light: "green", daysLeft: 19, dayUnit: "calendar" });
    expect(itemLight({ deadline: "2025-03-16", status: "in_progress" }, today, 15)).toEqual({ light: "yellow", daysLeft: 15, dayUnit: "calendar" });
    expect(itemLight({ deadline: "2025-03-01", status: "todo" }, today, 15)).toEqual({ light: "yellow", daysLeft: 0, dayUnit: "calendar" });
    expect(itemLight({ deadline: "2025-02-20", status: "closure_requested" }, today, 15)).toEqual({ light: "red", daysLeft: -9, dayUnit: "calendar" });
    expect(itemLight({ deadline: "2025-02-20", status: "closed" }, today, 15).light).toBe("done");
    expect(itemLight({ deadline: "2025-02-20", status: "carried_over" }, today, 15).light).toBe("done");
    // a deadline set in 工作日 counts its days in working days when the calendar is loaded; the light stays calendar-based
    const cal = { calendar: { holidays: new Set<string>(), workdays: new Set<string>() }, loaded: new Set([2025]) };
    expect(itemLight({ deadline: "2025-03-10", status: "todo", deadline_workdays: 5 }, today, 15, cal)).toEqual({ light: "yellow", daysLeft: 6, dayUnit: "workday" }); // Sat 1 Mar → Mon 3 to Fri 7, Mon 10
    expect(itemLight({ deadline: "2025-03-10", status: "todo", deadline_workdays: null }, today, 15, cal)).toEqual({ light: "yellow", daysLeft: 9, dayUnit: "calendar" });
  });
});

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

  it("carries over with a reason, from any open status", async () => {
    const id = await makeItem(w);
    const item = (await getItem(w.t.db, id))!;
    expect(await staffActOnItem(w.t.db, w.staff.actor, { itemId: id, version: item.version, confirmed: true, action: "carry_over", comment: "" })).toMatchObject({ ok: false, field: "comment" });
    expect(await staffActOnItem(w.t.db, w.staff.actor, { itemId: id, version: item.version, confirmed: true, action: "carry_over", comment: "纳入乡村振兴长效机制跟踪" })).toMatchObject({ ok: true });
    expect((await getItem(w.t.db, id))!).toMatchObject({ status: "carried_over", carried_over_reason: "纳入乡村振兴长效机制跟踪" });
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

  it("the warning days are a setting (default 15), audited, between 1 and 90", async () => {
    expect(await getWarningDays(w.t.db)).toBe(15);
    expect(await setWarningDays(w.t.db, w.staff.actor, 0)).toMatchObject({ ok: false });
    const before = await lastAuditId(w.t.db);
    expect(await setWarningDays(w.t.db, w.staff.actor, 30)).toMatchObject({ ok: true });
    expect(await getWarningDays(w.t.db)).toBe(30);
    expect((await auditSince(w.t.db, before))[0]).toMatchObject({ action: "setting.update", before: { deadline_warning_days: 15 }, after: { deadline_warning_days: 30 } });
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

  it("public status: nothing until staff publish it; then items without personal data", async () => {
    await makeItem(w);
    expect(await publicRectificationStatus(w.t.db, w.inquiryId)).toBeNull();
    const inquiry = await w.t.db.selectFrom("inquiries").select("version").where("id", "=", w.inquiryId).executeTakeFirstOrThrow();
    expect(await setRectificationPublic(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, version: inquiry.version + 1, isPublic: true })).toMatchObject({ ok: false });
    expect(await setRectificationPublic(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, version: inquiry.version, isPublic: true })).toMatchObject({ ok: true });
    const pub = await publicRectificationStatus(w.t.db, w.inquiryId);
    expect(pub?.items).toHaveLength(1);
    expect(pub?.items[0]).toMatchObject({ number: 1, leadDepartment: "市卫生健康委员会", statusLabel: "待整改", closedDate: null });
    expect(JSON.stringify(pub)).not.toContain(w.staff.displayName);
  });

  it("public status shows the Beijing date of a closing at 00:30 on 1 July as 1 July (issue 15.3)", async () => {
    const id = await makeItem(w);
    const inquiry = await w.t.db.selectFrom("inquiries").select("version").where("id", "=", w.inquiryId).executeTakeFirstOrThrow();
    await setRectificationPublic(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, version: inquiry.version, isPublic: true });
    await w.t.db.updateTable("rectification_items").set({ status: "closed", closed_at: "2026-06-30T16:30:00.000Z" }).where("id", "=", id).execute();
    const pub = await publicRectificationStatus(w.t.db, w.inquiryId);
    expect(pub?.items[0]).toMatchObject({ closedDate: "2026-07-01" });
  });

  it("closing the inquiry (办结) needs every item closed or carried over and the handling report accepted", async () => {
    const id = await makeItem(w);
    const version = async () => (await w.t.db.selectFrom("inquiries").select("version").where("id", "=", w.inquiryId).executeTakeFirstOrThrow()).version;
    let r = await closeInquiry(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, version: await version(), record: rich("办结") });
    expect(r).toMatchObject({ ok: false, message: expect.stringContaining("尚有 1 项整改事项") });
    const item = (await getItem(w.t.db, id))!;
    await staffActOnItem(w.t.db, w.staff.actor, { itemId: id, version: item.version, confirmed: true, action: "carry_over", comment: "结转" });
    r = await closeInquiry(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, version: await version(), record: rich("办结") });
    expect(r).toMatchObject({ ok: false, message: expect.stringContaining("尚未报送研究处理情况报告") });
    await setHandlingReportDueDate(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, dueDate: addDays(todayInShanghai(), 10), reportId: null, version: null });
    const rep = await w.t.db.selectFrom("handling_reports").selectAll().executeTakeFirstOrThrow();
    await submitHandlingReport(w.t.db, w.liaison.actor, { inquiryId: w.inquiryId, organizationId: w.gov, reportId: rep.id, version: rep.version, body: rich("报告"), files: [] });
    expect((await closingChecklist(w.t.db, w.inquiryId)).reasons).toEqual([expect.stringContaining("尚未通过")]);
    await acceptHandlingReport(w.t.db, w.staff.actor, { reportId: rep.id, version: rep.version + 1, note: "" });
    expect(await closeInquiry(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, version: await version(), record: rich("") })).toMatchObject({ ok: false, field: "record" });
    const before = await lastAuditId(w.t.db);
    expect(await closeInquiry(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, version: await version(), record: rich("整改工作全部完成，予以办结。") })).toMatchObject({ ok: true });
    const inquiry = await w.t.db.selectFrom("inquiries").selectAll().where("id", "=", w.inquiryId).executeTakeFirstOrThrow();
    expect(inquiry).toMatchObject({ stage: "closed", closing_record_text: "整改工作全部完成，予以办结。" });
    expect(inquiry.closed_at).toBeTruthy();
    expect((await auditSince(w.t.db, before)).map((a) => a.action)).toEqual(["inquiry.close"]);
    // a closed inquiry's ledger is frozen
    expect(await createItem(w.t.db, w.staff.actor, w.inquiryId, itemInput(w))).toMatchObject({ ok: false, message: expect.stringContaining("已办结") });
    const reports = await w.t.db.selectFrom("progress_reports").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
    expect(await addProgressReport(w.t.db, w.deptA.actor, { itemId: id, organizationId: w.orgA, body: rich("办结后报送"), files: [] })).toMatchObject({
      ok: false,
      message: expect.stringContaining("已办结"),
    });
    expect(await w.t.db.selectFrom("progress_reports").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow()).toEqual(reports);
  });
});
