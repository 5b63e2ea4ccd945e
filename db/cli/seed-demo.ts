import { databaseLocation, isPostgresUrl, migrateToLatest, openDatabase } from "../client";
import { seedDemo } from "../seed/demo";

const db = openDatabase();
try {
  await migrateToLatest(db);
  const report = await seedDemo(db);
  const parts = Object.entries(report).map(([what, n]) => `${what} +${n}`);
    const where = databaseLocation();
  // a URL is shown without its password
  console.log(`演示数据（${isPostgresUrl(where) ? where.replace(/:[^:@/]*@/, ":***@") : where}）已就绪：${parts.join("，")}`);
} finally {
  await db.destroy();
}
