import * as staffEvents from "../queue/events.server";
import type { Kysely } from "kysely";
import type { Database } from "../../db/schema";
import { saveAttachments, type CheckedUpload } from "../attachments/attachments.server";
import { recordAudit, type Actor } from "../audit.server";
import type { RichText } from "../richtext/richtext.server";
import { nowIso } from "../utils/time";
import type { AnswerState } from "./labels";
import { getOutlineHead } from "./drafting.server";
import { parseSnapshot } from "./versions.server";
import { ANSWER_CONFLICT, guarded, refuse, Refused } from "./workflow.server";
import type { Result } from "../utils/result";
/**
 * 书面准备答复: after the outline is issued, each responding department writes one preparation answer per
 * question asked of it, before the meeting; staff mark answers read.
 */

/**
 * Whether an inquiry still expects written preparation answers (书面准备答复): they are written for the meeting,
 * so they are overtaken once the inquiry reaches its meeting stage or the meeting date has passed (Asia/Shanghai).
 * One rule for the department's home, /my and the staff queue (issue 12).
 */
export const PREPARATION_STAGES = ["plan", "research", "outline"] as const;
export function preparationOpen(inquiry: { stage: string; meeting_date: string | null }, today: string): boolean {
  return (PREPARATION_STAGES as readonly string[]).includes(inquiry.stage) && (inquiry.meeting_date === null || inquiry.meeting_date >= today);
}

/** The issued version's questions addressed to one department (never another's), each with its answer state. */
export async function issuedQuestionsFor(db: Kysely<Database>, inquiryId: number, departmentId: number) {
  const head = await getOutlineHead(db, inquiryId);
  if (!head?.outline_issued_version_id) return null;
  const version = await db.selectFrom("outline_versions").select(["id", "number", "snapshot_json", "issued_at"]).where("id", "=", head.outline_issued_version_id).executeTakeFirst();
  if (!version) return null;
  const snapshot = parseSnapshot(version.snapshot_json);
  let n = 0;
  const numbered = snapshot.keywords.flatMap((k) => k.questions.map((q) => ({ number: ++n, keyword: k.keyword, headline: k.headline, question: q })));
  const mine = numbered.filter((x) => x.question.departmentId === departmentId);
  const answers = mine.length
    ? await db
        .selectFrom("preparation_answers")
        .select(["question_id", "status", "submitted_at", "updated_at"])
        .where("question_id", "in", mine.map((x) => x.question.id))
        .where("department_id", "=", departmentId)
        .execute()
    : [];
  return {
    inquiry: { id: head.id, title: head.title, meeting_date: head.meeting_date },
    version: { number: version.number, issued_at: version.issued_at },
    questions: mine.map((x) => {
      const a = answers.find((r) => r.question_id === x.question.id);
      return { ...x, answerState: (a?.status ?? "none") as AnswerState, submitted_at: a?.submitted_at ?? null, updated_at: a?.updated_at ?? null };
    }),
  };
}

/** The issued version's entry for one question, if it was issued (department scope is checked by the caller). */
export async function issuedQuestion(db: Kysely<Database>, inquiryId: number, questionId: number) {
  const head = await getOutlineHead(db, inquiryId);
  if (!head?.outline_issued_version_id) return null;
  const version = await db.selectFrom("outline_versions").select(["number", "snapshot_json"]).where("id", "=", head.outline_issued_version_id).executeTakeFirst();
  if (!version) return null;
  let n = 0;
  for (const k of parseSnapshot(version.snapshot_json).keywords) {
    for (const q of k.questions) {
      n++;
      if (q.id === questionId) return { number: n, keyword: k.keyword, headline: k.headline, question: q, versionNumber: version.number };
    }
  }
  return null;
}

/** Per question of an inquiry: whether its department has a preparation answer (staff never see a draft's text). */
export async function answerStates(db: Kysely<Database>, inquiryId: number) {
  const rows = await db.selectFrom("preparation_answers").select(["question_id", "status", "submitted_at"]).where("inquiry_id", "=", inquiryId).execute();
  return new Map(rows.map((r) => [r.question_id, { state: r.status as AnswerState, submitted_at: r.submitted_at }]));
}

export async function getPreparationAnswer(db: Kysely<Database>, questionId: number) {
  return db.selectFrom("preparation_answers").selectAll().where("question_id", "=", questionId).executeTakeFirst();
}

/**
 * A department's written preparation answer to one issued question. Only the department the issued version
 * addresses the question to may write it (the caller checks the role; this checks the scope again). A draft
 * may be saved while nothing is submitted; a submitted answer can be updated (it stays submitted).
 * `version` is the answer's version the writer saw, 0 when there was none.
 */
