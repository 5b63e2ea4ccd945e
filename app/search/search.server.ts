import { sql, type Kysely, type RawBuilder } from "kysely";
import type { Database } from "../../db/schema";
import type { CurrentUser } from "../auth/session.server";
import { canReadInquiry, readableInquiries } from "../policy.server";
import { INDEXED_KINDS, ROWID_BASE } from "../../db/migrations/0006_search";
import { SEARCH_KIND_LABELS } from "./labels";

export { SEARCH_KIND_LABELS };

/**
 * Search over everything a user may read (index: db/migrations/0006_search.ts). A query is split into
 * words and "quoted phrases"; every one must occur (AND). Each becomes the phrase of its character
 * bigrams, so 2-character Chinese words match. Results are filtered in SQL by the same rules the pages
 * apply, so a department or county never gets a hit, a snippet or a count from a record it cannot open.
 */
export const MAX_QUERY_LENGTH = 100;

export type ParsedQuery = { ok: true; terms: string[]; match: string } | { ok: false; message: string };

/** Splits a user's query into terms (words and quoted phrases) and builds the FTS5 MATCH expression. */
export function parseSearchQuery(raw: string): ParsedQuery {
  const q = raw.normalize("NFKC").trim();
  if (!q) return { ok: false, message: "请输入要搜索的内容" };
  if (q.length > MAX_QUERY_LENGTH) return { ok: false, message: `搜索内容不能超过 ${MAX_QUERY_LENGTH} 个字` };
  const terms: string[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  for (let m = re.exec(q); m; m = re.exec(q)) {
    const term = (m[1] ?? m[2] ?? "").trim().toLowerCase();
    if (term) terms.push(term);
  }
  const phrases: string[] = [];
  const kept: string[] = [];
  for (const term of terms) {
    // Punctuation separates pieces; each piece of 2+ characters is matched as its bigram phrase.
    const pieces = term.split(/[^\p{L}\p{N}]+/u).filter((p) => [...p].length >= 2);
    if (pieces.length === 0) continue;
    kept.push(term);
    for (const piece of pieces) phrases.push(`"${bigrams(piece).join(" ")}"`);
  }
  if (phrases.length === 0) return { ok: false, message: "请至少输入两个字（单个汉字或字母无法检索）" };
  return { ok: true, terms: kept, match: phrases.join(" AND ") };
}

export function bigrams(text: string): string[] {
  const chars = [...text];
  const out: string[] = [];
  for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i] + chars[i + 1]);
  return out;
}

const CODE_OF = new Map(INDEXED_KINDS.map((k) => [k.kind, k.code]));

/**
 * A document's rowid is kind code × 10^9 + record id (db/migrations/0006_search.ts), so its kind and record
 * are known from the FTS index alone: conditions on them never read the stored text of every match.
 */
function isKind(kind: string): RawBuilder<boolean> {
  const code = CODE_OF.get(kind);
  if (code === undefined) return sql<boolean>`0`;
  return sql<boolean>`search_index.rowid between ${sql.lit(code * ROWID_BASE)} and ${sql.lit(code * ROWID_BASE + ROWID_BASE - 1)}`;
}
function recordOf(kind: string): RawBuilder<number> {
  return sql<number>`(search_index.rowid - ${sql.lit((CODE_OF.get(kind) ?? 0) * ROWID_BASE)})`;
}

/**
 * Results are ranked by relevance (FTS5 bm25) when at most this many match. Ranking reads statistics of every
 * match, so a very common word (就业: ~190,000 documents at province scale, 400 ms to rank) is instead listed
 * by kind — inquiries and exchanges first — and newest first within a kind, which the index walks directly.
 */
export const RANKED_MATCH_LIMIT = 1000;

/**
 * Matches are counted up to this many per kind ("1000+"), and listed up to it: the cost of a query stays the
 * same however large the archive grows. Narrowing the query (more words, a kind, a year) lists the rest.
 */
export const COUNT_CAP_PER_KIND = 1000;

/** The order kinds are listed in when there are too many matches to rank (any kind not named comes last). */
const PREFERRED_KIND_ORDER = [
  "inquiry",
  "exchange",
  "outline_question",
  "preparation_answer",
  "written_reply",
  "research_activity",
  "research_finding",
  "survey_report",
  "handling_report",
  "rectification_item",
  "progress_report",
  "attachment",
];
const KIND_ORDER = [...PREFERRED_KIND_ORDER, ...INDEXED_KINDS.map((k) => k.kind).filter((k) => !PREFERRED_KIND_ORDER.includes(k))];

