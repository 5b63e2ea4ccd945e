import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { saveMeetingSetup } from "../meeting/setup.server";
import { recordExchange, recordSpeech } from "../meeting/exchanges.server";
import { exchange, makeMeetingWorld, SETUP, snapshotAll, type MeetingWorld } from "../meeting/test-helpers";
import { openVote } from "../meeting/votes.server";
import { addKeyword } from "../outline/keywords.server";
import { parseRichText } from "../richtext/richtext.server";
import { createSurveyRequest } from "../surveys/surveys.server";
import { auditSince, createTestDb, lastAuditId, makeOrganization, type TestDb } from "../test/db";
import { createInquiry, planHistory, recordPlanDecision, savePlan, setStage, submitPlan, getInquiry } from "./inquiries.server";
import { planGate, planGateRefusal, recordPlanProceed, type GatedWork } from "./plan-gate.server";

/** Issue 23 item 3: work the rules put after the council's approval is blocked before it (docs/decisions/0041). */
describe("the plan gate", () => {
  let t: TestDb;
  let w: MeetingWorld;
  let county: number;
  /** a second inquiry of the same world, with no meeting yet, for the meeting setup */
  let fresh: number;

  beforeEach(async () => {
    t = await createTestDb();
    w = await makeMeetingWorld(t.db);
    county = await makeOrganization(t.db, { name: "温县人大常委会", kind: "county_congress" });
    const created = await createInquiry(t.db, w.staff.actor, {
      title: "未批准的询问", topic: "", congress: "焦作市人大常委会", sessionName: "", organizingBody: "", meetingDate: "2030-09-20", legalBasis: "", notes: "", respondingOrganizationIds: [w.health],
    });
    if (!created.ok) throw new Error(created.message);
    fresh = created.id;
    // the world's inquiry had its plan approved to set up its meeting; take the approval back (a plan still in draft)
    await t.db.updateTable("inquiries").set({ plan_status: "draft" }).where("id", "=", w.inquiryId).execute();
  });
  afterEach(async () => {
    await t.cleanup();
  });

  const brief = () => {
    const r = parseRichText("请调研本县情况", "plain", { label: "调研要求" });
    if (!r.ok) throw new Error(r.message);
    return r.value;
  };

  /** Each gated action once, on the inquiry without an approved plan. */
  const actions: [GatedWork, string, () => Promise<{ ok: boolean }>][] = [
    ["survey", "委托县区调研", () => createSurveyRequest(t.db, w.staff.actor, w.inquiryId, { title: "委托调研", dueDate: "2099-12-31", brief: brief(), organizationIds: [county] }, [])],
    ["outline", "起草询问提纲（关键词）", async () => addKeyword(t.db, w.staff.actor, { inquiryId: w.inquiryId, revision: (await getInquiry(t.db, w.inquiryId))!.outline_revision, keyword: "健康扶贫", headline: "" })],
    ["meeting", "设置询问会", () => saveMeetingSetup(t.db, w.staff.actor, fresh, null, SETUP)],
    ["exchange", "记录问答", () => recordExchange(t.db, w.staff.actor, w.meetingId, exchange(w))],
    ["exchange", "记录发言（政府汇报）", () => recordSpeech(t.db, w.staff.actor, w.meetingId, { kind: "report", speakerName: "武磊", speakerTitle: "副市长", organizationId: w.government, body: "汇报内容" })],
    // a vote needs someone on its roll: one committee member, given as the roll
    ["vote", "开展满意度测评", () => openVote(t.db, w.staff.actor, { inquiryId: w.inquiryId, target: { type: "department", departmentId: w.health }, secret: true, roll: [{ name: "马爱国", title: "市人大常委会委员", voting: true, userId: null }] })],
  ];

  it.each(actions)("%s · %s: refused without an approved plan or a recorded reason, changing nothing; allowed after the reason", async (work, _label, act) => {
    const inquiryOf = work === "meeting" ? fresh : w.inquiryId;
    const before = await snapshotAll(t.db);
    expect(await act()).toEqual({ ok: false, field: "_form", message: planGateRefusal(work) });
    expect(await snapshotAll(t.db)).toEqual(before);

    expect(await recordPlanProceed(t.db, w.staff.actor, { inquiryId: inquiryOf, reason: "主任会议已于 2030年8月1日 以纸质件批准" })).toMatchObject({ ok: true });
    expect(await act()).toMatchObject({ ok: true });
  });

  it("a survey delegation is refused before approval and allowed after the council's approval is recorded", async () => {
    const delegate = () => createSurveyRequest(t.db, w.staff.actor, fresh, { title: "委托调研", dueDate: "2099-12-31", brief: brief(), organizationIds: [county] }, []);
    expect(await delegate()).toMatchObject({ ok: false, message: planGateRefusal("survey") });
    const plan = parseRichText("工作方案", "plain", { label: "工作方案" });
    if (!plan.ok) throw new Error(plan.message);
    const v = async () => (await getInquiry(t.db, fresh))!.version;
    expect(await savePlan(t.db, w.staff.actor, { id: fresh, version: await v(), plan: plan.value, files: [] })).toMatchObject({ ok: true });
    expect(await submitPlan(t.db, w.staff.actor, { id: fresh, version: await v() })).toMatchObject({ ok: true });
    // submitted is not approved
    expect(await delegate()).toMatchObject({ ok: false });
    expect(await recordPlanDecision(t.db, w.staff.actor, { id: fresh, version: await v(), decision: "approve", decidedOn: "2030-08-01", note: "" })).toMatchObject({ ok: true });
    expect(await delegate()).toMatchObject({ ok: true });
    expect(await planGate(t.db, fresh)).toMatchObject({ open: true, approvedOn: "2030-08-01", proceed: null });
  });

  it("the reason is required, shows in the plan's history (the timeline) and the audit log, and is recorded once", async () => {
    expect(await recordPlanProceed(t.db, w.staff.actor, { inquiryId: fresh, reason: "   " })).toMatchObject({ ok: false, field: "reason" });
    expect(await recordPlanProceed(t.db, w.staff.actor, { inquiryId: fresh, reason: "长".repeat(501) })).toMatchObject({ ok: false, field: "reason" });
    expect((await planGate(t.db, fresh)).open).toBe(false);

    const audit = await lastAuditId(t.db);
    expect(await recordPlanProceed(t.db, w.staff.actor, { inquiryId: fresh, reason: "纸质件已批准" })).toMatchObject({ ok: true });
    const entries = await auditSince(t.db, audit);
    expect(entries.map((e) => e.action)).toEqual(["inquiry.plan_proceed"]);
    expect(entries[0].summary).toContain("纸质件已批准");
    expect(entries[0].after).toMatchObject({ proceed_reason: "纸质件已批准" });
    const history = await planHistory(t.db, fresh);
    expect(history[0]).toMatchObject({ action: "proceeded", note: "纸质件已批准" });
    expect(await planGate(t.db, fresh)).toMatchObject({ open: true, proceed: { reason: "纸质件已批准" } });

    expect(await recordPlanProceed(t.db, w.staff.actor, { inquiryId: fresh, reason: "再记一次" })).toMatchObject({ ok: false, field: "_form" });
  });

  it("moving the stage on by hand follows the same gate", async () => {
    const v = async () => (await getInquiry(t.db, fresh))!.version;
    expect(await setStage(t.db, w.staff.actor, { id: fresh, version: await v(), stage: "research", reason: "按工作安排进入调研", confirmBackwards: false })).toMatchObject({ ok: false });
    expect(await recordPlanProceed(t.db, w.staff.actor, { inquiryId: fresh, reason: "纸质件已批准" })).toMatchObject({ ok: true });
    expect(await setStage(t.db, w.staff.actor, { id: fresh, version: await v(), stage: "research", reason: "按工作安排进入调研", confirmBackwards: false })).toMatchObject({ ok: true });
  });
});
