/**
 * Test helpers: a fresh, migrated SQLite database in its own temporary directory (a real file, so WAL,
 * locking and the driver behave as in production), plus small factories that go through the domain
 * functions themselves. Used by the vitest suites only.
 */
import { sql } from "kysely";
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { engineOf, migrateToLatest, openDatabase, type DB } from "../../db/client";
import { createTrigger, dropTrigger } from "../../db/migrations/portable";
import type { Database, OrganizationKind, Role } from "../../db/schema";
import { createOrganization } from "../admin/organizations.server";
import { createUser } from "../admin/users.server";
import { SYSTEM_ACTOR, type Actor } from "../audit.server";
import { hashToken } from "../auth/session.server";

export interface TestDb {
  db: DB;
  /**
   * Where the database is, as openDatabase() takes it: the SQLite file, or on PostgreSQL the test database's
   * URL (open a second connection with openDatabase(t.path)).
   */
  path: string;
  /** A temporary directory of the test's own (on SQLite it holds the database file and its -wal/-shm files). */
  dir: string;
  /** Destroys the Kysely instance and removes the directory (and the PostgreSQL database); safe to call twice. */
  cleanup: () => Promise<void>;
}

/**
 * The engine the suite runs on: XUNWEN_TEST_ENGINE=postgres (with XUNWEN_TEST_PG_URL, a maintenance URL of a
 * throw-away cluster; scripts/test.sh starts one) or SQLite (the default). Never the developer's DATABASE_URL:
 * tests create and drop databases.
 */
export const TEST_ENGINE: "sqlite" | "postgres" = process.env.XUNWEN_TEST_ENGINE === "postgres" ? "postgres" : "sqlite";

/** For SQLite-only tests (the sqlite3 dialect's own, file copies): `describe.skipIf(!ON_SQLITE)(…)`. */
export const ON_SQLITE = TEST_ENGINE === "sqlite";

/**
 * A PostgreSQL test cluster is reachable (XUNWEN_TEST_PG_URL), whichever engine the suite runs on: tests that
 * compare the engines with each other (createTestDb({ engine })) run in the SQLite pass of npm test.
 */
export const BOTH_ENGINES = TEST_ENGINE === "sqlite" && !!process.env.XUNWEN_TEST_PG_URL;

/**
 * A freshly migrated database, made once per test process and kept in memory (so nothing is left on disk):
 * each test database starts as a copy of it, so a suite does not pay for every migration (some fill large
 * tables) in every test.
 */
let template: Promise<Buffer> | undefined;
function migratedTemplate(): Promise<Buffer> {
  template ??= (async () => {
    const dir = await mkdtemp(join(tmpdir(), "xunwen-template-"));
    try {
      const path = join(dir, "template.db");
      const db = openDatabase(path);
      try {
        await migrateToLatest(db);
        // everything into the main file, so its bytes are the whole database
        await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(db);
      } finally {
        await db.destroy();
      }
      return await readFile(path);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  })();
  template.catch(() => (template = undefined));
  return template;
}

/** The maintenance URL of the test cluster, with another database name. */
function pgUrl(database: string): string {
  const raw = process.env.XUNWEN_TEST_PG_URL;
  if (!raw) throw new Error("XUNWEN_TEST_ENGINE=postgres needs XUNWEN_TEST_PG_URL (npm test starts a cluster and sets it)");
  const url = new URL(raw);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Runs statements on the cluster's maintenance database (CREATE/DROP DATABASE cannot run in a transaction). */
async function onCluster<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: pgUrl(new URL(process.env.XUNWEN_TEST_PG_URL!).pathname.slice(1) || "postgres") });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * The migrated template database on PostgreSQL, named after a digest of the migrations' source, made once per
 * cluster: the first test process builds it under an advisory lock, the others wait and reuse it.
 */
let pgTemplate: Promise<string> | undefined;
function migratedPgTemplate(): Promise<string> {
  pgTemplate ??= (async () => {
    const folder = fileURLToPath(new URL("../../db/migrations/", import.meta.url));
    const hash = createHash("sha256");
    for (const file of (await readdir(folder)).filter((f) => f.endsWith(".ts")).sort()) hash.update(file).update(await readFile(join(folder, file)));
    const name = `xunwen_template_${hash.digest("hex").slice(0, 16)}`;
    await onCluster(async (client) => {
      await client.query("select pg_advisory_lock(18170)");
      try {
        const exists = await client.query("select 1 from pg_database where datname = $1", [name]);
        if (exists.rowCount) return;
        const building = `${name}_building`;
        await client.query(`drop database if exists ${building} with (force)`);
        await client.query(`create database ${building} template template0 encoding 'UTF8' locale 'C.UTF-8'`);
        const db = openDatabase(pgUrl(building));
        try {
          await migrateToLatest(db);
        } finally {
          await db.destroy();
        }
        await client.query(`alter database ${building} rename to ${name}`);
      } finally {
        await client.query("select pg_advisory_unlock(18170)");
      }
    });
    return name;
  })();
  pgTemplate.catch(() => (pgTemplate = undefined));
  return pgTemplate;
}

