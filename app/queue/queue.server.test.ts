import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sql } from "kysely";
import type { CurrentUser } from "../auth/session.server";
import { proposeCorrection } from "../meeting/corrections.server";
import { castBallot, closeVote, confirmTotals, enterTotals, openVote, resolveFollowup } from "../meeting/votes.server";
import { acceptProposal, createProposal } from "../outline/proposals.server";
import { markPreparationAnswerRead } from "../outline/preparation-answers.server";
import { canManageThisInquiry } from "../policy.server";
import { makeExchange, makeItem, makeWorld, evidence, rich, type World } from "../rectification/fixtures.test-helpers";
import { submitHandlingReport } from "../rectification/handling-report.server";
import { addDays } from "../utils/time";
import { addProgressReport, requestClosure, staffActOnItem } from "../rectification/progress.server";
import { decideExtension, requestExtension } from "../rectification/extensions.server";
import { actOnDelegation, createSurveyRequest } from "../surveys/surveys.server";
import { makeOrganization, makeUser, type TestUser } from "../test/db";
import { todayInShanghai, nowIso } from "../utils/time";
import { listQueue, queueCount, QUEUE_KINDS, type QueueKind } from "./queue.server";
import { completeStep, recordStep } from "../followup/accountability.server";

const COMMITTEE = "市人大常委会农业农村工作委员会";

function asUser(u: TestUser, organizationName: string | null): Pick<CurrentUser, "role" | "id" | "organizationName"> {
  return { role: u.role, id: u.id, organizationName };
}

function ok(r: { ok: boolean; message?: string; id?: number }): number {
  if (!r.ok) throw new Error(`expected ok: ${r.message}`);
  return r.id!;
}

let w: World;
let manager: TestUser; // staff of the organising committee (did not register the inquiry)
let outsider: TestUser; // staff of another committee
let admin: TestUser;
let county: TestUser;

beforeEach(async () => {
  w = await makeWorld({ members: true });
  const committee = await makeOrganization(w.t.db, { name: COMMITTEE, kind: "congress_office" });
  const other = await makeOrganization(w.t.db, { name: "市人大常委会教科文卫工作委员会", kind: "congress_office" });
  manager = await makeUser(w.t.db, { role: "staff", organizationId: committee });
  outsider = await makeUser(w.t.db, { role: "staff", organizationId: other });
  admin = await makeUser(w.t.db, { role: "admin" });
  county = await makeUser(w.t.db, { role: "county", organizationId: w.county });
  await w.t.db.updateTable("inquiries").set({ organizing_body: COMMITTEE }).where("id", "=", w.inquiryId).execute();
});
afterEach(async () => {
  await w.cleanup();
});

const me = () => asUser(manager, COMMITTEE);
const them = () => asUser(outsider, "市人大常委会教科文卫工作委员会");

async function rowsOf(user: Pick<CurrentUser, "role" | "id" | "organizationName">, kind?: QueueKind) {
  return (await listQueue(w.t.db, user, { kind }, { page: 1, pageSize: 50 })).rows;
}

async function notificationsOf(userId: number, kind: string) {
  return w.t.db.selectFrom("notifications").selectAll().where("user_id", "=", userId).where("kind", "=", kind).execute();
}

