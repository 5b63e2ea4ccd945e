import { lockRow, lockRowShared, writeTransaction } from "../../db/transactions";
import { advanceStage } from "../inquiries/inquiries.server";
import type { Kysely, Transaction } from "kysely";
import { together } from "../../db/together";
import type { Database, ItemStatus } from "../../db/schema";
import { activeOrganizations, organizationsProblem, RESPONDING_KINDS } from "../admin/organizations.server";
import { recordAudit, type Actor } from "../audit.server";
import { workdayDeadline } from "../calendar/calendar.server";
import { formatDate, nowIso } from "../utils/time";
import type { SourceType } from "./labels";
import { auditMark, dateContext, deadlineProblem, stampEvent } from "../history/dates.server";
import { notVoided } from "../history/void.server";
import { CONFLICT, type Db, MAX_TEXT, nextItemStatus, refusal } from "./status.server";
import type { Result } from "../utils/result";
/**
 * 整改事项 (rectification items): reading one item and its source (a meeting exchange, a research finding or
 * by hand), and creating and editing items; the department choices and source choices the forms offer.
 */

export async function departmentOptions(db: Db) {
  return activeOrganizations(db, RESPONDING_KINDS);
}

export async function getItem(db: Db, id: number) {
  const [item, co] = await together(
    db
      .selectFrom("rectification_items as i")
      .innerJoin("organizations as lead", "lead.id", "i.lead_department_id")
      .innerJoin("inquiries as q", "q.id", "i.inquiry_id")
      .selectAll("i")
      .select(["lead.name as lead_name", "q.title as inquiry_title", "q.stage as inquiry_stage", "q.back_entry as inquiry_back_entry", "q.voided_at as inquiry_voided_at"])
      .where("i.id", "=", id)
      .executeTakeFirst(),
    db
      .selectFrom("rectification_codepartments as c")
      .innerJoin("organizations as o", "o.id", "c.organization_id")
      .select(["o.id", "o.name"])
      .where("c.item_id", "=", id)
      .orderBy("o.sort_order")
      .orderBy("o.id")
      .execute(),
  );
  if (!item) return undefined;
  return { ...item, codepartments: co, codepartment_ids: co.map((c) => c.id) };
}
export type ItemDetail = NonNullable<Awaited<ReturnType<typeof getItem>>>;

/** Where an item came from, for its page: the exchange (questioner, question, department) or the finding. */
export async function itemSource(db: Db, item: { source_type: string; source_id: number | null }) {
  if (item.source_type === "exchange" && item.source_id) {
    const ex = (await exchangeRows(db, { segmentIds: [item.source_id] }))[0];
    return ex ? { type: "exchange" as const, exchange: ex } : null;
  }
  if (item.source_type === "finding" && item.source_id) {
    const f = await db
      .selectFrom("research_findings as f")
      .leftJoin("research_activities as a", "a.id", "f.activity_id")
      .select(["f.id", "f.text", "f.inquiry_id", "a.title as activity_title"])
      .where("f.id", "=", item.source_id)
      .executeTakeFirst();
    return f ? { type: "finding" as const, finding: f } : null;
  }
  return null;
}

