import { advanceStage } from "../inquiries/inquiries.server";
import type { Kysely } from "kysely";
import type { Database } from "../../db/schema";
import { recordAudit, type Actor } from "../audit.server";
import { requireUser } from "../auth/session.server";
import { canReadWholeOutline, forbidden, notFound } from "../policy.server";
import { isCalendarDate, dateInShanghai } from "../utils/time";
import { BACK_ENTRY_MARK, dateContext, decisionDateProblem, stampFor } from "../history/dates.server";
import type { OutlineSnapshot } from "./labels";
import { idField } from "../utils/ids";
import { getOutlineHead, type LiveKeyword, loadOutline } from "./drafting.server";
import { outlineChange, refuse } from "./workflow.server";
import type { Result } from "../utils/result";
/**
 * Outline versions: each submission freezes a numbered snapshot for the chairpersons' council (主任会议), whose
 * decision is recorded; an approved version is issued to the departments; approved or issued outlines can be
 * reopened. Also the versions list and the export of a version.
 */

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
