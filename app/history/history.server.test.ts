import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Role } from "../../db/schema";
import { recordPlanDecision, savePlan, submitPlan } from "../inquiries/inquiries.server";
import { runReminders } from "../notifications/reminders.server";
import { canCorrectRecord } from "../policy.server";
import { evidence, itemInput, makeItem, makeWorld, rich, type World } from "../rectification/fixtures.test-helpers";
import { addProgressReport, itemHistory, requestClosure, staffActOnItem } from "../rectification/progress.server";
import { createItem, getItem } from "../rectification/items.server";
import { importItems, ledgerSummary, listLedger } from "../rectification/ledger.server";
import { publicRectificationStatus, setRectificationPublic } from "../rectification/closing.server";
import { createSurveyRequest } from "../surveys/surveys.server";
import { addDays, todayInShanghai } from "../utils/time";
import { inquiryChronicle } from "./chronicle.server";
import { deadlineProblem, stampFor, type DateContext } from "./dates.server";
import { listVoided, voidRecord } from "./void.server";

const today = todayInShanghai();
const live: DateContext = { backEntry: false, meetingDate: "2020-09-22", planApprovedOn: "2020-05-10", today };
const past: DateContext = { ...live, backEntry: true };

describe("one date rule: live work compares with today, back-entry with the inquiry's own dates", () => {
  it("deadlines", () => {
    expect(deadlineProblem(live, "rectification", "2020-12-31")).toBe("整改时限不能早于今天");
    expect(deadlineProblem(live, "survey", addDays(today, 1))).toBeNull();
    expect(deadlineProblem(past, "rectification", "2020-12-31")).toBeNull();
    expect(deadlineProblem(past, "rectification", "2020-09-21")).toBe("整改时限不能早于询问会日期（2020年9月22日）");
    expect(deadlineProblem(past, "handling_report", "2020-09-01")).toContain("不能早于询问会日期");
    expect(deadlineProblem(past, "survey", "2020-06-30")).toBeNull();
    expect(deadlineProblem(past, "survey", "2020-05-01")).toBe("截止日期不能早于工作方案批准日期（2020年5月10日）");
    expect(deadlineProblem(past, "written_reply", "2020-02-30")).toContain("格式不正确");
  });
  it("stamps: now in live work; the entered date in back-entry, required, not in the future, not before what it follows", () => {
    const now = stampFor(live, "2020-01-01", "提请审议日期");
    expect(now).toMatchObject({ ok: true, backEntered: false });
    expect(now.ok && now.at.slice(0, 4)).toBe(String(new Date().getUTCFullYear()));
    expect(stampFor(past, "", "提请审议日期")).toEqual({ ok: false, message: "补录须填写实际的提请审议日期" });
    expect(stampFor(past, addDays(today, 1), "销号日期")).toEqual({ ok: false, message: "销号日期不能晚于今天" });
    expect(stampFor(past, "2020-09-01", "销号日期", { date: "2020-09-22", label: "询问会日期" })).toEqual({ ok: false, message: "销号日期不能早于询问会日期（2020年9月22日）" });
    expect(stampFor(past, "2020-12-01", "销号日期", { date: "2020-09-22", label: "询问会日期" })).toEqual({ ok: true, at: "2020-12-01T04:00:00.000Z", backEntered: true });
  });
});

