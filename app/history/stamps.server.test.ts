import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { setDigestPublished } from "../meeting/digest.server";
import { makeExchange, makeItem, makeWorld, rich, type World } from "../rectification/fixtures.test-helpers";
import { acceptHandlingReport, submitHandlingReport } from "../rectification/handling-report.server";
import { closeInquiry, publicRectificationStatus, setRectificationPublic } from "../rectification/closing.server";
import { getItem } from "../rectification/items.server";
import { staffActOnItem } from "../rectification/progress.server";
import { actOnDelegation, createSurveyRequest } from "../surveys/surveys.server";
import { makeUser } from "../test/db";
import { inquiryChronicle } from "./chronicle.server";

/**
 * Every stamped event goes through the one rule (app/history/dates.server.ts stampEvent): in back-entry the real
 * date, required, not before what it follows, marked 【补录】 in the audit log; in live work now. Issue 13, gap:
 * county report 报送 / 采纳, the handling report's 报送 and 确认通过, the digest's 发布.
 */
describe("back-entered stamps of the events that were still stamped now", () => {
  let w: World;
  beforeEach(async () => {
    w = await makeWorld();
    await w.t.db.updateTable("inquiries").set({ back_entry: 1 }).where("id", "=", w.inquiryId).execute();
    const now = new Date().toISOString();
    await w.t.db
      .insertInto("plan_decisions")
      .values({ inquiry_id: w.inquiryId, action: "approved", decided_on: "2020-05-10", note: "", actor_id: w.staff.id, created_at: now, back_entered: 1 })
      .execute();
  });
  afterEach(async () => w.cleanup());

  const audits = async (action: string) => (await w.t.db.selectFrom("audit_log").select(["summary", "after_json"]).where("action", "=", action).execute()).map((a) => a.summary);
  const notifications = async () => (await w.t.db.selectFrom("notifications").select("id").execute()).length;

  it("a county's report: 报送 not before the plan's approval, 采纳 not before the 报送; marked, no notification", async () => {
    const county = await makeUser(w.t.db, { role: "county", organizationId: w.county });
    expect((await createSurveyRequest(w.t.db, w.staff.actor, w.inquiryId, { title: "温县调研", dueDate: "2020-07-31", brief: rich("调研要求"), organizationIds: [w.county] }, [])).ok).toBe(true);
    const d = await w.t.db.selectFrom("survey_delegations").selectAll().executeTakeFirstOrThrow();
    const report = rich("调研报告正文");
    const submit = (on?: string) => actOnDelegation(w.t.db, county.actor, { id: d.id, version: d.version, action: "submit", report, on });
    expect(await submit()).toEqual({ ok: false, field: "on", message: "补录须填写实际的报送日期" });
    expect(await submit("2020-05-01")).toEqual({ ok: false, field: "on", message: "报送日期不能早于工作方案批准日期（2020年5月10日）" });
    expect(await w.t.db.selectFrom("survey_delegations").select(["status", "version"]).where("id", "=", d.id).executeTakeFirstOrThrow()).toEqual({ status: "pending", version: d.version });
    expect((await submit("2020-07-20")).ok).toBe(true);
    const submitted = await w.t.db.selectFrom("survey_delegations").selectAll().where("id", "=", d.id).executeTakeFirstOrThrow();
    expect(submitted.submitted_at).toBe("2020-07-20T04:00:00.000Z");
    const accept = (on?: string) => actOnDelegation(w.t.db, w.staff.actor, { id: d.id, version: submitted.version, action: "accept", on });
    expect(await accept("2020-07-19")).toEqual({ ok: false, field: "on", message: "采纳日期不能早于报告报送日期（2020年7月20日）" });
    expect((await accept("2020-07-25")).ok).toBe(true);
    expect((await w.t.db.selectFrom("survey_delegations").select("accepted_at").where("id", "=", d.id).executeTakeFirstOrThrow()).accepted_at).toBe("2020-07-25T04:00:00.000Z");
    expect(await audits("survey.submit")).toEqual([expect.stringMatching(/^【补录】.*（2020-07-20）$/)]);
    expect(await audits("survey.accept")).toEqual([expect.stringMatching(/^【补录】.*（2020-07-25）/)]);
    expect(await notifications()).toBe(0);
    const chronicle = await inquiryChronicle(w.t.db, w.inquiryId);
    expect(chronicle.filter((e) => e.label.includes("调研报告"))).toEqual([
      { date: "2020-07-20", label: "温县人大常委会报送调研报告「温县调研」", backEntered: true },
      { date: "2020-07-25", label: "采纳温县人大常委会的调研报告「温县调研」", backEntered: true },
    ]);
  });

  it("the handling report: 报送 not before the meeting, 确认通过 not before the 报送; marked, in the timeline", async () => {
    const submit = (on?: string) =>
      submitHandlingReport(w.t.db, w.liaison.actor, { inquiryId: w.inquiryId, organizationId: w.gov, reportId: null, version: null, body: rich("研究处理情况报告"), files: [], on });
    expect(await submit("2020-09-01")).toEqual({ ok: false, field: "on", message: "报送日期不能早于询问会日期（2020年9月22日）" });
    expect(await w.t.db.selectFrom("handling_reports").select("id").execute()).toEqual([]);
    const ok = await submit("2020-12-15");
    expect(ok.ok).toBe(true);
    const r = await w.t.db.selectFrom("handling_reports").selectAll().executeTakeFirstOrThrow();
    expect(r.submitted_at).toBe("2020-12-15T04:00:00.000Z");
    expect(await acceptHandlingReport(w.t.db, w.staff.actor, { reportId: r.id, version: r.version, note: "", on: "2020-12-01" })).toEqual({
      ok: false,
      field: "on",
      message: "确认通过日期不能早于报告报送日期（2020年12月15日）",
    });
    expect((await acceptHandlingReport(w.t.db, w.staff.actor, { reportId: r.id, version: r.version, note: "", on: "2020-12-28" })).ok).toBe(true);
    expect((await w.t.db.selectFrom("handling_reports").select("accepted_at").executeTakeFirstOrThrow()).accepted_at).toBe("2020-12-28T04:00:00.000Z");
    expect(await audits("handling_report.submit")).toEqual([expect.stringMatching(/^【补录】.*（2020-12-15）$/)]);
    expect(await audits("handling_report.accept")).toEqual([expect.stringMatching(/^【补录】/)]);
    expect(await notifications()).toBe(0);
    const labels = (await inquiryChronicle(w.t.db, w.inquiryId)).filter((e) => e.label.includes("研究处理情况报告"));
    expect(labels).toEqual([
      { date: "2020-12-15", label: "政府报送研究处理情况报告（第 1 次）", backEntered: true },
      { date: "2020-12-28", label: "研究处理情况报告（第 1 次）确认通过", backEntered: true },
    ]);
  });

  it("the digest: published on its real date (not before the meeting), after confirming; unconfirmed nothing changes", async () => {
    await makeExchange(w);
    const version = async () => (await w.t.db.selectFrom("meetings").select("version").executeTakeFirstOrThrow()).version;
    expect(await setDigestPublished(w.t.db, w.staff.actor, w.inquiryId, await version(), true, { on: "2020-09-30" })).toMatchObject({ ok: false, field: "confirm" });
    expect(await setDigestPublished(w.t.db, w.staff.actor, w.inquiryId, await version(), true, { confirmed: true, on: "2020-09-01" })).toEqual({
      ok: false,
      field: "on",
      message: "发布日期不能早于询问会日期（2020年9月22日）",
    });
    expect((await w.t.db.selectFrom("meetings").select("digest_published_at").executeTakeFirstOrThrow()).digest_published_at).toBeNull();
    expect((await setDigestPublished(w.t.db, w.staff.actor, w.inquiryId, await version(), true, { confirmed: true, on: "2020-09-30" })).ok).toBe(true);
    expect((await w.t.db.selectFrom("meetings").select("digest_published_at").executeTakeFirstOrThrow()).digest_published_at).toBe("2020-09-30T04:00:00.000Z");
    expect(await audits("digest.publish")).toEqual([expect.stringMatching(/^【补录】发布询问会摘要.*（2020-09-30）$/)]);
    expect((await inquiryChronicle(w.t.db, w.inquiryId)).find((e) => e.label === "发布询问会摘要")).toEqual({ date: "2020-09-30", label: "发布询问会摘要", backEntered: true });
  });

  it("办结: on its real date, not before the handling report's acceptance; marked, last in the timeline", async () => {
    const id = await makeItem(w, { deadline: "2020-12-31" });
    const item = (await getItem(w.t.db, id))!;
    expect((await staffActOnItem(w.t.db, w.staff.actor, { itemId: id, version: item.version, action: "close", comment: "销号文件", on: "2020-12-20", confirmed: true })).ok).toBe(true);
    expect((await submitHandlingReport(w.t.db, w.liaison.actor, { inquiryId: w.inquiryId, organizationId: w.gov, reportId: null, version: null, body: rich("报告"), files: [], on: "2020-12-15" })).ok).toBe(true);
    const r = await w.t.db.selectFrom("handling_reports").selectAll().executeTakeFirstOrThrow();
    expect((await acceptHandlingReport(w.t.db, w.staff.actor, { reportId: r.id, version: r.version, note: "", on: "2020-12-28" })).ok).toBe(true);
    const version = async () => (await w.t.db.selectFrom("inquiries").select("version").where("id", "=", w.inquiryId).executeTakeFirstOrThrow()).version;
    const v = await version();
    expect(await closeInquiry(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, version: v, record: rich("办结"), on: "2020-12-27" })).toEqual({
      ok: false,
      field: "on",
      message: "办结日期不能早于研究处理情况报告通过日期（2020年12月28日）",
    });
    expect(await version()).toBe(v);
    expect((await closeInquiry(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, version: v, record: rich("办结"), on: "2021-01-10" })).ok).toBe(true);
    expect((await w.t.db.selectFrom("inquiries").select("closed_at").where("id", "=", w.inquiryId).executeTakeFirstOrThrow()).closed_at).toBe("2021-01-10T04:00:00.000Z");
    expect(await audits("inquiry.close")).toEqual([expect.stringMatching(/^【补录】.*办结（2021-01-10）/)]);
    const chronicle = await inquiryChronicle(w.t.db, w.inquiryId);
    expect(chronicle.at(-1)).toEqual({ date: "2021-01-10", label: "专题询问办结", backEntered: true });
    expect(chronicle.map((e) => e.date)).toEqual([...chronicle.map((e) => e.date)].sort());
  });
});

