import { z } from "zod";
import type { Kysely } from "kysely";
import type { Database } from "../../db/schema";
import type { Actor } from "../audit.server";
import { requireUser, type CurrentUser } from "../auth/session.server";
import { getInquiry } from "../inquiries/inquiries.server";
import { notFound } from "../policy.server";
import { fields, parseForm, type FieldErrors } from "../utils/forms.server";
import { cleanString, jsonDepth } from "../utils/text";
import { exchangeLeads, turnLead } from "./labels";
import { getMeetingByInquiry } from "./setup.server";
import { recordExchange, remainingOutlineQuestions, type ChainRow, type ExchangeInput } from "./exchanges.server";
import { type RecordSegment } from "./segments.server";
import { idField, optionalIdField } from "../utils/ids";

/** What the meeting routes share: loading the inquiry and its meeting, parsing the entry form, shaping the record. */
export const IdSchema = idField();

export function parseId(value: string | undefined, message: string): number {
  const id = IdSchema.safeParse(value);
  if (!id.success) notFound(message);
  return id.data;
}

export async function loadInquiryMeeting(db: Kysely<Database>, request: Request, params: { id?: string }) {
  const user = await requireUser(request);
  const inquiryId = parseId(params.id, "该专题询问不存在");
  const inquiry = await getInquiry(db, inquiryId);
  if (!inquiry) notFound("该专题询问不存在");
  const meeting = await getMeetingByInquiry(db, inquiry.id);
  return { user, inquiry, meeting };
}

const optionalId = optionalIdField();

const ChainSchema = z
  .array(
    z.object({
      kind: z.enum(["follow_up", "answer", "supplementary"]),
      speakerName: cleanString().trim().max(40, "发言人姓名不能超过 40 个字").default(""),
      speakerTitle: cleanString().trim().max(60, "职务不能超过 60 个字").default(""),
      organizationId: optionalId,
      body: cleanString().max(50_000, "发言内容过长").default(""),
    }),
  )
  .max(30, "追问和补充回答最多 30 条");

export const ExchangeFormSchema = z.object({
  outlineQuestionId: optionalId,
  keyword: fields.optionalText("关键词", 60),
  headline: fields.optionalText("标题", 120),
  questionerName: fields.requiredText("询问人", 40),
  questionerRole: fields.optionalText("询问人身份", 60),
  departmentId: fields.id("应询部门"),
  question: fields.requiredText("询问内容", 20_000),
  responderName: fields.optionalText("应询人", 40),
  responderTitle: fields.optionalText("应询人职务", 60),
  answer: fields.optionalText("应询答复", 50_000),
  chainJson: z.string().max(1_000_000).optional(),
  addToRoster: z.string().max(10).optional(),
});

export type ExchangeFormResult = { ok: true; id: number } | { ok: false; fieldErrors: FieldErrors; values: Record<string, string> };

/** Parses the entry form (from the JSON entry route or the plain no-script POST) and records the exchange. */
export async function submitExchangeForm(db: Kysely<Database>, user: CurrentUser, actor: Actor, meetingId: number, formData: FormData): Promise<ExchangeFormResult> {
  const parsed = parseForm(formData, ExchangeFormSchema);
  if (!parsed.ok) return parsed;
  let chain: ChainRow[] = [];
  if (parsed.data.chainJson) {
    // A refused chain is not sent back to be shown again: it could not be read, and a hostile one (nested
    // 100,000 deep) must not reach the page (issue 16.5).
    const unreadable = { ok: false as const, fieldErrors: { chain: ["追问和补充回答的格式无法识别，请刷新页面后重试"] }, values: { ...parsed.values, chainJson: "[]" } };
    if (jsonDepth(parsed.data.chainJson) > 4) return unreadable;
    let raw: unknown;
    try {
      raw = JSON.parse(parsed.data.chainJson);
    } catch {
      return unreadable;
    }
    const c = ChainSchema.safeParse(raw);
    if (!c.success) return { ok: false, fieldErrors: { chain: [c.error.issues[0]?.message ?? "追问和补充回答有误"] }, values: parsed.values };
    chain = c.data;
  }
  const d = parsed.data;
  const input: ExchangeInput = {
    outlineQuestionId: d.outlineQuestionId,
    keyword: d.keyword,
    headline: d.headline,
    // resolved against the roster (组成人员名册) in the transaction that records the exchange
    questionerUserId: null,
    questionerName: d.questionerName,
    questionerRole: d.questionerRole,
    departmentId: d.departmentId,
    question: d.question,
    responderName: d.responderName,
    responderTitle: d.responderTitle,
    responderOrganizationId: null,
    answer: d.answer,
    chain,
    addToRoster: d.addToRoster === "1",
  };
  const result = await recordExchange(db, actor, meetingId, input, { userId: user.id, key: "exchange" });
  if (!result.ok) return { ok: false, fieldErrors: { [result.field]: [result.message] }, values: parsed.values };
  return result;
}

export async function nextProposal(db: Kysely<Database>, inquiryId: number) {
  return (await remainingOutlineQuestions(db, inquiryId))[0] ?? null;
}

/** A record segment as the pages show it: each turn with its lead ("…询问：") and stored HTML. */
export function shapeSegment(s: RecordSegment) {
  const leads = s.kind === "exchange" ? exchangeLeads(s.turns) : s.turns.map((t) => turnLead(t, s.kind));
  return {
    id: s.id,
    kind: s.kind,
    position: s.position,
    keyword: s.keyword,
    headline: s.headline,
    unplanned: s.unplanned === 1,
    outline_question_id: s.outline_question_id,
    questioner_name: s.questioner_name,
    questioner_role: s.questioner_role,
    department_id: s.department_id,
    department_name: s.department_name,
    version: s.version,
    turns: s.turns.map((t, i) => ({
      id: t.id,
      kind: t.kind,
      lead: leads[i],
      speaker_name: t.speaker_name,
      speaker_title: t.speaker_title,
      organization_id: t.organization_id,
      organization_name: t.organization_name,
      body_html: t.body_html,
      body_text: t.body_text,
      version: t.version,
    })),
  };
}

export type ShapedSegment = ReturnType<typeof shapeSegment>;
