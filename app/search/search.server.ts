import { sql, type Kysely, type RawBuilder } from "kysely";
import type { Database } from "../../db/schema";
import type { CurrentUser } from "../auth/session.server";
import { canManageMeeting, canReadDepartmentTranscript, canReadMeetingRecord, canReadWholeOutline } from "../policy.server";
import { CODE_OF_KIND, readerFilterOf, ROWID_BASE, SEARCH_KINDS, searchIndexPending, syncSearchIndex, type Reader } from "./indexer.server";
import { SEARCH_KIND_LABELS } from "./labels";
import { bigrams, foldClusters, foldForSearch, searchRuns } from "./normalize";
import { postgresMatch, postgresRank } from "./postgres-match.server";
import { engineOf } from "../../db/engine";

export { SEARCH_KIND_LABELS, bigrams };

/**
 * Search over everything a user may read (documents: app/search/indexer.server.ts). A query is split into
 * words and "quoted phrases"; every one must occur (AND). Each becomes the phrase of its character
 * bigrams, so 2-character Chinese words match. Query and index pass through the same foldForSearch (NFKC,
 * lower case, zero-width characters removed). Each document carries the tokens of its readers, decided by the
 * pages' policy functions, so a department or county never gets a hit, a snippet or a count from a record it
 * cannot open.
 */
export const MAX_QUERY_LENGTH = 100;

/**
 * `match` is the FTS5 expression (SQLite); `phrases` the same query as bigram lists, every one required (the
 * PostgreSQL form, app/search/postgres-match.server.ts).
 */
export type ParsedQuery = { ok: true; terms: string[]; match: string; phrases: string[][] } | { ok: false; message: string };

