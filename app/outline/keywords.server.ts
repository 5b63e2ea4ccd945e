import type { Kysely } from "kysely";
import type { Database } from "../../db/schema";
import { recordAudit, type Actor } from "../audit.server";
import { nowIso } from "../utils/time";
import { outlineChange, refuse, type Trx } from "./workflow.server";
import { keywordIds, moved, questionIds, renumber } from "./drafting.server";
import type { Result } from "../utils/result";

/**
 * 询问提纲 keywords (关键词): add, rename, delete and reorder, each through `outlineChange`.
 */

export async function findKeyword(trx: Trx, inquiryId: number, id: number, field = "_form") {
  const row = await trx.selectFrom("outline_keywords").selectAll().where("id", "=", id).where("inquiry_id", "=", inquiryId).executeTakeFirst();
  if (!row) refuse(field, "该关键词不存在或已被删除，请刷新页面");
  return row;
}

async function checkKeywordUnique(trx: Trx, inquiryId: number, keyword: string, exceptId: number | null) {
  const same = await trx.selectFrom("outline_keywords").select("id").where("inquiry_id", "=", inquiryId).where("keyword", "=", keyword).executeTakeFirst();
  if (same && same.id !== exceptId) refuse("keyword", `关键词「${keyword}」已存在`);
}

export interface KeywordInput {
  keyword: string;
  headline: string;
}

export async function addKeyword(db: Kysely<Database>, actor: Actor, input: { inquiryId: number; revision: number } & KeywordInput): Promise<Result> {
  return outlineChange(db, { ...input, action: "edit" }, async (trx, head) => {
    await checkKeywordUnique(trx, head.id, input.keyword, null);
    const ids = await keywordIds(trx, head.id);
    const now = nowIso();
    const row = await trx
      .insertInto("outline_keywords")
      .values({ inquiry_id: head.id, keyword: input.keyword, headline: input.headline, position: ids.length + 1, created_at: now, updated_at: now })
      .returning("id")
      .executeTakeFirstOrThrow();
    await recordAudit(trx, actor, {
      action: "outline.keyword_add",
      entityType: "outline",
      entityId: head.id,
      summary: `「${head.title}」询问提纲新增关键词「${input.keyword}」`,
      after: { id: row.id, ...input },
    });
    return row.id;
  });
}

export async function updateKeyword(db: Kysely<Database>, actor: Actor, input: { inquiryId: number; revision: number; id: number } & KeywordInput): Promise<Result> {
  return outlineChange(db, { ...input, action: "edit" }, async (trx, head) => {
    const before = await findKeyword(trx, head.id, input.id);
    await checkKeywordUnique(trx, head.id, input.keyword, input.id);
    await trx
      .updateTable("outline_keywords")
      .set({ keyword: input.keyword, headline: input.headline, version: before.version + 1, updated_at: nowIso() })
      .where("id", "=", input.id)
      .execute();
    await recordAudit(trx, actor, {
      action: "outline.keyword_update",
      entityType: "outline",
      entityId: head.id,
      summary: `修改询问提纲关键词「${before.keyword}」${before.keyword !== input.keyword ? `为「${input.keyword}」` : ""}`,
      before: { keyword: before.keyword, headline: before.headline },
      after: { keyword: input.keyword, headline: input.headline },
    });
    return input.id;
  });
}

export async function deleteKeyword(db: Kysely<Database>, actor: Actor, input: { inquiryId: number; revision: number; id: number }): Promise<Result> {
  return outlineChange(db, { ...input, action: "edit" }, async (trx, head) => {
    const before = await findKeyword(trx, head.id, input.id);
    const used = await questionIds(trx, input.id);
    if (used.length) refuse("_form", `关键词「${before.keyword}」下还有 ${used.length} 个问题，请先移走或删除这些问题`);
    await trx.deleteFrom("outline_keywords").where("id", "=", input.id).execute();
    await renumber(trx, "outline_keywords", await keywordIds(trx, head.id));
    await recordAudit(trx, actor, {
      action: "outline.keyword_delete",
      entityType: "outline",
      entityId: head.id,
      summary: `删除询问提纲关键词「${before.keyword}」`,
      before: { keyword: before.keyword, headline: before.headline, position: before.position },
    });
    return input.id;
  });
}

export async function moveKeyword(db: Kysely<Database>, actor: Actor, input: { inquiryId: number; revision: number; id: number; direction: "up" | "down" }): Promise<Result> {
  return outlineChange(db, { ...input, action: "edit" }, async (trx, head) => {
    const kw = await findKeyword(trx, head.id, input.id);
    const ids = await keywordIds(trx, head.id);
    const next = moved(ids, input.id, input.direction);
    if (!next) refuse("_form", input.direction === "up" ? `关键词「${kw.keyword}」已在最前` : `关键词「${kw.keyword}」已在最后`);
    await renumber(trx, "outline_keywords", next);
    await recordAudit(trx, actor, {
      action: "outline.keyword_move",
      entityType: "outline",
      entityId: head.id,
      summary: `关键词「${kw.keyword}」${input.direction === "up" ? "上移" : "下移"}（第 ${ids.indexOf(input.id) + 1} → ${next.indexOf(input.id) + 1} 位）`,
      before: { order: ids },
      after: { order: next },
    });
    return input.id;
  });
}
