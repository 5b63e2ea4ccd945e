import { Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
import { randomBytes } from "node:crypto";
import { uploadDirectory } from "../attachments/attachments.server";
import { openDatabase } from "../../db/client";
import { staffDashboard } from "../dashboard/dashboard.server";
import { runRemindersIfDue } from "../notifications/reminders.server";
import { createTestDb, makeOrganization, makeUser, type TestDb } from "../test/db";
import { runExclusively } from "./jobs.server";
import { checkServerSettings, planProcesses, UPLOAD_DIR_REQUIRED } from "./processes.server";

const PG = "postgres://app@db.example/xunwen";

describe("how many server processes npm start runs", () => {
  it("PostgreSQL: XUNWEN_WORKERS, or one per core", () => {
    expect(planProcesses({ DATABASE_URL: PG }, 4)).toEqual({ engine: "postgres", workers: 4 });
    expect(planProcesses({ DATABASE_URL: PG, XUNWEN_WORKERS: "2" }, 8)).toEqual({ engine: "postgres", workers: 2 });
    expect(planProcesses({ DATABASE_URL: "postgresql://db/x", XUNWEN_WORKERS: " 1 " }, 8)).toEqual({ engine: "postgres", workers: 1 });
  });

  it("SQLite: always one process, and says so when more were asked for", () => {
    expect(planProcesses({}, 8)).toEqual({ engine: "sqlite", workers: 1, note: undefined });
    const plan = planProcesses({ XUNWEN_WORKERS: "4" }, 8);
    expect(plan.workers).toBe(1);
    expect(plan.note).toMatch(/XUNWEN_WORKERS=4 ignored: on SQLite the server runs one process/);
  });

  it.each(["0", "-1", "1.5", "many", "65"])("refuses XUNWEN_WORKERS=%s with a clear message", (value) => {
    expect(() => planProcesses({ DATABASE_URL: PG, XUNWEN_WORKERS: value }, 2)).toThrow(/XUNWEN_WORKERS must be a whole number from 1 to 64/);
  });
});

describe("the attachment folder", () => {
  const saved = { url: process.env.DATABASE_URL, dir: process.env.XUNWEN_UPLOAD_DIR, db: process.env.XUNWEN_DB_PATH };
  afterEach(() => {
    for (const [key, value] of [["DATABASE_URL", saved.url], ["XUNWEN_UPLOAD_DIR", saved.dir], ["XUNWEN_DB_PATH", saved.db]] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });

  it("is required on PostgreSQL: the server does not start, and no attachment is written, without it", () => {
    expect(() => checkServerSettings({ DATABASE_URL: PG })).toThrow(UPLOAD_DIR_REQUIRED);
    expect(() => checkServerSettings({ DATABASE_URL: PG, XUNWEN_UPLOAD_DIR: "  " })).toThrow(/XUNWEN_UPLOAD_DIR must be set/);
    expect(() => checkServerSettings({ DATABASE_URL: PG, XUNWEN_UPLOAD_DIR: "/srv/xunwen/uploads" })).not.toThrow();
    process.env.DATABASE_URL = PG;
    delete process.env.XUNWEN_UPLOAD_DIR;
    expect(() => uploadDirectory()).toThrow(UPLOAD_DIR_REQUIRED);
    process.env.XUNWEN_UPLOAD_DIR = "/srv/xunwen/uploads";
    expect(uploadDirectory()).toBe("/srv/xunwen/uploads");
  });

  it("defaults beside the SQLite file, as before", () => {
    expect(() => checkServerSettings({})).not.toThrow();
    delete process.env.DATABASE_URL;
    delete process.env.XUNWEN_UPLOAD_DIR;
    process.env.XUNWEN_DB_PATH = "/var/lib/xunwen/xunwen.db";
    expect(uploadDirectory()).toBe("/var/lib/xunwen/uploads");
  });
});

describe("the reminder job runs once across processes (SQLite)", () => {
  let t: TestDb;
  beforeEach(async () => {
    t = await createTestDb();
  });
  afterEach(() => t.cleanup());

  it("of two processes started together on one day, one runs it and one finds it done", async () => {
    const health = await makeOrganization(t.db, { kind: "department" });
    await makeUser(t.db, { role: "department", organizationId: health });
    const now = "2026-01-01T00:00:00.000Z";
    const inquiry = await t.db
      .insertInto("inquiries")
      .values({ title: "询问", congress: "市人大常委会", meeting_date: "2025-09-22", created_by: null, created_at: now, updated_at: now })
      .returning("id")
      .executeTakeFirstOrThrow();
    await t.db
      .insertInto("rectification_items")
      .values({ inquiry_id: inquiry.id, number: 1, problem: "医养中心运行", lead_department_id: health, deadline: "2026-03-04", original_deadline: "2026-03-04", created_by: null, created_at: now, updated_at: now })
      .returning("id")
      .executeTakeFirstOrThrow();
    // a second connection to the same file stands for a second process
    const other = openDatabase(t.path);
    try {
      const runs = await Promise.all([runRemindersIfDue(t.db, "2026-03-01"), runRemindersIfDue(other, "2026-03-01")]);
      expect(runs.filter(Boolean)).toHaveLength(1);
      const audits = await t.db.selectFrom("audit_log").select("summary").where("action", "=", "reminders.run").execute();
      expect(audits).toHaveLength(1);
      expect(await runRemindersIfDue(other, "2026-03-01")).toBe(false);
    } finally {
      await other.destroy();
    }
  });
});

describe("the staff dashboard's cache across processes", () => {
  let t: TestDb;
  beforeEach(async () => {
    t = await createTestDb();
  });
  afterEach(() => t.cleanup());

  it("a process's cached dashboard is recomputed after another process changes what it shows", async () => {
    // the cache key is the data_versions row the writing transaction bumps (triggers), read on each request:
    // a database fact, so no notification can be missed between processes
    const other = openDatabase(t.path);
    try {
      const count = async () => (await staffDashboard(t.db)).byStage.reduce((n, s) => n + s.count, 0);
      const before = await count();
      expect(await count()).toBe(before);
      const now = new Date().toISOString();
      await other.insertInto("inquiries").values({ title: "另一进程登记的询问", congress: "市人大常委会", created_by: null, created_at: now, updated_at: now }).execute();
      expect(await count()).toBe(before + 1);
    } finally {
      await other.destroy();
    }
  });
});

const PG_URL = process.env.XUNWEN_TEST_PG_URL;

describe.skipIf(!PG_URL)("a job's lock on PostgreSQL (two processes)", () => {
  let admin: pg.Client;
  let name: string;
  const dbs: Kysely<any>[] = [];

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    name = `xunwen_jobs_${randomBytes(4).toString("hex")}`;
    await admin.query(`create database ${name}`);
    const u = new URL(PG_URL!);
    u.pathname = `/${name}`;
    for (let i = 0; i < 2; i++) {
      const pool = new pg.Pool({ connectionString: u.toString(), max: 2 });
      pool.on("error", () => undefined);
      dbs.push(new Kysely<any>({ dialect: new PostgresDialect({ pool }) }));
    }
    await sql`create table runs (process int not null)`.execute(dbs[0]);
  });
  afterAll(async () => {
    for (const db of dbs) await db.destroy();
    if (admin) {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  });

  it("while one process runs the job, the other skips it; afterwards the lock is free again", async () => {
    const [a, b] = dbs;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let started!: () => void;
    const isStarted = new Promise<void>((resolve) => (started = resolve));
    const first = runExclusively(a, "reminders", async (trx) => {
      await trx.insertInto("runs").values({ process: 1 }).execute();
      started();
      await held;
      return "done";
    });
    await isStarted;
    expect(await runExclusively(b, "reminders", async (trx) => trx.insertInto("runs").values({ process: 2 }).execute())).toEqual({ ran: false });
    // another job's name is not held
    expect(await runExclusively(b, "digest", async () => "other")).toEqual({ ran: true, value: "other" });
    release();
    expect(await first).toEqual({ ran: true, value: "done" });
    expect(await runExclusively(b, "reminders", async () => "second")).toEqual({ ran: true, value: "second" });
    expect((await b.selectFrom("runs").select("process").execute()).map((r) => r.process)).toEqual([1]);
  });
});
