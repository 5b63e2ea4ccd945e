import { rosterOptions } from "../roster/roster.server";
import type { Kysely } from "kysely";
import { activeOrganizations, RESPONDING_KINDS } from "../admin/organizations.server";
import { respondingOrganizations } from "../inquiries/inquiries.server";
import type { Database } from "../../db/schema";
import { notVoided } from "../history/void.server";
import { questionerLabel } from "./labels";
import type { Trx } from "./workflow.server";

/**
 * The live (editable) outline: keywords with their questions and sources, the choices the edit forms offer
 * (sources, departments, questioners), coverage of the findings, and the ordering helpers keywords and
 * questions share.
 */

export async function getOutlineHead(db: Kysely<Database>, inquiryId: number) {
  return db
    .selectFrom("inquiries")
    .select(["id", "title", "congress", "session_name", "meeting_date", "stage", "outline_status", "outline_revision", "outline_issued_version_id"])
    .where("id", "=", inquiryId)
    .executeTakeFirst();
}

export interface SourceRef {
  type: "finding" | "survey_report";
  id: number;
  label: string;
  /** where the source can be read */
  href: string;
}

export interface LiveQuestion {
  id: number;
  keyword_id: number;
  text: string;
  department_id: number;
  department_name: string;
  questioner_user_id: number | null;
  questioner_name: string;
  questioner_role: string;
  position: number;
  staff_notes: string;
  version: number;
  sources: SourceRef[];
}

export interface LiveKeyword {
  id: number;
  keyword: string;
  headline: string;
  position: number;
  questions: LiveQuestion[];
}

function sourceHref(inquiryId: number, type: "finding" | "survey_report", id: number, activityId: number | null): string {
  if (type === "survey_report") return `/surveys/${id}`;
  return activityId ? `/inquiries/${inquiryId}/research/${activityId}` : `/inquiries/${inquiryId}/research#clues`;
}

/** The labels of the given sources (findings by their text, county reports by their county). */
export async function describeSources(db: Kysely<Database> | Trx, inquiryId: number, refs: { type: string; id: number }[]) {
  const findingIds = refs.filter((r) => r.type === "finding").map((r) => r.id);
  const reportIds = refs.filter((r) => r.type === "survey_report").map((r) => r.id);
  const findings = findingIds.length
    ? await db.selectFrom("research_findings").select(["id", "text", "activity_id"]).where("id", "in", findingIds).where("inquiry_id", "=", inquiryId).execute()
    : [];
  const reports = reportIds.length
    ? await db
        .selectFrom("survey_delegations")
        .innerJoin("organizations", "organizations.id", "survey_delegations.organization_id")
        .select(["survey_delegations.id", "organizations.name"])
        .where("survey_delegations.id", "in", reportIds)
        .where("survey_delegations.inquiry_id", "=", inquiryId)
        .execute()
    : [];
  const map = new Map<string, SourceRef>();
  for (const f of findings) map.set(`finding:${f.id}`, { type: "finding", id: f.id, label: f.text, href: sourceHref(inquiryId, "finding", f.id, f.activity_id) });
  for (const r of reports) map.set(`survey_report:${r.id}`, { type: "survey_report", id: r.id, label: `${r.name}调研报告`, href: sourceHref(inquiryId, "survey_report", r.id, null) });
  return map;
}

/** The live outline: keywords in order, each with its questions in order and their sources. */
export async function loadOutline(db: Kysely<Database> | Trx, inquiryId: number): Promise<LiveKeyword[]> {
  const keywords = await db
    .selectFrom("outline_keywords")
    .select(["id", "keyword", "headline", "position"])
    .where("inquiry_id", "=", inquiryId)
    .orderBy("position")
    .orderBy("id")
    .execute();
  const questions = await db
    .selectFrom("outline_questions")
    .innerJoin("organizations", "organizations.id", "outline_questions.department_id")
    .select([
      "outline_questions.id",
      "outline_questions.keyword_id",
      "outline_questions.text",
      "outline_questions.department_id",
      "organizations.name as department_name",
      "outline_questions.questioner_user_id",
      "outline_questions.questioner_name",
      "outline_questions.questioner_role",
      "outline_questions.position",
      "outline_questions.staff_notes",
      "outline_questions.version",
    ])
    .where("outline_questions.inquiry_id", "=", inquiryId)
    // a voided question leaves the outline, its versions to come and its Word export (issue 13)
    .where(notVoided("outline_questions"))
    .orderBy("outline_questions.position")
    .orderBy("outline_questions.id")
    .execute();
  const refs = questions.length
    ? await db.selectFrom("outline_question_sources").selectAll().where("question_id", "in", questions.map((q) => q.id)).execute()
    : [];
  const labels = await describeSources(db, inquiryId, refs.map((r) => ({ type: r.source_type, id: r.source_id })));
  return keywords.map((k) => ({
    ...k,
    questions: questions
      .filter((q) => q.keyword_id === k.id)
      .map((q) => ({
        ...q,
        sources: refs
          .filter((r) => r.question_id === q.id)
          .map((r) => labels.get(`${r.source_type}:${r.source_id}`))
          .filter((s): s is SourceRef => !!s)
          .sort((a, b) => (a.type === b.type ? a.id - b.id : a.type === "finding" ? -1 : 1)),
      })),
  }));
}

