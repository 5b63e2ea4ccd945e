import { resolveQuestioner } from "../roster/roster.server";
import { officialsFromSegment, rememberKnownOfficials } from "./officials.server";
import { advanceStage } from "../inquiries/inquiries.server";
import * as staffEvents from "../queue/events.server";
import { sql, type Kysely, type Transaction } from "kysely";
import type { Database, SegmentKind, TurnKind } from "../../db/schema";
import { saveAttachments, type CheckedUpload } from "../attachments/attachments.server";
import { organizationsProblem, RESPONDING_KINDS } from "../admin/organizations.server";
import { recordAudit, type Actor } from "../audit.server";
import { parseRichText, type RichText } from "../richtext/richtext.server";
import { deadlineLight } from "../utils/deadline";
import { addDays, isCalendarDate, nowIso, todayInShanghai } from "../utils/time";
import { dateContext, deadlineProblem } from "../history/dates.server";
import { notVoided } from "../history/void.server";
import { SEGMENT_KIND_LABELS, TURN_KIND_LABELS } from "./labels";
import { writeMeetingDate } from "../inquiries/inquiries.server";
import { requireApprovedPlan } from "../inquiries/plan-gate.server";

/**
 * 询问会: the meeting's setup, its live record (segments of turns), the server-side drafts of the entry form,
 * the per-department transcript with its corrections, and the written replies owed after the meeting.
 * Every change is one transaction with its audit entry; editable records carry a version.
 */
export type Result = { ok: true; id: number } | { ok: false; field: string; message: string };

type DB = Kysely<Database>;
type Trx = Transaction<Database>;

const MEETING_CONFLICT = "询问会设置已被他人修改，请刷新页面查看最新内容后再保存。";
const SEGMENT_CONFLICT = "该条记录已被他人修改，请刷新页面查看最新内容后再保存。";
const REPLY_CONFLICT = "该书面答复已被他人修改或已提交，请刷新页面查看最新状态。";

/** Days after the meeting during which departments may propose corrections, and the upper bound staff may set. */
export const DEFAULT_CORRECTION_DAYS = 7;
export const MAX_CORRECTION_DAYS = 3650;
/** Days before its due date at which an open written reply turns yellow. */
export const WRITTEN_REPLY_NEAR_DAYS = 5;
/** The largest draft the entry form may store (JSON characters). */
export const MAX_DRAFT_CHARS = 200_000;
export const MAX_CHAIN_ROWS = 30;

function rich(text: string, label: string): RichText {
  const r = parseRichText(text, "plain", { label });
  if (!r.ok) throw new Error(r.message);
  return r.value;
}

function checkedText(text: string, label: string): { ok: true; value: RichText } | { ok: false; message: string } {
  const r = parseRichText(text, "plain", { label });
  return r.ok ? { ok: true, value: r.value } : { ok: false, message: r.message };
}

// one calendar-date arithmetic for the whole app (app/utils/time.ts); re-exported for this module's callers
export { addDays };

// ---------------------------------------------------------------- the meeting and its setup

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

async function isRespondingKind(db: DB | Trx, orgId: number): Promise<boolean> {
  return (await organizationsProblem(db, [orgId], { kinds: RESPONDING_KINDS, message: "x" })) === null;
}

const ANSWERING_UNIT_PROBLEM = "发言人所在单位不存在，或不是人民政府、政府部门";

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

function pick(row: Record<string, unknown>, keys: string[]): Record<string, unknown> {
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
  const rows = await db
    .selectFrom("organizations")
    .leftJoin("inquiry_organizations", (j) =>
      j.onRef("inquiry_organizations.organization_id", "=", "organizations.id").on("inquiry_organizations.inquiry_id", "=", inquiryId),
    )
    .select(["organizations.id", "organizations.name", "organizations.kind", "inquiry_organizations.inquiry_id as responding"])
    .where("organizations.kind", "in", ["government", "department"])
    .where("organizations.active", "=", 1)
    .orderBy(sql`inquiry_organizations.inquiry_id is null`)
    .orderBy("organizations.kind", "desc")
    .orderBy("organizations.sort_order")
    .orderBy("organizations.id")
    .execute();
  return rows.map((r) => ({ id: r.id, name: r.name, responding: r.responding !== null }));
}

// ---------------------------------------------------------------- the outline proposal

export interface OutlineProposal {
  id: number;
  keyword: string;
  headline: string;
  text: string;
  departmentId: number;
  departmentName: string;
  questionerUserId: number | null;
  questionerName: string;
  questionerRole: string;
}

/**
 * The outline questions not yet asked, in outline order (keyword position, then question position). The first
 * is what the entry form proposes next.
 */
export async function remainingOutlineQuestions(db: DB | Trx, inquiryId: number): Promise<OutlineProposal[]> {
  const rows = await db
    .selectFrom("outline_questions as q")
    .innerJoin("outline_keywords as k", "k.id", "q.keyword_id")
    .leftJoin("organizations as o", "o.id", "q.department_id")
    .select([
      "q.id",
      "k.keyword",
      "k.headline",
      "q.text",
      "q.department_id",
      "o.name as department_name",
      "q.questioner_user_id",
      "q.questioner_name",
      "q.questioner_role",
    ])
    .where("q.inquiry_id", "=", inquiryId)
    .where(notVoided("q"))
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom("meeting_segments as s").select("s.id").whereRef("s.outline_question_id", "=", "q.id").where(notVoided("s")))),
    )
    .orderBy("k.position")
    .orderBy("k.id")
    .orderBy("q.position")
    .orderBy("q.id")
    .execute();
  return rows.map((r) => ({
    id: r.id,
    keyword: r.keyword,
    headline: r.headline,
    text: r.text,
    departmentId: r.department_id,
    departmentName: r.department_name ?? "",
    questionerUserId: r.questioner_user_id,
    questionerName: r.questioner_name,
    questionerRole: r.questioner_role,
  }));
}

