import { forUpdate, lockRow, writeTransaction } from "../../db/transactions";
import { notVoided } from "../history/void.server";
import { advanceStage } from "../inquiries/inquiries.server";
import type { Kysely } from "kysely";
import type { Database, SegmentKind } from "../../db/schema";
import { recordAudit, type Actor } from "../audit.server";
import type { RichText } from "../richtext/richtext.server";
import { nowIso } from "../utils/time";
import { askFirst, PUBLISH_QUESTIONS, type AskFirst } from "../history/confirm.server";
import { auditMark, stampEvent } from "../history/dates.server";
import { exchangeLeads, paragraphsOf, SEGMENT_KINDS, turnLead } from "./labels";
import { getMeetingByInquiry } from "./setup.server";
import { loadRecord } from "./segments.server";
import { publicationGate, publicationRedactor, type Redactor } from "../insight/pii.server";
import type { Result } from "../utils/result";

/**
 * 摘要: the published digest, generated from the meeting record — grouped by keyword with a headline, each
 * exchange as "市人大常委会委员马爱国询问：…" / "市政府副市长武磊应询：…". Staff edit the title, intro and closing and
 * choose which segment kinds appear; publishing puts it on /public. Nothing unpublished leaves this module
 * through getPublishedDigest / listPublishedDigests.
 */
type DB = Kysely<Database>;

const DIGEST_CONFLICT = "摘要已被他人修改或发布状态已变化，请刷新页面查看最新内容后再操作。";

export interface DigestLine {
  lead: string;
  paragraphs: string[];
}
export interface DigestExchange {
  id: number;
  lines: DigestLine[];
}
export interface DigestGroup {
  keyword: string;
  headline: string;
  exchanges: DigestExchange[];
}
export interface DigestSpeech {
  id: number;
  kind: SegmentKind;
  lines: DigestLine[];
}
export interface Digest {
  inquiryId: number;
  inquiryTitle: string;
  congress: string;
  meetingId: number;
  meetingDate: string | null;
  title: string;
  reporter: string;
  introHtml: string;
  introText: string;
  closingHtml: string;
  closingText: string;
  kinds: SegmentKind[];
  /** opening and report, before the exchanges */
  before: DigestSpeech[];
  groups: DigestGroup[];
  /** commitment and closing, after the exchanges */
  after: DigestSpeech[];
  exchangeCount: number;
  publishedAt: string | null;
  version: number;
}

export function parseKinds(json: string): SegmentKind[] {
  try {
    const parsed = JSON.parse(json);
    if (Array.isArray(parsed)) return SEGMENT_KINDS.filter((k) => parsed.includes(k));
  } catch {
    // fall through to the default
  }
  return ["exchange"];
}

/**
 * The digest as it stands now (whether or not it is published). With a redactor (app/insight/pii.server.ts),
 * its text is the published form: personal data masked unless reviewed as not personal.
 */
