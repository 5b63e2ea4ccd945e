import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SYSTEM_ACTOR } from "../audit.server";
import { updateOrganization } from "../admin/organizations.server";
import { ancestorIds } from "../admin/organization-tree.server";
import {
  canDecideForwarding,
  canForward,
  canReadDelegation,
  canReadDelegationReport,
  canReadForwarding,
  canReadForwardingReport,
  canReadItem,
  canWriteForwardingReport,
} from "../policy.server";
import { makeItem, makeWorld, rich, type World } from "../rectification/fixtures.test-helpers";
import { parseSearchQuery, search } from "../search/search.server";
import { runReminders } from "../notifications/reminders.server";
import { createSurveyRequest } from "../surveys/surveys.server";
import { auditSince, lastAuditId, makeOrganization, makeUser, snapshot, type TestUser } from "../test/db";
import { addDays, todayInShanghai } from "../utils/time";
import { actOnForwarding, compileRollUp, compiledDraft, forward, getForwarding, loadSubject, myForwardings, nextForwardingStatus, rollUp } from "./forwarding.server";

/**
 * The scope rules per level (issue 21) against a real database: the city (staff), a county congress over its
 * county's government and a township, another county with its own township.
 */
let w: World;
let countyGov: number; // 温县人民政府, under 温县人大常委会 (w.county)
let township: number; // 祥云镇, under 温县人大常委会
let otherCounty: number;
let otherGov: number;
let otherTownship: number;
let county: TestUser;
let countyGovUser: TestUser;
let townshipUser: TestUser;
let otherCountyUser: TestUser;
let otherTownshipUser: TestUser;
let itemCounty: number;
let itemCity: number;
let itemOther: number;

const due = () => addDays(todayInShanghai(), 10);
const as = (u: TestUser) => ({ role: u.role, organizationId: u.organizationId, organizationKind: null, memberInquiryIds: [] as number[] });

async function itemScope(id: number) {
  const s = await loadSubject(w.t.db, { type: "item", id });
  return { inquiry_id: s!.inquiryId, lead_department_id: s!.addressed_ids[0], codepartment_ids: s!.addressed_ids.slice(1), ancestor_ids: s!.ancestor_ids };
}

beforeEach(async () => {
  w = await makeWorld();
  const db = w.t.db;
  countyGov = await makeOrganization(db, { name: "温县人民政府", kind: "department" });
  township = await makeOrganization(db, { name: "祥云镇", kind: "department" });
  otherCounty = await makeOrganization(db, { name: "武陟县人大常委会", kind: "county_congress" });
  otherGov = await makeOrganization(db, { name: "武陟县人民政府", kind: "department" });
  otherTownship = await makeOrganization(db, { name: "木城镇", kind: "department" });
  for (const [id, parent, name] of [
    [countyGov, w.county, "温县人民政府"],
    [township, w.county, "祥云镇"],
    [otherGov, otherCounty, "武陟县人民政府"],
    [otherTownship, otherCounty, "木城镇"],
  ] as const) {
    const r = await updateOrganization(db, SYSTEM_ACTOR, { id, version: 1, name, kind: "department", parentId: parent });
    if (!r.ok) throw new Error(r.message);
  }
  county = await makeUser(db, { role: "county", organizationId: w.county });
  countyGovUser = await makeUser(db, { role: "department", organizationId: countyGov });
  townshipUser = await makeUser(db, { role: "department", organizationId: township });
  otherCountyUser = await makeUser(db, { role: "county", organizationId: otherCounty });
  otherTownshipUser = await makeUser(db, { role: "department", organizationId: otherTownship });
  itemCounty = await makeItem(w, { leadDepartmentId: countyGov, coDepartmentIds: [] });
  itemCity = await makeItem(w, { leadDepartmentId: w.orgA, coDepartmentIds: [] });
  itemOther = await makeItem(w, { leadDepartmentId: otherGov, coDepartmentIds: [] });
});
afterEach(async () => {
  await w.cleanup();
});