let pgDatabases = 0;

/** A new PostgreSQL database copied from the migrated template; its URL. */
async function createPgDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const templateName = await migratedPgTemplate();
  const name = `xunwen_test_${process.pid}_${++pgDatabases}_${randomBytes(3).toString("hex")}`;
  await onCluster((client) => client.query(`create database ${name} template ${templateName}`));
  return { url: pgUrl(name), drop: () => onCluster(async (client) => void (await client.query(`drop database if exists ${name} with (force)`))) };
}

/**
 * A fresh database in a new temporary directory: on SQLite a copy of the migrated template file, on PostgreSQL
 * a database made from the migrated template database (dropped by cleanup); opened with openDatabase() and
 * brought up to date with migrateToLatest() (a no-op unless the template is behind).
 */
export async function createTestDb(options: { engine?: "sqlite" | "postgres" } = {}): Promise<TestDb> {
  const dir = await mkdtemp(join(tmpdir(), "xunwen-test-"));
  let path: string;
  let drop: () => Promise<void> = async () => {};
  if ((options.engine ?? TEST_ENGINE) === "postgres") {
    try {
      const created = await createPgDatabase();
      path = created.url;
      drop = created.drop;
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
  } else {
    path = join(dir, "xunwen.db");
    await writeFile(path, await migratedTemplate());
  }
  const db = openDatabase(path);
  let cleaned = false;
  const cleanup = async () => {
    if (cleaned) return;
    cleaned = true;
    try {
      await db.destroy();
      await drop();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };
  try {
    await migrateToLatest(db);
  } catch (error) {
    await cleanup();
    throw error;
  }
  return { db, path, dir, cleanup };
}

/** Meets passwordWeakness() for any username used by the tests (none of them occurs in it). */
export const STRONG_PASSWORD = "Correct-Horse-42";

let sequence = 0;
function next(prefix: string): string {
  sequence += 1;
  return `${prefix}${sequence}`;
}

/** Creates an organisation through createOrganization (audited as the system); returns its id. */
export async function makeOrganization(
  db: DB,
  input: { name?: string; kind?: OrganizationKind } = {},
): Promise<number> {
  const result = await createOrganization(db, SYSTEM_ACTOR, {
    name: input.name ?? next("测试单位"),
    kind: input.kind ?? "department",
  });
  if (!result.ok) throw new Error(`makeOrganization: ${result.message}`);
  return result.id;
}

export interface TestUser {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  organizationId: number | null;
  password: string;
  /** The actor to pass when this user does something. */
  actor: Actor;
}

/**
 * Creates an account through createUser (audited as the system). Each one costs a scrypt hash (~100 ms),
 * so tests create only the accounts they need.
 */
export async function makeUser(
  db: DB,
  input: { username?: string; displayName?: string; role?: Role; organizationId?: number | null; title?: string; password?: string } = {},
): Promise<TestUser> {
  const username = input.username ?? next("user");
  const displayName = input.displayName ?? `测试用户${username}`;
  const role = input.role ?? "staff";
  const organizationId = input.organizationId ?? null;
  const password = input.password ?? STRONG_PASSWORD;
  const result = await createUser(db, SYSTEM_ACTOR, {
    username,
    displayName,
    role,
    organizationId,
    title: input.title ?? "",
    password,
  });
  if (!result.ok) throw new Error(`makeUser: ${result.message}`);
  const stored = username.trim().toLowerCase();
  return {
    id: result.id,
    username: stored,
    displayName,
    role,
    organizationId,
    password,
    actor: { id: result.id, label: `${displayName}（${stored}）`, ip: "192.0.2.10" },
  };
}

/** Inserts a session row directly (as createUserSession would) and returns its id_hash. */
export async function insertSession(db: DB, userId: number, hoursLeft = 12): Promise<string> {
  const idHash = hashToken(randomBytes(32).toString("base64url"));
  const now = Date.now();
  await db
    .insertInto("sessions")
    .values({
      id_hash: idHash,
      user_id: userId,
      created_at: new Date(now).toISOString(),
      expires_at: new Date(now + hoursLeft * 3600_000).toISOString(),
      ip: "192.0.2.10",
      user_agent: "vitest",
    })
    .execute();
  return idHash;
}

export async function sessionCount(db: DB, userId: number): Promise<number> {
  const row = await db
    .selectFrom("sessions")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("user_id", "=", userId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * The application's tables, read from the database itself (so new migrations are covered without
 * touching this file): everything but SQLite's and Kysely's own bookkeeping.
 */
export async function tableNames(db: DB): Promise<string[]> {
  if (engineOf(db) === "postgres") {
    const { rows } = await sql<{ name: string }>`
      select table_name as name from information_schema.tables
      where table_schema = current_schema() and table_type = 'BASE TABLE' and table_name not like 'kysely_%'
      order by table_name collate "C"`.execute(db);
    return rows.map((r) => r.name);
  }
  const { rows } = await sql<{ name: string }>`
    select name from sqlite_master
    where type = 'table' and name not like 'sqlite_%' and name not like 'kysely_%'
    order by name`.execute(db);
  return rows.map((r) => r.name);
}

/** Tables with more rows than this are compared through a digest (e.g. static helper tables). */
const SNAPSHOT_ROW_LIMIT = 2000;

/**
 * Every row of every table (full-text shadow tables and WITHOUT ROWID tables included), in a stable order:
 * compare two snapshots to prove an operation changed nothing. Large tables appear as their row count and a
 * SHA-256 of their rows in storage order (the same for unchanged content), so a snapshot stays cheap.
 */
export async function snapshot(db: DB): Promise<Record<string, unknown[]>> {
  const result: Record<string, unknown[]> = {};
  for (const table of await tableNames(db)) {
    const count = await countRows(db, table);
    if (count > SNAPSHOT_ROW_LIMIT) {
      let all: string | null | undefined;
      if (engineOf(db) === "postgres") {
        // rows in key order (PostgreSQL has no stable storage order to rely on)
        const { rows } = await sql<{ all: string | null }>`
          select string_agg(r, chr(30) order by r collate "C") as "all" from (select cast(t as text) as r from ${sql.table(table)} t) x`.execute(db);
        all = rows[0]?.all;
      } else {
        const columns = await sql<{ name: string }>`select name from pragma_table_info(${table})`.execute(db);
        const row = columns.rows.map((c) => `quote("${c.name.replace(/"/g, '""')}")`).join(` || char(31) || `);
        const { rows } = await sql<{ all: string | null }>`
          select group_concat(r, char(30)) as "all"
          from (select ${sql.raw(row)} as r from ${sql.table(table)})`.execute(db);
        all = rows[0]?.all;
      }
      result[table] = [{ rows: count, sha256: createHash("sha256").update(all ?? "").digest("hex") }];
      continue;
    }
    const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(db);
    const keyed = rows.map((r) => [JSON.stringify(r), r] as const);
    keyed.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    result[table] = keyed.map(([, r]) => r);
  }
  return result;
}

/** Row counts of every table. */
export async function tableCounts(db: DB): Promise<Record<string, number>> {
  const result: Record<string, number> = {};
  for (const table of await tableNames(db)) result[table] = await countRows(db, table);
  return result;
}

export async function countRows(db: DB, table: keyof Database | (string & {})): Promise<number> {
  const { rows } = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(db);
  return Number(rows[0].n);
}

/** The id of the newest audit entry (0 when there is none): take it before an operation, then auditSince(). */
export async function lastAuditId(db: DB): Promise<number> {
  const row = await db.selectFrom("audit_log").select((eb) => eb.fn.max("id").as("id")).executeTakeFirst();
  return Number(row?.id ?? 0);
}

/** Audit entries written after the given id, oldest first, with before/after parsed. */
export async function auditSince(db: DB, afterId: number) {
  const rows = await db.selectFrom("audit_log").selectAll().where("id", ">", afterId).orderBy("id").execute();
  return rows.map((row) => ({
    ...row,
    before: row.before_json === null ? null : (JSON.parse(row.before_json) as unknown),
    after: row.after_json === null ? null : (JSON.parse(row.after_json) as unknown),
  }));
}

/**
 * Makes every audit write fail (a trigger raising an error). An operation that writes its audit entry in
 * the same transaction as its change must then fail as a whole and leave the database untouched.
 */
export async function breakAuditLog(db: DB): Promise<void> {
  await createTrigger(db, `CREATE TRIGGER test_audit_down BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'audit log unavailable'); END`);
}

export async function repairAuditLog(db: DB): Promise<void> {
  await dropTrigger(db, "test_audit_down", "audit_log");
}

/**
 * Marks an inquiry's work plan as approved by the chairpersons' council, as recordPlanDecision would leave it,
 * so the work the plan gate guards (app/inquiries/plan-gate.server.ts) may go on in tests about that work.
 */
export async function approvePlanForTest(db: DB, inquiryId: number): Promise<void> {
  await db.updateTable("inquiries").set({ plan_status: "approved" }).where("id", "=", inquiryId).execute();
}