describe("publishing asks first (the one confirmation of app/history/confirm.server.ts)", () => {
  let w: World;
  beforeEach(async () => {
    w = await makeWorld();
  });
  afterEach(async () => w.cleanup());

  it("the rectification status: unconfirmed, nothing changes; confirmed, public; taking it back asks too", async () => {
    await makeItem(w, { deadline: "2099-12-31" });
    const version = async () => (await w.t.db.selectFrom("inquiries").select("version").where("id", "=", w.inquiryId).executeTakeFirstOrThrow()).version;
    const v = await version();
    expect(await setRectificationPublic(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, version: v, isPublic: true })).toEqual({
      ok: false,
      field: "confirm",
      message: expect.stringContaining("确认公开吗"),
    });
    expect(await version()).toBe(v);
    expect(await publicRectificationStatus(w.t.db, w.inquiryId)).toBeNull();
    expect((await setRectificationPublic(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, version: v, isPublic: true, confirmed: true })).ok).toBe(true);
    expect(await publicRectificationStatus(w.t.db, w.inquiryId)).not.toBeNull();
    expect(await setRectificationPublic(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, version: await version(), isPublic: false })).toMatchObject({ field: "confirm" });
    expect(await publicRectificationStatus(w.t.db, w.inquiryId)).not.toBeNull();
  });
});
