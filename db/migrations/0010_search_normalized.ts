import { sql, type Kysely } from "kysely";
import { createTrigger, isPostgres } from "./portable";

/**
 * Search documents built in application code (issue 15 item 2, issue 16 item 3, issue 23 item 2; see
 * docs/decisions/0010-search-normalisation.md).
 *
 * Migration 0006 built each document in SQL inside triggers. SQL cannot fold text the way queries are folded
 * (NFKC, case, zero-width characters: node sqlite3 cannot register functions), nor ask the policy module who
 * may read a record. From here on:
 * - triggers only *queue* the rowid of each document a write touches (`search_queue`), in the writing
 *   transaction — the record itself, and the documents whose text or readers depend on it (a turn → its
 *   exchange; a meeting → its exchanges and inquiry; a delegation, answer, reply, report or item → its
 *   attachments; an organisation → every document naming it; the issued outline → its issued questions);
 * - app/search/indexer.server.ts drains the queue before every search and at server start, building each
 *   document with one TypeScript function (foldForSearch) and the policy functions the pages use.
 * The index gains `facets` (indexed: reader, year, inquiry and organisation tokens) so permission and filters
 * are answered by the full-text index itself. Rowids stay kind code × 10^9 + record id; code 13 is an issued
 * outline question (the text a department received), and queue code 90 re-derives an inquiry's issued
 * questions. Every existing document is queued here, so existing databases are re-indexed.
 */
const ROWID_BASE = 1_000_000_000;
const ISSUED_OUTLINE = 90;

/** Source tables of migration 0006 (code, table), whose triggers are replaced. */
const KINDS: [number, string][] = [
  [1, "inquiries"],
  [2, "research_activities"],
  [3, "research_findings"],
  [4, "survey_delegations"],
  [5, "outline_questions"],
  [6, "preparation_answers"],
  [7, "meeting_segments"],
  [8, "rectification_items"],
  [9, "progress_reports"],
  [10, "attachments"],
  [11, "written_replies"],
  [12, "handling_reports"],
];

const q = (code: number, id: string) => `insert or ignore into search_queue (rowid) values (${code} * ${ROWID_BASE} + ${id});`;
const qSelect = (select: string) => `insert or ignore into search_queue (rowid) ${select};`;
const attachmentsOf = (ownerType: string, id: string) =>
  qSelect(`select 10 * ${ROWID_BASE} + a.id from attachments a where a.owner_type = '${ownerType}' and a.owner_id = ${id}`);
const itemDependents = (itemId: string) =>
  `${q(8, itemId)} ${qSelect(`select 9 * ${ROWID_BASE} + pr.id from progress_reports pr where pr.item_id = ${itemId}`)}
   ${qSelect(`select 10 * ${ROWID_BASE} + a.id from progress_reports pr join attachments a on a.owner_type = 'progress_report' and a.owner_id = pr.id where pr.item_id = ${itemId}`)}`;
/** every document carrying a facet token (`tokenExpr` is SQL giving e.g. 'o12') */
const facetDocs = (tokenExpr: string) => qSelect(`select rowid from search_index where search_index match 'facets : ' || ${tokenExpr}`);

/** What each write queues, by table: [events, body using `r` for new/old]. */
function triggerBodies(): { table: string; body: (r: "new" | "old") => string; events?: string[] }[] {
  return [
    { table: "inquiries", body: (r) => q(1, `${r}.id`) },
    { table: "inquiry_organizations", body: (r) => q(1, `${r}.inquiry_id`) },
    {
      table: "meetings",
      body: (r) => `${q(1, `${r}.inquiry_id`)} ${qSelect(`select 7 * ${ROWID_BASE} + s.id from meeting_segments s where s.meeting_id = ${r}.id`)}`,
    },
    { table: "meeting_officials", body: (r) => qSelect(`select 1 * ${ROWID_BASE} + m.inquiry_id from meetings m where m.id = ${r}.meeting_id`) },
    { table: "research_activities", body: (r) => `${q(2, `${r}.id`)} ${attachmentsOf("research_activity", `${r}.id`)}` },
    { table: "research_findings", body: (r) => q(3, `${r}.id`) },
    {
      table: "survey_delegations",
      body: (r) => `${q(4, `${r}.id`)} ${attachmentsOf("survey_report", `${r}.id`)} ${attachmentsOf("survey_request", `${r}.request_id`)}`,
    },
    { table: "outline_questions", body: (r) => q(5, `${r}.id`) },
    { table: "preparation_answers", body: (r) => `${q(6, `${r}.id`)} ${attachmentsOf("preparation_answer", `${r}.id`)}` },
    { table: "meeting_segments", body: (r) => q(7, `${r}.id`) },
    { table: "meeting_turns", body: (r) => q(7, `${r}.segment_id`) },
    { table: "rectification_items", body: (r) => itemDependents(`${r}.id`) },
    { table: "rectification_codepartments", body: (r) => itemDependents(`${r}.item_id`) },
    { table: "progress_reports", body: (r) => `${q(9, `${r}.id`)} ${attachmentsOf("progress_report", `${r}.id`)}` },
    { table: "attachments", body: (r) => q(10, `${r}.id`) },
    { table: "written_replies", body: (r) => `${q(11, `${r}.id`)} ${attachmentsOf("written_reply", `${r}.id`)}` },
    { table: "handling_reports", body: (r) => `${q(12, `${r}.id`)} ${attachmentsOf("handling_report", `${r}.id`)}` },
    {
      // a renamed organisation is named in documents; its kind decides who reads the government's report files
      table: "organizations",
      events: ["update"],
      body: (r) => `${facetDocs(`'o' || ${r}.id`)} ${qSelect(`select 10 * ${ROWID_BASE} + a.id from attachments a where a.owner_type = 'handling_report'`)}`,
    },
  ];
}

