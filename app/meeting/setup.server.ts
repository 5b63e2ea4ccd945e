import { rememberKnownOfficials } from "./officials.server";
import type { Kysely, Transaction } from "kysely";
import type { Database } from "../../db/schema";
import { activeOrganizations, organizationsProblem, RESPONDING_KINDS } from "../admin/organizations.server";
import { recordAudit, type Actor } from "../audit.server";
import { isCalendarDate, nowIso } from "../utils/time";
import { respondingOrganizations, writeMeetingDate } from "../inquiries/inquiries.server";
import { requireApprovedPlan } from "../inquiries/plan-gate.server";
import type { Result } from "../utils/result";

/**
 * 询问会: the meeting's setup (this file), its live record (exchanges.server.ts, segments.server.ts), the
 * server-side drafts of the entry form (drafts.server.ts), the per-department transcript with its corrections
 * (corrections.server.ts), and the written replies owed after the meeting (written-replies.server.ts).
 * Every change is one transaction with its audit entry; editable records carry a version.
 *
 * Setup: the meeting row of an inquiry (date, place, correction window), the officials present, and the
 * organisations that answer.
 */

export type DB = Kysely<Database>;
export type Trx = Transaction<Database>;

const MEETING_CONFLICT = "询问会设置已被他人修改，请刷新页面查看最新内容后再保存。";

/** Days after the meeting during which departments may propose corrections, and the upper bound staff may set. */
export const DEFAULT_CORRECTION_DAYS = 7;
export const MAX_CORRECTION_DAYS = 3650;

export async function getMeetingByInquiry(db: DB | Trx, inquiryId: number) {
  return db.selectFrom("meetings").selectAll().where("inquiry_id", "=", inquiryId).executeTakeFirst();
}

export async function getMeeting(db: DB | Trx, meetingId: number) {
  return db.selectFrom("meetings").selectAll().where("id", "=", meetingId).executeTakeFirst();
}

export type MeetingRow = NonNullable<Awaited<ReturnType<typeof getMeeting>>>;

export interface MeetingSetupInput {
  meetingDate: string;
  place: string;
  sessionName: string;
  chairName: string;
  chairTitle: string;
  governmentOrganizationId: number | null;
  governmentResponderName: string;
  governmentResponderTitle: string;
  voteMode: "none" | "answer" | "department";
  voteSecret: boolean;
  correctionDays: number;
}

export async function isRespondingKind(db: DB | Trx, orgId: number): Promise<boolean> {
  return (await organizationsProblem(db, [orgId], { kinds: RESPONDING_KINDS, message: "x" })) === null;
}

export const ANSWERING_UNIT_PROBLEM = "发言人所在单位不存在，或不是人民政府、政府部门";

/**
 * Creates the meeting of an inquiry (version null) or updates its setup (with the version the editor saw).
 */
export async function saveMeetingSetup(db: DB, actor: Actor, inquiryId: number, version: number | null, input: MeetingSetupInput): Promise<Result> {
  if (!isCalendarDate(input.meetingDate)) return { ok: false, field: "meetingDate", message: "会议日期格式不正确，请按“年-月-日”填写" };
  if (!Number.isInteger(input.correctionDays) || input.correctionDays < 0 || input.correctionDays > MAX_CORRECTION_DAYS) {
    return { ok: false, field: "correctionDays", message: `更正期限应为 0 至 ${MAX_CORRECTION_DAYS} 天` };
  }
  if (input.governmentOrganizationId !== null && !(await isRespondingKind(db, input.governmentOrganizationId))) {
    return { ok: false, field: "governmentOrganizationId", message: "应询的人民政府只能选择人民政府或政府部门" };
  }
  return db.transaction().execute(async (trx) => {
    const inquiry = await trx.selectFrom("inquiries").select(["id", "title", "meeting_date"]).where("id", "=", inquiryId).executeTakeFirst();
    if (!inquiry) return { ok: false, field: "_form", message: "该专题询问不存在" };
    const gate = await requireApprovedPlan(trx, inquiryId, "meeting");
    if (!gate.ok) return gate;
    const before = await getMeetingByInquiry(trx, inquiryId);
    const now = nowIso();
    // the date lives on the inquiry (one meeting date, docs/decisions/0040); the meeting row's copy follows it
    const values = {
      place: input.place,
      session_name: input.sessionName,
      chair_name: input.chairName,
      chair_title: input.chairTitle,
      government_organization_id: input.governmentOrganizationId,
      government_responder_name: input.governmentResponderName,
      government_responder_title: input.governmentResponderTitle,
      vote_mode: input.voteMode,
      vote_secret: input.voteSecret ? 1 : 0,
      correction_days: input.correctionDays,
    };
    if (version === null) {
      if (before) return { ok: false, field: "_form", message: "该询问会已经设置，请刷新页面后修改。" };
      await writeMeetingDate(trx, inquiryId, input.meetingDate);
      const row = await trx
        .insertInto("meetings")
        .values({ inquiry_id: inquiryId, ...values, created_at: now, updated_at: now })
        .returning("id")
        .executeTakeFirstOrThrow();
      await recordAudit(trx, actor, {
        action: "meeting.create",
        entityType: "meeting",
        entityId: row.id,
        summary: `设置「${inquiry.title}」询问会：${input.meetingDate} ${input.place}`.trim(),
        before: { meeting_date: inquiry.meeting_date },
        after: { meeting_date: input.meetingDate, ...values },
      });
      return { ok: true, id: row.id };
    }
    if (!before) return { ok: false, field: "_form", message: "该询问会尚未设置，请刷新页面。" };
    if (before.version !== version) return { ok: false, field: "_form", message: MEETING_CONFLICT };
    await writeMeetingDate(trx, inquiryId, input.meetingDate);
    await trx
      .updateTable("meetings")
      .set({ ...values, version: before.version + 1, updated_at: now })
      .where("id", "=", before.id)
      .execute();
    await recordAudit(trx, actor, {
      action: "meeting.update",
      entityType: "meeting",
      entityId: before.id,
      summary: `修改「${inquiry.title}」询问会设置`,
      before: pick(before, ["meeting_date", ...Object.keys(values)]),
      after: { meeting_date: input.meetingDate, ...values },
    });
    return { ok: true, id: before.id };
  });
}

