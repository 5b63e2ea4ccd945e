import * as staffEvents from "../queue/events.server";
import type { Kysely } from "kysely";
import type { Database, OutlineStatus } from "../../db/schema";
import { organizationsProblem, RESPONDING_KINDS } from "../admin/organizations.server";
import { recordAudit, type Actor } from "../audit.server";
import { nowIso, dateInShanghai } from "../utils/time";
import { guarded, outlineChange, refuse, type Trx } from "./workflow.server";
import { keywordIds } from "./drafting.server";
import { insertQuestion } from "./questions.server";
import type { Result } from "../utils/result";

/**
 * Members' question proposals (委员建议问题): members propose while the outline is open; staff accept (the
 * question joins the outline) or decline with a reason.
 */

export async function listProposals(db: Kysely<Database>, inquiryId: number) {
  return db
    .selectFrom("outline_proposals")
    .innerJoin("users as member", "member.id", "outline_proposals.member_id")
    .leftJoin("organizations", "organizations.id", "outline_proposals.department_id")
    .leftJoin("users as decider", "decider.id", "outline_proposals.decided_by")
    .select([
      "outline_proposals.id",
      "outline_proposals.text",
      "outline_proposals.keyword",
      "outline_proposals.source_note",
      "outline_proposals.status",
      "outline_proposals.decline_reason",
      "outline_proposals.question_id",
      "outline_proposals.department_id",
      "outline_proposals.created_at",
      "outline_proposals.decided_at",
      "member.display_name as member_name",
      "member.title as member_title",
      "organizations.name as department_name",
      "decider.display_name as decided_by_name",
    ])
    .where("outline_proposals.inquiry_id", "=", inquiryId)
    .orderBy("outline_proposals.id", "desc")
    .execute();
}

export async function memberProposals(db: Kysely<Database>, memberId: number, inquiryId?: number) {
  let q = db
    .selectFrom("outline_proposals")
    .innerJoin("inquiries", "inquiries.id", "outline_proposals.inquiry_id")
    .leftJoin("organizations", "organizations.id", "outline_proposals.department_id")
    .select([
      "outline_proposals.id",
      "outline_proposals.inquiry_id",
      "inquiries.title as inquiry_title",
      "outline_proposals.text",
      "outline_proposals.keyword",
      "outline_proposals.status",
      "outline_proposals.decline_reason",
      "outline_proposals.created_at",
      "outline_proposals.decided_at",
      "organizations.name as department_name",
    ])
    .where("outline_proposals.member_id", "=", memberId);
  if (inquiryId !== undefined) q = q.where("outline_proposals.inquiry_id", "=", inquiryId);
  return q.orderBy("outline_proposals.id", "desc").execute();
}

/** Members may propose questions until the outline has been approved. */
export function proposalsOpen(status: OutlineStatus): boolean {
  return status === "draft" || status === "rejected" || status === "submitted";
}

