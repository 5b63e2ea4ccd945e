// npm run restore -- <archive> [--replace] [--check]: checks a backup completely, then restores it into
// XUNWEN_DB_PATH and XUNWEN_UPLOAD_DIR (db/backup.ts). Stop the server first. --check only verifies.
import { rm } from "node:fs/promises";
import { uploadDirectory } from "../../app/attachments/attachments.server";
import { BackupError, restoreBackup, verifyBackup } from "../backup";
import { databasePath, isPostgresUrl } from "../client";

if (isPostgresUrl(process.env.DATABASE_URL?.trim())) {
  // the archive holds a copy of the SQLite file; PostgreSQL has its own tools (README «Backup and restore on PostgreSQL»)
  console.error("DATABASE_URL 指向 PostgreSQL：请用 pg_dump / pg_restore 备份与恢复数据库，并另行复制附件目录（XUNWEN_UPLOAD_DIR），恢复后运行 npm run db:advance-sequences。详见 README「Backup and restore on PostgreSQL」。");
  process.exit(2);
}

const args = process.argv.slice(2);
const archive = args.find((a) => !a.startsWith("--"));
if (!archive) {
  console.error("用法：npm run restore -- <备份文件.tar.gz> [--replace] [--check]");
  process.exit(2);
}
try {
  if (args.includes("--check")) {
    const { dir, manifest } = await verifyBackup(archive);
    await rm(dir, { recursive: true, force: true });
    console.log(`备份完好：${manifest.createdAt}，附件 ${manifest.attachments.count} 个，integrity_check ok`);
  } else {
    const r = await restoreBackup({ archive, dbPath: databasePath(), uploadDir: uploadDirectory(), replace: args.includes("--replace") });
    console.log(`已从 ${r.file}（${r.manifest.createdAt}）恢复：数据库 ${r.database}，附件 ${r.manifest.attachments.count} 个 → ${r.uploadDir}`);
    if (r.keptAs) console.log(`原数据库已保留为 ${r.keptAs}`);
  }
} catch (error) {
  if (error instanceof BackupError) {
    console.error(`恢复被拒绝：${error.message}（未做任何改动）`);
    process.exit(1);
  }
  throw error;
}