/** Puts one record of every kind into the queue, through the domain functions where they exist. */
async function fillEveryKind() {
  const db = w.t.db;
  // survey report submitted
  ok(await createSurveyRequest(db, w.staff.actor, w.inquiryId, { title: "脱贫攻坚调研", dueDate: addDays(todayInShanghai(), 20), brief: rich("请调研"), organizationIds: [w.county] }, []));
  const delegation = await db.selectFrom("survey_delegations").select(["id", "version"]).executeTakeFirstOrThrow();
  ok(await actOnDelegation(db, county.actor, { id: delegation.id, version: delegation.version, action: "submit", report: rich("温县调研报告") }));
  // a written preparation answer submitted (the outline's rows written directly)
  const now = nowIso();
  const kw = await db.insertInto("outline_keywords").values({ inquiry_id: w.inquiryId, keyword: "健康扶贫", position: 1, created_at: now, updated_at: now }).returning("id").executeTakeFirstOrThrow();
  const q = await db
    .insertInto("outline_questions")
    .values({ inquiry_id: w.inquiryId, keyword_id: kw.id, text: "如何防止因病返贫？", department_id: w.orgA, position: 1, created_at: now, updated_at: now })
    .returning("id")
    .executeTakeFirstOrThrow();
  await db
    .insertInto("preparation_answers")
    .values({ question_id: q.id, inquiry_id: w.inquiryId, department_id: w.orgA, answer_text: "书面准备答复", status: "submitted", submitted_at: now, created_at: now, updated_at: now })
    .execute();
  // a member's proposal
  ok(await createProposal(db, w.member.actor, { inquiryId: w.inquiryId, memberId: w.member.id, text: "建议询问医保报销比例", departmentId: w.orgA, keyword: "健康扶贫", sourceNote: "" }));
  // the meeting: a correction proposed within the window, a vote every member has cast
  const segment = await makeExchange(w);
  // one meeting date, held on the inquiry (the database copies it to the meeting)
  await db.updateTable("inquiries").set({ meeting_date: todayInShanghai() }).where("id", "=", w.inquiryId).execute();
  await db.updateTable("meetings").set({ correction_days: 7 }).where("inquiry_id", "=", w.inquiryId).execute();
  const answerTurn = await db.selectFrom("meeting_turns").select("id").where("segment_id", "=", segment).where("kind", "=", "answer").executeTakeFirstOrThrow();
  ok(await proposeCorrection(db, w.deptA.actor, { turnId: answerTurn.id, organizationId: w.orgA, proposed: rich("更正后的答复"), reason: "口误" }));
  const vote = ok(await openVote(db, w.staff.actor, { inquiryId: w.inquiryId, target: { type: "answer", segmentId: segment }, secret: true }));
  ok(await castBallot(db, w.member.actor, { voteId: vote, memberId: w.member.id, choice: "satisfied" }));
  ok(await castBallot(db, w.member2.actor, { voteId: vote, memberId: w.member2.id, choice: "basically_satisfied" }));
  // 表决器 totals entered, waiting for a second staff account's confirmation
  const machine = ok(await openVote(db, w.staff.actor, { inquiryId: w.inquiryId, target: { type: "department", departmentId: w.orgA }, secret: true, method: "entered" }));
  const machineVersion = (await db.selectFrom("votes").select("version").where("id", "=", machine).executeTakeFirstOrThrow()).version;
  ok(await enterTotals(db, w.staff.actor, { voteId: machine, version: machineVersion, source: "machine", presentCount: 2, counts: { satisfied: 1, basically_satisfied: 1, unsatisfied: 0, abstain: 0 } }));
  // a vote that did not pass: the department must rectify and report again
  const failed = ok(await openVote(db, w.staff.actor, { inquiryId: w.inquiryId, target: { type: "department", departmentId: w.orgB }, secret: true }));
  ok(await castBallot(db, w.member.actor, { voteId: failed, memberId: w.member.id, choice: "unsatisfied" }));
  ok(await closeVote(db, w.staff.actor, failed));
  // the committee's next step after it (约谈), pending until carried out
  const step = ok(
    await recordStep(db, w.staff.actor, {
      inquiryId: w.inquiryId,
      trigger: { type: "vote", id: failed },
      kind: "interview",
      stepDate: todayInShanghai(),
      decision: "约谈市教育局主要负责人",
      organizationId: w.orgB,
      itemId: null,
      publish: false,
    }),
  );
  // rectification: an extension request and a closure request
  const itemX = await makeItem(w);
  ok(await requestExtension(db, w.deptA.actor, { itemId: itemX, organizationId: w.orgA, requestedDeadline: addDays(todayInShanghai(), 120), reason: "资金未到位" }));
  const itemC = await makeItem(w, { problem: "村卫生室建设滞后" });
  ok(await addProgressReport(db, w.deptA.actor, { itemId: itemC, organizationId: w.orgA, body: rich("已建成"), files: [evidence()] }));
  const version = (await db.selectFrom("rectification_items").select("version").where("id", "=", itemC).executeTakeFirstOrThrow()).version;
  ok(await requestClosure(db, w.deptA.actor, { itemId: itemC, version, organizationId: w.orgA, body: rich("整改完成"), files: [] }));
  // the government's handling report
  ok(await submitHandlingReport(db, w.liaison.actor, { inquiryId: w.inquiryId, organizationId: w.gov, reportId: null, version: null, body: rich("研究处理情况报告"), files: [] }));
  // the items moved the inquiry on to 整改督办, which overtakes preparation answers: for this set-up, every kind
  // waiting at once, put it back before its meeting
  await db.updateTable("inquiries").set({ stage: "outline", meeting_date: addDays(todayInShanghai(), 10) }).where("id", "=", w.inquiryId).execute();
  return { delegation: delegation.id, vote, machine, failed, itemX, itemC, segment, step };
}

