import { inLiveWork, liveInquiryOf, liveSegmentRef, notVoided } from "../history/void.server";
import { percentOf } from "../utils/percent";
import type { Kysely } from "kysely";
import type { Database, InquiryStage, ItemStatus } from "../../db/schema";
import type { CurrentUser } from "../auth/session.server";
import { STAGES } from "../labels";
import { OPEN_ITEM_STATUSES } from "../rectification/labels";
import { getWarningDays } from "../rectification/status.server";
import { listCountyDelegations, SURVEY_NEAR_DAYS } from "../surveys/surveys.server";
import { loadMemberOutlineHome } from "../outline/my.server";
import { PREPARATION_STAGES } from "../outline/preparation-answers.server";
import { isStaff } from "../policy.server";
import { deadlineLight, type Light } from "../utils/deadline";
import { addDays, todayInShanghai } from "../utils/time";

/** The role dashboards of the home page. Counts come from SQL aggregates, lists are capped. */

/** Departments shown on the staff dashboard unless all are asked for; the most items first. */
export const DASHBOARD_DEPARTMENTS = 15;
/** Urgent deadlines listed on the staff dashboard; the count covers all. */
export const DASHBOARD_DEADLINES = 20;

/**
 * Everything the home page shows to this user (the route renders it; the benchmark's floor serves it as JSON).
 * The staff dashboard lists the most urgent deadlines and the departments with the most items; `allDepartments`
 * lists every department.
 */
export async function homeData(db: Kysely<Database>, user: CurrentUser, options: { allDepartments?: boolean } = {}) {
  if (isStaff(user)) {
    const full = await staffDashboard(db);
    const staff = {
      ...full,
      deadlines: full.deadlines.slice(0, DASHBOARD_DEADLINES),
      byDepartment: options.allDepartments ? full.byDepartment : full.byDepartment.slice(0, DASHBOARD_DEPARTMENTS),
      departmentCount: full.byDepartment.length,
    };
    return { staff, department: null, county: null, member: null };
  }
  if (user.role === "department") return { staff: null, department: await departmentDashboard(db, user), county: null, member: null };
  if (user.role === "county") {
    return { staff: null, department: null, county: user.organizationId ? await listCountyDelegations(db, user.organizationId) : [], member: null };
  }
  return { staff: null, department: null, county: null, member: await memberDashboard(db, user), memberOutline: await loadMemberOutlineHome(db, user) };
}

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

export type StaffDashboard = Awaited<ReturnType<typeof computeStaffDashboard>>;

/** per database handle (tests open many), the last computed dashboard and what it was computed for */
const cachedStaffDashboards = new WeakMap<object, { key: string; value: Promise<StaffDashboard> }>();

/**
 * The staff dashboard aggregates every item, so it is computed once per change: triggers bump
 * data_versions.dashboard whenever an inquiry, organisation, setting, survey, written reply, item or
 * handling report changes (db/migrations/0008_performance.ts), and the lights depend on the date. While
 * neither moves, every request shares one result — also the requests that arrive while it is computed.
 */
export async function staffDashboard(db: Kysely<Database>): Promise<StaffDashboard> {
  const today = todayInShanghai();
  const version = await db.selectFrom("data_versions").select("version").where("name", "=", "dashboard").executeTakeFirst();
  const key = `${today}|${version?.version ?? "none"}`;
  const cached = cachedStaffDashboards.get(db);
  if (cached?.key === key) return cached.value;
  const value = computeStaffDashboard(db, today);
  const entry = { key, value };
  cachedStaffDashboards.set(db, entry);
  // a failed computation is not kept
  value.catch(() => {
    if (cachedStaffDashboards.get(db) === entry) cachedStaffDashboards.delete(db);
  });
  return value;
}

