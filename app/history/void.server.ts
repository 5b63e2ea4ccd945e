import { sql, type Kysely, type RawBuilder, type SqlBool, type Transaction } from "kysely";
import type { Database } from "../../db/schema";
import { recordAudit, type Actor } from "../audit.server";
import { nowIso } from "../utils/time";
import type { Result } from "../utils/result";

/**
 * 作废 (void), never delete (issue 13; docs/decisions/0081-void-never-delete.md).
 *
 * Staff void an inquiry, a rectification item, a survey delegation, an outline question or a meeting segment
 * (exchange) with a reason. The row stays — readable in the 已作废 view and in the audit log — but leaves every
 * list, count, statistic, search result, export and public page. "Not voided" has ONE definition, here:
 * `notVoided(alias)` for a row of a voidable table (its own mark, and the mark of its inquiry), and
 * `liveInquiryOf(column)` for any other row that belongs to an inquiry. Every reader of these tables uses them.
 */
type Db = Kysely<Database> | Transaction<Database>;

export const VOID_KINDS = {
  inquiry: { table: "inquiries", entityType: "inquiry", label: "专题询问" },
  item: { table: "rectification_items", entityType: "rectification_item", label: "整改事项" },
  delegation: { table: "survey_delegations", entityType: "survey_delegation", label: "委托调研" },
  question: { table: "outline_questions", entityType: "outline_question", label: "提纲问题" },
  segment: { table: "meeting_segments", entityType: "meeting_segment", label: "询问会发言" },
} as const;
export type VoidKind = keyof typeof VOID_KINDS;
export const VOID_KIND_LIST = Object.keys(VOID_KINDS) as VoidKind[];

/** Where an inquiry id sits: no inquiry voided. The one inquiry half of "not voided". */
export function liveInquiryOf(inquiryIdColumn: string): RawBuilder<SqlBool> {
  return sql<SqlBool>`not exists (select 1 from inquiries as vq where vq.id = ${sql.ref(inquiryIdColumn)} and vq.voided_at is not null)`;
}

/**
 * "Not voided" for a row of a voidable table under `alias` (e.g. "i" for `rectification_items as i`): the row
 * itself is not voided and (for rows of an inquiry) neither is its inquiry. For the inquiries table pass
 * `{ inquiry: true }`.
 */
export function notVoided(alias: string, opts: { inquiry?: boolean } = {}): RawBuilder<SqlBool> {
  const own = sql<SqlBool>`${sql.ref(`${alias}.voided_at`)} is null`;
  if (opts.inquiry) return own;
  return sql<SqlBool>`(${own} and ${liveInquiryOf(`${alias}.inquiry_id`)})`;
}

/**
 * Where an inquiry id sits: an inquiry that is live work — neither voided nor a record of past work (补录).
 * Reminders, overdue notices, the staff queue and chase-ups read only these (issue 13: no reminders for history).
 */
export function inLiveWork(inquiryIdColumn: string): RawBuilder<SqlBool> {
  return sql<SqlBool>`not exists (select 1 from inquiries as wq where wq.id = ${sql.ref(inquiryIdColumn)} and (wq.voided_at is not null or wq.back_entry = 1))`;
}

/** A row referring to a rectification item by `itemIdColumn` whose item is live (progress reports, extensions …). */
export function liveItemRef(itemIdColumn: string): RawBuilder<SqlBool> {
  return sql<SqlBool>`exists (select 1 from rectification_items as vi where vi.id = ${sql.ref(itemIdColumn)} and vi.voided_at is null
    and ${liveInquiryOf("vi.inquiry_id")})`;
}

/** A row referring to a meeting segment (nullable column): no segment, or a live one. */
export function liveSegmentRef(segmentIdColumn: string): RawBuilder<SqlBool> {
  return sql<SqlBool>`(${sql.ref(segmentIdColumn)} is null or exists (select 1 from meeting_segments as vs where vs.id = ${sql.ref(segmentIdColumn)} and vs.voided_at is null))`;
}

/** A row referring to an outline question: the question is live. */
export function liveQuestionRef(questionIdColumn: string): RawBuilder<SqlBool> {
  return sql<SqlBool>`exists (select 1 from outline_questions as vo where vo.id = ${sql.ref(questionIdColumn)} and vo.voided_at is null)`;
}

/** A row referring to a survey delegation: the delegation is live. */
export function liveDelegationRef(delegationIdColumn: string): RawBuilder<SqlBool> {
  return sql<SqlBool>`exists (select 1 from survey_delegations as vd where vd.id = ${sql.ref(delegationIdColumn)} and vd.voided_at is null)`;
}

/** Whether one record (or its inquiry) is voided, for pages that open a record by id. */
export async function isVoided(db: Db, kind: VoidKind, id: number): Promise<boolean> {
  const { table } = VOID_KINDS[kind];
  const row = await db
    .selectFrom(table as "rectification_items")
    .select("id")
    .where("id", "=", id)
    .where(kind === "inquiry" ? notVoided(table, { inquiry: true }) : notVoided(table))
    .executeTakeFirst();
  return !row;
}