describe("the staff queue (待我办理)", () => {
  it("lists one row of every kind for staff who manage the inquiry, oldest first, each with its decision page", async () => {
    const made = await fillEveryKind();
    const rows = await rowsOf(me());
    expect(rows.map((r) => r.kind).sort()).toEqual([...QUEUE_KINDS].sort());
    // oldest first
    expect(rows.map((r) => r.since)).toEqual([...rows.map((r) => r.since)].sort());
    for (const r of rows) {
      expect(r.inquiryId).toBe(w.inquiryId);
      expect(r.inquiryTitle).toBe("测试专题询问");
      expect(r.daysWaiting).toBe(0);
    }
    const by = Object.fromEntries(rows.map((r) => [r.kind, r]));
    expect(by.survey_report).toMatchObject({ href: `/surveys/${made.delegation}`, organization: "温县人大常委会", title: "脱贫攻坚调研" });
    expect(by.extension).toMatchObject({ href: `/rectification/${made.itemX}`, organization: "市卫生健康委员会" });
    expect(by.closure).toMatchObject({ href: `/rectification/${made.itemC}`, organization: "市卫生健康委员会" });
    expect(by.vote.href).toBe(`/votes/${made.vote}`);
    expect(by.vote_totals).toMatchObject({ href: `/votes/${made.machine}`, organization: "市卫生健康委员会" });
    expect(by.re_report).toMatchObject({ href: `/votes/${made.failed}`, organization: "市教育局" });
    expect(by.correction.href).toBe(`/inquiries/${w.inquiryId}/meeting/departments/${w.orgA}#corrections`);
    expect(by.handling_report).toMatchObject({ href: `/inquiries/${w.inquiryId}/handling-report`, organization: "市政府" });
    expect(by.preparation_answer.href).toMatch(new RegExp(`^/inquiries/${w.inquiryId}/outline/questions/\\d+$`));
    expect(by.proposal.href).toBe(`/inquiries/${w.inquiryId}/outline#proposals`);
    expect(by.accountability).toMatchObject({ href: `/inquiries/${w.inquiryId}/accountability#step-${made.step}`, organization: "市教育局" });
    expect(await queueCount(w.t.db, me())).toBe(QUEUE_KINDS.length);
    // the registering account and an administrator manage it as well
    expect(await queueCount(w.t.db, asUser(w.staff, null))).toBe(QUEUE_KINDS.length);
    expect(await queueCount(w.t.db, asUser(admin, null))).toBe(QUEUE_KINDS.length);
  });

  it("shows none of it to staff of another committee, nor to other roles", async () => {
    await fillEveryKind();
    expect(await rowsOf(them())).toEqual([]);
    expect(await queueCount(w.t.db, them())).toBe(0);
    for (const kind of QUEUE_KINDS) expect(await rowsOf(them(), kind), kind).toEqual([]);
    expect(await queueCount(w.t.db, asUser(w.deptA, "市卫生健康委员会"))).toBe(0);
    expect(await queueCount(w.t.db, asUser(w.member, null))).toBe(0);
    const inquiry = await w.t.db.selectFrom("inquiries").select(["organizing_body", "created_by"]).where("id", "=", w.inquiryId).executeTakeFirstOrThrow();
    expect(canManageThisInquiry(them(), inquiry)).toBe(false);
    expect(canManageThisInquiry(me(), inquiry)).toBe(true);
  });

  it("filters by kind and by inquiry, pages, and counts every kind", async () => {
    await fillEveryKind();
    for (const kind of QUEUE_KINDS) {
      const rows = await rowsOf(me(), kind);
      expect(rows.map((r) => r.kind), kind).toEqual([kind]);
    }
    const page1 = await listQueue(w.t.db, me(), {}, { page: 1, pageSize: 3 });
    const page3 = await listQueue(w.t.db, me(), {}, { page: 3, pageSize: 3 });
    expect(page1.total).toBe(QUEUE_KINDS.length);
    expect(page1.rows).toHaveLength(3);
    expect(page3.rows).toHaveLength(Math.min(3, QUEUE_KINDS.length - 6));
    expect(page1.byKind.every((k) => k.count === 1)).toBe(true);
    expect(page1.inquiries).toEqual([{ id: w.inquiryId, title: "测试专题询问", count: QUEUE_KINDS.length }]);
    expect((await listQueue(w.t.db, me(), { inquiryId: w.inquiryId + 999 }, { page: 1, pageSize: 10 })).total).toBe(0);
  });

  it("a row leaves the queue when its decision is made", async () => {
    const made = await fillEveryKind();
    const db = w.t.db;
    const delegation = await db.selectFrom("survey_delegations").select(["id", "version"]).where("id", "=", made.delegation).executeTakeFirstOrThrow();
    ok(await actOnDelegation(db, manager.actor, { id: delegation.id, version: delegation.version, action: "accept" }));
    const ext = await db.selectFrom("deadline_extensions").select("id").where("item_id", "=", made.itemX).executeTakeFirstOrThrow();
    ok(await decideExtension(db, manager.actor, { extensionId: ext.id, decision: "approve", note: "" }));
    const version = (await db.selectFrom("rectification_items").select("version").where("id", "=", made.itemC).executeTakeFirstOrThrow()).version;
    ok(await staffActOnItem(db, manager.actor, { itemId: made.itemC, version, confirmed: true, action: "close", comment: "" }));
    ok(await closeVote(db, manager.actor, made.vote));
    // the totals are confirmed by another staff account (then the vote is ready, and is closed); the re-report is recorded
    const machineVersion = (await db.selectFrom("votes").select("version").where("id", "=", made.machine).executeTakeFirstOrThrow()).version;
    ok(await confirmTotals(db, manager.actor, { voteId: made.machine, version: machineVersion }));
    expect((await rowsOf(me(), "vote")).map((r) => r.recordId)).toEqual([made.machine]);
    ok(await closeVote(db, manager.actor, made.machine));
    ok(await resolveFollowup(db, manager.actor, { voteId: made.failed, note: "已于次月重新报告" }));
    ok(await completeStep(db, manager.actor, { id: made.step, version: 1, outcome: "已约谈" }));
    const left = (await rowsOf(me())).map((r) => r.kind).sort();
    expect(left).toEqual(["correction", "handling_report", "preparation_answer", "proposal"]);
    // the preparation answer is overtaken by the meeting: its date passed, or the inquiry reached it
    await db.updateTable("inquiries").set({ meeting_date: addDays(todayInShanghai(), -1) }).where("id", "=", w.inquiryId).execute();
    expect(await rowsOf(me(), "preparation_answer")).toEqual([]);
    await db.updateTable("inquiries").set({ meeting_date: todayInShanghai() }).where("id", "=", w.inquiryId).execute();
    expect(await rowsOf(me(), "preparation_answer")).toHaveLength(1);
    await db.updateTable("inquiries").set({ stage: "meeting" }).where("id", "=", w.inquiryId).execute();
    expect(await rowsOf(me(), "preparation_answer")).toEqual([]);
  });

  it("a vote is ready to close when every member has voted, or it was opened on an earlier day", async () => {
    const segment = await makeExchange(w);
    const vote = ok(await openVote(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, target: { type: "answer", segmentId: segment }, secret: true }));
    expect(await rowsOf(me(), "vote")).toEqual([]);
    ok(await castBallot(w.t.db, w.member.actor, { voteId: vote, memberId: w.member.id, choice: "satisfied" }));
    expect(await rowsOf(me(), "vote")).toEqual([]); // one of two members, opened today
    await sql`update votes set opened_at = '2020-09-22T02:00:00.000Z' where id = ${vote}`.execute(w.t.db);
    const [row] = await rowsOf(me(), "vote");
    expect(row).toMatchObject({ kind: "vote", recordId: vote });
    expect(row.daysWaiting).toBeGreaterThan(2000);
  });
});

