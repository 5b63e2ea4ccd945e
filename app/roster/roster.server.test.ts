import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createUser, setUserActive, updateUser } from "~/admin/users.server";
import { auditSince, createTestDb, lastAuditId, makeUser, snapshot, STRONG_PASSWORD, type TestDb, type TestUser } from "~/test/db";
import { openVote, voteRoll } from "~/meeting/votes.server";
import { makeMeetingWorld, recordOne } from "~/meeting/test-helpers";
import { officialsFromSegment } from "~/meeting/officials.server";
import { createRosterMember, listRoster, resolveQuestioner, rollFromRoster, updateRosterMember } from "./roster.server";

let t: TestDb;
let staff: TestUser;

beforeEach(async () => {
  t = await createTestDb();
  staff = await makeUser(t.db, { role: "staff", displayName: "工作人员" });
});
afterEach(async () => {
  await t.cleanup();
});

describe("the roster (组成人员名册)", () => {
  it("a member account is always on it: created with the account, following its name, let go when no longer a member", async () => {
    const m = await makeUser(t.db, { role: "member", displayName: "马爱国", title: "市人大常委会委员" });
    expect(await listRoster(t.db)).toMatchObject([{ name: "马爱国", title: "市人大常委会委员", voting: 1, user_id: m.id }]);
    const [entry] = await listRoster(t.db);
    expect((await updateUser(t.db, staff.actor, { id: m.id, version: 1, displayName: "马爱国", role: "member", organizationId: null, title: "市人大常委会副主任" })).ok).toBe(true);
    expect((await listRoster(t.db))[0]).toMatchObject({ id: entry.id, title: "市人大常委会副主任" });
    expect((await updateUser(t.db, staff.actor, { id: m.id, version: 2, displayName: "马爱国", role: "staff", organizationId: null, title: "" })).ok).toBe(true);
    expect((await listRoster(t.db))[0]).toMatchObject({ id: entry.id, name: "马爱国", user_id: null });
  });

  it("a new member account is linked to the one entry of its name that has no account (no second entry)", async () => {
    const created = await createRosterMember(t.db, staff.actor, { name: "赵朝阳", title: "市人大常委会委员", voting: true, userId: null });
    expect(created.ok).toBe(true);
    const account = await createUser(t.db, staff.actor, { username: "zhao", displayName: "赵朝阳", role: "member", organizationId: null, title: "市人大常委会委员", password: STRONG_PASSWORD });
    expect(account.ok).toBe(true);
    const roster = await listRoster(t.db);
    expect(roster).toHaveLength(1);
    expect(roster[0]).toMatchObject({ id: created.ok ? created.id : 0, user_id: account.ok ? account.id : 0 });
  });

  it("refuses bad input with a field message and changes nothing; a stale version is refused", async () => {
    const before = await snapshot(t.db);
    expect(await createRosterMember(t.db, staff.actor, { name: "  ", title: "", voting: true, userId: null })).toEqual({ ok: false, field: "name", message: "请填写姓名" });
    expect(await createRosterMember(t.db, staff.actor, { name: "甲".repeat(41), title: "", voting: true, userId: null })).toMatchObject({ ok: false, field: "name" });
    expect(await createRosterMember(t.db, staff.actor, { name: "甲", title: "", voting: true, userId: staff.id })).toEqual({ ok: false, field: "userId", message: "只能关联委员/代表角色的账号" });
    expect(await snapshot(t.db)).toEqual(before);
    const created = await createRosterMember(t.db, staff.actor, { name: "乙", title: "市人大代表", voting: false, userId: null });
    if (!created.ok) throw new Error("create");
    const input = { id: created.id, name: "乙", title: "市人大代表", voting: true, userId: null, active: true };
    expect((await updateRosterMember(t.db, staff.actor, { ...input, version: 1 })).ok).toBe(true);
    expect(await updateRosterMember(t.db, staff.actor, { ...input, version: 1, title: "旧的" })).toMatchObject({ ok: false, field: "_form" });
  });

  it("every change is audited in its transaction", async () => {
    const since = await lastAuditId(t.db);
    await createRosterMember(t.db, staff.actor, { name: "丙", title: "市人大代表", voting: false, userId: null });
    expect((await auditSince(t.db, since)).map((a) => a.action)).toEqual(["roster.create"]);
  });
});

