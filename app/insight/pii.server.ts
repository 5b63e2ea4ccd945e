import { lockRow, writeTransaction } from "../../db/transactions";
import type { Kysely, Transaction } from "kysely";
import type { Database, SegmentKind } from "../../db/schema";
import { recordAudit, type Actor } from "../audit.server";
import { nowIso } from "../utils/time";
import { findPersonalData, hitContext, maskHit, redactText, PII_KIND_LABELS, type PiiHit, type PiiKind } from "./pii-detect";

/**
 * Personal data kept out of publication (issue 22 item 3; docs/decisions/0121-personal-data-before-publication.md).
 *
 * Each publication of an inquiry — the digest (web page and Word), the public rectification status, one round of
 * the handling report — is a list of text fields. The check (app/insight/pii-detect.ts) finds hits in them; staff
 * review each (redact → 某/＊＊, or not personal). Publishing is refused while a hit is unreviewed
 * (`publicationGate`), and what the public pages show passes through `publicationRedactor`, which masks every hit
 * not marked "not personal" — so a hit that appears after publication (a correction, a new item) is masked too,
 * never shown. The stored text is never changed: the original stays internal.
 */
type Db = Kysely<Database> | Transaction<Database>;

/** digest | rectification | handling_report:<report id> */
export type PublicationScope = "digest" | "rectification" | `handling_report:${number}`;

export const SCOPE_LABELS = { digest: "询问会摘要", rectification: "整改情况公开", handling_report: "研究处理情况报告" } as const;

export function scopeLabel(scope: PublicationScope): string {
  return scope.startsWith("handling_report:") ? SCOPE_LABELS.handling_report : SCOPE_LABELS[scope as "digest" | "rectification"];
}

export function parseScope(value: string | null | undefined): PublicationScope | null {
  if (value === "digest" || value === "rectification") return value;
  const m = /^handling_report:([1-9]\d{0,9})$/.exec(value ?? "");
  return m ? (`handling_report:${Number(m[1])}` as PublicationScope) : null;
}

/** One text field of a publication: where it stands ("turn:12:body"), what the reviewer is told, its text. */
export interface PublicationField {
  source: string;
  label: string;
  text: string;
}

/** The digest's fields: title, intro, closing, and the headlines and turns of the segment kinds it includes. */
async function digestFields(db: Db, inquiryId: number): Promise<PublicationField[]> {
  const meeting = await db
    .selectFrom("meetings")
    .select(["id", "digest_title", "digest_intro_text", "digest_closing_text", "digest_segment_kinds"])
    .where("inquiry_id", "=", inquiryId)
    .executeTakeFirst();
  if (!meeting) return [];
  let kinds: SegmentKind[] = ["exchange"];
  try {
    const parsed = JSON.parse(meeting.digest_segment_kinds);
    if (Array.isArray(parsed) && parsed.length) kinds = parsed.filter((k): k is SegmentKind => typeof k === "string");
  } catch {
    // the digest's own default
  }
  const fields: PublicationField[] = [
    { source: `meeting:${meeting.id}:title`, label: "摘要标题", text: meeting.digest_title },
    { source: `meeting:${meeting.id}:intro`, label: "摘要导语", text: meeting.digest_intro_text },
    { source: `meeting:${meeting.id}:closing`, label: "摘要结语", text: meeting.digest_closing_text },
  ];
  const turns = await db
    .selectFrom("meeting_turns as t")
    .innerJoin("meeting_segments as s", "s.id", "t.segment_id")
    .select(["t.id", "t.body_text", "s.id as segment_id", "s.position", "s.keyword", "s.headline", "t.position as turn_position"])
    .where("s.meeting_id", "=", meeting.id)
    .where("s.kind", "in", kinds.length ? kinds : (["exchange"] as SegmentKind[]))
    .orderBy("s.position")
    .orderBy("t.position")
    .execute();
  const headlines = new Set<number>();
  for (const t of turns) {
    if (!headlines.has(t.segment_id)) {
      headlines.add(t.segment_id);
      fields.push({ source: `segment:${t.segment_id}:headline`, label: `第 ${t.position} 段标题`, text: t.headline });
    }
    fields.push({ source: `turn:${t.id}:body`, label: `第 ${t.position} 段${t.keyword ? `（${t.keyword}）` : ""}第 ${t.turn_position} 次发言`, text: t.body_text });
  }
  return fields;
}

