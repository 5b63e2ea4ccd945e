import { sql } from "kysely";
import { Migrator } from "kysely";
import { copyFile, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { migrations } from "../../db/migrations/index";
import { migrateToLatest, openDatabase, type DB } from "../../db/client";
import { auditSince, createTestDb, ON_SQLITE, lastAuditId, makeUser, type TestDb, type TestUser } from "../test/db";
import { nowIso } from "../utils/time";
import { makeMeetingWorld, recordOne, snapshotAll, type MeetingWorld } from "./test-helpers";
import {
  castBallot,
  closedResult,
  closeVote,
  computeVoteResult,
  confirmTotals,
  DEFAULT_PASS_RULE,
  enterTotals,
  isCommitteeMemberTitle,
  listMemberVotes,
  myStanding,
  namedBallots,
  openVote,
  resolveFollowup,
  setAttendance,
  setInquiryVoteRule,
  totalsAwaitingConfirmation,
  voteRoll,
  votesReadyToClose,
  votesRequiringReReport,
  voteTurnout,
  type VoteCounts,
} from "./votes.server";

let t: TestDb;
let w: MeetingWorld;
let m1: TestUser;
let m2: TestUser;
let m3: TestUser;

beforeEach(async () => {
  t = await createTestDb();
  w = await makeMeetingWorld(t.db);
  m1 = await makeUser(t.db, { role: "member", displayName: "马爱国", title: "市人大常委会委员" });
  m2 = await makeUser(t.db, { role: "member", displayName: "赵朝阳", title: "市人大常委会委员" });
  m3 = await makeUser(t.db, { role: "member", displayName: "牛俊虎", title: "市人大常委会副主任" });
});
afterEach(async () => {
  vi.useRealTimers();
  await t.cleanup();
});

async function openOn(segmentId: number, opts: { secret?: boolean; method?: "online" | "entered"; db?: DB } = {}) {
  const r = await openVote(opts.db ?? t.db, w.staff.actor, { inquiryId: w.inquiryId, target: { type: "answer", segmentId }, secret: opts.secret ?? true, method: opts.method });
  if (!r.ok) throw new Error(r.message);
  return r.id;
}
const version = async (id: number, db: DB = t.db) => (await db.selectFrom("votes").select("version").where("id", "=", id).executeTakeFirstOrThrow()).version;
const counts = (s: number, b: number, u: number, a: number): VoteCounts => ({ satisfied: s, basically_satisfied: b, unsatisfied: u, abstain: a });

describe("the result computation (pure)", () => {
  it("default: 满意 + 基本满意 must be more than half of ALL eligible members", () => {
    const r = (c: VoteCounts, eligible: number, present = eligible) => computeVoteResult({ counts: c, eligible, present, rule: DEFAULT_PASS_RULE });
    expect(r(counts(3, 2, 0, 0), 9)).toMatchObject({ approval: 5, needed: 5, passed: true, followup: null });
    expect(r(counts(2, 2, 0, 0), 8)).toMatchObject({ approval: 4, needed: 5, passed: false, followup: "re_report" }); // exactly half
    // every voter satisfied, but the voters are not a majority of the members → not passed
    expect(r(counts(4, 0, 0, 0), 9, 4)).toMatchObject({ cast: 4, passed: false });
    expect(r(counts(0, 0, 0, 0), 0)).toMatchObject({ passed: false });
  });

  it("other rules the inquiry may set: against those present, against ballots cast, two thirds", () => {
    const c = counts(2, 1, 1, 0);
    expect(computeVoteResult({ counts: c, eligible: 9, present: 5, rule: { basis: "present", num: 1, den: 2 } })).toMatchObject({ basisCount: 5, needed: 3, passed: true });
    expect(computeVoteResult({ counts: c, eligible: 9, present: 5, rule: { basis: "cast", num: 2, den: 3 } })).toMatchObject({ basisCount: 4, needed: 3, passed: true });
    expect(computeVoteResult({ counts: c, eligible: 9, present: 5, rule: { basis: "eligible", num: 2, den: 3 } })).toMatchObject({ basisCount: 9, needed: 7, passed: false });
  });

  it("a committee member votes; an invited deputy attends", () => {
    expect(isCommitteeMemberTitle("市人大常委会委员")).toBe(true);
    expect(isCommitteeMemberTitle("市人大常委会副主任")).toBe(true);
    expect(isCommitteeMemberTitle("")).toBe(true);
    expect(isCommitteeMemberTitle("市人大代表")).toBe(false);
    expect(isCommitteeMemberTitle("全国人大代表、市人大常委会委员")).toBe(true);
  });
});

describe("opening a vote", () => {
  it("copies the roll (voting members and attending deputies), the four counters and the inquiry's rule", async () => {
    const deputy = await makeUser(t.db, { role: "member", displayName: "李代表", title: "市人大代表" });
    const s = await recordOne(t.db, w);
    const before = await lastAuditId(t.db);
    const id = await openOn(s);
    const roll = await voteRoll(t.db, id);
    expect(roll.map((r) => [r.name, r.voting, r.present, r.voted])).toEqual(
      expect.arrayContaining([
        ["马爱国", 1, 1, 0],
        ["李代表", 0, 1, 0],
      ]),
    );
    expect(roll.find((r) => r.user_id === deputy.id)?.voting).toBe(0);
    expect(await voteTurnout(t.db, id)).toEqual({ eligible: 3, present: 3, voted: 0 });
    expect(await t.db.selectFrom("vote_counts").select(["choice", "count"]).where("vote_id", "=", id).execute()).toHaveLength(4);
    expect(await t.db.selectFrom("votes").select(["pass_basis", "pass_num", "pass_den", "method", "version"]).where("id", "=", id).executeTakeFirstOrThrow()).toEqual({
      pass_basis: "eligible",
      pass_num: 1,
      pass_den: 2,
      method: "online",
      version: 1,
    });
    expect((await auditSince(t.db, before)).map((a) => a.action)).toEqual(["vote.open"]);
    // one open vote per target
    expect(await openVote(t.db, w.staff.actor, { inquiryId: w.inquiryId, target: { type: "answer", segmentId: s }, secret: true })).toMatchObject({ ok: false });
  });

  it("never mixes online ballots and entered totals for the same target", async () => {
    const s = await recordOne(t.db, w);
    const id = await openOn(s);
    await castBallot(t.db, m1.actor, { voteId: id, memberId: m1.id, choice: "satisfied" });
    expect(await closeVote(t.db, w.staff.actor, id, await version(id))).toMatchObject({ ok: true });
    const snap = await snapshotAll(t.db);
    expect(await openVote(t.db, w.staff.actor, { inquiryId: w.inquiryId, target: { type: "answer", segmentId: s }, secret: true, method: "entered" })).toMatchObject({
      ok: false,
      field: "method",
      message: "同一测评对象不能既网上投票又录入表决器或纸质表决结果",
    });
    expect(await snapshotAll(t.db)).toEqual(snap);
    // entered totals on an online vote: refused
    const again = await openOn(s);
    expect(await enterTotals(t.db, w.staff.actor, { voteId: again, version: 1, source: "paper", presentCount: 3, counts: counts(1, 0, 0, 0) })).toMatchObject({ ok: false });
    // both methods in one meeting, for different targets
    const other = await recordOne(t.db, w, { keyword: "教育扶贫", departmentId: w.education, responderOrganizationId: w.education });
    expect(await openOn(other, { method: "entered" })).toBeGreaterThan(0);
  });

  it("a later vote uses the rule the inquiry set; an open vote keeps the rule it opened with", async () => {
    const first = await openOn(await recordOne(t.db, w));
    expect(await setInquiryVoteRule(t.db, w.staff.actor, { inquiryId: w.inquiryId, version: null, rule: { basis: "present", num: 2, den: 3 } })).toMatchObject({ ok: true });
    // a stale rule form is refused
    expect(await setInquiryVoteRule(t.db, w.staff.actor, { inquiryId: w.inquiryId, version: null, rule: { basis: "cast", num: 1, den: 2 } })).toMatchObject({ ok: false });
    const second = await openOn(await recordOne(t.db, w, { keyword: "产业扶贫" }));
    const rows = await t.db.selectFrom("votes").select(["id", "pass_basis", "pass_num", "pass_den"]).where("id", "in", [first, second]).orderBy("id").execute();
    expect(rows.map((r) => [r.pass_basis, r.pass_num, r.pass_den])).toEqual([
      ["eligible", 1, 2],
      ["present", 2, 3],
    ]);
  });
});

describe("online ballots: bad input is refused and changes nothing", () => {
  it("a second ballot, a forged member id, a deputy, someone not on the roll, a non-member, a bad choice, after closing", async () => {
    const deputy = await makeUser(t.db, { role: "member", displayName: "李代表", title: "市人大代表" });
    const id = await openOn(await recordOne(t.db, w));
    const late = await makeUser(t.db, { role: "member", displayName: "后来者", title: "市人大常委会委员" });
    expect(await castBallot(t.db, m1.actor, { voteId: id, memberId: m1.id, choice: "satisfied" })).toMatchObject({ ok: true });
    const snap = await snapshotAll(t.db);
    const refused: [Parameters<typeof castBallot>[1], Parameters<typeof castBallot>[2], string][] = [
      [m1.actor, { voteId: id, memberId: m1.id, choice: "unsatisfied" }, "您已经投过票，每人只能投一次"],
      [m1.actor, { voteId: id, memberId: m2.id, choice: "unsatisfied" }, "只能以本人身份投票，不能代他人投票"],
      [deputy.actor, { voteId: id, memberId: deputy.id, choice: "satisfied" }, "您是列席人员，不参加本次表决"],
      [late.actor, { voteId: id, memberId: late.id, choice: "satisfied" }, "您不在本次测评的表决名单中"],
      [w.staff.actor, { voteId: id, memberId: w.staff.id, choice: "satisfied" }, "您不在本次测评的表决名单中"],
      [m2.actor, { voteId: id, memberId: m2.id, choice: "great" as never }, "请选择满意、基本满意、不满意或弃权"],
      [m2.actor, { voteId: 99999, memberId: m2.id, choice: "satisfied" }, "该测评不存在"],
    ];
    for (const [actor, input, message] of refused) expect(await castBallot(t.db, actor, input)).toMatchObject({ ok: false, message });
    expect(await snapshotAll(t.db)).toEqual(snap);
    expect(await closeVote(t.db, w.staff.actor, id, await version(id))).toMatchObject({ ok: true });
    const closed = await snapshotAll(t.db);
    expect(await castBallot(t.db, m2.actor, { voteId: id, memberId: m2.id, choice: "satisfied" })).toMatchObject({ ok: false, message: "该测评已经结束，不能再投票" });
    expect(await closeVote(t.db, w.staff.actor, id, await version(id))).toMatchObject({ ok: false });
    expect(await snapshotAll(t.db)).toEqual(closed);
  });

  it("thirty concurrent ballots of one member count once", async () => {
    const id = await openOn(await recordOne(t.db, w));
    const results = await Promise.all(Array.from({ length: 30 }, () => castBallot(t.db, m1.actor, { voteId: id, memberId: m1.id, choice: "satisfied" })));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(await voteTurnout(t.db, id)).toMatchObject({ voted: 1 });
    expect(await t.db.selectFrom("vote_counts").select("count").where("vote_id", "=", id).where("choice", "=", "satisfied").executeTakeFirstOrThrow()).toEqual({ count: 1 });
  });

  it("no tally before closing; the result is published against the roll when closed", async () => {
    const id = await openOn(await recordOne(t.db, w));
    await castBallot(t.db, m1.actor, { voteId: id, memberId: m1.id, choice: "satisfied" });
    await castBallot(t.db, m2.actor, { voteId: id, memberId: m2.id, choice: "basically_satisfied" });
    expect(await closedResult(t.db, id)).toBeUndefined();
    expect(await voteTurnout(t.db, id)).toEqual({ eligible: 3, present: 3, voted: 2 });
    expect(await myStanding(t.db, id, m1.id)).toEqual({ onRoll: true, voting: true, voted: true, choice: null });
    expect(await votesReadyToClose(t.db, { inquiryIds: [w.inquiryId] })).toEqual([]); // 牛俊虎 is present and has not voted
    // staff mark 牛俊虎 absent: everyone present has voted → ready to close
    const roll = await voteRoll(t.db, id);
    const snap = await snapshotAll(t.db);
    expect(await setAttendance(t.db, w.staff.actor, { voteId: id, version: 1, presentRollIds: [] })).toMatchObject({ ok: false, message: expect.stringContaining("已经投票，不能登记为缺席") });
    expect(await setAttendance(t.db, w.staff.actor, { voteId: id, version: 99, presentRollIds: [] })).toMatchObject({ ok: false, message: expect.stringContaining("已被他人更新") });
    expect(await snapshotAll(t.db)).toEqual(snap);
    const present = roll.filter((r) => r.name !== "牛俊虎").map((r) => r.id);
    expect(await setAttendance(t.db, w.staff.actor, { voteId: id, version: await version(id), presentRollIds: present })).toMatchObject({ ok: true });
    expect(await voteTurnout(t.db, id)).toEqual({ eligible: 3, present: 2, voted: 2 });
    expect((await votesReadyToClose(t.db, { inquiryIds: [w.inquiryId] })).map((v) => v.id)).toEqual([id]);
    // a stale close is refused
    expect(await closeVote(t.db, w.staff.actor, id, 1)).toMatchObject({ ok: false, message: expect.stringContaining("已被他人更新") });
    const closed = await closeVote(t.db, w.staff.actor, id, await version(id));
    expect(closed).toMatchObject({ ok: true, outcome: { eligible: 3, present: 2, cast: 2, approval: 2, needed: 2, passed: true } });
    expect(await closedResult(t.db, id)).toMatchObject({ result: "passed", followup: null, outcome: { counts: counts(1, 1, 0, 0) } });
    expect(await namedBallots(t.db, id)).toBeNull(); // secret
  });

  it("an open (记名) vote keeps who chose what, shown once closed", async () => {
    const id = await openOn(await recordOne(t.db, w), { secret: false });
    await castBallot(t.db, m1.actor, { voteId: id, memberId: m1.id, choice: "satisfied" });
    await castBallot(t.db, m2.actor, { voteId: id, memberId: m2.id, choice: "unsatisfied" });
    expect(await myStanding(t.db, id, m1.id)).toMatchObject({ voted: true, choice: "satisfied" });
    expect(await namedBallots(t.db, id)).toBeNull(); // not before closing
    await closeVote(t.db, w.staff.actor, id, await version(id));
    expect((await namedBallots(t.db, id))?.map((b) => [b.member_name, b.label])).toEqual([
      ["赵朝阳", "不满意"],
      ["马爱国", "满意"],
    ]);
  });

  it("a vote that does not pass asks for a re-report, listed until staff record it", async () => {
    const id = await openOn(await recordOne(t.db, w));
    await castBallot(t.db, m1.actor, { voteId: id, memberId: m1.id, choice: "satisfied" });
    await castBallot(t.db, m2.actor, { voteId: id, memberId: m2.id, choice: "unsatisfied" });
    await castBallot(t.db, m3.actor, { voteId: id, memberId: m3.id, choice: "abstain" });
    expect(await closeVote(t.db, w.staff.actor, id, await version(id))).toMatchObject({ ok: true, outcome: { passed: false, followup: "re_report" } });
    expect(await votesRequiringReReport(t.db, { inquiryIds: [w.inquiryId] })).toEqual([expect.objectContaining({ id, department_name: expect.stringContaining("市卫生健康委员会") })]);
    expect(await resolveFollowup(t.db, w.staff.actor, { voteId: id, version: await version(id), note: "" })).toMatchObject({ ok: false, field: "note" });
    expect(await resolveFollowup(t.db, w.staff.actor, { voteId: id, version: await version(id), note: "已于 12 月 1 日重新报告" })).toMatchObject({ ok: true });
    expect(await votesRequiringReReport(t.db, { inquiryIds: [w.inquiryId] })).toEqual([]);
  });
});

describe("entered totals (表决器 / paper)", () => {
  it("exceeding the roll or the present count, negatives, the same staff confirming: refused, nothing changed", async () => {
    const staff2 = await makeUser(t.db, { role: "staff" });
    const id = await openOn(await recordOne(t.db, w), { method: "entered" });
    const snap = await snapshotAll(t.db);
    const v = await version(id);
    const refused: [Parameters<typeof enterTotals>[2], string, string][] = [
      [{ voteId: id, version: v, source: "machine", presentCount: 4, counts: counts(1, 0, 0, 0) }, "presentCount", "实到人数（4）不能超过应到人数（3）"],
      [{ voteId: id, version: v, source: "machine", presentCount: 2, counts: counts(2, 1, 0, 0) }, "_form", "各项票数合计 3 票，超过实到人数 2 人，请核对"],
      [{ voteId: id, version: v, source: "machine", presentCount: 3, counts: counts(-1, 0, 0, 0) }, "satisfied", "满意票数应为不小于 0 的整数"],
      [{ voteId: id, version: v + 1, source: "machine", presentCount: 3, counts: counts(1, 0, 0, 0) }, "_form", "该测评已被他人更新，请刷新页面查看最新情况后再操作"],
    ];
    for (const [input, field, message] of refused) expect(await enterTotals(t.db, w.staff.actor, input)).toEqual({ ok: false, field, message });
    // members cannot cast ballots on an entered vote
    expect(await castBallot(t.db, m1.actor, { voteId: id, memberId: m1.id, choice: "satisfied" })).toMatchObject({ ok: false });
    expect(await closeVote(t.db, w.staff.actor, id, v)).toMatchObject({ ok: false, message: expect.stringContaining("尚未录入") });
    expect(await snapshotAll(t.db)).toEqual(snap);

    const before = await lastAuditId(t.db);
    expect(await enterTotals(t.db, w.staff.actor, { voteId: id, version: v, source: "paper", presentCount: 3, counts: counts(2, 0, 1, 0) })).toMatchObject({ ok: true });
    expect(await totalsAwaitingConfirmation(t.db, { inquiryIds: [w.inquiryId] })).toEqual([expect.objectContaining({ id, entered_by: w.staff.id })]);
    const pending = await snapshotAll(t.db);
    expect(await closeVote(t.db, w.staff.actor, id, await version(id))).toMatchObject({ ok: false, message: expect.stringContaining("尚未经另一名工作人员确认") });
    expect(await confirmTotals(t.db, w.staff.actor, { voteId: id, version: await version(id) })).toMatchObject({ ok: false, message: expect.stringContaining("录入人不能确认自己录入的结果") });
    expect(await snapshotAll(t.db)).toEqual(pending);
    expect(await confirmTotals(t.db, staff2.actor, { voteId: id, version: await version(id) })).toMatchObject({ ok: true });
    expect(await enterTotals(t.db, staff2.actor, { voteId: id, version: await version(id), source: "paper", presentCount: 3, counts: counts(3, 0, 0, 0) })).toMatchObject({
      ok: false,
      message: "录入的结果已经确认，不能再修改",
    });
    expect((await votesReadyToClose(t.db, { inquiryIds: [w.inquiryId] })).map((x) => x.id)).toEqual([id]);
    expect(await closeVote(t.db, staff2.actor, id, await version(id))).toMatchObject({ ok: true, outcome: { eligible: 3, present: 3, approval: 2, passed: true } });
    expect((await auditSince(t.db, before)).map((a) => [a.action, a.actor_id])).toEqual([
      ["vote.totals_enter", w.staff.id],
      ["vote.totals_confirm", staff2.id],
      ["vote.close", staff2.id],
    ]);
  });

  it("entered totals produce the same result computation as the same choices cast online", async () => {
    const staff2 = await makeUser(t.db, { role: "staff" });
    const choices = ["satisfied", "basically_satisfied", "unsatisfied"] as const;
    for (const [expectPass, picks] of [
      [true, choices],
      [false, ["satisfied", "unsatisfied", "abstain"] as const],
    ] as const) {
      const online = await openOn(await recordOne(t.db, w, { keyword: `网上${expectPass}` }));
      const members = [m1, m2, m3];
      for (let i = 0; i < picks.length; i++) await castBallot(t.db, members[i].actor, { voteId: online, memberId: members[i].id, choice: picks[i] });
      const entered = await openOn(await recordOne(t.db, w, { keyword: `录入${expectPass}` }), { method: "entered" });
      const tally = counts(0, 0, 0, 0);
      for (const p of picks) tally[p] += 1;
      await enterTotals(t.db, w.staff.actor, { voteId: entered, version: await version(entered), source: "machine", presentCount: 3, counts: tally });
      await confirmTotals(t.db, staff2.actor, { voteId: entered, version: await version(entered) });
      const a = await closeVote(t.db, w.staff.actor, online, await version(online));
      const b = await closeVote(t.db, w.staff.actor, entered, await version(entered));
      expect(a.ok && b.ok).toBe(true);
      expect(b.outcome).toEqual(a.outcome);
      expect(a.outcome?.passed).toBe(expectPass);
      const [ra, rb] = [await closedResult(t.db, online), await closedResult(t.db, entered)];
      expect(rb).toEqual(ra);
    }
  });
});

describe("a secret vote is secret in the database", () => {
  /** Every row of every table, SQLite's own bookkeeping (sqlite_sequence) included, in storage order. */
  async function dumpEverything(db: DB) {
    const { rows: tables } = await sql<{ name: string }>`select name from sqlite_master where type = 'table' order by name`.execute(db);
    const dump: Record<string, unknown[]> = {};
    for (const { name } of tables) {
      try {
        dump[name] = (await sql<Record<string, unknown>>`select rowid as __rowid, * from ${sql.table(name)} order by rowid`.execute(db)).rows;
      } catch {
        dump[name] = (await sql<Record<string, unknown>>`select * from ${sql.table(name)}`.execute(db)).rows;
      }
    }
    return dump;
  }

  /**
   * Two copies of one database with an open vote; in copy A 马爱国 votes 满意 and 赵朝阳 不满意, in copy B the other
   * way round, at the same clock times. If nothing stored can tell the two assignments apart, the database
   * (every table, every row id) and its backup file are identical.
   */
  async function twoWorlds(secret: boolean) {
    const id = await openOn(await recordOne(t.db, w), { secret });
    await sql`pragma wal_checkpoint(TRUNCATE)`.execute(t.db);
    const dir = await mkdtemp(join(tmpdir(), "xunwen-secret-"));
    const paths = [join(dir, "a.db"), join(dir, "b.db")];
    for (const p of paths) await copyFile(t.path, p);
    const [a, b] = paths.map((p) => openDatabase(p));
    try {
      const assignments = [
        ["satisfied", "unsatisfied"],
        ["unsatisfied", "satisfied"],
      ] as const;
      const dumps = [];
      const backups = [];
      for (const [i, db] of [a, b].entries()) {
        vi.useFakeTimers({ toFake: ["Date"], now: new Date("2026-11-29T02:00:00Z") });
        expect(await castBallot(db, m1.actor, { voteId: id, memberId: m1.id, choice: assignments[i][0] })).toMatchObject({ ok: true });
        vi.setSystemTime(new Date("2026-11-29T02:00:07Z"));
        expect(await castBallot(db, m2.actor, { voteId: id, memberId: m2.id, choice: assignments[i][1] })).toMatchObject({ ok: true });
        vi.useRealTimers();
        dumps.push(await dumpEverything(db));
        const backup = join(dir, `backup-${i}.db`);
        await sql`vacuum into ${backup}`.execute(db);
        backups.push(await readFile(backup));
      }
      return { id, dumps, backups, a, b };
    } finally {
      await a.destroy();
      await b.destroy();
      await rm(dir, { recursive: true, force: true });
    }
  }

  // SQLite only: compares storage (row ids, sqlite_sequence, the backup file's bytes) of two file copies
  it.skipIf(!ON_SQLITE)("after two members vote differently, nothing in any table (or a backup) tells who chose what", async () => {
    const { dumps, backups, id } = await twoWorlds(true);
    // the votes were counted…
    expect(dumps[0].vote_counts.filter((r: any) => r.vote_id === id).map((r: any) => [r.choice, r.count])).toEqual(
      expect.arrayContaining([
        ["satisfied", 1],
        ["unsatisfied", 1],
      ]),
    );
    expect(dumps[0].vote_roll.filter((r: any) => r.vote_id === id && r.voted === 1)).toHaveLength(2);
    // …and the two opposite assignments left exactly the same database: no query can attribute a choice
    expect(dumps[1]).toEqual(dumps[0]);
    expect(Buffer.compare(backups[0], backups[1])).toBe(0);
    expect(dumps[0].vote_ballots.filter((r: any) => r.vote_id === id)).toEqual([]);
  });

  it.skipIf(!ON_SQLITE)("the same comparison tells the assignments apart for an open (记名) vote (the check can fail)", async () => {
    const { dumps, backups } = await twoWorlds(false);
    expect(dumps[1]).not.toEqual(dumps[0]);
    expect(Buffer.compare(backups[0], backups[1])).not.toBe(0);
  });

  it("the audit log of a secret ballot says that a member took part, never the choice", async () => {
    const id = await openOn(await recordOne(t.db, w));
    const before = await lastAuditId(t.db);
    await castBallot(t.db, m1.actor, { voteId: id, memberId: m1.id, choice: "unsatisfied" });
    const audit = await auditSince(t.db, before);
    expect(audit.map((a) => a.action)).toEqual(["vote.ballot_cast"]);
    expect(JSON.stringify(audit)).not.toMatch(/satisfied|abstain|"choice"|：(满意|基本满意|不满意|弃权)/);
  });

  it("migration 0009 folds existing secret ballots into counters and deletes them; open ballots stay", async () => {
    const dir = await mkdtemp(join(tmpdir(), "xunwen-m0009-"));
    const db = openDatabase(join(dir, "old.db"));
    try {
      const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
      const to = await migrator.migrateTo("0008_performance");
      if (to.error) throw to.error;
      const now = nowIso();
      // accounts as the schema of 0008 held them (today's createUser also writes the roster of migration 0020
      // and the initial-password mark of 0040)
      const oldAccount = async (name: string, role: "member" | "staff") => {
        const { rows } = await sql<{ id: number }>`insert into users (username, display_name, role, title, password_hash, password_changed_at, created_at, updated_at)
          values (${`m${name.charCodeAt(0)}`}, ${name}, ${role}, '市人大常委会委员', 'x', ${now}, ${now}, ${now}) returning id`.execute(db);
        return { id: rows[0].id, actor: { id: rows[0].id, label: name, ip: "" } };
      };
      const oldMember = (name: string) => oldAccount(name, "member");
      const oldStaff = await oldAccount("丙", "staff");
      const oldOrganization = async (name: string, kind: string) =>
        (await sql<{ id: number }>`insert into organizations (name, kind, created_at, updated_at) values (${name}, ${kind}, ${now}, ${now}) returning id`.execute(db)).rows[0].id;
      const old = await makeMeetingWorld(db, {}, {
        staff: { ...oldStaff, username: "m19977", displayName: "丙", role: "staff", organizationId: null, password: "x" },
        government: await oldOrganization("市政府", "government"),
        health: await oldOrganization("市卫生健康委员会", "department"),
        education: await oldOrganization("市教育局", "department"),
      });
      const a = await oldMember("甲");
      const b = await oldMember("乙");
      const vote = async (secret: number) =>
        (
          await sql<{ id: number }>`insert into votes (inquiry_id, target_type, department_id, title, secret, status, opened_at)
            values (${old.inquiryId}, 'department', ${old.health}, '旧测评', ${secret}, 'open', ${now}) returning id`.execute(db)
        ).rows[0].id;
      const secretVote = await vote(1);
      const openVoteId = await vote(0);
      for (const v of [secretVote, openVoteId]) {
        await sql`insert into vote_ballots (vote_id, member_id, choice, cast_at, updated_at) values (${v}, ${a.id}, 'satisfied', ${now}, ${now}), (${v}, ${b.id}, 'unsatisfied', ${now}, ${now})`.execute(db);
      }
      await migrateToLatest(db);
      expect(await db.selectFrom("vote_ballots").select(["vote_id", "member_id", "choice"]).orderBy("member_id").execute()).toEqual([
        { vote_id: openVoteId, member_id: a.id, choice: "satisfied" },
        { vote_id: openVoteId, member_id: b.id, choice: "unsatisfied" },
      ]);
      const c = await db.selectFrom("vote_counts").select(["choice", "count"]).where("vote_id", "=", secretVote).execute();
      expect(Object.fromEntries(c.map((r) => [r.choice, r.count]))).toEqual({ satisfied: 1, basically_satisfied: 0, unsatisfied: 1, abstain: 0 });
      expect(await voteTurnout(db, secretVote)).toEqual({ eligible: 2, present: 2, voted: 2 });
      // and the old vote goes on: a second ballot is refused, closing computes the result
      expect(await castBallot(db, a.actor, { voteId: secretVote, memberId: a.id, choice: "abstain" })).toMatchObject({ ok: false });
      expect(await closeVote(db, old.staff.actor, secretVote)).toMatchObject({ ok: true, outcome: { approval: 1, needed: 2, passed: false } });
      // member pages read the roll
      expect((await listMemberVotes(db, a.id, [old.inquiryId])).find((v) => v.id === secretVote)).toMatchObject({ voted: true, choice: null });
    } finally {
      await db.destroy();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
