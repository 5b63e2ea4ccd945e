import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { auditSince, createTestDb, lastAuditId, makeUser, type TestDb, type TestUser } from "../test/db";
import { nowIso } from "../utils/time";
import { makeMeetingWorld, recordOne, snapshotAll, type MeetingWorld } from "./test-helpers";
import { castBallot, closeVote, listInquiryVotes, listMemberVotes, myBallot, openVote, voteResults } from "./votes.server";

let t: TestDb;
let w: MeetingWorld;
let m1: TestUser;
let m2: TestUser;
let m3: TestUser;

beforeEach(async () => {
  t = await createTestDb();
  w = await makeMeetingWorld(t.db);
  m1 = await makeUser(t.db, { role: "member", displayName: "马爱国" });
  m2 = await makeUser(t.db, { role: "member", displayName: "赵朝阳" });
  m3 = await makeUser(t.db, { role: "member", displayName: "牛俊虎" });
});
afterEach(async () => {
  await t.cleanup();
});

async function openOn(segmentId: number, secret = true) {
  const r = await openVote(t.db, w.staff.actor, { inquiryId: w.inquiryId, target: { type: "answer", segmentId }, secret });
  if (!r.ok) throw new Error(r.message);
  return r.id;
}

describe("votes", () => {
  it("opens one vote per target at a time, with a default title", async () => {
    const s = await recordOne(t.db, w);
    const id = await openOn(s);
    const vote = await t.db.selectFrom("votes").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
    expect(vote).toMatchObject({ target_type: "answer", segment_id: s, status: "open", secret: 1 });
    expect(vote.title).toContain("健康扶贫");
    expect(await openVote(t.db, w.staff.actor, { inquiryId: w.inquiryId, target: { type: "answer", segmentId: s }, secret: true })).toMatchObject({ ok: false });
    // per department, and refused for a target outside the inquiry
    expect(await openVote(t.db, w.staff.actor, { inquiryId: w.inquiryId, target: { type: "department", departmentId: w.health }, secret: false })).toMatchObject({ ok: true });
    const other = await makeMeetingWorld(t.db);
    const foreign = await recordOne(t.db, other);
    expect(await openVote(t.db, w.staff.actor, { inquiryId: w.inquiryId, target: { type: "answer", segmentId: foreign }, secret: true })).toMatchObject({ ok: false });
    expect((await listInquiryVotes(t.db, w.inquiryId)).map((v) => v.target_type)).toEqual(["department", "answer"]);
  });

  it("counts one ballot per member: a second ballot replaces the first until the vote closes", async () => {
    const id = await openOn(await recordOne(t.db, w));
    expect(await castBallot(t.db, m1.actor, { voteId: id, memberId: m1.id, choice: "satisfied" })).toMatchObject({ ok: true });
    expect(await castBallot(t.db, m1.actor, { voteId: id, memberId: m1.id, choice: "unsatisfied" })).toMatchObject({ ok: true });
    expect(await castBallot(t.db, m2.actor, { voteId: id, memberId: m2.id, choice: "basically_satisfied" })).toMatchObject({ ok: true });
    expect(await castBallot(t.db, m3.actor, { voteId: id, memberId: m3.id, choice: "abstain" })).toMatchObject({ ok: true });
    let r = (await voteResults(t.db, id))!;
    expect(r.total).toBe(3);
    expect(r.counts.map((c) => [c.label, c.count, c.percent])).toEqual([
      ["满意", 0, 0],
      ["基本满意", 1, 33.3],
      ["不满意", 1, 33.3],
      ["弃权", 1, 33.3],
    ]);
    expect(r.approval).toEqual({ count: 1, percent: 33.3 });
    expect(r.passed).toBe(false);
    expect(await myBallot(t.db, id, m1.id)).toBe("unsatisfied");
    expect(await t.db.selectFrom("vote_ballots").select("id").where("member_id", "=", m1.id).execute()).toHaveLength(1);

    expect(await closeVote(t.db, w.staff.actor, id)).toMatchObject({ ok: true });
    const snap = await snapshotAll(t.db);
    expect(await castBallot(t.db, m1.actor, { voteId: id, memberId: m1.id, choice: "satisfied" })).toMatchObject({ ok: false });
    expect(await closeVote(t.db, w.staff.actor, id)).toMatchObject({ ok: false });
    expect(await snapshotAll(t.db)).toEqual(snap);
    r = (await voteResults(t.db, id))!;
    expect(r.vote.status).toBe("closed");
    expect(r.total).toBe(3);
  });

  it("only members vote, with a valid choice", async () => {
    const id = await openOn(await recordOne(t.db, w));
    const dept = await makeUser(t.db, { role: "department", organizationId: w.health });
    expect(await castBallot(t.db, w.staff.actor, { voteId: id, memberId: w.staff.id, choice: "satisfied" })).toMatchObject({ ok: false });
    expect(await castBallot(t.db, dept.actor, { voteId: id, memberId: dept.id, choice: "satisfied" })).toMatchObject({ ok: false });
    expect(await castBallot(t.db, m1.actor, { voteId: id, memberId: m1.id, choice: "great" as never })).toMatchObject({ ok: false, field: "choice" });
    expect((await voteResults(t.db, id))!.total).toBe(0);
  });

  it("a secret vote never tells who chose what: no named ballots, no choice in the audit log", async () => {
    const id = await openOn(await recordOne(t.db, w), true);
    const before = await lastAuditId(t.db);
    await castBallot(t.db, m1.actor, { voteId: id, memberId: m1.id, choice: "unsatisfied" });
    await castBallot(t.db, m1.actor, { voteId: id, memberId: m1.id, choice: "satisfied" });
    const r = (await voteResults(t.db, id))!;
    expect(r.ballots).toBeNull();
    const audit = await auditSince(t.db, before);
    expect(audit.map((a) => a.action)).toEqual(["vote.ballot_cast", "vote.ballot_change"]);
    const logged = JSON.stringify(audit);
    expect(logged).not.toMatch(/satisfied|abstain|"choice"|：(满意|基本满意|不满意|弃权)/);
    expect(logged).toContain("无记名，不记录选择");
  });

  it("an open (记名) vote lists the ballots by name", async () => {
    const id = await openOn(await recordOne(t.db, w), false);
    await castBallot(t.db, m1.actor, { voteId: id, memberId: m1.id, choice: "satisfied" });
    await castBallot(t.db, m2.actor, { voteId: id, memberId: m2.id, choice: "satisfied" });
    const r = (await voteResults(t.db, id))!;
    expect(r.ballots?.map((b) => [b.member_name, b.label]).sort()).toEqual([
      ["赵朝阳", "满意"],
      ["马爱国", "满意"],
    ]);
    expect(r.passed).toBe(true);
    expect(r.approval.percent).toBe(100);
  });

  it("works for the handling report target and joins the caller's transaction", async () => {
    const now = nowIso();
    const report = await t.db
      .insertInto("handling_reports")
      .values({ inquiry_id: w.inquiryId, round: 1, due_date: "2021-03-22", status: "submitted", created_at: now, updated_at: now })
      .returning("id")
      .executeTakeFirstOrThrow();
    const id = await t.db.transaction().execute(async (trx) => {
      const r = await openVote(trx, w.staff.actor, { inquiryId: w.inquiryId, target: { type: "handling_report", handlingReportId: report.id }, secret: true });
      if (!r.ok) throw new Error(r.message);
      await trx.updateTable("handling_reports").set({ vote_id: r.id }).where("id", "=", report.id).execute();
      return r.id;
    });
    expect((await voteResults(t.db, id))!.vote).toMatchObject({ target_type: "handling_report", handling_report_id: report.id });
    await castBallot(t.db, m1.actor, { voteId: id, memberId: m1.id, choice: "satisfied" });
    expect((await listMemberVotes(t.db, m1.id, [w.inquiryId])).find((v) => v.id === id)).toMatchObject({ voted: true, choice: "satisfied" });
    expect((await listMemberVotes(t.db, m2.id, [w.inquiryId])).find((v) => v.id === id)).toMatchObject({ voted: false });
    // a failure inside the caller's transaction rolls the vote back with it
    const count = (await t.db.selectFrom("votes").select("id").execute()).length;
    await expect(
      t.db.transaction().execute(async (trx) => {
        await closeVote(trx, w.staff.actor, id);
        throw new Error("rollback");
      }),
    ).rejects.toThrow("rollback");
    expect((await voteResults(t.db, id))!.vote.status).toBe("open");
    expect((await t.db.selectFrom("votes").select("id").execute()).length).toBe(count);
  });
});