/** The public rectification status's fields: each item's problem and requirement. */
async function publicItemTexts(db: Db, inquiryId: number): Promise<PublicationField[]> {
  const items = await db
    .selectFrom("rectification_items")
    .select(["id", "number", "problem", "requirement"])
    .where("inquiry_id", "=", inquiryId)
    .where("voided_at", "is", null)
    .orderBy("number")
    .execute();
  return items.flatMap((i) => [
    { source: `item:${i.id}:problem`, label: `整改事项 ${i.number} 问题`, text: i.problem },
    { source: `item:${i.id}:requirement`, label: `整改事项 ${i.number} 整改要求`, text: i.requirement },
  ]);
}

/** One round of the handling report: its body, and the 审议 opinion and resolution if recorded. */
async function handlingFields(db: Db, inquiryId: number, reportId: number): Promise<PublicationField[]> {
  const report = await db
    .selectFrom("handling_reports")
    .select(["id", "round", "body_text"])
    .where("id", "=", reportId)
    .where("inquiry_id", "=", inquiryId)
    .executeTakeFirst();
  if (!report) return [];
  const fields: PublicationField[] = [{ source: `handling:${report.id}:body`, label: `第 ${report.round} 次研究处理情况报告`, text: report.body_text }];
  const review = await db.selectFrom("handling_report_reviews").select(["id", "opinion_text", "resolution"]).where("report_id", "=", report.id).executeTakeFirst();
  if (review) {
    fields.push({ source: `review:${review.id}:opinion`, label: "审议意见", text: review.opinion_text });
    fields.push({ source: `review:${review.id}:resolution`, label: "决议", text: review.resolution });
  }
  return fields;
}

export async function publicationFields(db: Db, inquiryId: number, scope: PublicationScope): Promise<PublicationField[]> {
  if (scope === "digest") return digestFields(db, inquiryId);
  if (scope === "rectification") return publicItemTexts(db, inquiryId);
  return handlingFields(db, inquiryId, Number(scope.slice("handling_report:".length)));
}

export interface ReviewedHit {
  source: string;
  label: string;
  kind: PiiKind;
  kindLabel: string;
  match: string;
  masked: string;
  context: { before: string; match: string; after: string };
  decision: "redact" | "not_personal" | null;
  version: number;
}

const reviewKey = (source: string, match: string) => `${source}\u0000${match}`;

async function reviewMap(db: Db, inquiryId: number) {
  const rows = await db.selectFrom("pii_reviews").select(["source", "match", "decision", "version"]).where("inquiry_id", "=", inquiryId).execute();
  return new Map(rows.map((r) => [reviewKey(r.source, r.match), r]));
}

/** Every hit of a publication with its review (null: not reviewed), in field order. */
export async function publicationHits(db: Db, inquiryId: number, scope: PublicationScope): Promise<ReviewedHit[]> {
  const [fields, reviews] = await Promise.all([publicationFields(db, inquiryId, scope), reviewMap(db, inquiryId)]);
  const out: ReviewedHit[] = [];
  for (const field of fields) {
    for (const hit of findPersonalData(field.text)) {
      const review = reviews.get(reviewKey(field.source, hit.match));
      out.push({
        source: field.source,
        label: field.label,
        kind: hit.kind,
        kindLabel: PII_KIND_LABELS[hit.kind],
        match: hit.match,
        masked: maskHit(hit),
        context: hitContext(field.text, hit),
        decision: review?.decision ?? null,
        version: review?.version ?? 0,
      });
    }
  }
  return out;
}

export async function unreviewedCount(db: Db, inquiryId: number, scope: PublicationScope): Promise<number> {
  return (await publicationHits(db, inquiryId, scope)).filter((h) => h.decision === null).length;
}

/**
 * The gate every publishing function asks (inside its transaction): null when the publication may go out, or
 * the Chinese message that refuses it while hits are unreviewed.
 */
export async function publicationGate(trx: Db, inquiryId: number, scope: PublicationScope): Promise<string | null> {
  const open = await unreviewedCount(trx, inquiryId, scope);
  if (!open) return null;
  return `${scopeLabel(scope)}中尚有 ${open} 处疑似个人信息（身份证号、电话、银行卡号或姓名）未经审查，不能发布。请先在「发布前个人信息审查」中逐一处理（替换为某/＊＊或标记为非个人信息）。`;
}

