import { forUpdate, lockRow, writeTransaction } from "../../db/transactions";
import { rollFromRoster, type RollSourceEntry } from "../roster/roster.server";
import { sql, type Kysely, type Transaction } from "kysely";
import type { Database, PassBasis, VoteChoice, VoteMethod } from "../../db/schema";
import { requireApprovedPlan } from "../inquiries/plan-gate.server";
import * as staffEvents from "../queue/events.server";
import { recordAudit, type Actor } from "../audit.server";
import { nowIso, shanghaiDayStartIso, todayInShanghai } from "../utils/time";
import { describeRule, VOTE_CHOICES, VOTE_CHOICE_LABELS, VOTE_METHOD_LABELS, VOTE_TARGET_LABELS } from "./labels";
import type { Result } from "../utils/result";

export { describeRule };

/**
 * 满意度测评 (issue 14; docs/decisions/0060-secret-votes-and-voting-roll.md). A vote is taken on a target — an
 * answer (a meeting segment), a department, or the government's handling report (研究处理情况报告, used by the
 * rectification stage through these same functions) — against a voting roll copied when the vote opens.
 *
 * - Two methods per vote, never mixed for one target: `online` (each eligible member casts one ballot in the
 *   app) or `entered` (staff enter the 表决器 / paper totals; a second staff account confirms them).
 * - Secret (无记名) means secret in the database: casting marks the roll row "has voted" and increments the
 *   choice's counter in the same transaction; no ballot row, id, timestamp or order links the two. Open (记名)
 *   votes also keep a named ballot row.
 * - Nobody sees counts before the vote closes (staff see turnout only); closing computes the result once, with
 *   computeVoteResult(), for both methods, against the roll and the rule the inquiry set (copied at opening).
 *   A vote that does not pass records the follow-up it triggers: the department must rectify and report again.
 *
 * Every function accepts a Kysely instance or a transaction: called inside the caller's transaction it joins it,
 * otherwise it opens its own. Every state change writes its audit entry in that transaction.
 */

type DB = Kysely<Database>;
type Trx = Transaction<Database>;

export type VoteTarget =
  | { type: "answer"; segmentId: number }
  | { type: "department"; departmentId: number }
  | { type: "handling_report"; handlingReportId: number };

export const CHOICES: VoteChoice[] = VOTE_CHOICES.map((c) => c.value);

const CONFLICT = "该测评已被他人更新，请刷新页面查看最新情况后再操作";

function inTransaction<T>(db: DB | Trx, fn: (trx: Trx) => Promise<T>): Promise<T> {
  return writeTransaction(db as DB, fn);
}

const fail = (field: string, message: string) => ({ ok: false as const, field, message });

// ---------------------------------------------------------------------------------------------------------
// The result: one computation for online ballots and entered totals
// ---------------------------------------------------------------------------------------------------------

/**
 * The pass rule: 满意 + 基本满意 must be MORE than num/den of the basis. Default (地方监督条例 as usually written,
 * e.g. 《××市人民代表大会常务委员会专题询问办法》): over half of all eligible members (组成人员, not invited
 * deputies) → passed; otherwise the department must rectify and report again.
 */
export interface PassRule {
  basis: PassBasis;
  num: number;
  den: number;
}
export const DEFAULT_PASS_RULE: PassRule = { basis: "eligible", num: 1, den: 2 };

export type VoteCounts = Record<VoteChoice, number>;

export interface VoteOutcome {
  /** eligible voters on the roll (组成人员) */
  eligible: number;
  /** of them, present */
  present: number;
  /** ballots cast (sum of the counts) */
  cast: number;
  counts: VoteCounts;
  /** 满意 + 基本满意 */
  approval: number;
  /** the number the rule counts against (eligible, present or cast, per the rule) */
  basisCount: number;
  /** the smallest approval that passes: floor(basisCount × num / den) + 1 */
  needed: number;
  passed: boolean;
  /** what a vote that did not pass triggers: the department rectifies and reports again */
  followup: "re_report" | null;
}

/**
 * The result of a closed vote, the same for online ballots and entered totals (the callers only collect the
 * counts and the roll figures). Pure: counts in, outcome out.
 */
export function computeVoteResult(input: { counts: VoteCounts; eligible: number; present: number; rule: PassRule }): VoteOutcome {
  const counts = { ...input.counts };
  const cast = CHOICES.reduce((s, c) => s + counts[c], 0);
  const approval = counts.satisfied + counts.basically_satisfied;
  const basisCount = input.rule.basis === "eligible" ? input.eligible : input.rule.basis === "present" ? input.present : cast;
  const needed = Math.floor((basisCount * input.rule.num) / input.rule.den) + 1;
  const passed = basisCount > 0 && approval >= needed;
  return { eligible: input.eligible, present: input.present, cast, counts, approval, basisCount, needed, passed, followup: passed ? null : "re_report" };
}

// ---------------------------------------------------------------------------------------------------------
// The inquiry's rule
// ---------------------------------------------------------------------------------------------------------

/** The pass rule an inquiry set (the default when it set none), with the version to edit it against. */
export async function inquiryVoteRule(db: DB | Trx, inquiryId: number): Promise<PassRule & { version: number | null }> {
  const row = await db.selectFrom("inquiry_vote_rules").select(["basis", "num", "den", "version"]).where("inquiry_id", "=", inquiryId).executeTakeFirst();
  return row ? { basis: row.basis, num: row.num, den: row.den, version: row.version } : { ...DEFAULT_PASS_RULE, version: null };
}

