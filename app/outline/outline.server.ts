import { getRosterMember, resolveQuestioner, rosterOptions } from "../roster/roster.server";
import { advanceStage } from "../inquiries/inquiries.server";
import * as staffEvents from "../queue/events.server";
import type { Kysely, Transaction } from "kysely";
import { z } from "zod";
import { requireApprovedPlan } from "../inquiries/plan-gate.server";
import type { Database, OutlineStatus } from "../../db/schema";
import { saveAttachments, type CheckedUpload } from "../attachments/attachments.server";
import { organizationsProblem, RESPONDING_KINDS } from "../admin/organizations.server";
import { recordAudit, type Actor } from "../audit.server";
import { requireUser } from "../auth/session.server";
import { canReadWholeOutline, forbidden, notFound } from "../policy.server";
import type { RichText } from "../richtext/richtext.server";
import { fields } from "../utils/forms.server";
import { isCalendarDate, nowIso, todayInShanghai, dateInShanghai } from "../utils/time";
import { BACK_ENTRY_MARK, dateContext, decisionDateProblem, stampFor } from "../history/dates.server";
import { notVoided } from "../history/void.server";
import {
  NAMED_QUESTIONER,
  OUTLINE_STATUS_LABELS,
  questionerLabel,
  type AnswerState,
  type OutlineSnapshot,
  type SnapshotQuestion,
} from "./labels";
import { idField, optionalIdField, parseId } from "../utils/ids";

/**
 * 询问提纲: keywords and questions drafted from research findings and county reports, frozen into numbered
 * versions for the chairpersons' council, issued to the responding departments, who then write a preparation
 * answer per question. Members propose questions; staff accept or decline them.
 *
 * The whole outline carries one revision (inquiries.outline_revision): every edit form posts the revision it
 * was rendered with, an edit based on an older one is refused (nothing is written) and each accepted edit
 * bumps it, so two editors never silently overwrite each other.
 */
export type Result = { ok: true; id: number } | { ok: false; field: string; message: string; conflict?: boolean };

export const OUTLINE_CONFLICT =
  "询问提纲已被他人修改（您打开页面后有人保存过），本次保存未生效。页面已刷新为最新内容，您填写的内容已保留，请核对后重新保存。";

export const ANSWER_CONFLICT = "该书面准备答复已被他人修改，请核对页面上的最新内容后再保存。您填写的内容已保留。";

/** The outline may be edited while it is drafted or after the council sent it back. */
export function outlineEditable(status: OutlineStatus): boolean {
  return status === "draft" || status === "rejected";
}

export type OutlineAction = "edit" | "submit" | "approve" | "reject" | "issue" | "reopen";

/**
 * The outline's life, in one place: edited while draft or rejected; submitted to the council (a version is
 * frozen); approved or rejected; an approved version is issued to the departments; an approved or issued
 * outline can be reopened for revision (then it needs the council again).
 */
export function nextOutlineStatus(current: OutlineStatus, action: OutlineAction): OutlineStatus | null {
  switch (action) {
    case "edit":
      return outlineEditable(current) ? current : null;
    case "submit":
      return outlineEditable(current) ? "submitted" : null;
    case "approve":
      return current === "submitted" ? "approved" : null;
    case "reject":
      return current === "submitted" ? "rejected" : null;
    case "issue":
      return current === "approved" ? "issued" : null;
    case "reopen":
      return current === "approved" || current === "issued" ? "draft" : null;
  }
}

const FROZEN: Record<OutlineStatus, string> = {
  draft: "",
  rejected: "",
  submitted: "询问提纲已提请主任会议审定，审定结果记录前不能修改",
  approved: "询问提纲已经主任会议审定，如需修改请先点击“重新修订”",
  issued: "询问提纲已下发应询部门，如需修改请先点击“重新修订”",
};

const REFUSALS: Record<Exclude<OutlineAction, "edit">, (s: OutlineStatus) => string> = {
  submit: (s) => `询问提纲当前状态为「${OUTLINE_STATUS_LABELS[s]}」，不能提请主任会议审定`,
  approve: () => "询问提纲尚未提请主任会议审定，不能记录审定结果",
  reject: () => "询问提纲尚未提请主任会议审定，不能记录审定结果",
  issue: (s) => (s === "issued" ? "询问提纲已经下发，无需重复下发" : "只有经主任会议审定通过的询问提纲才能下发"),
  reopen: () => "只有已审定或已下发的询问提纲才需要重新修订",
};

/** A refusal thrown inside a transaction: the transaction rolls back, so a refused operation changes nothing. */
class Refused extends Error {
  constructor(
    readonly field: string,
    readonly reason: string,
    readonly conflict = false,
  ) {
    super(reason);
  }
}

function refuse(field: string, message: string): never {
  throw new Refused(field, message);
}

async function guarded(run: () => Promise<Result>): Promise<Result> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof Refused) return { ok: false, field: error.field, message: error.reason, ...(error.conflict ? { conflict: true } : {}) };
    throw error;
  }
}

type Trx = Transaction<Database>;

interface OutlineHead {
  id: number;
  title: string;
  outline_status: OutlineStatus;
  outline_revision: number;
  outline_issued_version_id: number | null;
}

/**
 * Runs one outline change: checks the revision the editor saw and the status the action needs, lets `change`
 * do its work (refusing by throwing), then bumps the revision, all in one transaction.
 */
async function outlineChange(
  db: Kysely<Database>,
  input: { inquiryId: number; revision: number; action: OutlineAction },
  change: (trx: Trx, head: OutlineHead) => Promise<number>,
): Promise<Result> {
  return guarded(() =>
    db.transaction().execute(async (trx) => {
      const head = await trx
        .selectFrom("inquiries")
        .select(["id", "title", "outline_status", "outline_revision", "outline_issued_version_id"])
        .where("id", "=", input.inquiryId)
        .executeTakeFirst();
      if (!head) refuse("_form", "该专题询问不存在");
      const gate = await requireApprovedPlan(trx, head.id, "outline");
      if (!gate.ok) refuse("_form", gate.message);
      if (head.outline_revision !== input.revision) throw new Refused("_form", OUTLINE_CONFLICT, true);
      if (!nextOutlineStatus(head.outline_status, input.action)) {
        refuse("_form", input.action === "edit" ? FROZEN[head.outline_status] : REFUSALS[input.action](head.outline_status));
      }
      const id = await change(trx, head);
      await trx.updateTable("inquiries").set({ outline_revision: head.outline_revision + 1 }).where("id", "=", head.id).execute();
      return { ok: true as const, id };
    }),
  );
}

