import { saveAttachments, type CheckedUpload } from "../attachments/attachments.server";
import { recordAudit, type Actor } from "../audit.server";
import type { RichText } from "../richtext/richtext.server";
import { deadlineLight } from "../utils/deadline";
import { nowIso, todayInShanghai } from "../utils/time";
import { dateContext, deadlineProblem } from "../history/dates.server";
import { type DB, isRespondingKind } from "./setup.server";
import type { Result } from "../utils/result";
/**
 * Written replies (书面答复) owed after the meeting: created by staff with a due date, answered by the
 * department, listed with a deadline light.
 */

const REPLY_CONFLICT = "该书面答复已被他人修改或已提交，请刷新页面查看最新状态。";
/** Days before its due date at which an open written reply turns yellow. */
export const WRITTEN_REPLY_NEAR_DAYS = 5;

export async function createWrittenReply(
  db: DB,
  actor: Actor,
  input: { inquiryId: number; segmentId: number | null; departmentId: number; questionText: string; dueDate: string },
  today: string = todayInShanghai(),
): Promise<Result> {
  if (!input.questionText.trim()) return { ok: false, field: "questionText", message: "请填写需要书面答复的问题" };
  // the one deadline rule: today in live work, the meeting date in back-entry
  const late = deadlineProblem(await dateContext(db, input.inquiryId, today), "written_reply", input.dueDate);
  if (late) return { ok: false, field: "dueDate", message: late };
  if (!(await isRespondingKind(db, input.departmentId))) return { ok: false, field: "departmentId", message: "请选择答复部门" };
  return db.transaction().execute(async (trx): Promise<Result> => {
    const inquiry = await trx.selectFrom("inquiries").select(["id", "title"]).where("id", "=", input.inquiryId).executeTakeFirst();
    if (!inquiry) return { ok: false, field: "_form", message: "该专题询问不存在" };
    if (input.segmentId !== null) {
      const s = await trx.selectFrom("meeting_segments").select("inquiry_id").where("id", "=", input.segmentId).executeTakeFirst();
      if (!s || s.inquiry_id !== input.inquiryId) return { ok: false, field: "_form", message: "该条记录不属于本次询问" };
    }
    const row = await trx
      .insertInto("written_replies")
      .values({
        inquiry_id: input.inquiryId,
        segment_id: input.segmentId,
        department_id: input.departmentId,
        question_text: input.questionText.trim(),
        due_date: input.dueDate,
        created_by: actor.id,
        created_at: nowIso(),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const org = await trx.selectFrom("organizations").select("name").where("id", "=", input.departmentId).executeTakeFirstOrThrow();
    await recordAudit(trx, actor, {
      action: "written_reply.create",
      entityType: "written_reply",
      entityId: row.id,
      summary: `交${org.name}书面答复（期限 ${input.dueDate}）：${input.questionText.trim().slice(0, 60)}`,
      after: { department_id: input.departmentId, due_date: input.dueDate, question: input.questionText.trim(), segment_id: input.segmentId },
    });
    return { ok: true, id: row.id };
  });
}

const replyColumns = [
  "w.id",
  "w.segment_id",
  "w.inquiry_id",
  "w.department_id",
  "w.question_text",
  "w.due_date",
  "w.answer_json",
  "w.answer_text",
  "w.answer_html",
  "w.status",
  "w.answered_at",
  "w.version",
  "w.created_at",
  "o.name as department_name",
  "i.title as inquiry_title",
] as const;

function replyQuery(db: DB) {
  return db
    .selectFrom("written_replies as w")
    .innerJoin("organizations as o", "o.id", "w.department_id")
    .innerJoin("inquiries as i", "i.id", "w.inquiry_id")
    .select(replyColumns);
}

function withReplyLight<T extends { due_date: string; status: "open" | "answered" }>(row: T, today: string) {
  return { ...row, ...deadlineLight(row.due_date, today, WRITTEN_REPLY_NEAR_DAYS, row.status === "answered") };
}

export async function getWrittenReply(db: DB, id: number) {
  const row = await replyQuery(db).where("w.id", "=", id).executeTakeFirst();
  return row ? withReplyLight(row, todayInShanghai()) : undefined;
}

export async function listInquiryWrittenReplies(db: DB, inquiryId: number) {
  const today = todayInShanghai();
  return (await replyQuery(db).where("w.inquiry_id", "=", inquiryId).orderBy("w.due_date").orderBy("w.id").execute()).map((r) => withReplyLight(r, today));
}

export async function listDepartmentWrittenReplies(db: DB, organizationId: number) {
  const today = todayInShanghai();
  return (await replyQuery(db).where("w.department_id", "=", organizationId).orderBy("w.status", "desc").orderBy("w.due_date").execute()).map((r) =>
    withReplyLight(r, today),
  );
}

/** The department answers in writing (once; with attachments). */
export async function answerWrittenReply(
  db: DB,
  actor: Actor,
  input: { id: number; version: number; organizationId: number; answer: RichText; files: CheckedUpload[] },
): Promise<Result> {
  if (!input.answer.text) return { ok: false, field: "answer", message: "请填写书面答复内容" };
  return db.transaction().execute(async (trx): Promise<Result> => {
    const before = await trx.selectFrom("written_replies").selectAll().where("id", "=", input.id).executeTakeFirst();
    if (!before) return { ok: false, field: "_form", message: "该书面答复事项不存在" };
    if (before.department_id !== input.organizationId) return { ok: false, field: "_form", message: "只能答复本单位的事项" };
    if (before.version !== input.version || before.status !== "open") return { ok: false, field: "_form", message: REPLY_CONFLICT };
    const now = nowIso();
    await trx
      .updateTable("written_replies")
      .set({
        answer_json: input.answer.json,
        answer_text: input.answer.text,
        answer_html: input.answer.html,
        status: "answered",
        answered_at: now,
        answered_by: actor.id,
        version: before.version + 1,
      })
      .where("id", "=", input.id)
      .execute();
    if (input.files.length) await saveAttachments(trx, actor, { inquiryId: before.inquiry_id, type: "written_reply", id: input.id }, input.files);
    await recordAudit(trx, actor, {
      action: "written_reply.answer",
      entityType: "written_reply",
      entityId: input.id,
      summary: `提交书面答复 #${input.id}`,
      before: { status: before.status },
      after: { status: "answered", answer: input.answer.text },
    });
    return { ok: true, id: input.id };
  });
}

/** The written replies owed for a segment of the record, with the department that owes each. */
export async function segmentWrittenReplies(db: DB, segmentId: number) {
  return db
    .selectFrom("written_replies as w")
    .innerJoin("organizations as o", "o.id", "w.department_id")
    .select(["w.id", "w.due_date", "w.status", "o.name as department_name"])
    .where("w.segment_id", "=", segmentId)
    .orderBy("w.id")
    .execute();
}
