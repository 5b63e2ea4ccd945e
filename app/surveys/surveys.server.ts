import * as staffEvents from "../queue/events.server";
import type { Kysely } from "kysely";
import type { Database, DelegationStatus } from "../../db/schema";
import { requireApprovedPlan } from "../inquiries/plan-gate.server";
import { saveAttachments, type CheckedUpload } from "../attachments/attachments.server";
import { recordAudit, type Actor } from "../audit.server";
import type { RichText } from "../richtext/richtext.server";
import { deadlineLight } from "../utils/deadline";
import { nowIso, todayInShanghai } from "../utils/time";
import { dateContext, deadlineProblem } from "../history/dates.server";
import { notVoided } from "../history/void.server";
import type { Result } from "../utils/result";

/** 委托调研: surveys delegated to county congresses, their reports, and the status rules between them. */
export { DELEGATION_STATUS_LABELS } from "../labels";

/** Days before the due date at which an open delegation turns yellow. */
export const SURVEY_NEAR_DAYS = 7;

export type DelegationAction = "save_draft" | "submit" | "accept" | "return";

/**
 * The status rules, in one place: a county drafts and submits while the survey is pending or returned;
 * staff accept or return only a submitted report; nothing moves after acceptance.
 */
export function nextDelegationStatus(current: DelegationStatus, action: DelegationAction): DelegationStatus | null {
  switch (action) {
    case "save_draft":
      return current === "pending" || current === "returned" ? current : null;
    case "submit":
      return current === "pending" || current === "returned" ? "submitted" : null;
    case "accept":
      return current === "submitted" ? "accepted" : null;
    case "return":
      return current === "submitted" ? "returned" : null;
  }
}

const REFUSALS: Record<DelegationAction, string> = {
  save_draft: "报告已提交或已采纳，不能再修改草稿",
  submit: "报告已提交或已采纳，不能重复提交",
  accept: "只能采纳已提交的报告",
  return: "只能退回已提交的报告",
};