describe("notifications to the staff who manage the inquiry", () => {
  it("every queue event notifies the managing staff once, and nobody else on the staff", async () => {
    await fillEveryKind();
    const kinds = ["survey_submitted", "proposal_created", "correction_proposed", "vote_ready", "vote_totals", "vote_re_report", "extension_requested", "closure_requested", "handling_report_submitted"];
    for (const kind of kinds) {
      expect(await notificationsOf(manager.id, kind), kind).toHaveLength(1);
      expect(await notificationsOf(w.staff.id, kind), kind).toHaveLength(1); // the registering account
      expect(await notificationsOf(outsider.id, kind), kind).toHaveLength(0);
      expect(await notificationsOf(admin.id, kind), kind).toHaveLength(0);
    }
    const [survey] = await notificationsOf(manager.id, "survey_submitted");
    expect(survey.link).toMatch(/^\/surveys\/\d+$/);
    expect(survey.title).toContain("温县人大常委会");
  });

  it("a member's second ballot is refused and does not notify again", async () => {
    const made = await fillEveryKind();
    expect(await castBallot(w.t.db, w.member.actor, { voteId: made.vote, memberId: w.member.id, choice: "unsatisfied" })).toMatchObject({ ok: false });
    expect(await notificationsOf(manager.id, "vote_ready")).toHaveLength(1);
  });

  it("a proposal taken into the outline leaves the queue", async () => {
    await fillEveryKind();
    const p = await w.t.db.selectFrom("outline_proposals").select("id").executeTakeFirstOrThrow();
    const kw = await w.t.db.selectFrom("outline_keywords").select("id").executeTakeFirstOrThrow();
    const revision = (await w.t.db.selectFrom("inquiries").select("outline_revision").where("id", "=", w.inquiryId).executeTakeFirstOrThrow()).outline_revision;
    ok(await acceptProposal(w.t.db, manager.actor, { inquiryId: w.inquiryId, revision, proposalId: p.id, keywordId: kw.id, departmentId: w.orgA, text: "医保报销比例如何提高？" }));
    expect(await rowsOf(me(), "proposal")).toEqual([]);
  });
});

describe("preparation answers to read", () => {
  it("marking an answer read takes it out of the queue (audited); a stale version is refused", async () => {
    await fillEveryKind();
    const a = await w.t.db.selectFrom("preparation_answers").select(["id", "question_id", "version"]).executeTakeFirstOrThrow();
    expect(await markPreparationAnswerRead(w.t.db, manager.actor, { questionId: a.question_id, version: a.version + 1 })).toMatchObject({ ok: false });
    expect(await rowsOf(me(), "preparation_answer")).toHaveLength(1);
    expect(await markPreparationAnswerRead(w.t.db, manager.actor, { questionId: a.question_id, version: a.version })).toMatchObject({ ok: true });
    expect(await rowsOf(me(), "preparation_answer")).toEqual([]);
    const audit = await w.t.db.selectFrom("audit_log").select("action").where("entity_type", "=", "preparation_answer").execute();
    expect(audit.map((r) => r.action)).toContain("outline.answer_read");
    // the department updates it: new to the staff again
    await w.t.db.updateTable("preparation_answers").set({ read_at: null, read_by: null, version: a.version + 1 }).where("id", "=", a.id).execute();
    expect(await rowsOf(me(), "preparation_answer")).toHaveLength(1);
  });
});