async function computeStaffDashboard(db: Kysely<Database>, today: string) {
  const warn = await getWarningDays(db);
  const stageRows = await db
    .selectFrom("inquiries")
    .select(["stage", (eb) => eb.fn.countAll<number>().as("n")])
    .where(notVoided("inquiries", { inquiry: true }))
    .groupBy("stage")
    .execute();
  const byStage = STAGES.map((s) => ({ ...s, count: Number(stageRows.find((r) => r.stage === s.key)?.n ?? 0) }));

  const surveys = await db
    .selectFrom("survey_delegations as d")
    .innerJoin("survey_requests as r", "r.id", "d.request_id")
    .innerJoin("organizations as o", "o.id", "d.organization_id")
    .select(["d.id", "r.title", "r.due_date", "o.name"])
    .where("d.status", "in", ["pending", "returned"])
    // deadlines of live work only: nothing is near or overdue in a voided record or in back-entered history
    .where(notVoided("d"))
    .where(inLiveWork("d.inquiry_id"))
    .where("r.due_date", "<=", addDays(today, SURVEY_NEAR_DAYS))
    .orderBy("r.due_date")
    .limit(50)
    .execute();
  const replies = await db
    .selectFrom("written_replies as w")
    .innerJoin("organizations as o", "o.id", "w.department_id")
    .select(["w.id", "w.question_text", "w.due_date", "o.name"])
    .where("w.status", "=", "open")
    .where(inLiveWork("w.inquiry_id"))
    .where(liveSegmentRef("w.segment_id"))
    .where("w.due_date", "<=", addDays(today, 7))
    .orderBy("w.due_date")
    .limit(50)
    .execute();
  const items = await db
    .selectFrom("rectification_items as i")
    .innerJoin("organizations as o", "o.id", "i.lead_department_id")
    .select(["i.id", "i.number", "i.problem", "i.deadline", "o.name"])
    .where("i.status", "in", OPEN_ITEM_STATUSES)
    .where(notVoided("i"))
    .where(inLiveWork("i.inquiry_id"))
    .where("i.deadline", "<=", addDays(today, warn))
    .orderBy("i.deadline")
    .limit(50)
    .execute();
  // counted from the counters of migration 0050 (live open items per lead department and deadline): a few rows
  // per department, however many items the archive holds
  const urgentItems = await db
    .selectFrom("organization_open_deadlines")
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>("items"), eb.lit(0)).as("n"))
    .where("live_work", "=", 1)
    .where("deadline", "<=", addDays(today, warn))
    .executeTakeFirstOrThrow();
  const reports = await db
    .selectFrom("handling_reports as h")
    .innerJoin("inquiries as q", "q.id", "h.inquiry_id")
    .select(["h.inquiry_id", "h.round", "h.due_date", "q.title"])
    .where("h.status", "=", "pending")
    .where(inLiveWork("h.inquiry_id"))
    .where("h.due_date", "<=", addDays(today, 15))
    .execute();
  const deadlines = keepUrgent([
    ...surveys.map((s) => ({ kind: "委托调研", title: s.title, organization: s.name, dueDate: s.due_date, href: `/surveys/${s.id}`, ...deadlineLight(s.due_date, today, SURVEY_NEAR_DAYS) })),
    ...replies.map((w) => ({ kind: "书面答复", title: w.question_text.slice(0, 40), organization: w.name, dueDate: w.due_date, href: `/written-replies/${w.id}`, ...deadlineLight(w.due_date, today, 7) })),
    ...items.map((i) => ({ kind: "整改事项", title: `${i.number}. ${i.problem.slice(0, 40)}`, organization: i.name, dueDate: i.deadline, href: `/rectification/${i.id}`, ...deadlineLight(i.deadline, today, warn) })),
    ...reports.map((h) => ({ kind: "处理情况报告", title: `${h.title}（第${h.round}次）`, organization: "市政府", dueDate: h.due_date, href: `/inquiries/${h.inquiry_id}/handling-report`, ...deadlineLight(h.due_date, today, 15) })),
  ]);

  // item status by lead department, and closure on time (closed on or before the deadline in force): the
  // counters kept by triggers (migration 0050), not an aggregate over the items
  const statusRows = await db
    .selectFrom("organization_item_counts as c")
    .innerJoin("organizations as o", "o.id", "c.organization_id")
    .select(["o.id", "o.name", "c.status", "c.items as n", "c.on_time"])
    .where("c.role", "=", "lead")
    .where("c.items", ">", 0)
    .execute();
  const overdueRows = await db
    .selectFrom("organization_open_deadlines")
    .select(["organization_id", (eb) => eb.fn.sum<number>("items").as("n")])
    .where("deadline", "<", today)
    .groupBy("organization_id")
    .execute();
  const overdueOf = new Map(overdueRows.map((r) => [r.organization_id, Number(r.n)]));
  const departments = new Map<number, { name: string; counts: Record<ItemStatus, number>; onTime: number; overdue: number }>();
  for (const r of statusRows) {
    const d = departments.get(r.id) ?? { name: r.name, counts: { todo: 0, in_progress: 0, closure_requested: 0, closed: 0, carried_over: 0 }, onTime: 0, overdue: 0 };
    d.counts[r.status] += Number(r.n);
    d.onTime += Number(r.on_time);
    d.overdue = overdueOf.get(r.id) ?? 0;
    departments.set(r.id, d);
  }
  const byDepartment = [...departments.entries()]
    .map(([id, d]) => {
      const closed = d.counts.closed;
      // the rate counts items whose outcome is known: closed ones, and open ones already overdue
      const decided = closed + d.overdue;
      return { id, ...d, total: Object.values(d.counts).reduce((a, b) => a + b, 0), onTimeRate: decided ? d.onTime / decided : null, onTimePercent: decided ? percentOf(d.onTime, decided) : null };
    })
    .sort((a, b) => b.total - a.total);
  // every urgent deadline: the lists above stop at 50 each, items are counted in full
  const deadlineCount = deadlines.filter((d) => d.kind !== "整改事项").length + Number(urgentItems.n);
  return { byStage, deadlines, deadlineCount, byDepartment, warningDays: warn };
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
    .where(notVoided("q"))
    .where("i.outline_issued_version_id", "is not", null)
    // overtaken by the meeting (the rule of preparationOpen in app/outline/preparation-answers.server.ts)
    .where("i.stage", "in", PREPARATION_STAGES)
    .where((eb) => eb.or([eb("i.meeting_date", "is", null), eb("i.meeting_date", ">=", today)]))
    .where((eb) => eb.or([eb("a.status", "is", null), eb("a.status", "!=", "submitted")]))
    .orderBy("i.meeting_date", (ob) => ob.asc().nullsFirst())
    .limit(50)
    .execute();
  const replies = await db
    .selectFrom("written_replies")
    .select(["id", "question_text", "due_date"])
    .where("department_id", "=", org)
    .where("status", "=", "open")
    .where(liveInquiryOf("written_replies.inquiry_id"))
    .where(liveSegmentRef("written_replies.segment_id"))
    .orderBy("due_date")
    .execute();
  const items = await db
    .selectFrom("rectification_items as i")
    .select(["i.id", "i.number", "i.problem", "i.deadline", "i.status", "i.lead_department_id"])
    .where("i.status", "in", OPEN_ITEM_STATUSES)
    .where(notVoided("i"))
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

