import type { Kysely } from "kysely";
import { liveInquiryOf, notVoided } from "../history/void.server";
import { ACCOUNTABILITY_KINDS } from "../followup/labels";
import type { AccountabilityKind, Database, VoteChoice } from "../../db/schema";
import { closedResult, CHOICES } from "../meeting/votes.server";
import { dateInShanghai, todayInShanghai } from "../utils/time";

/**
 * The annual report (issue 22 item 4; docs/decisions/0123-annual-report.md): what the standing committee's special
 * inquiries did in one calendar year (Asia/Shanghai dates throughout):
 * - inquiries held: meeting date in the year; their outline questions and meeting exchanges (现场提问 apart);
 * - rectification items per lead department: raised (registered in the year), closed in the year (on time: closed
 *   on or before the deadline; late), overdue (still open at the year's end — or today, for the current year —
 *   past its deadline), carried over (结转, final);
 * - satisfaction votes closed in the year: result and the four choices' totals;
 * - accountability steps the system records: 催办 sent, failed votes requiring a new report, handling reports
 *   sent back for resubmission.
 */
export interface DepartmentYear {
  id: number;
  name: string;
  raised: number;
  closed: number;
  onTime: number;
  late: number;
  overdue: number;
  carriedOver: number;
  chaseUps: number;
}

export interface AnnualReport {
  year: number;
  /** the date the figures stand at: the year's last day, or today for the current year */
  asOf: string;
  inquiries: { id: number; title: string; meetingDate: string; questions: number; exchanges: number; unplanned: number }[];
  totals: { inquiries: number; questions: number; exchanges: number; raised: number; closed: number; onTime: number; late: number; overdue: number; carriedOver: number };
  departments: DepartmentYear[];
  votes: { count: number; passed: number; notPassed: number; choices: Record<VoteChoice, number>; list: { id: number; title: string; inquiryTitle: string; result: string }[] };
  /** steps: the recorded 约谈 / 通报 / 提请常委会审议 / 移交 of the year by their date (issue 21), per kind */
  accountability: { chaseUps: number; reReports: number; resubmissions: number; steps: Record<AccountabilityKind, number> };
}

type Db = Kysely<Database>;

/** Years with anything to report (meetings, items or votes), newest first; the current year always. */
export async function reportYears(db: Db, today = todayInShanghai()): Promise<number[]> {
  const years = new Set<number>([Number(today.slice(0, 4))]);
  for (const r of await db.selectFrom("inquiries").select("meeting_date").where("meeting_date", "is not", null).execute()) years.add(Number(r.meeting_date!.slice(0, 4)));
  for (const r of await annualItemRows(db)) years.add(Number(dateInShanghai(r.created_at).slice(0, 4)));
  return [...years].filter((y) => y >= 1990 && y <= 2100).sort((a, b) => b - a);
}

/** Every rectification item with its lead department: the one read of items for the annual report. */
export async function annualItemRows(db: Db) {
  return db
    .selectFrom("rectification_items as i")
    .innerJoin("organizations as o", "o.id", "i.lead_department_id")
    .select(["i.id", "i.inquiry_id", "i.status", "i.deadline", "i.created_at", "i.closed_at", "i.updated_at", "i.lead_department_id", "o.name as lead_name"])
    .where(notVoided("i"))
    .execute();
}

/** Outline questions and meeting exchanges per inquiry: the one read of questions for the annual report. */
export async function annualQuestionCounts(db: Db, inquiryIds: number[]) {
  if (!inquiryIds.length) return { questions: new Map<number, number>(), exchanges: new Map<number, { all: number; unplanned: number }>() };
  const q = await db
    .selectFrom("outline_questions")
    .select(["inquiry_id", (eb) => eb.fn.countAll<number>().as("n")])
    .where("inquiry_id", "in", inquiryIds)
    .where("voided_at", "is", null)
    .groupBy("inquiry_id")
    .execute();
  const e = await db
    .selectFrom("meeting_segments")
    .select(["inquiry_id", "unplanned", (eb) => eb.fn.countAll<number>().as("n")])
    .where("inquiry_id", "in", inquiryIds)
    .where("kind", "=", "exchange")
    .where("voided_at", "is", null)
    .groupBy(["inquiry_id", "unplanned"])
    .execute();
  const exchanges = new Map<number, { all: number; unplanned: number }>();
  for (const r of e) {
    const row = exchanges.get(r.inquiry_id) ?? { all: 0, unplanned: 0 };
    row.all += Number(r.n);
    if (r.unplanned) row.unplanned += Number(r.n);
    exchanges.set(r.inquiry_id, row);
  }
  return { questions: new Map(q.map((r) => [r.inquiry_id, Number(r.n)])), exchanges };
}

