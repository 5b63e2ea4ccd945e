import { sql, type Kysely } from "kysely";
import { isPostgres } from "./portable";

/**
 * Full-text search in Chinese. FTS5's trigram tokenizer cannot match 2-character words (医养, 就业), so
 * every indexed text is stored as overlapping character bigrams ("医养中心" → "医养 养中 中心") under the
 * unicode61 tokenizer; a query of n characters becomes the phrase of its n−1 bigrams, which matches exactly
 * where the query occurs as a substring (the approach of CJK bigram analysers). See docs/decisions/0004.
 *
 * Triggers keep the index in step with every insert, update and delete, inside the writing transaction.
 * Each document's rowid is kind code × 10^9 + record id, so a change replaces its document by rowid.
 */
export interface IndexedKind {
  code: number;
  kind: string;
  table: string;
  /** SQL expressions over the row alias `r` */
  title: string;
  body: string;
  inquiry: string;
  at: string;
}

export const INDEXED_KINDS: IndexedKind[] = [
  { code: 1, kind: "inquiry", table: "inquiries", title: "r.title", body: "r.topic || ' ' || r.plan_text", inquiry: "r.id", at: "coalesce(r.meeting_date, substr(r.created_at, 1, 10))" },
  { code: 2, kind: "research_activity", table: "research_activities", title: "r.kind || '：' || r.title", body: "r.places || ' ' || r.participants || ' ' || r.findings_text", inquiry: "r.inquiry_id", at: "r.start_date" },
  { code: 3, kind: "research_finding", table: "research_findings", title: "'问题线索'", body: "r.text", inquiry: "r.inquiry_id", at: "substr(r.created_at, 1, 10)" },
  {
    code: 4,
    kind: "survey_report",
    table: "survey_delegations",
    title: "(select o.name from organizations o where o.id = r.organization_id) || '调研报告'",
    body: "r.report_text",
    inquiry: "r.inquiry_id",
    at: "coalesce(substr(r.submitted_at, 1, 10), substr(r.created_at, 1, 10))",
  },
  { code: 5, kind: "outline_question", table: "outline_questions", title: "'提纲问题'", body: "r.text", inquiry: "r.inquiry_id", at: "substr(r.created_at, 1, 10)" },
  { code: 6, kind: "preparation_answer", table: "preparation_answers", title: "'书面准备答复'", body: "r.answer_text", inquiry: "r.inquiry_id", at: "substr(r.updated_at, 1, 10)" },
  {
    code: 7,
    kind: "exchange",
    table: "meeting_segments",
    title: "case when r.keyword <> '' then r.keyword else '询问会发言' end",
    body: "coalesce((select group_concat(t.body_text, ' ' order by t.position) from meeting_turns t where t.segment_id = r.id), '')",
    inquiry: "r.inquiry_id",
    at: "coalesce((select m.meeting_date from meetings m where m.id = r.meeting_id), substr(r.created_at, 1, 10))",
  },
  { code: 8, kind: "rectification_item", table: "rectification_items", title: "'整改事项 ' || r.number", body: "r.problem || ' ' || r.requirement", inquiry: "r.inquiry_id", at: "r.deadline" },
  { code: 9, kind: "progress_report", table: "progress_reports", title: "'整改进展'", body: "r.body_text", inquiry: "r.inquiry_id", at: "substr(r.created_at, 1, 10)" },
  { code: 10, kind: "attachment", table: "attachments", title: "'附件'", body: "r.file_name", inquiry: "r.inquiry_id", at: "substr(r.created_at, 1, 10)" },
  { code: 11, kind: "written_reply", table: "written_replies", title: "'书面答复'", body: "r.question_text || ' ' || r.answer_text", inquiry: "r.inquiry_id", at: "r.due_date" },
  { code: 12, kind: "handling_report", table: "handling_reports", title: "'研究处理情况报告（第' || r.round || '次）'", body: "r.body_text", inquiry: "r.inquiry_id", at: "coalesce(substr(r.submitted_at, 1, 10), r.due_date)" },
];