/** What a question may cite: the inquiry's problem clues and its county reports as handed in. */
export async function sourceOptions(db: Kysely<Database>, inquiryId: number) {
  const findings = await db
    .selectFrom("research_findings")
    .leftJoin("research_activities", "research_activities.id", "research_findings.activity_id")
    .select(["research_findings.id", "research_findings.text", "research_findings.activity_id", "research_activities.title as activity_title"])
    .where("research_findings.inquiry_id", "=", inquiryId)
    .orderBy("research_findings.id")
    .execute();
  const reports = await db
    .selectFrom("survey_delegations")
    .innerJoin("organizations", "organizations.id", "survey_delegations.organization_id")
    .innerJoin("survey_requests", "survey_requests.id", "survey_delegations.request_id")
    .select(["survey_delegations.id", "organizations.name", "survey_requests.title", "survey_delegations.status"])
    .where("survey_delegations.inquiry_id", "=", inquiryId)
    .where("survey_delegations.status", "in", ["submitted", "accepted"])
    .orderBy("organizations.sort_order")
    .orderBy("survey_delegations.id")
    .execute();
  return {
    findings: findings.map((f) => ({ type: "finding" as const, id: f.id, label: f.text, detail: f.activity_title ?? "未关联调研活动", href: sourceHref(inquiryId, "finding", f.id, f.activity_id) })),
    reports: reports.map((r) => ({ type: "survey_report" as const, id: r.id, label: `${r.name}调研报告`, detail: r.title, href: sourceHref(inquiryId, "survey_report", r.id, null) })),
  };
}

/** The departments a question may be addressed to: the inquiry's responding organs (all active ones if none are listed). */
export async function departmentOptions(db: Kysely<Database>, inquiryId: number) {
  const responding = await respondingOrganizations(db, inquiryId);
  if (responding.length) return responding;
  return (await activeOrganizations(db, RESPONDING_KINDS)).map(({ id, name }) => ({ id, name }));
}

/** Who may be picked as a questioner: the active roster (组成人员名册), in roster order. */
export async function questionerOptions(db: Kysely<Database>) {
  return rosterOptions(db);
}

export interface Coverage {
  byDepartment: { id: number; name: string; count: number }[];
  departmentsWithout: { id: number; name: string }[];
  byQuestioner: { label: string; hasAccount: boolean; count: number }[];
  unusedFindings: { id: number; label: string; href: string }[];
  unusedReports: { id: number; label: string; href: string }[];
  questions: number;
}

/** Coverage at a glance (pure): questions per department and per questioner, what is not yet covered. */
export function computeCoverage(
  outline: LiveKeyword[],
  responding: { id: number; name: string }[],
  sources: { findings: { id: number; label: string; href: string }[]; reports: { id: number; label: string; href: string }[] },
): Coverage {
  const questions = outline.flatMap((k) => k.questions);
  const depts = new Map<number, { id: number; name: string; count: number }>();
  for (const q of questions) {
    const d = depts.get(q.department_id) ?? { id: q.department_id, name: q.department_name, count: 0 };
    d.count++;
    depts.set(q.department_id, d);
  }
  const people = new Map<string, { label: string; hasAccount: boolean; count: number }>();
  for (const q of questions) {
    const key = q.questioner_user_id ? `u${q.questioner_user_id}` : `n${q.questioner_name}|${q.questioner_role}`;
    const p = people.get(key) ?? { label: questionerLabel(q), hasAccount: q.questioner_user_id !== null, count: 0 };
    p.count++;
    people.set(key, p);
  }
  const used = new Set(questions.flatMap((q) => q.sources.map((s) => `${s.type}:${s.id}`)));
  return {
    byDepartment: [...depts.values()].sort((a, b) => b.count - a.count || a.id - b.id),
    departmentsWithout: responding.filter((d) => !depts.has(d.id)),
    byQuestioner: [...people.values()].sort((a, b) => b.count - a.count),
    unusedFindings: sources.findings.filter((f) => !used.has(`finding:${f.id}`)).map(({ id, label, href }) => ({ id, label, href })),
    unusedReports: sources.reports.filter((r) => !used.has(`survey_report:${r.id}`)).map(({ id, label, href }) => ({ id, label, href })),
    questions: questions.length,
  };
}

export async function getQuestion(db: Kysely<Database>, inquiryId: number, questionId: number) {
  const outline = await loadOutline(db, inquiryId);
  for (const k of outline) {
    const q = k.questions.find((x) => x.id === questionId);
    if (q) return { keyword: k, question: q };
  }
  return undefined;
}

export async function renumber(trx: Trx, table: "outline_keywords" | "outline_questions", ids: number[]) {
  for (const [i, id] of ids.entries()) await trx.updateTable(table).set({ position: i + 1 }).where("id", "=", id).execute();
}

export async function keywordIds(trx: Trx, inquiryId: number) {
  return (await trx.selectFrom("outline_keywords").select("id").where("inquiry_id", "=", inquiryId).orderBy("position").orderBy("id").execute()).map((r) => r.id);
}

export async function questionIds(trx: Trx, keywordId: number) {
  return (await trx.selectFrom("outline_questions").select("id").where("keyword_id", "=", keywordId).orderBy("position").orderBy("id").execute()).map((r) => r.id);
}

export function moved(ids: number[], id: number, direction: "up" | "down"): number[] | null {
  const i = ids.indexOf(id);
  const j = direction === "up" ? i - 1 : i + 1;
  if (i < 0 || j < 0 || j >= ids.length) return null;
  const next = [...ids];
  [next[i], next[j]] = [next[j], next[i]];
  return next;
}

/** The outline's keywords in order (what a member may file a proposal under). */
export async function keywordNames(db: Kysely<Database>, inquiryId: number): Promise<string[]> {
  const rows = await db.selectFrom("outline_keywords").select("keyword").where("inquiry_id", "=", inquiryId).orderBy("position").execute();
  return rows.map((r) => r.keyword);
}