describe("back-entry of a 2020 inquiry (real database)", () => {
  let w: World;
  beforeEach(async () => {
    w = await makeWorld();
  });
  afterEach(async () => w.cleanup());

  const toBackEntry = () => w.t.db.updateTable("inquiries").set({ back_entry: 1, plan_status: "draft" }).where("id", "=", w.inquiryId).execute();
  const version = async () => (await w.t.db.selectFrom("inquiries").select("version").where("id", "=", w.inquiryId).executeTakeFirstOrThrow()).version;

  it("live work refuses a 2020 deadline; back-entry accepts it from the meeting on, and refuses one before the meeting", async () => {
    expect(await createItem(w.t.db, w.staff.actor, w.inquiryId, itemInput(w, { deadline: "2020-12-31" }))).toEqual({ ok: false, field: "deadline", message: "整改时限不能早于今天" });
    await toBackEntry();
    expect(await createItem(w.t.db, w.staff.actor, w.inquiryId, itemInput(w, { deadline: "2020-09-01" }))).toEqual({
      ok: false,
      field: "deadline",
      message: "整改时限不能早于询问会日期（2020年9月22日）",
    });
    expect(await w.t.db.selectFrom("rectification_items").select("id").execute()).toHaveLength(0);
    expect(await createItem(w.t.db, w.staff.actor, w.inquiryId, itemInput(w, { deadline: "2020-12-31" }))).toMatchObject({ ok: true });
  });

  it("the plan is submitted and decided on its real dates; a decision before its submission is refused and changes nothing", async () => {
    await toBackEntry();
    expect((await savePlan(w.t.db, w.staff.actor, { id: w.inquiryId, version: await version(), plan: rich("工作方案"), files: [] })).ok).toBe(true);
    expect(await submitPlan(w.t.db, w.staff.actor, { id: w.inquiryId, version: await version() })).toEqual({ ok: false, field: "on", message: "补录须填写实际的提请审议日期" });
    expect((await submitPlan(w.t.db, w.staff.actor, { id: w.inquiryId, version: await version(), on: "2020-05-06" })).ok).toBe(true);
    const v = await version();
    expect(await recordPlanDecision(w.t.db, w.staff.actor, { id: w.inquiryId, version: v, decision: "approve", decidedOn: "2020-05-01", note: "" })).toEqual({
      ok: false,
      field: "decidedOn",
      message: "审议日期不能早于提请审议日期（2020年5月6日）",
    });
    expect(await version()).toBe(v);
    expect((await recordPlanDecision(w.t.db, w.staff.actor, { id: w.inquiryId, version: v, decision: "approve", decidedOn: "2020-05-10", note: "" })).ok).toBe(true);
    // a survey due before the approval is refused; after it, accepted
    const survey = { title: "温县调研", dueDate: "2020-05-01", brief: rich("调研要求"), organizationIds: [w.county] };
    expect(await createSurveyRequest(w.t.db, w.staff.actor, w.inquiryId, survey, [])).toMatchObject({ ok: false, field: "dueDate", message: "截止日期不能早于工作方案批准日期（2020年5月10日）" });
    expect((await createSurveyRequest(w.t.db, w.staff.actor, w.inquiryId, { ...survey, dueDate: "2020-07-31" }, [])).ok).toBe(true);
    // 销号 on its real date, without evidence in the system, needs its basis
    const item = await makeItem(w, { deadline: "2020-12-31" });
    const it0 = (await getItem(w.t.db, item))!;
    expect(await staffActOnItem(w.t.db, w.staff.actor, { itemId: item, version: it0.version, action: "close", comment: "", on: "2020-12-20", confirmed: true })).toMatchObject({ ok: false, field: "comment" });
    expect(await staffActOnItem(w.t.db, w.staff.actor, { itemId: item, version: it0.version, action: "close", comment: "销号文件", on: "2020-12-20", confirmed: true })).toMatchObject({ ok: true });
    const history = await itemHistory(w.t.db, item);
    expect(history.at(-1)).toMatchObject({ action: "closed", at: "2020-12-20T04:00:00.000Z", back_entered: 1 });
    const chronicle = await inquiryChronicle(w.t.db, w.inquiryId);
    expect(chronicle.map((e) => e.date)).toEqual(["2020-05-06", "2020-05-10", "2020-07-31", "2020-09-22", "2020-12-20"]);
    expect(chronicle.filter((e) => e.backEntered).map((e) => e.label)).toEqual(["工作方案提请主任会议审议", "主任会议批准工作方案", "整改事项 #1 销号"]);
    const audit = await w.t.db.selectFrom("audit_log").select("summary").where("action", "=", "inquiry.plan_submit").executeTakeFirstOrThrow();
    expect(audit.summary).toContain("【补录】");
  });

  it("no reminder or notice goes out for back-entered history; live work with the same items is reminded", async () => {
    await toBackEntry();
    const notices = async () => (await w.t.db.selectFrom("notifications").select("id").execute()).length;
    await makeItem(w, { deadline: "2020-12-31" });
    expect(await notices()).toBe(0);
    await w.t.db.updateTable("inquiries").set({ back_entry: 0 }).execute();
    await makeItem(w, { problem: "日常工作的事项", deadline: addDays(today, 3) });
    expect(await notices()).toBeGreaterThan(0);
    await toBackEntry();
    await w.t.db.deleteFrom("notifications").execute();
    await w.t.db.updateTable("rectification_items").set({ deadline: "2020-12-31" }).execute();
    expect((await runReminders(w.t.db, today)).created).toBe(0);
    await w.t.db.updateTable("inquiries").set({ back_entry: 0 }).execute();
    expect((await runReminders(w.t.db, today)).created).toBeGreaterThan(0);
  });
});

