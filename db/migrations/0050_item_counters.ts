import { type Kysely } from "kysely";
import { createTrigger, dropTrigger, parseTrigger, portableStatement } from "./portable";

/**
 * Item counters kept by the database (issue 19; docs/decisions/0190-counters-kept-by-triggers.md), so the staff
 * dashboard and a department's /my read a handful of rows instead of aggregating every item:
 *
 * - `organization_item_counts` (organization, role, status): live items — neither the item nor its inquiry
 *   voided — where the organisation is the lead department (role 'lead') or a co-department that does not also
 *   lead (role 'co'); `on_time` counts lead items closed on or before their deadline (the closing instant's
 *   Asia/Shanghai date).
 * - `organization_open_deadlines` (organization, deadline, live_work): live open items (todo, in progress,
 *   closure requested) per lead department and deadline; `live_work` is 0 for items of a back-entered inquiry
 *   (补录). "Overdue on a day" and "due within N days" are sums over a few rows per department: deadlines
 *   cluster on a handful of dates per inquiry.
 *
 * Triggers keep both in the writing transaction under every write path: an item created, edited (status,
 * lead, deadline, closing, void), deleted; a co-department added or removed; an inquiry voided or restored, or
 * its back-entry mark changed. The recount test (app/dashboard/counters.server.test.ts) compares them with a
 * full recount after a mixed sequence of writes. The raw SQL is here only, in the SQLite form that
 * db/migrations/portable.ts renders for PostgreSQL (triggers as PL/pgSQL functions; `date(x, '+8 hours')`, the
 * Shanghai date of db/dates.ts shanghaiDateSql, as timestamptz arithmetic).
 */
const OPEN = "('todo', 'in_progress', 'closure_requested')";

const liveItem = (x: string) => `${x}.voided_at is null and not exists (select 1 from inquiries vq where vq.id = ${x}.inquiry_id and vq.voided_at is not null)`;
const onTime = (x: string) => `(case when ${x}.status = 'closed' and date(${x}.closed_at, '+8 hours') <= ${x}.deadline then 1 else 0 end)`;
const liveWork = (x: string) => `(case when exists (select 1 from inquiries bq where bq.id = ${x}.inquiry_id and bq.back_entry = 1) then 0 else 1 end)`;
const ADD_COUNTS =
  "on conflict (organization_id, role, status) do update set items = organization_item_counts.items + excluded.items, on_time = organization_item_counts.on_time + excluded.on_time";
const ADD_DEADLINES = "on conflict (organization_id, deadline, live_work) do update set items = organization_open_deadlines.items + excluded.items";

/** The statements adding (sign 1) or removing (sign -1) one item row's share of the counters. */
function itemShare(x: "old" | "new", sign: 1 | -1): string {
  return `
    insert into organization_item_counts (organization_id, role, status, items, on_time)
      select ${x}.lead_department_id, 'lead', ${x}.status, ${sign}, ${sign} * ${onTime(x)} where ${liveItem(x)} ${ADD_COUNTS};
    insert into organization_item_counts (organization_id, role, status, items, on_time)
      select c.organization_id, 'co', ${x}.status, ${sign} * count(*), 0 from rectification_codepartments c
      where c.item_id = ${x}.id and c.organization_id <> ${x}.lead_department_id and ${liveItem(x)} group by c.organization_id ${ADD_COUNTS};
    insert into organization_open_deadlines (organization_id, deadline, live_work, items)
      select ${x}.lead_department_id, ${x}.deadline, ${liveWork(x)}, ${sign} where ${x}.status in ${OPEN} and ${liveItem(x)} ${ADD_DEADLINES};`;
}

/** A co-department row's share: its organisation co-handles a live item it does not lead. */
function coShare(x: "old" | "new", sign: 1 | -1): string {
  return `
    insert into organization_item_counts (organization_id, role, status, items, on_time)
      select ${x}.organization_id, 'co', i.status, ${sign}, 0 from rectification_items i
      where i.id = ${x}.item_id and i.lead_department_id <> ${x}.organization_id and ${liveItem("i")} ${ADD_COUNTS};`;
}

/**
 * All items of inquiry `x` that are not voided themselves, counted or uncounted at once (sign); `counts` false
 * touches only the deadlines (a change of the back-entry mark alone).
 */