describe("the organisation tree", () => {
  it("refuses a cycle and a parent that is the organisation itself, changing nothing", async () => {
    const before = await snapshot(w.t.db);
    const self = await updateOrganization(w.t.db, SYSTEM_ACTOR, { id: w.county, version: 1, name: "温县人大常委会", kind: "county_congress", parentId: w.county });
    expect(self).toMatchObject({ ok: false, field: "parentId", message: "上级单位不能是本单位或其下级单位" });
    const cycle = await updateOrganization(w.t.db, SYSTEM_ACTOR, { id: w.county, version: 1, name: "温县人大常委会", kind: "county_congress", parentId: township });
    expect(cycle).toMatchObject({ ok: false, field: "parentId" });
    expect(await snapshot(w.t.db)).toEqual(before);
    expect(await ancestorIds(w.t.db, [township])).toEqual([w.county]);
  });

  it("a stale version is refused; a move is audited with the parent before and after", async () => {
    const stale = await updateOrganization(w.t.db, SYSTEM_ACTOR, { id: township, version: 1, name: "祥云镇", kind: "department", parentId: null });
    expect(stale).toMatchObject({ ok: false, field: "_form" });
    const mark = await lastAuditId(w.t.db);
    const moved = await updateOrganization(w.t.db, SYSTEM_ACTOR, { id: township, version: 2, name: "祥云镇", kind: "department", parentId: countyGov });
    expect(moved.ok).toBe(true);
    const [entry] = await auditSince(w.t.db, mark);
    expect(entry).toMatchObject({ action: "organization.update", before: { parent_id: w.county }, after: { parent_id: countyGov } });
    expect(await ancestorIds(w.t.db, [township])).toEqual([countyGov, w.county]);
  });
});

