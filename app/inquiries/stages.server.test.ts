import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { auditSince, createTestDb, lastAuditId, makeUser, type TestDb, type TestUser } from "../test/db";
import { advanceStage, createInquiry, getInquiry, setStage } from "./inquiries.server";

let t: TestDb;
let staff: TestUser;
let id: number;
beforeEach(async () => {
  t = await createTestDb();
  staff = await makeUser(t.db, { role: "staff" });
  const r = await createInquiry(t.db, staff.actor, {
    title: "阶段测试询问",
    topic: "",
    congress: "焦作市人大常委会",
    sessionName: "",
    organizingBody: "",
    meetingDate: null,
    legalBasis: "",
    notes: "",
    respondingOrganizationIds: [],
  });
  if (!r.ok) throw new Error(r.message);
  id = r.id;
  await t.db.updateTable("inquiries").set({ plan_status: "approved", stage: "research" }).where("id", "=", id).execute();
});
afterEach(() => t.cleanup());

const stage = async () => (await getInquiry(t.db, id))!.stage;
const version = async () => (await getInquiry(t.db, id))!.version;

describe("stages follow the work", () => {
  it("advanceStage moves forward only, in the caller's transaction, audited; never from 办结", async () => {
    const before = await lastAuditId(t.db);
    expect(await t.db.transaction().execute((trx) => advanceStage(trx, staff.actor, id, "meeting", "meeting_recorded"))).toBe("meeting");
    expect(await stage()).toBe("meeting");
    // the outline issued later (or a second meeting record) does not move it back, nor write anything
    expect(await t.db.transaction().execute((trx) => advanceStage(trx, staff.actor, id, "outline", "outline_issued"))).toBeNull();
    expect(await t.db.transaction().execute((trx) => advanceStage(trx, staff.actor, id, "meeting", "digest_published"))).toBeNull();
    expect(await stage()).toBe("meeting");
    const audit = await auditSince(t.db, before);
    expect(audit.map((a) => [a.action, a.before, a.after])).toEqual([["inquiry.stage_auto", { stage: "research" }, { stage: "meeting", cause: "meeting_recorded" }]]);
    expect(audit[0].summary).toContain("询问会已开始记录");
    // a rolled-back event leaves the stage where it was
    await expect(
      t.db.transaction().execute(async (trx) => {
        await advanceStage(trx, staff.actor, id, "rectification", "first_item");
        throw new Error("the event failed");
      }),
    ).rejects.toThrow();
    expect(await stage()).toBe("meeting");
    await t.db.updateTable("inquiries").set({ stage: "closed" }).where("id", "=", id).execute();
    expect(await t.db.transaction().execute((trx) => advanceStage(trx, staff.actor, id, "rectification", "first_item"))).toBeNull();
    expect(await stage()).toBe("closed");
  });

  it("a hand correction needs a reason; backwards needs confirming; 办结 is never set here", async () => {
    expect(await setStage(t.db, staff.actor, { id, version: await version(), stage: "closed", reason: "都办完了", confirmBackwards: true })).toMatchObject({
      ok: false,
      field: "stage",
    });
    expect(await setStage(t.db, staff.actor, { id, version: await version(), stage: "outline", reason: " ", confirmBackwards: false })).toMatchObject({
      ok: false,
      field: "reason",
    });
    expect(await stage()).toBe("research");
    const before = await lastAuditId(t.db);
    expect(await setStage(t.db, staff.actor, { id, version: await version(), stage: "meeting", reason: "询问会已召开，补录", confirmBackwards: false })).toMatchObject({ ok: true });
    expect(await stage()).toBe("meeting");
    // backwards: asks first, changes nothing until confirmed
    const asked = await setStage(t.db, staff.actor, { id, version: await version(), stage: "outline", reason: "误操作", confirmBackwards: false });
    expect(asked).toMatchObject({ ok: false, field: "confirm" });
    expect(await stage()).toBe("meeting");
    expect(await setStage(t.db, staff.actor, { id, version: await version(), stage: "outline", reason: "误操作", confirmBackwards: true })).toMatchObject({ ok: true });
    expect(await stage()).toBe("outline");
    const audit = await auditSince(t.db, before);
    expect(audit.map((a) => a.action)).toEqual(["inquiry.stage", "inquiry.stage"]);
    expect(audit[1].summary).toContain("退回");
    expect(audit[1].after).toEqual({ stage: "outline", reason: "误操作" });
    // a closed inquiry's stage is not changed by hand
    await t.db.updateTable("inquiries").set({ stage: "closed" }).where("id", "=", id).execute();
    expect(await setStage(t.db, staff.actor, { id, version: await version(), stage: "rectification", reason: "重开", confirmBackwards: true })).toMatchObject({ ok: false });
    expect(await stage()).toBe("closed");
  });
});
