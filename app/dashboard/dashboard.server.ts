import { sql, type Kysely } from "kysely";
import type { Database, InquiryStage, ItemStatus } from "../../db/schema";
import type { CurrentUser } from "../auth/session.server";
import { STAGES } from "../labels";
import { OPEN_ITEM_STATUSES } from "../rectification/labels";
import { getWarningDays } from "../rectification/rectification.server";
import { SURVEY_NEAR_DAYS } from "../surveys/surveys.server";
import { deadlineLight, type Light } from "../utils/deadline";
import { todayInShanghai } from "../utils/time";

/** The role dashboards of the home page. Counts come from SQL aggregates, lists are capped. */

export interface DeadlineRow {
  kind: string;
  title: string;
  organization: string;
  dueDate: string;
  light: Light;
  daysLeft: number;
  href: string;
}

function keepUrgent(rows: DeadlineRow[]): DeadlineRow[] {
  return rows.filter((r) => r.light === "red" || r.light === "yellow").sort((a, b) => a.daysLeft - b.daysLeft);
}

export async function staffDashboard(db: Kysely<Database>) {
  const today = todayInShanghai();
  const warn = await getWarningDays(db);
  const stageRows = await db.selectFrom("inquiries").select(["stage", (eb) => eb.fn.countAll<number>().as("n")]).groupBy("stage").execute();
  const byStage = STAGES.map((s) => ({ ...s, count: Number(stageRows.find((r) => r.stage === s.key)?.n ?? 0) }));

  const surveys = await db
    .selectFrom("survey_delegations as d")
    .innerJoin("survey_requests as r", "r.id", "d.request_id")
    .innerJoin("organizations as o", "o.id", "d.organization_id")
    .select(["d.id", "r.title", "r.due_date", "o.name"])
    .where("d.status", "in", ["pending", "returned"])
    .where("r.due_date", "<=", sql<string>`date(${today}, '+${sql.raw(String(SURVEY_NEAR_DAYS))} days')`)
    .orderBy("r.due_date")
    .limit(50)
    .execute();
  const replies = await db
    .selectFrom("written_replies as w")
    .innerJoin("organizations as o", "o.id", "w.department_id")
    .select(["w.id", "w.question_text", "w.due_date", "o.name"])
    .where("w.status", "=", "open")
    .where("w.due_date", "<=", sql<string>`date(${today}, '+7 days')`)
    .orderBy("w.due_date")
    .limit(50)
    .execute();
  const items = await db
    .selectFrom("rectification_items as i")
    .innerJoin("organizations as o", "o.id", "i.lead_department_id")
    .select(["i.id", "i.number", "i.problem", "i.deadline", "o.name"])
    .where("i.status", "in", OPEN_ITEM_STATUSES)
    .where("i.deadline", "<=", sql<string>`date(${today}, '+${sql.raw(String(warn))} days')`)
    .orderBy("i.deadline")
    .limit(50)
    .execute();
  const reports = await db
    .selectFrom("handling_reports as h")
    .innerJoin("inquiries as q", "q.id", "h.inquiry_id")
    .select(["h.inquiry_id", "h.round", "h.due_date", "q.title"])
    .where("h.status", "=", "pending")
    .where("h.due_date", "<=", sql<string>`date(${today}, '+15 days')`)
    .execute();
  const deadlines = keepUrgent([
    ...surveys.map((s) => ({ kind: "委托调研", title: s.title, organization: s.name, dueDate: s.due_date, href: `/surveys/${s.id}`, ...deadlineLight(s.due_date, today, SURVEY_NEAR_DAYS) })),
    ...replies.map((w) => ({ kind: "书面答复", title: w.question_text.slice(0, 40), organization: w.name, dueDate: w.due_date, href: `/written-replies/${w.id}`, ...deadlineLight(w.due_date, today, 7) })),
    ...items.map((i) => ({ kind: "整改事项", title: `${i.number}. ${i.problem.slice(0, 40)}`, organization: i.name, dueDate: i.deadline, href: `/rectification/${i.id}`, ...deadlineLight(i.deadline, today, warn) })),
    ...reports.map((h) => ({ kind: "处理情况报告", title: `${h.title}（第${h.round}次）`, organization: "市政府", dueDate: h.due_date, href: `/inquiries/${h.inquiry_id}/handling-report`, ...deadlineLight(h.due_date, today, 15) })),
  ]);

  // item status by lead department, and closure on time (closed on or before the deadline in force)
  const statusRows = await db
    .selectFrom("rectification_items as i")
    .innerJoin("organizations as o", "o.id", "i.lead_department_id")
    .select([
      "o.id",
      "o.name",
      "i.status",
      (eb) => eb.fn.countAll<number>().as("n"),
      sql<number>`sum(case when i.status = 'closed' and substr(i.closed_at, 1, 10) <= i.deadline then 1 else 0 end)`.as("on_time"),
      sql<number>`sum(case when i.status in ('todo','in_progress','closure_requested') and i.deadline < ${today} then 1 else 0 end)`.as("overdue"),
    ])
    .groupBy(["o.id", "o.name", "i.status"])
    .execute();
  const departments = new Map<number, { name: string; counts: Record<ItemStatus, number>; onTime: number; overdue: number }>();
  for (const r of statusRows) {
    const d = departments.get(r.id) ?? { name: r.name, counts: { todo: 0, in_progress: 0, closure_requested: 0, closed: 0, carried_over: 0 }, onTime: 0, overdue: 0 };
    d.counts[r.status] += Number(r.n);
    d.onTime += Number(r.on_time);
    d.overdue += Number(r.overdue);
    departments.set(r.id, d);
  }
  const byDepartment = [...departments.entries()]
    .map(([id, d]) => {
      const closed = d.counts.closed;
      // the rate counts items whose outcome is known: closed ones, and open ones already overdue
      const decided = closed + d.overdue;
      return { id, ...d, total: Object.values(d.counts).reduce((a, b) => a + b, 0), onTimeRate: decided ? d.onTime / decided : null };
    })
    .sort((a, b) => b.total - a.total);
  return { byStage, deadlines, byDepartment, warningDays: warn };
}

