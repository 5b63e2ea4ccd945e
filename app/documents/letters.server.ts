import type { Kysely, Transaction } from "kysely";
import type { Database } from "../../db/schema";
import { recordAudit, type Actor } from "../audit.server";
import { parseSnapshot } from "../outline/versions.server";
import { cleanText } from "../utils/text";
import { formatDate, nowIso, todayInShanghai } from "../utils/time";
import {
  DEFAULT_LETTER_PREFIX,
  DEFAULT_LETTER_TEMPLATES,
  LETTER_KIND_LABELS,
  LETTER_KINDS,
  LETTER_PLACEHOLDERS,
  type LetterKind,
} from "./letter-kinds";

/**
 * The formal letters (issue 17, docs/decisions/0100): 交办函 for the issued outline (to each department, its
 * questions) and for rectification items (to each lead unit, its open items and deadlines), 督办函 for a lead
 * unit's overdue items, 催办函 for one chased item, survey or report (made by sendChase in its transaction),
 * and the 审议意见书 to the government. Each letter is made from the administrator's template of its kind
 * (letter_templates; placeholders LETTER_PLACEHOLDERS), frozen as made (paragraphs and list), numbered with the
 * year's next 文号 — “{机关代字}〔2026〕5号” as GB/T 9704-2012 §7.2.4 writes it (年份 in 〔〕, no leading zeros, no
 * 第) — under a unique (year, serial) index, audited, and entered in the history of every item it lists.
 * Word rendering: letters-docx.server.ts.
 */
type Db = Kysely<Database> | Transaction<Database>;
export type LetterResult = { ok: true; id: number; docNumber: string } | { ok: false; field: string; message: string };

export const LETTER_PREFIX_KEY = "letter_number_prefix";
const MAX_NOTE = 3000;
const MAX_TEMPLATE = 5000;

export interface LetterListEntry {
  text: string;
  deadline?: string;
  itemId?: number;
}

// ---------------------------------------------------------------------------------------------------------
// Templates

export async function getLetterTemplates(db: Db) {
  const rows = await db.selectFrom("letter_templates").selectAll().execute();
  return LETTER_KINDS.map((kind) => {
    const row = rows.find((r) => r.kind === kind);
    return { kind, label: LETTER_KIND_LABELS[kind], title: row?.title ?? DEFAULT_LETTER_TEMPLATES[kind].title, body: row?.body ?? DEFAULT_LETTER_TEMPLATES[kind].body, version: row?.version ?? 1 };
  });
}

/** The placeholders of a text that are not known, e.g. ["{单位}"]. */
export function unknownPlaceholders(text: string): string[] {
  return [...new Set([...text.matchAll(/\{([^{}\n]{1,20})\}/g)].filter((m) => !(m[1] in LETTER_PLACEHOLDERS)).map((m) => `{${m[1]}}`))];
}

/**
 * Saves a kind's template (admin). Refused, with the field, when empty, too long, or using an unknown
 * placeholder; refused when someone else saved it since `version` was read. Audited with before and after.
 */
