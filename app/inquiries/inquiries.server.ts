import { lockRow, writeTransaction } from "../../db/transactions";
import { getCongress } from "../settings/settings.server";
import { sql, type Kysely, type Transaction } from "kysely";
import { z } from "zod";
import type { Database, InquiryStage, PlanStatus } from "../../db/schema";
import { saveAttachments, type CheckedUpload } from "../attachments/attachments.server";
import { organizationsProblem, RESPONDING_KINDS } from "../admin/organizations.server";
import { recordAudit, type Actor } from "../audit.server";
import type { RichText } from "../richtext/richtext.server";
import { dateInShanghai, nowIso } from "../utils/time";
import { BACK_ENTRY_MARK, dateContext, decisionDateProblem, stampFor } from "../history/dates.server";
import { planGate } from "./plan-gate.server";
import { notVoided } from "../history/void.server";

/** 立项: the inquiry register, its work plan and the chairpersons' council's decisions on it. */
import { PLAN_STATUS_LABELS, STAGE_LABELS, STAGES } from "../labels";
import { idField } from "../utils/ids";
import type { Result } from "../utils/result";
export { PLAN_STATUS_LABELS, STAGE_LABELS, STAGES };

const CONFLICT = "该专题询问已被他人修改，请刷新页面查看最新内容后再保存。";

export interface InquiryInput {
  title: string;
  topic: string;
  congress: string;
  sessionName: string;
  organizingBody: string;
  meetingDate: string | null;
  legalBasis: string;
  notes: string;
  respondingOrganizationIds: number[];
  /** 补录: a record of past work (app/history/dates.server.ts); unset leaves it as it is */
  backEntry?: boolean;
}

export interface InquiryFilter {
  stage?: InquiryStage;
  year?: number;
  page: number;
  pageSize: number;
  /** the inquiries the user may read (policy readableInquiries): "all", or a member's own */
  scope: "all" | readonly number[];
}

export async function listInquiries(db: Kysely<Database>, filter: InquiryFilter) {
  if (filter.scope !== "all" && filter.scope.length === 0) return { rows: [], total: 0 };
  // voided inquiries leave the list (the 已作废 view lists them)
  let q = db.selectFrom("inquiries").where(notVoided("inquiries", { inquiry: true }));
  if (filter.scope !== "all") q = q.where("id", "in", [...filter.scope]);
  if (filter.stage) q = q.where("stage", "=", filter.stage);
  if (filter.year) q = q.where("meeting_date", ">=", `${filter.year}-01-01`).where("meeting_date", "<=", `${filter.year}-12-31`);
  const [{ total }] = await q.select((eb) => eb.fn.countAll<number>().as("total")).execute();
  const rows = await q
    .select(["id", "title", "congress", "organizing_body", "meeting_date", "stage", "plan_status"])
    .orderBy(sql`meeting_date is null`, "desc")
    .orderBy("meeting_date", (ob) => ob.desc().nullsLast())
    .orderBy("id", "desc")
    .limit(filter.pageSize)
    .offset((filter.page - 1) * filter.pageSize)
    .execute();
  return { rows, total: Number(total) };
}

export async function inquiryYears(db: Kysely<Database>): Promise<number[]> {
  const rows = await db
    .selectFrom("inquiries")
    .select(sql<string>`substr(meeting_date, 1, 4)`.as("year"))
    .where("meeting_date", "is not", null)
    .where(notVoided("inquiries", { inquiry: true }))
    .distinct()
    .orderBy("year", "desc")
    .execute();
  return rows.map((r) => Number(r.year));
}

export async function getInquiry(db: Kysely<Database>, id: number) {
  return db.selectFrom("inquiries").selectAll().where("id", "=", id).executeTakeFirst();
}

/**
 * The inquiry's one meeting date (YYYY-MM-DD, a calendar date in Asia/Shanghai), or null while undecided: the
 * planned date until the meeting is set up, then the date set in the meeting setup — both live in
 * `inquiries.meeting_date` (docs/decisions/0040); `meetings.meeting_date` is a copy the database keeps equal.
 * Every page, document and derived deadline (handling report, correction window) reads this date.
 */