export async function departmentDashboard(db: Kysely<Database>, user: Pick<CurrentUser, "organizationId">) {
  const org = user.organizationId ?? -1;
  const today = todayInShanghai();
  const warn = await getWarningDays(db);
  const questions = await db
    .selectFrom("outline_questions as q")
    .innerJoin("inquiries as i", "i.id", "q.inquiry_id")
    .leftJoin("preparation_answers as a", "a.question_id", "q.id")
    .select(["q.id", "q.text", "q.inquiry_id", "i.title", "i.meeting_date", "a.status as answer_status"])
    .where("q.department_id", "=", org)
    .where("i.outline_issued_version_id", "is not", null)
    .where((eb) => eb.or([eb("a.status", "is", null), eb("a.status", "!=", "submitted")]))
    .orderBy("i.meeting_date")
    .limit(50)
    .execute();
  const replies = await db
    .selectFrom("written_replies")
    .select(["id", "question_text", "due_date"])
    .where("department_id", "=", org)
    .where("status", "=", "open")
    .orderBy("due_date")
    .execute();
  const items = await db
    .selectFrom("rectification_items as i")
    .select(["i.id", "i.number", "i.problem", "i.deadline", "i.status", "i.lead_department_id"])
    .where("i.status", "in", OPEN_ITEM_STATUSES)
    .where((eb) =>
      eb.or([
        eb("i.lead_department_id", "=", org),
        eb.exists(eb.selectFrom("rectification_codepartments as c").select("c.item_id").whereRef("c.item_id", "=", "i.id").where("c.organization_id", "=", org)),
      ]),
    )
    .orderBy("i.deadline")
    .limit(100)
    .execute();
  return {
    questions: questions.map((q) => ({ ...q, meetingLight: q.meeting_date ? deadlineLight(q.meeting_date, today, 7) : null })),
    replies: replies.map((r) => ({ ...r, ...deadlineLight(r.due_date, today, 7) })),
    items: items.map((i) => ({ ...i, role: i.lead_department_id === org ? "牵头" : "配合", ...deadlineLight(i.deadline, today, warn) })),
  };
}

export async function memberDashboard(db: Kysely<Database>, user: Pick<CurrentUser, "id">) {
  const votes = await db
    .selectFrom("votes as v")
    .innerJoin("inquiries as i", "i.id", "v.inquiry_id")
    .leftJoin("vote_ballots as b", (join) => join.onRef("b.vote_id", "=", "v.id").on("b.member_id", "=", user.id))
    .select(["v.id", "v.title", "i.title as inquiry_title", "b.choice"])
    .where("v.status", "=", "open")
    .orderBy("v.id", "desc")
    .execute();
  const inquiries = await db
    .selectFrom("inquiries")
    .select(["id", "title", "meeting_date", "stage"])
    .where("stage", "!=", "closed" as InquiryStage)
    .orderBy("meeting_date", "desc")
    .limit(10)
    .execute();
  // the member's proposals are shown by the outline's own home section (app/outline/MySection.tsx)
  return { votes, inquiries };
}