/** The exchanges (询问会问答) of an inquiry or given segments: keyword, questioner, first question and answer, department. */
export async function exchangeRows(db: Db, by: { inquiryId?: number; segmentIds?: number[] }) {
  let q = db
    .selectFrom("meeting_segments as s")
    .leftJoin("organizations as o", "o.id", "s.department_id")
    .select(["s.id", "s.inquiry_id", "s.position", "s.keyword", "s.headline", "s.questioner_name", "s.questioner_role", "s.department_id", "o.name as department_name"])
    .where("s.kind", "=", "exchange")
    .where(notVoided("s"));
  if (by.inquiryId !== undefined) q = q.where("s.inquiry_id", "=", by.inquiryId);
  if (by.segmentIds) {
    if (by.segmentIds.length === 0) return [];
    q = q.where("s.id", "in", by.segmentIds);
  }
  const segments = await q.orderBy("s.position").orderBy("s.id").execute();
  if (segments.length === 0) return [];
  const turns = await db
    .selectFrom("meeting_turns")
    .select(["segment_id", "kind", "position", "body_text", "speaker_name", "speaker_title"])
    .where("segment_id", "in", segments.map((s) => s.id))
    .where("kind", "in", ["question", "answer"])
    .orderBy("segment_id", (ob) => ob.asc().nullsFirst())
    .orderBy("position")
    .execute();
  return segments.map((s) => {
    const mine = turns.filter((t) => t.segment_id === s.id);
    const question = mine.find((t) => t.kind === "question");
    const answer = mine.find((t) => t.kind === "answer");
    return {
      ...s,
      question: question?.body_text ?? "",
      answer: answer?.body_text ?? "",
      responder: answer ? `${answer.speaker_title}${answer.speaker_name}` : "",
    };
  });
}

/**
 * The rectification items made from the given exchanges (meeting_segments ids): for the meeting page's
 * "已转整改事项 #n" marks.
 */
export async function itemsForSegments(db: Db, segmentIds: number[]): Promise<{ segment_id: number; item_id: number; number: number; status: ItemStatus }[]> {
  if (segmentIds.length === 0) return [];
  const rows = await db
    .selectFrom("rectification_items as i")
    .select(["source_id", "id", "number", "status"])
    .where(notVoided("i"))
    .where("source_type", "=", "exchange")
    .where("source_id", "in", segmentIds)
    .orderBy("number")
    .execute();
  return rows.map((r) => ({ segment_id: r.source_id!, item_id: r.id, number: r.number, status: r.status }));
}

/** Same for research findings. */
export async function itemsForFindings(db: Db, findingIds: number[]) {
  if (findingIds.length === 0) return [];
  const rows = await db
    .selectFrom("rectification_items as i")
    .select(["source_id", "id", "number", "status"])
    .where(notVoided("i"))
    .where("source_type", "=", "finding")
    .where("source_id", "in", findingIds)
    .orderBy("number")
    .execute();
  return rows.map((r) => ({ finding_id: r.source_id!, item_id: r.id, number: r.number, status: r.status }));
}

export interface ItemInput {
  problem: string;
  requirement: string;
  leadDepartmentId: number;
  coDepartmentIds: number[];
  deadline: string;
  /** N when the deadline is given as N 工作日 from today: `deadline` is then computed (workdayDeadline) */
  deadlineWorkdays?: number | null;
  sourceType: SourceType;
  sourceId: number | null;
}

/** The refusal for any change to the ledger of a closed (办结) inquiry, or null while it is open. */
export function closedInquiryRefusal(stage: string): { ok: false; field: string; message: string } | null {
  return stage === "closed" ? { ok: false, field: "_form", message: "该专题询问已办结，整改台账不能再变动" } : null;
}

/**
 * Locks an item for a change, in the lock order (decision 0175): a share lock on its inquiry (the change rests
 * on "the inquiry is not closed"; closeInquiry and the other writers of the inquiry lock it exclusively, item
 * changes of one inquiry do not wait for each other), then the item itself. Call it first in the transaction.
 */
export async function lockItem(trx: Kysely<Database>, itemId: number): Promise<void> {
  const owner = await trx.selectFrom("rectification_items").select("inquiry_id").where("id", "=", itemId).executeTakeFirst();
  await lockRowShared(trx, "inquiries", owner?.inquiry_id);
  await lockRow(trx, "rectification_items", itemId);
}

