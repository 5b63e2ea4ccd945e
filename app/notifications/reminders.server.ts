import { advisoryLock, writeTransaction } from "../../db/transactions";
import { sql, type Kysely, type Transaction } from "kysely";
import type { Database } from "../../db/schema";
import { recordAudit, SYSTEM_ACTOR } from "../audit.server";
import { OPEN_ITEM_STATUSES } from "../rectification/labels";
import { addDays } from "../utils/time";
import { getWarningDays } from "../rectification/status.server";
import { SURVEY_NEAR_DAYS } from "../surveys/surveys.server";
import { daysBetween, formatDate, nowIso, todayInShanghai } from "../utils/time";
import { inLiveWork, liveDelegationRef, liveItemRef, liveSegmentRef, notVoided } from "../history/void.server";
import { notifyManagers } from "./notifications.server";
import { runExclusively } from "../live/jobs.server";

/**
 * Deadline reminders: 7, 3 and 1 days before a deadline, and once when it has passed. Each reminder has a
 * dedupe key (what, which record, which deadline, which step), so running the job twice — or on two
 * servers — sends nothing twice. A changed deadline gets reminders of its own.
 */
export const REMINDER_DAYS = [7, 3, 1] as const;

interface OpenDeadline {
  kind: string;
  recordId: number;
  organizationId: number;
  dueDate: string;
  label: string;
  link: string;
}

async function openDeadlines(db: Kysely<Database>): Promise<OpenDeadline[]> {
  const surveys = await db
    .selectFrom("survey_delegations")
    .innerJoin("survey_requests", "survey_requests.id", "survey_delegations.request_id")
    .select(["survey_delegations.id", "survey_delegations.organization_id", "survey_requests.due_date", "survey_requests.title"])
    .where("survey_delegations.status", "in", ["pending", "returned"])
    .where(notVoided("survey_delegations"))
    .where(inLiveWork("survey_delegations.inquiry_id"))
    .execute();
  const replies = await db
    .selectFrom("written_replies")
    .select(["id", "department_id", "due_date", "question_text"])
    .where("status", "=", "open")
    .where(inLiveWork("written_replies.inquiry_id"))
    .where(liveSegmentRef("written_replies.segment_id"))
    .execute();
  const items = await db
    .selectFrom("rectification_items")
    .select(["id", "lead_department_id", "deadline", "problem", "number"])
    .where("status", "in", OPEN_ITEM_STATUSES)
    .where(notVoided("rectification_items"))
    .where(inLiveWork("rectification_items.inquiry_id"))
    .execute();
  const reports = await db
    .selectFrom("handling_reports")
    .innerJoin("inquiries", "inquiries.id", "handling_reports.inquiry_id")
    .select(["handling_reports.id", "handling_reports.inquiry_id", "handling_reports.due_date", "inquiries.title"])
    .where("handling_reports.status", "=", "pending")
    .where(inLiveWork("handling_reports.inquiry_id"))
    .execute();
  // 下转 (issue 21): the receiving organisation is reminded of its report, like a delegated survey
  const forwarded = await db
    .selectFrom("forwardings as f")
    .select(["f.id", "f.to_organization_id", "f.due_date", "f.subject_type"])
    .where("f.status", "in", ["pending", "returned"])
    .where(inLiveWork("f.inquiry_id"))
    .where((eb) =>
      eb.or([
        eb.and([eb("f.subject_type", "=", "delegation"), liveDelegationRef("f.subject_id")]),
        eb.and([eb("f.subject_type", "=", "item"), liveItemRef("f.subject_id")]),
      ]),
    )
    .execute();
  const governments = await db.selectFrom("organizations").select("id").where("kind", "=", "government").where("active", "=", 1).execute();
  return [
    ...surveys.map((s) => ({ kind: "survey", recordId: s.id, organizationId: s.organization_id, dueDate: s.due_date, label: `委托调研「${s.title}」`, link: `/surveys/${s.id}` })),
    ...replies.map((r) => ({
      kind: "written_reply",
      recordId: r.id,
      organizationId: r.department_id,
      dueDate: r.due_date,
      label: `书面答复「${r.question_text.slice(0, 30)}」`,
      link: `/written-replies/${r.id}`,
    })),
    ...items.map((i) => ({
      kind: "item",
      recordId: i.id,
      organizationId: i.lead_department_id,
      dueDate: i.deadline,
      label: `整改事项 ${i.number}「${i.problem.slice(0, 30)}」`,
      link: `/rectification/${i.id}`,
    })),
    ...forwarded.map((f) => ({
      kind: "forwarding",
      recordId: f.id,
      organizationId: f.to_organization_id,
      dueDate: f.due_date,
      label: `下转的${f.subject_type === "item" ? "整改事项" : "委托调研"}`,
      link: `/forwarded/${f.id}`,
    })),
    ...reports.flatMap((r) =>
      governments.map((g) => ({
        kind: "handling_report",
        recordId: r.id,
        organizationId: g.id,
        dueDate: r.due_date,
        label: `「${r.title}」研究处理情况报告`,
        link: `/inquiries/${r.inquiry_id}/handling-report`,
      })),
    ),
  ];
}

/**
 * The staff's side (issue 12): an item or a delegated survey turning yellow (deadline near: the ledger's warning
 * days for items, SURVEY_NEAR_DAYS for surveys) or red (overdue) notifies the staff who manage its inquiry,
 * once per record, deadline and light (`staff-light:<kind>:<id>:<deadline>:<light>`); a moved deadline lights anew.
 * Only today's state counts: a job that missed days still sends the light the record has now.
 */