export async function saveLetterTemplate(
  db: Kysely<Database>,
  actor: Actor,
  input: { kind: LetterKind; title: string; body: string; version: number },
): Promise<{ ok: true } | { ok: false; field: string; message: string }> {
  const title = cleanText(input.title).trim();
  const body = cleanText(input.body).replace(/\r\n?/g, "\n").trim();
  if (!title) return { ok: false, field: "title", message: "请填写标题" };
  if (title.length > 200) return { ok: false, field: "title", message: "标题不能超过 200 个字" };
  if (!body) return { ok: false, field: "body", message: "请填写正文" };
  if (body.length > MAX_TEMPLATE) return { ok: false, field: "body", message: `正文不能超过 ${MAX_TEMPLATE} 个字` };
  for (const [field, text] of [["title", title], ["body", body]] as const) {
    const unknown = unknownPlaceholders(text);
    if (unknown.length) return { ok: false, field, message: `不认识的占位符：${unknown.join("、")}（可用的占位符见下方说明）` };
  }
  if (title.includes("{清单}")) return { ok: false, field: "title", message: "{清单} 只能单独一行写在正文中" };
  return db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom("letter_templates").selectAll().where("kind", "=", input.kind).executeTakeFirst();
    if (!before) return { ok: false, field: "_form", message: "该模板不存在" };
    if (before.version !== input.version) return { ok: false, field: "_form", message: "该模板已被他人修改，请刷新页面查看最新内容后再修改" };
    const now = nowIso();
    await trx
      .updateTable("letter_templates")
      .set({ title, body, version: before.version + 1, updated_by: actor.id, updated_at: now })
      .where("kind", "=", input.kind)
      .where("version", "=", input.version)
      .execute();
    await recordAudit(trx, actor, {
      action: "letter_template.update",
      entityType: "letter_template",
      entityId: input.kind,
      summary: `修改${LETTER_KIND_LABELS[input.kind]}模板`,
      before: { title: before.title, body: before.body },
      after: { title, body },
    });
    return { ok: true };
  });
}

export async function getLetterPrefix(db: Db): Promise<string> {
  const row = await db.selectFrom("settings").select("value").where("key", "=", LETTER_PREFIX_KEY).executeTakeFirst();
  return row?.value || DEFAULT_LETTER_PREFIX;
}

/** Sets the 机关代字 of the 文号 (e.g. 焦人常函): 1–20 characters, no brackets or digits. Audited. */
export async function setLetterPrefix(db: Kysely<Database>, actor: Actor, raw: string): Promise<{ ok: true } | { ok: false; field: string; message: string }> {
  const prefix = cleanText(raw).trim();
  if (!prefix) return { ok: false, field: "prefix", message: "请填写发文机关代字，如“焦人常函”" };
  if (prefix.length > 20 || /[〔〕[\]()（）\d\s]/.test(prefix)) return { ok: false, field: "prefix", message: "机关代字不超过 20 个字，不含括号、数字和空格" };
  return db.transaction().execute(async (trx) => {
    const before = await getLetterPrefix(trx);
    const now = nowIso();
    await trx
      .insertInto("settings")
      .values({ key: LETTER_PREFIX_KEY, value: prefix, updated_at: now })
      .onConflict((oc) => oc.column("key").doUpdateSet({ value: prefix, updated_at: now }))
      .execute();
    await recordAudit(trx, actor, { action: "setting.update", entityType: "setting", entityId: LETTER_PREFIX_KEY, summary: `发文字号机关代字由“${before}”改为“${prefix}”`, before: { prefix: before }, after: { prefix } });
    return { ok: true };
  });
}

/** Fills a template: {占位符} replaced; lines empty after filling dropped; the {清单} line kept as the marker. */
export function fillTemplate(text: string, values: Record<string, string>): string[] {
  return text
    .split("\n")
    .map((line) => (line.trim() === "{清单}" ? "{清单}" : line.replace(/\{([^{}\n]{1,20})\}/g, (all, key: string) => (key in values ? values[key] : all)).trim()))
    .filter((line) => line !== "");
}

/** 焦人常函〔2026〕5号 */
export function docNumber(prefix: string, year: number, serial: number): string {
  return `${prefix}〔${year}〕${serial}号`;
}

// ---------------------------------------------------------------------------------------------------------
// What a letter would say

interface InquiryFacts {
  id: number;
  title: string;
  congress: string;
  session_name: string;
  meeting_date: string | null;
  organizing_body: string;
  created_by: number | null;
  stage: string;
}

async function inquiryFacts(db: Db, inquiryId: number): Promise<InquiryFacts | undefined> {
  return db
    .selectFrom("inquiries")
    .select(["id", "title", "congress", "session_name", "meeting_date", "organizing_body", "created_by", "stage"])
    .where("id", "=", inquiryId)
    .executeTakeFirst();
}

const OPEN = ["todo", "in_progress", "closure_requested"] as const;