export async function openInquiry(db: Db, inquiryId: number): Promise<{ ok: true; title: string } | { ok: false; field: string; message: string }> {
  const inquiry = await db.selectFrom("inquiries").select(["id", "title", "stage", "voided_at"]).where("id", "=", inquiryId).executeTakeFirst();
  if (!inquiry) return { ok: false, field: "_form", message: "该专题询问不存在" };
  if (inquiry.voided_at) return { ok: false, field: "_form", message: "该专题询问已作废" };
  return closedInquiryRefusal(inquiry.stage) ?? { ok: true, title: inquiry.title };
}

/** Checks an item's fields; returns the first problem, or null. Departments must be active government organs. */
export async function checkItemInput(db: Db, inquiryId: number, input: ItemInput, isNew: boolean): Promise<{ field: string; message: string } | null> {
  const problem = input.problem.trim();
  if (!problem) return { field: "problem", message: "请填写问题" };
  if (problem.length > MAX_TEXT) return { field: "problem", message: `问题不能超过 ${MAX_TEXT} 个字` };
  if (input.requirement.length > MAX_TEXT) return { field: "requirement", message: `整改要求不能超过 ${MAX_TEXT} 个字` };
  if (isNew) {
    const deadline = deadlineProblem(await dateContext(db, inquiryId), "rectification", input.deadline);
    if (deadline) return { field: "deadline", message: deadline };
  }
  const co = [...new Set(input.coDepartmentIds)];
  if (co.includes(input.leadDepartmentId)) return { field: "coDepartmentIds", message: "牵头单位不能同时作为配合单位" };
  const leadProblem = await organizationsProblem(db, [input.leadDepartmentId], {
    kinds: RESPONDING_KINDS,
    activeOnly: true,
    message: "牵头单位须为启用中的人民政府或政府部门",
  });
  if (leadProblem) return { field: "leadDepartmentId", message: leadProblem };
  const coProblem = await organizationsProblem(db, co, { kinds: RESPONDING_KINDS, activeOnly: true, message: "配合单位须为启用中的人民政府或政府部门" });
  if (coProblem) return { field: "coDepartmentIds", message: coProblem };
  if (isNew && input.sourceType !== "manual") {
    if (!input.sourceId) return { field: "_form", message: "来源无效，请从询问会问答或调研问题线索重新选择" };
    if (input.sourceType === "plan") {
      const p = await db.selectFrom("action_plans").select("id").where("id", "=", input.sourceId).where("inquiry_id", "=", inquiryId).executeTakeFirst();
      if (!p) return { field: "_form", message: "所选行动计划不存在或不属于本次专题询问" };
    } else if (input.sourceType === "exchange") {
      const s = await db
        .selectFrom("meeting_segments")
        .select("id")
        .where("id", "=", input.sourceId)
        .where("inquiry_id", "=", inquiryId)
        .where("kind", "=", "exchange")
        .executeTakeFirst();
      if (!s) return { field: "_form", message: "所选询问会问答不存在或不属于本次专题询问" };
    } else {
      const f = await db.selectFrom("research_findings").select("id").where("id", "=", input.sourceId).where("inquiry_id", "=", inquiryId).executeTakeFirst();
      if (!f) return { field: "_form", message: "所选调研问题线索不存在或不属于本次专题询问" };
    }
  }
  return null;
}

/**
 * Inserts one checked item with its co-departments and first history entry; `plan` for an item from an action
 * plan. `stamp` is the 交办 (登记) instant from app/history/dates.server.ts stampEvent: a back-entered item keeps
 * its real date (created_at and its first history entry, marked); by default now.
 */