describe("void and undo (real database)", () => {
  let w: World;
  beforeEach(async () => {
    w = await makeWorld();
  });
  afterEach(async () => w.cleanup());

  it("a voided item leaves the ledger, the counts and the public page; it stays in the 已作废 view and the audit log", async () => {
    const keep = await makeItem(w, { problem: "保留的问题" });
    const gone = await makeItem(w, { problem: "误录的问题" });
    const v = (await w.t.db.selectFrom("inquiries").select("version").where("id", "=", w.inquiryId).executeTakeFirstOrThrow()).version;
    expect((await setRectificationPublic(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, version: v, isPublic: true })).ok).toBe(true);
    const version = (await getItem(w.t.db, gone))!.version;
    expect(await voidRecord(w.t.db, w.staff.actor, { kind: "item", id: gone, reason: "  ", version })).toEqual({ ok: false, field: "reason", message: "请填写作废理由" });
    expect((await getItem(w.t.db, gone))!.voided_at).toBeNull();
    expect(await voidRecord(w.t.db, w.staff.actor, { kind: "item", id: gone, reason: "重复录入", version })).toEqual({ ok: true, id: gone });
    expect((await listLedger(w.t.db, w.inquiryId, {}, null)).rows.map((r) => r.id)).toEqual([keep]);
    expect((await ledgerSummary(w.t.db, w.inquiryId)).total).toBe(1);
    expect((await publicRectificationStatus(w.t.db, w.inquiryId))!.items.map((i) => i.problem)).toEqual(["保留的问题"]);
    expect((await listVoided(w.t.db, w.inquiryId)).map((r) => [r.kind, r.id, r.reason])).toEqual([["item", gone, "重复录入"]]);
    const audit = await w.t.db.selectFrom("audit_log").select(["summary", "entity_id"]).where("action", "=", "rectification_item.void").execute();
    expect(audit).toEqual([{ summary: expect.stringContaining("重复录入"), entity_id: String(gone) }]);
    expect(await voidRecord(w.t.db, w.staff.actor, { kind: "item", id: gone, reason: "再次" })).toMatchObject({ ok: false, message: "该整改事项已作废" });
    // a voided item cannot be acted on
    expect(await staffActOnItem(w.t.db, w.staff.actor, { itemId: gone, version: version + 1, action: "carry_over", comment: "x", confirmed: true })).toMatchObject({ ok: false });
  });

  it("a voided inquiry leaves the public page", async () => {
    await makeItem(w);
    const v = (await w.t.db.selectFrom("inquiries").select("version").where("id", "=", w.inquiryId).executeTakeFirstOrThrow()).version;
    await setRectificationPublic(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, version: v, isPublic: true });
    expect(await publicRectificationStatus(w.t.db, w.inquiryId)).not.toBeNull();
    expect((await voidRecord(w.t.db, w.staff.actor, { kind: "inquiry", id: w.inquiryId, reason: "测试数据" })).ok).toBe(true);
    expect(await publicRectificationStatus(w.t.db, w.inquiryId)).toBeNull();
  });

  it("销号 asks first; an undone 销号 returns the item to 整改中; undo of something not closed is refused", async () => {
    const id = await makeItem(w);
    await addProgressReport(w.t.db, w.deptA.actor, { itemId: id, organizationId: w.orgA, body: rich("进展"), files: [evidence()] });
    let item = (await getItem(w.t.db, id))!;
    expect(await staffActOnItem(w.t.db, w.staff.actor, { itemId: id, version: item.version, action: "undo_close", comment: "误操作", confirmed: true })).toEqual({
      ok: false,
      field: "comment",
      message: "该事项当前状态为「整改中」，未销号，不能撤销销号",
    });
    await requestClosure(w.t.db, w.deptA.actor, { itemId: id, version: item.version, organizationId: w.orgA, body: rich("完成"), files: [] });
    item = (await getItem(w.t.db, id))!;
    expect(await staffActOnItem(w.t.db, w.staff.actor, { itemId: id, version: item.version, action: "close", comment: "" })).toMatchObject({ ok: false, field: "confirm" });
    expect((await getItem(w.t.db, id))!.status).toBe("closure_requested");
    expect((await staffActOnItem(w.t.db, w.staff.actor, { itemId: id, version: item.version, action: "close", comment: "", confirmed: true })).ok).toBe(true);
    item = (await getItem(w.t.db, id))!;
    expect(await staffActOnItem(w.t.db, w.staff.actor, { itemId: id, version: item.version, action: "undo_close", comment: "  ", confirmed: true })).toMatchObject({ ok: false, field: "comment", message: "撤销销号时请填写理由" });
    expect((await staffActOnItem(w.t.db, w.staff.actor, { itemId: id, version: item.version, action: "undo_close", comment: "佐证材料有误", confirmed: true })).ok).toBe(true);
    item = (await getItem(w.t.db, id))!;
    expect(item).toMatchObject({ status: "in_progress", closed_at: null });
    expect((await ledgerSummary(w.t.db, w.inquiryId)).closed).toBe(0);
    // 结转 and its undo
    expect((await staffActOnItem(w.t.db, w.staff.actor, { itemId: id, version: item.version, action: "carry_over", comment: "长效跟踪", confirmed: true })).ok).toBe(true);
    item = (await getItem(w.t.db, id))!;
    expect((await staffActOnItem(w.t.db, w.staff.actor, { itemId: id, version: item.version, action: "undo_carry_over", comment: "结转有误", confirmed: true })).ok).toBe(true);
    expect((await getItem(w.t.db, id))!.status).toBe("in_progress");
    expect((await itemHistory(w.t.db, id)).map((e) => e.action)).toEqual(expect.arrayContaining(["close_undone", "carry_over_undone"]));
  });

  it("the same sheet imported twice creates its items once and says so per row; two at the same moment too", async () => {
    const rows = [
      { row: 2, problem: "问题甲", requirement: "", leadDepartmentId: w.orgA, coDepartmentIds: [], deadline: addDays(today, 30) },
      { row: 3, problem: "问题乙", requirement: "", leadDepartmentId: w.orgB, coDepartmentIds: [], deadline: addDays(today, 30) },
      { row: 4, problem: "问题甲", requirement: "", leadDepartmentId: w.orgA, coDepartmentIds: [], deadline: addDays(today, 30) },
    ];
    const first = await importItems(w.t.db, w.staff.actor, w.inquiryId, rows);
    expect(first).toMatchObject({ ok: true, count: 2, skipped: [{ row: 4, message: expect.stringContaining("与第 2 行相同") }] });
    const second = await importItems(w.t.db, w.staff.actor, w.inquiryId, rows);
    expect(second).toMatchObject({ ok: true, count: 0 });
    expect(second.ok && second.skipped.map((s) => s.row)).toEqual([2, 3, 4]);
    expect(second.ok && second.skipped[0].message).toContain("已在整改台账中（#1）");
    const both = await Promise.all([
      importItems(w.t.db, w.staff.actor, w.inquiryId, [{ ...rows[0], problem: "问题丙" }]),
      importItems(w.t.db, w.staff.actor, w.inquiryId, [{ ...rows[0], problem: "问题丙" }]),
    ]);
    expect(both.map((r) => r.ok && r.count).sort()).toEqual([0, 1]);
    expect(await w.t.db.selectFrom("rectification_items").select("problem").where("problem", "=", "问题丙").execute()).toHaveLength(1);
    // the database itself refuses a second live row with the same import key
    const made = await w.t.db.selectFrom("rectification_items").select(["import_key", "number"]).where("problem", "=", "问题丙").executeTakeFirstOrThrow();
    await expect(
      w.t.db
        .insertInto("rectification_items")
        .values({ inquiry_id: w.inquiryId, number: 99, problem: "问题丙", lead_department_id: w.orgA, deadline: rows[0].deadline, original_deadline: rows[0].deadline, import_key: made.import_key, created_at: today, updated_at: today })
        .execute(),
    ).rejects.toThrow(/UNIQUE|duplicate key/);
    // a voided item no longer blocks its row
    const gone = await w.t.db.selectFrom("rectification_items").select("id").where("problem", "=", "问题乙").executeTakeFirstOrThrow();
    await voidRecord(w.t.db, w.staff.actor, { kind: "item", id: gone.id, reason: "重新导入" });
    expect(await importItems(w.t.db, w.staff.actor, w.inquiryId, [rows[1]])).toMatchObject({ ok: true, count: 1 });
  });
});

describe("policy: only staff and admins correct the record", () => {
  it.each<[Role, boolean]>([
    ["admin", true],
    ["staff", true],
    ["member", false],
    ["department", false],
    ["county", false],
  ])("%s → %s", (role, allowed) => {
    expect(canCorrectRecord({ role })).toBe(allowed);
  });
});
