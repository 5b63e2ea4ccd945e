import JSZip from "jszip";
import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { saveMeetingSetup } from "../meeting/setup.server";
import { SETUP } from "../meeting/test-helpers";
import { outlineDocx } from "../outline/docx.server";
import { getOutlineHead } from "../outline/drafting.server";
import { defaultHandlingDueDate, listHandlingReports, submitHandlingReport } from "../rectification/handling-report.server";
import { rich } from "../rectification/fixtures.test-helpers";
import { auditSince, createTestDb, lastAuditId, makeOrganization, makeUser, type TestDb, type TestUser } from "../test/db";
import { createInquiry, getInquiry, meetingDateOf, updateInquiry, type InquiryInput } from "./inquiries.server";
import { recordPlanProceed } from "./plan-gate.server";

/** Issue 23 item 1: one meeting date, held on the inquiry; the meeting setup writes it (docs/decisions/0040). */
describe("one meeting date", () => {
  let t: TestDb;
  let staff: TestUser;
  let gov: number;
  let inquiryId: number;
  const input = (over: Partial<InquiryInput> = {}): InquiryInput => ({
    title: "全市义务教育控辍保学工作专题询问",
    topic: "",
    congress: "焦作市人大常委会",
    sessionName: "",
    organizingBody: "",
    meetingDate: "2030-09-20",
    legalBasis: "",
    notes: "",
    respondingOrganizationIds: [gov],
    ...over,
  });

  beforeEach(async () => {
    t = await createTestDb();
    staff = await makeUser(t.db, { role: "staff" });
    gov = await makeOrganization(t.db, { name: "市政府", kind: "government" });
    const created = await createInquiry(t.db, staff.actor, input());
    if (!created.ok) throw new Error(created.message);
    inquiryId = created.id;
    // the meeting setup is work after the plan's approval (item 3): this office approved it on paper
    const proceed = await recordPlanProceed(t.db, staff.actor, { inquiryId, reason: "主任会议已于纸质件批准" });
    if (!proceed.ok) throw new Error(proceed.message);
  });
  afterEach(async () => {
    await t.cleanup();
  });

  it("the date set in the meeting setup is the inquiry's: outline.docx shows it and the handling report falls due 3 months later", async () => {
    expect(await saveMeetingSetup(t.db, staff.actor, inquiryId, null, { ...SETUP, meetingDate: "2030-11-20" })).toMatchObject({ ok: true });
    expect(await meetingDateOf(t.db, inquiryId)).toBe("2030-11-20");

    // the outline's Word file reads the inquiry head, as the route does
    const head = (await getOutlineHead(t.db, inquiryId))!;
    const buffer = await outlineDocx({
      inquiry: { title: head.title, congress: head.congress, session_name: head.session_name, meeting_date: head.meeting_date },
      version: { number: 1, status: "approved", decided_on: "2030-10-01", issued_at: null },
      snapshot: { keywords: [] },
    });
    const xml = await (await JSZip.loadAsync(buffer)).file("word/document.xml")!.async("string");
    const text = [...xml.matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join("");
    expect(text).toContain("询问会日期：2030年11月20日");
    expect(text).not.toContain("2030年9月20日");

    // the page's default and the round created on submission: three months after the meeting actually held
    expect(defaultHandlingDueDate(await meetingDateOf(t.db, inquiryId))).toBe("2031-02-20");
    const liaison = await makeUser(t.db, { role: "department", organizationId: gov });
    expect(
      await submitHandlingReport(t.db, liaison.actor, { inquiryId, organizationId: gov, reportId: null, version: null, body: rich("研究处理情况"), files: [] }),
    ).toMatchObject({ ok: true });
    expect((await listHandlingReports(t.db, inquiryId))[0].due_date).toBe("2031-02-20");
  });

  it("changing the date in the setup moves it everywhere, audited, and an inquiry form holding the old date gets a conflict", async () => {
    const staleInquiry = (await getInquiry(t.db, inquiryId))!;
    const created = await saveMeetingSetup(t.db, staff.actor, inquiryId, null, { ...SETUP, meetingDate: "2030-11-20" });
    if (!created.ok) throw new Error(created.message);
    const before = await lastAuditId(t.db);
    expect(await saveMeetingSetup(t.db, staff.actor, inquiryId, 1, { ...SETUP, meetingDate: "2030-11-27" })).toMatchObject({ ok: true });
    expect(await meetingDateOf(t.db, inquiryId)).toBe("2030-11-27");
    const meeting = await t.db.selectFrom("meetings").select(["meeting_date", "version"]).where("inquiry_id", "=", inquiryId).executeTakeFirstOrThrow();
    expect(meeting).toEqual({ meeting_date: "2030-11-27", version: 2 });
    const audit = await auditSince(t.db, before);
    expect(audit.map((a) => a.action)).toEqual(["meeting.update"]);
    expect(audit[0].before).toMatchObject({ meeting_date: "2030-11-20" });
    expect(audit[0].after).toMatchObject({ meeting_date: "2030-11-27" });

    // the inquiry form opened before the setup would put the planned date back: refused
    expect(await updateInquiry(t.db, staff.actor, inquiryId, staleInquiry.version, input())).toMatchObject({ ok: false, field: "_form" });
    expect(await meetingDateOf(t.db, inquiryId)).toBe("2030-11-27");
  });

  it("the inquiry form edits the same date: the meeting's copy follows and a setup form holding the old date gets a conflict", async () => {
    expect(await saveMeetingSetup(t.db, staff.actor, inquiryId, null, { ...SETUP, meetingDate: "2030-11-20" })).toMatchObject({ ok: true });
    const fresh = (await getInquiry(t.db, inquiryId))!;
    expect(await updateInquiry(t.db, staff.actor, inquiryId, fresh.version, input({ meetingDate: "2030-12-01" }))).toMatchObject({ ok: true });
    const meeting = await t.db.selectFrom("meetings").select(["meeting_date", "version"]).where("inquiry_id", "=", inquiryId).executeTakeFirstOrThrow();
    expect(meeting.meeting_date).toBe("2030-12-01");
    expect(await saveMeetingSetup(t.db, staff.actor, inquiryId, 1, { ...SETUP, meetingDate: "2030-11-20" })).toMatchObject({ ok: false, field: "_form" });
    expect(await meetingDateOf(t.db, inquiryId)).toBe("2030-12-01");
  });

  it("the meeting row's copy cannot be changed on its own", async () => {
    expect(await saveMeetingSetup(t.db, staff.actor, inquiryId, null, { ...SETUP, meetingDate: "2030-11-20" })).toMatchObject({ ok: true });
    await expect(sql`update meetings set meeting_date = '2030-01-01' where inquiry_id = ${inquiryId}`.execute(t.db)).rejects.toThrow(/copy of inquiries.meeting_date/);
    // a meeting row inserted with another date takes the inquiry's
    const other = await createInquiry(t.db, staff.actor, input({ meetingDate: "2031-03-03" }));
    if (!other.ok) throw new Error(other.message);
    const now = new Date().toISOString();
    await t.db.insertInto("meetings").values({ inquiry_id: other.id, meeting_date: "1999-01-01", created_at: now, updated_at: now }).execute();
    expect((await t.db.selectFrom("meetings").select("meeting_date").where("inquiry_id", "=", other.id).executeTakeFirstOrThrow()).meeting_date).toBe("2031-03-03");
  });
});
