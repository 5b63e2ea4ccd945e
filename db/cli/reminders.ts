import { runReminders } from "../../app/notifications/reminders.server";
import { migrateToLatest, openDatabase } from "../client";

/** `npm run reminders`: sends today's deadline reminders now (each reminder is sent once only). */
const db = openDatabase();
try {
  await migrateToLatest(db);
  const { created } = await runReminders(db);
  console.log(`期限提醒已运行：新发送 ${created} 条通知`);
} finally {
  await db.destroy();
}
