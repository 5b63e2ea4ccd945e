import { writeTransaction } from "../../db/transactions";
import * as staffEvents from "../queue/events.server";
import type { Kysely } from "kysely";
import { together } from "../../db/together";
import type { Database, ItemStatus } from "../../db/schema";
import { saveAttachments, type CheckedUpload } from "../attachments/attachments.server";
import { recordAudit, type Actor } from "../audit.server";
import type { RichText } from "../richtext/richtext.server";
import { dateInShanghai, nowIso } from "../utils/time";
import { ITEM_STATUS_LABELS, OPEN_ITEM_STATUSES } from "./labels";
import { dateContext, stampFor, BACK_ENTRY_MARK } from "../history/dates.server";
import { CONFLICT, type Db, MAX_TEXT, nextItemStatus, refusal } from "./status.server";
import { closedInquiryRefusal, getItem, lockItem, openInquiry } from "./items.server";
import type { Result } from "../utils/result";

/**
 * Progress and closure (销号): departments report progress with evidence and the lead department asks for
 * closure; staff close, return, carry over (结转) and undo. Also each item's history and reports.
 */

export async function itemHistory(db: Db, itemId: number) {
  return db.selectFrom("item_events").selectAll().where("item_id", "=", itemId).orderBy("id").execute();
}

export async function itemProgressReports(db: Db, itemId: number) {
  return db
    .selectFrom("progress_reports as p")
    .innerJoin("organizations as o", "o.id", "p.organization_id")
    .leftJoin("users as u", "u.id", "p.author_id")
    .select(["p.id", "p.kind", "p.body_html", "p.body_text", "p.created_at", "p.organization_id", "o.name as organization_name", "u.display_name as author_name"])
    .where("p.item_id", "=", itemId)
    .orderBy("p.id", "desc")
    .execute();
}

/** Whether an item has evidence: at least one progress report (of either kind) with an attachment. */
export async function hasEvidence(db: Db, itemId: number): Promise<boolean> {
  const row = await db
    .selectFrom("attachments as a")
    .innerJoin("progress_reports as p", "p.id", "a.owner_id")
    .select("a.id")
    .where("a.owner_type", "=", "progress_report")
    .where("p.item_id", "=", itemId)
    .limit(1)
    .executeTakeFirst();
  return Boolean(row);
}

export function roleOf(item: { lead_department_id: number; codepartment_ids: number[] }, organizationId: number | null): "lead" | "co" | null {
  if (organizationId === null) return null;
  if (item.lead_department_id === organizationId) return "lead";
  return item.codepartment_ids.includes(organizationId) ? "co" : null;
}

type LoadedItem = NonNullable<Awaited<ReturnType<typeof getItem>>>;

/**
 * The item a write acts on, read under its lock (decision 0175): refused when it does not exist or is voided
 * (作废, app/history/void.server.ts), and, with `who`, when the acting organisation lacks the role the write needs
 * ("lead", or "any" of lead and co-department; `refusal` says so in the form's words).
 */
export async function itemForWrite(
  trx: Db,
  itemId: number,
  who?: { organizationId: number | null; need: "lead" | "any"; refusal: string },
): Promise<{ ok: true; item: LoadedItem } | { ok: false; field: string; message: string }> {
  await lockItem(trx, itemId);
  const item = await getItem(trx, itemId);
  if (!item) return { ok: false, field: "_form", message: "该整改事项不存在" };
  if (item.voided_at) return { ok: false, field: "_form", message: "该整改事项已作废，不能再办理" };
  if (who) {
    const role = roleOf(item, who.organizationId);
    if (who.need === "lead" ? role !== "lead" : !role) return { ok: false, field: "_form", message: who.refusal };
  }
  return { ok: true, item };
}