describe("scope per level", () => {
  it("items: the city all; a county its own county's (allowed), not another county's or the city's (forbidden); a township none directly", async () => {
    const [mine, city, other] = await Promise.all([itemScope(itemCounty), itemScope(itemCity), itemScope(itemOther)]);
    expect([mine, city, other].map((s) => canReadItem(as(w.staff), s))).toEqual([true, true, true]);
    expect([mine, city, other].map((s) => canReadItem(as(county), s))).toEqual([true, false, false]);
    expect([mine, city, other].map((s) => canReadItem(as(otherCountyUser), s))).toEqual([false, false, true]);
    expect([mine, city, other].map((s) => canReadItem(as(countyGovUser), s))).toEqual([true, false, false]);
    expect([mine, city, other].map((s) => canReadItem(as(townshipUser), s))).toEqual([false, false, false]);
    // forwarding: the holder and the county above it; never the city, a township or another county
    const subject = (await loadSubject(w.t.db, { type: "item", id: itemCounty }))!;
    expect(canForward(as(county), subject)).toBe(true);
    expect(canForward(as(countyGovUser), subject)).toBe(true);
    for (const u of [w.staff, townshipUser, otherCountyUser, otherTownshipUser, w.deptA]) expect(canForward(as(u), subject), u.username).toBe(false);
  });

  it("a forwarding: the township it went to and the county that sent it; the city sees the row, not the text; others nothing", async () => {
    const f = await forward(w.t.db, county, county.actor, { subject: { type: "item", id: itemCounty }, toOrganizationId: township, brief: "请核实本镇情况", dueDate: due() });
    if (!f.ok) throw new Error(f.message);
    const row = (await getForwarding(w.t.db, f.id))!;
    expect([townshipUser, county, w.staff].map((u) => canReadForwarding(as(u), row))).toEqual([true, true, true]);
    expect([otherTownshipUser, otherCountyUser, w.deptA, countyGovUser].map((u) => canReadForwarding(as(u), row))).toEqual([false, false, false, false]);
    // the draft is the township's alone
    expect([townshipUser, county, w.staff].map((u) => canReadForwardingReport(as(u), row))).toEqual([true, false, false]);
    expect(canWriteForwardingReport(as(townshipUser), row)).toBe(true);
    expect(canWriteForwardingReport(as(county), row)).toBe(false);
    expect(canDecideForwarding(as(county), row)).toBe(true);
    expect(canDecideForwarding(as(townshipUser), row)).toBe(false);
    expect(canDecideForwarding(as(otherCountyUser), row)).toBe(false);
    expect(canReadForwardingReport(as(county), { ...row, status: "submitted" })).toBe(true);
    expect(canReadForwardingReport(as(w.staff), { ...row, status: "accepted" })).toBe(false);
    // the township still cannot open the item itself
    expect(canReadItem(as(townshipUser), await itemScope(itemCounty))).toBe(false);
  });

  it("search follows the levels: a county finds its county's item, not another county's", async () => {
    const find = async (u: TestUser, words: string) => {
      const parsed = parseSearchQuery(words);
      if (!parsed.ok) throw new Error(parsed.message);
      return (await search(w.t.db, { role: u.role, organizationId: u.organizationId, organizationKind: null }, parsed, { page: 1, pageSize: 20 })).hits.map((h) => h.recordId);
    };
    expect(await find(county, "返贫风险监测")).toEqual([itemCounty]);
    expect(await find(otherCountyUser, "返贫风险监测")).toEqual([itemOther]);
    expect(await find(townshipUser, "返贫风险监测")).toEqual([]);
    // the tree changes: the index follows at the next search
    const gov = (await w.t.db.selectFrom("organizations").select("version").where("id", "=", countyGov).executeTakeFirstOrThrow()).version;
    const moved = await updateOrganization(w.t.db, SYSTEM_ACTOR, { id: countyGov, version: gov, name: "温县人民政府", kind: "department", parentId: otherCounty });
    expect(moved.ok).toBe(true);
    expect(await find(county, "返贫风险监测")).toEqual([]);
    expect((await find(otherCountyUser, "返贫风险监测")).sort()).toEqual([itemCounty, itemOther].sort());
  });
});