const MAX_REASON = 500;

/**
 * Voids one record with a reason (required, at most 500 characters): sets voided_at/by and the reason, bumps
 * the version (an open form then gets a conflict), writes the audit entry in the same transaction. A record
 * already voided, or of an inquiry already 办结 (except the inquiry itself), is refused with a message.
 * `version` is checked when given. Permission: the caller asked policy canVoid first.
 */
export async function voidRecord(
  db: Kysely<Database>,
  actor: Actor,
  input: { kind: VoidKind; id: number; reason: string; version?: number },
): Promise<Result> {
  const { table, entityType, label } = VOID_KINDS[input.kind];
  const reason = input.reason.trim();
  if (!reason) return { ok: false, field: "reason", message: "请填写作废理由" };
  if (reason.length > MAX_REASON) return { ok: false, field: "reason", message: `作废理由不能超过 ${MAX_REASON} 个字` };
  return db.transaction().execute(async (trx): Promise<Result> => {
    const t = table as "rectification_items";
    const row = (await trx.selectFrom(t).selectAll().where("id", "=", input.id).executeTakeFirst()) as
      | (Record<string, unknown> & { id: number; version: number; voided_at: string | null; inquiry_id?: number })
      | undefined;
    if (!row) return { ok: false, field: "_form", message: `该${label}不存在` };
    if (row.voided_at) return { ok: false, field: "_form", message: `该${label}已作废` };
    if (input.version !== undefined && row.version !== input.version) {
      return { ok: false, field: "_form", message: `该${label}已被他人修改，请刷新页面后再操作。` };
    }
    const inquiryId = input.kind === "inquiry" ? row.id : Number(row.inquiry_id);
    const inquiry = await trx.selectFrom("inquiries").select(["id", "title", "stage", "voided_at"]).where("id", "=", inquiryId).executeTakeFirst();
    if (input.kind !== "inquiry") {
      if (inquiry?.voided_at) return { ok: false, field: "_form", message: "该专题询问已作废" };
      if (inquiry?.stage === "closed") return { ok: false, field: "_form", message: "该专题询问已办结，不能再作废其中的内容" };
    }
    const now = nowIso();
    await trx
      .updateTable(t)
      .set({ voided_at: now, voided_by: actor.id, void_reason: reason, version: row.version + 1, updated_at: now })
      .where("id", "=", input.id)
      .execute();
    if (input.kind === "item") {
      await trx.insertInto("item_events").values({ item_id: input.id, action: "voided", comment: reason, actor_id: actor.id, actor_label: actor.label, at: now }).execute();
    }
    if (input.kind === "inquiry") {
      // every document of the inquiry leaves the search index (the loaders read notVoided)
      await sql`insert into search_queue (rowid) select rowid from search_index where inquiry_id = ${inquiryId} on conflict do nothing`.execute(trx);
    }
    if (input.kind === "question") {
      // the outline changed: an open outline form must reload (outline revision), the issued copies re-derive
      await trx.updateTable("inquiries").set((eb) => ({ outline_revision: eb("outline_revision", "+", 1) })).where("id", "=", inquiryId).execute();
      await sql`insert into search_queue (rowid) values (${90 * 1_000_000_000 + inquiryId}) on conflict do nothing`.execute(trx);
    }
    await recordAudit(trx, actor, {
      action: `${entityType}.void`,
      entityType,
      entityId: input.id,
      summary: `作废${label}${describe(input.kind, row)}${inquiry && input.kind !== "inquiry" ? `（「${inquiry.title}」）` : ""}：${reason}`,
      before: { voided_at: null, record: row },
      after: { voided_at: now, reason },
    });
    return { ok: true, id: input.id };
  });
}

function describe(kind: VoidKind, row: Record<string, unknown>): string {
  switch (kind) {
    case "inquiry":
      return `「${String(row.title)}」`;
    case "item":
      return ` #${String(row.number)}「${String(row.problem).slice(0, 40)}」`;
    case "question":
      return `「${String(row.text).slice(0, 40)}」`;
    case "segment":
      return row.keyword ? `「${String(row.keyword)}」` : ` #${String(row.id)}`;
    case "delegation":
      return ` #${String(row.id)}`;
  }
}

