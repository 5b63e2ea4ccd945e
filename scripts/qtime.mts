import { openDatabase } from "../db/client";
import { listQueue, queueCount } from "../app/queue/queue.server";
const db = openDatabase("/work/wt/queue/data/bench-province.db");
const admin = { role: "admin" as const, id: 1, organizationName: null };
for (let i = 0; i < 2; i++) {
  let t = Date.now(); const n = await queueCount(db, admin); console.log("count", n, Date.now() - t, "ms");
  t = Date.now(); const r = await listQueue(db, admin, {}, { page: 2, pageSize: 30 }); console.log("list", r.total, r.byKind.map(k=>k.count).join(","), Date.now() - t, "ms");
}
await db.destroy();
