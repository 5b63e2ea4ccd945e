import { sql, type Kysely } from "kysely";
import { createTrigger } from "./portable";
import { id } from "./portable";

/**
 * Notifications. Assignments and decisions notify the people concerned through triggers, so every path
 * that makes such a change (page, import, command) notifies, in the same transaction. Deadline reminders
 * come from a daily job (app/notifications/reminders.server.ts); `dedupe_key` makes each reminder once only.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("notifications")
    .addColumn("id", "integer", id(db))
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("link", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("dedupe_key", "text")
    .addColumn("read_at", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("notifications_user").on("notifications").columns(["user_id", "read_at", "id"]).execute();
  await sql`create unique index notifications_dedupe on notifications (user_id, dedupe_key) where dedupe_key is not null`.execute(db);

  const now = `strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`;
  /** Inserts one notification for every active user of the organisation expression. */
  const notifyOrg = (orgExpr: string, kind: string, title: string, link: string) =>
    `insert into notifications (user_id, kind, title, link, created_at)
       select u.id, '${kind}', ${title}, ${link}, ${now} from users u where u.active = 1 and u.organization_id = ${orgExpr};`;

  const triggers: [string, string][] = [
    [
      "notify_survey_delegated",
      `after insert on survey_delegations begin ${notifyOrg(
        "new.organization_id",
        "survey_assigned",
        `'委托调研：' || (select title from survey_requests where id = new.request_id) || '（截止 ' || (select due_date from survey_requests where id = new.request_id) || '）'`,
        `'/surveys/' || new.id`,
      )} end`,
    ],
    [
      "notify_survey_returned",
      `after update of status on survey_delegations when new.status = 'returned' and old.status <> 'returned' begin ${notifyOrg(
        "new.organization_id",
        "survey_returned",
        `'调研报告被退回修改：' || new.return_comment`,
        `'/surveys/' || new.id`,
      )} end`,
    ],
    [
      "notify_outline_issued",
      `after update of issued_at on outline_versions when new.issued_at is not null and old.issued_at is null begin
        insert into notifications (user_id, kind, title, link, created_at)
          select u.id, 'questions_issued', '询问提纲已下发：' || (select title from inquiries where id = new.inquiry_id) || '，请查看本单位的问题并准备书面答复', '/my', ${now}
          from users u where u.active = 1 and u.organization_id in (select distinct department_id from outline_questions where inquiry_id = new.inquiry_id);
      end`,
    ],
    [
      "notify_item_assigned",
      `after insert on rectification_items begin ${notifyOrg(
        "new.lead_department_id",
        "item_assigned",
        `'新的整改事项（牵头）：' || substr(new.problem, 1, 60) || '（时限 ' || new.deadline || '）'`,
        `'/rectification/' || new.id`,
      )} end`,
    ],
    [
      "notify_item_codepartment",
      `after insert on rectification_codepartments begin ${notifyOrg(
        "new.organization_id",
        "item_assigned",
        `'新的整改事项（配合）：' || substr((select problem from rectification_items where id = new.item_id), 1, 60)`,
        `'/rectification/' || new.item_id`,
      )} end`,
    ],
    [
      "notify_item_returned",
      `after update of status on rectification_items when old.status = 'closure_requested' and new.status = 'in_progress' begin ${notifyOrg(
        "new.lead_department_id",
        "item_returned",
        `'销号申请被退回：' || new.return_comment`,
        `'/rectification/' || new.id`,
      )} end`,
    ],
    [
      "notify_extension_decided",
      `after update of status on deadline_extensions when old.status = 'pending' and new.status <> 'pending' begin ${notifyOrg(
        "(select lead_department_id from rectification_items where id = new.item_id)",
        "extension_decided",
        `'延期申请' || case new.status when 'approved' then '已批准，新时限 ' || new.requested_deadline else '未获批准：' || new.decision_note end`,
        `'/rectification/' || new.item_id`,
      )} end`,
    ],
    [
      "notify_vote_opened",
      `after insert on votes begin
        insert into notifications (user_id, kind, title, link, created_at)
          select u.id, 'vote_opened', '满意度测评已开始：' || new.title, '/votes/' || new.id, ${now}
          from users u where u.active = 1 and u.role = 'member';
      end`,
    ],
    [
      "notify_written_reply",
      `after insert on written_replies begin ${notifyOrg(
        "new.department_id",
        "written_reply_assigned",
        `'需书面答复的问题（截止 ' || new.due_date || '）：' || substr(new.question_text, 1, 60)`,
        `'/written-replies/' || new.id`,
      )} end`,
    ],
  ];
  for (const [name, body] of triggers) await createTrigger(db, `create trigger ${name} ${body}`);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const name of [
    "notify_survey_delegated",
    "notify_survey_returned",
    "notify_outline_issued",
    "notify_item_assigned",
    "notify_item_codepartment",
    "notify_item_returned",
    "notify_extension_decided",
    "notify_vote_opened",
    "notify_written_reply",
  ]) {
    await sql.raw(`drop trigger if exists ${name}`).execute(db);
  }
  await db.schema.dropTable("notifications").execute();
}