export async function createProposal(
  db: Kysely<Database>,
  actor: Actor,
  input: { inquiryId: number; memberId: number; text: string; departmentId: number | null; keyword: string; sourceNote: string },
): Promise<Result> {
  return guarded(() =>
    db.transaction().execute(async (trx) => {
      const head = await trx.selectFrom("inquiries").select(["id", "title", "outline_status"]).where("id", "=", input.inquiryId).executeTakeFirst();
      if (!head) refuse("_form", "该专题询问不存在");
      if (!proposalsOpen(head.outline_status)) refuse("_form", "询问提纲已经主任会议审定，不再征集问题建议");
      const member = await trx.selectFrom("users").select(["id", "role"]).where("id", "=", input.memberId).executeTakeFirst();
      if (!member || member.role !== "member") refuse("_form", "只有委员/代表可以提出问题建议");
      const deptProblem = await organizationsProblem(trx, [input.departmentId], { kinds: RESPONDING_KINDS, message: "建议应询部门只能选择人民政府或政府部门" });
      if (deptProblem) refuse("departmentId", deptProblem);
      const row = await trx
        .insertInto("outline_proposals")
        .values({
          inquiry_id: head.id,
          member_id: input.memberId,
          text: input.text,
          department_id: input.departmentId,
          keyword: input.keyword,
          source_note: input.sourceNote,
          created_at: nowIso(),
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      await recordAudit(trx, actor, {
        action: "outline.proposal_create",
        entityType: "outline_proposal",
        entityId: row.id,
        summary: `对「${head.title}」询问提纲提出问题建议：${input.text.slice(0, 40)}`,
        after: input,
      });
      await staffEvents.proposalCreated(trx, row.id);
      return { ok: true as const, id: row.id };
    }),
  );
}

async function pendingProposal(trx: Trx, inquiryId: number, id: number) {
  const p = await trx.selectFrom("outline_proposals").selectAll().where("id", "=", id).where("inquiry_id", "=", inquiryId).executeTakeFirst();
  if (!p) refuse("_form", "该问题建议不存在");
  if (p.status !== "pending") refuse("_form", `该问题建议已被处理（${p.status === "accepted" ? "已采纳" : "未采纳"}），请刷新页面`);
  return p;
}

/**
 * Staff take a member's proposal into the outline: a new question (the member as its questioner, the proposal
 * as its source note) under an existing keyword or a new one named by the proposal.
 */
export async function acceptProposal(
  db: Kysely<Database>,
  actor: Actor,
  input: { inquiryId: number; revision: number; proposalId: number; keywordId: number | "new"; departmentId: number; text: string },
): Promise<Result> {
  return outlineChange(db, { ...input, action: "edit" }, async (trx, head) => {
    const p = await pendingProposal(trx, head.id, input.proposalId);
    const member = await trx.selectFrom("users").select(["id", "display_name", "title", "active"]).where("id", "=", p.member_id).executeTakeFirstOrThrow();
    let keywordId: number;
    if (input.keywordId === "new") {
      const name = p.keyword.trim();
      if (!name) refuse("keywordId", "该建议没有提出关键词，请选择已有关键词");
      const existing = await trx.selectFrom("outline_keywords").select("id").where("inquiry_id", "=", head.id).where("keyword", "=", name).executeTakeFirst();
      if (existing) keywordId = existing.id;
      else {
        const now = nowIso();
        keywordId = (
          await trx
            .insertInto("outline_keywords")
            .values({ inquiry_id: head.id, keyword: name, headline: "", position: (await keywordIds(trx, head.id)).length + 1, created_at: now, updated_at: now })
            .returning("id")
            .executeTakeFirstOrThrow()
        ).id;
      }
    } else keywordId = input.keywordId;
    const date = dateInShanghai(p.created_at);
    const note = `来源：${member.display_name}${member.title ? `（${member.title}）` : ""}于 ${date} 提出的问题建议${p.source_note ? `；${p.source_note}` : ""}`;
    const questionId = await insertQuestion(
      trx,
      actor,
      head,
      {
        keywordId,
        text: input.text,
        departmentId: input.departmentId,
        questioner: member.active ? { kind: "member", userId: member.id } : { kind: "named", name: member.display_name, role: member.title },
        sources: [],
        staffNotes: note,
      },
      "采纳委员/代表建议",
    );
    await trx
      .updateTable("outline_proposals")
      .set({ status: "accepted", question_id: questionId, decided_by: actor.id, decided_at: nowIso() })
      .where("id", "=", p.id)
      .execute();
    await recordAudit(trx, actor, {
      action: "outline.proposal_accept",
      entityType: "outline_proposal",
      entityId: p.id,
      summary: `采纳${member.display_name}的问题建议，列入询问提纲`,
      before: { status: "pending" },
      after: { status: "accepted", question_id: questionId },
    });
    return questionId;
  });
}

export async function declineProposal(db: Kysely<Database>, actor: Actor, input: { inquiryId: number; proposalId: number; reason: string }): Promise<Result> {
  return guarded(() =>
    db.transaction().execute(async (trx) => {
      const p = await pendingProposal(trx, input.inquiryId, input.proposalId);
      const reason = input.reason.trim();
      if (!reason) refuse("reason", "请填写不予采纳的理由");
      await trx
        .updateTable("outline_proposals")
        .set({ status: "declined", decline_reason: reason, decided_by: actor.id, decided_at: nowIso() })
        .where("id", "=", p.id)
        .execute();
      await recordAudit(trx, actor, {
        action: "outline.proposal_decline",
        entityType: "outline_proposal",
        entityId: p.id,
        summary: `不予采纳问题建议：${p.text.slice(0, 30)}（理由：${reason}）`,
        before: { status: "pending" },
        after: { status: "declined", reason },
      });
      return { ok: true as const, id: p.id };
    }),
  );
}