export async function buildDigest(db: DB, inquiryId: number, redactor?: Redactor): Promise<Digest | undefined> {
  const inquiry = await db.selectFrom("inquiries").select(["id", "title", "congress"]).where("id", "=", inquiryId).where(notVoided("inquiries", { inquiry: true })).executeTakeFirst();
  if (!inquiry) return undefined;
  const meeting = await getMeetingByInquiry(db, inquiryId);
  if (!meeting) return undefined;
  const kinds = parseKinds(meeting.digest_segment_kinds);
  const record = await loadRecord(db, meeting.id);
  const text = (source: string, value: string) => (redactor ? redactor.text(source, value) : value);
  const html = (source: string, value: string, markup: string) => (redactor ? redactor.html(source, value, markup) : markup);
  const outlineHeadlines = new Map(
    (await db.selectFrom("outline_keywords").select(["keyword", "headline"]).where("inquiry_id", "=", inquiryId).orderBy("position").execute())
      .filter((k) => k.headline)
      .map((k) => [k.keyword, k.headline]),
  );

  const groups: DigestGroup[] = [];
  const before: DigestSpeech[] = [];
  const after: DigestSpeech[] = [];
  let exchangeCount = 0;
  for (const s of record) {
    if (!kinds.includes(s.kind)) continue;
    if (s.kind === "exchange") {
      const leads = exchangeLeads(s.turns);
      const lines = s.turns.map((t, i) => ({ lead: leads[i], paragraphs: paragraphsOf(text(`turn:${t.id}:body`, t.body_text)) }));
      let group = groups.find((g) => g.keyword === s.keyword);
      if (!group) {
        group = { keyword: s.keyword, headline: "", exchanges: [] };
        groups.push(group);
      }
      if (!group.headline && s.headline) group.headline = text(`segment:${s.id}:headline`, s.headline);
      group.exchanges.push({ id: s.id, lines });
      exchangeCount++;
    } else {
      const speech = { id: s.id, kind: s.kind, lines: s.turns.map((t) => ({ lead: turnLead(t, s.kind), paragraphs: paragraphsOf(text(`turn:${t.id}:body`, t.body_text)) })) };
      (s.kind === "opening" || s.kind === "report" ? before : after).push(speech);
    }
  }
  for (const g of groups) if (!g.headline) g.headline = outlineHeadlines.get(g.keyword) ?? "";

  return {
    inquiryId: inquiry.id,
    inquiryTitle: inquiry.title,
    congress: inquiry.congress,
    meetingId: meeting.id,
    meetingDate: meeting.meeting_date,
    title: text(`meeting:${meeting.id}:title`, meeting.digest_title) || `${inquiry.title}摘要`,
    reporter: meeting.digest_reporter,
    introHtml: html(`meeting:${meeting.id}:intro`, meeting.digest_intro_text, meeting.digest_intro_html),
    introText: text(`meeting:${meeting.id}:intro`, meeting.digest_intro_text),
    closingHtml: html(`meeting:${meeting.id}:closing`, meeting.digest_closing_text, meeting.digest_closing_html),
    closingText: text(`meeting:${meeting.id}:closing`, meeting.digest_closing_text),
    kinds,
    before,
    groups,
    after,
    exchangeCount,
    publishedAt: meeting.digest_published_at,
    version: meeting.version,
  };
}

/**
 * The digest only if it is published, in its published form (personal data masked unless reviewed as not
 * personal): the one door to the public pages and the published Word document.
 */
export async function getPublishedDigest(db: DB, inquiryId: number): Promise<Digest | undefined> {
  const meeting = await getMeetingByInquiry(db, inquiryId);
  if (!meeting || !meeting.digest_published_at) return undefined;
  return buildDigest(db, inquiryId, await publicationRedactor(db, inquiryId));
}

export async function isDigestPublished(db: DB, inquiryId: number): Promise<boolean> {
  const meeting = await getMeetingByInquiry(db, inquiryId);
  return !!meeting?.digest_published_at;
}

/** Published digests, newest meeting first. */
export async function listPublishedDigests(db: DB) {
  return db
    .selectFrom("meetings as m")
    .innerJoin("inquiries as i", "i.id", "m.inquiry_id")
    .select(["i.id as inquiry_id", "i.title as inquiry_title", "i.congress", "m.meeting_date", "m.digest_title", "m.digest_published_at"])
    .where("m.digest_published_at", "is not", null)
    .where(notVoided("i", { inquiry: true }))
    .orderBy("m.meeting_date", (ob) => ob.desc().nullsLast())
    .orderBy("i.id", "desc")
    .execute();
}

export interface DigestInput {
  title: string;
  reporter: string;
  intro: RichText;
  closing: RichText;
  kinds: SegmentKind[];
}