/** Splits a user's query into terms (words and quoted phrases) and builds the FTS5 MATCH expression. */
export function parseSearchQuery(raw: string): ParsedQuery {
  const q = foldForSearch(raw).trim();
  if (!q) return { ok: false, message: "请输入要搜索的内容" };
  if ([...q].length > MAX_QUERY_LENGTH) return { ok: false, message: `搜索内容不能超过 ${MAX_QUERY_LENGTH} 个字` };
  const terms: string[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  for (let m = re.exec(q); m; m = re.exec(q)) {
    const term = (m[1] ?? m[2] ?? "").trim();
    if (term) terms.push(term);
  }
  const phrases: string[] = [];
  const grams: string[][] = [];
  const kept: string[] = [];
  for (const term of terms) {
    // Punctuation separates pieces; each piece of 2+ characters is matched as its bigram phrase.
    const pieces = searchRuns(term).filter((p) => [...p].length >= 2);
    if (pieces.length === 0) continue;
    kept.push(term);
    for (const piece of pieces) {
      phrases.push(`"${bigrams(piece).join(" ")}"`);
      grams.push(bigrams(piece));
    }
  }
  if (phrases.length === 0) return { ok: false, message: "请至少输入两个字（单个汉字或字母无法检索）" };
  return { ok: true, terms: kept, match: phrases.join(" AND "), phrases: grams };
}

/**
 * A document's rowid is kind code × 10^9 + record id (app/search/indexer.server.ts), so its kind and record
 * are known from the FTS index alone: conditions on them never read the stored text of every match.
 */
function isKind(kind: string): RawBuilder<boolean> {
  const code = CODE_OF_KIND.get(kind);
  if (code === undefined) return sql<boolean>`1 = 0`;
  return sql<boolean>`search_index.rowid between ${sql.lit(code * ROWID_BASE)} and ${sql.lit(code * ROWID_BASE + ROWID_BASE - 1)}`;
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
  "issued_question",
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
const KIND_ORDER = [...PREFERRED_KIND_ORDER, ...SEARCH_KINDS.map((k) => k.kind as string).filter((k) => !PREFERRED_KIND_ORDER.includes(k))];

/**
 * The FTS5 expression of a query as the user may see it: the text, any filters, and the user's reader tokens
 * (written from the policy functions when each document was built). Facets are whole tokens.
 */
export function visibleMatch(user: Reader, parts: string[]): string {
  const filter = readerFilterOf(user);
  const all = parts.map((p) => `(${p})`);
  if ("exclude" in filter) {
    if (filter.inquiries === undefined) return `(${all.join(" AND ")}) NOT (facets : ${filter.exclude})`;
    // a member: documents of the inquiries they take part in, and those any member may read (rmemberany)
    const within = `(facets : (${[...filter.inquiries.map((id) => `i${id}`), "rmemberany"].join(" OR ")}))`;
    return `(${[...all, within].join(" AND ")}) NOT (facets : ${filter.exclude})`;
  }
  if (filter.anyOf.length === 0) return `(${all.join(" AND ")}) AND (facets : rnobody)`;
  return [...all, `(facets : (${filter.anyOf.join(" OR ")}))`].join(" AND ");
}

export interface SearchFilter {
  kind?: string;
  inquiryId?: number;
  /** the year of the record's inquiry (its meeting date's year) */
  year?: number;
  /** records that name this organisation (lead or co-unit, answering department, county, …) */
  organizationId?: number;
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
  // documents queued by writes since the last search are built first, so a hit never lags a change
  if (await searchIndexPending(db)) await syncSearchIndex(db);
  // text, readers and filters are all answered by the full-text index (facets are whole tokens)
  const facets: string[] = [];
  if (filter.inquiryId) facets.push(`i${Math.trunc(filter.inquiryId)}`);
  if (filter.year) facets.push(`y${Math.trunc(filter.year)}`);
  if (filter.organizationId) facets.push(`o${Math.trunc(filter.organizationId)}`);
  const postgres = engineOf(db) === "postgres";
  const base = postgres
    ? postgresMatch(query.phrases, facets, readerFilterOf(user))
    : sql`search_index match ${visibleMatch(user, [`grams : (${query.match})`, ...facets.map((f) => `facets : ${f}`)])}`;
  // one count per kind over the kind's rowid range (FTS5 counts from the index without reading any text),
  // stopping at the cap
  const cap = filter.countCap ?? COUNT_CAP_PER_KIND;
  const counts = await sql<{ kind: string; n: number }>`${sql.join(
    SEARCH_KINDS.map(
      (k) => sql`select ${k.kind} as kind, (select count(*) from (select 1 from search_index where ${base} and ${isKind(k.kind)} limit ${cap + 1}) as m) as n`,
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
      order by ${postgres ? postgresRank(query.phrases) : sql`rank`} limit ${filter.pageSize} offset ${offset}`.execute(db);
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

/**
 * A window of the original text around the first match, with every occurrence of a term marked. Matching is
 * done on the folded text (as the index does), display on the original characters, cut only between grapheme
 * clusters (never inside a surrogate pair or an emoji sequence). `radius` counts characters.
 */
export function makeSnippet(text: string, terms: string[], radius = 50): { text: string; mark: boolean }[] {
  const needles = [...new Set(terms.flatMap((t) => searchRuns(foldForSearch(t))).filter((t) => [...t].length >= 2))];
  const longest = Math.max(0, ...needles.map((n) => n.length));
  const clusters: string[] = [];
  const marked: boolean[] = [];
  /** folded length after each cluster */
  const foldedEnd: number[] = [];
  let folded = "";
  let first = -1;
  for (const cluster of foldClusters(text)) {
    clusters.push(cluster.text);
    marked.push(false);
    folded += cluster.folded;
    foldedEnd.push(folded.length);
    const c = clusters.length - 1;
    if (cluster.folded) {
      for (const needle of needles) {
        if (!folded.endsWith(needle)) continue;
        const startPos = folded.length - needle.length;
        let k = c;
        while (k > 0 && foldedEnd[k - 1] > startPos) k--;
        for (let j = k; j <= c; j++) marked[j] = true;
        if (first < 0) first = k;
      }
    }
    // enough read once the window after the first match is complete (with room for a match across its end)
    if (first >= 0 && c >= first + radius * 2 + longest) break;
  }
  const from = first < 0 ? 0 : Math.max(0, first - radius);
  const to = Math.min(clusters.length, (first < 0 ? 0 : first) + radius * 2);
  const parts: { text: string; mark: boolean }[] = [];
  if (from > 0) parts.push({ text: "…", mark: false });
  for (let c = from; c < to; c++) {
    const last = parts[parts.length - 1];
    if (last && last.mark === marked[c] && !(c === from && from > 0)) last.text += clusters[c];
    else parts.push({ text: clusters[c], mark: marked[c] });
  }
  if (to < clusters.length) parts.push({ text: "…", mark: false });
  return parts;
}

/** Where a hit opens for this user: a page the user's role may open (departments and counties their own). */
async function hrefFor(db: Kysely<Database>, user: Reader, kind: string, id: number, inquiryId: number | null): Promise<string> {
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
      return canReadWholeOutline(user, inquiryId ?? 0) ? `/inquiries/${inquiryId}/outline#q-${id}` : `/inquiries/${inquiryId}/outline/questions/${id}`;
    case "issued_question":
      return `/inquiries/${inquiryId}/outline/questions/${id}`;
    case "preparation_answer": {
      const row = await db.selectFrom("preparation_answers").select("question_id").where("id", "=", id).executeTakeFirst();
      return row ? `/inquiries/${inquiryId}/outline/questions/${row.question_id}` : "/my";
    }
    case "exchange": {
      // staff correct it on its own page; members read it in the record; a department in a transcript it may
      // open (its own, or once published the answering department's); anyone else in the published digest
      if (canManageMeeting(user)) return `/inquiries/${inquiryId}/meeting/segments/${id}`;
      if (canReadMeetingRecord(user, inquiryId ?? 0)) return `/inquiries/${inquiryId}/meeting#segment-${id}`;
      const segment = await db
        .selectFrom("meeting_segments as s")
        .innerJoin("meetings as m", "m.id", "s.meeting_id")
        .select(["s.kind", "s.department_id", "m.digest_published_at"])
        .where("s.id", "=", id)
        .executeTakeFirst();
      if (segment?.kind === "exchange") {
        const turns = await db.selectFrom("meeting_turns").select("organization_id").where("segment_id", "=", id).execute();
        const organizations = [segment.department_id, ...turns.map((t) => t.organization_id)].filter((o): o is number => o !== null);
        const candidates = [user.organizationId, segment.department_id].filter((o): o is number => o !== null && organizations.includes(o));
        const org = candidates.find((o) => canReadDepartmentTranscript(user, o, segment.digest_published_at !== null, inquiryId ?? 0));
        if (org !== undefined) return `/inquiries/${inquiryId}/meeting/departments/${org}`;
      }
      return `/public/inquiries/${inquiryId}`;
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

/**
 * The organisations a result can be narrowed to (issue 23 item 2): active units by kind and the admin's order.
 * Names of units are not confidential; which records name them is answered under the user's permissions.
 */
export async function searchOrganizations(db: Kysely<Database>) {
  return db
    .selectFrom("organizations")
    .select(["id", "name", "kind"])
    .where("active", "=", 1)
    .where("kind", "in", ["department", "government", "county_congress"])
    .orderBy("kind")
    .orderBy("sort_order")
    .orderBy("id")
    .execute();
}