/** The SQL condition on a search_index row that mirrors what the user may open. */
export function visibilityCondition(
  user: Pick<CurrentUser, "role" | "organizationId" | "organizationKind" | "memberInquiryIds">,
): RawBuilder<boolean> {
  const scope = readableInquiries(user);
  if (scope === "all") return sql<boolean>`1`;
  // a member: the inquiries they take part in (docs/decisions/0031)
  if (user.role === "member") return scope.length ? sql<boolean>`search_index.inquiry_id in (${sql.join([...scope])})` : sql<boolean>`0`;
  const org = user.organizationId ?? -1;
  const published = sql`exists (select 1 from meeting_segments s join meetings m on m.id = s.meeting_id where s.id = ${recordOf("exchange")} and m.digest_published_at is not null)`;
  if (user.role === "county") {
    return sql<boolean>`(
      (${isKind("survey_report")} and exists (select 1 from survey_delegations d where d.id = ${recordOf("survey_report")} and d.organization_id = ${org}))
      or (${isKind("exchange")} and ${published})
      or (${isKind("attachment")} and exists (
        select 1 from attachments a where a.id = ${recordOf("attachment")} and (
          (a.owner_type = 'survey_report' and exists (select 1 from survey_delegations d where d.id = a.owner_id and d.organization_id = ${org}))
          or (a.owner_type = 'survey_request' and exists (select 1 from survey_delegations d where d.request_id = a.owner_id and d.organization_id = ${org}))
        )))
    )`;
  }
  if (user.role === "department") {
    const involved = (itemRef: string) =>
      sql.raw(
        `(${itemRef}.lead_department_id = ${Number(org)} or exists (select 1 from rectification_codepartments c where c.item_id = ${itemRef}.id and c.organization_id = ${Number(org)}))`,
      );
    return sql<boolean>`(
      (${isKind("outline_question")} and exists (select 1 from outline_questions q join inquiries i on i.id = q.inquiry_id
        where q.id = ${recordOf("outline_question")} and q.department_id = ${org} and i.outline_issued_version_id is not null))
      or (${isKind("preparation_answer")} and exists (select 1 from preparation_answers p where p.id = ${recordOf("preparation_answer")} and p.department_id = ${org}))
      or (${isKind("exchange")} and (${published} or exists (select 1 from meeting_segments s where s.id = ${recordOf("exchange")} and s.department_id = ${org})))
      or (${isKind("rectification_item")} and exists (select 1 from rectification_items it where it.id = ${recordOf("rectification_item")} and ${involved("it")}))
      or (${isKind("progress_report")} and exists (select 1 from progress_reports pr join rectification_items it on it.id = pr.item_id
        where pr.id = ${recordOf("progress_report")} and ${involved("it")}))
      or (${isKind("written_reply")} and exists (select 1 from written_replies w where w.id = ${recordOf("written_reply")} and w.department_id = ${org}))
      or (${isKind("handling_report")} and ${user.organizationKind === "government" ? sql`1` : sql`0`})
      or (${isKind("attachment")} and exists (
        select 1 from attachments a where a.id = ${recordOf("attachment")} and (
          (a.owner_type = 'preparation_answer' and exists (select 1 from preparation_answers p where p.id = a.owner_id and p.department_id = ${org}))
          or (a.owner_type = 'written_reply' and exists (select 1 from written_replies w where w.id = a.owner_id and w.department_id = ${org}))
          or (a.owner_type = 'progress_report' and exists (select 1 from progress_reports pr join rectification_items it on it.id = pr.item_id
            where pr.id = a.owner_id and ${involved("it")}))
          or (a.owner_type = 'handling_report' and ${user.organizationKind === "government" ? sql`1` : sql`0`})
        )))
    )`;
  }
  return sql<boolean>`0`;
}

export interface SearchFilter {
  kind?: string;
  inquiryId?: number;
  year?: number;
  page: number;
  pageSize: number;
  /** at most this many matches are ranked by relevance (tests lower it) */
  rankLimit?: number;
  /** matches counted and listed per kind (tests lower it) */
  countCap?: number;
}

