import { databasePath, migrateToLatest, openDatabase } from "../client";

const db = openDatabase();
try {
  const result = await migrateToLatest(db);
  const applied = result.results?.filter((r) => r.status === "Success").map((r) => r.migrationName) ?? [];
  console.log(applied.length ? `已应用迁移：${applied.join("、")}` : "数据库已是最新结构");
  console.log(`数据库：${databasePath()}`);
} finally {
  await db.destroy();
}
