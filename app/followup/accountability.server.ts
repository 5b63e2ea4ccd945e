import { lockRow, writeTransaction } from "../../db/transactions";
import { sql, type Kysely, type Transaction } from "kysely";
import type { AccountabilityKind, AccountabilityTrigger, Database } from "../../db/schema";
import { recordAudit, type Actor } from "../audit.server";
import { addDays, isCalendarDate, nowIso, todayInShanghai } from "../utils/time";
import { ACCOUNTABILITY_KIND_LABELS, ACCOUNTABILITY_KINDS, ACCOUNTABILITY_TRIGGER_LABELS } from "./labels";
import { getOverdueDaysSetting } from "../settings/settings.server";
import type { Result } from "../utils/result";
import { askFirst, PUBLISH_QUESTIONS, type AskFirst } from "../history/confirm.server";

/**
 * 问责措施 — accountability steps (issue 21, docs/decisions/0131). When a satisfaction vote fails, when the
 * members vote a handling report down, or when an item stays open beyond its deadline by more than the threshold
 * (setting `accountability_overdue_days`, default 30 calendar days), the committee takes a further step under
 * 《监督法》 (约谈 the responsible organ's head, 通报 the failure, 提请常委会审议 — art. 14/38, 移交 to the
 * supervising organ). Staff record it with the date, the decision text and the organisation concerned; it waits
 * in the staff queue while pending (until staff record that it was carried out), appears in the item's history
 * (item_events) and the organisation's (/my), and on the public page once published.
 */
type Db = Kysely<Database> | Transaction<Database>;

const CONFLICT = "该问责措施已被他人修改，请刷新页面查看最新状态后再操作。";
const MAX_TEXT = 2000;

/** The threshold set on /admin/settings (app/settings/settings.server.ts), in calendar days. */
export async function getOverdueThreshold(db: Db): Promise<number> {
  return (await getOverdueDaysSetting(db)).days;
}

/** One reason a step may be taken: what failed, when, and whom it concerns (the proposed organisation and item). */
export interface Trigger {
  type: AccountabilityTrigger;
  id: number;
  label: string;
  /** calendar date (Asia/Shanghai) of the failure: the vote's close, the report's vote, the deadline passed */
  date: string;
  organizationId: number | null;
  organizationName: string;
  itemId: number | null;
}

function shanghaiDate(iso: string | null): string {
  if (!iso) return "";
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso.slice(0, 10) : new Date(t + 8 * 3600_000).toISOString().slice(0, 10);
}

/** The government organ that reports for an inquiry: the submitting liaison's organisation, else the inquiry's 人民政府. */
async function governmentOf(db: Db, inquiryId: number, submittedBy: number | null) {
  if (submittedBy) {
    const u = await db.selectFrom("users as u").innerJoin("organizations as o", "o.id", "u.organization_id").select(["o.id", "o.name"]).where("u.id", "=", submittedBy).executeTakeFirst();
    if (u) return u;
  }
  return db
    .selectFrom("inquiry_organizations as io")
    .innerJoin("organizations as o", "o.id", "io.organization_id")
    .select(["o.id", "o.name"])
    .where("io.inquiry_id", "=", inquiryId)
    .where("o.kind", "=", "government")
    .executeTakeFirst();
}

/**
 * Every failure of the inquiry that allows a step: votes closed as not passed (their department, or the answering
 * department of the rated exchange, or the government for a handling-report vote), handling reports voted down,
 * open items more than `threshold` days past their deadline. Newest first within each kind.
 */
