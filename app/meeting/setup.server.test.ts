import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { auditSince, createTestDb, lastAuditId, type TestDb, makeOrganization } from "../test/db";
import { saveMeetingSetup, answeringOrganizations } from "./setup.server";
import { makeMeetingWorld, SETUP, type MeetingWorld } from "./test-helpers";
import { respondingOrganizations } from "../inquiries/inquiries.server";
import { departmentOptions } from "../outline/drafting.server";

let t: TestDb;
let w: MeetingWorld;

beforeEach(async () => {
  t = await createTestDb();
  w = await makeMeetingWorld(t.db);
});
afterEach(async () => {
  await t.cleanup();
});

describe("meeting setup", () => {
  it("creates one meeting per inquiry, updates with the version seen, refuses a stale version and changes nothing", async () => {
    const again = await saveMeetingSetup(t.db, w.staff.actor, w.inquiryId, null, SETUP);
    expect(again).toMatchObject({ ok: false, field: "_form" });
    const before = await lastAuditId(t.db);
    const ok = await saveMeetingSetup(t.db, w.staff.actor, w.inquiryId, 1, { ...SETUP, place: "第一会议室", chairName: "张主任" });
    expect(ok).toMatchObject({ ok: true, id: w.meetingId });
    const stale = await saveMeetingSetup(t.db, w.staff.actor, w.inquiryId, 1, { ...SETUP, place: "别处" });
    expect(stale).toMatchObject({ ok: false, field: "_form" });
    if (!stale.ok) expect(stale.message).toContain("已被他人修改");
    const row = await t.db.selectFrom("meetings").selectAll().where("id", "=", w.meetingId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ place: "第一会议室", chair_name: "张主任", version: 2 });
    expect((await auditSince(t.db, before)).map((a) => a.action)).toEqual(["meeting.update"]);
  });

  it("refuses a bad date and an out-of-range correction period", async () => {
    expect(await saveMeetingSetup(t.db, w.staff.actor, w.inquiryId, 1, { ...SETUP, meetingDate: "2020-02-30" })).toMatchObject({ ok: false, field: "meetingDate" });
    expect(await saveMeetingSetup(t.db, w.staff.actor, w.inquiryId, 1, { ...SETUP, correctionDays: -1 })).toMatchObject({ ok: false, field: "correctionDays" });
  });
});

describe("the organisations that answer", () => {
  it("lists the inquiry's responding organisations first, then other active governments and departments; the outline offers only the responding ones", async () => {
    const other = await makeOrganization(t.db, { name: "市水利局", kind: "department" });
    const county = await makeOrganization(t.db, { name: "某县人大常委会", kind: "county_congress" });
    const responding = (await respondingOrganizations(t.db, w.inquiryId)).map((o) => o.id);
    expect(responding).toEqual([w.government, w.health, w.education]);
    const answering = await answeringOrganizations(t.db, w.inquiryId);
    expect(answering.slice(0, 3)).toEqual(responding.map((id) => expect.objectContaining({ id, responding: true })));
    expect(answering.map((o) => o.id)).toContain(other);
    expect(answering.map((o) => o.id)).not.toContain(county);
    expect(answering.find((o) => o.id === other)).toMatchObject({ responding: false });
    expect((await departmentOptions(t.db, w.inquiryId)).map((o) => o.id)).toEqual(responding);
  });
});