/** The letter's subject as made from the data: addressee, list, placeholder values; or why it cannot be made. */
export interface LetterContent {
  organizationId: number | null;
  addressee: string;
  list: LetterListEntry[];
  values: Record<string, string>;
}

async function issuedOutlineFor(db: Db, inquiryId: number) {
  const row = await db
    .selectFrom("inquiries as q")
    .innerJoin("outline_versions as v", "v.id", "q.outline_issued_version_id")
    .select(["v.snapshot_json"])
    .where("q.id", "=", inquiryId)
    .executeTakeFirst();
  if (!row) return null;
  let n = 0;
  return parseSnapshot(row.snapshot_json).keywords.flatMap((k) => k.questions.map((q) => ({ number: ++n, keyword: k.keyword, q })));
}

async function openItemsOf(db: Db, inquiryId: number, organizationId: number | null, overdueBefore?: string) {
  let q = db
    .selectFrom("rectification_items as i")
    .innerJoin("organizations as o", "o.id", "i.lead_department_id")
    .select(["i.id", "i.number", "i.problem", "i.deadline", "i.lead_department_id", "o.name as lead_name"])
    .where("i.inquiry_id", "=", inquiryId)
    .orderBy("i.number");
  if (organizationId !== null) q = q.where("i.lead_department_id", "=", organizationId);
  if (overdueBefore) q = q.where("i.status", "in", ["todo", "in_progress"]).where("i.deadline", "<", overdueBefore);
  else q = q.where("i.status", "in", [...OPEN]);
  return q.execute();
}

async function governmentOf(db: Db, inquiryId: number) {
  return (
    (await db
      .selectFrom("inquiry_organizations as io")
      .innerJoin("organizations as o", "o.id", "io.organization_id")
      .select(["o.id", "o.name"])
      .where("io.inquiry_id", "=", inquiryId)
      .where("o.kind", "=", "government")
      .orderBy("o.sort_order")
      .executeTakeFirst()) ??
    (await db.selectFrom("organizations").select(["id", "name"]).where("kind", "=", "government").where("active", "=", 1).orderBy("sort_order").orderBy("id").executeTakeFirst())
  );
}

function shortProblem(text: string): string {
  const one = text.replace(/\s+/g, " ").trim();
  return one.length > 120 ? `${one.slice(0, 120)}…` : one;
}

/**
 * What each kind of letter may be addressed to now (for the letters page): departments with questions in the
 * issued outline, lead units with open items, lead units with overdue items, and the government.
 */
export async function letterChoices(db: Db, inquiryId: number, today = todayInShanghai()) {
  const outline = await issuedOutlineFor(db, inquiryId);
  const outlineDepartments = new Map<number, { id: number; name: string; count: number }>();
  for (const x of outline ?? []) {
    const d = outlineDepartments.get(x.q.departmentId) ?? { id: x.q.departmentId, name: x.q.departmentName, count: 0 };
    d.count++;
    outlineDepartments.set(d.id, d);
  }
  const group = (rows: { lead_department_id: number; lead_name: string }[]) => {
    const map = new Map<number, { id: number; name: string; count: number }>();
    for (const r of rows) {
      const d = map.get(r.lead_department_id) ?? { id: r.lead_department_id, name: r.lead_name, count: 0 };
      d.count++;
      map.set(d.id, d);
    }
    return [...map.values()];
  };
  const government = await governmentOf(db, inquiryId);
  return {
    assign_outline: outline ? [...outlineDepartments.values()] : [],
    assign_items: group(await openItemsOf(db, inquiryId, null)),
    supervise: group(await openItemsOf(db, inquiryId, null, today)),
    opinion: government ? [{ id: government.id, name: government.name, count: 0 }] : [],
  };
}