describe("forwarding an item and rolling it up", () => {
  it("refuses what the user does not hold, a target outside its tree, a repeat and a past date — changing nothing", async () => {
    const subject = { type: "item" as const, id: itemCounty };
    const before = await snapshot(w.t.db);
    expect(await forward(w.t.db, otherCountyUser, otherCountyUser.actor, { subject, toOrganizationId: otherTownship, brief: "", dueDate: due() })).toMatchObject({ ok: false, field: "_form" });
    expect(await forward(w.t.db, county, county.actor, { subject, toOrganizationId: otherTownship, brief: "", dueDate: due() })).toMatchObject({ ok: false, field: "toOrganizationId", message: "只能下转给本单位的下级单位" });
    expect(await forward(w.t.db, county, county.actor, { subject, toOrganizationId: township, brief: "", dueDate: "2001-01-01" })).toMatchObject({ ok: false, field: "dueDate" });
    expect(await forward(w.t.db, townshipUser, townshipUser.actor, { subject, toOrganizationId: township, brief: "", dueDate: due() })).toMatchObject({ ok: false });
    expect(await snapshot(w.t.db)).toEqual(before);
    expect((await forward(w.t.db, county, county.actor, { subject, toOrganizationId: township, brief: "", dueDate: due() })).ok).toBe(true);
    expect(await forward(w.t.db, county, county.actor, { subject, toOrganizationId: township, brief: "", dueDate: due() })).toMatchObject({ ok: false, message: "已下转给「祥云镇」，不能重复下转" });
  });

  it("the township reports, the county accepts and compiles into a progress report of the item; the city sees the roll-up without text", async () => {
    const subject = { type: "item" as const, id: itemCounty };
    const mark = await lastAuditId(w.t.db);
    const f = await forward(w.t.db, county, county.actor, { subject, toOrganizationId: township, brief: "请报送本镇整改情况", dueDate: due() });
    if (!f.ok) throw new Error(f.message);
    expect(await actOnForwarding(w.t.db, townshipUser, townshipUser.actor, { id: f.id, version: 1, action: "save_draft", report: rich("草稿：本镇已排查") })).toMatchObject({ ok: true });
    // a stale version and the wrong organisation are refused
    expect(await actOnForwarding(w.t.db, townshipUser, townshipUser.actor, { id: f.id, version: 1, action: "submit", report: rich("x") })).toMatchObject({ ok: false, field: "_form" });
    expect(await actOnForwarding(w.t.db, otherTownshipUser, otherTownshipUser.actor, { id: f.id, version: 2, action: "submit", report: rich("x") })).toMatchObject({ ok: false });
    expect(await actOnForwarding(w.t.db, county, county.actor, { id: f.id, version: 2, action: "accept" })).toMatchObject({ ok: false, message: "只有已报送的报告可以采纳" });
    expect(await actOnForwarding(w.t.db, townshipUser, townshipUser.actor, { id: f.id, version: 2, action: "submit", report: rich("祥云镇已完成全部 12 户排查") })).toMatchObject({ ok: true });
    // the city: who answered, no text
    const city = await rollUp(w.t.db, subject, w.staff);
    expect(city).toMatchObject([{ to_name: "祥云镇", status: "submitted", report_text: null, light: "done" }]);
    expect(await actOnForwarding(w.t.db, otherCountyUser, otherCountyUser.actor, { id: f.id, version: 3, action: "accept" })).toMatchObject({ ok: false });
    expect(await actOnForwarding(w.t.db, county, county.actor, { id: f.id, version: 3, action: "accept" })).toMatchObject({ ok: true });
    const mine = await rollUp(w.t.db, subject, county);
    const text = compiledDraft(mine);
    expect(text).toBe("【祥云镇】祥云镇已完成全部 12 户排查");
    expect(await compileRollUp(w.t.db, otherCountyUser, otherCountyUser.actor, { subject, version: 0, text })).toMatchObject({ ok: false });
    expect(await compileRollUp(w.t.db, county, county.actor, { subject, version: 0, text })).toMatchObject({ ok: true });
    const reports = await w.t.db.selectFrom("progress_reports").select(["organization_id", "body_text"]).where("item_id", "=", itemCounty).execute();
    expect(reports).toEqual([{ organization_id: countyGov, body_text: text }]);
    expect((await rollUp(w.t.db, subject, county))[0].compiled_at).not.toBeNull();
    expect(await compileRollUp(w.t.db, county, county.actor, { subject, version: 0, text })).toMatchObject({ ok: false, message: "没有待汇总的已采纳报告" });
    const events = await w.t.db.selectFrom("item_events").select("action").where("item_id", "=", itemCounty).orderBy("id").execute();
    expect(events.map((e) => e.action)).toEqual(expect.arrayContaining(["forwarded", "forward_submit", "forward_accept", "progress", "forward_compiled"]));
    const actions = (await auditSince(w.t.db, mark)).map((a) => a.action);
    expect(actions).toEqual(["forwarding.create", "forwarding.save_draft", "forwarding.submit", "forwarding.accept", "rectification.progress", "forwarding.compile"]);
  });

  it("the township is reminded of its report before the due date; a back-entered inquiry's are not (app/history)", async () => {
    const f = await forward(w.t.db, county, county.actor, { subject: { type: "item", id: itemCounty }, toOrganizationId: township, brief: "", dueDate: addDays(todayInShanghai(), 3) });
    if (!f.ok) throw new Error(f.message);
    const reminders = () => w.t.db.selectFrom("notifications").select(["user_id", "link"]).where("link", "=", `/forwarded/${f.id}`).execute();
    await w.t.db.updateTable("inquiries").set({ back_entry: 1 }).where("id", "=", w.inquiryId).execute();
    await runReminders(w.t.db);
    expect(await reminders()).toEqual([]);
    await w.t.db.updateTable("inquiries").set({ back_entry: 0 }).where("id", "=", w.inquiryId).execute();
    await runReminders(w.t.db);
    expect(await reminders()).toEqual([{ user_id: townshipUser.id, link: `/forwarded/${f.id}` }]);
  });

  it("a back-entered inquiry's forwardings leave /my lists (no reminders for history)", async () => {
    const f = await forward(w.t.db, county, county.actor, { subject: { type: "item", id: itemCounty }, toOrganizationId: township, brief: "", dueDate: due() });
    expect(f.ok).toBe(true);
    expect((await myForwardings(w.t.db, townshipUser)).received).toHaveLength(1);
    expect((await myForwardings(w.t.db, county)).countyItems.map((i) => i.id)).toEqual([itemCounty]);
    await w.t.db.updateTable("inquiries").set({ back_entry: 1 }).where("id", "=", w.inquiryId).execute();
    expect((await myForwardings(w.t.db, townshipUser)).received).toHaveLength(0);
  });
});

