import { writeTransaction } from "../../db/transactions";
import { inLiveWork } from "../history/void.server";
import type { Kysely, Transaction } from "kysely";
import { inquiryManagerIds } from "../policy.server";
import type { Database } from "../../db/schema";
import { recordAudit, type Actor } from "../audit.server";
import { nowIso } from "../utils/time";

/** The notification centre: a user's own notifications (made by triggers and by the reminder job). */
export async function unreadCount(db: Kysely<Database>, userId: number): Promise<number> {
  const row = await db
    .selectFrom("notifications")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("user_id", "=", userId)
    .where("read_at", "is", null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function listNotifications(db: Kysely<Database>, userId: number, opts: { unreadOnly: boolean; page: number; pageSize: number }) {
  let q = db.selectFrom("notifications").where("user_id", "=", userId);
  if (opts.unreadOnly) q = q.where("read_at", "is", null);
  const [{ total }] = await q.select((eb) => eb.fn.countAll<number>().as("total")).execute();
  const rows = await q
    .select(["id", "kind", "title", "link", "read_at", "created_at"])
    .orderBy("id", "desc")
    .limit(opts.pageSize)
    .offset((opts.page - 1) * opts.pageSize)
    .execute();
  return { rows, total: Number(total) };
}

/** Marks one (or, with id null, every) unread notification of the user as read. Only the user's own. */
export async function markRead(db: Kysely<Database>, actor: Actor & { id: number }, id: number | null): Promise<number> {
  return writeTransaction(db, async (trx) => {
    let q = trx.updateTable("notifications").set({ read_at: nowIso() }).where("user_id", "=", actor.id).where("read_at", "is", null);
    if (id !== null) q = q.where("id", "=", id);
    const result = await q.executeTakeFirst();
    const changed = Number(result.numUpdatedRows ?? 0);
    if (changed > 0) {
      await recordAudit(trx, actor, {
        action: id === null ? "notification.read_all" : "notification.read",
        entityType: "notification",
        entityId: id,
        summary: id === null ? `将 ${changed} 条通知标为已读` : "将一条通知标为已读",
      });
    }
    return changed;
  });
}

export interface NewNotification {
  kind: string;
  title: string;
  link: string;
  /**
   * Makes the notification once only per account (unique with user_id): the event and its record, e.g.
   * `survey_submitted:12:2026-11-29T02:00:00.000Z`. A later event of the same kind gets its own key.
   */
  dedupeKey: string;
}

async function insertFor(trx: Transaction<Database>, userIds: number[], n: NewNotification): Promise<number> {
  if (userIds.length === 0) return 0;
  const now = nowIso();
  const result = await trx
    .insertInto("notifications")
    .values(userIds.map((user_id) => ({ user_id, kind: n.kind, title: n.title.slice(0, 300), link: n.link, dedupe_key: n.dedupeKey, created_at: now })))
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0);
}

/**
 * Notifies the staff who manage an inquiry (policy: inquiryManagerIds, docs/decisions/0050) inside the
 * transaction that makes the change, once per account and key. Returns how many were created.
 */
export async function notifyManagers(trx: Transaction<Database>, inquiryId: number, n: NewNotification): Promise<number> {
  // a record of past work (补录) or a voided inquiry notifies no one (issue 13)
  const live = await trx.selectFrom("inquiries").select("id").where("id", "=", inquiryId).where(inLiveWork("inquiries.id")).executeTakeFirst();
  if (!live) return 0;
  return insertFor(trx, await inquiryManagerIds(trx, inquiryId), n);
}

/** Notifies every active account of an organisation (a department, a county congress, the government). */
export async function notifyOrganization(trx: Transaction<Database>, organizationId: number, n: NewNotification): Promise<number> {
  const users = await trx.selectFrom("users").select("id").where("organization_id", "=", organizationId).where("active", "=", 1).execute();
  return insertFor(trx, users.map((u) => u.id), n);
}