function inquiryShare(x: "old" | "new", sign: 1 | -1, counts: boolean): string {
  const lead = `
    insert into organization_item_counts (organization_id, role, status, items, on_time)
      select i.lead_department_id, 'lead', i.status, ${sign} * count(*), ${sign} * sum(${onTime("i")}) from rectification_items i
      where i.inquiry_id = ${x}.id and i.voided_at is null group by i.lead_department_id, i.status ${ADD_COUNTS};
    insert into organization_item_counts (organization_id, role, status, items, on_time)
      select c.organization_id, 'co', i.status, ${sign} * count(*), 0 from rectification_items i join rectification_codepartments c on c.item_id = i.id
      where i.inquiry_id = ${x}.id and i.voided_at is null and c.organization_id <> i.lead_department_id group by c.organization_id, i.status ${ADD_COUNTS};`;
  return `${counts ? lead : ""}
    insert into organization_open_deadlines (organization_id, deadline, live_work, items)
      select i.lead_department_id, i.deadline, (case when ${x}.back_entry = 1 then 0 else 1 end), ${sign} * count(*) from rectification_items i
      where i.inquiry_id = ${x}.id and i.voided_at is null and i.status in ${OPEN} group by i.lead_department_id, i.deadline ${ADD_DEADLINES};`;
}

const TRIGGERS: Record<string, string> = {
  item_counters_insert: `after insert on rectification_items begin ${itemShare("new", 1)} end`,
  item_counters_update: `after update of status, lead_department_id, deadline, closed_at, voided_at, inquiry_id on rectification_items begin ${itemShare("old", -1)} ${itemShare("new", 1)} end`,
  // before the delete: the co-department rows still exist (their cascade removes them without a second count)
  item_counters_delete: `before delete on rectification_items begin ${itemShare("old", -1)} end`,
  item_counters_co_insert: `after insert on rectification_codepartments begin ${coShare("new", 1)} end`,
  item_counters_co_update: `after update on rectification_codepartments begin ${coShare("old", -1)} ${coShare("new", 1)} end`,
  item_counters_co_delete: `after delete on rectification_codepartments begin ${coShare("old", -1)} end`,
  // an inquiry voided, restored or (un)marked back-entry: its live items leave or join the counters
  item_counters_inquiry_void: `after update of voided_at on inquiries when old.voided_at is null and new.voided_at is not null begin ${inquiryShare("old", -1, true)} end`,
  item_counters_inquiry_restore: `after update of voided_at on inquiries when old.voided_at is not null and new.voided_at is null begin ${inquiryShare("new", 1, true)} end`,
  item_counters_inquiry_back_entry: `after update of back_entry on inquiries when old.back_entry <> new.back_entry and new.voided_at is null and old.voided_at is null begin ${inquiryShare("old", -1, false)} ${inquiryShare("new", 1, false)} end`,
};

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("organization_item_counts")
    .addColumn("organization_id", "integer", (c) => c.notNull())
    .addColumn("role", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("items", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("on_time", "integer", (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint("organization_item_counts_pk", ["organization_id", "role", "status"])
    .execute();
  await db.schema
    .createTable("organization_open_deadlines")
    .addColumn("organization_id", "integer", (c) => c.notNull())
    .addColumn("deadline", "text", (c) => c.notNull())
    .addColumn("live_work", "integer", (c) => c.notNull())
    .addColumn("items", "integer", (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint("organization_open_deadlines_pk", ["organization_id", "deadline", "live_work"])
    .execute();
  // the dashboard's "due within N days" reads every department's rows up to a date
  await db.schema.createIndex("organization_open_deadlines_deadline").on("organization_open_deadlines").columns(["deadline", "live_work", "items"]).execute();

  // what is there now, once (the same definitions as the triggers)
  await portableStatement(
    db,
    `insert into organization_item_counts (organization_id, role, status, items, on_time)
      select i.lead_department_id, 'lead', i.status, count(*), sum(${onTime("i")}) from rectification_items i
      where ${liveItem("i")} group by i.lead_department_id, i.status`,
  ).execute(db);
  await portableStatement(
    db,
    `insert into organization_item_counts (organization_id, role, status, items, on_time)
      select c.organization_id, 'co', i.status, count(*), 0 from rectification_items i join rectification_codepartments c on c.item_id = i.id
      where c.organization_id <> i.lead_department_id and ${liveItem("i")} group by c.organization_id, i.status`,
  ).execute(db);
  await portableStatement(
    db,
    `insert into organization_open_deadlines (organization_id, deadline, live_work, items)
      select i.lead_department_id, i.deadline, ${liveWork("i")}, count(*) from rectification_items i
      where i.status in ${OPEN} and ${liveItem("i")} group by i.lead_department_id, i.deadline, ${liveWork("i")}`,
  ).execute(db);
  for (const [name, body] of Object.entries(TRIGGERS)) await createTrigger(db, `create trigger ${name} ${body}`);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const [name, body] of Object.entries(TRIGGERS)) await dropTrigger(db, name, parseTrigger(`create trigger ${name} ${body}`).table);
  await db.schema.dropTable("organization_open_deadlines").execute();
  await db.schema.dropTable("organization_item_counts").execute();
}