export function pick(row: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((k) => [k, row[k]]));
}

export async function listOfficials(db: DB | Trx, meetingId: number) {
  return db
    .selectFrom("meeting_officials")
    .innerJoin("organizations", "organizations.id", "meeting_officials.organization_id")
    .select([
      "meeting_officials.id",
      "meeting_officials.organization_id",
      "meeting_officials.name",
      "meeting_officials.title",
      "meeting_officials.position",
      "organizations.name as organization_name",
    ])
    .where("meeting_officials.meeting_id", "=", meetingId)
    .orderBy("meeting_officials.position")
    .orderBy("meeting_officials.id")
    .execute();
}

/** 应询人员: name, title, department. */
export async function addOfficial(db: DB, actor: Actor, meetingId: number, input: { organizationId: number; name: string; title: string }): Promise<Result> {
  if (!input.name.trim()) return { ok: false, field: "officialName", message: "请填写应询人员姓名" };
  if (!(await isRespondingKind(db, input.organizationId))) return { ok: false, field: "officialOrganizationId", message: "应询人员所在单位只能是人民政府或政府部门" };
  return db.transaction().execute(async (trx) => {
    const meeting = await getMeeting(trx, meetingId);
    if (!meeting) return { ok: false, field: "_form", message: "该询问会不存在" };
    const last = await trx
      .selectFrom("meeting_officials")
      .select((eb) => eb.fn.max("position").as("p"))
      .where("meeting_id", "=", meetingId)
      .executeTakeFirst();
    const row = await trx
      .insertInto("meeting_officials")
      .values({ meeting_id: meetingId, organization_id: input.organizationId, name: input.name.trim(), title: input.title.trim(), position: Number(last?.p ?? 0) + 1 })
      .returning("id")
      .executeTakeFirstOrThrow();
    const org = await trx.selectFrom("organizations").select("name").where("id", "=", input.organizationId).executeTakeFirstOrThrow();
    await rememberKnownOfficials(trx, [{ organizationId: input.organizationId, name: input.name, title: input.title }]);
    await recordAudit(trx, actor, {
      action: "meeting.official_add",
      entityType: "meeting",
      entityId: meetingId,
      summary: `添加应询人员：${org.name}${input.title}${input.name}`,
      after: { organization_id: input.organizationId, name: input.name, title: input.title },
    });
    return { ok: true, id: row.id };
  });
}

export async function removeOfficial(db: DB, actor: Actor, meetingId: number, officialId: number): Promise<Result> {
  return db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom("meeting_officials").selectAll().where("id", "=", officialId).where("meeting_id", "=", meetingId).executeTakeFirst();
    if (!before) return { ok: false, field: "_form", message: "该应询人员不存在或已被移除，请刷新页面。" };
    await trx.deleteFrom("meeting_officials").where("id", "=", officialId).execute();
    await recordAudit(trx, actor, {
      action: "meeting.official_remove",
      entityType: "meeting",
      entityId: meetingId,
      summary: `移除应询人员：${before.title}${before.name}`,
      before,
    });
    return { ok: true, id: officialId };
  });
}

/** The organisations a meeting's exchanges may be addressed to: the inquiry's responding organs first, then the rest. */
export async function answeringOrganizations(db: DB, inquiryId: number) {
  const [all, responding] = await Promise.all([activeOrganizations(db, RESPONDING_KINDS), respondingOrganizations(db, inquiryId)]);
  const isResponding = new Set(responding.map((o) => o.id));
  // the inquiry's responding organisations first, each group in the organisations' own order
  const rows = [...all.filter((o) => isResponding.has(o.id)), ...all.filter((o) => !isResponding.has(o.id))];
  return rows.map((r) => ({ id: r.id, name: r.name, responding: isResponding.has(r.id) }));
}