export async function annualReport(db: Db, year: number, today = todayInShanghai()): Promise<AnnualReport> {
  const first = `${year}-01-01`;
  const last = `${year}-12-31`;
  const asOf = today < last ? today : last;
  const inYear = (date: string | null) => !!date && date >= first && date <= last;

  const held = await db
    .selectFrom("inquiries")
    .select(["id", "title", "meeting_date"])
    .where(notVoided("inquiries", { inquiry: true }))
    .where("meeting_date", ">=", first)
    .where("meeting_date", "<=", last)
    .orderBy("meeting_date", (ob) => ob.asc().nullsFirst())
    .orderBy("id")
    .execute();
  const counts = await annualQuestionCounts(db, held.map((i) => i.id));
  const inquiries = held.map((i) => ({
    id: i.id,
    title: i.title,
    meetingDate: i.meeting_date!,
    questions: counts.questions.get(i.id) ?? 0,
    exchanges: counts.exchanges.get(i.id)?.all ?? 0,
    unplanned: counts.exchanges.get(i.id)?.unplanned ?? 0,
  }));

  const departments = new Map<number, DepartmentYear>();
  const dept = (id: number, name: string) => {
    let row = departments.get(id);
    if (!row) departments.set(id, (row = { id, name, raised: 0, closed: 0, onTime: 0, late: 0, overdue: 0, carriedOver: 0, chaseUps: 0 }));
    return row;
  };
  for (const i of await annualItemRows(db)) {
    const created = dateInShanghai(i.created_at);
    const closed = i.closed_at ? dateInShanghai(i.closed_at) : null;
    if (created > asOf) continue;
    const row = dept(i.lead_department_id, i.lead_name);
    if (inYear(created)) row.raised++;
    if (i.status === "closed" && inYear(closed)) {
      row.closed++;
      if (closed! <= i.deadline) row.onTime++;
      else row.late++;
    }
    if (i.status === "carried_over" && inYear(dateInShanghai(i.updated_at))) row.carriedOver++;
    // open at the year's end: not closed by then (closed later counts as open then), not carried over
    const openAtEnd = i.status === "closed" ? closed! > asOf : i.status !== "carried_over";
    if (openAtEnd && i.deadline < asOf) row.overdue++;
  }

  const chases = await db
    .selectFrom("chase_ups as c")
    .innerJoin("organizations as o", "o.id", "c.organization_id")
    .select(["c.organization_id", "o.name", "c.sent_at"])
    .execute();
  let chaseUps = 0;
  for (const c of chases) {
    if (!inYear(dateInShanghai(c.sent_at))) continue;
    chaseUps++;
    dept(c.organization_id, c.name).chaseUps++;
  }

  const votes = await db
    .selectFrom("votes as v")
    .innerJoin("inquiries as i", "i.id", "v.inquiry_id")
    .select(["v.id", "v.title", "v.closed_at", "v.result", "v.followup", "i.title as inquiry_title"])
    .where("v.status", "=", "closed")
    .orderBy("v.closed_at", (ob) => ob.asc().nullsFirst())
    .execute();
  const choices = Object.fromEntries(CHOICES.map((c) => [c, 0])) as Record<VoteChoice, number>;
  const list: AnnualReport["votes"]["list"] = [];
  let passed = 0;
  let notPassed = 0;
  let reReports = 0;
  for (const v of votes) {
    if (!v.closed_at || !inYear(dateInShanghai(v.closed_at))) continue;
    const r = await closedResult(db, v.id);
    if (!r) continue;
    for (const c of CHOICES) choices[c] += r.outcome.counts[c];
    const ok = r.result ? r.result === "passed" : r.outcome.passed;
    if (ok) passed++;
    else notPassed++;
    if (v.followup === "re_report") reReports++;
    list.push({ id: v.id, title: v.title, inquiryTitle: v.inquiry_title, result: ok ? "通过" : "未通过" });
  }
  const resubmissions = (
    await db.selectFrom("handling_reports").select(["updated_at"]).where("status", "=", "resubmission_required").execute()
  ).filter((r) => inYear(dateInShanghai(r.updated_at))).length;

  const steps = Object.fromEntries(ACCOUNTABILITY_KINDS.map((k) => [k, 0])) as Record<AccountabilityKind, number>;
  for (const a of await db.selectFrom("accountability_steps").select(["kind", "step_date"]).where(liveInquiryOf("accountability_steps.inquiry_id")).execute()) {
    if (inYear(a.step_date)) steps[a.kind]++;
  }

  const rows = [...departments.values()]
    .filter((d) => d.raised || d.closed || d.overdue || d.carriedOver || d.chaseUps)
    .sort((a, b) => b.raised + b.overdue - (a.raised + a.overdue) || a.name.localeCompare(b.name, "zh"));
  const sum = (k: keyof DepartmentYear) => rows.reduce((s, d) => s + (d[k] as number), 0);
  return {
    year,
    asOf,
    inquiries,
    totals: {
      inquiries: inquiries.length,
      questions: inquiries.reduce((s, i) => s + i.questions, 0),
      exchanges: inquiries.reduce((s, i) => s + i.exchanges, 0),
      raised: sum("raised"),
      closed: sum("closed"),
      onTime: sum("onTime"),
      late: sum("late"),
      overdue: sum("overdue"),
      carriedOver: sum("carriedOver"),
    },
    departments: rows,
    votes: { count: list.length, passed, notPassed, choices, list },
    accountability: { chaseUps, reReports, resubmissions, steps },
  };
}

/** The congress the report is about: the name most inquiries are registered under (an installation serves one). */
export async function reportingCongress(db: Db): Promise<string> {
  const row = await db
    .selectFrom("inquiries")
    .select(["congress", (eb) => eb.fn.countAll<number>().as("n")])
    .where("congress", "!=", "")
    .groupBy("congress")
    .orderBy("n", "desc")
    .executeTakeFirst();
  return row?.congress ?? "";
}