/** Staff set the inquiry's pass rule; votes opened later copy it (open and closed votes keep theirs). */
export async function setInquiryVoteRule(db: DB | Trx, actor: Actor, input: { inquiryId: number; rule: PassRule; version: number | null }): Promise<Result> {
  const { basis, num, den } = input.rule;
  if (!["eligible", "present", "cast"].includes(basis)) return fail("basis", "请选择计算基数");
  if (!Number.isInteger(num) || !Number.isInteger(den) || num < 1 || den < 2 || num >= den || den > 10) return fail("ratio", "通过比例应为小于 1 的分数，如二分之一、三分之二");
  return inTransaction(db, async (trx) => {
    // the rule's row may not exist yet: its parent, the inquiry, is the lock (decision 0175)
    await lockRow(trx, "inquiries", input.inquiryId);
    const inquiry = await trx.selectFrom("inquiries").select(["id", "title"]).where("id", "=", input.inquiryId).executeTakeFirst();
    if (!inquiry) return fail("_form", "该专题询问不存在");
    const current = await inquiryVoteRule(trx, input.inquiryId);
    if (current.version !== input.version) return fail("_form", "测评规则已被他人修改，请刷新页面后再操作");
    const now = nowIso();
    if (current.version === null) {
      await trx.insertInto("inquiry_vote_rules").values({ inquiry_id: input.inquiryId, basis, num, den, version: 1, updated_by: actor.id, updated_at: now }).execute();
    } else {
      await trx
        .updateTable("inquiry_vote_rules")
        .set({ basis, num, den, version: current.version + 1, updated_by: actor.id, updated_at: now })
        .where("inquiry_id", "=", input.inquiryId)
        .execute();
    }
    await recordAudit(trx, actor, {
      action: "vote.rule",
      entityType: "inquiry",
      entityId: input.inquiryId,
      summary: `「${inquiry.title}」满意度测评规则：${describeRule(input.rule)}`,
      before: { basis: current.basis, num: current.num, den: current.den },
      after: { basis, num, den },
    });
    return { ok: true, id: input.inquiryId };
  });
}

// ---------------------------------------------------------------------------------------------------------
// The roll
// ---------------------------------------------------------------------------------------------------------

// The roll comes from the roster (组成人员名册, app/roster/roster.server.ts): the one list of who votes.
export { isCommitteeMemberTitle, rollFromRoster, type RollSourceEntry } from "../roster/roster.server";

// ---------------------------------------------------------------------------------------------------------
// Opening
// ---------------------------------------------------------------------------------------------------------

function targetColumns(target: VoteTarget) {
  return {
    target_type: target.type,
    segment_id: target.type === "answer" ? target.segmentId : null,
    department_id: target.type === "department" ? target.departmentId : null,
    handling_report_id: target.type === "handling_report" ? target.handlingReportId : null,
  };
}

/** Checks that the target belongs to the inquiry and returns a default title for the vote. */
async function describeTarget(trx: Trx, inquiryId: number, target: VoteTarget): Promise<{ ok: true; title: string } | { ok: false; message: string }> {
  if (target.type === "answer") {
    const s = await trx
      .selectFrom("meeting_segments as s")
      .leftJoin("organizations as o", "o.id", "s.department_id")
      .select(["s.inquiry_id", "s.kind", "s.keyword", "s.questioner_name", "o.name as department_name"])
      .where("s.id", "=", target.segmentId)
      .executeTakeFirst();
    if (!s || s.inquiry_id !== inquiryId || s.kind !== "exchange") return { ok: false, message: "只能对本次询问会中的问答开展测评" };
    return { ok: true, title: `对${s.department_name ?? ""}就${s.keyword ? `“${s.keyword}”` : `${s.questioner_name}的询问`}所作答复的满意度测评` };
  }
  if (target.type === "department") {
    const o = await trx.selectFrom("organizations").select(["name", "kind"]).where("id", "=", target.departmentId).executeTakeFirst();
    if (!o || (o.kind !== "government" && o.kind !== "department")) return { ok: false, message: "只能对应询部门开展测评" };
    return { ok: true, title: `对${o.name}应询情况的满意度测评` };
  }
  const r = await trx.selectFrom("handling_reports").select(["inquiry_id", "round"]).where("id", "=", target.handlingReportId).executeTakeFirst();
  if (!r || r.inquiry_id !== inquiryId) return { ok: false, message: "该研究处理情况报告不属于本次询问" };
  return { ok: true, title: `对研究处理情况报告（第 ${r.round} 次）的满意度测评` };
}

function sameTarget<Q extends { where: (...args: any[]) => Q }>(q: Q, cols: ReturnType<typeof targetColumns>): Q {
  let r = q.where("target_type", "=", cols.target_type);
  if (cols.segment_id !== null) r = r.where("segment_id", "=", cols.segment_id);
  if (cols.department_id !== null) r = r.where("department_id", "=", cols.department_id);
  if (cols.handling_report_id !== null) r = r.where("handling_report_id", "=", cols.handling_report_id);
  return r;
}

/**
 * Opens a vote on a target: copies the voting roll and the inquiry's pass rule, creates the four counters.
 * Only one open vote per target at a time, and one method per target (a target voted online is never also
 * given entered totals, and the other way round). `title` may be empty (a default is made).
 */