/** A member's home: open votes and current inquiries — of the inquiries they take part in only (docs/decisions/0031). */
export async function memberDashboard(db: Kysely<Database>, user: Pick<CurrentUser, "id" | "memberInquiryIds">) {
  const scope = [...(user.memberInquiryIds ?? [])];
  if (scope.length === 0) return { votes: [], inquiries: [] };
  const votes = await db
    .selectFrom("votes as v")
    .innerJoin("inquiries as i", "i.id", "v.inquiry_id")
    // has voted, from the roll (a secret vote stores no choice to show)
    .leftJoin("vote_roll as r", (join) => join.onRef("r.vote_id", "=", "v.id").on("r.user_id", "=", user.id))
    .select(["v.id", "v.title", "v.method", "i.title as inquiry_title", "r.voted"])
    .where("v.status", "=", "open")
    .where("v.inquiry_id", "in", scope)
    .where(notVoided("i", { inquiry: true }))
    .where(liveSegmentRef("v.segment_id"))
    .orderBy("v.id", "desc")
    .execute();
  const inquiries = await db
    .selectFrom("inquiries")
    .select(["id", "title", "meeting_date", "stage"])
    .where("stage", "!=", "closed" as InquiryStage)
    .where("id", "in", scope)
    .where(notVoided("inquiries", { inquiry: true }))
    .orderBy("meeting_date", (ob) => ob.desc().nullsLast())
    .limit(10)
    .execute();
  // the member's proposals are shown by the outline's own home section (app/outline/MySection.tsx)
  return { votes, inquiries };
}
