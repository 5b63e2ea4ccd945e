import { syncSearchIndex } from "../../app/search/indexer.server";
import { databasePath, migrateToLatest, openDatabase } from "../client";

const db = openDatabase();
try {
  const result = await migrateToLatest(db);
  const applied = result.results?.filter((r) => r.status === "Success").map((r) => r.migrationName) ?? [];
  console.log(applied.length ? `已应用迁移：${applied.join("、")}` : "数据库已是最新结构");
  // documents queued by a migration (e.g. 0010's re-index) are built now rather than at the server's start
  const indexed = await syncSearchIndex(db);
  if (indexed) console.log(`已更新搜索索引：${indexed} 条`);
  console.log(`数据库：${databasePath()}`);
} finally {
  await db.destroy();
}