/** The 已作废 view: every voided record (of one inquiry, or the voided inquiries themselves), newest first. */
export async function listVoided(db: Db, inquiryId: number | null) {
  const who = (id: number | null) => id;
  const out: { kind: VoidKind; label: string; id: number; inquiryId: number; title: string; reason: string; voidedAt: string; voidedBy: number | null }[] = [];
  if (inquiryId === null) {
    const rows = await db.selectFrom("inquiries").select(["id", "title", "void_reason", "voided_at", "voided_by"]).where("voided_at", "is not", null).execute();
    for (const r of rows) out.push({ kind: "inquiry", label: VOID_KINDS.inquiry.label, id: r.id, inquiryId: r.id, title: r.title, reason: r.void_reason, voidedAt: r.voided_at!, voidedBy: who(r.voided_by) });
  } else {
    const items = await db.selectFrom("rectification_items").select(["id", "number", "problem", "void_reason", "voided_at", "voided_by"]).where("inquiry_id", "=", inquiryId).where("voided_at", "is not", null).execute();
    for (const r of items) out.push({ kind: "item", label: VOID_KINDS.item.label, id: r.id, inquiryId, title: `#${r.number} ${r.problem}`, reason: r.void_reason, voidedAt: r.voided_at!, voidedBy: r.voided_by });
    const delegations = await db
      .selectFrom("survey_delegations as d")
      .innerJoin("organizations as o", "o.id", "d.organization_id")
      .innerJoin("survey_requests as r", "r.id", "d.request_id")
      .select(["d.id", "o.name", "r.title", "d.void_reason", "d.voided_at", "d.voided_by"])
      .where("d.inquiry_id", "=", inquiryId)
      .where("d.voided_at", "is not", null)
      .execute();
    for (const r of delegations) out.push({ kind: "delegation", label: VOID_KINDS.delegation.label, id: r.id, inquiryId, title: `${r.title}（${r.name}）`, reason: r.void_reason, voidedAt: r.voided_at!, voidedBy: r.voided_by });
    const questions = await db.selectFrom("outline_questions").select(["id", "text", "void_reason", "voided_at", "voided_by"]).where("inquiry_id", "=", inquiryId).where("voided_at", "is not", null).execute();
    for (const r of questions) out.push({ kind: "question", label: VOID_KINDS.question.label, id: r.id, inquiryId, title: r.text, reason: r.void_reason, voidedAt: r.voided_at!, voidedBy: r.voided_by });
    const segments = await db.selectFrom("meeting_segments").select(["id", "keyword", "questioner_name", "void_reason", "voided_at", "voided_by"]).where("inquiry_id", "=", inquiryId).where("voided_at", "is not", null).execute();
    for (const r of segments) out.push({ kind: "segment", label: VOID_KINDS.segment.label, id: r.id, inquiryId, title: [r.keyword, r.questioner_name].filter(Boolean).join(" · ") || `#${r.id}`, reason: r.void_reason, voidedAt: r.voided_at!, voidedBy: r.voided_by });
  }
  const names = new Map(
    (await db.selectFrom("users").select(["id", "display_name"]).where("id", "in", [0, ...out.map((o) => o.voidedBy ?? 0)]).execute()).map((u) => [u.id, u.display_name]),
  );
  return out.map((o) => ({ ...o, voidedByName: o.voidedBy ? names.get(o.voidedBy) ?? "" : "" })).sort((a, b) => b.voidedAt.localeCompare(a.voidedAt));
}

/** The live delegations, outline questions and exchanges of an inquiry, for the void form of the 已作废 view. */
export async function voidableRecords(db: Db, inquiryId: number): Promise<{ kind: "delegation" | "question" | "segment"; id: number; title: string }[]> {
  const delegations = await db
    .selectFrom("survey_delegations as d")
    .innerJoin("organizations as o", "o.id", "d.organization_id")
    .innerJoin("survey_requests as r", "r.id", "d.request_id")
    .select(["d.id", "o.name", "r.title"])
    .where("d.inquiry_id", "=", inquiryId)
    .where(notVoided("d"))
    .orderBy("d.id")
    .execute();
  const questions = await db.selectFrom("outline_questions as q").select(["q.id", "q.text"]).where("q.inquiry_id", "=", inquiryId).where(notVoided("q")).orderBy("q.id").execute();
  const segments = await db
    .selectFrom("meeting_segments as s")
    .select(["s.id", "s.kind", "s.keyword", "s.questioner_name"])
    .where("s.inquiry_id", "=", inquiryId)
    .where(notVoided("s"))
    .orderBy("s.position")
    .execute();
  return [
    ...delegations.map((d) => ({ kind: "delegation" as const, id: d.id, title: `${d.title}（${d.name}）` })),
    ...questions.map((q) => ({ kind: "question" as const, id: q.id, title: q.text.slice(0, 60) })),
    ...segments.map((s) => ({ kind: "segment" as const, id: s.id, title: [s.keyword, s.questioner_name].filter(Boolean).join(" · ") || `#${s.id}` })),
  ];
}

/** Whether a voidable record (not an inquiry) belongs to the inquiry: the guard of `voidRecord` on a posted id. */
export async function isRecordOf(db: Kysely<Database>, inquiryId: number, kind: Exclude<VoidKind, "inquiry">, id: number): Promise<boolean> {
  const owner = await db.selectFrom(VOID_KINDS[kind].table as "survey_delegations").select("inquiry_id").where("id", "=", id).executeTakeFirst();
  return owner?.inquiry_id === inquiryId;
}