async function remindManagers(trx: Transaction<Database>, today: string): Promise<number> {
  const warn = await getWarningDays(trx);
  const items = await trx
    .selectFrom("rectification_items as i")
    .innerJoin("organizations as o", "o.id", "i.lead_department_id")
    .innerJoin("inquiries as q", "q.id", "i.inquiry_id")
    .select(["i.id", "i.inquiry_id", "i.number", "i.problem", "i.deadline", "o.name"])
    .where("i.status", "in", OPEN_ITEM_STATUSES)
    .where("q.stage", "!=", "closed")
    .where(notVoided("i"))
    .where(inLiveWork("i.inquiry_id"))
    .where("i.deadline", "<=", addDays(today, warn))
    .execute();
  const surveys = await trx
    .selectFrom("survey_delegations as d")
    .innerJoin("survey_requests as r", "r.id", "d.request_id")
    .innerJoin("organizations as o", "o.id", "d.organization_id")
    .innerJoin("inquiries as q", "q.id", "d.inquiry_id")
    .select(["d.id", "d.inquiry_id", "r.title", "r.due_date", "o.name"])
    .where("d.status", "in", ["pending", "returned"])
    .where("q.stage", "!=", "closed")
    .where(notVoided("d"))
    .where(inLiveWork("d.inquiry_id"))
    .where("r.due_date", "<=", addDays(today, SURVEY_NEAR_DAYS))
    .execute();
  const lit = (due: string) => (daysBetween(today, due) < 0 ? "red" : "yellow");
  const describe = (due: string) => (lit(due) === "red" ? `已逾期 ${-daysBetween(today, due)} 天` : `临近期限（${formatDate(due)}）`);
  let created = 0;
  for (const i of items) {
    created += await notifyManagers(trx, i.inquiry_id, {
      kind: lit(i.deadline) === "red" ? "staff_overdue" : "staff_deadline",
      title: `第 ${i.number} 项整改事项${describe(i.deadline)}：${i.name}，${i.problem.slice(0, 30)}`,
      link: `/rectification/${i.id}`,
      dedupeKey: `staff-light:item:${i.id}:${i.deadline}:${lit(i.deadline)}`,
    });
  }
  for (const d of surveys) {
    created += await notifyManagers(trx, d.inquiry_id, {
      kind: lit(d.due_date) === "red" ? "staff_overdue" : "staff_deadline",
      title: `委托调研「${d.title}」${describe(d.due_date)}：${d.name}尚未提交报告`,
      link: `/surveys/${d.id}`,
      dedupeKey: `staff-light:survey:${d.id}:${d.due_date}:${lit(d.due_date)}`,
    });
  }
  return created;
}

/** Which reminder step applies today, if any. */
export function reminderStep(dueDate: string, today: string): string | null {
  const days = daysBetween(today, dueDate);
  if (days < 0) return "overdue";
  return (REMINDER_DAYS as readonly number[]).includes(days) ? `due-${days}` : null;
}

export async function runReminders(db: Kysely<Database>, today: string = todayInShanghai()): Promise<{ created: number }> {
  const deadlines = await openDeadlines(db);
  return writeTransaction(db, async (trx) => {
    // a second run at the same moment (another process) waits, then finds every reminder already made
    await advisoryLock(trx, "reminders");
    let created = 0;
    for (const d of deadlines) {
      const step = reminderStep(d.dueDate, today);
      if (!step) continue;
      const days = daysBetween(today, d.dueDate);
      const title = step === "overdue" ? `${d.label}已逾期（截止 ${formatDate(d.dueDate)}）` : `${d.label}将于 ${days} 天后到期（${formatDate(d.dueDate)}）`;
      const key = `reminder:${d.kind}:${d.recordId}:${d.dueDate}:${step}`;
      // a reminder already sent (same dedupe key) is skipped; the rows returned are the ones written
      const { rows } = await sql<{ id: number }>`
        insert into notifications (user_id, kind, title, link, dedupe_key, created_at)
        select id, ${step === "overdue" ? "overdue" : "deadline"}, ${title}, ${d.link}, ${key}, ${nowIso()}
        from users where active = 1 and organization_id = ${d.organizationId}
        on conflict do nothing returning id`.execute(trx);
      created += rows.length;
    }
    created += await remindManagers(trx, today);
    await trx
      .insertInto("settings")
      .values({ key: "reminders_last_run", value: today, updated_at: nowIso() })
      .onConflict((oc) => oc.column("key").doUpdateSet({ value: today, updated_at: nowIso() }))
      .execute();
    if (created > 0) {
      await recordAudit(trx, SYSTEM_ACTOR, {
        action: "reminders.run",
        entityType: "notification",
        summary: `期限提醒：新发送 ${created} 条（${today}）`,
        after: { today, created },
      });
    }
    return { created };
  });
}

/**
 * Runs the job if it has not run today (every server process calls this hourly): under the job's lock, so of
 * several processes one runs it and the others skip it (app/live/jobs.server.ts), and the last run date is read
 * inside that lock, so a process that comes second the same day finds the job done.
 */
export async function runRemindersIfDue(db: Kysely<Database>, today: string = todayInShanghai()): Promise<boolean> {
  const outcome = await runExclusively(db, "reminders", async (trx) => {
    const last = await trx.selectFrom("settings").select("value").where("key", "=", "reminders_last_run").executeTakeFirst();
    if (last?.value === today) return false;
    await runReminders(trx, today);
    return true;
  });
  return outcome.ran && outcome.value;
}
