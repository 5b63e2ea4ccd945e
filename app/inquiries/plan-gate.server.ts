import { lockRow, writeTransaction } from "../../db/transactions";
import type { Kysely } from "kysely";
import { z } from "zod";
import type { Database } from "../../db/schema";
import { recordAudit, type Actor } from "../audit.server";
import { fields } from "../utils/forms.server";
import { nowIso, todayInShanghai } from "../utils/time";

/**
 * The plan gate (issue 23 item 3, docs/decisions/0041). The work plan (工作方案) is approved by the chairpersons'
 * council (主任会议) before the inquiry's work proper starts: delegating county surveys, drafting the outline,
 * setting up the meeting, recording its exchanges and speeches, opening satisfaction votes. Each of those domain
 * actions calls requireApprovedPlan() inside its own transaction; it passes once the council's approval is
 * recorded, or once staff record a reason to proceed without it (offices that approve on paper) — that reason
 * is a plan decision of its own ("proceeded"), so it shows on the plan's history, the overview's timeline and
 * in the audit log. Pre-inquiry research (会前调研) is not gated: it is what the plan is written from.
 */
export type GatedWork = "survey" | "outline" | "meeting" | "exchange" | "vote";

/** What is blocked, as the refusal names it. */
export const GATED_WORK_LABELS: Record<GatedWork, string> = {
  survey: "委托县区人大开展调研",
  outline: "起草或办理询问提纲",
  meeting: "设置询问会",
  exchange: "记录询问会发言",
  vote: "开展满意度测评",
};

export const MAX_PROCEED_REASON = 500;

/** The "record a reason to proceed" form (posted to the plan page from any gated page, which it returns to). */
export const PlanProceedSchema = z.object({ reason: fields.requiredText("先行开展的理由", MAX_PROCEED_REASON), returnTo: z.string().optional() });

export interface PlanGateState {
  /** true when the work above may go on */
  open: boolean;
  /** the council's approval date (YYYY-MM-DD), if recorded */
  approvedOn: string | null;
  /** staff's recorded reason to proceed without a recorded approval */
  proceed: { reason: string; on: string | null; at: string; actorName: string | null } | null;
}

/** The gate of one inquiry: open when the plan is approved, or when a reason to proceed is recorded. */
export async function planGate(db: Kysely<Database>, inquiryId: number): Promise<PlanGateState> {
  const inquiry = await db.selectFrom("inquiries").select("plan_status").where("id", "=", inquiryId).executeTakeFirst();
  const decisions = await db
    .selectFrom("plan_decisions")
    .leftJoin("users", "users.id", "plan_decisions.actor_id")
    .select(["plan_decisions.action", "plan_decisions.decided_on", "plan_decisions.note", "plan_decisions.created_at", "users.display_name as actor_name"])
    .where("plan_decisions.inquiry_id", "=", inquiryId)
    .where("plan_decisions.action", "in", ["approved", "proceeded"])
    .orderBy("plan_decisions.id", "desc")
    .execute();
  const approved = decisions.find((d) => d.action === "approved");
  const proceeded = decisions.find((d) => d.action === "proceeded");
  const approvedNow = inquiry?.plan_status === "approved";
  return {
    open: approvedNow || !!approved || !!proceeded,
    approvedOn: approved?.decided_on ?? null,
    proceed: proceeded ? { reason: proceeded.note, on: proceeded.decided_on, at: proceeded.created_at, actorName: proceeded.actor_name } : null,
  };
}

/** The refusal shown wherever gated work is blocked. */
export function planGateRefusal(work: GatedWork): string {
  return `工作方案尚未经主任会议批准，不能${GATED_WORK_LABELS[work]}。如主任会议已以其他方式（如纸质件）批准，请先记录先行开展的理由。`;
}

/**
 * The one guard of the gated actions: call it inside the action's transaction (pass the trx) before changing
 * anything. Returns a `_form` refusal in Chinese when the gate is closed.
 */
export async function requireApprovedPlan(
  trx: Kysely<Database>,
  inquiryId: number,
  work: GatedWork,
): Promise<{ ok: true } | { ok: false; field: "_form"; message: string }> {
  // the inquiry is the parent of all gated work: locked here, first, so the plan cannot change under the
  // action and the action's later writes to the inquiry need no second lock (decision 0175)
  await lockRow(trx, "inquiries", inquiryId);
  const gate = await planGate(trx, inquiryId);
  return gate.open ? { ok: true } : { ok: false, field: "_form", message: planGateRefusal(work) };
}

/**
 * Staff record why the inquiry's work proceeds before the council's approval is recorded here (e.g. approved
 * on paper on a given date). Required: a reason (1–500 characters). Refused when the gate is already open.
 * Writes a plan decision "proceeded" (the timeline) and its audit entry in one transaction.
 */
export async function recordPlanProceed(
  db: Kysely<Database>,
  actor: Actor,
  input: { inquiryId: number; reason: string },
): Promise<{ ok: true; id: number } | { ok: false; field: string; message: string }> {
  const reason = input.reason.trim();
  if (!reason) return { ok: false, field: "reason", message: "请填写先行开展的理由" };
  if (reason.length > MAX_PROCEED_REASON) return { ok: false, field: "reason", message: `理由不能超过 ${MAX_PROCEED_REASON} 个字` };
  return writeTransaction(db, async (trx) => {
    await lockRow(trx, "inquiries", input.inquiryId);
    const inquiry = await trx.selectFrom("inquiries").select(["id", "title", "plan_status", "plan_html"]).where("id", "=", input.inquiryId).executeTakeFirst();
    if (!inquiry) return { ok: false, field: "_form", message: "该专题询问不存在" };
    if ((await planGate(trx, input.inquiryId)).open) return { ok: false, field: "_form", message: "工作方案已经批准或已记录先行开展的理由，无需再次记录" };
    const now = nowIso();
    const row = await trx
      .insertInto("plan_decisions")
      .values({ inquiry_id: inquiry.id, action: "proceeded", decided_on: todayInShanghai(), note: reason, plan_html: inquiry.plan_html, actor_id: actor.id, created_at: now })
      .returning("id")
      .executeTakeFirstOrThrow();
    await recordAudit(trx, actor, {
      action: "inquiry.plan_proceed",
      entityType: "inquiry",
      entityId: inquiry.id,
      summary: `「${inquiry.title}」工作方案未经系统记录批准即先行开展：${reason.slice(0, 120)}`,
      before: { plan_status: inquiry.plan_status },
      after: { plan_status: inquiry.plan_status, proceed_reason: reason },
    });
    return { ok: true, id: row.id };
  });
}
