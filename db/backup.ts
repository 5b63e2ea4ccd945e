import { createHash } from "node:crypto";
import { createReadStream, existsSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { sql } from "kysely";
import * as tar from "tar";
import { openDatabase } from "./client";

/**
 * Backup and restore (issue 16; README «备份与恢复»; docs/decisions/0032-backup-archive.md).
 *
 * A backup is one gzip'd tar archive (node-tar) holding:
 * - `xunwen.db`: a consistent copy of the database made with `VACUUM INTO` through the project's own SQLite
 *   (a read transaction: the running server keeps writing; the copy is the state at one instant, with every
 *   write acknowledged before it began);
 * - `uploads/<2>/<sha256>`: every attachment file the copy refers to (files are content-addressed and written
 *   before their row commits, so each row of the copy has its file);
 * - `manifest.json`: format, time, SQLite version, row counts per table and the SHA-256 and size of every file.
 *
 * Restore extracts into a temporary folder, checks every checksum, `PRAGMA integrity_check`, the foreign keys
 * and the row counts, and only then puts the database and the files in place (the old database is kept
 * beside it). Anything wrong: refused, nothing changed.
 */
export const BACKUP_FORMAT = "xunwen-backup";
export const BACKUP_FORMAT_VERSION = 1;

export interface BackupFile {
  path: string;
  sha256: string;
  bytes: number;
}

export interface BackupManifest {
  format: typeof BACKUP_FORMAT;
  version: number;
  createdAt: string;
  sqliteVersion: string;
  database: BackupFile & { tables: Record<string, number> };
  attachments: { count: number; files: BackupFile[]; missing: string[] };
}

export class BackupError extends Error {}

async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

async function describeFile(root: string, path: string): Promise<BackupFile> {
  const full = join(root, path);
  return { path, sha256: await sha256File(full), bytes: (await stat(full)).size };
}

async function tableCounts(dbPath: string): Promise<{ tables: Record<string, number>; sqliteVersion: string; attachmentHashes: string[] }> {
  const db = openDatabase(dbPath);
  try {
    const names = await sql<{ name: string }>`select name from sqlite_schema where type = 'table' and name not like 'sqlite_%' and name not like 'search_index_%' order by name`.execute(db);
    const tables: Record<string, number> = {};
    for (const { name } of names.rows) {
      tables[name] = Number((await sql<{ n: number }>`select count(*) as n from ${sql.table(name)}`.execute(db)).rows[0].n);
    }
    const version = (await sql<{ v: string }>`select sqlite_version() as v`.execute(db)).rows[0].v;
    const hashes = await sql<{ sha256: string }>`select distinct sha256 from attachments order by sha256`.execute(db);
    return { tables, sqliteVersion: version, attachmentHashes: hashes.rows.map((r) => r.sha256) };
  } finally {
    await db.destroy();
  }
}

/**
 * Writes a backup archive of the database at `dbPath` and the attachment files under `uploadDir` to `out`
 * (written under a temporary name and renamed when complete). Safe while the server runs.
 * Returns the manifest; `attachments.missing` lists referenced files that were not found on disk.
 */
export async function createBackup(options: { dbPath: string; uploadDir: string; out: string; now?: Date }): Promise<BackupManifest> {
  const out = resolve(options.out);
  const staging = await mkdtemp(join(tmpdir(), "xunwen-backup-"));
  try {
    const copy = join(staging, "xunwen.db");
    const live = openDatabase(resolve(options.dbPath));
    try {
      await sql`VACUUM INTO ${copy}`.execute(live);
    } finally {
      await live.destroy();
    }
    const { tables, sqliteVersion, attachmentHashes } = await tableCounts(copy);
    const files: BackupFile[] = [];
    const missing: string[] = [];
    for (const sha of attachmentHashes) {
      const rel = join("uploads", sha.slice(0, 2), sha);
      const source = join(resolve(options.uploadDir), sha.slice(0, 2), sha);
      if (!/^[0-9a-f]{64}$/.test(sha) || !existsSync(source)) {
        missing.push(sha);
        continue;
      }
      await mkdir(join(staging, dirname(rel)), { recursive: true });
      await copyFile(source, join(staging, rel));
      const described = await describeFile(staging, rel);
      // a file whose bytes no longer match its name is damaged: report it rather than archive it as good
      if (described.sha256 !== sha) {
        missing.push(sha);
        await rm(join(staging, rel));
        continue;
      }
      files.push(described);
    }
    const manifest: BackupManifest = {
      format: BACKUP_FORMAT,
      version: BACKUP_FORMAT_VERSION,
      createdAt: (options.now ?? new Date()).toISOString(),
      sqliteVersion,
      database: { ...(await describeFile(staging, "xunwen.db")), tables },
      attachments: { count: files.length, files, missing },
    };
    await writeFile(join(staging, "manifest.json"), JSON.stringify(manifest, null, 2));
    await mkdir(dirname(out), { recursive: true });
    const partial = `${out}.partial`;
    const entries = ["manifest.json", "xunwen.db", ...(files.length ? ["uploads"] : [])];
    await tar.create({ file: partial, cwd: staging, gzip: true, portable: true }, entries);
    await rename(partial, out);
    return manifest;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** Extracts and checks an archive in a temporary folder; the caller removes `dir`. Throws BackupError. */
export async function verifyBackup(archive: string): Promise<{ dir: string; manifest: BackupManifest }> {
  const dir = await mkdtemp(join(tmpdir(), "xunwen-restore-"));
  try {
    try {
      await tar.extract({
        file: resolve(archive),
        cwd: dir,
        strict: true,
        // only the three kinds of entry a backup has; no links, no devices
        filter: (path, entry) => (entry.type === "File" || entry.type === "Directory") && /^(manifest\.json|xunwen\.db|uploads(\/[0-9a-f]{2}(\/[0-9a-f]{64})?)?\/?)$/.test(path),
      });
    } catch (error) {
      throw new BackupError(`备份文件已损坏或不是 Xunwen 的备份：${(error as Error).message}`);
    }
    let manifest: BackupManifest;
    try {
      manifest = JSON.parse(await readFile(join(dir, "manifest.json"), "utf8")) as BackupManifest;
    } catch {
      throw new BackupError("备份文件中没有可读的清单（manifest.json）");
    }
    if (manifest.format !== BACKUP_FORMAT || manifest.version !== BACKUP_FORMAT_VERSION) throw new BackupError("备份文件的格式无法识别");
    for (const file of [manifest.database, ...manifest.attachments.files]) {
      const full = join(dir, file.path);
      if (!existsSync(full)) throw new BackupError(`备份中缺少文件 ${file.path}`);
      const actual = await describeFile(dir, file.path);
      if (actual.sha256 !== file.sha256 || actual.bytes !== file.bytes) throw new BackupError(`备份中的文件 ${file.path} 校验和不符，备份已损坏`);
    }
    const db = openDatabase(join(dir, "xunwen.db"));
    try {
      const integrity = (await sql<{ integrity_check: string }>`PRAGMA integrity_check`.execute(db)).rows.map((r) => r.integrity_check);
      if (integrity.join() !== "ok") throw new BackupError(`数据库完整性检查未通过：${integrity.slice(0, 3).join("；")}`);
      const fk = (await sql`PRAGMA foreign_key_check`.execute(db)).rows;
      if (fk.length) throw new BackupError(`数据库有 ${fk.length} 处外键不一致`);
    } finally {
      await db.destroy();
    }
    const { tables } = await tableCounts(join(dir, "xunwen.db"));
    if (JSON.stringify(tables) !== JSON.stringify(manifest.database.tables)) throw new BackupError("数据库的记录数与清单不符");
    return { dir, manifest };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Restores an archive: checks it completely first (verifyBackup), then moves an existing database aside
 * (`<db>.before-restore-<time>`, with its -wal/-shm) and puts the copy and the attachment files in place.
 * Refuses to replace an existing database without `replace` — and the server must be stopped meanwhile.
 */
export async function restoreBackup(options: { archive: string; dbPath: string; uploadDir: string; replace?: boolean; now?: Date }) {
  const dbPath = resolve(options.dbPath);
  if (existsSync(dbPath) && !options.replace) {
    throw new BackupError(`${dbPath} 已存在：确认要用备份替换它时，请停止服务后加 --replace 重新运行`);
  }
  const { dir, manifest } = await verifyBackup(options.archive);
  try {
    await mkdir(dirname(dbPath), { recursive: true });
    let keptAs: string | null = null;
    if (existsSync(dbPath)) {
      keptAs = `${dbPath}.before-restore-${(options.now ?? new Date()).toISOString().replace(/[:.]/g, "-")}`;
      for (const suffix of ["", "-wal", "-shm"]) if (existsSync(dbPath + suffix)) await rename(dbPath + suffix, keptAs + suffix);
    }
    // copy next to the target first, then rename: the database appears complete or not at all
    await copyFile(join(dir, "xunwen.db"), `${dbPath}.restoring`);
    await rename(`${dbPath}.restoring`, dbPath);
    const uploadDir = resolve(options.uploadDir);
    for (const file of manifest.attachments.files) {
      const target = join(uploadDir, file.path.replace(/^uploads\//, ""));
      await mkdir(dirname(target), { recursive: true });
      if (!existsSync(target)) await copyFile(join(dir, file.path), target);
    }
    return { manifest, keptAs, database: dbPath, uploadDir, file: basename(options.archive) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