describe("forwarding a delegated survey", () => {
  it("the county forwards, the township reports, the county compiles into its own draft; the city sees nothing of it until the county submits", async () => {
    const req = await createSurveyRequest(w.t.db, w.staff.actor, w.inquiryId, { title: "脱贫攻坚调研", dueDate: addDays(todayInShanghai(), 20), brief: rich("请调研"), organizationIds: [w.county] }, []);
    if (!req.ok) throw new Error(req.message);
    const d = await w.t.db.selectFrom("survey_delegations").selectAll().where("request_id", "=", req.id).executeTakeFirstOrThrow();
    const subject = { type: "delegation" as const, id: d.id };
    expect(canReadDelegation(as(townshipUser), d)).toBe(false);
    expect((await forward(w.t.db, otherCountyUser, otherCountyUser.actor, { subject, toOrganizationId: otherTownship, brief: "", dueDate: due() })).ok).toBe(false);
    const f = await forward(w.t.db, county, county.actor, { subject, toOrganizationId: township, brief: "请调研本镇", dueDate: due() });
    if (!f.ok) throw new Error(f.message);
    await actOnForwarding(w.t.db, townshipUser, townshipUser.actor, { id: f.id, version: 1, action: "submit", report: rich("祥云镇调研：兜底保障到位") });
    await actOnForwarding(w.t.db, county, county.actor, { id: f.id, version: 2, action: "accept" });
    const text = compiledDraft(await rollUp(w.t.db, subject, county));
    expect(await compileRollUp(w.t.db, county, county.actor, { subject, version: d.version + 1, text })).toMatchObject({ ok: false });
    expect(await compileRollUp(w.t.db, county, county.actor, { subject, version: d.version, text })).toMatchObject({ ok: true });
    const after = await w.t.db.selectFrom("survey_delegations").selectAll().where("id", "=", d.id).executeTakeFirstOrThrow();
    expect(after.report_text).toContain("【祥云镇】祥云镇调研：兜底保障到位");
    expect(after.status).toBe("pending");
    // still the county's draft: the city does not read it
    expect(canReadDelegationReport(as(w.staff), after)).toBe(false);
    expect(canReadDelegationReport(as(county), after)).toBe(true);
  });
});

describe("nextForwardingStatus", () => {
  it.each([
    ["pending", "save_draft", "pending"],
    ["pending", "submit", "submitted"],
    ["pending", "accept", null],
    ["submitted", "save_draft", null],
    ["submitted", "accept", "accepted"],
    ["submitted", "return", "returned"],
    ["returned", "submit", "submitted"],
    ["accepted", "submit", null],
  ] as const)("%s + %s → %s", (current, action, expected) => {
    expect(nextForwardingStatus(current, action)).toBe(expected);
  });
});
