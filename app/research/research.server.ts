import type { Kysely } from "kysely";
import type { Database } from "../../db/schema";
import { z } from "zod";
import { checkUploads, filesFromForm, saveAttachments, type CheckedUpload } from "../attachments/attachments.server";
import { recordAudit, type Actor } from "../audit.server";
import { RESEARCH_KINDS } from "../labels";
import { richTextFromForm, type RichText } from "../richtext/richtext.server";
import { fields, parseForm } from "../utils/forms.server";
import { isCalendarDate, nowIso } from "../utils/time";
import { optionalIdField } from "../utils/ids";
import type { Result } from "../utils/result";

/** 会前调研: the committee's own research activities and the problem clues (问题线索) drawn from them. */
export { RESEARCH_KINDS } from "../labels";

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

const RESEARCH_DATE = (label: string) =>
  z
    .string({ error: `请填写${label}` })
    .trim()
    .min(1, `请填写${label}`)
    .refine(isCalendarDate, `${label}格式不正确，请按“年-月-日”填写`);

/** The fields of the activity form (create and edit); the findings and files are read beside it. */
export const ActivityFormSchema = z
  .object({
    kind: z.enum(RESEARCH_KINDS, { error: "请选择调研形式" }),
    title: fields.requiredText("活动名称", 200),
    startDate: RESEARCH_DATE("开始日期"),
    endDate: RESEARCH_DATE("结束日期"),
    places: fields.optionalText("地点", 500),
    participants: fields.optionalText("参加人员", 2000),
  })
  .refine((v) => v.endDate >= v.startDate, { path: ["endDate"], message: "结束日期不能早于开始日期" });

export type ActivityForm =
  | { ok: true; input: ActivityInput; files: CheckedUpload[]; values: Record<string, string> }
  | { ok: false; fieldErrors: Record<string, string[]>; values: Record<string, string> };

/** Reads the activity form (fields, findings as rich text, attachments), collecting every error at once. */
export async function readActivityForm(formData: FormData): Promise<ActivityForm> {
  const parsed = parseForm(formData, ActivityFormSchema);
  const findings = richTextFromForm(formData, "findings", { label: "调研发现" });
  const uploads = await checkUploads(filesFromForm(formData, "files"));
  const fieldErrors: Record<string, string[]> = parsed.ok ? {} : { ...parsed.fieldErrors };
  if (!findings.ok) fieldErrors.findings = [findings.message];
  if (!uploads.ok) fieldErrors.files = [uploads.message];
  if (!parsed.ok || !findings.ok || !uploads.ok) return { ok: false, fieldErrors, values: parsed.values };
  return { ok: true, input: { ...parsed.data, findings: findings.value }, files: uploads.files, values: parsed.values };
}

/** The clue form: its text and, optionally, the activity it came from. */
export const FindingFormSchema = z.object({
  text: fields.requiredText("问题线索", 1000),
  activityId: optionalIdField("请选择来源调研活动"),
});