export async function nextOutlineQuestion(db: DB | Trx, inquiryId: number): Promise<OutlineProposal | null> {
  return (await remainingOutlineQuestions(db, inquiryId))[0] ?? null;
}

// ---------------------------------------------------------------- the record

export async function loadRecord(db: DB | Trx, meetingId: number) {
  const segments = await db
    .selectFrom("meeting_segments as s")
    .leftJoin("organizations as o", "o.id", "s.department_id")
    .selectAll("s")
    .select("o.name as department_name")
    .where("s.meeting_id", "=", meetingId)
    // a voided exchange leaves the record, the digest and the Word document (the 已作废 view keeps it)
    .where(notVoided("s"))
    .orderBy("s.position")
    .orderBy("s.id")
    .execute();
  const turns = segments.length
    ? await db
        .selectFrom("meeting_turns as t")
        .leftJoin("organizations as o", "o.id", "t.organization_id")
        .selectAll("t")
        .select("o.name as organization_name")
        .where(
          "t.segment_id",
          "in",
          segments.map((s) => s.id),
        )
        .orderBy("t.segment_id")
        .orderBy("t.position")
        .orderBy("t.id")
        .execute()
    : [];
  return segments.map((s) => ({ ...s, turns: turns.filter((t) => t.segment_id === s.id) }));
}

export type RecordSegment = Awaited<ReturnType<typeof loadRecord>>[number];
export type RecordTurn = RecordSegment["turns"][number];

export async function getSegment(db: DB | Trx, segmentId: number) {
  const segment = await db
    .selectFrom("meeting_segments as s")
    .leftJoin("organizations as o", "o.id", "s.department_id")
    .selectAll("s")
    .select("o.name as department_name")
    .where("s.id", "=", segmentId)
    .executeTakeFirst();
  if (!segment) return undefined;
  const turns = await db
    .selectFrom("meeting_turns as t")
    .leftJoin("organizations as o", "o.id", "t.organization_id")
    .selectAll("t")
    .select("o.name as organization_name")
    .where("t.segment_id", "=", segmentId)
    .orderBy("t.position")
    .orderBy("t.id")
    .execute();
  return { ...segment, turns };
}

export interface ChainRow {
  kind: "follow_up" | "answer" | "supplementary";
  speakerName: string;
  speakerTitle: string;
  organizationId: number | null;
  body: string;
}

export interface ExchangeInput {
  outlineQuestionId: number | null;
  keyword: string;
  headline: string;
  questionerUserId: number | null;
  questionerName: string;
  questionerRole: string;
  departmentId: number;
  question: string;
  responderName: string;
  responderTitle: string;
  responderOrganizationId: number | null;
  answer: string;
  chain: ChainRow[];
  /** a questioner not on the roster (组成人员名册) is added to it */
  addToRoster?: boolean;
}

async function nextPosition(trx: Trx, meetingId: number): Promise<number> {
  const row = await trx.selectFrom("meeting_segments").select((eb) => eb.fn.max("position").as("p")).where("meeting_id", "=", meetingId).executeTakeFirst();
  return Number(row?.p ?? 0) + 1;
}

interface TurnDraft {
  kind: TurnKind;
  speaker_name: string;
  speaker_title: string;
  organization_id: number | null;
  body: RichText;
}

/** The turns of an exchange from what the entry form sent: empty rows are dropped, each text is checked. */
function exchangeTurns(input: ExchangeInput): { ok: true; turns: TurnDraft[] } | { ok: false; field: string; message: string } {
  const turns: TurnDraft[] = [];
  const question = checkedText(input.question, "询问内容");
  if (!question.ok) return { ok: false, field: "question", message: question.message };
  if (!question.value.text) return { ok: false, field: "question", message: "请填写询问内容" };
  turns.push({ kind: "question", speaker_name: input.questionerName, speaker_title: input.questionerRole, organization_id: null, body: question.value });
  const answer = checkedText(input.answer, "应询答复");
  if (!answer.ok) return { ok: false, field: "answer", message: answer.message };
  if (answer.value.text) {
    if (!input.responderName.trim()) return { ok: false, field: "responderName", message: "请填写应询人姓名" };
    turns.push({
      kind: "answer",
      speaker_name: input.responderName.trim(),
      speaker_title: input.responderTitle.trim(),
      organization_id: input.responderOrganizationId ?? input.departmentId,
      body: answer.value,
    });
  }
  if (input.chain.length > MAX_CHAIN_ROWS) return { ok: false, field: "chain", message: `追问和补充回答最多 ${MAX_CHAIN_ROWS} 条` };
  for (const [index, row] of input.chain.entries()) {
    const body = checkedText(row.body, `第 ${index + 1} 条${TURN_KIND_LABELS[row.kind]}`);
    if (!body.ok) return { ok: false, field: "chain", message: body.message };
    if (!body.value.text) continue;
    const speaker = row.speakerName.trim() || (row.kind === "follow_up" ? input.questionerName : input.responderName).trim();
    if (!speaker) return { ok: false, field: "chain", message: `请填写第 ${index + 1} 条${TURN_KIND_LABELS[row.kind]}的发言人` };
    turns.push({
      kind: row.kind,
      speaker_name: speaker,
      speaker_title: row.kind === "follow_up" ? row.speakerTitle.trim() || input.questionerRole : row.speakerTitle.trim(),
      organization_id: row.kind === "follow_up" ? null : (row.organizationId ?? input.responderOrganizationId ?? input.departmentId),
      body: body.value,
    });
  }
  return { ok: true, turns };
}