export async function accountabilityTriggers(db: Db, inquiryId: number, today = todayInShanghai()): Promise<Trigger[]> {
  const threshold = await getOverdueThreshold(db);
  const votes = await db
    .selectFrom("votes as v")
    .leftJoin("organizations as d", "d.id", "v.department_id")
    .leftJoin("meeting_segments as s", "s.id", "v.segment_id")
    .leftJoin("organizations as so", "so.id", "s.department_id")
    .select(["v.id", "v.title", "v.closed_at", "v.target_type", "v.handling_report_id", "d.id as dept_id", "d.name as dept_name", "so.id as seg_org_id", "so.name as seg_org_name"])
    .where("v.inquiry_id", "=", inquiryId)
    .where("v.status", "=", "closed")
    .where("v.result", "=", "not_passed")
    .orderBy("v.closed_at", (ob) => ob.desc().nullsLast())
    .execute();
  const reports = await db
    .selectFrom("handling_reports as h")
    .select(["h.id", "h.round", "h.submitted_by", "h.updated_at"])
    .where("h.inquiry_id", "=", inquiryId)
    .where("h.status", "=", "resubmission_required")
    .orderBy("h.round", "desc")
    .execute();
  const overdue = await db
    .selectFrom("rectification_items as i")
    .innerJoin("organizations as o", "o.id", "i.lead_department_id")
    .select(["i.id", "i.number", "i.problem", "i.deadline", "o.id as org_id", "o.name as org_name"])
    .where("i.inquiry_id", "=", inquiryId)
    .where("i.status", "in", ["todo", "in_progress", "closure_requested"])
    .where("i.deadline", "<", addDays(today, -threshold))
    .orderBy("i.deadline")
    .execute();
  const triggers: Trigger[] = [];
  for (const v of votes) {
    let org = v.dept_id ? { id: v.dept_id, name: v.dept_name ?? "" } : v.seg_org_id ? { id: v.seg_org_id, name: v.seg_org_name ?? "" } : null;
    if (!org && v.target_type === "handling_report") org = (await governmentOf(db, inquiryId, null)) ?? null;
    triggers.push({ type: "vote", id: v.id, label: `${ACCOUNTABILITY_TRIGGER_LABELS.vote}：${v.title}`, date: shanghaiDate(v.closed_at), organizationId: org?.id ?? null, organizationName: org?.name ?? "", itemId: null });
  }
  for (const r of reports) {
    const org = await governmentOf(db, inquiryId, r.submitted_by);
    triggers.push({ type: "handling_report", id: r.id, label: `${ACCOUNTABILITY_TRIGGER_LABELS.handling_report}：第 ${r.round} 轮`, date: shanghaiDate(r.updated_at), organizationId: org?.id ?? null, organizationName: org?.name ?? "", itemId: null });
  }
  for (const i of overdue) {
    triggers.push({
      type: "overdue",
      id: i.id,
      label: `${ACCOUNTABILITY_TRIGGER_LABELS.overdue}：第 ${i.number} 项 ${i.problem.slice(0, 40)}（时限 ${i.deadline}）`,
      date: i.deadline,
      organizationId: i.org_id,
      organizationName: i.org_name,
      itemId: i.id,
    });
  }
  return triggers;
}

export interface StepInput {
  inquiryId: number;
  trigger: { type: AccountabilityTrigger; id: number };
  kind: AccountabilityKind;
  stepDate: string;
  decision: string;
  organizationId: number;
  itemId: number | null;
  publish: boolean;
  /** publishing asks first (app/history/confirm.server.ts) */
  confirmed?: boolean;
}

/**
 * Records a step: the trigger must hold now (the vote failed, the report was voted down, the item is overdue
 * beyond the threshold), the organisation must exist and be active, the item (optional; an overdue item's own)
 * must belong to the inquiry. Writes the step, an item_events entry when it concerns an item, and the audit.
 */