export async function createSurveyRequest(
  db: Kysely<Database>,
  actor: Actor,
  inquiryId: number,
  input: { title: string; dueDate: string; brief: RichText; organizationIds: number[] },
  files: CheckedUpload[],
): Promise<Result> {
  const orgIds = [...new Set(input.organizationIds)];
  return db.transaction().execute(async (trx) => {
    // the one deadline rule: today in live work, the plan's approval in back-entry
    const late = deadlineProblem(await dateContext(trx, inquiryId), "survey", input.dueDate);
    if (late) return { ok: false, field: "dueDate", message: late };
    const inquiry = await trx.selectFrom("inquiries").select(["id", "title"]).where("id", "=", inquiryId).executeTakeFirst();
    if (!inquiry) return { ok: false, field: "_form", message: "该专题询问不存在" };
    const gate = await requireApprovedPlan(trx, inquiryId, "survey");
    if (!gate.ok) return gate;
    const counties = await trx
      .selectFrom("organizations")
      .select(["id", "name"])
      .where("id", "in", orgIds)
      .where("kind", "=", "county_congress")
      .where("active", "=", 1)
      .execute();
    if (counties.length !== orgIds.length) return { ok: false, field: "organizationIds", message: "只能委托启用中的县区人大常委会" };
    const now = nowIso();
    const request = await trx
      .insertInto("survey_requests")
      .values({
        inquiry_id: inquiryId,
        title: input.title,
        due_date: input.dueDate,
        brief_json: input.brief.json,
        brief_text: input.brief.text,
        brief_html: input.brief.html,
        created_by: actor.id,
        created_at: now,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    for (const county of counties) {
      const delegation = await trx
        .insertInto("survey_delegations")
        .values({ request_id: request.id, inquiry_id: inquiryId, organization_id: county.id, created_at: now, updated_at: now })
        .returning("id")
        .executeTakeFirstOrThrow();
      await trx
        .insertInto("survey_events")
        .values({ delegation_id: delegation.id, action: "delegated", comment: "", actor_id: actor.id, actor_label: actor.label, at: now })
        .execute();
    }
    await saveAttachments(trx, actor, { inquiryId, type: "survey_request", id: request.id }, files);
    await recordAudit(trx, actor, {
      action: "survey.delegate",
      entityType: "survey_request",
      entityId: request.id,
      summary: `「${inquiry.title}」委托 ${counties.length} 个县区人大开展调研：${input.title}（截止 ${input.dueDate}）`,
      after: { title: input.title, due_date: input.dueDate, counties: counties.map((c) => c.name), brief: input.brief.text },
    });
    return { ok: true, id: request.id };
  });
}

const delegationColumns = [
  "survey_delegations.id",
  "survey_delegations.request_id",
  "survey_delegations.inquiry_id",
  "survey_delegations.organization_id",
  "survey_delegations.status",
  "survey_delegations.report_json",
  "survey_delegations.report_html",
  "survey_delegations.report_text",
  "survey_delegations.return_comment",
  "survey_delegations.draft_saved_at",
  "survey_delegations.submitted_at",
  "survey_delegations.accepted_at",
  "survey_delegations.version",
  "organizations.name as organization_name",
  "survey_requests.title",
  "survey_requests.due_date",
  "survey_requests.brief_html",
  "inquiries.title as inquiry_title",
  "survey_delegations.voided_at",
  "survey_delegations.void_reason",
  "inquiries.voided_at as inquiry_voided_at",
] as const;

function delegationQuery(db: Kysely<Database>) {
  return db
    .selectFrom("survey_delegations")
    .innerJoin("organizations", "organizations.id", "survey_delegations.organization_id")
    .innerJoin("survey_requests", "survey_requests.id", "survey_delegations.request_id")
    .innerJoin("inquiries", "inquiries.id", "survey_delegations.inquiry_id")
    .select(delegationColumns);
}

function withLight<T extends { due_date: string; status: DelegationStatus }>(row: T, today: string) {
  const done = row.status === "submitted" || row.status === "accepted";
  return { ...row, ...deadlineLight(row.due_date, today, SURVEY_NEAR_DAYS, done) };
}

export async function getDelegation(db: Kysely<Database>, id: number) {
  const row = await delegationQuery(db).where("survey_delegations.id", "=", id).executeTakeFirst();
  return row ? withLight(row, todayInShanghai()) : undefined;
}

/** All delegations of an inquiry, grouped by request, each with its deadline light. */
export async function listInquiryDelegations(db: Kysely<Database>, inquiryId: number) {
  const today = todayInShanghai();
  const requests = await db
    .selectFrom("survey_requests")
    .select(["id", "title", "due_date", "brief_html", "created_at"])
    .where("inquiry_id", "=", inquiryId)
    .orderBy("id")
    .execute();
  const delegations = await delegationQuery(db)
    .where("survey_delegations.inquiry_id", "=", inquiryId)
    .where(notVoided("survey_delegations"))
    .orderBy("survey_delegations.request_id")
    .orderBy("organizations.sort_order")
    .execute();
  return requests.map((r) => ({ ...r, delegations: delegations.filter((d) => d.request_id === r.id).map((d) => withLight(d, today)) }));
}

/** A county congress's own delegations, nearest deadline first. */
export async function listCountyDelegations(db: Kysely<Database>, organizationId: number) {
  const today = todayInShanghai();
  const rows = await delegationQuery(db)
    .where("survey_delegations.organization_id", "=", organizationId)
    .where(notVoided("survey_delegations"))
    .orderBy("survey_requests.due_date")
    .execute();
  return rows.map((d) => withLight(d, today));
}

export async function delegationHistory(db: Kysely<Database>, delegationId: number) {
  return db.selectFrom("survey_events").selectAll().where("delegation_id", "=", delegationId).orderBy("id").execute();
}

const EVENT_SUMMARY: Record<DelegationAction, string> = {
  save_draft: "保存调研报告草稿",
  submit: "提交调研报告",
  accept: "采纳调研报告",
  return: "退回调研报告修改",
};

/**
 * Moves a delegation by one action. The county's report (draft or submit) comes with `report` and `files`;
 * staff's return needs a comment. `version` is what the actor saw.
 */
export async function actOnDelegation(
  db: Kysely<Database>,
  actor: Actor,
  input: { id: number; version: number; action: DelegationAction; report?: RichText; comment?: string; files?: CheckedUpload[] },
): Promise<Result> {
  return db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom("survey_delegations").selectAll().where("id", "=", input.id).executeTakeFirst();
    if (!before) return { ok: false, field: "_form", message: "该委托调研不存在" };
    if (before.version !== input.version) {
      return { ok: false, field: "_form", message: "该委托调研已被他人处理或修改，请刷新页面查看最新状态。" };
    }
    const next = nextDelegationStatus(before.status, input.action);
    if (!next) return { ok: false, field: "_form", message: REFUSALS[input.action] };
    const comment = (input.comment ?? "").trim();
    if (input.action === "return" && !comment) return { ok: false, field: "comment", message: "退回时请填写修改意见" };
    if (input.action === "submit" && !input.report?.text) return { ok: false, field: "report", message: "请填写调研报告后再提交" };
    const now = nowIso();
    const changes: Record<string, unknown> = { status: next, version: before.version + 1, updated_at: now };
    if (input.report && (input.action === "save_draft" || input.action === "submit")) {
      Object.assign(changes, { report_json: input.report.json, report_text: input.report.text, report_html: input.report.html });
    }
    if (input.action === "save_draft") changes.draft_saved_at = now;
    if (input.action === "submit") changes.submitted_at = now;
    if (input.action === "accept") changes.accepted_at = now;
    if (input.action === "return") changes.return_comment = comment;
    await trx.updateTable("survey_delegations").set(changes).where("id", "=", input.id).execute();
    if (input.files?.length) {
      await saveAttachments(trx, actor, { inquiryId: before.inquiry_id, type: "survey_report", id: input.id }, input.files);
    }
    await trx
      .insertInto("survey_events")
      .values({
        delegation_id: input.id,
        action: input.action === "save_draft" ? "draft_saved" : input.action === "submit" ? "submitted" : input.action === "accept" ? "accepted" : "returned",
        comment,
        actor_id: actor.id,
        actor_label: actor.label,
        at: now,
      })
      .execute();
    await recordAudit(trx, actor, {
      action: `survey.${input.action}`,
      entityType: "survey_delegation",
      entityId: input.id,
      summary: `${EVENT_SUMMARY[input.action]}（委托调研 #${input.id}）${comment ? `：${comment}` : ""}`,
      before: { status: before.status, report: before.report_text },
      after: { status: next, report: input.report?.text ?? before.report_text },
    });
    if (input.action === "submit") await staffEvents.surveyReportSubmitted(trx, input.id, now);
    return { ok: true, id: input.id };
  });
}