/** One progress_reports row of the item, by the organisation, of `kind` (a progress report or a closure request). */
async function insertReport(
  trx: Db,
  item: { id: number; inquiry_id: number },
  actor: Actor,
  organizationId: number,
  kind: "progress" | "closure_request",
  body: RichText,
  at: string,
) {
  return trx
    .insertInto("progress_reports")
    .values({
      item_id: item.id,
      inquiry_id: item.inquiry_id,
      organization_id: organizationId,
      author_id: actor.id,
      kind,
      body_json: body.json,
      body_text: body.text,
      body_html: body.html,
      created_at: at,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
}

/**
 * A department's progress report (整改进展): the lead or a co-department, rich text and evidence files.
 * The first report moves 待整改 to 整改中. Appending needs no version: reports from several departments
 * do not conflict.
 */
export async function addProgressReport(
  db: Kysely<Database>,
  actor: Actor,
  input: { itemId: number; organizationId: number | null; body: RichText; files: CheckedUpload[] },
): Promise<Result> {
  // Statements that do not depend on each other share a round trip to the driver: under load each round
  // trip waits for the event loop, and the transaction holds the single writer all the while.
  return writeTransaction(db, async (trx) => {
    const found = await itemForWrite(trx, input.itemId, { organizationId: input.organizationId, need: "any", refusal: "只有牵头单位和配合单位可以报送该事项的整改进展" });
    if (!found.ok) return found;
    const item = found.item;
    // the item's query already read its inquiry's stage: no second query while holding the writer
    const closed = closedInquiryRefusal(item.inquiry_stage);
    if (closed) return closed;
    const next = nextItemStatus(item.status, "report_progress");
    if (!next) return { ok: false, field: "_form", message: refusal("report_progress", item.status) };
    if (!input.body.text) return { ok: false, field: "body", message: "请填写整改进展" };
    const now = nowIso();
    const report = await insertReport(trx, item, actor, input.organizationId!, "progress", input.body, now);
    await together(
      saveAttachments(trx, actor, { inquiryId: item.inquiry_id, type: "progress_report", id: report.id }, input.files),
      next !== item.status
        ? trx.updateTable("rectification_items").set({ status: next, version: item.version + 1, updated_at: now }).where("id", "=", item.id).execute()
        : Promise.resolve(),
      trx
        .insertInto("item_events")
        .values({ item_id: item.id, action: "progress", comment: input.files.length ? `附佐证材料 ${input.files.length} 个` : "", actor_id: actor.id, actor_label: actor.label, at: now })
        .execute(),
      recordAudit(trx, actor, {
        action: "rectification.progress",
        entityType: "progress_report",
        entityId: report.id,
        summary: `报送整改事项 #${item.number} 的整改进展${input.files.length ? `（佐证材料 ${input.files.length} 个）` : ""}`,
        before: { status: item.status },
        after: { status: next, body: input.body.text, files: input.files.map((f) => f.fileName) },
      }),
    );
    return { ok: true, id: report.id };
  });
}

/**
 * The lead department requests closure (申请销号) with its evidence: the request itself is a progress report
 * of kind closure_request; afterwards the item must hold at least one report with an evidence attachment.
 */
export async function requestClosure(
  db: Kysely<Database>,
  actor: Actor,
  input: { itemId: number; version: number; organizationId: number | null; body: RichText; files: CheckedUpload[] },
): Promise<Result> {
  return writeTransaction(db, async (trx) => {
    const found = await itemForWrite(trx, input.itemId, { organizationId: input.organizationId, need: "lead", refusal: "只有牵头单位可以申请销号" });
    if (!found.ok) return found;
    const item = found.item;
    const inquiry = await openInquiry(trx, item.inquiry_id);
    if (!inquiry.ok) return inquiry;
    if (item.version !== input.version) return { ok: false, field: "_form", message: CONFLICT };
    const next = nextItemStatus(item.status, "request_closure");
    if (!next) return { ok: false, field: "_form", message: refusal("request_closure", item.status) };
    if (!input.body.text) return { ok: false, field: "closureBody", message: "请说明整改完成情况" };
    if (input.files.length === 0 && !(await hasEvidence(trx, item.id))) {
      return { ok: false, field: "closureFiles", message: "申请销号须有佐证材料：请上传佐证附件（此前的整改进展中尚无佐证材料）" };
    }
    const now = nowIso();
    const report = await insertReport(trx, item, actor, input.organizationId!, "closure_request", input.body, now);
    await saveAttachments(trx, actor, { inquiryId: item.inquiry_id, type: "progress_report", id: report.id }, input.files);
    await trx
      .updateTable("rectification_items")
      .set({ status: next, return_comment: "", version: item.version + 1, updated_at: now })
      .where("id", "=", item.id)
      .execute();
    await trx.insertInto("item_events").values({ item_id: item.id, action: "closure_requested", comment: "", actor_id: actor.id, actor_label: actor.label, at: now }).execute();
    await recordAudit(trx, actor, {
      action: "rectification.request_closure",
      entityType: "rectification_item",
      entityId: item.id,
      summary: `牵头单位申请整改事项 #${item.number} 销号`,
      before: { status: item.status },
      after: { status: next, body: input.body.text, files: input.files.map((f) => f.fileName) },
    });
    await staffEvents.closureRequested(trx, item.id, now);
    return { ok: true, id: item.id };
  });
}

export type StaffItemAction = "close" | "return" | "carry_over" | "undo_close" | "undo_carry_over";

/** The question each irreversible-looking step asks before it is done (the page shows it with a confirm button). */
export const CONFIRM_QUESTIONS: Partial<Record<StaffItemAction, string>> = {
  close: "销号后该事项不再整改，将计入已销号统计。确认销号吗？",
  carry_over: "结转后该事项转入长效跟踪，不再计入本次询问的未完成事项。确认结转吗？",
  undo_close: "撤销销号后，该事项回到「整改中」，重新计入未完成事项。确认撤销吗？",
  undo_carry_over: "撤销结转后，该事项回到整改状态，重新计入未完成事项。确认撤销吗？",
};

/**
 * Staff decide on an item: close it (销号, only on a closure request and evidence), return the closure request
 * with a comment, carry it over (结转) with a reason; or undo a 销号 or 结转 with a reason (issue 13), while the
 * inquiry is not 办结. Close, carry-over and both undos need `confirmed` (else field "confirm" with the question).
 * In back-entry (补录, app/history/dates.server.ts) staff record a past 销号 or 结转 with its real date (`on`),
 * from any open status and without evidence in the system (the paper file holds it): the note is required.
 */
export async function staffActOnItem(
  db: Kysely<Database>,
  actor: Actor,
  input: { itemId: number; version: number; action: StaffItemAction; comment: string; confirmed?: boolean; on?: string },
): Promise<Result> {
  return writeTransaction(db, async (trx) => {
    const found = await itemForWrite(trx, input.itemId);
    if (!found.ok) return found;
    const item = found.item;
    const inquiry = await openInquiry(trx, item.inquiry_id);
    if (!inquiry.ok) return inquiry;
    if (item.version !== input.version) return { ok: false, field: "_form", message: CONFLICT };
    const ctx = await dateContext(trx, item.inquiry_id);
    const undo = input.action === "undo_close" || input.action === "undo_carry_over";
    let next: ItemStatus | null;
    // an undone 销号 goes back to 整改中: the work was done, its acceptance is what is withdrawn
    if (input.action === "undo_close") next = item.status === "closed" ? "in_progress" : null;
    else if (input.action === "undo_carry_over") next = item.status === "carried_over" ? await reopenedStatus(trx, item.id) : null;
    else if (ctx.backEntry && input.action === "close") next = OPEN_ITEM_STATUSES.includes(item.status) ? "closed" : null;
    else next = nextItemStatus(item.status, input.action);
    if (!next) {
      if (input.action === "undo_close") return { ok: false, field: "comment", message: `该事项当前状态为「${ITEM_STATUS_LABELS[item.status]}」，未销号，不能撤销销号` };
      if (input.action === "undo_carry_over") return { ok: false, field: "comment", message: `该事项当前状态为「${ITEM_STATUS_LABELS[item.status]}」，未结转，不能撤销结转` };
      return { ok: false, field: "_form", message: refusal(input.action, item.status) };
    }
    const comment = input.comment.trim();
    if (comment.length > MAX_TEXT) return { ok: false, field: "comment", message: `意见不能超过 ${MAX_TEXT} 个字` };
    if (input.action === "return" && !comment) return { ok: false, field: "comment", message: "退回时请填写意见" };
    if (input.action === "carry_over" && !comment) return { ok: false, field: "comment", message: "结转时请填写结转理由" };
    if (undo && !comment) return { ok: false, field: "comment", message: input.action === "undo_close" ? "撤销销号时请填写理由" : "撤销结转时请填写理由" };
    if (ctx.backEntry && input.action === "close" && !comment) return { ok: false, field: "comment", message: "补录销号时请填写销号依据（如销号文件、佐证材料的名称）" };
    if (input.action === "close" && !ctx.backEntry && !(await hasEvidence(trx, item.id))) {
      return { ok: false, field: "_form", message: "该事项尚无附佐证材料的整改进展，不能销号" };
    }
    // the real date of a back-entered 销号 or 结转: not before the meeting (nor later than today)
    const stamped = input.action === "close" || input.action === "carry_over";
    const stamp = stamped
      ? stampFor(ctx, input.on, input.action === "close" ? "销号日期" : "结转日期", { date: ctx.meetingDate, label: "询问会日期" })
      : ({ ok: true, at: nowIso(), backEntered: false } as const);
    if (!stamp.ok) return { ok: false, field: "on", message: stamp.message };
    const question = CONFIRM_QUESTIONS[input.action];
    if (question && !input.confirmed) return { ok: false, field: "confirm", message: question };
    const now = nowIso();
    const changes: Record<string, unknown> = { status: next, version: item.version + 1, updated_at: now };
    if (input.action === "close") Object.assign(changes, { closed_at: stamp.at, closed_by: actor.id, closing_note: comment });
    if (input.action === "return") changes.return_comment = comment;
    if (input.action === "carry_over") changes.carried_over_reason = comment;
    if (input.action === "undo_close") Object.assign(changes, { closed_at: null, closed_by: null, closing_note: "" });
    if (input.action === "undo_carry_over") changes.carried_over_reason = "";
    await trx.updateTable("rectification_items").set(changes).where("id", "=", item.id).execute();
    const event = EVENT_OF[input.action];
    await trx
      .insertInto("item_events")
      .values({ item_id: item.id, action: event, comment, actor_id: actor.id, actor_label: actor.label, at: stamp.at, back_entered: stamp.backEntered ? 1 : 0 })
      .execute();
    const verb = VERB_OF[input.action];
    await recordAudit(trx, actor, {
      action: `rectification.${input.action}`,
      entityType: "rectification_item",
      entityId: item.id,
      summary: `${stamp.backEntered ? BACK_ENTRY_MARK : ""}整改事项 #${item.number} ${verb}${stamp.backEntered ? `（${dateInShanghai(stamp.at)}）` : ""}${comment ? `：${comment.slice(0, 80)}` : ""}`,
      before: { status: item.status, closed_at: item.closed_at, carried_over_reason: item.carried_over_reason },
      after: { status: next, comment, ...(stamp.backEntered ? { backEntered: true, on: dateInShanghai(stamp.at) } : {}) },
    });
    return { ok: true, id: item.id };
  });
}

const EVENT_OF: Record<StaffItemAction, string> = {
  close: "closed",
  return: "returned",
  carry_over: "carried_over",
  undo_close: "close_undone",
  undo_carry_over: "carry_over_undone",
};
const VERB_OF: Record<StaffItemAction, string> = {
  close: "销号",
  return: "退回销号申请",
  carry_over: "结转",
  undo_close: "撤销销号",
  undo_carry_over: "撤销结转",
};

/** Where an undone 销号 or 结转 returns the item: 整改中 once a department reported, else 待整改. */
async function reopenedStatus(trx: Db, itemId: number): Promise<ItemStatus> {
  const report = await trx.selectFrom("progress_reports").select("id").where("item_id", "=", itemId).limit(1).executeTakeFirst();
  return report ? "in_progress" : "todo";
}