async function insertTurns(trx: Trx, segmentId: number, turns: TurnDraft[], startAt = 1) {
  const now = nowIso();
  let position = startAt;
  for (const t of turns) {
    await trx
      .insertInto("meeting_turns")
      .values({
        segment_id: segmentId,
        position: position++,
        kind: t.kind,
        speaker_name: t.speaker_name,
        speaker_title: t.speaker_title,
        organization_id: t.organization_id,
        body_json: t.body.json,
        body_text: t.body.text,
        body_html: t.body.html,
        created_at: now,
        updated_at: now,
      })
      .execute();
  }
}

/**
 * Records one exchange as it happens: the question (from the outline, or 现场提问), the answer and the chain of
 * follow-ups and supplementary answers. The user's draft under `draftKey` is cleared in the same transaction.
 */
export async function recordExchange(
  db: DB,
  actor: Actor,
  meetingId: number,
  input: ExchangeInput,
  draft?: { userId: number; key: string },
): Promise<Result> {
  if (!input.questionerName.trim()) return { ok: false, field: "questionerName", message: "请填写询问人姓名" };
  if (!(await isRespondingKind(db, input.departmentId))) return { ok: false, field: "departmentId", message: "请选择应询部门" };
  if (input.responderOrganizationId !== null && !(await isRespondingKind(db, input.responderOrganizationId))) {
    return { ok: false, field: "responderOrganizationId", message: "应询人所在单位只能是人民政府或政府部门" };
  }
  const chainProblem = await organizationsProblem(
    db,
    input.chain.map((row) => (row.kind === "follow_up" ? null : row.organizationId)),
    { kinds: RESPONDING_KINDS, message: `追问和补充回答中：${ANSWERING_UNIT_PROBLEM}` },
  );
  if (chainProblem) return { ok: false, field: "chain", message: chainProblem };
  const checked = exchangeTurns(input);
  if (!checked.ok) return checked;
  return db.transaction().execute(async (trx) => {
    const meeting = await getMeeting(trx, meetingId);
    if (!meeting) return { ok: false, field: "_form", message: "该询问会不存在" };
    const gate = await requireApprovedPlan(trx, meeting.inquiry_id, "exchange");
    if (!gate.ok) return gate;
    // the questioner as the roster knows them (account, 职务), or added to it when the typist asked to
    if (input.questionerUserId === null) {
      const who = await resolveQuestioner(trx, actor, { name: input.questionerName, role: input.questionerRole, addToRoster: !!input.addToRoster });
      input = { ...input, questionerUserId: who.userId, questionerRole: who.role };
    }
    const turns = exchangeTurns(input);
    if (!turns.ok) return turns;
    if (input.outlineQuestionId !== null) {
      const q = await trx.selectFrom("outline_questions").select(["id", "inquiry_id"]).where("id", "=", input.outlineQuestionId).executeTakeFirst();
      if (!q || q.inquiry_id !== meeting.inquiry_id) return { ok: false, field: "outlineQuestionId", message: "该提纲问题不属于本次询问，请刷新页面后重试" };
      const used = await trx.selectFrom("meeting_segments").select("id").where("outline_question_id", "=", q.id).executeTakeFirst();
      if (used) return { ok: false, field: "outlineQuestionId", message: "该提纲问题已经记录过了，请刷新页面，或改为现场提问。" };
    }
    const now = nowIso();
    const segment = await trx
      .insertInto("meeting_segments")
      .values({
        meeting_id: meetingId,
        inquiry_id: meeting.inquiry_id,
        kind: "exchange",
        position: await nextPosition(trx, meetingId),
        keyword: input.keyword.trim(),
        headline: input.headline.trim(),
        outline_question_id: input.outlineQuestionId,
        unplanned: input.outlineQuestionId === null ? 1 : 0,
        questioner_user_id: input.questionerUserId,
        questioner_name: input.questionerName.trim(),
        questioner_role: input.questionerRole.trim(),
        department_id: input.departmentId,
        created_at: now,
        updated_at: now,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await insertTurns(trx, segment.id, turns.turns);
    // whoever answered joins the meeting's 应询人员 and is offered next time
    await officialsFromSegment(trx, segment.id);
    if (draft) {
      await trx.deleteFrom("meeting_drafts").where("user_id", "=", draft.userId).where("meeting_id", "=", meetingId).where("draft_key", "=", draft.key).execute();
    }
    await recordAudit(trx, actor, {
      action: "meeting.exchange_record",
      entityType: "meeting_segment",
      entityId: segment.id,
      summary: `记录${input.outlineQuestionId === null ? "现场提问" : "询问"}：${input.questionerRole}${input.questionerName}（${input.keyword || "未分关键词"}），${turns.turns.length} 段发言`,
      after: { ...input, chain: input.chain.length },
    });
    await advanceStage(trx, actor, meeting.inquiry_id, "meeting", "meeting_recorded");
    return { ok: true, id: segment.id };
  });
}

export interface SpeechInput {
  kind: Exclude<SegmentKind, "exchange">;
  speakerName: string;
  speakerTitle: string;
  organizationId: number | null;
  body: string;
}

/** 汇报, 表态发言, the chair's opening and closing remarks: one speech each. */
export async function recordSpeech(db: DB, actor: Actor, meetingId: number, input: SpeechInput): Promise<Result> {
  if (!input.speakerName.trim()) return { ok: false, field: "speakerName", message: "请填写发言人" };
  const body = checkedText(input.body, "发言内容");
  if (!body.ok) return { ok: false, field: "body", message: body.message };
  if (!body.value.text) return { ok: false, field: "body", message: "请填写发言内容" };
  const orgProblem = await organizationsProblem(db, [input.organizationId], { message: "所选单位不存在" });
  if (orgProblem) return { ok: false, field: "organizationId", message: orgProblem };
  return db.transaction().execute(async (trx) => {
    const meeting = await getMeeting(trx, meetingId);
    if (!meeting) return { ok: false, field: "_form", message: "该询问会不存在" };
    const gate = await requireApprovedPlan(trx, meeting.inquiry_id, "exchange");
    if (!gate.ok) return gate;
    const now = nowIso();
    const segment = await trx
      .insertInto("meeting_segments")
      .values({
        meeting_id: meetingId,
        inquiry_id: meeting.inquiry_id,
        kind: input.kind,
        position: await nextPosition(trx, meetingId),
        department_id: null,
        created_at: now,
        updated_at: now,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await insertTurns(trx, segment.id, [
      { kind: "speech", speaker_name: input.speakerName.trim(), speaker_title: input.speakerTitle.trim(), organization_id: input.organizationId, body: body.value },
    ]);
    await recordAudit(trx, actor, {
      action: "meeting.speech_record",
      entityType: "meeting_segment",
      entityId: segment.id,
      summary: `记录${SEGMENT_KIND_LABELS[input.kind]}：${input.speakerTitle}${input.speakerName}`,
      after: { kind: input.kind, speaker: input.speakerName, title: input.speakerTitle, body: body.value.text },
    });
    await advanceStage(trx, actor, meeting.inquiry_id, "meeting", "meeting_recorded");
    return { ok: true, id: segment.id };
  });
}

export interface TurnEdit {
  /** null: a new turn appended at the end */
  id: number | null;
  kind: TurnKind;
  speakerName: string;
  speakerTitle: string;
  organizationId: number | null;
  body: string;
  remove: boolean;
}

export interface SegmentEditInput {
  keyword: string;
  headline: string;
  questionerName: string;
  questionerRole: string;
  departmentId: number | null;
  turns: TurnEdit[];
}

/**
 * Corrects a segment afterwards: its keyword, headline, questioner and department, and each turn's speaker and
 * wording; turns may be added or removed (never the question, never one with correction proposals).
 */
export async function updateSegment(db: DB, actor: Actor, segmentId: number, version: number, input: SegmentEditInput): Promise<Result> {
  return db.transaction().execute(async (trx): Promise<Result> => {
    const before = await getSegment(trx, segmentId);
    if (!before) return { ok: false, field: "_form", message: "该条记录不存在" };
    if (before.version !== version) return { ok: false, field: "_form", message: SEGMENT_CONFLICT };
    const isExchange = before.kind === "exchange";
    if (isExchange) {
      if (!input.questionerName.trim()) return { ok: false, field: "questionerName", message: "请填写询问人姓名" };
      if (input.departmentId === null || !(await isRespondingKind(trx, input.departmentId))) return { ok: false, field: "departmentId", message: "请选择应询部门" };
    }
    const byId = new Map(before.turns.map((t) => [t.id, t]));
    // the units of answers (a government organ or department in an exchange; any existing unit for a speech)
    const turnOrgs = input.turns
      .filter((edit) => !edit.remove)
      .map((edit) => {
        const kind = edit.id !== null ? byId.get(edit.id)?.kind : edit.kind;
        return kind === "question" || kind === "follow_up" ? null : edit.organizationId;
      });
    const orgProblem = await organizationsProblem(
      trx,
      turnOrgs,
      isExchange ? { kinds: RESPONDING_KINDS, message: ANSWERING_UNIT_PROBLEM } : { message: "所选单位不存在" },
    );
    if (orgProblem) return { ok: false, field: "turns", message: orgProblem };
    const now = nowIso();
    const changes: { id: number; before: string; after: string }[] = [];
    let position = Math.max(0, ...before.turns.map((t) => t.position));
    for (const [index, edit] of input.turns.entries()) {
      const label = `第 ${index + 1} 段发言`;
      if (edit.id !== null) {
        const turn = byId.get(edit.id);
        if (!turn) return { ok: false, field: "turns", message: "记录中的发言已变化，请刷新页面后重试。" };
        if (edit.remove) {
          if (turn.kind === "question" || (turn.kind === "speech" && before.turns.length === 1)) return { ok: false, field: "turns", message: "询问内容和唯一的发言不能删除" };
          const corrected = await trx.selectFrom("turn_corrections").select("id").where("turn_id", "=", turn.id).executeTakeFirst();
          if (corrected) return { ok: false, field: "turns", message: `${label}已有部门提出的更正，不能删除` };
          await trx.deleteFrom("meeting_turns").where("id", "=", turn.id).execute();
          changes.push({ id: turn.id, before: turn.body_text, after: "（删除）" });
          continue;
        }
        const body = checkedText(edit.body, label);
        if (!body.ok) return { ok: false, field: "turns", message: body.message };
        if (!body.value.text) return { ok: false, field: "turns", message: `${label}不能为空；如需删除请勾选“删除”` };
        const same =
          body.value.text === turn.body_text &&
          edit.speakerName.trim() === turn.speaker_name &&
          edit.speakerTitle.trim() === turn.speaker_title &&
          edit.organizationId === turn.organization_id;
        if (same) continue;
        await trx
          .updateTable("meeting_turns")
          .set({
            speaker_name: edit.speakerName.trim(),
            speaker_title: edit.speakerTitle.trim(),
            organization_id: turn.kind === "question" || turn.kind === "follow_up" ? null : edit.organizationId,
            body_json: body.value.json,
            body_text: body.value.text,
            body_html: body.value.html,
            version: turn.version + 1,
            updated_at: now,
          })
          .where("id", "=", turn.id)
          .execute();
        changes.push({ id: turn.id, before: turn.body_text, after: body.value.text });
      } else {
        if (edit.remove || !edit.body.trim()) continue;
        if (!isExchange || !["follow_up", "answer", "supplementary"].includes(edit.kind)) return { ok: false, field: "turns", message: "只能为询问追加追问、回答或补充回答" };
        const body = checkedText(edit.body, label);
        if (!body.ok) return { ok: false, field: "turns", message: body.message };
        if (!edit.speakerName.trim()) return { ok: false, field: "turns", message: `请填写${label}的发言人` };
        await insertTurns(
          trx,
          segmentId,
          [
            {
              kind: edit.kind,
              speaker_name: edit.speakerName.trim(),
              speaker_title: edit.speakerTitle.trim(),
              organization_id: edit.kind === "follow_up" ? null : (edit.organizationId ?? input.departmentId),
              body: body.value,
            },
          ],
          ++position,
        );
        changes.push({ id: 0, before: "", after: body.value.text });
      }
    }
    const questioner = isExchange ? await resolveQuestioner(trx, actor, { name: input.questionerName, role: input.questionerRole, addToRoster: false }) : null;
    const segmentChanges = isExchange
      ? {
          keyword: input.keyword.trim(),
          headline: input.headline.trim(),
          questioner_user_id: questioner?.userId ?? null,
          questioner_name: input.questionerName.trim(),
          questioner_role: input.questionerRole.trim(),
          department_id: input.departmentId,
        }
      : {};
    await trx
      .updateTable("meeting_segments")
      .set({ ...segmentChanges, version: before.version + 1, updated_at: now })
      .where("id", "=", segmentId)
      .execute();
    // The question turn carries the questioner too.
    if (isExchange) {
      await trx
        .updateTable("meeting_turns")
        .set({ speaker_name: input.questionerName.trim(), speaker_title: input.questionerRole.trim() })
        .where("segment_id", "=", segmentId)
        .where("kind", "=", "question")
        .execute();
    }
    if (isExchange) await officialsFromSegment(trx, segmentId);
    await recordAudit(trx, actor, {
      action: "meeting.segment_update",
      entityType: "meeting_segment",
      entityId: segmentId,
      summary: `更正询问会记录 #${segmentId}（${SEGMENT_KIND_LABELS[before.kind]}${before.keyword ? `·${before.keyword}` : ""}）`,
      before: isExchange ? pick(before, ["keyword", "headline", "questioner_name", "questioner_role", "department_id"]) : undefined,
      after: { ...segmentChanges, turns: changes },
    });
    return { ok: true, id: segmentId };
  });
}

/** ↑/↓: swaps a segment with its neighbour in the record. */
export async function moveSegment(db: DB, actor: Actor, segmentId: number, direction: "up" | "down"): Promise<Result> {
  return db.transaction().execute(async (trx): Promise<Result> => {
    const segment = await trx.selectFrom("meeting_segments").selectAll().where("id", "=", segmentId).executeTakeFirst();
    if (!segment) return { ok: false, field: "_form", message: "该条记录不存在" };
    let q = trx.selectFrom("meeting_segments").selectAll().where("meeting_id", "=", segment.meeting_id);
    q = direction === "up" ? q.where("position", "<", segment.position).orderBy("position", "desc") : q.where("position", ">", segment.position).orderBy("position", "asc");
    const neighbour = await q.limit(1).executeTakeFirst();
    if (!neighbour) return { ok: false, field: "_form", message: direction === "up" ? "已经是第一条" : "已经是最后一条" };
    const now = nowIso();
    await trx.updateTable("meeting_segments").set({ position: neighbour.position, updated_at: now }).where("id", "=", segment.id).execute();
    await trx.updateTable("meeting_segments").set({ position: segment.position, updated_at: now }).where("id", "=", neighbour.id).execute();
    await recordAudit(trx, actor, {
      action: "meeting.segment_move",
      entityType: "meeting_segment",
      entityId: segment.id,
      summary: `调整询问会记录顺序：#${segment.id} ${direction === "up" ? "上移" : "下移"}`,
      before: { position: segment.position },
      after: { position: neighbour.position },
    });
    return { ok: true, id: segment.id };
  });
}

/** Removes a segment entered by mistake; not once it has votes or correction proposals. */
export async function deleteSegment(db: DB, actor: Actor, segmentId: number, version: number): Promise<Result> {
  return db.transaction().execute(async (trx): Promise<Result> => {
    const before = await getSegment(trx, segmentId);
    if (!before) return { ok: false, field: "_form", message: "该条记录不存在" };
    if (before.version !== version) return { ok: false, field: "_form", message: SEGMENT_CONFLICT };
    const vote = await trx.selectFrom("votes").select("id").where("segment_id", "=", segmentId).executeTakeFirst();
    if (vote) return { ok: false, field: "_form", message: "该条记录已开展满意度测评，不能删除" };
    const ids = before.turns.map((t) => t.id);
    const corrected = ids.length ? await trx.selectFrom("turn_corrections").select("id").where("turn_id", "in", ids).executeTakeFirst() : undefined;
    if (corrected) return { ok: false, field: "_form", message: "该条记录已有部门提出的更正，不能删除" };
    await trx.deleteFrom("meeting_segments").where("id", "=", segmentId).execute();
    await recordAudit(trx, actor, {
      action: "meeting.segment_delete",
      entityType: "meeting_segment",
      entityId: segmentId,
      summary: `删除询问会记录 #${segmentId}（${SEGMENT_KIND_LABELS[before.kind]}${before.questioner_name ? `·${before.questioner_name}` : ""}）`,
      before: { ...pick(before, ["kind", "keyword", "headline", "questioner_name", "department_id", "position"]), turns: before.turns.map((t) => `${t.speaker_name}：${t.body_text}`) },
    });
    return { ok: true, id: segmentId };
  });
}

// ---------------------------------------------------------------- drafts of the entry form

/**
 * The entry form's state, saved as the user types so a reload, a closed tab or a crash loses nothing. Drafts are
 * the typist's scratch pad, not part of the record, but every change of state is audited (issue 16): each save
 * writes `meeting.draft_save` with the draft's size (not its text, which reaches the log with the saved exchange)
 * in the same transaction.
 */
export async function saveDraft(db: DB, actor: Actor, userId: number, meetingId: number, key: string, content: string): Promise<Result> {
  if (!/^[a-z0-9_-]{1,40}$/.test(key)) return { ok: false, field: "draftKey", message: "草稿标识无效" };
  if (content.length > MAX_DRAFT_CHARS) return { ok: false, field: "content", message: "草稿内容过长，请先保存本轮问答" };
  try {
    JSON.parse(content);
  } catch {
    return { ok: false, field: "content", message: "草稿格式无法识别" };
  }
  const now = nowIso();
  return db.transaction().execute(async (trx) => {
    const before = await trx
      .selectFrom("meeting_drafts")
      .select(["id", "content_json"])
      .where("user_id", "=", userId)
      .where("meeting_id", "=", meetingId)
      .where("draft_key", "=", key)
      .executeTakeFirst();
    const row = await trx
      .insertInto("meeting_drafts")
      .values({ user_id: userId, meeting_id: meetingId, draft_key: key, content_json: content, updated_at: now })
      .onConflict((oc) => oc.columns(["user_id", "meeting_id", "draft_key"]).doUpdateSet({ content_json: content, updated_at: now }))
      .returning("id")
      .executeTakeFirstOrThrow();
    await recordAudit(trx, actor, {
      action: "meeting.draft_save",
      entityType: "meeting_draft",
      entityId: row.id,
      summary: `自动保存询问会录入草稿（${content.length} 字符）`,
      before: before ? { meeting_id: meetingId, draft_key: key, chars: before.content_json.length } : undefined,
      after: { meeting_id: meetingId, draft_key: key, chars: content.length },
    });
    return { ok: true as const, id: row.id };
  });
}

export async function getDraft(db: DB, userId: number, meetingId: number, key: string) {
  return db
    .selectFrom("meeting_drafts")
    .select(["content_json", "updated_at"])
    .where("user_id", "=", userId)
    .where("meeting_id", "=", meetingId)
    .where("draft_key", "=", key)
    .executeTakeFirst();
}

/** Discards the typist's draft; audited (`meeting.draft_discard`) when there was one. */
export async function clearDraft(db: DB, actor: Actor, userId: number, meetingId: number, key: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const gone = await trx
      .deleteFrom("meeting_drafts")
      .where("user_id", "=", userId)
      .where("meeting_id", "=", meetingId)
      .where("draft_key", "=", key)
      .returning(["id", "content_json"])
      .executeTakeFirst();
    if (!gone) return;
    await recordAudit(trx, actor, {
      action: "meeting.draft_discard",
      entityType: "meeting_draft",
      entityId: gone.id,
      summary: "放弃询问会录入草稿",
      before: { meeting_id: meetingId, draft_key: key, chars: gone.content_json.length },
    });
  });
}

// ---------------------------------------------------------------- the record per department, and corrections

/**
 * Every exchange one department answered (as the addressed department, or through an answer of its own), in
 * record order with all follow-ups.
 */
export async function departmentTranscript(db: DB, meetingId: number, organizationId: number) {
  const record = await loadRecord(db, meetingId);
  const segments = record.filter(
    (s) => s.kind === "exchange" && (s.department_id === organizationId || s.turns.some((t) => t.organization_id === organizationId)),
  );
  const turnIds = segments.flatMap((s) => s.turns.map((t) => t.id));
  const corrections = turnIds.length
    ? await db
        .selectFrom("turn_corrections as c")
        .leftJoin("users as p", "p.id", "c.proposed_by")
        .leftJoin("users as d", "d.id", "c.decided_by")
        .selectAll("c")
        .select(["p.display_name as proposed_by_name", "d.display_name as decided_by_name"])
        .where("c.turn_id", "in", turnIds)
        .orderBy("c.id")
        .execute()
    : [];
  return segments.map((s) => ({
    ...s,
    turns: s.turns.map((t) => ({ ...t, corrections: corrections.filter((c) => c.turn_id === t.id) })),
  }));
}

/** The departments that have a transcript in this meeting, with how many exchanges each. */
export async function transcriptDepartments(db: DB, meetingId: number) {
  const record = await loadRecord(db, meetingId);
  const counts = new Map<number, { id: number; name: string; exchanges: number }>();
  for (const s of record) {
    if (s.kind !== "exchange") continue;
    const ids = new Set<number>();
    if (s.department_id !== null) ids.add(s.department_id);
    for (const t of s.turns) if (t.organization_id !== null) ids.add(t.organization_id);
    for (const id of ids) {
      const name = s.department_id === id ? s.department_name : s.turns.find((t) => t.organization_id === id)?.organization_name;
      const entry = counts.get(id) ?? { id, name: name ?? "", exchanges: 0 };
      entry.exchanges++;
      counts.set(id, entry);
    }
  }
  return [...counts.values()];
}

/** The days in which a department may propose corrections: from the meeting day to meeting + correction_days. */
export function correctionWindow(meeting: { meeting_date: string | null; correction_days: number }): { from: string; until: string } | null {
  if (!meeting.meeting_date) return null;
  return { from: meeting.meeting_date, until: addDays(meeting.meeting_date, meeting.correction_days) };
}

export function isCorrectionOpen(meeting: { meeting_date: string | null; correction_days: number }, today: string): boolean {
  const w = correctionWindow(meeting);
  return !!w && today >= w.from && today <= w.until;
}

const CORRECTABLE: TurnKind[] = ["answer", "supplementary", "speech"];

/** A department proposes new wording for one of its own answers, within the correction window. */
export async function proposeCorrection(
  db: DB,
  actor: Actor,
  input: { turnId: number; organizationId: number; proposed: RichText; reason: string },
  today: string = todayInShanghai(),
): Promise<Result> {
  return db.transaction().execute(async (trx): Promise<Result> => {
    const turn = await trx
      .selectFrom("meeting_turns as t")
      .innerJoin("meeting_segments as s", "s.id", "t.segment_id")
      .innerJoin("meetings as m", "m.id", "s.meeting_id")
      .select(["t.id", "t.kind", "t.organization_id", "t.body_html", "t.body_text", "t.speaker_name", "m.meeting_date", "m.correction_days", "s.id as segment_id"])
      .where("t.id", "=", input.turnId)
      .executeTakeFirst();
    if (!turn) return { ok: false, field: "_form", message: "该发言不存在" };
    if (turn.organization_id !== input.organizationId || !CORRECTABLE.includes(turn.kind)) {
      return { ok: false, field: "_form", message: "只能对本单位的答复提出更正" };
    }
    if (!isCorrectionOpen(turn, today)) {
      const w = correctionWindow(turn);
      return { ok: false, field: "_form", message: w ? `更正期限为 ${w.from} 至 ${w.until}，现已不能提出更正` : "询问会日期未定，暂不能提出更正" };
    }
    if (!input.proposed.text) return { ok: false, field: "proposed", message: "请填写更正后的文字" };
    if (input.proposed.text === turn.body_text) return { ok: false, field: "proposed", message: "更正后的文字与原文相同" };
    const pending = await trx.selectFrom("turn_corrections").select("id").where("turn_id", "=", turn.id).where("status", "=", "pending").executeTakeFirst();
    if (pending) return { ok: false, field: "_form", message: "该答复已有一项更正待审核，请等待审核结果" };
    const row = await trx
      .insertInto("turn_corrections")
      .values({
        turn_id: turn.id,
        department_id: input.organizationId,
        original_html: turn.body_html,
        original_text: turn.body_text,
        proposed_json: input.proposed.json,
        proposed_text: input.proposed.text,
        proposed_html: input.proposed.html,
        reason: input.reason.trim(),
        proposed_by: actor.id,
        proposed_at: nowIso(),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await recordAudit(trx, actor, {
      action: "correction.propose",
      entityType: "turn_correction",
      entityId: row.id,
      summary: `对询问会记录 #${turn.segment_id} 中${turn.speaker_name}的答复提出更正`,
      before: { text: turn.body_text },
      after: { text: input.proposed.text, reason: input.reason },
    });
    await staffEvents.correctionProposed(trx, row.id);
    return { ok: true, id: row.id };
  });
}

/**
 * Staff accept or reject a proposal. Accepting replaces the turn's wording; the proposal keeps the original, so
 * the record holds both versions and who decided.
 */
export async function decideCorrection(
  db: DB,
  actor: Actor,
  input: { correctionId: number; decision: "accept" | "reject"; note: string },
): Promise<Result> {
  return db.transaction().execute(async (trx): Promise<Result> => {
    const c = await trx.selectFrom("turn_corrections").selectAll().where("id", "=", input.correctionId).executeTakeFirst();
    if (!c) return { ok: false, field: "_form", message: "该更正不存在" };
    if (c.status !== "pending") return { ok: false, field: "_form", message: "该更正已经审核过了，请刷新页面查看结果。" };
    const turn = await trx.selectFrom("meeting_turns").selectAll().where("id", "=", c.turn_id).executeTakeFirstOrThrow();
    const now = nowIso();
    if (input.decision === "accept") {
      if (turn.body_text !== c.original_text) {
        return { ok: false, field: "_form", message: "提出更正后原文已被工作人员修改，请不予采纳并请部门按最新记录重新提出。" };
      }
      await trx
        .updateTable("meeting_turns")
        .set({ body_json: c.proposed_json, body_text: c.proposed_text, body_html: c.proposed_html, version: turn.version + 1, updated_at: now })
        .where("id", "=", turn.id)
        .execute();
      await trx
        .updateTable("meeting_segments")
        .set((eb) => ({ version: eb("version", "+", 1), updated_at: now }))
        .where("id", "=", turn.segment_id)
        .execute();
    }
    await trx
      .updateTable("turn_corrections")
      .set({ status: input.decision === "accept" ? "accepted" : "rejected", decided_by: actor.id, decided_at: now, decision_note: input.note.trim() })
      .where("id", "=", c.id)
      .execute();
    await recordAudit(trx, actor, {
      action: input.decision === "accept" ? "correction.accept" : "correction.reject",
      entityType: "turn_correction",
      entityId: c.id,
      summary: `${input.decision === "accept" ? "采纳" : "不予采纳"}对询问会记录 #${turn.segment_id} 的更正${input.note.trim() ? `：${input.note.trim()}` : ""}`,
      before: { status: "pending", text: turn.body_text },
      after: { status: input.decision === "accept" ? "accepted" : "rejected", text: input.decision === "accept" ? c.proposed_text : turn.body_text },
    });
    return { ok: true, id: c.id };
  });
}

export async function pendingCorrections(db: DB, meetingId: number) {
  return db
    .selectFrom("turn_corrections as c")
    .innerJoin("meeting_turns as t", "t.id", "c.turn_id")
    .innerJoin("meeting_segments as s", "s.id", "t.segment_id")
    .innerJoin("organizations as o", "o.id", "c.department_id")
    .select(["c.id", "c.department_id", "o.name as department_name", "c.proposed_at", "s.id as segment_id", "s.keyword", "t.id as turn_id", "t.speaker_name"])
    .where("s.meeting_id", "=", meetingId)
    .where("c.status", "=", "pending")
    .orderBy("c.id")
    .execute();
}

// ---------------------------------------------------------------- written replies

export async function createWrittenReply(
  db: DB,
  actor: Actor,
  input: { inquiryId: number; segmentId: number | null; departmentId: number; questionText: string; dueDate: string },
  today: string = todayInShanghai(),
): Promise<Result> {
  if (!input.questionText.trim()) return { ok: false, field: "questionText", message: "请填写需要书面答复的问题" };
  // the one deadline rule: today in live work, the meeting date in back-entry
  const late = deadlineProblem(await dateContext(db, input.inquiryId, today), "written_reply", input.dueDate);
  if (late) return { ok: false, field: "dueDate", message: late };
  if (!(await isRespondingKind(db, input.departmentId))) return { ok: false, field: "departmentId", message: "请选择答复部门" };
  return db.transaction().execute(async (trx): Promise<Result> => {
    const inquiry = await trx.selectFrom("inquiries").select(["id", "title"]).where("id", "=", input.inquiryId).executeTakeFirst();
    if (!inquiry) return { ok: false, field: "_form", message: "该专题询问不存在" };
    if (input.segmentId !== null) {
      const s = await trx.selectFrom("meeting_segments").select("inquiry_id").where("id", "=", input.segmentId).executeTakeFirst();
      if (!s || s.inquiry_id !== input.inquiryId) return { ok: false, field: "_form", message: "该条记录不属于本次询问" };
    }
    const row = await trx
      .insertInto("written_replies")
      .values({
        inquiry_id: input.inquiryId,
        segment_id: input.segmentId,
        department_id: input.departmentId,
        question_text: input.questionText.trim(),
        due_date: input.dueDate,
        created_by: actor.id,
        created_at: nowIso(),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const org = await trx.selectFrom("organizations").select("name").where("id", "=", input.departmentId).executeTakeFirstOrThrow();
    await recordAudit(trx, actor, {
      action: "written_reply.create",
      entityType: "written_reply",
      entityId: row.id,
      summary: `交${org.name}书面答复（期限 ${input.dueDate}）：${input.questionText.trim().slice(0, 60)}`,
      after: { department_id: input.departmentId, due_date: input.dueDate, question: input.questionText.trim(), segment_id: input.segmentId },
    });
    return { ok: true, id: row.id };
  });
}

const replyColumns = [
  "w.id",
  "w.segment_id",
  "w.inquiry_id",
  "w.department_id",
  "w.question_text",
  "w.due_date",
  "w.answer_json",
  "w.answer_text",
  "w.answer_html",
  "w.status",
  "w.answered_at",
  "w.version",
  "w.created_at",
  "o.name as department_name",
  "i.title as inquiry_title",
] as const;

function replyQuery(db: DB) {
  return db
    .selectFrom("written_replies as w")
    .innerJoin("organizations as o", "o.id", "w.department_id")
    .innerJoin("inquiries as i", "i.id", "w.inquiry_id")
    .select(replyColumns);
}

function withReplyLight<T extends { due_date: string; status: "open" | "answered" }>(row: T, today: string) {
  return { ...row, ...deadlineLight(row.due_date, today, WRITTEN_REPLY_NEAR_DAYS, row.status === "answered") };
}

export async function getWrittenReply(db: DB, id: number) {
  const row = await replyQuery(db).where("w.id", "=", id).executeTakeFirst();
  return row ? withReplyLight(row, todayInShanghai()) : undefined;
}

export async function listInquiryWrittenReplies(db: DB, inquiryId: number) {
  const today = todayInShanghai();
  return (await replyQuery(db).where("w.inquiry_id", "=", inquiryId).orderBy("w.due_date").orderBy("w.id").execute()).map((r) => withReplyLight(r, today));
}

export async function listDepartmentWrittenReplies(db: DB, organizationId: number) {
  const today = todayInShanghai();
  return (await replyQuery(db).where("w.department_id", "=", organizationId).orderBy("w.status", "desc").orderBy("w.due_date").execute()).map((r) =>
    withReplyLight(r, today),
  );
}

/** The department answers in writing (once; with attachments). */
export async function answerWrittenReply(
  db: DB,
  actor: Actor,
  input: { id: number; version: number; organizationId: number; answer: RichText; files: CheckedUpload[] },
): Promise<Result> {
  if (!input.answer.text) return { ok: false, field: "answer", message: "请填写书面答复内容" };
  return db.transaction().execute(async (trx): Promise<Result> => {
    const before = await trx.selectFrom("written_replies").selectAll().where("id", "=", input.id).executeTakeFirst();
    if (!before) return { ok: false, field: "_form", message: "该书面答复事项不存在" };
    if (before.department_id !== input.organizationId) return { ok: false, field: "_form", message: "只能答复本单位的事项" };
    if (before.version !== input.version || before.status !== "open") return { ok: false, field: "_form", message: REPLY_CONFLICT };
    const now = nowIso();
    await trx
      .updateTable("written_replies")
      .set({
        answer_json: input.answer.json,
        answer_text: input.answer.text,
        answer_html: input.answer.html,
        status: "answered",
        answered_at: now,
        answered_by: actor.id,
        version: before.version + 1,
      })
      .where("id", "=", input.id)
      .execute();
    if (input.files.length) await saveAttachments(trx, actor, { inquiryId: before.inquiry_id, type: "written_reply", id: input.id }, input.files);
    await recordAudit(trx, actor, {
      action: "written_reply.answer",
      entityType: "written_reply",
      entityId: input.id,
      summary: `提交书面答复 #${input.id}`,
      before: { status: before.status },
      after: { status: "answered", answer: input.answer.text },
    });
    return { ok: true, id: input.id };
  });
}

/** A demo or test helper: the rich text of a plain string (throws on invalid input). */
export function richFromPlain(text: string, label = "文本"): RichText {
  return rich(text, label);
}
