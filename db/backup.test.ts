import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import * as tar from "tar";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { saveAttachments } from "../app/attachments/attachments.server";
import { recordAudit, SYSTEM_ACTOR } from "../app/audit.server";
import { createTestDb, ON_SQLITE, type TestDb } from "../app/test/db";
import { BackupError, createBackup, restoreBackup, verifyBackup } from "./backup";
import { openDatabase } from "./client";

/** Issue 16 item 7: a backup taken under write load restores every acknowledged write and every attachment. */
let t: TestDb;
let work: string;
let uploads: string;
const previousUploads = process.env.XUNWEN_UPLOAD_DIR;

beforeEach(async () => {
  t = await createTestDb();
  work = await mkdtemp(join(tmpdir(), "xunwen-backup-test-"));
  uploads = join(work, "uploads");
  process.env.XUNWEN_UPLOAD_DIR = uploads;
});
afterEach(async () => {
  await t.cleanup();
  await rm(work, { recursive: true, force: true });
  if (previousUploads === undefined) delete process.env.XUNWEN_UPLOAD_DIR;
  else process.env.XUNWEN_UPLOAD_DIR = previousUploads;
});

function pdf(n: number) {
  const bytes = Buffer.from(`%PDF-1.4\n% file ${n}\n%%EOF\n`);
  return { fileName: `材料${n}.pdf`, mimeType: "application/pdf", size: bytes.length, sha256: createHash("sha256").update(bytes).digest("hex"), bytes };
}

async function attach(n: number): Promise<number> {
  return t.db.transaction().execute(async (trx) => (await saveAttachments(trx, SYSTEM_ACTOR, { inquiryId: null, type: "inquiry_plan", id: n }, [pdf(n)]))[0]);
}

// SQLite only: the archive holds a VACUUM INTO copy of the file; PostgreSQL is backed up with pg_dump (README)
describe.skipIf(!ON_SQLITE)("backup and restore (SQLite only)", () => {
  it("backs up while writes go on; the restore holds every write acknowledged before the backup and every attachment, integrity ok", async () => {
    for (let n = 1; n <= 5; n++) await attach(n);
    // concurrent load: audit entries and attachments written one after another until the backup is done
    const acknowledged: number[] = [];
    const attached: number[] = [];
    let done = false;
    const load = (async () => {
      for (let n = 1000; !done; n++) {
        await recordAudit(t.db, SYSTEM_ACTOR, { action: "test.write", entityType: "test", entityId: n, summary: `写入 ${n}` });
        acknowledged.push(n);
        if (n % 10 === 0) attached.push(await attach(n));
      }
    })();
    // let the load get going, then back up in the middle of it
    while (acknowledged.length < 20) await new Promise((r) => setImmediate(r));
    const before = [...acknowledged];
    const archive = join(work, "backups", "x.tar.gz");
    const manifest = await createBackup({ dbPath: t.path, uploadDir: uploads, out: archive });
    done = true;
    await load;
    expect(acknowledged.length).toBeGreaterThan(before.length);
    expect(manifest.attachments.missing).toEqual([]);

    const target = join(work, "restored", "xunwen.db");
    const restoredUploads = join(work, "restored", "uploads");
    const result = await restoreBackup({ archive, dbPath: target, uploadDir: restoredUploads });
    expect(result.keptAs).toBeNull();

    const db = openDatabase(target);
    try {
      expect((await sql<{ integrity_check: string }>`PRAGMA integrity_check`.execute(db)).rows).toEqual([{ integrity_check: "ok" }]);
      const written = (await db.selectFrom("audit_log").select("entity_id").where("action", "=", "test.write").orderBy("id").execute()).map((r) => Number(r.entity_id));
      // every write acknowledged before the backup began is there, and the copy is one instant: no gaps
      for (const n of before) expect(written).toContain(n);
      expect(written).toEqual(acknowledged.slice(0, written.length));
      // every attachment row of the copy has its file, with the right bytes
      const rows = await db.selectFrom("attachments").select(["id", "sha256"]).execute();
      expect(rows.length).toBeGreaterThanOrEqual(5);
      expect(rows.length).toBe(manifest.attachments.count);
      for (const row of rows) {
        const file = join(restoredUploads, row.sha256.slice(0, 2), row.sha256);
        expect(existsSync(file)).toBe(true);
        expect(createHash("sha256").update(readFileSync(file)).digest("hex")).toBe(row.sha256);
      }
      const counts = manifest.database.tables;
      expect(Number((await db.selectFrom("audit_log").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n)).toBe(counts.audit_log);
    } finally {
      await db.destroy();
    }
  });

  it("refuses a corrupt archive, an archive whose files do not match the manifest, and replacing a database without --replace", async () => {
    await attach(1);
    const archive = join(work, "a.tar.gz");
    await createBackup({ dbPath: t.path, uploadDir: uploads, out: archive });
    const target = join(work, "r", "xunwen.db");

    // flipped bytes in the middle of the archive
    const bytes = await readFile(archive);
    const broken = Buffer.from(bytes);
    for (let i = Math.floor(broken.length / 2); i < Math.floor(broken.length / 2) + 16; i++) broken[i] ^= 0xff;
    await writeFile(join(work, "broken.tar.gz"), broken);
    await expect(restoreBackup({ archive: join(work, "broken.tar.gz"), dbPath: target, uploadDir: join(work, "r", "u") })).rejects.toThrow(BackupError);
    expect(existsSync(target)).toBe(false);

    // a database inside that is not the one the manifest describes
    const unpacked = join(work, "unpacked");
    await mkdir(unpacked);
    await tar.extract({ file: archive, cwd: unpacked });
    const db = await readFile(join(unpacked, "xunwen.db"));
    db[db.length - 100] ^= 0x01;
    await writeFile(join(unpacked, "xunwen.db"), db);
    await tar.create({ file: join(work, "tampered.tar.gz"), cwd: unpacked, gzip: true }, ["manifest.json", "xunwen.db", "uploads"]);
    await expect(verifyBackup(join(work, "tampered.tar.gz"))).rejects.toThrow(/校验和不符/);

    // not an archive at all
    await writeFile(join(work, "junk.tar.gz"), "not a backup");
    await expect(verifyBackup(join(work, "junk.tar.gz"))).rejects.toThrow(BackupError);

    // the good one restores; a second restore over it needs replace, and keeps the old database beside it
    await restoreBackup({ archive, dbPath: target, uploadDir: join(work, "r", "u") });
    await expect(restoreBackup({ archive, dbPath: target, uploadDir: join(work, "r", "u") })).rejects.toThrow(/--replace/);
    const again = await restoreBackup({ archive, dbPath: target, uploadDir: join(work, "r", "u"), replace: true });
    expect(again.keptAs && existsSync(again.keptAs)).toBe(true);
  });
});