export interface SearchHit {
  kind: string;
  kindLabel: string;
  recordId: number;
  inquiryId: number | null;
  inquiryTitle: string | null;
  title: string;
  at: string;
  snippet: { text: string; mark: boolean }[];
  href: string;
}

export async function search(
  db: Kysely<Database>,
  user: Pick<CurrentUser, "role" | "organizationId" | "organizationKind">,
  query: Extract<ParsedQuery, { ok: true }>,
  filter: SearchFilter,
): Promise<{
  hits: SearchHit[];
  /** matches listed (each kind counted up to the cap) */
  total: number;
  byKind: Record<string, number>;
  /** kinds with more matches than the cap */
  capped: string[];
  /** some kind within the filter has more matches than the cap: `total` is a lower bound */
  totalIsCapped: boolean;
  ordering: "relevance" | "kind_and_time";
}> {
  const conditions = [sql`search_index match ${query.match}`, visibilityCondition(user)];
  if (filter.inquiryId) conditions.push(sql`search_index.inquiry_id = ${filter.inquiryId}`);
  if (filter.year) conditions.push(sql`substr(search_index.at, 1, 4) = ${String(filter.year)}`);
  const base = sql.join(conditions, sql` and `);
  // one count per kind over the kind's rowid range (FTS5 counts from the index without reading any text),
  // stopping at the cap
  const cap = filter.countCap ?? COUNT_CAP_PER_KIND;
  const counts = await sql<{ kind: string; n: number }>`${sql.join(
    INDEXED_KINDS.map(
      (k) => sql`select ${k.kind} as kind, (select count(*) from (select 1 from search_index where ${base} and ${isKind(k.kind)} limit ${cap + 1})) as n`,
    ),
    sql` union all `,
  )}`.execute(db);
  const countOf = new Map(counts.rows.map((r) => [r.kind, Number(r.n)]));
  const shownKinds = KIND_ORDER.filter((k) => (countOf.get(k) ?? 0) > 0);
  const byKind = Object.fromEntries(shownKinds.map((k) => [k, Math.min(cap, countOf.get(k)!)]));
  const capped = shownKinds.filter((k) => countOf.get(k)! > cap);
  const total = filter.kind ? byKind[filter.kind] ?? 0 : Object.values(byKind).reduce((sum, n) => sum + n, 0);
  const totalIsCapped = capped.some((k) => !filter.kind || k === filter.kind);
  const offset = (filter.page - 1) * filter.pageSize;
  const ordering = total <= (filter.rankLimit ?? RANKED_MATCH_LIMIT) && !totalIsCapped ? "relevance" : "kind_and_time";
  const rowids: number[] = [];
  if (offset >= total) {
    // past the last page: nothing to list
  } else if (ordering === "relevance") {
    const kindCondition = filter.kind ? sql` and ${isKind(filter.kind)}` : sql``;
    const { rows } = await sql<{ rowid: number }>`select rowid from search_index where ${base}${kindCondition}
      order by rank limit ${filter.pageSize} offset ${offset}`.execute(db);
    rowids.push(...rows.map((r) => Number(r.rowid)));
  } else {
    // walk the kinds in display order, skipping whole kinds by their counts, newest first within a kind
    let skip = offset;
    for (const kind of KIND_ORDER) {
      const n = byKind[kind] ?? 0;
      if ((filter.kind && kind !== filter.kind) || n === 0) continue;
      if (skip >= n) {
        skip -= n;
        continue;
      }
      const { rows } = await sql<{ rowid: number }>`select rowid from search_index where ${base} and ${isKind(kind)}
        order by rowid desc limit ${filter.pageSize - rowids.length} offset ${skip}`.execute(db);
      rowids.push(...rows.map((r) => Number(r.rowid)));
      skip = 0;
      if (rowids.length >= filter.pageSize) break;
    }
  }
  const found = rowids.length
    ? (
        await sql<{ rowid: number; kind: string; record_id: number; inquiry_id: number | null; title: string; body: string; at: string; inquiry_title: string | null }>`
    select search_index.rowid, search_index.kind, search_index.record_id, search_index.inquiry_id, search_index.title, search_index.body, search_index.at,
      (select i.title from inquiries i where i.id = search_index.inquiry_id) as inquiry_title
    from search_index where search_index.rowid in (${sql.join(rowids)})`.execute(db)
      ).rows
    : [];
  const byRowid = new Map(found.map((r) => [Number(r.rowid), r]));
  const hits: SearchHit[] = [];
  for (const rowid of rowids) {
    const r = byRowid.get(rowid);
    if (!r) continue;
    hits.push({
      kind: r.kind,
      kindLabel: SEARCH_KIND_LABELS[r.kind] ?? r.kind,
      recordId: Number(r.record_id),
      inquiryId: r.inquiry_id === null ? null : Number(r.inquiry_id),
      inquiryTitle: r.inquiry_title,
      title: r.title,
      at: r.at,
      snippet: makeSnippet(r.body, query.terms),
      href: await hrefFor(db, user, r.kind, Number(r.record_id), r.inquiry_id === null ? null : Number(r.inquiry_id)),
    });
  }
  return { hits, total, byKind, capped, totalIsCapped, ordering };
}