export async function openVote(
  db: DB | Trx,
  actor: Actor,
  input: { inquiryId: number; target: VoteTarget; title?: string; secret: boolean; method?: VoteMethod; roll?: RollSourceEntry[] },
): Promise<Result> {
  const method: VoteMethod = input.method ?? "online";
  if (method !== "online" && method !== "entered") return fail("method", "请选择表决方式");
  return inTransaction(db, async (trx): Promise<Result> => {
    // "one open vote per target" is decided on the inquiry's votes: the inquiry is the lock (decision 0175)
    await lockRow(trx, "inquiries", input.inquiryId);
    const inquiry = await trx.selectFrom("inquiries").select(["id", "title"]).where("id", "=", input.inquiryId).executeTakeFirst();
    if (!inquiry) return fail("_form", "该专题询问不存在");
    const gate = await requireApprovedPlan(trx, input.inquiryId, "vote");
    if (!gate.ok) return gate;
    const described = await describeTarget(trx, input.inquiryId, input.target);
    if (!described.ok) return fail("_form", described.message);
    const cols = targetColumns(input.target);
    const earlier = await sameTarget(trx.selectFrom("votes").select(["id", "status", "method"]).where("inquiry_id", "=", input.inquiryId), cols).execute();
    if (earlier.some((v) => v.status === "open")) return fail("_form", "该对象已有一项正在进行的测评，请先结束它");
    if (earlier.some((v) => v.method !== method)) return fail("method", "同一测评对象不能既网上投票又录入表决器或纸质表决结果");
    const title = (input.title ?? "").trim() || described.title;
    if (title.length > 200) return fail("title", "测评名称不能超过 200 个字");
    const roll = input.roll ?? (await rollFromRoster(trx));
    if (!roll.some((r) => r.voting)) return fail("_form", "表决名单中没有可以表决的组成人员，不能发起测评");
    const rule = await inquiryVoteRule(trx, input.inquiryId);
    const row = await trx
      .insertInto("votes")
      .values({
        inquiry_id: input.inquiryId,
        ...cols,
        title,
        secret: input.secret ? 1 : 0,
        status: "open",
        opened_by: actor.id,
        opened_at: nowIso(),
        method,
        pass_basis: rule.basis,
        pass_num: rule.num,
        pass_den: rule.den,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    // all four counters at once, in a fixed order: no row tells which choice was made first
    await trx
      .insertInto("vote_counts")
      .values(CHOICES.map((choice) => ({ vote_id: row.id, choice, count: 0 })))
      .execute();
    await trx
      .insertInto("vote_roll")
      .values(roll.map((r, i) => ({ vote_id: row.id, position: i + 1, name: r.name, title: r.title, voting: r.voting ? 1 : 0, user_id: r.userId, present: 1, voted: 0 })))
      .execute();
    const eligible = roll.filter((r) => r.voting).length;
    await recordAudit(trx, actor, {
      action: "vote.open",
      entityType: "vote",
      entityId: row.id,
      summary: `发起满意度测评「${title}」（${VOTE_TARGET_LABELS[input.target.type]}，${input.secret ? "无记名" : "记名"}，${VOTE_METHOD_LABELS[method]}，应到 ${eligible} 人；${describeRule(rule)}）`,
      after: { ...cols, title, secret: input.secret, method, eligible, rule: { basis: rule.basis, num: rule.num, den: rule.den } },
    });
    return { ok: true, id: row.id };
  });
}

// ---------------------------------------------------------------------------------------------------------
// Online ballots
// ---------------------------------------------------------------------------------------------------------

/**
 * A member's one ballot (never changed afterwards: a secret ballot could not be found again to change it).
 * `memberId` must be the acting account (a forged member id is refused). In one transaction: the roll row
 * becomes "has voted" (and present), the choice's counter goes up, and — for an open (记名) vote only — a named
 * ballot row is kept.
 */
export async function castBallot(db: DB | Trx, actor: Actor, input: { voteId: number; memberId: number; choice: VoteChoice }): Promise<Result> {
  if (!CHOICES.includes(input.choice)) return fail("choice", "请选择满意、基本满意、不满意或弃权");
  if (actor.id === null || actor.id !== input.memberId) return fail("_form", "只能以本人身份投票，不能代他人投票");
  return inTransaction(db, async (trx): Promise<Result> => {
    // locked, so the vote cannot close between this check and the count (decision 0175)
    const vote = await trx.selectFrom("votes").selectAll().where("id", "=", input.voteId).$call(forUpdate(trx)).executeTakeFirst();
    if (!vote) return fail("_form", "该测评不存在");
    if (vote.status !== "open") return fail("_form", "该测评已经结束，不能再投票");
    if (vote.method !== "online") return fail("_form", "本项测评使用表决器或纸质表决，请在会场表决");
    const entry = await trx.selectFrom("vote_roll").select(["id", "voting", "voted"]).where("vote_id", "=", vote.id).where("user_id", "=", input.memberId).executeTakeFirst();
    if (!entry) return fail("_form", "您不在本次测评的表决名单中");
    if (!entry.voting) return fail("_form", "您是列席人员，不参加本次表决");
    if (entry.voted) return fail("_form", "您已经投过票，每人只能投一次");
    // the guard makes two concurrent ballots of one member count once
    const marked = await trx.updateTable("vote_roll").set({ voted: 1, present: 1 }).where("id", "=", entry.id).where("voted", "=", 0).executeTakeFirst();
    if (Number(marked.numUpdatedRows) !== 1) return fail("_form", "您已经投过票，每人只能投一次");
    await trx
      .updateTable("vote_counts")
      .set((eb) => ({ count: eb("count", "+", 1) }))
      .where("vote_id", "=", vote.id)
      .where("choice", "=", input.choice)
      .execute();
    const secret = vote.secret === 1;
    if (!secret) {
      const now = nowIso();
      await trx.insertInto("vote_ballots").values({ vote_id: vote.id, member_id: input.memberId, choice: input.choice, cast_at: now, updated_at: now }).execute();
    }
    await recordAudit(trx, actor, {
      action: "vote.ballot_cast",
      entityType: "vote",
      entityId: vote.id,
      summary: secret ? `参加满意度测评「${vote.title}」（无记名，不记录选择）` : `参加满意度测评「${vote.title}」：${VOTE_CHOICE_LABELS[input.choice]}`,
      after: secret ? { voted: true } : { choice: input.choice },
    });
    await staffEvents.voteMaybeReady(trx, vote.id);
    return { ok: true, id: vote.id };
  });
}

// ---------------------------------------------------------------------------------------------------------
// Staff: attendance, entered totals and their confirmation, closing, follow-up
// ---------------------------------------------------------------------------------------------------------

async function openVoteForStaff(trx: Trx, voteId: number, version: number | undefined) {
  // locked before its version and status are checked (decision 0175)
  const vote = await trx.selectFrom("votes").selectAll().where("id", "=", voteId).$call(forUpdate(trx)).executeTakeFirst();
  if (!vote) return { ok: false as const, field: "_form", message: "该测评不存在" };
  if (version !== undefined && vote.version !== version) return { ok: false as const, field: "_form", message: CONFLICT };
  if (vote.status !== "open") return { ok: false as const, field: "_form", message: "该测评已经结束" };
  return { ok: true as const, vote };
}

async function bumpVersion(trx: Trx, vote: { id: number; version: number }) {
  const r = await trx.updateTable("votes").set({ version: vote.version + 1 }).where("id", "=", vote.id).where("version", "=", vote.version).executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) throw new Error("vote version moved inside a transaction");
}

/** Staff mark who is present (实到); the ids are roll rows of the vote. A member who has voted stays present. */
export async function setAttendance(db: DB | Trx, actor: Actor, input: { voteId: number; version: number; presentRollIds: number[] }): Promise<Result> {
  return inTransaction(db, async (trx): Promise<Result> => {
    const found = await openVoteForStaff(trx, input.voteId, input.version);
    if (!found.ok) return found;
    const roll = await trx.selectFrom("vote_roll").select(["id", "name", "present", "voted"]).where("vote_id", "=", input.voteId).execute();
    const ids = new Set(roll.map((r) => r.id));
    if (input.presentRollIds.some((id) => !ids.has(id))) return fail("present", "出席名单中有不属于本次测评的人员，请刷新页面后重试");
    const wanted = new Set(input.presentRollIds);
    const votedAbsent = roll.find((r) => r.voted && !wanted.has(r.id));
    if (votedAbsent) return fail("present", `${votedAbsent.name}已经投票，不能登记为缺席`);
    const changed = roll.filter((r) => (r.present === 1) !== wanted.has(r.id));
    for (const r of changed) await trx.updateTable("vote_roll").set({ present: wanted.has(r.id) ? 1 : 0 }).where("id", "=", r.id).execute();
    await bumpVersion(trx, found.vote);
    await recordAudit(trx, actor, {
      action: "vote.attendance",
      entityType: "vote",
      entityId: input.voteId,
      summary: `登记满意度测评「${found.vote.title}」出席情况：${changed.length ? changed.map((r) => `${r.name}${wanted.has(r.id) ? "出席" : "缺席"}`).join("、") : "无变化"}`,
      before: Object.fromEntries(changed.map((r) => [r.name, r.present === 1])),
      after: Object.fromEntries(changed.map((r) => [r.name, wanted.has(r.id)])),
    });
    return { ok: true, id: input.voteId };
  });
}

async function rollFigures(db: DB | Trx, voteId: number) {
  const row = await db
    .selectFrom("vote_roll")
    .select([
      sql<number>`coalesce(sum(voting), 0)`.as("eligible"),
      sql<number>`coalesce(sum(case when voting = 1 and present = 1 then 1 else 0 end), 0)`.as("present"),
      sql<number>`coalesce(sum(case when voting = 1 and voted = 1 then 1 else 0 end), 0)`.as("voted"),
      sql<number>`count(*)`.as("listed"),
    ])
    .where("vote_id", "=", voteId)
    .executeTakeFirstOrThrow();
  return { eligible: Number(row.eligible), present: Number(row.present), voted: Number(row.voted), listed: Number(row.listed) };
}

export interface TotalsInput {
  voteId: number;
  version: number;
  source: "machine" | "paper";
  presentCount: number;
  counts: VoteCounts;
}

/**
 * Staff enter the totals read from the 表决器 or counted from paper (replacing an unconfirmed earlier entry).
 * They count only once a different staff account confirms them (confirmTotals). Refused: a vote voted online,
 * negative or fractional numbers, more present than eligible, more votes than present.
 */
export async function enterTotals(db: DB | Trx, actor: Actor, input: TotalsInput): Promise<Result> {
  if (input.source !== "machine" && input.source !== "paper") return fail("source", "请选择表决器或纸质表决");
  for (const c of CHOICES) {
    const n = input.counts[c];
    if (!Number.isInteger(n) || n < 0) return fail(c, `${VOTE_CHOICE_LABELS[c]}票数应为不小于 0 的整数`);
  }
  if (!Number.isInteger(input.presentCount) || input.presentCount < 0) return fail("presentCount", "实到人数应为不小于 0 的整数");
  if (actor.id === null) return fail("_form", "请先登录");
  return inTransaction(db, async (trx): Promise<Result> => {
    const found = await openVoteForStaff(trx, input.voteId, input.version);
    if (!found.ok) return found;
    const vote = found.vote;
    if (vote.method !== "entered") return fail("_form", "本项测评为网上投票，不能录入表决器或纸质表决结果");
    const entry = await trx.selectFrom("vote_entries").selectAll().where("vote_id", "=", vote.id).executeTakeFirst();
    if (entry?.confirmed_at) return fail("_form", "录入的结果已经确认，不能再修改");
    const { eligible } = await rollFigures(trx, vote.id);
    if (input.presentCount > eligible) return fail("presentCount", `实到人数（${input.presentCount}）不能超过应到人数（${eligible}）`);
    const sum = CHOICES.reduce((s, c) => s + input.counts[c], 0);
    if (sum > input.presentCount) return fail("_form", `各项票数合计 ${sum} 票，超过实到人数 ${input.presentCount} 人，请核对`);
    const values = { source: input.source, ...input.counts, present_count: input.presentCount, entered_by: actor.id!, entered_at: nowIso() };
    if (entry) await trx.updateTable("vote_entries").set(values).where("id", "=", entry.id).execute();
    else await trx.insertInto("vote_entries").values({ vote_id: vote.id, ...values }).execute();
    await bumpVersion(trx, vote);
    const sourceLabel = input.source === "machine" ? "表决器" : "纸质表决";
    await recordAudit(trx, actor, {
      action: "vote.totals_enter",
      entityType: "vote",
      entityId: vote.id,
      summary: `录入满意度测评「${vote.title}」${sourceLabel}结果（待另一名工作人员确认）：实到 ${input.presentCount} 人，${CHOICES.map((c) => `${VOTE_CHOICE_LABELS[c]} ${input.counts[c]}`).join("，")}`,
      before: entry ? { present_count: entry.present_count, ...Object.fromEntries(CHOICES.map((c) => [c, entry[c]])) } : undefined,
      after: { source: input.source, present_count: input.presentCount, ...input.counts },
    });
    await staffEvents.voteTotalsEntered(trx, vote.id, values.entered_at);
    return { ok: true, id: vote.id };
  });
}

/** A second staff account (not the one who entered them) confirms the entered totals; then they count. */
export async function confirmTotals(db: DB | Trx, actor: Actor, input: { voteId: number; version: number }): Promise<Result> {
  return inTransaction(db, async (trx): Promise<Result> => {
    const found = await openVoteForStaff(trx, input.voteId, input.version);
    if (!found.ok) return found;
    const vote = found.vote;
    const entry = await trx.selectFrom("vote_entries").selectAll().where("vote_id", "=", vote.id).executeTakeFirst();
    if (!entry) return fail("_form", "尚未录入表决结果");
    if (entry.confirmed_at) return fail("_form", "录入的结果已经确认");
    if (entry.entered_by === actor.id) return fail("_form", "录入人不能确认自己录入的结果，请由另一名工作人员核对确认");
    await trx.updateTable("vote_entries").set({ confirmed_by: actor.id, confirmed_at: nowIso() }).where("id", "=", entry.id).execute();
    for (const c of CHOICES) await trx.updateTable("vote_counts").set({ count: entry[c] }).where("vote_id", "=", vote.id).where("choice", "=", c).execute();
    await bumpVersion(trx, vote);
    await recordAudit(trx, actor, {
      action: "vote.totals_confirm",
      entityType: "vote",
      entityId: vote.id,
      summary: `确认满意度测评「${vote.title}」录入的表决结果`,
      after: { present_count: entry.present_count, ...Object.fromEntries(CHOICES.map((c) => [c, entry[c]])) },
    });
    await staffEvents.voteMaybeReady(trx, vote.id);
    return { ok: true, id: vote.id };
  });
}

async function countsOf(db: DB | Trx, voteId: number): Promise<VoteCounts> {
  const rows = await db.selectFrom("vote_counts").select(["choice", "count"]).where("vote_id", "=", voteId).execute();
  const counts = Object.fromEntries(CHOICES.map((c) => [c, 0])) as VoteCounts;
  for (const r of rows) counts[r.choice] = Number(r.count);
  return counts;
}

/** The figures a result is computed from, whichever way the vote was taken. */
async function resultInputs(db: DB | Trx, vote: { id: number; method: VoteMethod; pass_basis: PassBasis; pass_num: number; pass_den: number }) {
  const figures = await rollFigures(db, vote.id);
  let present = figures.present;
  if (vote.method === "entered") {
    const entry = await db.selectFrom("vote_entries").select(["present_count", "confirmed_at"]).where("vote_id", "=", vote.id).executeTakeFirst();
    present = entry?.confirmed_at ? entry.present_count : 0;
  }
  return { counts: await countsOf(db, vote.id), eligible: figures.eligible, present, rule: { basis: vote.pass_basis, num: vote.pass_num, den: vote.pass_den } };
}

/**
 * The outcome the vote would have if it closed now. Only for the closing transaction (closeVote, and the
 * handling report, which must know it to ask for a new due date): never shown while the vote is open.
 */
export async function outcomeIfClosedNow(db: DB | Trx, voteId: number): Promise<VoteOutcome | undefined> {
  const vote = await db.selectFrom("votes").selectAll().where("id", "=", voteId).executeTakeFirst();
  return vote ? computeVoteResult(await resultInputs(db, vote)) : undefined;
}

/**
 * Ends a vote and computes its result (computeVoteResult) against the roll; a vote that does not pass records
 * its follow-up (re_report) for the staff queue. An entered vote closes only once its totals are confirmed;
 * an online vote needs at least one ballot. `version` guards against a stale page (omit only when the caller
 * checked its own record's version, as the handling report does).
 */
export async function closeVote(db: DB | Trx, actor: Actor, voteId: number, version?: number): Promise<Result & { outcome?: VoteOutcome }> {
  return inTransaction(db, async (trx) => {
    const found = await openVoteForStaff(trx, voteId, version);
    if (!found.ok) return found;
    const vote = found.vote;
    if (vote.method === "entered") {
      const entry = await trx.selectFrom("vote_entries").select("confirmed_at").where("vote_id", "=", voteId).executeTakeFirst();
      if (!entry) return fail("_form", "尚未录入表决器或纸质表决结果，不能结束测评");
      if (!entry.confirmed_at) return fail("_form", "录入的表决结果尚未经另一名工作人员确认，不能结束测评");
    } else if ((await rollFigures(trx, voteId)).voted === 0) {
      return fail("_form", "尚无委员投票，不能结束测评");
    }
    const outcome = (await outcomeIfClosedNow(trx, voteId))!;
    const now = nowIso();
    await trx
      .updateTable("votes")
      .set({ status: "closed", closed_at: now, closed_by: actor.id, result: outcome.passed ? "passed" : "not_passed", followup: outcome.followup, version: vote.version + 1 })
      .where("id", "=", voteId)
      .execute();
    await recordAudit(trx, actor, {
      action: "vote.close",
      entityType: "vote",
      entityId: voteId,
      summary:
        `结束满意度测评「${vote.title}」：应到 ${outcome.eligible} 人，实到 ${outcome.present} 人，${CHOICES.map((c) => `${VOTE_CHOICE_LABELS[c]} ${outcome.counts[c]}`).join("，")}；` +
        (outcome.passed ? "通过" : "未通过，应询部门须整改并重新报告"),
      before: { status: "open" },
      after: { status: "closed", ...outcome },
    });
    if (outcome.followup === "re_report") await staffEvents.voteNeedsReReport(trx, voteId);
    return { ok: true, id: voteId, outcome };
  });
}

/**
 * Staff record that the follow-up of a failed vote has been taken care of (the department reported again, or
 * the handling report's new round was created); the vote then leaves the queue.
 */
export async function resolveFollowup(db: DB | Trx, actor: Actor, input: { voteId: number; version?: number; note: string }): Promise<Result> {
  const note = input.note.trim();
  if (!note) return fail("note", "请填写办理情况，如“已于某日重新报告”");
  if (note.length > 500) return fail("note", "办理情况不能超过 500 个字");
  return inTransaction(db, async (trx): Promise<Result> => {
    const vote = await trx.selectFrom("votes").selectAll().where("id", "=", input.voteId).$call(forUpdate(trx)).executeTakeFirst();
    if (!vote) return fail("_form", "该测评不存在");
    if (input.version !== undefined && vote.version !== input.version) return fail("_form", CONFLICT);
    if (vote.followup !== "re_report" || vote.followup_done_at) return fail("_form", "该测评没有待办理的重新报告要求");
    await trx
      .updateTable("votes")
      .set({ followup_done_at: nowIso(), followup_done_by: actor.id, followup_note: note, version: vote.version + 1 })
      .where("id", "=", vote.id)
      .execute();
    await recordAudit(trx, actor, {
      action: "vote.followup_done",
      entityType: "vote",
      entityId: vote.id,
      summary: `满意度测评「${vote.title}」未通过后的重新报告已办理：${note}`,
      after: { note },
    });
    return { ok: true, id: vote.id };
  });
}

// ---------------------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------------------

export async function getVote(db: DB | Trx, voteId: number) {
  return db
    .selectFrom("votes as v")
    .innerJoin("inquiries as i", "i.id", "v.inquiry_id")
    .selectAll("v")
    .select("i.title as inquiry_title")
    .where("v.id", "=", voteId)
    .executeTakeFirst();
}

/** What a ballot names: the department, the official who answered (or attended for it) and the keyword. */
export async function voteSubject(db: DB | Trx, vote: { target_type: VoteTarget["type"]; segment_id: number | null; department_id: number | null; inquiry_id: number }) {
  if (vote.target_type === "answer" && vote.segment_id !== null) {
    const s = await db
      .selectFrom("meeting_segments as s")
      .leftJoin("organizations as o", "o.id", "s.department_id")
      .select(["s.keyword", "s.headline", "s.questioner_name", "s.questioner_role", "o.name as department"])
      .where("s.id", "=", vote.segment_id)
      .executeTakeFirst();
    const answer = await db
      .selectFrom("meeting_turns")
      .select(["speaker_name", "speaker_title"])
      .where("segment_id", "=", vote.segment_id)
      .where("kind", "=", "answer")
      .orderBy("position")
      .executeTakeFirst();
    return {
      department: s?.department ?? "",
      official: answer ? `${answer.speaker_title}${answer.speaker_name}` : "",
      keyword: s?.keyword ?? "",
      question: s ? `${s.questioner_role}${s.questioner_name}询问${s.headline ? `：${s.headline}` : ""}` : "",
    };
  }
  if (vote.target_type === "department" && vote.department_id !== null) {
    const o = await db.selectFrom("organizations").select("name").where("id", "=", vote.department_id).executeTakeFirst();
    const officials = await db
      .selectFrom("meeting_officials as mo")
      .innerJoin("meetings as m", "m.id", "mo.meeting_id")
      .select(["mo.name", "mo.title"])
      .where("m.inquiry_id", "=", vote.inquiry_id)
      .where("mo.organization_id", "=", vote.department_id)
      .orderBy("mo.position")
      .execute();
    const keywords = await db
      .selectFrom("meeting_segments")
      .select("keyword")
      .distinct()
      .where("inquiry_id", "=", vote.inquiry_id)
      .where("department_id", "=", vote.department_id)
      .where("kind", "=", "exchange")
      .where("keyword", "!=", "")
      .execute();
    return { department: o?.name ?? "", official: officials.map((x) => `${x.title}${x.name}`).join("、"), keyword: keywords.map((k) => k.keyword).join("、"), question: "" };
  }
  return { department: "人民政府", official: "", keyword: "研究处理情况报告", question: "" };
}

export interface Turnout {
  eligible: number;
  present: number;
  voted: number;
}

/** Turnout only (应到 / 实到 / 已投): what staff see while a vote is open. Never the counts. */
export async function voteTurnout(db: DB | Trx, voteId: number): Promise<Turnout> {
  const f = await rollFigures(db, voteId);
  return { eligible: f.eligible, present: f.present, voted: f.voted };
}

export interface ClosedResult {
  outcome: VoteOutcome;
  rule: PassRule;
  ruleText: string;
  /** null for a vote closed before the voting roll existed (migration 0009): counts only */
  result: "passed" | "not_passed" | null;
  followup: "re_report" | null;
  followupDone: { at: string; note: string } | null;
}

/**
 * The published result: only once the vote is closed (undefined while open, so no page can show a running
 * tally). Recomputed from the stored counts and roll with the vote's own rule.
 */
export async function closedResult(db: DB | Trx, voteId: number): Promise<ClosedResult | undefined> {
  const vote = await db.selectFrom("votes").selectAll().where("id", "=", voteId).executeTakeFirst();
  if (!vote || vote.status !== "closed") return undefined;
  const inputs = await resultInputs(db, vote);
  return {
    outcome: computeVoteResult(inputs),
    rule: inputs.rule,
    ruleText: describeRule(inputs.rule),
    result: vote.result,
    followup: vote.followup,
    followupDone: vote.followup_done_at ? { at: vote.followup_done_at, note: vote.followup_note } : null,
  };
}

/** Who chose what, for a closed open (记名) vote only; null for a secret vote (nothing is stored to show). */
export async function namedBallots(db: DB | Trx, voteId: number) {
  const vote = await db.selectFrom("votes").select(["secret", "status"]).where("id", "=", voteId).executeTakeFirst();
  if (!vote || vote.secret === 1 || vote.status !== "closed") return null;
  const rows = await db
    .selectFrom("vote_ballots as b")
    .innerJoin("users as u", "u.id", "b.member_id")
    .select(["u.display_name", "b.choice"])
    .where("b.vote_id", "=", voteId)
    .orderBy("u.display_name")
    .execute();
  return rows.map((b) => ({ member_name: b.display_name, choice: b.choice, label: VOTE_CHOICE_LABELS[b.choice] }));
}

/** The roll of a vote, for staff: names, voting or attending, present, has voted (never a choice). */
export async function voteRoll(db: DB | Trx, voteId: number) {
  return db.selectFrom("vote_roll").select(["id", "name", "title", "voting", "user_id", "present", "voted"]).where("vote_id", "=", voteId).orderBy("position").execute();
}

/** The entered totals of a vote (for staff), with who entered and who confirmed them. */
export async function voteEntry(db: DB | Trx, voteId: number) {
  return db
    .selectFrom("vote_entries as e")
    .innerJoin("users as a", "a.id", "e.entered_by")
    .leftJoin("users as c", "c.id", "e.confirmed_by")
    .selectAll("e")
    .select(["a.display_name as entered_by_name", "c.display_name as confirmed_by_name"])
    .where("e.vote_id", "=", voteId)
    .executeTakeFirst();
}

/** A member's own standing in a vote: on the roll, voting, has voted; their choice only for an open (记名) vote. */
export async function myStanding(db: DB | Trx, voteId: number, userId: number) {
  const entry = await db.selectFrom("vote_roll").select(["voting", "voted"]).where("vote_id", "=", voteId).where("user_id", "=", userId).executeTakeFirst();
  const ballot = await db.selectFrom("vote_ballots").select("choice").where("vote_id", "=", voteId).where("member_id", "=", userId).executeTakeFirst();
  return { onRoll: !!entry, voting: entry?.voting === 1, voted: entry?.voted === 1, choice: ballot?.choice ?? null };
}

/** The votes of an inquiry (optionally of one target type), newest first, with turnout (never counts while open). */
export async function listInquiryVotes(db: DB | Trx, inquiryId: number, targetType?: VoteTarget["type"]) {
  let q = db
    .selectFrom("votes as v")
    .select([
      "v.id",
      "v.title",
      "v.target_type",
      "v.segment_id",
      "v.department_id",
      "v.handling_report_id",
      "v.secret",
      "v.status",
      "v.method",
      "v.result",
      "v.followup",
      "v.followup_done_at",
      "v.version",
      "v.opened_at",
      "v.closed_at",
    ])
    .select((eb) => [
      eb.selectFrom("vote_roll as r").select(sql<number>`coalesce(sum(r.voting), 0)`.as("n")).whereRef("r.vote_id", "=", "v.id").as("eligible"),
      eb.selectFrom("vote_roll as r").select(sql<number>`coalesce(sum(case when r.voting = 1 and r.voted = 1 then 1 else 0 end), 0)`.as("n")).whereRef("r.vote_id", "=", "v.id").as("voted"),
    ])
    .where("v.inquiry_id", "=", inquiryId)
    .orderBy("v.id", "desc");
  if (targetType) q = q.where("v.target_type", "=", targetType);
  return (await q.execute()).map((v) => ({ ...v, eligible: Number(v.eligible ?? 0), voted: Number(v.voted ?? 0) }));
}

/** For a member's phone: open votes first, then recently closed ones, each with whether the member has voted. */
export async function listMemberVotes(db: DB | Trx, memberId: number, inquiryIds: readonly number[], limit = 30) {
  // only the votes of the inquiries the member takes part in (policy: readableInquiries)
  if (inquiryIds.length === 0) return [];
  const rows = await db
    .selectFrom("votes as v")
    .innerJoin("inquiries as i", "i.id", "v.inquiry_id")
    .leftJoin("vote_roll as r", (j) => j.onRef("r.vote_id", "=", "v.id").on("r.user_id", "=", memberId))
    .leftJoin("vote_ballots as b", (j) => j.onRef("b.vote_id", "=", "v.id").on("b.member_id", "=", memberId))
    .select(["v.id", "v.title", "v.status", "v.method", "v.result", "v.opened_at", "v.closed_at", "v.secret", "i.title as inquiry_title", "r.voting", "r.voted", "b.choice"])
    .where("v.inquiry_id", "in", [...inquiryIds])
    .orderBy("v.status", "desc")
    .orderBy("v.id", "desc")
    .limit(limit)
    .execute();
  return rows.map((r) => ({ ...r, onRoll: r.voting !== null, canVote: r.voting === 1 && r.voted === 0 && r.method === "online", voted: r.voted === 1 }));
}

/** For staff: every vote, open first (no counts; turnout is on each vote's page). */
export async function listAllVotes(db: DB | Trx, limit = 50) {
  return db
    .selectFrom("votes as v")
    .innerJoin("inquiries as i", "i.id", "v.inquiry_id")
    .select(["v.id", "v.title", "v.status", "v.method", "v.result", "v.opened_at", "v.closed_at", "v.secret", "i.title as inquiry_title"])
    .orderBy("v.status", "desc")
    .orderBy("v.id", "desc")
    .limit(limit)
    .execute();
}

/** For the staff queue (issue 12): open votes that can be closed now — everyone present has voted online, or entered totals are confirmed. */
/**
 * Whether an open vote (alias `v`) is ready to close, as SQL — the one rule the staff queue, its notification and
 * votesReadyToClose share: an online vote once every eligible member present has voted, or once it holds a vote
 * and was opened before `dayStartIso` (the start of today, Asia/Shanghai, as a UTC instant: a vote left open
 * overnight); entered totals once a second staff account has confirmed them.
 */
export function voteReadySql(dayStartIso: string) {
  return sql<boolean>`(
    (v.method = 'online'
      and exists (select 1 from vote_roll r where r.vote_id = v.id and r.voted = 1)
      and (v.opened_at < ${dayStartIso}
        or not exists (select 1 from vote_roll r where r.vote_id = v.id and r.voting = 1 and r.present = 1 and r.voted = 0)))
    or (v.method = 'entered' and exists (select 1 from vote_entries e where e.vote_id = v.id and e.confirmed_at is not null))
  )`;
}

/** For the staff queue: open votes ready to close (voteReadySql), oldest first. */
export async function votesReadyToClose(db: DB | Trx, filter: { inquiryIds?: number[] } = {}) {
  let q = db
    .selectFrom("votes as v")
    .innerJoin("inquiries as i", "i.id", "v.inquiry_id")
    .select(["v.id", "v.title", "v.inquiry_id", "i.title as inquiry_title", "v.method", "v.opened_at"])
    .where("v.status", "=", "open")
    .where(voteReadySql(shanghaiDayStartIso(todayInShanghai())))
    .orderBy("v.opened_at");
  if (filter.inquiryIds) q = filter.inquiryIds.length ? q.where("v.inquiry_id", "in", filter.inquiryIds) : q.where(sql<boolean>`1 = 0`);
  return q.execute();
}

/** For the staff queue: entered totals waiting for a second staff account's confirmation. */
export async function totalsAwaitingConfirmation(db: DB | Trx, filter: { inquiryIds?: number[] } = {}) {
  let q = db
    .selectFrom("vote_entries as e")
    .innerJoin("votes as v", "v.id", "e.vote_id")
    .innerJoin("inquiries as i", "i.id", "v.inquiry_id")
    .select(["v.id", "v.title", "v.inquiry_id", "i.title as inquiry_title", "e.entered_by", "e.entered_at"])
    .where("v.status", "=", "open")
    .where("e.confirmed_at", "is", null)
    .orderBy("e.entered_at");
  if (filter.inquiryIds) q = filter.inquiryIds.length ? q.where("v.inquiry_id", "in", filter.inquiryIds) : q.where(sql<boolean>`1 = 0`);
  return q.execute();
}

/** For the staff queue: votes that did not pass and whose re-report (整改后重新报告) is not yet recorded. */
export async function votesRequiringReReport(db: DB | Trx, filter: { inquiryIds?: number[] } = {}) {
  let q = db
    .selectFrom("votes as v")
    .innerJoin("inquiries as i", "i.id", "v.inquiry_id")
    .leftJoin("organizations as o", "o.id", "v.department_id")
    .leftJoin("meeting_segments as s", "s.id", "v.segment_id")
    .leftJoin("organizations as so", "so.id", "s.department_id")
    .select(["v.id", "v.title", "v.inquiry_id", "i.title as inquiry_title", "v.target_type", "v.closed_at", "v.version"])
    .select(sql<string | null>`coalesce(o.name, so.name)`.as("department_name"))
    .where("v.status", "=", "closed")
    .where("v.followup", "=", "re_report")
    .where("v.followup_done_at", "is", null)
    .orderBy("v.closed_at", (ob) => ob.asc().nullsFirst());
  if (filter.inquiryIds) q = filter.inquiryIds.length ? q.where("v.inquiry_id", "in", filter.inquiryIds) : q.where(sql<boolean>`1 = 0`);
  return q.execute();
}

/** The votes opened on a segment of the record, newest first. */
export async function segmentVotes(db: Kysely<Database>, segmentId: number) {
  return db.selectFrom("votes").select(["id", "title", "status"]).where("segment_id", "=", segmentId).orderBy("id", "desc").execute();
}
