// npm run backup [-- --out <file>]: one consistent archive of the database and the attachment files, safe
// while the server runs (db/backup.ts). Default file: backups/xunwen-<UTC time>.tar.gz.
import { resolve } from "node:path";
import { uploadDirectory } from "../../app/attachments/attachments.server";
import { createBackup } from "../backup";
import { databasePath, isPostgresUrl } from "../client";

if (isPostgresUrl(process.env.DATABASE_URL?.trim())) {
  // the archive holds a copy of the SQLite file; PostgreSQL has its own tools (README «Backup and restore on PostgreSQL»)
  console.error("DATABASE_URL 指向 PostgreSQL：请用 pg_dump / pg_restore 备份与恢复数据库，并另行复制附件目录（XUNWEN_UPLOAD_DIR），恢复后运行 npm run db:advance-sequences。详见 README「Backup and restore on PostgreSQL」。");
  process.exit(2);
}

const args = process.argv.slice(2);
const at = args.indexOf("--out");
const stamp = new Date().toISOString().replace(/[:.]/g, "-");
const out = resolve(at >= 0 && args[at + 1] ? args[at + 1] : `backups/xunwen-${stamp}.tar.gz`);
const manifest = await createBackup({ dbPath: databasePath(), uploadDir: uploadDirectory(), out });
const rows = Object.values(manifest.database.tables).reduce((a, b) => a + b, 0);
console.log(`备份已写入：${out}`);
console.log(`数据库 ${manifest.database.bytes} 字节，${Object.keys(manifest.database.tables).length} 张表共 ${rows} 条记录；附件 ${manifest.attachments.count} 个`);
if (manifest.attachments.missing.length) {
  console.error(`警告：数据库引用的 ${manifest.attachments.missing.length} 个附件文件缺失或已损坏，未能备份：${manifest.attachments.missing.slice(0, 5).join("、")}`);
  process.exitCode = 3;
}
