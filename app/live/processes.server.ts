import { isPostgresUrl } from "../../db/engine";

/**
 * How many server processes `npm start` runs, and the settings several processes need (issue 18;
 * docs/decisions/0181-several-server-processes.md). Read by server.mjs before it forks or listens.
 */

type Env = Record<string, string | undefined>;

/** The largest XUNWEN_WORKERS accepted: more processes than this only add connections to the database. */
export const MAX_WORKERS = 64;

export interface ProcessPlan {
  engine: "sqlite" | "postgres";
  /** Server processes to run (1: the process serves by itself, without node:cluster). */
  workers: number;
  /** Said at start when the setting was not followed as written. */
  note?: string;
}

/**
 * XUNWEN_WORKERS on PostgreSQL: that many worker processes (node:cluster), default the number of cores. On SQLite
 * always one process: SQLite has a single writer and its busy handler polls, so a second process's writes could
 * be starved into SQLITE_BUSY errors under load (docs/decisions/0006), and without a database that carries
 * notifications between processes, live pages and the dashboard's in-memory cache would only know their own
 * process's changes. A value that is not a whole number from 1 to MAX_WORKERS is refused (Error).
 */
export function planProcesses(env: Env, cores: number): ProcessPlan {
  const raw = env.XUNWEN_WORKERS?.trim();
  const postgres = isPostgresUrl(env.DATABASE_URL?.trim());
  let asked: number | undefined;
  if (raw) {
    asked = Number(raw);
    if (!Number.isInteger(asked) || asked < 1 || asked > MAX_WORKERS) {
      throw new Error(`XUNWEN_WORKERS must be a whole number from 1 to ${MAX_WORKERS} (got "${raw}")`);
    }
  }
  if (!postgres) {
    return {
      engine: "sqlite",
      workers: 1,
      note:
        asked && asked > 1
          ? `XUNWEN_WORKERS=${asked} ignored: on SQLite the server runs one process (one writer; a second process could starve its writes). Use PostgreSQL (DATABASE_URL) for several processes.`
          : undefined,
    };
  }
  return { engine: "postgres", workers: asked ?? Math.max(1, Math.min(MAX_WORKERS, Math.floor(cores) || 1)) };
}

/** The startup error when PostgreSQL is used without a shared attachment folder. */
export const UPLOAD_DIR_REQUIRED =
  "XUNWEN_UPLOAD_DIR must be set when DATABASE_URL selects PostgreSQL: attachments are files, and every server process (on every machine) must read and write the same folder, e.g. XUNWEN_UPLOAD_DIR=/srv/xunwen/uploads on shared storage. (附件目录未设置：使用 PostgreSQL 时须设置所有服务器进程共用的 XUNWEN_UPLOAD_DIR。)";

/**
 * The settings a server cannot start without (server.mjs calls this first, in every process): on PostgreSQL,
 * XUNWEN_UPLOAD_DIR. Throws Error with the message to print.
 */
export function checkServerSettings(env: Env = process.env): void {
  if (isPostgresUrl(env.DATABASE_URL?.trim()) && !env.XUNWEN_UPLOAD_DIR?.trim()) throw new Error(UPLOAD_DIR_REQUIRED);
}
