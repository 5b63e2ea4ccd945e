import { sql } from "kysely";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DelegationStatus } from "../../db/schema";
import { SYSTEM_ACTOR } from "../audit.server";
import { createInquiry } from "../inquiries/inquiries.server";
import { parseRichText } from "../richtext/richtext.server";
import { auditSince, createTestDb, lastAuditId, makeOrganization, makeUser, type TestDb, type TestUser, approvePlanForTest } from "../test/db";
import { actOnDelegation, createSurveyRequest, getDelegation, listCountyDelegations, nextDelegationStatus } from "./surveys.server";

function rich(text: string) {
  const r = parseRichText(text, "plain", { label: "t" });
  if (!r.ok) throw new Error(r.message);
  return r.value;
}

describe("nextDelegationStatus", () => {
  const table: [DelegationStatus, "save_draft" | "submit" | "accept" | "return", DelegationStatus | null][] = [
    ["pending", "save_draft", "pending"],
    ["pending", "submit", "submitted"],
    ["pending", "accept", null], // no accept before submit
    ["pending", "return", null],
    ["submitted", "save_draft", null],
    ["submitted", "submit", null],
    ["submitted", "accept", "accepted"],
    ["submitted", "return", "returned"],
    ["returned", "save_draft", "returned"],
    ["returned", "submit", "submitted"],
    ["returned", "accept", null],
    ["returned", "return", null],
    ["accepted", "save_draft", null],
    ["accepted", "submit", null], // no submit after accept
    ["accepted", "accept", null],
    ["accepted", "return", null],
  ];
  it.each(table)("%s + %s → %s", (current, action, expected) => {
    expect(nextDelegationStatus(current, action)).toBe(expected);
  });
});

