import { sql, type Kysely, type RawBuilder } from "kysely";
import type { Database } from "../../db/schema";
import type { CurrentUser } from "../auth/session.server";
import { canReadInquiry } from "../policy.server";
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

/** The SQL condition on a search_index row that mirrors what the user may open. */
export function visibilityCondition(user: Pick<CurrentUser, "role" | "organizationId" | "organizationKind">): RawBuilder<boolean> {
  if (canReadInquiry(user)) return sql<boolean>`1`;
  const org = user.organizationId ?? -1;
  const published = sql`exists (select 1 from meeting_segments s join meetings m on m.id = s.meeting_id where s.id = search_index.record_id and m.digest_published_at is not null)`;
  if (user.role === "county") {
    return sql<boolean>`(
      (search_index.kind = 'survey_report' and exists (select 1 from survey_delegations d where d.id = search_index.record_id and d.organization_id = ${org}))
      or (search_index.kind = 'exchange' and ${published})
      or (search_index.kind = 'attachment' and exists (
        select 1 from attachments a where a.id = search_index.record_id and (
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
      (search_index.kind = 'outline_question' and exists (select 1 from outline_questions q join inquiries i on i.id = q.inquiry_id
        where q.id = search_index.record_id and q.department_id = ${org} and i.outline_issued_version_id is not null))
      or (search_index.kind = 'preparation_answer' and exists (select 1 from preparation_answers p where p.id = search_index.record_id and p.department_id = ${org}))
      or (search_index.kind = 'exchange' and (${published} or exists (select 1 from meeting_segments s where s.id = search_index.record_id and s.department_id = ${org})))
      or (search_index.kind = 'rectification_item' and exists (select 1 from rectification_items it where it.id = search_index.record_id and ${involved("it")}))
      or (search_index.kind = 'progress_report' and exists (select 1 from progress_reports pr join rectification_items it on it.id = pr.item_id
        where pr.id = search_index.record_id and ${involved("it")}))
      or (search_index.kind = 'written_reply' and exists (select 1 from written_replies w where w.id = search_index.record_id and w.department_id = ${org}))
      or (search_index.kind = 'handling_report' and ${user.organizationKind === "government" ? sql`1` : sql`0`})
      or (search_index.kind = 'attachment' and exists (
        select 1 from attachments a where a.id = search_index.record_id and (
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
): Promise<{ hits: SearchHit[]; total: number; byKind: Record<string, number> }> {
  const conditions = [sql`search_index match ${query.match}`, visibilityCondition(user)];
  if (filter.inquiryId) conditions.push(sql`search_index.inquiry_id = ${filter.inquiryId}`);
  if (filter.year) conditions.push(sql`substr(search_index.at, 1, 4) = ${String(filter.year)}`);
  const base = sql.join(conditions, sql` and `);
  const kindCondition = filter.kind ? sql` and search_index.kind = ${filter.kind}` : sql``;
  const counts = await sql<{ kind: string; n: number }>`select kind, count(*) as n from search_index where ${base} group by kind`.execute(db);
  const byKind = Object.fromEntries(counts.rows.map((r) => [r.kind, Number(r.n)]));
  const total = filter.kind ? byKind[filter.kind] ?? 0 : counts.rows.reduce((sum, r) => sum + Number(r.n), 0);
  const { rows } = await sql<{ kind: string; record_id: number; inquiry_id: number | null; title: string; body: string; at: string; inquiry_title: string | null }>`
    select search_index.kind, search_index.record_id, search_index.inquiry_id, search_index.title, search_index.body, search_index.at,
      (select i.title from inquiries i where i.id = search_index.inquiry_id) as inquiry_title
    from search_index where ${base}${kindCondition}
    order by rank limit ${filter.pageSize} offset ${(filter.page - 1) * filter.pageSize}`.execute(db);
  const hits: SearchHit[] = [];
  for (const r of rows) {
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
  return { hits, total, byKind };
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
  user: Pick<CurrentUser, "role">,
  kind: string,
  id: number,
  inquiryId: number | null,
): Promise<string> {
  const internal = canReadInquiry(user);
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
