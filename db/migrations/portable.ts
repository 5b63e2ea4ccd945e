/**
 * Schema pieces written once for both engines (issue 18; docs/decisions/0170-postgresql-engine.md). The
 * migrations keep producing exactly the SQLite schema they always did (db/migrations/schema.test.ts compares
 * sqlite_master with a stored dump); on PostgreSQL these helpers render the same definitions:
 *
 * - `id()`: SQLite `integer primary key autoincrement`, PostgreSQL an identity column;
 * - `createTrigger()`: a trigger is written once, as the SQLite statement it always was (a restricted form:
 *   `create trigger NAME before|after insert|update [of cols]|delete on TABLE [when COND] begin STMT; … end`),
 *   and rendered on PostgreSQL as a PL/pgSQL function plus a row trigger calling it. The few SQLite-only
 *   forms the triggers use are translated here, in one place (see `toPlpgsql`).
 */
import { sql, type ColumnDefinitionBuilder, type Kysely, type RawBuilder } from "kysely";
import { engineOf } from "../engine";

/** The id column builder: `.addColumn("id", "integer", id(db))`. */
export function id(db: Kysely<any>): (c: ColumnDefinitionBuilder) => ColumnDefinitionBuilder {
  return engineOf(db) === "postgres" ? (c) => c.primaryKey().generatedByDefaultAsIdentity() : (c) => c.primaryKey().autoIncrement();
}

interface TriggerSpec {
  name: string;
  timing: "before" | "after";
  /** insert | update | delete, with `of col, …` for update */
  event: string;
  table: string;
  when: string | null;
  body: string;
}

/** Reads a trigger written in the restricted SQLite form above. */
export function parseTrigger(text: string): TriggerSpec {
  const m = /^\s*create\s+trigger\s+(\w+)\s+(before|after)\s+(insert|delete|update(?:\s+of\s+[\w\s,]+?)?)\s+on\s+(\w+)\s*(?:\bwhen\s+([\s\S]*?))?\s*\bbegin\b([\s\S]*)\bend\s*;?\s*$/i.exec(text);
  if (!m) throw new Error(`trigger not in the portable form: ${text.slice(0, 120)}`);
  return { name: m[1], timing: m[2].toLowerCase() as "before" | "after", event: m[3].replace(/\s+/g, " "), table: m[4], when: m[5]?.trim() || null, body: m[6].trim() };
}

/**
 * SQLite trigger SQL → PL/pgSQL. Translated forms (and nothing else — a new form fails the PostgreSQL tests):
 * - `insert or ignore into … ;` → `insert into … on conflict do nothing;`
 * - `strftime('%Y-%m-%dT%H:%M:%fZ', 'now')` → the same text from clock_timestamp() in UTC
 * - `select raise(abort, 'msg');` → `raise exception 'msg';`
 * - `a is not (b)` → `a is distinct from (b)`
 * - `N * 1000000000` (search document keys, kind × 10^9 + id) → bigint arithmetic (int4 would overflow)
 * - `search_index match 'facets : ' || expr` → the facet tsvector containing the token.
 * - `date(col, '+8 hours')` (an instant's Asia/Shanghai date, as db/dates.ts shanghaiDateSql) → the same
 *   YYYY-MM-DD text from timestamptz arithmetic.
 */
export function toPlpgsql(body: string): string {
  return body
    .replace(/search_index\s+match\s+'facets : '\s*\|\|\s*([^;]*?)\s*;/gi, "facets_tsv @@ cast(($1) as tsquery);")
    .replace(/insert\s+or\s+ignore\s+into\s+([^;]*);/gi, "insert into $1 on conflict do nothing;")
    .replace(/strftime\('%Y-%m-%dT%H:%M:%fZ',\s*'now'\)/g, `to_char(clock_timestamp() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`)
    .replace(/select\s+raise\(abort,\s*('(?:[^']|'')*')\)\s*;/gi, "raise exception $1;")
    .replace(/\bis\s+not\s+\(/gi, "is distinct from (")
    .replace(/\* 1000000000\b/g, "* 1000000000::bigint")
    .replace(/\bdate\(([\w.]+),\s*'\+8 hours'\)/gi, "to_char(cast($1 as timestamptz) at time zone 'UTC' + interval '8 hours', 'YYYY-MM-DD')");
}

/** The PostgreSQL statements of a trigger: its function, the trigger, and the SQLite source kept as a comment. */
export function pgTriggerStatements(text: string): string[] {
  const t = parseTrigger(text);
  let body = toPlpgsql(t.body);
  if (!/;\s*$/.test(body)) body += ";";
  if (t.when) body = `if ${toPlpgsql(t.when)} then\n${body}\nend if;`;
  // a before trigger returns the row to write: NEW, but OLD for a delete (NEW is null there, and returning
  // null would cancel the delete); an after trigger's return value is ignored
  const ret = t.timing === "after" ? "return null;" : t.event === "delete" ? "return old;" : "return new;";
  return [
    `create function ${t.name}() returns trigger language plpgsql as $fn$\nbegin\n${body}\n${ret}\nend\n$fn$`,
    `create trigger ${t.name} ${t.timing} ${t.event} on ${t.table} for each row execute function ${t.name}()`,
    `comment on trigger ${t.name} on ${t.table} is ${quote(text)}`,
  ];
}

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

/**
 * A plain statement written in the SQLite form of the triggers (a migration's one-off fill sharing its
 * expressions with the triggers), rendered for the engine with the same translations as toPlpgsql.
 */
export function portableStatement(db: Kysely<any>, text: string): RawBuilder<unknown> {
  return sql.raw(engineOf(db) === "postgres" ? toPlpgsql(text) : text);
}

/** Creates a trigger written in the portable SQLite form (see above) on either engine. */
export async function createTrigger(db: Kysely<any>, text: string): Promise<void> {
  if (engineOf(db) === "sqlite") {
    await sql.raw(text).execute(db);
    return;
  }
  for (const statement of pgTriggerStatements(text)) await sql.raw(statement).execute(db);
}

/** The SQLite-form source of a trigger created by createTrigger, or undefined when there is none. */
export async function triggerSource(db: Kysely<any>, name: string): Promise<string | undefined> {
  if (engineOf(db) === "sqlite") {
    const { rows } = await sql<{ sql: string }>`select sql from sqlite_master where type = 'trigger' and name = ${name}`.execute(db);
    return rows[0]?.sql;
  }
  const { rows } = await sql<{ source: string | null }>`
    select obj_description(t.oid, 'pg_trigger') as source from pg_trigger t where t.tgname = ${name} and not t.tgisinternal`.execute(db);
  return rows[0]?.source ?? undefined;
}

/** Drops a trigger (and on PostgreSQL its function) if it exists. */
export async function dropTrigger(db: Kysely<any>, name: string, table: string): Promise<void> {
  if (engineOf(db) === "sqlite") {
    await sql.raw(`drop trigger if exists ${name}`).execute(db);
    return;
  }
  await sql.raw(`drop trigger if exists ${name} on ${table}`).execute(db);
  await sql.raw(`drop function if exists ${name}()`).execute(db);
}

/** True on PostgreSQL: for the few statements that exist on one engine only (FTS5, pragmas, WITHOUT ROWID). */
export function isPostgres(db: Kysely<any>): boolean {
  return engineOf(db) === "postgres";
}
