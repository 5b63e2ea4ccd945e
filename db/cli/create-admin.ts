/**
 * Creates the first administrator on an empty database:
 *   npm run create-admin -- --username NAME --name 姓名
 * The password is read from XUNWEN_ADMIN_PASSWORD or asked for on the terminal; it must meet the same
 * strength rule as every new password.
 */
import { createInterface } from "node:readline/promises";
import { parseArgs } from "node:util";
import { SYSTEM_ACTOR } from "../../app/audit.server";
import { createUser } from "../../app/admin/users.server";
import { databasePath, migrateToLatest, openDatabase } from "../client";

const { values } = parseArgs({
  options: { username: { type: "string" }, name: { type: "string" }, force: { type: "boolean", default: false } },
});
if (!values.username || !values.name) {
  console.error("用法：npm run create-admin -- --username 用户名 --name 姓名 [--force]");
  process.exit(2);
}

const db = openDatabase();
try {
  await migrateToLatest(db);
  const admins = await db.selectFrom("users").select("id").where("role", "=", "admin").where("active", "=", 1).execute();
  if (admins.length > 0 && !values.force) {
    console.error("数据库中已有启用的系统管理员；请登录后在「用户管理」中创建账号（或加 --force）。");
    process.exit(1);
  }
  let password = process.env.XUNWEN_ADMIN_PASSWORD ?? "";
  if (!password) {
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    password = await rl.question("请输入新管理员的密码：");
    rl.close();
  }
  const result = await createUser(db, SYSTEM_ACTOR, {
    username: values.username,
    displayName: values.name,
    role: "admin",
    organizationId: null,
    title: "",
    password,
  });
  if (!result.ok) {
    console.error(`未能创建：${result.message}`);
    process.exitCode = 1;
  } else {
    console.log(`已创建系统管理员「${values.username}」（${databasePath()}）`);
  }
} finally {
  await db.destroy();
}