export async function insertItem(
  trx: Transaction<Database>,
  actor: Actor,
  inquiryId: number,
  input: ItemInput,
  eventAction: "created" | "imported" | "plan_imported",
  key: string | null = null,
  plan?: { label: string; paragraph: string },
  stamp: { at: string; backEntered: boolean } = { at: nowIso(), backEntered: false },
) {
  const now = stamp.at;
  // numbers are max + 1 within the inquiry: under the inquiry's lock (held already when the caller took it
  // first, as the lock order asks; decision 0175)
  await lockRow(trx, "inquiries", inquiryId);
  const max = await trx
    .selectFrom("rectification_items")
    .select((eb) => eb.fn.max<number | null>("number").as("n"))
    .where("inquiry_id", "=", inquiryId)
    .executeTakeFirst();
  const number = Number(max?.n ?? 0) + 1;
  const row = await trx
    .insertInto("rectification_items")
    .values({
      inquiry_id: inquiryId,
      number,
      problem: input.problem.trim(),
      requirement: input.requirement.trim(),
      lead_department_id: input.leadDepartmentId,
      deadline: input.deadline,
      original_deadline: input.deadline,
      deadline_workdays: input.deadlineWorkdays ?? null,
      status: "todo",
      source_type: input.sourceType,
      source_id: input.sourceType === "manual" ? null : input.sourceId,
      import_key: key,
      plan_label: plan?.label ?? "",
      plan_paragraph: plan?.paragraph ?? "",
      created_by: actor.id,
      created_at: now,
      updated_at: now,
    })
    // an imported row already in the ledger (the unique index on import_key) is not created again
    .onConflict((oc) => oc.doNothing())
    .returning("id")
    .executeTakeFirst();
  if (!row) return null;
  for (const orgId of new Set(input.coDepartmentIds)) {
    await trx.insertInto("rectification_codepartments").values({ item_id: row.id, organization_id: orgId }).execute();
  }
  await trx
    .insertInto("item_events")
    .values({
      item_id: row.id,
      action: eventAction,
      comment: `整改时限 ${formatDate(input.deadline)}${input.deadlineWorkdays ? `（${input.deadlineWorkdays} 个工作日）` : ""}`,
      actor_id: actor.id,
      actor_label: actor.label,
      at: now,
      back_entered: stamp.backEntered ? 1 : 0,
    })
    .execute();
  return { id: row.id, number };
}

/** The 交办 stamp of new items: in back-entry the real date, not before the meeting (issue 13). */
export function assignStamp(trx: Transaction<Database>, inquiryId: number, on: string | undefined) {
  return stampEvent(trx, inquiryId, on, "交办日期", (ctx) => ({ date: ctx.meetingDate, label: "询问会日期" }));
}

export async function createItem(db: Kysely<Database>, actor: Actor, inquiryId: number, given: ItemInput, opts: { on?: string } = {}): Promise<Result> {
  return writeTransaction(db, async (trx) => {
    await lockRow(trx, "inquiries", inquiryId);
    const inquiry = await openInquiry(trx, inquiryId);
    if (!inquiry.ok) return inquiry;
    let input = given;
    if (given.deadlineWorkdays) {
      // N 工作日 from today, by the loaded holiday arrangement (app/utils/workdays.ts)
      const due = await workdayDeadline(trx, given.deadlineWorkdays);
      if (!due.ok) return { ok: false, field: "deadlineWorkdays", message: due.message };
      input = { ...given, deadline: due.date };
    }
    const problem = await checkItemInput(trx, inquiryId, input, true);
    if (problem) return { ok: false, ...problem };
    const stamp = await assignStamp(trx, inquiryId, opts.on);
    if (!stamp.ok) return { ok: false, field: "on", message: stamp.message };
    const mark = auditMark(stamp);
    const made = await insertItem(trx, actor, inquiryId, input, "created", null, undefined, stamp);
    if (!made) return { ok: false, field: "_form", message: "该整改事项未能保存，请重试" };
    const { id, number } = made;
    await recordAudit(trx, actor, {
      action: "rectification.create",
      entityType: "rectification_item",
      entityId: id,
      summary: `${mark.prefix}「${inquiry.title}」交办整改事项 #${number}${mark.suffix}：${input.problem.trim().slice(0, 60)}`,
      after: { number, ...input, problem: input.problem.trim(), requirement: input.requirement.trim(), ...mark.after },
    });
    await advanceStage(trx, actor, inquiryId, "rectification", "first_item");
    return { ok: true, id };
  });
}

