import type { Kysely, Transaction } from "kysely";
import { requireApprovedPlan } from "../inquiries/plan-gate.server";
import type { Database, OutlineStatus } from "../../db/schema";
import { OUTLINE_STATUS_LABELS } from "./labels";
import type { Result } from "../utils/result";

/**
 * 询问提纲: keywords and questions drafted from research findings and county reports, frozen into numbered
 * versions for the chairpersons' council, issued to the responding departments, who then write a preparation
 * answer per question. Members propose questions; staff accept or decline them.
 *
 * 询问提纲's life: the status machine (draft → submitted → approved/rejected → issued → reopened), the refusal
 * texts, and `outlineChange`, the one wrapper every outline edit runs through.
 *
 * The whole outline carries one revision (inquiries.outline_revision): every edit form posts the revision it
 * was rendered with, an edit based on an older one is refused (nothing is written) and each accepted edit
 * bumps it, so two editors never silently overwrite each other. Refusals are thrown inside the transaction
 * (`Refused`), so a refused operation changes nothing.
 */

export const OUTLINE_CONFLICT =
  "询问提纲已被他人修改（您打开页面后有人保存过），本次保存未生效。页面已刷新为最新内容，您填写的内容已保留，请核对后重新保存。";

export const ANSWER_CONFLICT = "该书面准备答复已被他人修改，请核对页面上的最新内容后再保存。您填写的内容已保留。";

/** The outline may be edited while it is drafted or after the council sent it back. */
export function outlineEditable(status: OutlineStatus): boolean {
  return status === "draft" || status === "rejected";
}

export type OutlineAction = "edit" | "submit" | "approve" | "reject" | "issue" | "reopen";

/**
 * The outline's life, in one place: edited while draft or rejected; submitted to the council (a version is
 * frozen); approved or rejected; an approved version is issued to the departments; an approved or issued
 * outline can be reopened for revision (then it needs the council again).
 */
export function nextOutlineStatus(current: OutlineStatus, action: OutlineAction): OutlineStatus | null {
  switch (action) {
    case "edit":
      return outlineEditable(current) ? current : null;
    case "submit":
      return outlineEditable(current) ? "submitted" : null;
    case "approve":
      return current === "submitted" ? "approved" : null;
    case "reject":
      return current === "submitted" ? "rejected" : null;
    case "issue":
      return current === "approved" ? "issued" : null;
    case "reopen":
      return current === "approved" || current === "issued" ? "draft" : null;
  }
}

const FROZEN: Record<OutlineStatus, string> = {
  draft: "",
  rejected: "",
  submitted: "询问提纲已提请主任会议审定，审定结果记录前不能修改",
  approved: "询问提纲已经主任会议审定，如需修改请先点击“重新修订”",
  issued: "询问提纲已下发应询部门，如需修改请先点击“重新修订”",
};

const REFUSALS: Record<Exclude<OutlineAction, "edit">, (s: OutlineStatus) => string> = {
  submit: (s) => `询问提纲当前状态为「${OUTLINE_STATUS_LABELS[s]}」，不能提请主任会议审定`,
  approve: () => "询问提纲尚未提请主任会议审定，不能记录审定结果",
  reject: () => "询问提纲尚未提请主任会议审定，不能记录审定结果",
  issue: (s) => (s === "issued" ? "询问提纲已经下发，无需重复下发" : "只有经主任会议审定通过的询问提纲才能下发"),
  reopen: () => "只有已审定或已下发的询问提纲才需要重新修订",
};

/** A refusal thrown inside a transaction: the transaction rolls back, so a refused operation changes nothing. */
export class Refused extends Error {
  constructor(
    readonly field: string,
    readonly reason: string,
    readonly conflict = false,
  ) {
    super(reason);
  }
}

export function refuse(field: string, message: string): never {
  throw new Refused(field, message);
}

export async function guarded(run: () => Promise<Result>): Promise<Result> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof Refused) return { ok: false, field: error.field, message: error.reason, ...(error.conflict ? { conflict: true } : {}) };
    throw error;
  }
}

export type Trx = Transaction<Database>;

export interface OutlineHead {
  id: number;
  title: string;
  outline_status: OutlineStatus;
  outline_revision: number;
  outline_issued_version_id: number | null;
}

/**
 * Runs one outline change: checks the revision the editor saw and the status the action needs, lets `change`
 * do its work (refusing by throwing), then bumps the revision, all in one transaction.
 */
export async function outlineChange(
  db: Kysely<Database>,
  input: { inquiryId: number; revision: number; action: OutlineAction },
  change: (trx: Trx, head: OutlineHead) => Promise<number>,
): Promise<Result> {
  return guarded(() =>
    db.transaction().execute(async (trx) => {
      const head = await trx
        .selectFrom("inquiries")
        .select(["id", "title", "outline_status", "outline_revision", "outline_issued_version_id"])
        .where("id", "=", input.inquiryId)
        .executeTakeFirst();
      if (!head) refuse("_form", "该专题询问不存在");
      const gate = await requireApprovedPlan(trx, head.id, "outline");
      if (!gate.ok) refuse("_form", gate.message);
      if (head.outline_revision !== input.revision) throw new Refused("_form", OUTLINE_CONFLICT, true);
      if (!nextOutlineStatus(head.outline_status, input.action)) {
        refuse("_form", input.action === "edit" ? FROZEN[head.outline_status] : REFUSALS[input.action](head.outline_status));
      }
      const id = await change(trx, head);
      await trx.updateTable("inquiries").set({ outline_revision: head.outline_revision + 1 }).where("id", "=", head.id).execute();
      return { ok: true as const, id };
    }),
  );
}