/** A window of the text around the first match, with every occurrence of a term marked. */
export function makeSnippet(text: string, terms: string[], radius = 50): { text: string; mark: boolean }[] {
  const lower = text.toLowerCase();
  const needles = terms.flatMap((t) => t.split(/[^\p{L}\p{N}]+/u)).filter((t) => [...t].length >= 2);
  const first = Math.min(...needles.map((n) => lower.indexOf(n)).filter((i) => i >= 0), Number.MAX_SAFE_INTEGER);
  const start = first === Number.MAX_SAFE_INTEGER ? 0 : Math.max(0, first - radius);
  const end = Math.min(text.length, (first === Number.MAX_SAFE_INTEGER ? 0 : first) + radius * 2);
  const window = text.slice(start, end);
  const windowLower = window.toLowerCase();
  const marks = new Array<boolean>(window.length).fill(false);
  for (const needle of needles) {
    for (let i = windowLower.indexOf(needle); i >= 0; i = windowLower.indexOf(needle, i + 1)) {
      for (let j = i; j < i + needle.length; j++) marks[j] = true;
    }
  }
  const parts: { text: string; mark: boolean }[] = [];
  if (start > 0) parts.push({ text: "…", mark: false });
  for (let i = 0; i < window.length; i++) {
    const last = parts[parts.length - 1];
    if (last && last.mark === marks[i] && last.text !== "…") last.text += window[i];
    else parts.push({ text: window[i], mark: marks[i] });
  }
  if (end < text.length) parts.push({ text: "…", mark: false });
  return parts;
}

/** Where a hit opens, for this user (departments and counties open their own pages). */
async function hrefFor(
  db: Kysely<Database>,
  user: Pick<CurrentUser, "role" | "memberInquiryIds">,
  kind: string,
  id: number,
  inquiryId: number | null,
): Promise<string> {
  const internal = canReadInquiry(user, inquiryId ?? (kind === "inquiry" ? id : 0));
  switch (kind) {
    case "inquiry":
      return `/inquiries/${id}`;
    case "research_activity":
      return `/inquiries/${inquiryId}/research/${id}`;
    case "research_finding":
      return `/inquiries/${inquiryId}/research`;
    case "survey_report":
      return `/surveys/${id}`;
    case "outline_question":
      return internal ? `/inquiries/${inquiryId}/outline#q-${id}` : `/inquiries/${inquiryId}/outline/questions/${id}`;
    case "preparation_answer": {
      const row = await db.selectFrom("preparation_answers").select("question_id").where("id", "=", id).executeTakeFirst();
      return row ? `/inquiries/${inquiryId}/outline/questions/${row.question_id}` : "/my";
    }
    case "exchange": {
      if (internal) return `/inquiries/${inquiryId}/meeting/segments/${id}`;
      // a department reads exchanges in the transcript of the department that answered them
      const row = await db.selectFrom("meeting_segments").select("department_id").where("id", "=", id).executeTakeFirst();
      return row?.department_id ? `/inquiries/${inquiryId}/meeting/departments/${row.department_id}` : `/public/inquiries/${inquiryId}`;
    }
    case "rectification_item":
      return `/rectification/${id}`;
    case "progress_report": {
      const row = await db.selectFrom("progress_reports").select("item_id").where("id", "=", id).executeTakeFirst();
      return row ? `/rectification/${row.item_id}` : "/";
    }
    case "attachment":
      return `/attachments/${id}`;
    case "written_reply":
      return `/written-replies/${id}`;
    case "handling_report":
      return `/inquiries/${inquiryId}/handling-report`;
    default:
      return "/";
  }
}