export async function updateDigest(db: DB, actor: Actor, inquiryId: number, version: number, input: DigestInput): Promise<Result> {
  const kinds = SEGMENT_KINDS.filter((k) => input.kinds.includes(k));
  if (!kinds.includes("exchange")) return { ok: false, field: "kinds", message: "摘要至少应包含询问与应询" };
  return writeTransaction(db, async (trx): Promise<Result> => {
    const before = await trx.selectFrom("meetings").selectAll().where("inquiry_id", "=", inquiryId).$call(forUpdate(trx)).executeTakeFirst();
    if (!before) return { ok: false, field: "_form", message: "该询问会尚未设置" };
    if (before.version !== version) return { ok: false, field: "_form", message: DIGEST_CONFLICT };
    const values = {
      digest_title: input.title.trim(),
      digest_reporter: input.reporter.trim(),
      digest_intro_json: input.intro.json,
      digest_intro_text: input.intro.text,
      digest_intro_html: input.intro.html,
      digest_closing_json: input.closing.json,
      digest_closing_text: input.closing.text,
      digest_closing_html: input.closing.html,
      digest_segment_kinds: JSON.stringify(kinds),
    };
    await trx.updateTable("meetings").set({ ...values, version: before.version + 1, updated_at: nowIso() }).where("id", "=", before.id).execute();
    await recordAudit(trx, actor, {
      action: "digest.update",
      entityType: "digest",
      entityId: inquiryId,
      summary: `修改询问会摘要「${input.title.trim() || "（未命名）"}」`,
      before: { title: before.digest_title, reporter: before.digest_reporter, intro: before.digest_intro_text, closing: before.digest_closing_text, kinds: before.digest_segment_kinds },
      after: { title: values.digest_title, reporter: values.digest_reporter, intro: input.intro.text, closing: input.closing.text, kinds },
    });
    return { ok: true, id: before.id };
  });
}

/**
 * Publishes (or withdraws) the digest; publishing needs at least one exchange in the record. Both ask first
 * (`confirmed`, app/history/confirm.server.ts). The publication is a stamped event: in back-entry (补录) its
 * real date `on`, not before the meeting (app/history/dates.server.ts).
 */
export async function setDigestPublished(
  db: DB,
  actor: Actor,
  inquiryId: number,
  version: number,
  publish: boolean,
  opts: { confirmed?: boolean; on?: string } = {},
): Promise<Result | AskFirst> {
  return writeTransaction(db, async (trx): Promise<Result> => {
    // parent before child (decision 0175): publishing may move the inquiry's stage on
    await lockRow(trx, "inquiries", inquiryId);
    const before = await trx.selectFrom("meetings").selectAll().where("inquiry_id", "=", inquiryId).$call(forUpdate(trx)).executeTakeFirst();
    if (!before) return { ok: false, field: "_form", message: "该询问会尚未设置" };
    if (before.version !== version) return { ok: false, field: "_form", message: DIGEST_CONFLICT };
    if (publish && before.digest_published_at) return { ok: false, field: "_form", message: "摘要已经发布" };
    if (!publish && !before.digest_published_at) return { ok: false, field: "_form", message: "摘要尚未发布" };
    if (publish) {
      const exchange = await trx.selectFrom("meeting_segments").select("id").where("meeting_id", "=", before.id).where("kind", "=", "exchange").executeTakeFirst();
      if (!exchange) return { ok: false, field: "_form", message: "询问会记录中还没有问答，不能发布摘要" };
      const refused = await publicationGate(trx, inquiryId, "digest");
      if (refused) return { ok: false, field: "_form", message: refused };
    }
    const stamp = publish
      ? await stampEvent(trx, inquiryId, opts.on, "发布日期", (ctx) => ({ date: ctx.meetingDate, label: "询问会日期" }))
      : ({ ok: true, at: nowIso(), backEntered: false } as const);
    if (!stamp.ok) return { ok: false, field: "on", message: stamp.message };
    const asked = askFirst(opts.confirmed, publish ? PUBLISH_QUESTIONS.digest_publish : PUBLISH_QUESTIONS.digest_unpublish);
    if (asked) return asked;
    const mark = auditMark(stamp);
    const at = publish ? stamp.at : null;
    await trx
      .updateTable("meetings")
      .set({ digest_published_at: at, digest_published_by: publish ? actor.id : null, version: before.version + 1, updated_at: nowIso() })
      .where("id", "=", before.id)
      .execute();
    await recordAudit(trx, actor, {
      action: publish ? "digest.publish" : "digest.unpublish",
      entityType: "digest",
      entityId: inquiryId,
      summary: publish
        ? `${mark.prefix}发布询问会摘要「${before.digest_title || "（未命名）"}」${mark.suffix}`
        : `撤回已发布的询问会摘要「${before.digest_title || "（未命名）"}」`,
      before: { published_at: before.digest_published_at },
      after: { published_at: at, ...mark.after },
    });
    if (publish) await advanceStage(trx, actor, inquiryId, "meeting", "digest_published");
    return { ok: true, id: before.id };
  });
}
