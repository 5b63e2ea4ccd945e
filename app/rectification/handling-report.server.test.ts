import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { attachmentOwner } from "../attachments/attachments.server";
import { canReadAttachment, canReadHandlingReport, canSubmitHandlingReport, canVoteHandlingReport, isGovernmentLiaison } from "../policy.server";
import { auditSince, lastAuditId, snapshot } from "../test/db";
import { todayInShanghai } from "../utils/time";
import { evidence, makeWorld, rich, type World } from "./fixtures.test-helpers";
import {
  acceptHandlingReport,
  castHandlingReportBallot,
  closeHandlingReportVote,
  defaultHandlingDueDate,
  listHandlingReports,
  nextHandlingReportStatus,
  openHandlingReportVote,
  setHandlingReportDueDate,
  submitHandlingReport,
  voteOutcome,
  type HandlingReportAction,
} from "./handling-report.server";
import type { HandlingReportStatus } from "./labels";
import { addDays } from "../utils/time";
import { computeVoteResult, DEFAULT_PASS_RULE } from "../meeting/votes.server";

describe("handling report status rules", () => {
  const S: HandlingReportStatus[] = ["pending", "submitted", "accepted", "resubmission_required"];
  const expected: Record<HandlingReportAction, (HandlingReportStatus | null)[]> = {
    set_due_date: ["pending", null, null, null],
    submit: ["submitted", null, null, null],
    open_vote: [null, "submitted", null, null],
    accept: [null, "accepted", null, null],
    vote_down: [null, "resubmission_required", null, null],
  };
  const table = (Object.keys(expected) as HandlingReportAction[]).flatMap((a) => S.map((s, i) => [s, a, expected[a][i]] as const));
  it.each(table)("%s + %s → %s", (current, action, next) => {
    expect(nextHandlingReportStatus(current, action)).toBe(next);
  });

  it("the report's fate follows the shared vote result: not passed → re-submission", () => {
    const r = (s: number, b: number, u: number, a: number, eligible: number) =>
      voteOutcome(computeVoteResult({ counts: { satisfied: s, basically_satisfied: b, unsatisfied: u, abstain: a }, eligible, present: eligible, rule: DEFAULT_PASS_RULE }));
    expect(r(0, 0, 2, 1, 3)).toBe("resubmission_required");
    expect(r(1, 0, 1, 0, 2)).toBe("resubmission_required"); // exactly half of the eligible is not over half
    expect(r(2, 1, 0, 0, 5)).toBe("accepted");
    expect(r(2, 0, 0, 0, 5)).toBe("resubmission_required"); // over half of those who voted, not of all eligible
    expect(r(3, 0, 0, 0, 3)).toBe("accepted");
  });

  it("defaults the due date to three months after the meeting", () => {
    expect(defaultHandlingDueDate("2020-09-22")).toBe("2020-12-22");
    expect(defaultHandlingDueDate(null, "2025-01-31")).toBe("2025-04-30");
  });
});