export const ROWID_BASE = 1_000_000_000;

/** The bigram string of a SQL text expression, built with the numbers table (no CTEs inside triggers). */
function grams(expr: string): string {
  return `(select coalesce(group_concat(substr(x.t, n.i, 2), ' ' order by n.i), '') from (select lower(${expr}) as t) x join search_numbers n on n.i < length(x.t))`;
}

function insertSelect(k: IndexedKind, rowFilter: string): string {
  return `insert into search_index (rowid, grams, kind, record_id, inquiry_id, title, body, at)
    select ${k.code} * ${ROWID_BASE} + r.id, ${grams(`${k.title} || ' ' || ${k.body}`)}, '${k.kind}', r.id, ${k.inquiry}, ${k.title}, ${k.body}, ${k.at}
    from ${k.table} r where ${rowFilter}`;
}

export async function up(db: Kysely<any>): Promise<void> {
  // PostgreSQL databases start with the application-built index of migration 0010 (this one is replaced there)
  if (isPostgres(db)) return;
  await sql`create table search_numbers (i integer primary key)`.execute(db);
  await sql`insert into search_numbers (i) with recursive c(i) as (select 1 union all select i + 1 from c where i < 120000) select i from c`.execute(db);
  await sql`create virtual table search_index using fts5(
    grams, kind unindexed, record_id unindexed, inquiry_id unindexed, title unindexed, body unindexed, at unindexed,
    tokenize = 'unicode61 remove_diacritics 0'
  )`.execute(db);

  for (const k of INDEXED_KINDS) {
    const del = (ref: string) => `delete from search_index where rowid = ${k.code} * ${ROWID_BASE} + ${ref}.id;`;
    await sql.raw(`create trigger search_${k.table}_ai after insert on ${k.table} begin ${insertSelect(k, "r.id = new.id")}; end`).execute(db);
    await sql.raw(`create trigger search_${k.table}_au after update on ${k.table} begin ${del("old")} ${insertSelect(k, "r.id = new.id")}; end`).execute(db);
    await sql.raw(`create trigger search_${k.table}_ad after delete on ${k.table} begin ${del("old")} end`).execute(db);
  }
  await rebuildSearchIndex(db);
  // an exchange's text lives in its turns: any change to a turn re-indexes its segment
  const exchange = INDEXED_KINDS.find((k) => k.kind === "exchange")!;
  const reindex = (ref: string) =>
    `delete from search_index where rowid = ${exchange.code} * ${ROWID_BASE} + ${ref}.segment_id; ${insertSelect(exchange, `r.id = ${ref}.segment_id`)};`;
  await sql.raw(`create trigger search_meeting_turns_ai after insert on meeting_turns begin ${reindex("new")} end`).execute(db);
  await sql.raw(`create trigger search_meeting_turns_au after update on meeting_turns begin ${reindex("old")} ${reindex("new")} end`).execute(db);
  await sql.raw(`create trigger search_meeting_turns_ad after delete on meeting_turns begin ${reindex("old")} end`).execute(db);
}

/** Fills the index from the source tables (after the migration, or after a bulk load without triggers). */
export async function rebuildSearchIndex(db: Kysely<any>): Promise<void> {
  await sql`delete from search_index`.execute(db);
  for (const k of INDEXED_KINDS) await sql.raw(insertSelect(k, "1")).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) return;
  for (const k of INDEXED_KINDS) {
    for (const suffix of ["ai", "au", "ad"]) await sql.raw(`drop trigger if exists search_${k.table}_${suffix}`).execute(db);
  }
  for (const suffix of ["ai", "au", "ad"]) await sql.raw(`drop trigger if exists search_meeting_turns_${suffix}`).execute(db);
  await sql`drop table search_index`.execute(db);
  await sql`drop table search_numbers`.execute(db);
}