describe("one list for who votes: a vote's roll is the roster", () => {
  it("opens with every active roster entry — with or without an account — voting as the roster says", async () => {
    const w = await makeMeetingWorld(t.db);
    const m = await makeUser(t.db, { role: "member", displayName: "有账号委员", title: "市人大常委会委员" });
    await createRosterMember(t.db, staff.actor, { name: "无账号委员", title: "市人大常委会委员", voting: true, userId: null });
    await createRosterMember(t.db, staff.actor, { name: "列席代表", title: "市人大代表", voting: false, userId: null });
    const gone = await createRosterMember(t.db, staff.actor, { name: "已移出", title: "市人大常委会委员", voting: true, userId: null });
    if (!gone.ok) throw new Error("create");
    await updateRosterMember(t.db, staff.actor, { id: gone.id, version: 1, name: "已移出", title: "市人大常委会委员", voting: true, userId: null, active: false });
    // a member account switched off keeps the person on the roll, without online voting
    const off = await makeUser(t.db, { role: "member", displayName: "停用账号委员", title: "市人大常委会委员" });
    await setUserActive(t.db, staff.actor, { id: off.id, version: 1, active: false });
    const roll = await rollFromRoster(t.db);
    expect(roll.map((r) => [r.name, r.voting, r.userId])).toEqual(
      expect.arrayContaining([
        ["有账号委员", true, m.id],
        ["无账号委员", true, null],
        ["列席代表", false, null],
        ["停用账号委员", true, null],
      ]),
    );
    expect(roll.some((r) => r.name === "已移出")).toBe(false);
    const seg = await recordOne(t.db, w);
    const opened = await openVote(t.db, w.staff.actor, { inquiryId: w.inquiryId, target: { type: "answer", segmentId: seg }, secret: true });
    expect(opened.ok).toBe(true);
    if (!opened.ok) return;
    const names = (await voteRoll(t.db, opened.id)).map((r) => r.name);
    expect(names).toEqual(roll.map((r) => r.name));
  });
});

describe("questioners typed by name", () => {
  it("match the roster entry (its account and 职务), or are added when asked, or stay as typed", async () => {
    const m = await makeUser(t.db, { role: "member", displayName: "马爱国", title: "市人大常委会委员" });
    await t.db.transaction().execute(async (trx) => {
      expect(await resolveQuestioner(trx, staff.actor, { name: "马爱国", role: "", addToRoster: false })).toMatchObject({ userId: m.id, role: "市人大常委会委员" });
      expect(await resolveQuestioner(trx, staff.actor, { name: "新代表", role: "市人大代表", addToRoster: false })).toMatchObject({ rosterId: null, userId: null });
      const added = await resolveQuestioner(trx, staff.actor, { name: "新代表", role: "市人大代表", addToRoster: true });
      expect(added.rosterId).not.toBeNull();
    });
    expect((await listRoster(t.db)).find((r) => r.name === "新代表")).toMatchObject({ title: "市人大代表", voting: 0, user_id: null });
  });
});

describe("应询人员 fill themselves from the exchanges", () => {
  it("an answering official typed into an exchange joins the meeting's officials once, and is remembered for the unit", async () => {
    const w = await makeMeetingWorld(t.db);
    const seg = await recordOne(t.db, w, { responderName: "杨吉喜", responderTitle: "主任", answer: "答复内容" });
    const officials = await t.db.selectFrom("meeting_officials").select(["name", "title", "organization_id"]).where("meeting_id", "=", w.meetingId).execute();
    expect(officials.filter((o) => o.name === "杨吉喜")).toEqual([{ name: "杨吉喜", title: "主任", organization_id: w.health }]);
    await t.db.transaction().execute((trx) => officialsFromSegment(trx, seg));
    expect((await t.db.selectFrom("meeting_officials").select("id").where("meeting_id", "=", w.meetingId).where("name", "=", "杨吉喜").execute()).length).toBe(1);
    expect(await t.db.selectFrom("known_officials").select(["organization_id", "name", "title"]).where("name", "=", "杨吉喜").execute()).toEqual([
      { organization_id: w.health, name: "杨吉喜", title: "主任" },
    ]);
  });
});
