import { writeTransaction } from "../../db/transactions";
import * as staffEvents from "../queue/events.server";
import type { Kysely } from "kysely";
import type { Database } from "../../db/schema";
import { recordAudit, type Actor } from "../audit.server";
import { formatDate, isCalendarDate, nowIso } from "../utils/time";
import { dateContext, deadlineProblem } from "../history/dates.server";
import { type Db, MAX_TEXT, nextItemStatus, refusal } from "./status.server";
import { getItem, lockItem, openInquiry } from "./items.server";
import { itemForWrite } from "./progress.server";
import type { Result } from "../utils/result";

/**
 * Deadline extensions (延期): the lead department asks, staff decide; the item's extension requests.
 */

export async function itemExtensions(db: Db, itemId: number) {
  return db
    .selectFrom("deadline_extensions as e")
    .leftJoin("users as r", "r.id", "e.requested_by")
    .leftJoin("users as d", "d.id", "e.decided_by")
    .select([
      "e.id",
      "e.old_deadline",
      "e.requested_deadline",
      "e.reason",
      "e.status",
      "e.decided_at",
      "e.decision_note",
      "e.created_at",
      "r.display_name as requested_by_name",
      "d.display_name as decided_by_name",
    ])
    .where("e.item_id", "=", itemId)
    .orderBy("e.id")
    .execute();
}

export async function requestExtension(
  db: Kysely<Database>,
  actor: Actor,
  input: { itemId: number; organizationId: number | null; requestedDeadline: string; reason: string },
): Promise<Result> {
  return writeTransaction(db, async (trx) => {
    // "one pending request per item" is decided under the item's lock
    const found = await itemForWrite(trx, input.itemId, { organizationId: input.organizationId, need: "lead", refusal: "只有牵头单位可以申请延期" });
    if (!found.ok) return found;
    const item = found.item;
    const inquiry = await openInquiry(trx, item.inquiry_id);
    if (!inquiry.ok) return inquiry;
    if (!nextItemStatus(item.status, "request_extension")) return { ok: false, field: "_form", message: refusal("request_extension", item.status) };
    if (!isCalendarDate(input.requestedDeadline)) return { field: "requestedDeadline", ok: false, message: "新的整改时限格式不正确，请按“年-月-日”填写" };
    if (input.requestedDeadline <= item.deadline) return { ok: false, field: "requestedDeadline", message: "新的整改时限须晚于现行整改时限" };
    const late = deadlineProblem(await dateContext(trx, item.inquiry_id), "extension", input.requestedDeadline);
    if (late) return { ok: false, field: "requestedDeadline", message: late };
    const reason = input.reason.trim();
    if (!reason) return { ok: false, field: "reason", message: "请填写延期理由" };
    if (reason.length > MAX_TEXT) return { ok: false, field: "reason", message: `延期理由不能超过 ${MAX_TEXT} 个字` };
    const pending = await trx.selectFrom("deadline_extensions").select("id").where("item_id", "=", item.id).where("status", "=", "pending").executeTakeFirst();
    if (pending) return { ok: false, field: "_form", message: "已有一份延期申请等待审批，审批后才能再次申请" };
    const now = nowIso();
    const row = await trx
      .insertInto("deadline_extensions")
      .values({ item_id: item.id, requested_by: actor.id, old_deadline: item.deadline, requested_deadline: input.requestedDeadline, reason, created_at: now })
      .returning("id")
      .executeTakeFirstOrThrow();
    await trx
      .insertInto("item_events")
      .values({ item_id: item.id, action: "extension_requested", comment: `申请延期至 ${formatDate(input.requestedDeadline)}：${reason}`, actor_id: actor.id, actor_label: actor.label, at: now })
      .execute();
    await recordAudit(trx, actor, {
      action: "rectification.extension_request",
      entityType: "deadline_extension",
      entityId: row.id,
      summary: `申请整改事项 #${item.number} 延期：${item.deadline} → ${input.requestedDeadline}`,
      after: { old_deadline: item.deadline, requested_deadline: input.requestedDeadline, reason },
    });
    await staffEvents.extensionRequested(trx, row.id, item.id);
    return { ok: true, id: row.id };
  });
}

export async function decideExtension(
  db: Kysely<Database>,
  actor: Actor,
  input: { extensionId: number; decision: "approve" | "deny"; note: string },
): Promise<Result> {
  return writeTransaction(db, async (trx) => {
    // the item first (its lock covers its requests), then the request is read again under it
    const owner = await trx.selectFrom("deadline_extensions").select("item_id").where("id", "=", input.extensionId).executeTakeFirst();
    if (owner) await lockItem(trx, owner.item_id);
    const ext = await trx.selectFrom("deadline_extensions").selectAll().where("id", "=", input.extensionId).executeTakeFirst();
    if (!ext) return { ok: false, field: "_form", message: "该延期申请不存在" };
    if (ext.status !== "pending") return { ok: false, field: "_form", message: "该延期申请已审批，请刷新页面查看结果" };
    const item = await getItem(trx, ext.item_id);
    if (!item) return { ok: false, field: "_form", message: "该整改事项不存在" };
    if (item.voided_at) return { ok: false, field: "_form", message: "该整改事项已作废，不能再办理" };
    const inquiry = await openInquiry(trx, item.inquiry_id);
    if (!inquiry.ok) return inquiry;
    if (!nextItemStatus(item.status, "decide_extension")) return { ok: false, field: "_form", message: refusal("decide_extension", item.status) };
    const note = input.note.trim();
    if (note.length > MAX_TEXT) return { ok: false, field: "note", message: `审批意见不能超过 ${MAX_TEXT} 个字` };
    if (input.decision === "deny" && !note) return { ok: false, field: "note", message: "不予批准时请填写审批意见" };
    const now = nowIso();
    const status = input.decision === "approve" ? "approved" : "denied";
    await trx.updateTable("deadline_extensions").set({ status, decided_by: actor.id, decided_at: now, decision_note: note }).where("id", "=", ext.id).execute();
    if (status === "approved") {
      await trx
        .updateTable("rectification_items")
        .set({ deadline: ext.requested_deadline, version: item.version + 1, updated_at: now })
        .where("id", "=", item.id)
        .execute();
    }
    await trx
      .insertInto("item_events")
      .values({
        item_id: item.id,
        action: status === "approved" ? "extension_approved" : "extension_denied",
        comment: status === "approved" ? `整改时限由 ${formatDate(item.deadline)} 改为 ${formatDate(ext.requested_deadline)}${note ? `；${note}` : ""}` : note,
        actor_id: actor.id,
        actor_label: actor.label,
        at: now,
      })
      .execute();
    await recordAudit(trx, actor, {
      action: status === "approved" ? "rectification.extension_approve" : "rectification.extension_deny",
      entityType: "deadline_extension",
      entityId: ext.id,
      summary: `${status === "approved" ? "批准" : "不予批准"}整改事项 #${item.number} 延期至 ${ext.requested_deadline}${note ? `：${note}` : ""}`,
      before: { status: ext.status, deadline: item.deadline },
      after: { status, deadline: status === "approved" ? ext.requested_deadline : item.deadline, note },
    });
    return { ok: true, id: ext.id };
  });
}

/** Whether the extension request belongs to the item: the guard of `decideExtension` on a posted id. */
export async function isExtensionOf(db: Db, itemId: number, extensionId: number): Promise<boolean> {
  const ext = await db.selectFrom("deadline_extensions").select("item_id").where("id", "=", extensionId).executeTakeFirst();
  return ext?.item_id === itemId;
}