export async function meetingDateOf(db: Kysely<Database>, inquiryId: number): Promise<string | null> {
  const row = await db.selectFrom("inquiries").select("meeting_date").where("id", "=", inquiryId).executeTakeFirst();
  return row?.meeting_date ?? null;
}

/**
 * Writes the inquiry's meeting date inside the caller's transaction (the inquiry form and the meeting setup
 * both come here). A change bumps the version of the inquiry and of its meeting, so an editor holding either
 * form with the old date gets a conflict instead of silently putting the old date back. Returns whether the
 * date changed; the caller writes the audit entry of its own change.
 */
export async function writeMeetingDate(trx: Kysely<Database>, inquiryId: number, date: string | null): Promise<boolean> {
  // held already when the caller locked the inquiry first, as the lock order asks (decision 0175)
  await lockRow(trx, "inquiries", inquiryId);
  const before = await trx.selectFrom("inquiries").select(["meeting_date", "version"]).where("id", "=", inquiryId).executeTakeFirst();
  if (!before || before.meeting_date === date) return false;
  const now = nowIso();
  await trx.updateTable("inquiries").set({ meeting_date: date, version: before.version + 1, updated_at: now }).where("id", "=", inquiryId).execute();
  await trx.updateTable("meetings").set((eb) => ({ version: eb("version", "+", 1), updated_at: now })).where("inquiry_id", "=", inquiryId).execute();
  return true;
}

/**
 * The inquiry's responding organisations (应询部门, inquiry_organizations), 人民政府 first, then in their sort
 * order. The one reader of this list: the outline's department choices and the meeting's answering
 * organisations are built on it.
 */
export async function respondingOrganizations(db: Kysely<Database> | Transaction<Database>, inquiryId: number) {
  return db
    .selectFrom("inquiry_organizations")
    .innerJoin("organizations", "organizations.id", "inquiry_organizations.organization_id")
    .select(["organizations.id", "organizations.name"])
    .where("inquiry_organizations.inquiry_id", "=", inquiryId)
    .orderBy("organizations.kind", "desc")
    .orderBy("organizations.sort_order")
    .orderBy("organizations.id")
    .execute();
}

/** Every inquiry id a reader may see: all of them for "all", else the given ones. */
export async function readableInquiryIds(db: Kysely<Database>, readable: "all" | readonly number[]): Promise<number[]> {
  if (readable !== "all") return [...readable];
  return (await db.selectFrom("inquiries").select("id").execute()).map((r) => r.id);
}

function checkOrganizations(db: Kysely<Database>, ids: number[]): Promise<string | null> {
  return organizationsProblem(db, ids, { kinds: RESPONDING_KINDS, activeOnly: true, message: "应询部门只能选择启用中的人民政府或政府部门" });
}