/** Staff correct an open item's problem, requirement and departments. The deadline moves only by extension. */
export async function updateItem(
  db: Kysely<Database>,
  actor: Actor,
  input: { id: number; version: number; problem: string; requirement: string; leadDepartmentId: number; coDepartmentIds: number[] },
): Promise<Result> {
  return writeTransaction(db, async (trx) => {
    await lockItem(trx, input.id);
    const before = await getItem(trx, input.id);
    if (!before) return { ok: false, field: "_form", message: "该整改事项不存在" };
    if (before.voided_at) return { ok: false, field: "_form", message: "该整改事项已作废，不能再办理" };
    const inquiry = await openInquiry(trx, before.inquiry_id);
    if (!inquiry.ok) return inquiry;
    if (before.version !== input.version) return { ok: false, field: "_form", message: CONFLICT };
    if (!nextItemStatus(before.status, "edit")) return { ok: false, field: "_form", message: refusal("edit", before.status) };
    const problem = await checkItemInput(trx, before.inquiry_id, { ...input, deadline: before.deadline, sourceType: "manual", sourceId: null }, false);
    if (problem) return { ok: false, ...problem };
    const now = nowIso();
    await trx
      .updateTable("rectification_items")
      .set({
        problem: input.problem.trim(),
        requirement: input.requirement.trim(),
        lead_department_id: input.leadDepartmentId,
        version: before.version + 1,
        updated_at: now,
      })
      .where("id", "=", input.id)
      .execute();
    await trx.deleteFrom("rectification_codepartments").where("item_id", "=", input.id).execute();
    for (const orgId of new Set(input.coDepartmentIds)) {
      await trx.insertInto("rectification_codepartments").values({ item_id: input.id, organization_id: orgId }).execute();
    }
    await trx.insertInto("item_events").values({ item_id: input.id, action: "edited", comment: "", actor_id: actor.id, actor_label: actor.label, at: now }).execute();
    await recordAudit(trx, actor, {
      action: "rectification.update",
      entityType: "rectification_item",
      entityId: input.id,
      summary: `修改整改事项 #${before.number}`,
      before: { problem: before.problem, requirement: before.requirement, leadDepartmentId: before.lead_department_id, coDepartmentIds: before.codepartment_ids },
      after: { problem: input.problem.trim(), requirement: input.requirement.trim(), leadDepartmentId: input.leadDepartmentId, coDepartmentIds: [...new Set(input.coDepartmentIds)] },
    });
    return { ok: true, id: input.id };
  });
}

/** Items of the inquiry's exchanges and findings, for the "new item" page's source lists. */
export async function sourceChoices(db: Db, inquiryId: number) {
  const exchanges = await exchangeRows(db, { inquiryId });
  const findings = await db
    .selectFrom("research_findings as f")
    .leftJoin("research_activities as a", "a.id", "f.activity_id")
    .select(["f.id", "f.text", "a.title as activity_title"])
    .where("f.inquiry_id", "=", inquiryId)
    .orderBy("f.id")
    .execute();
  const exItems = await itemsForSegments(db, exchanges.map((e) => e.id));
  const fItems = await itemsForFindings(db, findings.map((f) => f.id));
  return {
    exchanges: exchanges.map((e) => ({ ...e, items: exItems.filter((i) => i.segment_id === e.id) })),
    findings: findings.map((f) => ({ ...f, items: fItems.filter((i) => i.finding_id === f.id) })),
  };
}

/** The inquiry's items in number order, with their lead department: the choices of a form that names an item. */
export async function itemChoices(db: Db, inquiryId: number) {
  return db.selectFrom("rectification_items").select(["id", "number", "problem", "lead_department_id"]).where("inquiry_id", "=", inquiryId).orderBy("number").execute();
}