// ---------------------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------------------

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
async function describeSources(db: Kysely<Database> | Trx, inquiryId: number, refs: { type: string; id: number }[]) {
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
  const responding = await db
    .selectFrom("inquiry_organizations")
    .innerJoin("organizations", "organizations.id", "inquiry_organizations.organization_id")
    .select(["organizations.id", "organizations.name"])
    .where("inquiry_organizations.inquiry_id", "=", inquiryId)
    .orderBy("organizations.kind", "desc")
    .orderBy("organizations.sort_order")
    .orderBy("organizations.id")
    .execute();
  if (responding.length) return responding;
  return db
    .selectFrom("organizations")
    .select(["id", "name"])
    .where("active", "=", 1)
    .where("kind", "in", ["government", "department"])
    .orderBy("kind", "desc")
    .orderBy("sort_order")
    .orderBy("id")
    .execute();
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

/** The frozen form of the live outline (what the council decides on and the departments receive). */
export function snapshotOf(outline: LiveKeyword[]): OutlineSnapshot {
  return {
    keywords: outline.map((k) => ({
      id: k.id,
      keyword: k.keyword,
      headline: k.headline,
      questions: k.questions.map((q) => ({
        id: q.id,
        text: q.text,
        departmentId: q.department_id,
        departmentName: q.department_name,
        questionerUserId: q.questioner_user_id,
        questionerName: q.questioner_name,
        questionerRole: q.questioner_role,
        sources: q.sources.map((s) => ({ type: s.type, id: s.id, label: s.label })),
      })),
    })),
  };
}

export function parseSnapshot(json: string): OutlineSnapshot {
  try {
    const parsed = JSON.parse(json) as OutlineSnapshot;
    return Array.isArray(parsed?.keywords) ? parsed : { keywords: [] };
  } catch {
    return { keywords: [] };
  }
}

export async function listVersions(db: Kysely<Database>, inquiryId: number) {
  const rows = await db
    .selectFrom("outline_versions")
    .leftJoin("users as submitter", "submitter.id", "outline_versions.submitted_by")
    .leftJoin("users as decider", "decider.id", "outline_versions.decided_by")
    .leftJoin("users as issuer", "issuer.id", "outline_versions.issued_by")
    .select([
      "outline_versions.id",
      "outline_versions.number",
      "outline_versions.status",
      "outline_versions.snapshot_json",
      "outline_versions.submitted_at",
      "outline_versions.decided_on",
      "outline_versions.decision_note",
      "outline_versions.issued_at",
      "submitter.display_name as submitted_by_name",
      "decider.display_name as decided_by_name",
      "issuer.display_name as issued_by_name",
    ])
    .where("outline_versions.inquiry_id", "=", inquiryId)
    .orderBy("outline_versions.number")
    .execute();
  return rows.map(({ snapshot_json, ...v }) => ({ ...v, snapshot: parseSnapshot(snapshot_json) }));
}

/** The version the Word export and the print view show: the issued one, else the newest approved one. */
export async function exportVersion(db: Kysely<Database>, inquiryId: number, number?: number) {
  const head = await getOutlineHead(db, inquiryId);
  if (!head) return undefined;
  let q = db.selectFrom("outline_versions").selectAll().where("inquiry_id", "=", inquiryId);
  if (number !== undefined) q = q.where("number", "=", number);
  else if (head.outline_issued_version_id) q = q.where("id", "=", head.outline_issued_version_id);
  else q = q.where("status", "=", "approved").orderBy("number", "desc").limit(1);
  const row = await q.executeTakeFirst();
  return row ? { ...row, snapshot: parseSnapshot(row.snapshot_json) } : undefined;
}

const PositiveInt = idField();

/**
 * The loader preamble of the outline exports (Word document, print view): staff and members only, the inquiry's
 * outline head, and the version to export — ?version=N, else the issued (or newest approved) one. Throws the
 * 403/404 responses, with `messages` saying what the user could not do (导出/打印).
 */
export async function loadOutlineExport(
  db: Kysely<Database>,
  request: Request,
  params: { id?: string },
  messages: { forbidden: string; noApprovedVersion: string },
) {
  const user = await requireUser(request);
  const id = PositiveInt.safeParse(params.id);
  if (!canReadWholeOutline(user, id.data ?? 0)) forbidden(messages.forbidden);
  if (!id.success) notFound("该专题询问不存在");
  const head = await getOutlineHead(db, id.data);
  if (!head) notFound("该专题询问不存在");
  const raw = new URL(request.url).searchParams.get("version");
  const number = raw === null ? undefined : PositiveInt.safeParse(raw).data;
  if (raw !== null && number === undefined) notFound("该版本不存在");
  const version = await exportVersion(db, head.id, number);
  if (!version) notFound(number ? "该版本不存在" : messages.noApprovedVersion);
  return { head, version };
}

/**
 * Whether an inquiry still expects written preparation answers (书面准备答复): they are written for the meeting,
 * so they are overtaken once the inquiry reaches its meeting stage or the meeting date has passed (Asia/Shanghai).
 * One rule for the department's home, /my and the staff queue (issue 12).
 */
export const PREPARATION_STAGES = ["plan", "research", "outline"] as const;
export function preparationOpen(inquiry: { stage: string; meeting_date: string | null }, today: string): boolean {
  return (PREPARATION_STAGES as readonly string[]).includes(inquiry.stage) && (inquiry.meeting_date === null || inquiry.meeting_date >= today);
}

/** The issued version's questions addressed to one department (never another's), each with its answer state. */
export async function issuedQuestionsFor(db: Kysely<Database>, inquiryId: number, departmentId: number) {
  const head = await getOutlineHead(db, inquiryId);
  if (!head?.outline_issued_version_id) return null;
  const version = await db.selectFrom("outline_versions").select(["id", "number", "snapshot_json", "issued_at"]).where("id", "=", head.outline_issued_version_id).executeTakeFirst();
  if (!version) return null;
  const snapshot = parseSnapshot(version.snapshot_json);
  let n = 0;
  const numbered = snapshot.keywords.flatMap((k) => k.questions.map((q) => ({ number: ++n, keyword: k.keyword, headline: k.headline, question: q })));
  const mine = numbered.filter((x) => x.question.departmentId === departmentId);
  const answers = mine.length
    ? await db
        .selectFrom("preparation_answers")
        .select(["question_id", "status", "submitted_at", "updated_at"])
        .where("question_id", "in", mine.map((x) => x.question.id))
        .where("department_id", "=", departmentId)
        .execute()
    : [];
  return {
    inquiry: { id: head.id, title: head.title, meeting_date: head.meeting_date },
    version: { number: version.number, issued_at: version.issued_at },
    questions: mine.map((x) => {
      const a = answers.find((r) => r.question_id === x.question.id);
      return { ...x, answerState: (a?.status ?? "none") as AnswerState, submitted_at: a?.submitted_at ?? null, updated_at: a?.updated_at ?? null };
    }),
  };
}

/** The issued version's entry for one question, if it was issued (department scope is checked by the caller). */
export async function issuedQuestion(db: Kysely<Database>, inquiryId: number, questionId: number) {
  const head = await getOutlineHead(db, inquiryId);
  if (!head?.outline_issued_version_id) return null;
  const version = await db.selectFrom("outline_versions").select(["number", "snapshot_json"]).where("id", "=", head.outline_issued_version_id).executeTakeFirst();
  if (!version) return null;
  let n = 0;
  for (const k of parseSnapshot(version.snapshot_json).keywords) {
    for (const q of k.questions) {
      n++;
      if (q.id === questionId) return { number: n, keyword: k.keyword, headline: k.headline, question: q, versionNumber: version.number };
    }
  }
  return null;
}

/** Per question of an inquiry: whether its department has a preparation answer (staff never see a draft's text). */
export async function answerStates(db: Kysely<Database>, inquiryId: number) {
  const rows = await db.selectFrom("preparation_answers").select(["question_id", "status", "submitted_at"]).where("inquiry_id", "=", inquiryId).execute();
  return new Map(rows.map((r) => [r.question_id, { state: r.status as AnswerState, submitted_at: r.submitted_at }]));
}

export async function getPreparationAnswer(db: Kysely<Database>, questionId: number) {
  return db.selectFrom("preparation_answers").selectAll().where("question_id", "=", questionId).executeTakeFirst();
}

export async function getQuestion(db: Kysely<Database>, inquiryId: number, questionId: number) {
  const outline = await loadOutline(db, inquiryId);
  for (const k of outline) {
    const q = k.questions.find((x) => x.id === questionId);
    if (q) return { keyword: k, question: q };
  }
  return undefined;
}

export async function listProposals(db: Kysely<Database>, inquiryId: number) {
  return db
    .selectFrom("outline_proposals")
    .innerJoin("users as member", "member.id", "outline_proposals.member_id")
    .leftJoin("organizations", "organizations.id", "outline_proposals.department_id")
    .leftJoin("users as decider", "decider.id", "outline_proposals.decided_by")
    .select([
      "outline_proposals.id",
      "outline_proposals.text",
      "outline_proposals.keyword",
      "outline_proposals.source_note",
      "outline_proposals.status",
      "outline_proposals.decline_reason",
      "outline_proposals.question_id",
      "outline_proposals.department_id",
      "outline_proposals.created_at",
      "outline_proposals.decided_at",
      "member.display_name as member_name",
      "member.title as member_title",
      "organizations.name as department_name",
      "decider.display_name as decided_by_name",
    ])
    .where("outline_proposals.inquiry_id", "=", inquiryId)
    .orderBy("outline_proposals.id", "desc")
    .execute();
}

export async function memberProposals(db: Kysely<Database>, memberId: number, inquiryId?: number) {
  let q = db
    .selectFrom("outline_proposals")
    .innerJoin("inquiries", "inquiries.id", "outline_proposals.inquiry_id")
    .leftJoin("organizations", "organizations.id", "outline_proposals.department_id")
    .select([
      "outline_proposals.id",
      "outline_proposals.inquiry_id",
      "inquiries.title as inquiry_title",
      "outline_proposals.text",
      "outline_proposals.keyword",
      "outline_proposals.status",
      "outline_proposals.decline_reason",
      "outline_proposals.created_at",
      "outline_proposals.decided_at",
      "organizations.name as department_name",
    ])
    .where("outline_proposals.member_id", "=", memberId);
  if (inquiryId !== undefined) q = q.where("outline_proposals.inquiry_id", "=", inquiryId);
  return q.orderBy("outline_proposals.id", "desc").execute();
}

/** Members may propose questions until the outline has been approved. */
export function proposalsOpen(status: OutlineStatus): boolean {
  return status === "draft" || status === "rejected" || status === "submitted";
}

// ---------------------------------------------------------------------------------------------------------
// Keywords
// ---------------------------------------------------------------------------------------------------------

async function renumber(trx: Trx, table: "outline_keywords" | "outline_questions", ids: number[]) {
  for (const [i, id] of ids.entries()) await trx.updateTable(table).set({ position: i + 1 }).where("id", "=", id).execute();
}

async function keywordIds(trx: Trx, inquiryId: number) {
  return (await trx.selectFrom("outline_keywords").select("id").where("inquiry_id", "=", inquiryId).orderBy("position").orderBy("id").execute()).map((r) => r.id);
}

async function questionIds(trx: Trx, keywordId: number) {
  return (await trx.selectFrom("outline_questions").select("id").where("keyword_id", "=", keywordId).orderBy("position").orderBy("id").execute()).map((r) => r.id);
}

async function findKeyword(trx: Trx, inquiryId: number, id: number, field = "_form") {
  const row = await trx.selectFrom("outline_keywords").selectAll().where("id", "=", id).where("inquiry_id", "=", inquiryId).executeTakeFirst();
  if (!row) refuse(field, "该关键词不存在或已被删除，请刷新页面");
  return row;
}

async function checkKeywordUnique(trx: Trx, inquiryId: number, keyword: string, exceptId: number | null) {
  const same = await trx.selectFrom("outline_keywords").select("id").where("inquiry_id", "=", inquiryId).where("keyword", "=", keyword).executeTakeFirst();
  if (same && same.id !== exceptId) refuse("keyword", `关键词「${keyword}」已存在`);
}

export interface KeywordInput {
  keyword: string;
  headline: string;
}

export async function addKeyword(db: Kysely<Database>, actor: Actor, input: { inquiryId: number; revision: number } & KeywordInput): Promise<Result> {
  return outlineChange(db, { ...input, action: "edit" }, async (trx, head) => {
    await checkKeywordUnique(trx, head.id, input.keyword, null);
    const ids = await keywordIds(trx, head.id);
    const now = nowIso();
    const row = await trx
      .insertInto("outline_keywords")
      .values({ inquiry_id: head.id, keyword: input.keyword, headline: input.headline, position: ids.length + 1, created_at: now, updated_at: now })
      .returning("id")
      .executeTakeFirstOrThrow();
    await recordAudit(trx, actor, {
      action: "outline.keyword_add",
      entityType: "outline",
      entityId: head.id,
      summary: `「${head.title}」询问提纲新增关键词「${input.keyword}」`,
      after: { id: row.id, ...input },
    });
    return row.id;
  });
}

export async function updateKeyword(db: Kysely<Database>, actor: Actor, input: { inquiryId: number; revision: number; id: number } & KeywordInput): Promise<Result> {
  return outlineChange(db, { ...input, action: "edit" }, async (trx, head) => {
    const before = await findKeyword(trx, head.id, input.id);
    await checkKeywordUnique(trx, head.id, input.keyword, input.id);
    await trx
      .updateTable("outline_keywords")
      .set({ keyword: input.keyword, headline: input.headline, version: before.version + 1, updated_at: nowIso() })
      .where("id", "=", input.id)
      .execute();
    await recordAudit(trx, actor, {
      action: "outline.keyword_update",
      entityType: "outline",
      entityId: head.id,
      summary: `修改询问提纲关键词「${before.keyword}」${before.keyword !== input.keyword ? `为「${input.keyword}」` : ""}`,
      before: { keyword: before.keyword, headline: before.headline },
      after: { keyword: input.keyword, headline: input.headline },
    });
    return input.id;
  });
}

export async function deleteKeyword(db: Kysely<Database>, actor: Actor, input: { inquiryId: number; revision: number; id: number }): Promise<Result> {
  return outlineChange(db, { ...input, action: "edit" }, async (trx, head) => {
    const before = await findKeyword(trx, head.id, input.id);
    const used = await questionIds(trx, input.id);
    if (used.length) refuse("_form", `关键词「${before.keyword}」下还有 ${used.length} 个问题，请先移走或删除这些问题`);
    await trx.deleteFrom("outline_keywords").where("id", "=", input.id).execute();
    await renumber(trx, "outline_keywords", await keywordIds(trx, head.id));
    await recordAudit(trx, actor, {
      action: "outline.keyword_delete",
      entityType: "outline",
      entityId: head.id,
      summary: `删除询问提纲关键词「${before.keyword}」`,
      before: { keyword: before.keyword, headline: before.headline, position: before.position },
    });
    return input.id;
  });
}

function moved(ids: number[], id: number, direction: "up" | "down"): number[] | null {
  const i = ids.indexOf(id);
  const j = direction === "up" ? i - 1 : i + 1;
  if (i < 0 || j < 0 || j >= ids.length) return null;
  const next = [...ids];
  [next[i], next[j]] = [next[j], next[i]];
  return next;
}

export async function moveKeyword(db: Kysely<Database>, actor: Actor, input: { inquiryId: number; revision: number; id: number; direction: "up" | "down" }): Promise<Result> {
  return outlineChange(db, { ...input, action: "edit" }, async (trx, head) => {
    const kw = await findKeyword(trx, head.id, input.id);
    const ids = await keywordIds(trx, head.id);
    const next = moved(ids, input.id, input.direction);
    if (!next) refuse("_form", input.direction === "up" ? `关键词「${kw.keyword}」已在最前` : `关键词「${kw.keyword}」已在最后`);
    await renumber(trx, "outline_keywords", next);
    await recordAudit(trx, actor, {
      action: "outline.keyword_move",
      entityType: "outline",
      entityId: head.id,
      summary: `关键词「${kw.keyword}」${input.direction === "up" ? "上移" : "下移"}（第 ${ids.indexOf(input.id) + 1} → ${next.indexOf(input.id) + 1} 位）`,
      before: { order: ids },
      after: { order: next },
    });
    return input.id;
  });
}

// ---------------------------------------------------------------------------------------------------------
// Questions
// ---------------------------------------------------------------------------------------------------------

/**
 * Who asks: nobody yet (待定), a roster entry (组成人员名册), a member account (a member's own proposal), or a
 * person typed by name — matched against the roster, or added to it with `addToRoster`.
 */
export type QuestionerInput =
  | { kind: "none" }
  | { kind: "roster"; rosterId: number }
  | { kind: "member"; userId: number }
  | { kind: "named"; name: string; role: string; addToRoster?: boolean };

export interface QuestionInput {
  keywordId: number;
  text: string;
  departmentId: number;
  questioner: QuestionerInput;
  sources: { type: "finding" | "survey_report"; id: number }[];
  staffNotes: string;
}

async function resolveQuestion(trx: Trx, actor: Actor, inquiryId: number, input: QuestionInput) {
  await findKeyword(trx, inquiryId, input.keywordId, "keywordId");
  const dept = await trx
    .selectFrom("organizations")
    .select(["id", "name", "kind", "active"])
    .where("id", "=", input.departmentId)
    .executeTakeFirst();
  if (!dept || (dept.kind !== "government" && dept.kind !== "department")) refuse("departmentId", "应询部门只能选择人民政府或政府部门");
  let questioner = { questioner_user_id: null as number | null, questioner_name: "", questioner_role: "" };
  if (input.questioner.kind === "roster") {
    const entry = await getRosterMember(trx, input.questioner.rosterId);
    if (!entry || !entry.active) refuse("questionerId", "所选询问人不在组成人员名册中，请刷新页面后重新选择");
    questioner = { questioner_user_id: entry.user_id, questioner_name: entry.name, questioner_role: entry.title };
  } else if (input.questioner.kind === "member") {
    const member = await trx
      .selectFrom("users")
      .select(["id", "display_name", "title"])
      .where("id", "=", input.questioner.userId)
      .where("role", "=", "member")
      .where("active", "=", 1)
      .executeTakeFirst();
    if (!member) refuse("questionerId", "所选询问人不是启用中的委员/代表账号");
    questioner = { questioner_user_id: member.id, questioner_name: member.display_name, questioner_role: member.title };
  } else if (input.questioner.kind === "named") {
    const who = await resolveQuestioner(trx, actor, { name: input.questioner.name, role: input.questioner.role, addToRoster: !!input.questioner.addToRoster });
    questioner = { questioner_user_id: who.userId, questioner_name: who.name, questioner_role: who.role };
  }
  const sources = dedupeSources(input.sources);
  const labels = await describeSources(trx, inquiryId, sources);
  for (const s of sources) {
    if (!labels.has(`${s.type}:${s.id}`)) refuse("sources", "所选来源不属于本次专题询问，请刷新页面后重新选择");
  }
  if (sources.some((s) => s.type === "survey_report")) {
    const reports = await trx
      .selectFrom("survey_delegations")
      .select(["id", "status"])
      .where("id", "in", sources.filter((s) => s.type === "survey_report").map((s) => s.id))
      .execute();
    if (reports.some((r) => r.status !== "submitted" && r.status !== "accepted")) refuse("sources", "只能引用已提交的县区调研报告");
  }
  return { dept, questioner, sources, labels };
}

function dedupeSources(sources: QuestionInput["sources"]) {
  const seen = new Set<string>();
  return sources.filter((s) => {
    const key = `${s.type}:${s.id}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

async function writeSources(trx: Trx, questionId: number, sources: QuestionInput["sources"]) {
  await trx.deleteFrom("outline_question_sources").where("question_id", "=", questionId).execute();
  for (const s of sources) await trx.insertInto("outline_question_sources").values({ question_id: questionId, source_type: s.type, source_id: s.id }).execute();
}

async function insertQuestion(trx: Trx, actor: Actor, head: OutlineHead, input: QuestionInput, via: string): Promise<number> {
  const { dept, questioner, sources, labels } = await resolveQuestion(trx, actor, head.id, input);
  const keyword = await findKeyword(trx, head.id, input.keywordId, "keywordId");
  const ids = await questionIds(trx, input.keywordId);
  const now = nowIso();
  const row = await trx
    .insertInto("outline_questions")
    .values({
      inquiry_id: head.id,
      keyword_id: input.keywordId,
      text: input.text,
      department_id: dept.id,
      ...questioner,
      position: ids.length + 1,
      staff_notes: input.staffNotes,
      created_at: now,
      updated_at: now,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await writeSources(trx, row.id, sources);
  await recordAudit(trx, actor, {
    action: "outline.question_add",
    entityType: "outline_question",
    entityId: row.id,
    summary: `「${head.title}」询问提纲${via}新增问题（${keyword.keyword} · ${dept.name}）：${input.text.slice(0, 40)}`,
    after: {
      text: input.text,
      department: dept.name,
      questioner: questionerLabel(questioner),
      keyword: keyword.keyword,
      sources: sources.map((s) => labels.get(`${s.type}:${s.id}`)?.label ?? ""),
      staffNotes: input.staffNotes,
    },
  });
  return row.id;
}

export async function addQuestion(db: Kysely<Database>, actor: Actor, input: { inquiryId: number; revision: number } & QuestionInput): Promise<Result> {
  return outlineChange(db, { ...input, action: "edit" }, (trx, head) => insertQuestion(trx, actor, head, input, ""));
}

async function findQuestion(trx: Trx, inquiryId: number, id: number) {
  const row = await trx.selectFrom("outline_questions").selectAll().where("id", "=", id).where("inquiry_id", "=", inquiryId).executeTakeFirst();
  if (!row) refuse("_form", "该问题不存在或已被删除，请刷新页面");
  return row;
}

async function describeQuestion(trx: Trx, inquiryId: number, q: { id: number; text: string; department_id: number; keyword_id: number; questioner_name: string; questioner_role: string; staff_notes: string }) {
  const dept = await trx.selectFrom("organizations").select("name").where("id", "=", q.department_id).executeTakeFirst();
  const kw = await trx.selectFrom("outline_keywords").select("keyword").where("id", "=", q.keyword_id).executeTakeFirst();
  const refs = await trx.selectFrom("outline_question_sources").selectAll().where("question_id", "=", q.id).execute();
  const labels = await describeSources(trx, inquiryId, refs.map((r) => ({ type: r.source_type, id: r.source_id })));
  return {
    text: q.text,
    department: dept?.name ?? "",
    questioner: questionerLabel(q),
    keyword: kw?.keyword ?? "",
    sources: refs.map((r) => labels.get(`${r.source_type}:${r.source_id}`)?.label ?? ""),
    staffNotes: q.staff_notes,
  };
}

export async function updateQuestion(db: Kysely<Database>, actor: Actor, input: { inquiryId: number; revision: number; id: number } & QuestionInput): Promise<Result> {
  return outlineChange(db, { ...input, action: "edit" }, async (trx, head) => {
    const before = await findQuestion(trx, head.id, input.id);
    const beforeDescription = await describeQuestion(trx, head.id, before);
    const { dept, questioner, sources } = await resolveQuestion(trx, actor, head.id, input);
    const movedKeyword = before.keyword_id !== input.keywordId;
    await trx
      .updateTable("outline_questions")
      .set({
        keyword_id: input.keywordId,
        text: input.text,
        department_id: dept.id,
        ...questioner,
        staff_notes: input.staffNotes,
        // a question moved to another keyword goes to its end
        position: movedKeyword ? (await questionIds(trx, input.keywordId)).length + 1 : before.position,
        version: before.version + 1,
        updated_at: nowIso(),
      })
      .where("id", "=", input.id)
      .execute();
    await writeSources(trx, input.id, sources);
    if (movedKeyword) await renumber(trx, "outline_questions", await questionIds(trx, before.keyword_id));
    const after = await findQuestion(trx, head.id, input.id);
    await recordAudit(trx, actor, {
      action: "outline.question_update",
      entityType: "outline_question",
      entityId: input.id,
      summary: `修改询问提纲问题：${input.text.slice(0, 40)}`,
      before: beforeDescription,
      after: await describeQuestion(trx, head.id, after),
    });
    return input.id;
  });
}

export async function deleteQuestion(db: Kysely<Database>, actor: Actor, input: { inquiryId: number; revision: number; id: number }): Promise<Result> {
  return outlineChange(db, { ...input, action: "edit" }, async (trx, head) => {
    const before = await findQuestion(trx, head.id, input.id);
    const answer = await trx.selectFrom("preparation_answers").select("id").where("question_id", "=", input.id).executeTakeFirst();
    if (answer) refuse("_form", "应询部门已就该问题撰写书面准备答复，不能删除；如需调整，请修改问题内容");
    const issued = await trx.selectFrom("outline_versions").select("number").where("inquiry_id", "=", head.id).where("issued_at", "is not", null).execute();
    const description = await describeQuestion(trx, head.id, before);
    // A question that is part of a frozen version stays referenced by its id there; the row itself goes.
    await trx.updateTable("outline_proposals").set({ question_id: null }).where("question_id", "=", input.id).execute();
    await trx.deleteFrom("outline_questions").where("id", "=", input.id).execute();
    await renumber(trx, "outline_questions", await questionIds(trx, before.keyword_id));
    await recordAudit(trx, actor, {
      action: "outline.question_delete",
      entityType: "outline_question",
      entityId: input.id,
      summary: `删除询问提纲问题：${before.text.slice(0, 40)}${issued.length ? "（已下发的版本中仍保留该问题）" : ""}`,
      before: description,
    });
    return input.id;
  });
}

export async function moveQuestion(db: Kysely<Database>, actor: Actor, input: { inquiryId: number; revision: number; id: number; direction: "up" | "down" }): Promise<Result> {
  return outlineChange(db, { ...input, action: "edit" }, async (trx, head) => {
    const q = await findQuestion(trx, head.id, input.id);
    const ids = await questionIds(trx, q.keyword_id);
    const next = moved(ids, input.id, input.direction);
    if (!next) refuse("_form", input.direction === "up" ? "该问题已是本关键词下的第一个问题" : "该问题已是本关键词下的最后一个问题");
    await renumber(trx, "outline_questions", next);
    await recordAudit(trx, actor, {
      action: "outline.question_move",
      entityType: "outline_question",
      entityId: input.id,
      summary: `询问提纲问题${input.direction === "up" ? "上移" : "下移"}（第 ${ids.indexOf(input.id) + 1} → ${next.indexOf(input.id) + 1} 位）：${q.text.slice(0, 30)}`,
      before: { order: ids },
      after: { order: next },
    });
    return input.id;
  });
}

/** Moves a question to the end of another keyword. */
export async function relocateQuestion(db: Kysely<Database>, actor: Actor, input: { inquiryId: number; revision: number; id: number; keywordId: number }): Promise<Result> {
  return outlineChange(db, { ...input, action: "edit" }, async (trx, head) => {
    const q = await findQuestion(trx, head.id, input.id);
    const from = await findKeyword(trx, head.id, q.keyword_id);
    const to = await findKeyword(trx, head.id, input.keywordId, "keywordId");
    if (from.id === to.id) refuse("keywordId", `该问题已在关键词「${to.keyword}」下`);
    const position = (await questionIds(trx, to.id)).length + 1;
    await trx.updateTable("outline_questions").set({ keyword_id: to.id, position, version: q.version + 1, updated_at: nowIso() }).where("id", "=", q.id).execute();
    await renumber(trx, "outline_questions", await questionIds(trx, from.id));
    await recordAudit(trx, actor, {
      action: "outline.question_relocate",
      entityType: "outline_question",
      entityId: q.id,
      summary: `询问提纲问题从关键词「${from.keyword}」移至「${to.keyword}」：${q.text.slice(0, 30)}`,
      before: { keyword: from.keyword },
      after: { keyword: to.keyword, position },
    });
    return q.id;
  });
}

// ---------------------------------------------------------------------------------------------------------
// Versions: submit, the council's decision, issue, reopen
// ---------------------------------------------------------------------------------------------------------

/** 提请审定: stamped now, or in back-entry on the real date staff enter (`on`; app/history/dates.server.ts). */
export async function submitOutline(db: Kysely<Database>, actor: Actor, input: { inquiryId: number; revision: number; on?: string }): Promise<Result> {
  return outlineChange(db, { ...input, action: "submit" }, async (trx, head) => {
    const stamp = stampFor(await dateContext(trx, head.id), input.on, "提请审定日期");
    if (!stamp.ok) refuse("on", stamp.message);
    const outline = await loadOutline(trx, head.id);
    const count = outline.reduce((n, k) => n + k.questions.length, 0);
    if (count === 0) refuse("_form", "询问提纲中还没有问题，不能提请审定");
    const empty = outline.filter((k) => k.questions.length === 0);
    if (empty.length) refuse("_form", `关键词「${empty.map((k) => k.keyword).join("」「")}」下还没有问题，请补充问题或删除该关键词后再提请审定`);
    const last = await trx.selectFrom("outline_versions").select((eb) => eb.fn.max<number | null>("number").as("n")).where("inquiry_id", "=", head.id).executeTakeFirst();
    const number = Number(last?.n ?? 0) + 1;
    const row = await trx
      .insertInto("outline_versions")
      .values({
        inquiry_id: head.id,
        number,
        status: "submitted",
        snapshot_json: JSON.stringify(snapshotOf(outline)),
        submitted_by: actor.id,
        submitted_at: stamp.at,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await trx.updateTable("inquiries").set({ outline_status: "submitted" }).where("id", "=", head.id).execute();
    await recordAudit(trx, actor, {
      action: "outline.submit",
      entityType: "outline",
      entityId: head.id,
      summary: `${stamp.backEntered ? BACK_ENTRY_MARK : ""}「${head.title}」询问提纲第 ${number} 版提请主任会议审定（${outline.length} 个关键词，${count} 个问题）${stamp.backEntered ? `（${dateInShanghai(stamp.at)}）` : ""}`,
      before: { outline_status: head.outline_status },
      after: { outline_status: "submitted", version: number, ...(stamp.backEntered ? { backEntered: true, on: dateInShanghai(stamp.at) } : {}) },
    });
    return row.id;
  });
}

export async function decideOutline(
  db: Kysely<Database>,
  actor: Actor,
  input: { inquiryId: number; revision: number; decision: "approve" | "reject"; decidedOn: string; note: string },
): Promise<Result> {
  return outlineChange(db, { ...input, action: input.decision }, async (trx, head) => {
    if (!isCalendarDate(input.decidedOn)) refuse("decidedOn", "请填写有效的审定日期");
    if (input.decision === "reject" && !input.note.trim()) refuse("note", "退回时请填写主任会议的意见");
    const version = await trx
      .selectFrom("outline_versions")
      .selectAll()
      .where("inquiry_id", "=", head.id)
      .where("status", "=", "submitted")
      .orderBy("number", "desc")
      .executeTakeFirst();
    if (!version) refuse("_form", "没有待审定的提纲版本");
    // not later than today; in back-entry not before the submission it decides on (app/history/dates.server.ts)
    const late = decisionDateProblem(await dateContext(trx, head.id), input.decidedOn, "审定日期", version.submitted_at);
    if (late) refuse("decidedOn", late);
    const status = input.decision === "approve" ? "approved" : "rejected";
    await trx
      .updateTable("outline_versions")
      .set({ status, decided_on: input.decidedOn, decision_note: input.note.trim(), decided_by: actor.id })
      .where("id", "=", version.id)
      .execute();
    await trx.updateTable("inquiries").set({ outline_status: status }).where("id", "=", head.id).execute();
    await recordAudit(trx, actor, {
      action: input.decision === "approve" ? "outline.approve" : "outline.reject",
      entityType: "outline",
      entityId: head.id,
      summary: `记录主任会议${input.decision === "approve" ? "审定通过" : "退回"}「${head.title}」询问提纲第 ${version.number} 版（${input.decidedOn}）${input.note.trim() ? `：${input.note.trim()}` : ""}`,
      before: { outline_status: head.outline_status, version_status: version.status },
      after: { outline_status: status, version: version.number, decided_on: input.decidedOn, note: input.note.trim() },
    });
    return version.id;
  });
}

/** 下发应询部门: stamped now, or in back-entry on the real date (`on`), not before the council's approval. */
export async function issueOutline(db: Kysely<Database>, actor: Actor, input: { inquiryId: number; revision: number; on?: string }): Promise<Result> {
  return outlineChange(db, { ...input, action: "issue" }, async (trx, head) => {
    const version = await trx
      .selectFrom("outline_versions")
      .selectAll()
      .where("inquiry_id", "=", head.id)
      .where("status", "=", "approved")
      .orderBy("number", "desc")
      .executeTakeFirst();
    if (!version) refuse("_form", "没有经主任会议审定通过的提纲版本");
    const snapshot = parseSnapshot(version.snapshot_json);
    // An answer written for a question that now goes to another department stays with its author; the
    // new department cannot take it over silently.
    for (const k of snapshot.keywords) {
      for (const q of k.questions) {
        const answer = await trx.selectFrom("preparation_answers").select(["department_id"]).where("question_id", "=", q.id).executeTakeFirst();
        if (answer && answer.department_id !== q.departmentId) {
          refuse("_form", `问题“${q.text.slice(0, 20)}…”已由原应询部门撰写书面准备答复，不能改由${q.departmentName}答复；请联系原部门或保留原应询部门`);
        }
      }
    }
    const stamp = stampFor(await dateContext(trx, head.id), input.on, "下发日期", { date: version.decided_on, label: "审定日期" });
    if (!stamp.ok) refuse("on", stamp.message);
    await trx.updateTable("outline_versions").set({ issued_at: stamp.at, issued_by: actor.id }).where("id", "=", version.id).execute();
    await trx.updateTable("inquiries").set({ outline_status: "issued", outline_issued_version_id: version.id }).where("id", "=", head.id).execute();
    const departments = [...new Set(snapshot.keywords.flatMap((k) => k.questions.map((q) => q.departmentName)))];
    await recordAudit(trx, actor, {
      action: "outline.issue",
      entityType: "outline",
      entityId: head.id,
      summary: `${stamp.backEntered ? BACK_ENTRY_MARK : ""}「${head.title}」询问提纲第 ${version.number} 版下发应询部门（${departments.join("、")}）${stamp.backEntered ? `（${dateInShanghai(stamp.at)}）` : ""}`,
      before: { outline_status: head.outline_status, issued_version_id: head.outline_issued_version_id },
      after: { outline_status: "issued", issued_version_id: version.id, version: version.number, departments },
    });
    await advanceStage(trx, actor, head.id, "outline", "outline_issued");
    return version.id;
  });
}

export async function reopenOutline(db: Kysely<Database>, actor: Actor, input: { inquiryId: number; revision: number }): Promise<Result> {
  return outlineChange(db, { ...input, action: "reopen" }, async (trx, head) => {
    await trx.updateTable("inquiries").set({ outline_status: "draft" }).where("id", "=", head.id).execute();
    await recordAudit(trx, actor, {
      action: "outline.reopen",
      entityType: "outline",
      entityId: head.id,
      summary: `「${head.title}」询问提纲重新修订（修订后须再次提请主任会议审定${head.outline_issued_version_id ? "；应询部门在新版本下发前仍以已下发版本为准" : ""}）`,
      before: { outline_status: head.outline_status },
      after: { outline_status: "draft" },
    });
    return head.id;
  });
}

// ---------------------------------------------------------------------------------------------------------
// Proposals from members
// ---------------------------------------------------------------------------------------------------------

export async function createProposal(
  db: Kysely<Database>,
  actor: Actor,
  input: { inquiryId: number; memberId: number; text: string; departmentId: number | null; keyword: string; sourceNote: string },
): Promise<Result> {
  return guarded(() =>
    db.transaction().execute(async (trx) => {
      const head = await trx.selectFrom("inquiries").select(["id", "title", "outline_status"]).where("id", "=", input.inquiryId).executeTakeFirst();
      if (!head) refuse("_form", "该专题询问不存在");
      if (!proposalsOpen(head.outline_status)) refuse("_form", "询问提纲已经主任会议审定，不再征集问题建议");
      const member = await trx.selectFrom("users").select(["id", "role"]).where("id", "=", input.memberId).executeTakeFirst();
      if (!member || member.role !== "member") refuse("_form", "只有委员/代表可以提出问题建议");
      const deptProblem = await organizationsProblem(trx, [input.departmentId], { kinds: RESPONDING_KINDS, message: "建议应询部门只能选择人民政府或政府部门" });
      if (deptProblem) refuse("departmentId", deptProblem);
      const row = await trx
        .insertInto("outline_proposals")
        .values({
          inquiry_id: head.id,
          member_id: input.memberId,
          text: input.text,
          department_id: input.departmentId,
          keyword: input.keyword,
          source_note: input.sourceNote,
          created_at: nowIso(),
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      await recordAudit(trx, actor, {
        action: "outline.proposal_create",
        entityType: "outline_proposal",
        entityId: row.id,
        summary: `对「${head.title}」询问提纲提出问题建议：${input.text.slice(0, 40)}`,
        after: input,
      });
      await staffEvents.proposalCreated(trx, row.id);
      return { ok: true as const, id: row.id };
    }),
  );
}

async function pendingProposal(trx: Trx, inquiryId: number, id: number) {
  const p = await trx.selectFrom("outline_proposals").selectAll().where("id", "=", id).where("inquiry_id", "=", inquiryId).executeTakeFirst();
  if (!p) refuse("_form", "该问题建议不存在");
  if (p.status !== "pending") refuse("_form", `该问题建议已被处理（${p.status === "accepted" ? "已采纳" : "未采纳"}），请刷新页面`);
  return p;
}

/**
 * Staff take a member's proposal into the outline: a new question (the member as its questioner, the proposal
 * as its source note) under an existing keyword or a new one named by the proposal.
 */
export async function acceptProposal(
  db: Kysely<Database>,
  actor: Actor,
  input: { inquiryId: number; revision: number; proposalId: number; keywordId: number | "new"; departmentId: number; text: string },
): Promise<Result> {
  return outlineChange(db, { ...input, action: "edit" }, async (trx, head) => {
    const p = await pendingProposal(trx, head.id, input.proposalId);
    const member = await trx.selectFrom("users").select(["id", "display_name", "title", "active"]).where("id", "=", p.member_id).executeTakeFirstOrThrow();
    let keywordId: number;
    if (input.keywordId === "new") {
      const name = p.keyword.trim();
      if (!name) refuse("keywordId", "该建议没有提出关键词，请选择已有关键词");
      const existing = await trx.selectFrom("outline_keywords").select("id").where("inquiry_id", "=", head.id).where("keyword", "=", name).executeTakeFirst();
      if (existing) keywordId = existing.id;
      else {
        const now = nowIso();
        keywordId = (
          await trx
            .insertInto("outline_keywords")
            .values({ inquiry_id: head.id, keyword: name, headline: "", position: (await keywordIds(trx, head.id)).length + 1, created_at: now, updated_at: now })
            .returning("id")
            .executeTakeFirstOrThrow()
        ).id;
      }
    } else keywordId = input.keywordId;
    const date = dateInShanghai(p.created_at);
    const note = `来源：${member.display_name}${member.title ? `（${member.title}）` : ""}于 ${date} 提出的问题建议${p.source_note ? `；${p.source_note}` : ""}`;
    const questionId = await insertQuestion(
      trx,
      actor,
      head,
      {
        keywordId,
        text: input.text,
        departmentId: input.departmentId,
        questioner: member.active ? { kind: "member", userId: member.id } : { kind: "named", name: member.display_name, role: member.title },
        sources: [],
        staffNotes: note,
      },
      "采纳委员/代表建议",
    );
    await trx
      .updateTable("outline_proposals")
      .set({ status: "accepted", question_id: questionId, decided_by: actor.id, decided_at: nowIso() })
      .where("id", "=", p.id)
      .execute();
    await recordAudit(trx, actor, {
      action: "outline.proposal_accept",
      entityType: "outline_proposal",
      entityId: p.id,
      summary: `采纳${member.display_name}的问题建议，列入询问提纲`,
      before: { status: "pending" },
      after: { status: "accepted", question_id: questionId },
    });
    return questionId;
  });
}

export async function declineProposal(db: Kysely<Database>, actor: Actor, input: { inquiryId: number; proposalId: number; reason: string }): Promise<Result> {
  return guarded(() =>
    db.transaction().execute(async (trx) => {
      const p = await pendingProposal(trx, input.inquiryId, input.proposalId);
      const reason = input.reason.trim();
      if (!reason) refuse("reason", "请填写不予采纳的理由");
      await trx
        .updateTable("outline_proposals")
        .set({ status: "declined", decline_reason: reason, decided_by: actor.id, decided_at: nowIso() })
        .where("id", "=", p.id)
        .execute();
      await recordAudit(trx, actor, {
        action: "outline.proposal_decline",
        entityType: "outline_proposal",
        entityId: p.id,
        summary: `不予采纳问题建议：${p.text.slice(0, 30)}（理由：${reason}）`,
        before: { status: "pending" },
        after: { status: "declined", reason },
      });
      return { ok: true as const, id: p.id };
    }),
  );
}

// ---------------------------------------------------------------------------------------------------------
// Preparation answers
// ---------------------------------------------------------------------------------------------------------

/**
 * A department's written preparation answer to one issued question. Only the department the issued version
 * addresses the question to may write it (the caller checks the role; this checks the scope again). A draft
 * may be saved while nothing is submitted; a submitted answer can be updated (it stays submitted).
 * `version` is the answer's version the writer saw, 0 when there was none.
 */
export async function savePreparationAnswer(
  db: Kysely<Database>,
  actor: Actor,
  input: { inquiryId: number; questionId: number; departmentId: number; version: number; answer: RichText; submit: boolean; files: CheckedUpload[] },
): Promise<Result> {
  const issued = await issuedQuestion(db, input.inquiryId, input.questionId);
  if (!issued) return { ok: false, field: "_form", message: "该问题不在已下发的询问提纲中" };
  if (issued.question.departmentId !== input.departmentId) return { ok: false, field: "_form", message: "该问题不是下发给本单位的，不能答复" };
  return guarded(() =>
    db.transaction().execute(async (trx) => {
      const before = await trx.selectFrom("preparation_answers").selectAll().where("question_id", "=", input.questionId).executeTakeFirst();
      if (before && before.department_id !== input.departmentId) refuse("_form", "该问题的书面准备答复由其他单位撰写，本单位不能修改");
      if ((before?.version ?? 0) !== input.version) throw new Refused("_form", ANSWER_CONFLICT, true);
      if (!input.submit && before?.status === "submitted") refuse("_form", "书面准备答复已提交，不能改回草稿；如需修改，请直接修改后再次提交");
      if (input.submit && !input.answer.text) refuse("answer", "请填写书面准备答复后再提交");
      const now = nowIso();
      const status = input.submit ? "submitted" : "draft";
      let id: number;
      if (before) {
        await trx
          .updateTable("preparation_answers")
          .set({
            answer_json: input.answer.json,
            answer_text: input.answer.text,
            answer_html: input.answer.html,
            status,
            submitted_at: input.submit ? now : before.submitted_at,
            // an updated answer is new to the staff: it waits to be read again
            read_at: null,
            read_by: null,
            author_id: actor.id,
            version: before.version + 1,
            updated_at: now,
          })
          .where("id", "=", before.id)
          .execute();
        id = before.id;
      } else {
        id = (
          await trx
            .insertInto("preparation_answers")
            .values({
              question_id: input.questionId,
              inquiry_id: input.inquiryId,
              department_id: input.departmentId,
              answer_json: input.answer.json,
              answer_text: input.answer.text,
              answer_html: input.answer.html,
              status,
              submitted_at: input.submit ? now : null,
              author_id: actor.id,
              created_at: now,
              updated_at: now,
            })
            .returning("id")
            .executeTakeFirstOrThrow()
        ).id;
      }
      if (input.files.length) await saveAttachments(trx, actor, { inquiryId: input.inquiryId, type: "preparation_answer", id }, input.files);
      await recordAudit(trx, actor, {
        action: input.submit ? (before?.status === "submitted" ? "outline.answer_update" : "outline.answer_submit") : "outline.answer_draft",
        entityType: "preparation_answer",
        entityId: id,
        summary: `${input.submit ? (before?.status === "submitted" ? "更新" : "提交") : "保存"}书面准备答复${input.submit ? "" : "草稿"}（第 ${issued.number} 题：${issued.question.text.slice(0, 30)}）`,
        before: before ? { status: before.status, answer: before.answer_text } : undefined,
        after: { status, answer: input.answer.text, files: input.files.map((f) => f.fileName) },
      });
      if (input.submit) await staffEvents.preparationAnswerSubmitted(trx, id, now);
      return { ok: true as const, id };
    }),
  );
}

// ---------------------------------------------------------------------------------------------------------
// Forms
// ---------------------------------------------------------------------------------------------------------

export const RevisionSchema = idField();

/** The small forms of the outline page: move up/down, delete, move to another keyword. */
export const MoveSchema = z.object({ id: fields.id("项目"), direction: z.enum(["up", "down"]) });
export const IdOnlySchema = z.object({ id: fields.id("项目") });
export const RelocateSchema = z.object({ id: fields.id("问题"), keywordId: fields.id("目标关键词") });

const optionalId = (label: string) => optionalIdField(`请选择${label}`);

export const KeywordFormSchema = z.object({
  keyword: fields.requiredText("关键词", 40),
  headline: fields.optionalText("标题", 100),
});

const SOURCE_RE = /^(finding|survey_report):(\d+)$/;

export const QuestionFormSchema = z
  .object({
    keywordId: fields.id("关键词"),
    text: fields.requiredText("问题内容", 1000),
    departmentId: fields.id("应询部门"),
    questionerId: z.string().optional().transform((v) => v ?? ""),
    questionerName: fields.optionalText("询问人姓名", 40),
    questionerRole: fields.optionalText("询问人职务", 40),
    addToRoster: z.string().max(10).optional(),
    sources: z.preprocess(
      (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]),
      z.array(z.string().regex(SOURCE_RE, "来源无效，请刷新页面后重新选择")).max(50, "来源最多选择 50 项"),
    ),
    staffNotes: fields.optionalText("工作人员备注", 2000),
  })
  .superRefine(
    (v, ctx) => {
      // runs even when other fields failed, so every message is shown at once
      const who = String((v as { questionerId?: unknown }).questionerId ?? "");
      const name = String((v as { questionerName?: unknown }).questionerName ?? "").trim();
      if (who === NAMED_QUESTIONER && !name) {
        ctx.addIssue({ code: "custom", path: ["questionerName"], message: "请填写询问人姓名" });
      } else if (who && who !== NAMED_QUESTIONER && parseId(who) === null) {
        ctx.addIssue({ code: "custom", path: ["questionerId"], message: "请从组成人员名册中选择询问人" });
      }
    },
    { when: (payload) => typeof payload.value === "object" && payload.value !== null },
  )
  .transform(
    (v): QuestionInput => ({
      keywordId: v.keywordId,
      text: v.text,
      departmentId: v.departmentId,
      questioner:
        v.questionerId === NAMED_QUESTIONER
          ? { kind: "named", name: v.questionerName, role: v.questionerRole, addToRoster: v.addToRoster === "1" }
          : v.questionerId
            ? { kind: "roster", rosterId: Number(v.questionerId) }
            : { kind: "none" },
      sources: v.sources.map((s) => {
        const m = SOURCE_RE.exec(s)!;
        return { type: m[1] as "finding" | "survey_report", id: Number(m[2]) };
      }),
      staffNotes: v.staffNotes,
    }),
  );

export const DecisionFormSchema = z.object({
  decision: z.enum(["approve", "reject"], { error: "请选择审定结果" }),
  decidedOn: z
    .string({ error: "请填写审定日期" })
    .trim()
    .min(1, "请填写审定日期")
    .refine(isCalendarDate, "审定日期格式不正确，请按“年-月-日”填写"),
  note: fields.optionalText("主任会议意见", 2000),
});

export const ProposalFormSchema = z.object({
  text: fields.requiredText("问题内容", 1000),
  keyword: fields.optionalText("建议关键词", 40),
  departmentId: optionalId("建议应询部门"),
  sourceNote: fields.optionalText("问题来源或依据", 500),
});

export const AcceptProposalSchema = z.object({
  proposalId: fields.id("问题建议"),
  keywordId: z
    .string({ error: "请选择关键词" })
    .min(1, "请选择关键词")
    .transform((v, ctx) => {
      if (v === "new") return "new" as const;
      const n = parseId(v);
      if (n === null) {
        ctx.addIssue({ code: "custom", message: "请选择关键词" });
        return z.NEVER;
      }
      return n;
    }),
  departmentId: fields.id("应询部门"),
  text: fields.requiredText("问题内容", 1000),
});

export const DeclineProposalSchema = z.object({
  proposalId: fields.id("问题建议"),
  reason: fields.requiredText("不予采纳的理由", 500),
});

/**
 * Staff mark a submitted preparation answer read (it then leaves 待我办理). `version` is the answer's version the
 * reader saw: an answer updated meanwhile is new to them and stays unread. Audited.
 */
export async function markPreparationAnswerRead(db: Kysely<Database>, actor: Actor, input: { questionId: number; version: number }): Promise<Result> {
  return db.transaction().execute(async (trx) => {
    const answer = await trx.selectFrom("preparation_answers").selectAll().where("question_id", "=", input.questionId).executeTakeFirst();
    if (!answer || answer.status !== "submitted") return { ok: false, field: "_form", message: "该问题尚无已提交的书面准备答复" };
    if (answer.version !== input.version) return { ok: false, field: "_form", message: "应询部门刚刚更新了书面准备答复，请阅读更新后的内容" };
    if (answer.read_at) return { ok: true, id: answer.id };
    const now = nowIso();
    await trx.updateTable("preparation_answers").set({ read_at: now, read_by: actor.id }).where("id", "=", answer.id).execute();
    await recordAudit(trx, actor, {
      action: "outline.answer_read",
      entityType: "preparation_answer",
      entityId: answer.id,
      summary: `阅知书面准备答复（问题 #${input.questionId}）`,
      after: { read_at: now },
    });
    return { ok: true, id: answer.id };
  });
}
