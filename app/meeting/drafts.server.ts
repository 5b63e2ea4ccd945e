import { recordAudit, type Actor } from "../audit.server";
import { nowIso } from "../utils/time";
import type { DB } from "./setup.server";
import type { Result } from "../utils/result";
/**
 * Server-side drafts of the meeting entry form, per user and meeting, so an interrupted entry is restored.
 */

/** The largest draft the entry form may store (JSON characters). */
export const MAX_DRAFT_CHARS = 200_000;

/**
 * The entry form's state, saved as the user types so a reload, a closed tab or a crash loses nothing. Drafts are
 * the typist's scratch pad, not part of the record, but every change of state is audited (issue 16): each save
 * writes `meeting.draft_save` with the draft's size (not its text, which reaches the log with the saved exchange)
 * in the same transaction.
 */
export async function saveDraft(db: DB, actor: Actor, userId: number, meetingId: number, key: string, content: string): Promise<Result> {
  if (!/^[a-z0-9_-]{1,40}$/.test(key)) return { ok: false, field: "draftKey", message: "草稿标识无效" };
  if (content.length > MAX_DRAFT_CHARS) return { ok: false, field: "content", message: "草稿内容过长，请先保存本轮问答" };
  try {
    JSON.parse(content);
  } catch {
    return { ok: false, field: "content", message: "草稿格式无法识别" };
  }
  const now = nowIso();
  return db.transaction().execute(async (trx) => {
    const before = await trx
      .selectFrom("meeting_drafts")
      .select(["id", "content_json"])
      .where("user_id", "=", userId)
      .where("meeting_id", "=", meetingId)
      .where("draft_key", "=", key)
      .executeTakeFirst();
    const row = await trx
      .insertInto("meeting_drafts")
      .values({ user_id: userId, meeting_id: meetingId, draft_key: key, content_json: content, updated_at: now })
      .onConflict((oc) => oc.columns(["user_id", "meeting_id", "draft_key"]).doUpdateSet({ content_json: content, updated_at: now }))
      .returning("id")
      .executeTakeFirstOrThrow();
    await recordAudit(trx, actor, {
      action: "meeting.draft_save",
      entityType: "meeting_draft",
      entityId: row.id,
      summary: `自动保存询问会录入草稿（${content.length} 字符）`,
      before: before ? { meeting_id: meetingId, draft_key: key, chars: before.content_json.length } : undefined,
      after: { meeting_id: meetingId, draft_key: key, chars: content.length },
    });
    return { ok: true as const, id: row.id };
  });
}

export async function getDraft(db: DB, userId: number, meetingId: number, key: string) {
  return db
    .selectFrom("meeting_drafts")
    .select(["content_json", "updated_at"])
    .where("user_id", "=", userId)
    .where("meeting_id", "=", meetingId)
    .where("draft_key", "=", key)
    .executeTakeFirst();
}

/** Discards the typist's draft; audited (`meeting.draft_discard`) when there was one. */
export async function clearDraft(db: DB, actor: Actor, userId: number, meetingId: number, key: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const gone = await trx
      .deleteFrom("meeting_drafts")
      .where("user_id", "=", userId)
      .where("meeting_id", "=", meetingId)
      .where("draft_key", "=", key)
      .returning(["id", "content_json"])
      .executeTakeFirst();
    if (!gone) return;
    await recordAudit(trx, actor, {
      action: "meeting.draft_discard",
      entityType: "meeting_draft",
      entityId: gone.id,
      summary: "放弃询问会录入草稿",
      before: { meeting_id: meetingId, draft_key: key, chars: gone.content_json.length },
    });
  });
}