describe("delegated surveys against the database", () => {
  let t: TestDb;
  let uploads: string;
  let staff: TestUser;
  let inquiryId: number;
  let wenxian: number;
  let wuzhi: number;

  beforeEach(async () => {
    t = await createTestDb();
    uploads = await mkdtemp(join(tmpdir(), "xunwen-uploads-"));
    process.env.XUNWEN_UPLOAD_DIR = uploads;
    staff = await makeUser(t.db, { role: "staff" });
    wenxian = await makeOrganization(t.db, { name: "温县人大常委会", kind: "county_congress" });
    wuzhi = await makeOrganization(t.db, { name: "武陟县人大常委会", kind: "county_congress" });
    const created = await createInquiry(t.db, staff.actor, {
      title: "测试询问",
      topic: "",
      congress: "焦作市人大常委会",
      sessionName: "",
      organizingBody: "",
      meetingDate: "2030-09-22",
      legalBasis: "",
      notes: "",
      respondingOrganizationIds: [],
    });
    if (!created.ok) throw new Error(created.message);
    inquiryId = created.id;
    await approvePlanForTest(t.db, inquiryId);
  });
  afterEach(async () => {
    await t.cleanup();
    await rm(uploads, { recursive: true, force: true });
    delete process.env.XUNWEN_UPLOAD_DIR;
  });

  async function delegate(organizationIds: number[], dueDate = "2099-12-31") {
    return createSurveyRequest(t.db, staff.actor, inquiryId, { title: "委托调研", dueDate, brief: rich("请调研"), organizationIds }, []);
  }

  it("delegates to several counties at once, each with a history entry and one audit entry", async () => {
    const before = await lastAuditId(t.db);
    const result = await delegate([wenxian, wuzhi]);
    expect(result.ok).toBe(true);
    const rows = await t.db.selectFrom("survey_delegations").selectAll().execute();
    expect(rows.map((r) => r.status)).toEqual(["pending", "pending"]);
    expect(await t.db.selectFrom("survey_events").select("action").execute()).toEqual([{ action: "delegated" }, { action: "delegated" }]);
    const audit = await auditSince(t.db, before);
    expect(audit.map((a) => a.action)).toEqual(["survey.delegate"]);
  });

  it("refuses a due date in the past and a non-county organisation, changing nothing", async () => {
    const department = await makeOrganization(t.db, { kind: "department" });
    const before = await lastAuditId(t.db);
    const past = await delegate([wenxian], "2000-01-01");
    expect(past).toMatchObject({ ok: false, field: "dueDate" });
    const wrongKind = await delegate([wenxian, department]);
    expect(wrongKind).toMatchObject({ ok: false, field: "organizationIds" });
    expect(await t.db.selectFrom("survey_requests").select("id").execute()).toEqual([]);
    expect(await t.db.selectFrom("survey_delegations").select("id").execute()).toEqual([]);
    expect(await auditSince(t.db, before)).toEqual([]);
  });

  it("runs draft → submit → return → resubmit → accept, refusing the steps out of order", async () => {
    const county = await makeUser(t.db, { role: "county", organizationId: wenxian });
    await delegate([wenxian]);
    const [{ id }] = await listCountyDelegations(t.db, wenxian);
    const version = async () => (await getDelegation(t.db, id))!.version;

    // staff cannot accept or return before submission
    expect(await actOnDelegation(t.db, staff.actor, { id, version: await version(), action: "accept" })).toMatchObject({ ok: false });
    // an empty report cannot be submitted
    expect(await actOnDelegation(t.db, county.actor, { id, version: await version(), action: "submit", report: rich("") })).toMatchObject({
      ok: false,
      field: "report",
    });
    expect(await actOnDelegation(t.db, county.actor, { id, version: await version(), action: "save_draft", report: rich("草稿") })).toMatchObject({ ok: true });
    expect((await getDelegation(t.db, id))!.report_text).toBe("草稿");
    expect(await actOnDelegation(t.db, county.actor, { id, version: await version(), action: "submit", report: rich("正式报告") })).toMatchObject({ ok: true });
    // a second submission is refused
    expect(await actOnDelegation(t.db, county.actor, { id, version: await version(), action: "submit", report: rich("再交") })).toMatchObject({ ok: false });
    // returning needs a comment
    expect(await actOnDelegation(t.db, staff.actor, { id, version: await version(), action: "return", comment: " " })).toMatchObject({ ok: false, field: "comment" });
    expect(await actOnDelegation(t.db, staff.actor, { id, version: await version(), action: "return", comment: "请补充数据" })).toMatchObject({ ok: true });
    expect((await getDelegation(t.db, id))!).toMatchObject({ status: "returned", return_comment: "请补充数据" });
    expect(await actOnDelegation(t.db, county.actor, { id, version: await version(), action: "submit", report: rich("补充后的报告") })).toMatchObject({ ok: true });
    expect(await actOnDelegation(t.db, staff.actor, { id, version: await version(), action: "accept" })).toMatchObject({ ok: true });
    // nothing moves after acceptance
    expect(await actOnDelegation(t.db, county.actor, { id, version: await version(), action: "submit", report: rich("又改") })).toMatchObject({ ok: false });
    expect(await actOnDelegation(t.db, county.actor, { id, version: await version(), action: "save_draft", report: rich("又改") })).toMatchObject({ ok: false });

    const d = (await getDelegation(t.db, id))!;
    expect(d.status).toBe("accepted");
    expect(d.report_text).toBe("补充后的报告");
    const events = await t.db.selectFrom("survey_events").select(["action", "actor_id"]).where("delegation_id", "=", id).orderBy("id").execute();
    expect(events.map((e) => e.action)).toEqual(["delegated", "draft_saved", "submitted", "returned", "submitted", "accepted"]);
    const audit = await t.db.selectFrom("audit_log").select("action").where("entity_type", "=", "survey_delegation").orderBy("id").execute();
    expect(audit.map((a) => a.action)).toEqual(["survey.save_draft", "survey.submit", "survey.return", "survey.submit", "survey.accept"]);
  });

  it("refuses a stale version without changing anything", async () => {
    await delegate([wenxian]);
    const [{ id, version }] = await listCountyDelegations(t.db, wenxian);
    await actOnDelegation(t.db, SYSTEM_ACTOR, { id, version, action: "save_draft", report: rich("第一稿") });
    const before = await lastAuditId(t.db);
    const stale = await actOnDelegation(t.db, SYSTEM_ACTOR, { id, version, action: "save_draft", report: rich("覆盖") });
    expect(stale).toMatchObject({ ok: false, field: "_form" });
    expect((await getDelegation(t.db, id))!.report_text).toBe("第一稿");
    expect(await auditSince(t.db, before)).toEqual([]);
  });

  it("lists only the county's own delegations, with overdue ones red", async () => {
    await delegate([wenxian, wuzhi]);
    await sql`update survey_requests set due_date = '2020-01-01'`.execute(t.db);
    const mine = await listCountyDelegations(t.db, wenxian);
    expect(mine).toHaveLength(1);
    expect(mine[0].organization_name).toBe("温县人大常委会");
    expect(mine[0].light).toBe("red");
    expect(mine[0].daysLeft).toBeLessThan(0);
  });
});