export async function recordStep(db: Kysely<Database>, actor: Actor, input: StepInput): Promise<Result | AskFirst> {
  const decision = input.decision.trim();
  if (!ACCOUNTABILITY_KINDS.includes(input.kind)) return { ok: false, field: "kind", message: "请选择问责措施" };
  if (!isCalendarDate(input.stepDate)) return { ok: false, field: "stepDate", message: "日期格式不正确，请按“年-月-日”填写" };
  if (!decision) return { ok: false, field: "decision", message: "请填写决定内容" };
  if (decision.length > MAX_TEXT) return { ok: false, field: "decision", message: `决定内容不能超过 ${MAX_TEXT} 个字` };
  return writeTransaction(db, async (trx): Promise<Result | AskFirst> => {
    const inquiry = await trx.selectFrom("inquiries").select(["id", "title", "stage"]).where("id", "=", input.inquiryId).executeTakeFirst();
    if (!inquiry) return { ok: false, field: "_form", message: "该专题询问不存在" };
    const trigger = (await accountabilityTriggers(trx, input.inquiryId)).find((t) => t.type === input.trigger.type && t.id === input.trigger.id);
    if (!trigger) return { ok: false, field: "trigger", message: "所选依据不成立：问责措施须在满意度测评未通过、研究处理情况报告未通过或整改事项逾期超过规定天数之后采取" };
    const org = await trx.selectFrom("organizations").select(["id", "name"]).where("id", "=", input.organizationId).where("active", "=", 1).executeTakeFirst();
    if (!org) return { ok: false, field: "organizationId", message: "请选择启用中的单位" };
    const itemId = trigger.type === "overdue" ? trigger.id : input.itemId;
    let item: { id: number; number: number } | undefined;
    if (itemId !== null) {
      item = await trx.selectFrom("rectification_items").select(["id", "number"]).where("id", "=", itemId).where("inquiry_id", "=", input.inquiryId).executeTakeFirst();
      if (!item) return { ok: false, field: "itemId", message: "所选整改事项不属于本次专题询问" };
    }
    if (input.publish) {
      const asked = askFirst(input.confirmed, PUBLISH_QUESTIONS.accountability_publish);
      if (asked) return asked;
    }
    const now = nowIso();
    const row = await trx
      .insertInto("accountability_steps")
      .values({
        inquiry_id: input.inquiryId,
        item_id: item?.id ?? null,
        organization_id: org.id,
        trigger_type: trigger.type,
        trigger_id: trigger.id,
        kind: input.kind,
        step_date: input.stepDate,
        decision,
        published_at: input.publish ? now : null,
        published_by: input.publish ? actor.id : null,
        created_by: actor.id,
        created_at: now,
        updated_at: now,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const label = ACCOUNTABILITY_KIND_LABELS[input.kind];
    if (item) {
      await trx
        .insertInto("item_events")
        .values({ item_id: item.id, action: "accountability", comment: `${label}${org.name}（${input.stepDate}）：${decision.slice(0, 200)}`, actor_id: actor.id, actor_label: actor.label, at: now })
        .execute();
    }
    await recordAudit(trx, actor, {
      action: "accountability.record",
      entityType: "accountability_step",
      entityId: row.id,
      summary: `「${inquiry.title}」${trigger.label}，${label}${org.name}`,
      after: { ...input, decision, itemId: item?.id ?? null },
    });
    return { ok: true, id: row.id };
  });
}

async function getStep(db: Db, id: number) {
  return db.selectFrom("accountability_steps").selectAll().where("id", "=", id).executeTakeFirst();
}

/** Staff record that a pending step was carried out (with what came of it): it leaves the queue. */
export async function completeStep(db: Kysely<Database>, actor: Actor, input: { id: number; version: number; outcome: string }): Promise<Result> {
  const outcome = input.outcome.trim();
  if (outcome.length > MAX_TEXT) return { ok: false, field: "outcome", message: `落实情况不能超过 ${MAX_TEXT} 个字` };
  return writeTransaction(db, async (trx): Promise<Result> => {
    await lockRow(trx, "accountability_steps", input.id);
    const step = await getStep(trx, input.id);
    if (!step) return { ok: false, field: "_form", message: "该问责措施不存在" };
    if (step.version !== input.version) return { ok: false, field: "_form", message: CONFLICT };
    if (step.status !== "pending") return { ok: false, field: "_form", message: "该问责措施已落实" };
    const now = nowIso();
    await trx.updateTable("accountability_steps").set({ status: "done", outcome, done_at: now, done_by: actor.id, version: step.version + 1, updated_at: now }).where("id", "=", step.id).execute();
    const label = ACCOUNTABILITY_KIND_LABELS[step.kind];
    if (step.item_id) {
      await trx
        .insertInto("item_events")
        .values({ item_id: step.item_id, action: "accountability_done", comment: `${label}已落实${outcome ? `：${outcome.slice(0, 200)}` : ""}`, actor_id: actor.id, actor_label: actor.label, at: now })
        .execute();
    }
    await recordAudit(trx, actor, {
      action: "accountability.complete",
      entityType: "accountability_step",
      entityId: step.id,
      summary: `${label}（${step.step_date}）已落实`,
      before: { status: step.status },
      after: { status: "done", outcome },
    });
    return { ok: true, id: step.id };
  });
}

/** Publishes a step on the inquiry's public page, or withdraws it; both ask first (`confirmed`). */
export async function publishStep(
  db: Kysely<Database>,
  actor: Actor,
  input: { id: number; version: number; publish: boolean; confirmed?: boolean },
): Promise<Result | AskFirst> {
  return writeTransaction(db, async (trx): Promise<Result | AskFirst> => {
    await lockRow(trx, "accountability_steps", input.id);
    const step = await getStep(trx, input.id);
    if (!step) return { ok: false, field: "_form", message: "该问责措施不存在" };
    if (step.version !== input.version) return { ok: false, field: "_form", message: CONFLICT };
    const asked = askFirst(input.confirmed, input.publish ? PUBLISH_QUESTIONS.accountability_publish : PUBLISH_QUESTIONS.accountability_unpublish);
    if (asked) return asked;
    const now = nowIso();
    await trx
      .updateTable("accountability_steps")
      .set({ published_at: input.publish ? now : null, published_by: input.publish ? actor.id : null, version: step.version + 1, updated_at: now })
      .where("id", "=", step.id)
      .execute();
    await recordAudit(trx, actor, {
      action: input.publish ? "accountability.publish" : "accountability.unpublish",
      entityType: "accountability_step",
      entityId: step.id,
      summary: `${ACCOUNTABILITY_KIND_LABELS[step.kind]}（${step.step_date}）${input.publish ? "在公开页面发布" : "撤下公开"}`,
      before: { published_at: step.published_at },
      after: { published_at: input.publish ? now : null },
    });
    return { ok: true, id: step.id };
  });
}

/** Steps, newest first, with their organisation and item: by inquiry, by item, by organisation, or published only. */
export async function listSteps(db: Db, by: { inquiryId?: number; itemId?: number; organizationId?: number; publishedOnly?: boolean }) {
  let q = db
    .selectFrom("accountability_steps as a")
    .innerJoin("organizations as o", "o.id", "a.organization_id")
    .innerJoin("inquiries as q", "q.id", "a.inquiry_id")
    .leftJoin("rectification_items as i", "i.id", "a.item_id")
    .selectAll("a")
    .select(["o.name as organization_name", "q.title as inquiry_title", "i.number as item_number"]);
  if (by.inquiryId !== undefined) q = q.where("a.inquiry_id", "=", by.inquiryId);
  if (by.itemId !== undefined) q = q.where("a.item_id", "=", by.itemId);
  if (by.organizationId !== undefined) q = q.where("a.organization_id", "=", by.organizationId);
  if (by.publishedOnly) q = q.where("a.published_at", "is not", null);
  const rows = await q.orderBy("a.step_date", "desc").orderBy("a.id", "desc").execute();
  const labels = await triggerLabels(db, rows);
  return rows.map((r) => ({ ...r, trigger_label: labels.get(`${r.trigger_type}:${r.trigger_id}`) ?? ACCOUNTABILITY_TRIGGER_LABELS[r.trigger_type] }));
}
export type StepRow = Awaited<ReturnType<typeof listSteps>>[number];

async function triggerLabels(db: Db, rows: { trigger_type: AccountabilityTrigger; trigger_id: number }[]) {
  const out = new Map<string, string>();
  const ids = (t: AccountabilityTrigger) => [...new Set(rows.filter((r) => r.trigger_type === t).map((r) => r.trigger_id))];
  if (ids("vote").length) {
    for (const v of await db.selectFrom("votes").select(["id", "title"]).where("id", "in", ids("vote")).execute()) out.set(`vote:${v.id}`, `${ACCOUNTABILITY_TRIGGER_LABELS.vote}：${v.title}`);
  }
  if (ids("handling_report").length) {
    for (const h of await db.selectFrom("handling_reports").select(["id", "round"]).where("id", "in", ids("handling_report")).execute()) {
      out.set(`handling_report:${h.id}`, `${ACCOUNTABILITY_TRIGGER_LABELS.handling_report}（第 ${h.round} 轮）`);
    }
  }
  if (ids("overdue").length) {
    for (const i of await db.selectFrom("rectification_items").select(["id", "number", "original_deadline", "deadline"]).where("id", "in", ids("overdue")).execute()) {
      out.set(`overdue:${i.id}`, `${ACCOUNTABILITY_TRIGGER_LABELS.overdue}（第 ${i.number} 项，时限 ${i.deadline}）`);
    }
  }
  return out;
}

/** The number of pending steps of an inquiry (for its overview). */
export async function pendingStepCount(db: Db, inquiryId: number): Promise<number> {
  const r = await db.selectFrom("accountability_steps").select(sql<number>`count(*)`.as("n")).where("inquiry_id", "=", inquiryId).where("status", "=", "pending").executeTakeFirst();
  return Number(r?.n ?? 0);
}
