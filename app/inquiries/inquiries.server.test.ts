import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { PlanStatus } from "../../db/schema";
import { parseRichText } from "../richtext/richtext.server";
import { auditSince, createTestDb, lastAuditId, makeOrganization, makeUser, type TestDb, type TestUser } from "../test/db";
import {
  createInquiry,
  getInquiry,
  nextPlanStatus,
  planHistory,
  recordPlanDecision,
  savePlan,
  setStage,
  submitPlan,
  updateInquiry,
  type InquiryInput,
} from "./inquiries.server";

function rich(text: string) {
  const r = parseRichText(text, "plain", { label: "t" });
  if (!r.ok) throw new Error(r.message);
  return r.value;
}

describe("nextPlanStatus", () => {
  const cases: [PlanStatus, "submit" | "approve" | "reject", PlanStatus | null][] = [
    ["draft", "submit", "submitted"],
    ["draft", "approve", null],
    ["draft", "reject", null],
    ["submitted", "submit", null],
    ["submitted", "approve", "approved"],
    ["submitted", "reject", "rejected"],
    ["rejected", "submit", "submitted"],
    ["rejected", "approve", null],
    ["approved", "submit", null],
    ["approved", "reject", null],
  ];
  it.each(cases)("%s + %s → %s", (current, action, expected) => expect(nextPlanStatus(current, action)).toBe(expected));
});

describe("inquiries and the work plan", () => {
  let t: TestDb;
  let staff: TestUser;
  const base = (over: Partial<InquiryInput> = {}): InquiryInput => ({
    title: "全市脱贫攻坚工作专题询问",
    topic: "全市脱贫攻坚工作",
    congress: "焦作市人大常委会",
    sessionName: "",
    organizingBody: "",
    meetingDate: "2030-09-22",
    legalBasis: "",
    notes: "",
    respondingOrganizationIds: [],
    ...over,
  });

  beforeEach(async () => {
    t = await createTestDb();
    staff = await makeUser(t.db, { role: "staff" });
  });
  afterEach(() => t.cleanup());

  it("creates an inquiry with responding organs, audited; refuses a county congress as a responding organ", async () => {
    const dept = await makeOrganization(t.db, { kind: "department" });
    const county = await makeOrganization(t.db, { kind: "county_congress" });
    const refused = await createInquiry(t.db, staff.actor, base({ respondingOrganizationIds: [dept, county] }));
    expect(refused).toMatchObject({ ok: false, field: "respondingOrganizationIds" });
    expect(await t.db.selectFrom("inquiries").select("id").execute()).toEqual([]);
    const before = await lastAuditId(t.db);
    const created = await createInquiry(t.db, staff.actor, base({ respondingOrganizationIds: [dept] }));
    expect(created.ok).toBe(true);
    const audit = await auditSince(t.db, before);
    expect(audit.map((a) => a.action)).toEqual(["inquiry.create"]);
  });

  it("refuses a stale edit and keeps the first one", async () => {
    const created = await createInquiry(t.db, staff.actor, base());
    if (!created.ok) throw new Error();
    const first = await updateInquiry(t.db, staff.actor, created.id, 1, base({ title: "第一次修改" }));
    expect(first.ok).toBe(true);
    const second = await updateInquiry(t.db, staff.actor, created.id, 1, base({ title: "第二次修改" }));
    expect(second).toMatchObject({ ok: false, field: "_form" });
    expect(second.ok ? "" : second.message).toContain("已被他人修改");
    expect((await getInquiry(t.db, created.id))!.title).toBe("第一次修改");
  });

  it("runs the plan through rejection, revision and approval, keeping the history and moving to research", async () => {
    const created = await createInquiry(t.db, staff.actor, base());
    if (!created.ok) throw new Error();
    const id = created.id;
    const v = async () => (await getInquiry(t.db, id))!.version;

    expect(await submitPlan(t.db, staff.actor, { id, version: await v() })).toMatchObject({ ok: false }); // empty plan
    expect(await recordPlanDecision(t.db, staff.actor, { id, version: await v(), decision: "approve", decidedOn: "2030-07-01", note: "" })).toMatchObject({
      ok: false,
    }); // not submitted
    expect(await savePlan(t.db, staff.actor, { id, version: await v(), plan: rich("第一稿方案"), files: [] })).toMatchObject({ ok: true });
    expect(await submitPlan(t.db, staff.actor, { id, version: await v() })).toMatchObject({ ok: true });
    // frozen while under review
    expect(await savePlan(t.db, staff.actor, { id, version: await v(), plan: rich("偷偷修改"), files: [] })).toMatchObject({ ok: false });
    // rejection needs the council's note
    expect(await recordPlanDecision(t.db, staff.actor, { id, version: await v(), decision: "reject", decidedOn: "2030-07-01", note: "" })).toMatchObject({
      ok: false,
      field: "note",
    });
    expect(
      await recordPlanDecision(t.db, staff.actor, { id, version: await v(), decision: "reject", decidedOn: "2030-07-01", note: "应询部门不全" }),
    ).toMatchObject({ ok: true });
    expect((await getInquiry(t.db, id))!).toMatchObject({ plan_status: "rejected", stage: "plan" });
    expect(await setStage(t.db, staff.actor, { id, version: await v(), stage: "research", reason: "调研开始", confirmBackwards: false })).toMatchObject({ ok: false });

    expect(await savePlan(t.db, staff.actor, { id, version: await v(), plan: rich("第二稿方案"), files: [] })).toMatchObject({ ok: true });
    expect(await submitPlan(t.db, staff.actor, { id, version: await v() })).toMatchObject({ ok: true });
    expect(await recordPlanDecision(t.db, staff.actor, { id, version: await v(), decision: "approve", decidedOn: "2030-07-15", note: "" })).toMatchObject({
      ok: true,
    });
    expect((await getInquiry(t.db, id))!).toMatchObject({ plan_status: "approved", stage: "research", plan_text: "第二稿方案" });

    const history = await planHistory(t.db, id);
    expect(history.map((h) => h.action)).toEqual(["approved", "submitted", "rejected", "submitted"]);
    expect(history[2]).toMatchObject({ note: "应询部门不全", decided_on: "2030-07-01" });
    expect(history[2].plan_html).toContain("第一稿方案");
    const actions = await t.db.selectFrom("audit_log").select("action").where("entity_type", "=", "inquiry").orderBy("id").execute();
    expect(actions.map((a) => a.action)).toEqual([
      "inquiry.create",
      "inquiry.plan_save",
      "inquiry.plan_submit",
      "inquiry.plan_reject",
      "inquiry.plan_save",
      "inquiry.plan_submit",
      "inquiry.plan_approve",
      "inquiry.stage_auto",
    ]);
  });
});