export async function up(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) {
    await createPostgresIndex(db);
  } else {
    for (const [, table] of KINDS) {
      for (const suffix of ["ai", "au", "ad"]) await sql.raw(`drop trigger if exists search_${table}_${suffix}`).execute(db);
    }
    for (const suffix of ["ai", "au", "ad"]) await sql.raw(`drop trigger if exists search_meeting_turns_${suffix}`).execute(db);
    await sql`drop table search_index`.execute(db);
    await sql`drop table search_numbers`.execute(db);

    await sql`create virtual table search_index using fts5(
    grams, facets, kind unindexed, record_id unindexed, inquiry_id unindexed, title unindexed, body unindexed, at unindexed,
    tokenize = 'unicode61 remove_diacritics 0'
  )`.execute(db);
    // relevance from the text only: reader and filter tokens match every document of a user alike
    await sql`insert into search_index (search_index, rank) values ('rank', 'bm25(1.0, 0.0)')`.execute(db);
    await sql`create table search_queue (rowid integer primary key)`.execute(db);
  }

  for (const t of triggerBodies()) {
    for (const event of t.events ?? ["insert", "update", "delete"]) {
      const refs: ("new" | "old")[] = event === "insert" ? ["new"] : event === "delete" ? ["old"] : ["new", "old"];
      const body = refs.map((r) => t.body(r)).join(" ");
      await createTrigger(db, `create trigger search_queue_${t.table}_${event} after ${event} on ${t.table} begin ${body} end`);
    }
  }
  // the year of an inquiry files all its records: a new meeting date re-files them
  await createTrigger(db, `create trigger search_queue_inquiries_year after update of meeting_date, created_at on inquiries begin ${facetDocs(`'i' || new.id`)} end`);
  for (const event of ["insert", "update of meeting_date"]) {
    await createTrigger(db, `create trigger search_queue_meetings_year_${event.split(" ")[0]} after ${event} on meetings begin ${facetDocs(`'i' || new.inquiry_id`)} end`);
  }
  // issuing (or re-issuing) the outline changes the questions each department received
  await createTrigger(db, `create trigger search_queue_inquiries_issued after update of outline_issued_version_id on inquiries begin ${q(ISSUED_OUTLINE, "new.id")} end`);

  // queue every existing document: the application builds them at server start (or before the first search)
  for (const [code, table] of KINDS) {
    await sql.raw(`insert into search_queue (rowid) select ${code * ROWID_BASE} + id from ${table} where true on conflict do nothing`).execute(db);
  }
  await sql
    .raw(`insert into search_queue (rowid) select ${ISSUED_OUTLINE * ROWID_BASE} + id from inquiries where outline_issued_version_id is not null on conflict do nothing`)
    .execute(db);
}

/**
 * The same narrow index table on PostgreSQL (docs/decisions/0171-postgresql-search.md): the document key
 * (kind × 10^9 + record id, so bigint), the bigram text and the facet tokens as FTS5 holds them, and beside
 * each a generated tsvector of its space-separated tokens, taken verbatim (array_to_tsvector: no parser, no
 * dictionary, no positions) and GIN-indexed. A query asks the tsvector for all of a phrase's bigrams (index),
 * then checks the phrase as a substring of the bigram text (adjacency, no length limit).
 */
async function createPostgresIndex(db: Kysely<any>): Promise<void> {
  const tokens = (column: string) => `array_to_tsvector(array_remove(string_to_array(${column}, ' '), ''))`;
  await sql
    .raw(
      `create table search_index (
    rowid bigint primary key,
    grams text not null,
    facets text not null,
    kind text not null,
    record_id integer not null,
    inquiry_id integer,
    title text not null,
    body text not null,
    at text,
    grams_tsv tsvector generated always as (${tokens("grams")}) stored,
    facets_tsv tsvector generated always as (${tokens("facets")}) stored
  )`,
    )
    .execute(db);
  await sql`create index search_index_grams on search_index using gin (grams_tsv)`.execute(db);
  await sql`create index search_index_facets on search_index using gin (facets_tsv)`.execute(db);
  await sql`create table search_queue (rowid bigint primary key)`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error("0010_search_normalized cannot be undone: restore a backup taken before it");
}
