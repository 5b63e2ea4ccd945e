import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { setDigestPublished } from "../meeting/digest.server";
import { publicDigestPage } from "../meeting/public.server";
import { canReviewHandlingReport } from "../policy.server";
import { auditSince, lastAuditId, snapshot } from "../test/db";
import { addDays } from "../utils/time";
import { todayInShanghai } from "../utils/time";
import { makeExchange, makeWorld, rich, type World } from "./fixtures.test-helpers";
import { listHandlingReports, submitHandlingReport } from "./handling-report.server";
import { handlingReviews, publishedHandlingReports, saveHandlingReview, setHandlingReportPublished } from "./handling-review.server";

/** Issue 23 item 5: the committee's 审议 of the handling report, and its publication (docs/decisions/0043). */
describe("审议 and publication of the handling report", () => {
  let w: World;
  beforeEach(async () => {
    w = await makeWorld();
  });
  afterEach(async () => {
    await w.cleanup();
  });

  const report = async () => (await listHandlingReports(w.t.db, w.inquiryId))[0];
  const submit = async () => {
    const r = await submitHandlingReport(w.t.db, w.liaison.actor, {
      inquiryId: w.inquiryId,
      organizationId: w.gov,
      reportId: null,
      version: null,
      body: rich("关于研究处理专题询问意见情况的报告：已建立因病返贫监测机制。"),
      files: [],
    });
    if (!r.ok) throw new Error(r.message);
    return report();
  };
  const publishDigest = async () => {
    await makeExchange(w);
    const meeting = await w.t.db.selectFrom("meetings").select("version").where("inquiry_id", "=", w.inquiryId).executeTakeFirstOrThrow();
    const r = await setDigestPublished(w.t.db, w.staff.actor, w.inquiryId, meeting.version, true);
    if (!r.ok) throw new Error(r.message);
  };
  const today = todayInShanghai();
  const review = (over: Partial<Parameters<typeof saveHandlingReview>[2]> = {}) => ({
    reportId: 0,
    version: null,
    reviewedOn: today,
    sessionName: "市十一届人大常委会第十三次会议",
    opinion: rich("常委会认为，市政府高度重视询问意见，整改措施有力；建议进一步健全长效机制。"),
    resolution: "",
    ...over,
  });

  it("records the 审议 of a submitted report only, checks its fields, and edits it with a version, audited", async () => {
    // before the government submits: nothing to deliberate
    const due = await w.t.db.insertInto("handling_reports").values({ inquiry_id: w.inquiryId, round: 1, due_date: addDays(today, 30), created_at: new Date().toISOString(), updated_at: new Date().toISOString() }).returning("id").executeTakeFirstOrThrow();
    expect(await saveHandlingReview(w.t.db, w.staff.actor, review({ reportId: due.id }))).toMatchObject({ ok: false, field: "_form" });
    await w.t.db.deleteFrom("handling_reports").where("id", "=", due.id).execute();

    const r = await submit();
    const snap = await snapshot(w.t.db);
    expect(await saveHandlingReview(w.t.db, w.staff.actor, review({ reportId: r.id, reviewedOn: addDays(today, 1) }))).toMatchObject({ ok: false, field: "reviewedOn" });
    expect(await saveHandlingReview(w.t.db, w.staff.actor, review({ reportId: r.id, reviewedOn: "2020-01-01" }))).toMatchObject({ ok: false, field: "reviewedOn" });
    expect(await saveHandlingReview(w.t.db, w.staff.actor, review({ reportId: r.id, sessionName: " " }))).toMatchObject({ ok: false, field: "sessionName" });
    expect(await saveHandlingReview(w.t.db, w.staff.actor, review({ reportId: r.id, opinion: rich("") }))).toMatchObject({ ok: false, field: "opinion" });
    expect(await snapshot(w.t.db)).toEqual(snap);

    const before = await lastAuditId(w.t.db);
    expect(await saveHandlingReview(w.t.db, w.staff.actor, review({ reportId: r.id, resolution: "关于全市脱贫攻坚工作情况的决议" }))).toMatchObject({ ok: true });
    const saved = (await handlingReviews(w.t.db, w.inquiryId)).get(r.id)!;
    expect(saved).toMatchObject({ session_name: "市十一届人大常委会第十三次会议", resolution: "关于全市脱贫攻坚工作情况的决议", version: 1 });
    expect(saved.opinion_html).toContain("健全长效机制");
    // a second "first" record, or an edit from a stale form: refused
    expect(await saveHandlingReview(w.t.db, w.staff.actor, review({ reportId: r.id }))).toMatchObject({ ok: false, field: "_form" });
    expect(await saveHandlingReview(w.t.db, w.staff.actor, review({ reportId: r.id, version: 1, sessionName: "第十四次会议" }))).toMatchObject({ ok: true });
    expect(await saveHandlingReview(w.t.db, w.staff.actor, review({ reportId: r.id, version: 1, sessionName: "第十五次会议" }))).toMatchObject({ ok: false, field: "_form" });
    expect((await handlingReviews(w.t.db, w.inquiryId)).get(r.id)).toMatchObject({ session_name: "第十四次会议", version: 2 });
    const audit = await auditSince(w.t.db, before);
    expect(audit.map((a) => a.action)).toEqual(["handling_report.review", "handling_report.review_edit"]);
    expect(audit[1].before).toMatchObject({ session_name: "市十一届人大常委会第十三次会议" });
    expect(audit[1].after).toMatchObject({ session_name: "第十四次会议" });
  });

  it("the report and its opinion appear on the public page once published, not before; unpublishing takes them off", async () => {
    const r = await submit();
    expect(await saveHandlingReview(w.t.db, w.staff.actor, review({ reportId: r.id }))).toMatchObject({ ok: true });
    // the public page is the digest's: publishing waits for it
    expect(await setHandlingReportPublished(w.t.db, w.staff.actor, { reportId: r.id, version: r.version, publish: true, confirmed: true })).toMatchObject({
      ok: false,
      message: expect.stringContaining("摘要尚未公开"),
    });
    await publishDigest();
    expect((await publicDigestPage(w.t.db, w.inquiryId))!.handlingReports).toEqual([]);
    // the confirmation is required
    expect(await setHandlingReportPublished(w.t.db, w.staff.actor, { reportId: r.id, version: r.version, publish: true, confirmed: false })).toMatchObject({ ok: false, field: "confirmed" });
    expect((await publicDigestPage(w.t.db, w.inquiryId))!.handlingReports).toEqual([]);

    const before = await lastAuditId(w.t.db);
    expect(await setHandlingReportPublished(w.t.db, w.staff.actor, { reportId: r.id, version: r.version, publish: true, confirmed: true })).toMatchObject({ ok: true });
    const page = (await publicDigestPage(w.t.db, w.inquiryId))!;
    expect(page.handlingReports).toHaveLength(1);
    expect(page.handlingReports[0].bodyHtml).toContain("已建立因病返贫监测机制");
    expect(page.handlingReports[0].review).toMatchObject({ sessionName: "市十一届人大常委会第十三次会议", reviewedOn: today });
    expect(page.handlingReports[0].review!.opinionHtml).toContain("健全长效机制");

    // a stale version cannot take it back; the current one can
    expect(await setHandlingReportPublished(w.t.db, w.staff.actor, { reportId: r.id, version: r.version, publish: false, confirmed: false })).toMatchObject({ ok: false });
    expect(await setHandlingReportPublished(w.t.db, w.staff.actor, { reportId: r.id, version: (await report()).version, publish: false, confirmed: false })).toMatchObject({ ok: true });
    expect(await publishedHandlingReports(w.t.db, w.inquiryId)).toEqual([]);
    expect((await auditSince(w.t.db, before)).map((a) => a.action)).toEqual(["handling_report.publish", "handling_report.unpublish"]);
  });

  it("a report not yet submitted cannot be published", async () => {
    await publishDigest();
    const due = await w.t.db.insertInto("handling_reports").values({ inquiry_id: w.inquiryId, round: 1, due_date: addDays(today, 30), created_at: new Date().toISOString(), updated_at: new Date().toISOString() }).returning(["id", "version"]).executeTakeFirstOrThrow();
    expect(await setHandlingReportPublished(w.t.db, w.staff.actor, { reportId: due.id, version: due.version, publish: true, confirmed: true })).toMatchObject({ ok: false, field: "_form" });
  });

  it("only staff and admins may record the 审议 or publish (the policy)", () => {
    expect(canReviewHandlingReport({ role: "staff" })).toBe(true);
    expect(canReviewHandlingReport({ role: "admin" })).toBe(true);
    for (const role of ["member", "department", "county"] as const) expect(canReviewHandlingReport({ role })).toBe(false);
  });
});
