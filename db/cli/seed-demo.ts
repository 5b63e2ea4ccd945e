import { databasePath, migrateToLatest, openDatabase } from "../client";
import { seedDemo } from "../seed/demo";

const db = openDatabase();
try {
  await migrateToLatest(db);
  const report = await seedDemo(db);
  console.log(
    `演示数据（${databasePath()}）：新增组织机构 ${report.organizations} 个，账号 ${report.users} 个，专题询问 ${report.inquiries} 项，` +
      `调研活动 ${report.research} 项，委托调研 ${report.delegations} 项`,
  );
} finally {
  await db.destroy();
}
