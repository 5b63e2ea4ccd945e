import { resolveQuestioner } from "../roster/roster.server";
import { officialsFromSegment } from "./officials.server";
import type { SegmentKind, TurnKind } from "../../db/schema";
import { organizationsProblem, RESPONDING_KINDS } from "../admin/organizations.server";
import { recordAudit, type Actor } from "../audit.server";
import { parseRichText, type RichText } from "../richtext/richtext.server";
import { nowIso } from "../utils/time";
import { notVoided } from "../history/void.server";
import { SEGMENT_KIND_LABELS, TURN_KIND_LABELS } from "./labels";
import { advanceStage } from "../inquiries/inquiries.server";
import { requireApprovedPlan } from "../inquiries/plan-gate.server";
import { ANSWERING_UNIT_PROBLEM, type DB, getMeeting, isRespondingKind, type Trx } from "./setup.server";
import type { Result } from "../utils/result";
/**
 * Recording the meeting live: the next outline question to ask, an exchange (question, answer and follow-ups,
 * as one segment of turns) and a speech; the plain-text to rich-text conversion the record uses.
 */

export const MAX_CHAIN_ROWS = 30;

function rich(text: string, label: string): RichText {
  const r = parseRichText(text, "plain", { label });
  if (!r.ok) throw new Error(r.message);
  return r.value;
}

export function checkedText(text: string, label: string): { ok: true; value: RichText } | { ok: false; message: string } {
  const r = parseRichText(text, "plain", { label });
  return r.ok ? { ok: true, value: r.value } : { ok: false, message: r.message };
}

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

export async function insertTurns(trx: Trx, segmentId: number, turns: TurnDraft[], startAt = 1) {
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

/** A demo or test helper: the rich text of a plain string (throws on invalid input). */
export function richFromPlain(text: string, label = "文本"): RichText {
  return rich(text, label);
}
