import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { auditSince, lastAuditId } from "../test/db";
import { todayInShanghai } from "../utils/time";
import { itemInput, makeItem, makeWorld, rich, type World } from "./fixtures.test-helpers";
import {
  acceptHandlingReport,
  setHandlingReportDueDate,
  submitHandlingReport,
} from "./handling-report.server";
import { addDays } from "../utils/time";
import { addProgressReport, staffActOnItem } from "./progress.server";
import { closeInquiry, closingChecklist, publicRectificationStatus, setRectificationPublic } from "./closing.server";
import { createItem, getItem } from "./items.server";

describe("rectification items against the database", () => {
  let w: World;
  beforeEach(async () => {
    w = await makeWorld();
  });
  afterEach(async () => {
    await w.cleanup();
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