/** The content of a letter of `kind` to `organizationId` about an inquiry, or the reason it cannot be made. */
export async function letterContent(
  db: Db,
  inquiry: InquiryFacts,
  kind: Exclude<LetterKind, "chase">,
  organizationId: number | null,
  today: string,
): Promise<{ ok: true; content: LetterContent } | { ok: false; field: string; message: string }> {
  const base = {
    常委会: inquiry.congress || "人大常委会",
    专题询问: inquiry.title,
    会议: inquiry.session_name || `${inquiry.congress || "人大常委会"}会议`,
    询问会日期: inquiry.meeting_date ? formatDate(inquiry.meeting_date) : "（日期待定）",
    日期: formatDate(today),
  };
  if (kind === "assign_outline") {
    const outline = await issuedOutlineFor(db, inquiry.id);
    if (!outline) return { ok: false, field: "_form", message: "询问提纲尚未下发，不能制发交办函" };
    const mine = outline.filter((x) => x.q.departmentId === organizationId);
    if (!mine.length) return { ok: false, field: "organizationId", message: "已下发的询问提纲中没有该单位应询的问题" };
    return {
      ok: true,
      content: {
        organizationId,
        addressee: mine[0].q.departmentName,
        list: mine.map((x, i) => ({ text: `${i + 1}．（${x.keyword}）${x.q.text}` })),
        values: { ...base, 收文单位: mine[0].q.departmentName, 事项数: String(mine.length) },
      },
    };
  }
  if (kind === "assign_items" || kind === "supervise") {
    if (organizationId === null) return { ok: false, field: "organizationId", message: "请选择牵头单位" };
    const items = await openItemsOf(db, inquiry.id, organizationId, kind === "supervise" ? today : undefined);
    if (!items.length) {
      return { ok: false, field: "organizationId", message: kind === "supervise" ? "该单位没有逾期未销号的整改事项" : "该单位没有牵头的未销号整改事项" };
    }
    return {
      ok: true,
      content: {
        organizationId,
        addressee: items[0].lead_name,
        list: items.map((it, i) => ({ text: `${i + 1}．${shortProblem(it.problem)}（第${it.number}项，整改时限：${formatDate(it.deadline)}）`, deadline: it.deadline, itemId: it.id })),
        values: { ...base, 收文单位: items[0].lead_name, 事项数: String(items.length) },
      },
    };
  }
  // 审议意见书: to the government, listing every item of the ledger with its lead unit and deadline
  const government = await governmentOf(db, inquiry.id);
  if (!government) return { ok: false, field: "_form", message: "系统中没有人民政府单位，无法制发审议意见书" };
  const items = await db
    .selectFrom("rectification_items as i")
    .innerJoin("organizations as o", "o.id", "i.lead_department_id")
    .select(["i.id", "i.number", "i.problem", "i.deadline", "o.name as lead_name"])
    .where("i.inquiry_id", "=", inquiry.id)
    .where("i.status", "!=", "carried_over")
    .orderBy("i.number")
    .execute();
  const report = await db
    .selectFrom("handling_reports")
    .select("due_date")
    .where("inquiry_id", "=", inquiry.id)
    .orderBy("round", "desc")
    .executeTakeFirst();
  return {
    ok: true,
    content: {
      organizationId: government.id,
      addressee: government.name,
      list: items.map((it, i) => ({ text: `${i + 1}．${shortProblem(it.problem)}（牵头单位：${it.lead_name}；整改时限：${formatDate(it.deadline)}）`, deadline: it.deadline })),
      values: { ...base, 收文单位: government.name, 事项数: String(items.length), 报告期限: report ? formatDate(report.due_date) : "规定期限" },
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// Making a letter

/**
 * Writes a letter in the caller's transaction: the year's next serial, the frozen text, the audit entry, and
 * an item_events row ("letter") for each listed item. The (year, serial) and doc_number unique indexes make a
 * second letter with the same 文号 impossible, whatever the process.
 */
export async function writeLetter(
  trx: Transaction<Database>,
  actor: Actor,
  input: { inquiry: Pick<InquiryFacts, "id" | "title" | "congress">; kind: LetterKind; content: LetterContent; note: string; today: string; chaseUpId?: number },
): Promise<{ id: number; docNumber: string }> {
  const template = (await trx.selectFrom("letter_templates").select(["title", "body"]).where("kind", "=", input.kind).executeTakeFirst()) ?? DEFAULT_LETTER_TEMPLATES[input.kind];
  const values = { ...input.content.values, 意见: input.note };
  const title = fillTemplate(template.title, values).join("") || LETTER_KIND_LABELS[input.kind];
  const paragraphs = fillTemplate(template.body, values);
  if (input.content.list.length && !paragraphs.includes("{清单}")) paragraphs.splice(Math.max(paragraphs.length - 1, 0), 0, "{清单}");
  const year = Number(input.today.slice(0, 4));
  const prefix = await getLetterPrefix(trx);
  const max = await trx.selectFrom("letters").select((eb) => eb.fn.max<number | null>("serial").as("n")).where("year", "=", year).executeTakeFirst();
  const serial = Number(max?.n ?? 0) + 1;
  const number = docNumber(prefix, year, serial);
  const now = nowIso();
  const sender = input.inquiry.congress || "人大常委会";
  const row = await trx
    .insertInto("letters")
    .values({
      inquiry_id: input.inquiry.id,
      kind: input.kind,
      year,
      serial,
      doc_number: number,
      organization_id: input.content.organizationId,
      addressee: input.content.addressee,
      title,
      paragraphs_json: JSON.stringify(paragraphs),
      list_json: JSON.stringify(input.content.list),
      note: input.note,
      sender,
      letter_date: input.today,
      chase_up_id: input.chaseUpId ?? null,
      created_by: actor.id,
      created_at: now,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const label = LETTER_KIND_LABELS[input.kind].replace(/（.*）/, "");
  for (const entry of input.content.list) {
    if (!entry.itemId) continue;
    await trx
      .insertInto("item_events")
      .values({ item_id: entry.itemId, action: "letter", comment: `向${input.content.addressee}发出${label}（${number}）`, actor_id: actor.id, actor_label: actor.label, at: now })
      .execute();
  }
  await recordAudit(trx, actor, {
    action: "letter.issue",
    entityType: "inquiry",
    entityId: input.inquiry.id,
    summary: `「${input.inquiry.title}」向${input.content.addressee}发出${label}（${number}）`,
    after: { letter_id: row.id, kind: input.kind, doc_number: number, organization_id: input.content.organizationId, items: input.content.list.filter((e) => e.itemId).map((e) => e.itemId) },
  });
  return { id: row.id, docNumber: number };
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Error && /UNIQUE constraint failed: letters\./.test(error.message);
}

/**
 * Makes a letter of `kind` (not 催办函, which sendChase makes) about an inquiry (the caller checked
 * canIssueLetters). A 审议意见书 needs the opinions (`note`). Retried when another process took the same
 * 文号 first (the unique index refused it), so a letter always gets the next free number.
 */
export async function issueLetter(
  db: Kysely<Database>,
  actor: Actor,
  input: { inquiryId: number; kind: Exclude<LetterKind, "chase">; organizationId: number | null; note: string },
  today = todayInShanghai(),
): Promise<LetterResult> {
  const note = cleanText(input.note).replace(/\r\n?/g, "\n").trim();
  if (note.length > MAX_NOTE) return { ok: false, field: "note", message: `意见不能超过 ${MAX_NOTE} 个字` };
  if (input.kind === "opinion" && !note) return { ok: false, field: "note", message: "请填写审议意见" };
  for (let attempt = 0; ; attempt++) {
    try {
      return await db.transaction().execute(async (trx): Promise<LetterResult> => {
        const inquiry = await inquiryFacts(trx, input.inquiryId);
        if (!inquiry) return { ok: false, field: "_form", message: "该专题询问不存在" };
        const made = await letterContent(trx, inquiry, input.kind, input.organizationId, today);
        if (!made.ok) return made;
        const { id, docNumber } = await writeLetter(trx, actor, { inquiry, kind: input.kind, content: made.content, note, today });
        return { ok: true, id, docNumber };
      });
    } catch (error) {
      if (attempt < 5 && isUniqueViolation(error)) continue;
      throw error;
    }
  }
}

export async function getLetter(db: Db, id: number) {
  const row = await db
    .selectFrom("letters as l")
    .innerJoin("inquiries as q", "q.id", "l.inquiry_id")
    .selectAll("l")
    .select(["q.title as inquiry_title", "q.organizing_body", "q.created_by as inquiry_created_by"])
    .where("l.id", "=", id)
    .executeTakeFirst();
  return row ? parseLetter(row) : undefined;
}

function parseLetter<T extends { paragraphs_json: string; list_json: string; kind: string }>(row: T) {
  const { paragraphs_json, list_json, ...rest } = row;
  return { ...rest, kind: row.kind as LetterKind, paragraphs: JSON.parse(paragraphs_json) as string[], list: JSON.parse(list_json) as LetterListEntry[] };
}
export type Letter = NonNullable<Awaited<ReturnType<typeof getLetter>>>;

/** The letter made for a chase-up, if any. */
export async function letterOfChase(db: Db, chaseUpId: number) {
  const row = await db.selectFrom("letters").select("id").where("chase_up_id", "=", chaseUpId).executeTakeFirst();
  return row ? getLetter(db, row.id) : undefined;
}

/** An inquiry's letters, newest first. */
export async function listLetters(db: Db, inquiryId: number) {
  return db
    .selectFrom("letters as l")
    .leftJoin("users as u", "u.id", "l.created_by")
    .select(["l.id", "l.kind", "l.doc_number", "l.addressee", "l.title", "l.letter_date", "l.created_at", "u.display_name as created_by_name"])
    .where("l.inquiry_id", "=", inquiryId)
    .orderBy("l.id", "desc")
    .execute();
}

/** The download name: 交办函（市卫生健康委员会，焦人常函〔2026〕5号）.docx */
export function letterFileName(letter: Pick<Letter, "kind" | "addressee" | "doc_number">): string {
  const label = LETTER_KIND_LABELS[letter.kind].replace(/（.*）/, "");
  return `${label}（${letter.addressee}，${letter.doc_number || "未编号"}）.docx`.replace(/[\\/:*?"<>|\u0000-\u001f]/g, "_");
}

/**
 * The 催办函 of a chase-up sent before letters were numbered (no letters row): the same template and layout,
 * without a 文号, made from the chase-up as it was recorded. Nothing is written.
 */
export async function unnumberedChaseLetter(
  db: Db,
  chase: { id: number; inquiry_id: number; organization_id: number; organization_name: string; inquiry_title: string; congress: string; subject: string; due_date: string; note: string; sent_at: string; organizing_body: string; created_by: number | null },
  state: (today: string, due: string) => string,
): Promise<Letter> {
  const template = (await db.selectFrom("letter_templates").select(["title", "body"]).where("kind", "=", "chase").executeTakeFirst()) ?? DEFAULT_LETTER_TEMPLATES.chase;
  const today = todayInShanghai(new Date(chase.sent_at));
  const values = {
    收文单位: chase.organization_name,
    常委会: chase.congress || "人大常委会",
    专题询问: chase.inquiry_title,
    事项: chase.subject,
    期限: formatDate(chase.due_date),
    期限状态: state(today, chase.due_date),
    日期: formatDate(today),
    意见: chase.note,
  };
  return {
    id: 0,
    inquiry_id: chase.inquiry_id,
    kind: "chase",
    year: Number(today.slice(0, 4)),
    serial: 0,
    doc_number: "",
    organization_id: chase.organization_id,
    addressee: chase.organization_name,
    title: fillTemplate(template.title, values).join("") || "催办函",
    paragraphs: fillTemplate(template.body, values),
    list: [],
    note: chase.note,
    sender: chase.congress || "人大常委会",
    letter_date: today,
    chase_up_id: chase.id,
    created_by: null,
    created_at: chase.sent_at,
    inquiry_title: chase.inquiry_title,
    organizing_body: chase.organizing_body,
    inquiry_created_by: chase.created_by,
  };
}
