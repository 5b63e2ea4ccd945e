import { sql } from "kysely";
import { openDatabase } from "../db/client";
const db = openDatabase("data/bench-province.db");
const q = sql`select i.id, i.updated_at, o.name, inquiries.title from rectification_items i join inquiries on inquiries.id = i.inquiry_id join organizations o on o.id = i.lead_department_id where i.status = 'closure_requested' and 1 and inquiries.stage != 'closed'`;
const plan = await sql`explain query plan select i.id, i.updated_at, o.name, inquiries.title from rectification_items i join inquiries on inquiries.id = i.inquiry_id join organizations o on o.id = i.lead_department_id where i.status = 'closure_requested' and 1 and inquiries.stage != 'closed'`.execute(db);
console.log(plan.rows);
for (let k = 0; k < 3; k++) { const t = Date.now(); const r = await q.execute(db); console.log(r.rows.length, Date.now() - t, "ms"); }
const t2 = Date.now(); const c = await sql`select count(*) from rectification_items where status = 'closure_requested'`.execute(db); console.log(c.rows, Date.now() - t2);
await db.destroy();
