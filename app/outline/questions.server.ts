import { getRosterMember, resolveQuestioner } from "../roster/roster.server";
import type { Kysely } from "kysely";
import type { Database } from "../../db/schema";
import { recordAudit, type Actor } from "../audit.server";
import { nowIso } from "../utils/time";
import { questionerLabel } from "./labels";
import { outlineChange, type OutlineHead, refuse, type Trx } from "./workflow.server";
import { findKeyword } from "./keywords.server";
import { describeSources, moved, questionIds, renumber } from "./drafting.server";
import type { Result } from "../utils/result";

/**
 * 询问提纲 questions: add, edit, delete, reorder and move between keywords, with their sources (research
 * findings, county reports), the department asked and the questioner.
 */

/**
 * Who asks: nobody yet (待定), a roster entry (组成人员名册), a member account (a member's own proposal), or a
 * person typed by name — matched against the roster, or added to it with `addToRoster`.
 */
export type QuestionerInput =
  | { kind: "none" }
  | { kind: "roster"; rosterId: number }
  | { kind: "member"; userId: number }
  | { kind: "named"; name: string; role: string; addToRoster?: boolean };

export interface QuestionInput {
  keywordId: number;
  text: string;
  departmentId: number;
  questioner: QuestionerInput;
  sources: { type: "finding" | "survey_report"; id: number }[];
  staffNotes: string;
}

async function resolveQuestion(trx: Trx, actor: Actor, inquiryId: number, input: QuestionInput) {
  await findKeyword(trx, inquiryId, input.keywordId, "keywordId");
  const dept = await trx
    .selectFrom("organizations")
    .select(["id", "name", "kind", "active"])
    .where("id", "=", input.departmentId)
    .executeTakeFirst();
  if (!dept || (dept.kind !== "government" && dept.kind !== "department")) refuse("departmentId", "应询部门只能选择人民政府或政府部门");
  let questioner = { questioner_user_id: null as number | null, questioner_name: "", questioner_role: "" };
  if (input.questioner.kind === "roster") {
    const entry = await getRosterMember(trx, input.questioner.rosterId);
    if (!entry || !entry.active) refuse("questionerId", "所选询问人不在组成人员名册中，请刷新页面后重新选择");
    questioner = { questioner_user_id: entry.user_id, questioner_name: entry.name, questioner_role: entry.title };
  } else if (input.questioner.kind === "member") {
    const member = await trx
      .selectFrom("users")
      .select(["id", "display_name", "title"])
      .where("id", "=", input.questioner.userId)
      .where("role", "=", "member")
      .where("active", "=", 1)
      .executeTakeFirst();
    if (!member) refuse("questionerId", "所选询问人不是启用中的委员/代表账号");
    questioner = { questioner_user_id: member.id, questioner_name: member.display_name, questioner_role: member.title };
  } else if (input.questioner.kind === "named") {
    const who = await resolveQuestioner(trx, actor, { name: input.questioner.name, role: input.questioner.role, addToRoster: !!input.questioner.addToRoster });
    questioner = { questioner_user_id: who.userId, questioner_name: who.name, questioner_role: who.role };
  }
  const sources = dedupeSources(input.sources);
  const labels = await describeSources(trx, inquiryId, sources);
  for (const s of sources) {
    if (!labels.has(`${s.type}:${s.id}`)) refuse("sources", "所选来源不属于本次专题询问，请刷新页面后重新选择");
  }
  if (sources.some((s) => s.type === "survey_report")) {
    const reports = await trx
      .selectFrom("survey_delegations")
      .select(["id", "status"])
      .where("id", "in", sources.filter((s) => s.type === "survey_report").map((s) => s.id))
      .execute();
    if (reports.some((r) => r.status !== "submitted" && r.status !== "accepted")) refuse("sources", "只能引用已提交的县区调研报告");
  }
  return { dept, questioner, sources, labels };
}