export async function createInquiry(db: Kysely<Database>, actor: Actor, input: InquiryInput): Promise<Result> {
  const orgProblem = await checkOrganizations(db, input.respondingOrganizationIds);
  if (orgProblem) return { ok: false, field: "respondingOrganizationIds", message: orgProblem };
  return writeTransaction(db, async (trx) => {
    const now = nowIso();
    const row = await trx
      .insertInto("inquiries")
      .values({
        title: input.title,
        topic: input.topic,
        congress: input.congress,
        session_name: input.sessionName,
        organizing_body: input.organizingBody,
        meeting_date: input.meetingDate,
        legal_basis: input.legalBasis,
        notes: input.notes,
        // only when set: the column's default is live work (older databases in migration tests lack it)
        ...(input.backEntry ? { back_entry: 1 } : {}),
        created_by: actor.id,
        created_at: now,
        updated_at: now,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    for (const orgId of new Set(input.respondingOrganizationIds)) {
      await trx.insertInto("inquiry_organizations").values({ inquiry_id: row.id, organization_id: orgId }).execute();
    }
    await recordAudit(trx, actor, {
      action: "inquiry.create",
      entityType: "inquiry",
      entityId: row.id,
      summary: `新建专题询问「${input.title}」${input.backEntry ? "（补录）" : ""}`,
      after: input,
    });
    return { ok: true, id: row.id };
  });
}

export async function updateInquiry(db: Kysely<Database>, actor: Actor, id: number, version: number, input: InquiryInput): Promise<Result> {
  const orgProblem = await checkOrganizations(db, input.respondingOrganizationIds);
  if (orgProblem) return { ok: false, field: "respondingOrganizationIds", message: orgProblem };
  return writeTransaction(db, async (trx) => {
    await lockRow(trx, "inquiries", id);
    const before = await trx.selectFrom("inquiries").selectAll().where("id", "=", id).executeTakeFirst();
    if (!before) return { ok: false, field: "_form", message: "该专题询问不存在" };
    if (before.version !== version) return { ok: false, field: "_form", message: CONFLICT };
    const beforeOrgs = (
      await trx.selectFrom("inquiry_organizations").select("organization_id").where("inquiry_id", "=", id).execute()
    ).map((r) => r.organization_id);
    await trx
      .updateTable("inquiries")
      .set({
        title: input.title,
        topic: input.topic,
        congress: input.congress,
        session_name: input.sessionName,
        organizing_body: input.organizingBody,
        legal_basis: input.legalBasis,
        notes: input.notes,
        ...(input.backEntry === undefined ? {} : { back_entry: input.backEntry ? 1 : 0 }),
        updated_at: nowIso(),
      })
      .where("id", "=", id)
      .execute();
    // the one meeting date: a change also bumps the meeting's version (the setup form shows the same date)
    if (!(await writeMeetingDate(trx, id, input.meetingDate))) {
      await trx.updateTable("inquiries").set({ version: before.version + 1 }).where("id", "=", id).execute();
    }
    await trx.deleteFrom("inquiry_organizations").where("inquiry_id", "=", id).execute();
    for (const orgId of new Set(input.respondingOrganizationIds)) {
      await trx.insertInto("inquiry_organizations").values({ inquiry_id: id, organization_id: orgId }).execute();
    }
    await recordAudit(trx, actor, {
      action: "inquiry.update",
      entityType: "inquiry",
      entityId: id,
      summary: `修改专题询问「${input.title}」的基本信息${input.backEntry !== undefined && input.backEntry !== (before.back_entry === 1) ? (input.backEntry ? "，转为补录（录入已开展的工作）" : "，补录结束，转为日常工作") : ""}`,
      before: {
        title: before.title,
        topic: before.topic,
        congress: before.congress,
        sessionName: before.session_name,
        organizingBody: before.organizing_body,
        meetingDate: before.meeting_date,
        legalBasis: before.legal_basis,
        notes: before.notes,
        backEntry: before.back_entry === 1,
        respondingOrganizationIds: beforeOrgs,
      },
      after: input,
    });
    return { ok: true, id };
  });
}

/** Saves the work plan's text (and new attachments). A plan under the council's review is frozen. */
export async function savePlan(
  db: Kysely<Database>,
  actor: Actor,
  input: { id: number; version: number; plan: RichText; files: CheckedUpload[] },
): Promise<Result> {
  return writeTransaction(db, async (trx) => {
    await lockRow(trx, "inquiries", input.id);
    const before = await trx.selectFrom("inquiries").selectAll().where("id", "=", input.id).executeTakeFirst();
    if (!before) return { ok: false, field: "_form", message: "该专题询问不存在" };
    if (before.version !== input.version) return { ok: false, field: "_form", message: CONFLICT };
    if (before.plan_status === "submitted") {
      return { ok: false, field: "_form", message: "工作方案已提请主任会议审议，审议结果记录前不能修改" };
    }
    await trx
      .updateTable("inquiries")
      .set({
        plan_json: input.plan.json,
        plan_text: input.plan.text,
        plan_html: input.plan.html,
        // an approved plan that is edited needs the council again
        plan_status: before.plan_status === "approved" && before.plan_text !== input.plan.text ? "draft" : before.plan_status,
        version: before.version + 1,
        updated_at: nowIso(),
      })
      .where("id", "=", input.id)
      .execute();
    await saveAttachments(trx, actor, { inquiryId: input.id, type: "inquiry_plan", id: input.id }, input.files);
    await recordAudit(trx, actor, {
      action: "inquiry.plan_save",
      entityType: "inquiry",
      entityId: input.id,
      summary: `保存「${before.title}」的工作方案`,
      before: { plan_text: before.plan_text },
      after: { plan_text: input.plan.text },
    });
    return { ok: true, id: input.id };
  });
}

/** The plan's life: draft/rejected → submitted → approved | rejected. */
export function nextPlanStatus(current: PlanStatus, action: "submit" | "approve" | "reject"): PlanStatus | null {
  if (action === "submit") return current === "draft" || current === "rejected" ? "submitted" : null;
  if (current !== "submitted") return null;
  return action === "approve" ? "approved" : "rejected";
}

/**
 * 提请主任会议审议. Stamped now in live work; in back-entry the real date of the submission is required (`on`,
 * app/history/dates.server.ts stampFor), not later than today, and is marked as back-entered.
 */
export async function submitPlan(db: Kysely<Database>, actor: Actor, input: { id: number; version: number; on?: string }): Promise<Result> {
  return writeTransaction(db, async (trx) => {
    await lockRow(trx, "inquiries", input.id);
    const before = await trx.selectFrom("inquiries").selectAll().where("id", "=", input.id).executeTakeFirst();
    if (!before) return { ok: false, field: "_form", message: "该专题询问不存在" };
    if (before.version !== input.version) return { ok: false, field: "_form", message: CONFLICT };
    const next = nextPlanStatus(before.plan_status, "submit");
    if (!next) return { ok: false, field: "_form", message: `工作方案当前状态为「${PLAN_STATUS_LABELS[before.plan_status]}」，不能提请审议` };
    if (!before.plan_text) return { ok: false, field: "_form", message: "请先填写工作方案再提请主任会议审议" };
    const stamp = stampFor(await dateContext(trx, input.id), input.on, "提请审议日期");
    if (!stamp.ok) return { ok: false, field: "on", message: stamp.message };
    const now = nowIso();
    await trx.updateTable("inquiries").set({ plan_status: next, version: before.version + 1, updated_at: now }).where("id", "=", input.id).execute();
    await trx
      .insertInto("plan_decisions")
      .values({
        inquiry_id: input.id,
        action: "submitted",
        decided_on: stamp.backEntered ? dateInShanghai(stamp.at) : null,
        note: "",
        plan_html: before.plan_html,
        actor_id: actor.id,
        created_at: stamp.at,
        back_entered: stamp.backEntered ? 1 : 0,
      })
      .execute();
    await recordAudit(trx, actor, {
      action: "inquiry.plan_submit",
      entityType: "inquiry",
      entityId: input.id,
      summary: `${stamp.backEntered ? BACK_ENTRY_MARK : ""}「${before.title}」工作方案提请主任会议审议${stamp.backEntered ? `（${dateInShanghai(stamp.at)}）` : ""}`,
      before: { plan_status: before.plan_status },
      after: { plan_status: next, ...(stamp.backEntered ? { backEntered: true, on: dateInShanghai(stamp.at) } : {}) },
    });
    return { ok: true, id: input.id };
  });
}

export async function recordPlanDecision(
  db: Kysely<Database>,
  actor: Actor,
  input: { id: number; version: number; decision: "approve" | "reject"; decidedOn: string; note: string },
): Promise<Result> {
  return writeTransaction(db, async (trx) => {
    await lockRow(trx, "inquiries", input.id);
    const before = await trx.selectFrom("inquiries").selectAll().where("id", "=", input.id).executeTakeFirst();
    if (!before) return { ok: false, field: "_form", message: "该专题询问不存在" };
    if (before.version !== input.version) return { ok: false, field: "_form", message: CONFLICT };
    const next = nextPlanStatus(before.plan_status, input.decision);
    if (!next) return { ok: false, field: "_form", message: "工作方案尚未提请主任会议审议，不能记录审议结果" };
    if (input.decision === "reject" && !input.note) return { ok: false, field: "note", message: "驳回时请填写主任会议的意见" };
    // a decision may not precede its submission (back-entry: the inquiry's own dates; app/history/dates.server.ts)
    const ctx = await dateContext(trx, input.id);
    const submitted = await trx
      .selectFrom("plan_decisions")
      .select("created_at")
      .where("inquiry_id", "=", input.id)
      .where("action", "=", "submitted")
      .orderBy("id", "desc")
      .executeTakeFirst();
    // live work: the form refuses a future date (the route's schema), as before; back-entry: the one rule
    const late = ctx.backEntry ? decisionDateProblem(ctx, input.decidedOn, "审议日期", submitted?.created_at) : null;
    if (late) return { ok: false, field: "decidedOn", message: late };
    const now = nowIso();
    await trx
      .updateTable("inquiries")
      .set({ plan_status: next, version: before.version + 1, updated_at: now })
      .where("id", "=", input.id)
      .execute();
    await trx
      .insertInto("plan_decisions")
      .values({
        inquiry_id: input.id,
        action: next === "approved" ? "approved" : "rejected",
        decided_on: input.decidedOn,
        note: input.note,
        plan_html: before.plan_html,
        actor_id: actor.id,
        created_at: now,
        back_entered: ctx.backEntry ? 1 : 0,
      })
      .execute();
    await recordAudit(trx, actor, {
      action: next === "approved" ? "inquiry.plan_approve" : "inquiry.plan_reject",
      entityType: "inquiry",
      entityId: input.id,
      summary: `${ctx.backEntry ? BACK_ENTRY_MARK : ""}记录主任会议${next === "approved" ? "批准" : "驳回"}「${before.title}」工作方案（${input.decidedOn}）`,
      before: { plan_status: before.plan_status },
      after: { plan_status: next, note: input.note },
    });
    // Approval moves a new inquiry on to pre-inquiry research.
    if (next === "approved") await advanceStage(trx, actor, input.id, "research", "plan_approved");
    return { ok: true, id: input.id };
  });
}

export async function planHistory(db: Kysely<Database>, inquiryId: number) {
  return db
    .selectFrom("plan_decisions")
    .leftJoin("users", "users.id", "plan_decisions.actor_id")
    .select([
      "plan_decisions.id",
      "plan_decisions.action",
      "plan_decisions.decided_on",
      "plan_decisions.note",
      "plan_decisions.plan_html",
      "plan_decisions.created_at",
      "plan_decisions.back_entered",
      "users.display_name as actor_name",
    ])
    .where("plan_decisions.inquiry_id", "=", inquiryId)
    .orderBy("plan_decisions.id", "desc")
    .execute();
}

/** The overview's stage timeline: for each stage, what is done and what is open. */
export async function stageSummary(db: Kysely<Database>, inquiryId: number) {
  const inquiry = await getInquiry(db, inquiryId);
  if (!inquiry) return null;
  const count = async (table: "research_activities" | "research_findings") =>
    Number(
      (await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as("n")).where("inquiry_id", "=", inquiryId).executeTakeFirstOrThrow()).n,
    );
  const [activities, findings] = await Promise.all([count("research_activities"), count("research_findings")]);
  const delegationStatus = await db
    .selectFrom("survey_delegations as d")
    .select(["status", (eb) => eb.fn.countAll<number>().as("n")])
    .where("inquiry_id", "=", inquiryId)
    .where(notVoided("d"))
    .groupBy("status")
    .execute();
  const byStatus = Object.fromEntries(delegationStatus.map((r) => [r.status, Number(r.n)])) as Record<string, number>;
  const delegations = delegationStatus.reduce((n, r) => n + Number(r.n), 0);
  const currentIndex = STAGES.findIndex((s) => s.key === inquiry.stage);
  return {
    currentIndex,
    stages: STAGES.map((s, i) => ({ ...s, state: i < currentIndex ? "done" : i === currentIndex ? "current" : "todo" })),
    facts: {
      planStatus: PLAN_STATUS_LABELS[inquiry.plan_status],
      activities,
      findings,
      delegations,
      delegationsAccepted: byStatus.accepted ?? 0,
      delegationsSubmitted: byStatus.submitted ?? 0,
      delegationsOpen: (byStatus.pending ?? 0) + (byStatus.returned ?? 0),
    },
  };
}

/** The stages in lifecycle order; 办结 (closed) is last and reached only through closeInquiry. */
export function stageIndex(stage: InquiryStage): number {
  return STAGES.findIndex((s) => s.key === stage);
}

/** What moved the work on, for the audit entry of an automatic stage change (docs/decisions/0051). */
export type StageCause = "plan_approved" | "outline_issued" | "meeting_recorded" | "digest_published" | "first_item";
const STAGE_CAUSES: Record<StageCause, string> = {
  plan_approved: "工作方案经主任会议批准",
  outline_issued: "询问提纲已下发应询部门",
  meeting_recorded: "询问会已开始记录",
  digest_published: "询问会摘要已发布",
  first_item: "已交办第一项整改事项",
};

/**
 * Stages follow the work: called inside the transaction of the event that moves the work on (plan approved →
 * 会前调研, outline issued → 询问提纲, meeting recorded or digest published → 询问会, first item → 整改督办).
 * Forward only: an inquiry already at or past `to` stays where it is; never to or from 办结. Audited.
 * Returns the new stage when it moved, else null.
 */
export async function advanceStage(trx: Transaction<Database>, actor: Actor, inquiryId: number, to: Exclude<InquiryStage, "closed">, cause: StageCause): Promise<InquiryStage | null> {
  // held already when the caller locked the inquiry first, as the lock order asks (decision 0175)
  await lockRow(trx, "inquiries", inquiryId);
  const before = await trx.selectFrom("inquiries").select(["id", "title", "stage", "version"]).where("id", "=", inquiryId).executeTakeFirst();
  if (!before || before.stage === "closed" || stageIndex(before.stage) >= stageIndex(to)) return null;
  await trx.updateTable("inquiries").set({ stage: to, version: before.version + 1, updated_at: nowIso() }).where("id", "=", inquiryId).execute();
  await recordAudit(trx, actor, {
    action: "inquiry.stage_auto",
    entityType: "inquiry",
    entityId: inquiryId,
    summary: `「${before.title}」${STAGE_CAUSES[cause]}，进入「${STAGE_LABELS[to]}」阶段`,
    before: { stage: before.stage },
    after: { stage: to, cause },
  });
  return to;
}

/**
 * Staff correct the stage by hand, with a reason (recorded in the audit log). Moving backwards needs
 * `confirmBackwards` (the page asks first). 办结 is refused here: only closeInquiry (the close page, with its
 * checks and closing record) closes an inquiry; a closed inquiry's stage is not changed here either.
 */
export async function setStage(
  db: Kysely<Database>,
  actor: Actor,
  input: { id: number; version: number; stage: InquiryStage; reason: string; confirmBackwards: boolean },
): Promise<Result | { ok: false; field: "confirm"; message: string }> {
  return writeTransaction(db, async (trx) => {
    await lockRow(trx, "inquiries", input.id);
    const before = await trx.selectFrom("inquiries").selectAll().where("id", "=", input.id).executeTakeFirst();
    if (!before) return { ok: false, field: "_form", message: "该专题询问不存在" };
    if (before.version !== input.version) return { ok: false, field: "_form", message: CONFLICT };
    if (input.stage === "closed") return { ok: false, field: "stage", message: "办结须在“办结”页面核对整改事项和研究处理情况报告并填写办结记录" };
    if (before.stage === "closed") return { ok: false, field: "_form", message: "该专题询问已办结，不能再调整阶段" };
    if (input.stage === before.stage) return { ok: false, field: "stage", message: `该专题询问已处于「${STAGE_LABELS[input.stage]}」阶段` };
    if (input.stage !== "plan" && !(await planGate(trx, input.id)).open) {
      return { ok: false, field: "_form", message: "工作方案经主任会议批准（或记录先行开展的理由）后，才能进入后续阶段" };
    }
    const reason = input.reason.trim();
    if (!reason) return { ok: false, field: "reason", message: "请填写调整阶段的理由" };
    if (reason.length > 500) return { ok: false, field: "reason", message: "理由不能超过 500 个字" };
    const backwards = stageIndex(input.stage) < stageIndex(before.stage);
    if (backwards && !input.confirmBackwards) {
      return {
        ok: false,
        field: "confirm",
        message: `将从「${STAGE_LABELS[before.stage]}」退回到「${STAGE_LABELS[input.stage]}」。各首页的阶段统计随之改变，已完成的工作不受影响。确认退回吗？`,
      };
    }
    await trx.updateTable("inquiries").set({ stage: input.stage, version: before.version + 1, updated_at: nowIso() }).where("id", "=", input.id).execute();
    await recordAudit(trx, actor, {
      action: "inquiry.stage",
      entityType: "inquiry",
      entityId: input.id,
      summary: `「${before.title}」所处阶段由「${STAGE_LABELS[before.stage]}」${backwards ? "退回" : "调整"}为「${STAGE_LABELS[input.stage]}」：${reason}`,
      before: { stage: before.stage },
      after: { stage: input.stage, reason },
    });
    return { ok: true, id: input.id };
  });
}

/** The choices of the inquiry form: responding organs (active governments and departments, plus any already chosen) and the work bodies. */
export async function inquiryFormOptions(db: Kysely<Database>, selectedIds: number[] = []) {
  const organizations = await db
    .selectFrom("organizations")
    .select(["id", "name", "kind", "active"])
    .where((eb) =>
      eb.or([
        eb.and([eb("active", "=", 1), eb("kind", "in", ["government", "department"])]),
        ...(selectedIds.length ? [eb("id", "in", selectedIds)] : []),
      ]),
    )
    .orderBy("kind", "desc")
    .orderBy("sort_order")
    .orderBy("id")
    .execute();
  const bodies = await db
    .selectFrom("organizations")
    .select("name")
    .where("active", "=", 1)
    .where("kind", "=", "congress_office")
    .orderBy("sort_order")
    .execute();
  // the installation's own congress (系统设置), else the one the last inquiry was registered under
  const own = await getCongress(db);
  const lastCongress = own.name ? { congress: own.name } : await db.selectFrom("inquiries").select("congress").orderBy("id", "desc").limit(1).executeTakeFirst();
  return {
    organizations: organizations.map((o) => ({ id: o.id, name: o.name, active: o.active === 1 })),
    organizingBodies: bodies.map((b) => b.name),
    defaultCongress: lastCongress?.congress ?? "",
  };
}

/** The overview's key dates: the plan's submissions and decisions, the research period, the county surveys' due dates. */
export async function inquiryKeyDates(db: Kysely<Database>, inquiryId: number) {
  const decisions = await db
    .selectFrom("plan_decisions")
    .select(["action", "decided_on", "created_at"])
    .where("inquiry_id", "=", inquiryId)
    .orderBy("id")
    .execute();
  const research = await db
    .selectFrom("research_activities")
    .select((eb) => [eb.fn.min<string | null>("start_date").as("first"), eb.fn.max<string | null>("end_date").as("last")])
    .where("inquiry_id", "=", inquiryId)
    .executeTakeFirst();
  const surveys = await db
    .selectFrom("survey_requests")
    .select((eb) => [eb.fn.min<string | null>("due_date").as("first"), eb.fn.max<string | null>("due_date").as("last")])
    .where("inquiry_id", "=", inquiryId)
    .executeTakeFirst();
  const lastOf = (action: "submitted" | "approved" | "rejected") => [...decisions].reverse().find((d) => d.action === action) ?? null;
  return {
    planSubmittedAt: lastOf("submitted")?.created_at ?? null,
    planApprovedOn: lastOf("approved")?.decided_on ?? null,
    planRejectedOn: lastOf("rejected")?.decided_on ?? null,
    researchFrom: research?.first ?? null,
    researchTo: research?.last ?? null,
    surveysDueFirst: surveys?.first ?? null,
    surveysDueLast: surveys?.last ?? null,
  };
}
