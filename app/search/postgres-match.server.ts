/**
 * The search condition on PostgreSQL (docs/decisions/0171-postgresql-search.md): the same documents as the
 * FTS5 expression on SQLite (app/search/search.server.ts visibleMatch), from the same index table.
 *
 * search_index keeps, as on SQLite, the bigram text (`grams`: the bigrams of each run, space separated) and
 * the facet tokens (`facets`); beside each a tsvector of its tokens taken verbatim (no parser, no positions),
 * GIN-indexed (migration 0010). A phrase of bigrams matches where
 * - every bigram is present: `grams_tsv @@ 'ab' & 'bc' & 'cd'` (answered by the GIN index), and
 * - the bigrams are consecutive: ' ab bc cd ' occurs in ' ' || grams || ' ' (a substring check on the few
 *   candidates left, with no length limit — tsvector positions stop at 16,383, so phrase queries would miss
 *   matches in long documents).
 * That is FTS5's phrase semantics over the same token sequence. Facets are whole tokens: readers and filters
 * are tsquery conditions on facets_tsv, as FTS5's `facets : …` column filters.
 */
import { sql, type RawBuilder, type SqlBool } from "kysely";
import type { readerFilterOf } from "./indexer.server";

/** A lexeme as tsquery input takes it verbatim: quoted, quotes and backslashes escaped. */
function lexeme(token: string): string {
  return `'${token.replace(/\\/g, "\\\\").replace(/'/g, "''")}'`;
}

/** A tsquery (as text, cast in SQL) requiring all tokens, or any of them. */
function tsquery(tokens: string[], join: "&" | "|"): RawBuilder<unknown> {
  return sql`cast(${tokens.map(lexeme).join(` ${join} `)} as tsquery)`;
}

export function postgresMatch(phrases: string[][], facets: string[], readers: ReturnType<typeof readerFilterOf>): RawBuilder<SqlBool> {
  const all = [...new Set(phrases.flat())];
  const conditions: RawBuilder<unknown>[] = [sql`grams_tsv @@ ${tsquery(all, "&")}`];
  // adjacency, for phrases of more than one bigram
  for (const phrase of phrases) {
    if (phrase.length > 1) conditions.push(sql`strpos(' ' || grams || ' ', ${` ${phrase.join(" ")} `}) > 0`);
  }
  if (facets.length) conditions.push(sql`facets_tsv @@ ${tsquery(facets, "&")}`);
  if ("exclude" in readers) {
    if (readers.inquiries !== undefined) {
      conditions.push(sql`facets_tsv @@ ${tsquery([...readers.inquiries.map((id) => `i${id}`), "rmemberany"], "|")}`);
    }
    conditions.push(sql`not (facets_tsv @@ ${tsquery([readers.exclude], "&")})`);
  } else {
    conditions.push(sql`facets_tsv @@ ${tsquery(readers.anyOf.length ? readers.anyOf : ["rnobody"], "|")}`);
  }
  return sql<SqlBool>`(${sql.join(conditions, sql` and `)})`;
}

/**
 * Relevance for the ranked listing (at most RANKED_MATCH_LIMIT matches): BM25's term-frequency saturation and
 * length normalisation (k1 = 1.2, b = 0.75) over each phrase's occurrences in the bigram text, as FTS5's
 * bm25() does over the grams column; document length in characters of the bigram text against a typical
 * length (600) instead of the index's average, and no idf (every phrase must match anyway). Orders like
 * SQLite's for the common cases; ties newest first.
 */
export function postgresRank(phrases: string[][]): RawBuilder<unknown> {
  const terms = phrases.map((phrase) => {
    const needle = ` ${phrase.join(" ")} `;
    const tf = sql`((length(' ' || grams || ' ') - length(replace(' ' || grams || ' ', ${needle}, ''))) / ${sql.lit(needle.length)}.0)`;
    return sql`(${tf} * 2.2 / (${tf} + 1.2 * (0.25 + 0.75 * length(grams) / 600.0)))`;
  });
  return sql`${sql.join(terms, sql` + `)} desc, rowid desc`;
}