const escapeHtml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** What the public pages show of an inquiry's text fields: every hit not marked "not personal" is masked. */
export interface Redactor {
  text(source: string, text: string): string;
  /** A rich-text field: its HTML when it holds no hit; otherwise its masked text as paragraphs. */
  html(source: string, text: string, html: string): string;
}

export async function publicationRedactor(db: Db, inquiryId: number): Promise<Redactor> {
  const reviews = await reviewMap(db, inquiryId);
  const text = (source: string, value: string) => redactText(value, (hit: PiiHit) => reviews.get(reviewKey(source, hit.match))?.decision === "not_personal");
  return {
    text,
    html(source, value, html) {
      const masked = text(source, value);
      if (masked === value) return html;
      return masked
        .split(/\n+/)
        .filter((p) => p.trim())
        .map((p) => `<p>${escapeHtml(p)}</p>`)
        .join("");
    },
  };
}

export type ReviewResult = { ok: true } | { ok: false; field: string; message: string };

/**
 * Records staff's decision on one hit (redact or not personal). The hit must still stand in that field; `version`
 * is the review's version as the reviewer saw it (0: not reviewed yet), so two reviewers never overwrite each other.
 */
export async function reviewHit(
  db: Kysely<Database>,
  actor: Actor,
  input: { inquiryId: number; scope: PublicationScope; source: string; match: string; decision: "redact" | "not_personal"; version: number },
): Promise<ReviewResult> {
  return writeTransaction(db, async (trx): Promise<ReviewResult> => {
    // a review's row may not exist yet: reviews of an inquiry are decided under its lock (decision 0175)
    await lockRow(trx, "inquiries", input.inquiryId);
    const hits = await publicationHits(trx, input.inquiryId, input.scope);
    const hit = hits.find((h) => h.source === input.source && h.match === input.match);
    if (!hit) return { ok: false, field: "_form", message: "该处内容已经变化，请刷新页面后重新审查。" };
    if (hit.version !== input.version) return { ok: false, field: "_form", message: "该处已被他人审查，请刷新页面查看最新结果。" };
    const now = nowIso();
    if (hit.version === 0) {
      await trx
        .insertInto("pii_reviews")
        .values({ inquiry_id: input.inquiryId, source: input.source, match: input.match, kind: hit.kind, decision: input.decision, decided_by: actor.id, decided_at: now })
        .execute();
    } else {
      await trx
        .updateTable("pii_reviews")
        .set({ decision: input.decision, decided_by: actor.id, decided_at: now, version: hit.version + 1 })
        .where("inquiry_id", "=", input.inquiryId)
        .where("source", "=", input.source)
        .where("match", "=", input.match)
        .execute();
    }
    await recordAudit(trx, actor, {
      action: "pii.review",
      entityType: "inquiry",
      entityId: input.inquiryId,
      // the audit log keeps the masked form: it is read by more people than the record itself
      summary: `${scopeLabel(input.scope)}发布前审查：${hit.label}中的${hit.kindLabel}「${hit.masked}」${input.decision === "redact" ? "发布时替换" : "标记为非个人信息"}`,
      before: { decision: hit.decision },
      after: { source: input.source, kind: hit.kind, decision: input.decision },
    });
    return { ok: true };
  });
}

/** Marks every unreviewed hit of a publication "redact" in one step; the count reviewed. */
export async function redactAllUnreviewed(db: Kysely<Database>, actor: Actor, input: { inquiryId: number; scope: PublicationScope }): Promise<number> {
  return writeTransaction(db, async (trx) => {
    await lockRow(trx, "inquiries", input.inquiryId);
    const open = (await publicationHits(trx, input.inquiryId, input.scope)).filter((h) => h.decision === null);
    const seen = new Set<string>();
    const now = nowIso();
    for (const hit of open) {
      const key = reviewKey(hit.source, hit.match);
      if (seen.has(key)) continue;
      seen.add(key);
      await trx
        .insertInto("pii_reviews")
        .values({ inquiry_id: input.inquiryId, source: hit.source, match: hit.match, kind: hit.kind, decision: "redact", decided_by: actor.id, decided_at: now })
        .execute();
    }
    if (seen.size) {
      await recordAudit(trx, actor, {
        action: "pii.redact_all",
        entityType: "inquiry",
        entityId: input.inquiryId,
        summary: `${scopeLabel(input.scope)}发布前审查：其余 ${seen.size} 处疑似个人信息发布时一律替换`,
        after: { scope: input.scope, count: seen.size },
      });
    }
    return seen.size;
  });
}