export async function savePreparationAnswer(
  db: Kysely<Database>,
  actor: Actor,
  input: { inquiryId: number; questionId: number; departmentId: number; version: number; answer: RichText; submit: boolean; files: CheckedUpload[] },
): Promise<Result> {
  const issued = await issuedQuestion(db, input.inquiryId, input.questionId);
  if (!issued) return { ok: false, field: "_form", message: "该问题不在已下发的询问提纲中" };
  if (issued.question.departmentId !== input.departmentId) return { ok: false, field: "_form", message: "该问题不是下发给本单位的，不能答复" };
  return guarded(() =>
    db.transaction().execute(async (trx) => {
      const before = await trx.selectFrom("preparation_answers").selectAll().where("question_id", "=", input.questionId).executeTakeFirst();
      if (before && before.department_id !== input.departmentId) refuse("_form", "该问题的书面准备答复由其他单位撰写，本单位不能修改");
      if ((before?.version ?? 0) !== input.version) throw new Refused("_form", ANSWER_CONFLICT, true);
      if (!input.submit && before?.status === "submitted") refuse("_form", "书面准备答复已提交，不能改回草稿；如需修改，请直接修改后再次提交");
      if (input.submit && !input.answer.text) refuse("answer", "请填写书面准备答复后再提交");
      const now = nowIso();
      const status = input.submit ? "submitted" : "draft";
      let id: number;
      if (before) {
        await trx
          .updateTable("preparation_answers")
          .set({
            answer_json: input.answer.json,
            answer_text: input.answer.text,
            answer_html: input.answer.html,
            status,
            submitted_at: input.submit ? now : before.submitted_at,
            // an updated answer is new to the staff: it waits to be read again
            read_at: null,
            read_by: null,
            author_id: actor.id,
            version: before.version + 1,
            updated_at: now,
          })
          .where("id", "=", before.id)
          .execute();
        id = before.id;
      } else {
        id = (
          await trx
            .insertInto("preparation_answers")
            .values({
              question_id: input.questionId,
              inquiry_id: input.inquiryId,
              department_id: input.departmentId,
              answer_json: input.answer.json,
              answer_text: input.answer.text,
              answer_html: input.answer.html,
              status,
              submitted_at: input.submit ? now : null,
              author_id: actor.id,
              created_at: now,
              updated_at: now,
            })
            .returning("id")
            .executeTakeFirstOrThrow()
        ).id;
      }
      if (input.files.length) await saveAttachments(trx, actor, { inquiryId: input.inquiryId, type: "preparation_answer", id }, input.files);
      await recordAudit(trx, actor, {
        action: input.submit ? (before?.status === "submitted" ? "outline.answer_update" : "outline.answer_submit") : "outline.answer_draft",
        entityType: "preparation_answer",
        entityId: id,
        summary: `${input.submit ? (before?.status === "submitted" ? "更新" : "提交") : "保存"}书面准备答复${input.submit ? "" : "草稿"}（第 ${issued.number} 题：${issued.question.text.slice(0, 30)}）`,
        before: before ? { status: before.status, answer: before.answer_text } : undefined,
        after: { status, answer: input.answer.text, files: input.files.map((f) => f.fileName) },
      });
      if (input.submit) await staffEvents.preparationAnswerSubmitted(trx, id, now);
      return { ok: true as const, id };
    }),
  );
}

/**
 * Staff mark a submitted preparation answer read (it then leaves 待我办理). `version` is the answer's version the
 * reader saw: an answer updated meanwhile is new to them and stays unread. Audited.
 */
export async function markPreparationAnswerRead(db: Kysely<Database>, actor: Actor, input: { questionId: number; version: number }): Promise<Result> {
  return db.transaction().execute(async (trx) => {
    const answer = await trx.selectFrom("preparation_answers").selectAll().where("question_id", "=", input.questionId).executeTakeFirst();
    if (!answer || answer.status !== "submitted") return { ok: false, field: "_form", message: "该问题尚无已提交的书面准备答复" };
    if (answer.version !== input.version) return { ok: false, field: "_form", message: "应询部门刚刚更新了书面准备答复，请阅读更新后的内容" };
    if (answer.read_at) return { ok: true, id: answer.id };
    const now = nowIso();
    await trx.updateTable("preparation_answers").set({ read_at: now, read_by: actor.id }).where("id", "=", answer.id).execute();
    await recordAudit(trx, actor, {
      action: "outline.answer_read",
      entityType: "preparation_answer",
      entityId: answer.id,
      summary: `阅知书面准备答复（问题 #${input.questionId}）`,
      after: { read_at: now },
    });
    return { ok: true, id: answer.id };
  });
}