function dedupeSources(sources: QuestionInput["sources"]) {
  const seen = new Set<string>();
  return sources.filter((s) => {
    const key = `${s.type}:${s.id}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

async function writeSources(trx: Trx, questionId: number, sources: QuestionInput["sources"]) {
  await trx.deleteFrom("outline_question_sources").where("question_id", "=", questionId).execute();
  for (const s of sources) await trx.insertInto("outline_question_sources").values({ question_id: questionId, source_type: s.type, source_id: s.id }).execute();
}

export async function insertQuestion(trx: Trx, actor: Actor, head: OutlineHead, input: QuestionInput, via: string): Promise<number> {
  const { dept, questioner, sources, labels } = await resolveQuestion(trx, actor, head.id, input);
  const keyword = await findKeyword(trx, head.id, input.keywordId, "keywordId");
  const ids = await questionIds(trx, input.keywordId);
  const now = nowIso();
  const row = await trx
    .insertInto("outline_questions")
    .values({
      inquiry_id: head.id,
      keyword_id: input.keywordId,
      text: input.text,
      department_id: dept.id,
      ...questioner,
      position: ids.length + 1,
      staff_notes: input.staffNotes,
      created_at: now,
      updated_at: now,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await writeSources(trx, row.id, sources);
  await recordAudit(trx, actor, {
    action: "outline.question_add",
    entityType: "outline_question",
    entityId: row.id,
    summary: `「${head.title}」询问提纲${via}新增问题（${keyword.keyword} · ${dept.name}）：${input.text.slice(0, 40)}`,
    after: {
      text: input.text,
      department: dept.name,
      questioner: questionerLabel(questioner),
      keyword: keyword.keyword,
      sources: sources.map((s) => labels.get(`${s.type}:${s.id}`)?.label ?? ""),
      staffNotes: input.staffNotes,
    },
  });
  return row.id;
}

export async function addQuestion(db: Kysely<Database>, actor: Actor, input: { inquiryId: number; revision: number } & QuestionInput): Promise<Result> {
  return outlineChange(db, { ...input, action: "edit" }, (trx, head) => insertQuestion(trx, actor, head, input, ""));
}

async function findQuestion(trx: Trx, inquiryId: number, id: number) {
  const row = await trx.selectFrom("outline_questions").selectAll().where("id", "=", id).where("inquiry_id", "=", inquiryId).executeTakeFirst();
  if (!row) refuse("_form", "该问题不存在或已被删除，请刷新页面");
  return row;
}

async function describeQuestion(trx: Trx, inquiryId: number, q: { id: number; text: string; department_id: number; keyword_id: number; questioner_name: string; questioner_role: string; staff_notes: string }) {
  const dept = await trx.selectFrom("organizations").select("name").where("id", "=", q.department_id).executeTakeFirst();
  const kw = await trx.selectFrom("outline_keywords").select("keyword").where("id", "=", q.keyword_id).executeTakeFirst();
  const refs = await trx.selectFrom("outline_question_sources").selectAll().where("question_id", "=", q.id).execute();
  const labels = await describeSources(trx, inquiryId, refs.map((r) => ({ type: r.source_type, id: r.source_id })));
  return {
    text: q.text,
    department: dept?.name ?? "",
    questioner: questionerLabel(q),
    keyword: kw?.keyword ?? "",
    sources: refs.map((r) => labels.get(`${r.source_type}:${r.source_id}`)?.label ?? ""),
    staffNotes: q.staff_notes,
  };
}

export async function updateQuestion(db: Kysely<Database>, actor: Actor, input: { inquiryId: number; revision: number; id: number } & QuestionInput): Promise<Result> {
  return outlineChange(db, { ...input, action: "edit" }, async (trx, head) => {
    const before = await findQuestion(trx, head.id, input.id);
    const beforeDescription = await describeQuestion(trx, head.id, before);
    const { dept, questioner, sources } = await resolveQuestion(trx, actor, head.id, input);
    const movedKeyword = before.keyword_id !== input.keywordId;
    await trx
      .updateTable("outline_questions")
      .set({
        keyword_id: input.keywordId,
        text: input.text,
        department_id: dept.id,
        ...questioner,
        staff_notes: input.staffNotes,
        // a question moved to another keyword goes to its end
        position: movedKeyword ? (await questionIds(trx, input.keywordId)).length + 1 : before.position,
        version: before.version + 1,
        updated_at: nowIso(),
      })
      .where("id", "=", input.id)
      .execute();
    await writeSources(trx, input.id, sources);
    if (movedKeyword) await renumber(trx, "outline_questions", await questionIds(trx, before.keyword_id));
    const after = await findQuestion(trx, head.id, input.id);
    await recordAudit(trx, actor, {
      action: "outline.question_update",
      entityType: "outline_question",
      entityId: input.id,
      summary: `修改询问提纲问题：${input.text.slice(0, 40)}`,
      before: beforeDescription,
      after: await describeQuestion(trx, head.id, after),
    });
    return input.id;
  });
}

export async function deleteQuestion(db: Kysely<Database>, actor: Actor, input: { inquiryId: number; revision: number; id: number }): Promise<Result> {
  return outlineChange(db, { ...input, action: "edit" }, async (trx, head) => {
    const before = await findQuestion(trx, head.id, input.id);
    const answer = await trx.selectFrom("preparation_answers").select("id").where("question_id", "=", input.id).executeTakeFirst();
    if (answer) refuse("_form", "应询部门已就该问题撰写书面准备答复，不能删除；如需调整，请修改问题内容");
    const issued = await trx.selectFrom("outline_versions").select("number").where("inquiry_id", "=", head.id).where("issued_at", "is not", null).execute();
    const description = await describeQuestion(trx, head.id, before);
    // A question that is part of a frozen version stays referenced by its id there; the row itself goes.
    await trx.updateTable("outline_proposals").set({ question_id: null }).where("question_id", "=", input.id).execute();
    await trx.deleteFrom("outline_questions").where("id", "=", input.id).execute();
    await renumber(trx, "outline_questions", await questionIds(trx, before.keyword_id));
    await recordAudit(trx, actor, {
      action: "outline.question_delete",
      entityType: "outline_question",
      entityId: input.id,
      summary: `删除询问提纲问题：${before.text.slice(0, 40)}${issued.length ? "（已下发的版本中仍保留该问题）" : ""}`,
      before: description,
    });
    return input.id;
  });
}

export async function moveQuestion(db: Kysely<Database>, actor: Actor, input: { inquiryId: number; revision: number; id: number; direction: "up" | "down" }): Promise<Result> {
  return outlineChange(db, { ...input, action: "edit" }, async (trx, head) => {
    const q = await findQuestion(trx, head.id, input.id);
    const ids = await questionIds(trx, q.keyword_id);
    const next = moved(ids, input.id, input.direction);
    if (!next) refuse("_form", input.direction === "up" ? "该问题已是本关键词下的第一个问题" : "该问题已是本关键词下的最后一个问题");
    await renumber(trx, "outline_questions", next);
    await recordAudit(trx, actor, {
      action: "outline.question_move",
      entityType: "outline_question",
      entityId: input.id,
      summary: `询问提纲问题${input.direction === "up" ? "上移" : "下移"}（第 ${ids.indexOf(input.id) + 1} → ${next.indexOf(input.id) + 1} 位）：${q.text.slice(0, 30)}`,
      before: { order: ids },
      after: { order: next },
    });
    return input.id;
  });
}

/** Moves a question to the end of another keyword. */
export async function relocateQuestion(db: Kysely<Database>, actor: Actor, input: { inquiryId: number; revision: number; id: number; keywordId: number }): Promise<Result> {
  return outlineChange(db, { ...input, action: "edit" }, async (trx, head) => {
    const q = await findQuestion(trx, head.id, input.id);
    const from = await findKeyword(trx, head.id, q.keyword_id);
    const to = await findKeyword(trx, head.id, input.keywordId, "keywordId");
    if (from.id === to.id) refuse("keywordId", `该问题已在关键词「${to.keyword}」下`);
    const position = (await questionIds(trx, to.id)).length + 1;
    await trx.updateTable("outline_questions").set({ keyword_id: to.id, position, version: q.version + 1, updated_at: nowIso() }).where("id", "=", q.id).execute();
    await renumber(trx, "outline_questions", await questionIds(trx, from.id));
    await recordAudit(trx, actor, {
      action: "outline.question_relocate",
      entityType: "outline_question",
      entityId: q.id,
      summary: `询问提纲问题从关键词「${from.keyword}」移至「${to.keyword}」：${q.text.slice(0, 30)}`,
      before: { keyword: from.keyword },
      after: { keyword: to.keyword, position },
    });
    return q.id;
  });
}
