import type { Kysely } from "kysely";
import type { Database } from "../../db/schema";
import { saveAttachments, type CheckedUpload } from "../attachments/attachments.server";
import { recordAudit, type Actor } from "../audit.server";
import type { RichText } from "../richtext/richtext.server";
import { nowIso } from "../utils/time";

/** 会前调研: the committee's own research activities and the problem clues (问题线索) drawn from them. */
export { RESEARCH_KINDS } from "../labels";

export type Result = { ok: true; id: number } | { ok: false; field: string; message: string };

export interface ActivityInput {
  kind: string;
  title: string;
  startDate: string;
  endDate: string;
  places: string;
  participants: string;
  findings: RichText;
}

export async function listActivities(db: Kysely<Database>, inquiryId: number) {
  return db
    .selectFrom("research_activities")
    .select(["id", "kind", "title", "start_date", "end_date", "places", "participants", "findings_html", "version"])
    .where("inquiry_id", "=", inquiryId)
    .orderBy("start_date")
    .orderBy("id")
    .execute();
}

export async function getActivity(db: Kysely<Database>, inquiryId: number, id: number) {
  return db.selectFrom("research_activities").selectAll().where("id", "=", id).where("inquiry_id", "=", inquiryId).executeTakeFirst();
}

export async function listFindings(db: Kysely<Database>, inquiryId: number) {
  return db
    .selectFrom("research_findings")
    .leftJoin("research_activities", "research_activities.id", "research_findings.activity_id")
    .select(["research_findings.id", "research_findings.text", "research_findings.activity_id", "research_activities.title as activity_title", "research_findings.created_at"])
    .where("research_findings.inquiry_id", "=", inquiryId)
    .orderBy("research_findings.id")
    .execute();
}

export async function createActivity(
  db: Kysely<Database>,
  actor: Actor,
  inquiryId: number,
  input: ActivityInput,
  files: CheckedUpload[],
): Promise<Result> {
  return db.transaction().execute(async (trx) => {
    const inquiry = await trx.selectFrom("inquiries").select(["id", "title"]).where("id", "=", inquiryId).executeTakeFirst();
    if (!inquiry) return { ok: false, field: "_form", message: "该专题询问不存在" };
    const now = nowIso();
    const row = await trx
      .insertInto("research_activities")
      .values({
        inquiry_id: inquiryId,
        kind: input.kind,
        title: input.title,
        start_date: input.startDate,
        end_date: input.endDate,
        places: input.places,
        participants: input.participants,
        findings_json: input.findings.json,
        findings_text: input.findings.text,
        findings_html: input.findings.html,
        created_by: actor.id,
        created_at: now,
        updated_at: now,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await saveAttachments(trx, actor, { inquiryId, type: "research_activity", id: row.id }, files);
    await recordAudit(trx, actor, {
      action: "research.create",
      entityType: "research_activity",
      entityId: row.id,
      summary: `「${inquiry.title}」新增调研活动「${input.title}」（${input.kind}）`,
      after: { ...input, findings: input.findings.text },
    });
    return { ok: true, id: row.id };
  });
}

export async function updateActivity(
  db: Kysely<Database>,
  actor: Actor,
  inquiryId: number,
  id: number,
  version: number,
  input: ActivityInput,
  files: CheckedUpload[],
): Promise<Result> {
  return db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom("research_activities").selectAll().where("id", "=", id).where("inquiry_id", "=", inquiryId).executeTakeFirst();
    if (!before) return { ok: false, field: "_form", message: "该调研活动不存在" };
    if (before.version !== version) return { ok: false, field: "_form", message: "该调研活动已被他人修改，请刷新页面查看最新内容后再保存。" };
    await trx
      .updateTable("research_activities")
      .set({
        kind: input.kind,
        title: input.title,
        start_date: input.startDate,
        end_date: input.endDate,
        places: input.places,
        participants: input.participants,
        findings_json: input.findings.json,
        findings_text: input.findings.text,
        findings_html: input.findings.html,
        version: before.version + 1,
        updated_at: nowIso(),
      })
      .where("id", "=", id)
      .execute();
    await saveAttachments(trx, actor, { inquiryId, type: "research_activity", id }, files);
    await recordAudit(trx, actor, {
      action: "research.update",
      entityType: "research_activity",
      entityId: id,
      summary: `修改调研活动「${input.title}」`,
      before: { kind: before.kind, title: before.title, start_date: before.start_date, end_date: before.end_date, places: before.places, participants: before.participants, findings: before.findings_text },
      after: { ...input, findings: input.findings.text },
    });
    return { ok: true, id };
  });
}

/** A problem clue (问题线索) marked from an activity's findings: the material the outline links to. */
export async function addFinding(
  db: Kysely<Database>,
  actor: Actor,
  inquiryId: number,
  input: { activityId: number | null; text: string },
): Promise<Result> {
  return db.transaction().execute(async (trx) => {
    if (input.activityId !== null) {
      const activity = await trx.selectFrom("research_activities").select("id").where("id", "=", input.activityId).where("inquiry_id", "=", inquiryId).executeTakeFirst();
      if (!activity) return { ok: false, field: "activityId", message: "所选调研活动不属于本次专题询问" };
    }
    const row = await trx
      .insertInto("research_findings")
      .values({ inquiry_id: inquiryId, activity_id: input.activityId, text: input.text, created_by: actor.id, created_at: nowIso() })
      .returning("id")
      .executeTakeFirstOrThrow();
    await recordAudit(trx, actor, {
      action: "research.finding_add",
      entityType: "research_finding",
      entityId: row.id,
      summary: `新增问题线索：${input.text.slice(0, 60)}`,
      after: input,
    });
    return { ok: true, id: row.id };
  });
}
