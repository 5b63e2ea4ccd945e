import { publicationGate, publicationRedactor } from "../insight/pii.server";
import type { Kysely } from "kysely";
import type { Database, ItemStatus } from "../../db/schema";
import { recordAudit, type Actor } from "../audit.server";
import type { RichText } from "../richtext/richtext.server";
import { dateInShanghai, nowIso, todayInShanghai } from "../utils/time";
import { ITEM_STATUS_LABELS } from "./labels";
import { notVoided } from "../history/void.server";
import { type Db, getWarningDays } from "./status.server";
import { listLedger } from "./ledger.server";
import type { Result } from "../utils/result";

/**
 * The inquiry's end of rectification: the public status toggle and what the public sees, the closing
 * checklist and closing the inquiry (办结).
 */

export async function setRectificationPublic(db: Kysely<Database>, actor: Actor, input: { inquiryId: number; version: number; isPublic: boolean }): Promise<Result> {
  return db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom("inquiries").select(["id", "title", "version", "rectification_public"]).where("id", "=", input.inquiryId).executeTakeFirst();
    if (!before) return { ok: false, field: "_form", message: "该专题询问不存在" };
    if (before.version !== input.version) return { ok: false, field: "_form", message: "该专题询问已被他人修改，请刷新页面后再操作。" };
    if (input.isPublic) {
      const refused = await publicationGate(trx, input.inquiryId, "rectification");
      if (refused) return { ok: false, field: "_form", message: refused };
    }
    const value = input.isPublic ? 1 : 0;
    await trx.updateTable("inquiries").set({ rectification_public: value, version: before.version + 1, updated_at: nowIso() }).where("id", "=", input.inquiryId).execute();
    await recordAudit(trx, actor, {
      action: "rectification.public",
      entityType: "inquiry",
      entityId: input.inquiryId,
      summary: `「${before.title}」整改情况${input.isPublic ? "向社会公开" : "取消公开"}`,
      before: { rectification_public: before.rectification_public },
      after: { rectification_public: value },
    });
    return { ok: true, id: input.inquiryId };
  });
}

/**
 * The public rectification status of an inquiry (null unless staff made it public): per item the
 * department, problem, requirement, deadline, status and closing date; the overdue list. No personal data.
 */
export async function publicRectificationStatus(db: Db, inquiryId: number, today = todayInShanghai()) {
  const inquiry = await db
    .selectFrom("inquiries")
    .select(["id", "title", "rectification_public", "stage", "closed_at"])
    .where("id", "=", inquiryId)
    .where(notVoided("inquiries", { inquiry: true }))
    .executeTakeFirst();
  if (!inquiry || inquiry.rectification_public !== 1) return null;
  const days = await getWarningDays(db);
  const ledger = await listLedger(db, inquiryId, {}, null, today, days);
  // the published form: personal data masked unless reviewed as not personal (app/insight/pii.server.ts)
  const redactor = await publicationRedactor(db, inquiryId);
  const items = ledger.rows.map((r) => ({
    number: r.number,
    problem: redactor.text(`item:${r.id}:problem`, r.problem),
    requirement: redactor.text(`item:${r.id}:requirement`, r.requirement),
    leadDepartment: r.lead_name,
    coDepartments: r.codepartments.map((c) => c.name),
    deadline: r.deadline,
    originalDeadline: r.original_deadline,
    status: r.status,
    statusLabel: ITEM_STATUS_LABELS[r.status],
    closedDate: r.closed_at ? dateInShanghai(r.closed_at) : null,
    light: r.light,
    daysLeft: r.daysLeft,
  }));
  const closed = items.filter((i) => i.status === "closed").length;
  return {
    inquiry: { id: inquiry.id, title: inquiry.title, closed: inquiry.stage === "closed", closedDate: inquiry.closed_at ? dateInShanghai(inquiry.closed_at) : null },
    warningDays: days,
    progress: { total: items.length, closed, carriedOver: items.filter((i) => i.status === "carried_over").length },
    items,
    overdue: items.filter((i) => i.light === "red"),
  };
}
export type PublicRectificationStatus = NonNullable<Awaited<ReturnType<typeof publicRectificationStatus>>>;

/** What stands between an inquiry and its closing (办结). */
export async function closingChecklist(db: Db, inquiryId: number) {
  const counts = await db
    .selectFrom("rectification_items as i")
    .select(["status", (eb) => eb.fn.countAll<number>().as("n")])
    .where("inquiry_id", "=", inquiryId)
    .where(notVoided("i"))
    .groupBy("status")
    .execute();
  const by = Object.fromEntries(counts.map((c) => [c.status, Number(c.n)])) as Partial<Record<ItemStatus, number>>;
  const total = Object.values(by).reduce((a, b) => a + (b ?? 0), 0);
  const open = (by.todo ?? 0) + (by.in_progress ?? 0) + (by.closure_requested ?? 0);
  const report = await db
    .selectFrom("handling_reports")
    .select(["id", "round", "status", "due_date"])
    .where("inquiry_id", "=", inquiryId)
    .orderBy("round", "desc")
    .executeTakeFirst();
  const reasons: string[] = [];
  if (open > 0) reasons.push(`尚有 ${open} 项整改事项未销号或结转`);
  if (!report) reasons.push("政府尚未报送研究处理情况报告");
  else if (report.status !== "accepted") reasons.push(`研究处理情况报告（第 ${report.round} 轮）尚未通过`);
  return { total, open, closed: by.closed ?? 0, carriedOver: by.carried_over ?? 0, report: report ?? null, reasons, canClose: reasons.length === 0 };
}

/** 办结: every item closed or carried over and the handling report accepted; staff write the closing record. */
export async function closeInquiry(
  db: Kysely<Database>,
  actor: Actor,
  input: { inquiryId: number; version: number; record: RichText },
): Promise<Result> {
  return db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom("inquiries").select(["id", "title", "stage", "version"]).where("id", "=", input.inquiryId).executeTakeFirst();
    if (!before) return { ok: false, field: "_form", message: "该专题询问不存在" };
    if (before.stage === "closed") return { ok: false, field: "_form", message: "该专题询问已办结" };
    if (before.version !== input.version) return { ok: false, field: "_form", message: "该专题询问已被他人修改，请刷新页面后再操作。" };
    const check = await closingChecklist(trx, input.inquiryId);
    if (!check.canClose) return { ok: false, field: "_form", message: `暂不能办结：${check.reasons.join("；")}` };
    if (!input.record.text) return { ok: false, field: "record", message: "请填写办结记录" };
    const now = nowIso();
    await trx
      .updateTable("inquiries")
      .set({
        stage: "closed",
        closed_at: now,
        closing_record_json: input.record.json,
        closing_record_text: input.record.text,
        closing_record_html: input.record.html,
        version: before.version + 1,
        updated_at: now,
      })
      .where("id", "=", input.inquiryId)
      .execute();
    await recordAudit(trx, actor, {
      action: "inquiry.close",
      entityType: "inquiry",
      entityId: input.inquiryId,
      summary: `「${before.title}」办结：整改事项 ${check.total} 项（销号 ${check.closed} 项，结转 ${check.carriedOver} 项）`,
      before: { stage: before.stage },
      after: { stage: "closed", closing_record: input.record.text },
    });
    return { ok: true, id: input.inquiryId };
  });
}