describe("handling report against the database", () => {
  let w: World;
  beforeEach(async () => {
    w = await makeWorld({ members: true });
  });
  afterEach(async () => {
    await w.cleanup();
  });

  const latest = async () => (await listHandlingReports(w.t.db, w.inquiryId))[0];

  it("voted down → re-submission in a new round; the second report passes", async () => {
    const due = addDays(todayInShanghai(), 20);
    expect(await setHandlingReportDueDate(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, dueDate: due, reportId: null, version: null })).toMatchObject({ ok: true });
    let r = await latest();
    expect(r).toMatchObject({ round: 1, status: "pending", due_date: due });
    // only the government submits
    const snap = await snapshot(w.t.db);
    expect(await submitHandlingReport(w.t.db, w.deptA.actor, { inquiryId: w.inquiryId, organizationId: w.orgA, reportId: r.id, version: r.version, body: rich("x"), files: [] })).toMatchObject({
      ok: false,
      message: "研究处理情况报告由人民政府报送",
    });
    expect(await snapshot(w.t.db)).toEqual(snap);
    expect(await submitHandlingReport(w.t.db, w.liaison.actor, { inquiryId: w.inquiryId, organizationId: w.gov, reportId: r.id, version: r.version, body: rich(""), files: [] })).toMatchObject({
      ok: false,
      field: "body",
    });
    expect(
      await submitHandlingReport(w.t.db, w.liaison.actor, { inquiryId: w.inquiryId, organizationId: w.gov, reportId: r.id, version: r.version, body: rich("关于研究处理询问意见情况的报告"), files: [evidence("报告.pdf")] }),
    ).toMatchObject({ ok: true });
    r = await latest();
    expect(r).toMatchObject({ status: "submitted", submitted_by_name: w.liaison.displayName });
    // twice: refused
    expect(await submitHandlingReport(w.t.db, w.liaison.actor, { inquiryId: w.inquiryId, organizationId: w.gov, reportId: r.id, version: r.version, body: rich("再报"), files: [] })).toMatchObject({
      ok: false,
    });
    // ballots before the vote opens: refused
    expect(await castHandlingReportBallot(w.t.db, w.member.actor, { reportId: r.id, memberId: w.member.id, choice: "unsatisfied" })).toMatchObject({ ok: false });
    expect(await openHandlingReportVote(w.t.db, w.staff.actor, { reportId: r.id, version: r.version })).toMatchObject({ ok: true });
    r = await latest();
    expect(await closeHandlingReportVote(w.t.db, w.staff.actor, { reportId: r.id, version: r.version, newDueDate: "" })).toMatchObject({
      ok: false,
      message: expect.stringContaining("尚无委员投票"),
    });
    // non-members cannot vote
    expect(await castHandlingReportBallot(w.t.db, w.staff.actor, { reportId: r.id, memberId: w.staff.id, choice: "satisfied" })).toMatchObject({ ok: false });
    const before = await lastAuditId(w.t.db);
    expect(await castHandlingReportBallot(w.t.db, w.member.actor, { reportId: r.id, memberId: w.member.id, choice: "satisfied" })).toMatchObject({ ok: true });
    // one ballot per member: a second one is refused
    expect(await castHandlingReportBallot(w.t.db, w.member.actor, { reportId: r.id, memberId: w.member.id, choice: "unsatisfied" })).toMatchObject({ ok: false, message: expect.stringContaining("已经投过票") });
    expect(await castHandlingReportBallot(w.t.db, w.member2.actor, { reportId: r.id, memberId: w.member2.id, choice: "unsatisfied" })).toMatchObject({ ok: true });
    // secret ballot: the audit log does not hold the choice
    const audit = await auditSince(w.t.db, before);
    expect(JSON.stringify(audit)).not.toContain("unsatisfied");
    r = await latest();
    // no tally while the vote is open: turnout only
    expect(r.tally).toBeNull();
    expect(r.turnout).toEqual({ eligible: 2, present: 2, voted: 2 });
    expect(r.myChoice).toBeNull();
    const mine = (await listHandlingReports(w.t.db, w.inquiryId, w.member.id))[0];
    expect([mine.myVoted, mine.myChoice]).toEqual([true, null]);
    // voted down: a new due date is required
    expect(await closeHandlingReportVote(w.t.db, w.staff.actor, { reportId: r.id, version: r.version, newDueDate: "" })).toMatchObject({ ok: false, field: "newDueDate" });
    const newDue = addDays(todayInShanghai(), 30);
    expect(await closeHandlingReportVote(w.t.db, w.staff.actor, { reportId: r.id, version: r.version, newDueDate: newDue })).toMatchObject({ ok: true, outcome: "resubmission_required" });
    const rounds = await listHandlingReports(w.t.db, w.inquiryId);
    expect(rounds.map((x) => [x.round, x.status, x.due_date])).toEqual([
      [2, "pending", newDue],
      [1, "resubmission_required", due],
    ]);
    expect(rounds[1].vote_status).toBe("closed");
    expect(rounds[1].tally).toMatchObject({ satisfied: 1, unsatisfied: 1, total: 2 });
    // the failed vote's re-report is settled by the new round (it does not wait in the staff queue)
    expect((await w.t.db.selectFrom("votes").select(["result", "followup", "followup_done_at"]).where("id", "=", rounds[1].vote_id!).executeTakeFirstOrThrow())).toMatchObject({
      result: "not_passed",
      followup: "re_report",
      followup_done_at: expect.any(String),
    });
    // ballots after the close: refused
    expect(await castHandlingReportBallot(w.t.db, w.member.actor, { reportId: rounds[1].id, memberId: w.member.id, choice: "satisfied" })).toMatchObject({ ok: false });
    // round 2 passes
    const r2 = rounds[0];
    await submitHandlingReport(w.t.db, w.liaison.actor, { inquiryId: w.inquiryId, organizationId: w.gov, reportId: r2.id, version: r2.version, body: rich("重新报告"), files: [] });
    let cur = await latest();
    await openHandlingReportVote(w.t.db, w.staff.actor, { reportId: cur.id, version: cur.version });
    await castHandlingReportBallot(w.t.db, w.member.actor, { reportId: cur.id, memberId: w.member.id, choice: "basically_satisfied" });
    await castHandlingReportBallot(w.t.db, w.member2.actor, { reportId: cur.id, memberId: w.member2.id, choice: "satisfied" });
    cur = await latest();
    expect(await closeHandlingReportVote(w.t.db, w.staff.actor, { reportId: cur.id, version: cur.version, newDueDate: "" })).toMatchObject({ ok: true, outcome: "accepted" });
    expect((await latest()).status).toBe("accepted");
  });

  it("submitting with no round yet creates round 1 due three months after the meeting", async () => {
    expect(
      await submitHandlingReport(w.t.db, w.liaison.actor, { inquiryId: w.inquiryId, organizationId: w.gov, reportId: null, version: null, body: rich("报告"), files: [] }),
    ).toMatchObject({ ok: true });
    expect(await latest()).toMatchObject({ round: 1, due_date: "2020-12-22", status: "submitted" });
  });

  it("the due date moves only while pending; stale versions are refused", async () => {
    await setHandlingReportDueDate(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, dueDate: addDays(todayInShanghai(), 5), reportId: null, version: null });
    const r = await latest();
    expect(await setHandlingReportDueDate(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, dueDate: "2020-01-01", reportId: r.id, version: r.version })).toMatchObject({
      ok: false,
      field: "dueDate",
    });
    expect(await setHandlingReportDueDate(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, dueDate: addDays(todayInShanghai(), 9), reportId: r.id, version: r.version + 1 })).toMatchObject({
      ok: false,
      message: expect.stringContaining("已被他人修改"),
    });
    expect(await setHandlingReportDueDate(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, dueDate: addDays(todayInShanghai(), 9), reportId: r.id, version: r.version })).toMatchObject({ ok: true });
    const moved = await latest();
    await submitHandlingReport(w.t.db, w.liaison.actor, { inquiryId: w.inquiryId, organizationId: w.gov, reportId: moved.id, version: moved.version, body: rich("报告"), files: [] });
    const sub = await latest();
    expect(await setHandlingReportDueDate(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, dueDate: addDays(todayInShanghai(), 19), reportId: sub.id, version: sub.version })).toMatchObject({
      ok: false,
      message: expect.stringContaining("不能再调整"),
    });
    // accepting without a vote is possible, but not once a vote is open
    await openHandlingReportVote(w.t.db, w.staff.actor, { reportId: sub.id, version: sub.version });
    const voting = await latest();
    expect(await acceptHandlingReport(w.t.db, w.staff.actor, { reportId: voting.id, version: voting.version, note: "" })).toMatchObject({ ok: false });
  });

  it("attachments and policy: the government's liaison and staff read the report; other departments do not", async () => {
    await submitHandlingReport(w.t.db, w.liaison.actor, { inquiryId: w.inquiryId, organizationId: w.gov, reportId: null, version: null, body: rich("报告"), files: [evidence()] });
    const att = await w.t.db.selectFrom("attachments").selectAll().where("owner_type", "=", "handling_report").executeTakeFirstOrThrow();
    const owner = await attachmentOwner(w.t.db, att);
    expect(canReadAttachment(w.liaison, owner)).toBe(true);
    expect(canReadAttachment(w.deptA, owner)).toBe(false);
    expect(canReadAttachment({ ...w.member, memberInquiryIds: [w.inquiryId] }, owner)).toBe(true);
    expect(canReadAttachment({ ...w.member, memberInquiryIds: [] }, owner)).toBe(false);
    const liaison = { role: "department" as const, organizationKind: "government" as const };
    const dept = { role: "department" as const, organizationKind: "department" as const };
    expect(isGovernmentLiaison(liaison)).toBe(true);
    expect(canSubmitHandlingReport(liaison)).toBe(true);
    expect(canSubmitHandlingReport(dept)).toBe(false);
    expect(canReadHandlingReport(dept, w.inquiryId)).toBe(false);
    expect(canReadHandlingReport(liaison, w.inquiryId)).toBe(true);
    expect(canReadHandlingReport({ role: "member", organizationKind: null, memberInquiryIds: [w.inquiryId] }, w.inquiryId)).toBe(true);
    expect(canReadHandlingReport({ role: "member", organizationKind: null, memberInquiryIds: [] }, w.inquiryId)).toBe(false);
    expect(canVoteHandlingReport({ role: "member", memberInquiryIds: [w.inquiryId] }, w.inquiryId)).toBe(true);
    expect(canVoteHandlingReport({ role: "member", memberInquiryIds: [] }, w.inquiryId)).toBe(false);
    expect(canVoteHandlingReport({ role: "staff" }, w.inquiryId)).toBe(false);
  });
});
