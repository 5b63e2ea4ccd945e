import type { Kysely, Transaction, Updateable } from "kysely";
import type { Database, ForwardingStatus, ForwardingSubject, ForwardingTable } from "../../db/schema";
import { ancestorIds, descendantsIn, loadTree } from "../admin/organization-tree.server";
import { recordAudit, type Actor } from "../audit.server";
import type { CurrentUser } from "../auth/session.server";
import { dateContext, deadlineProblem } from "../history/dates.server";
import { inLiveWork, notVoided } from "../history/void.server";
import {
  canDecideForwarding,
  canForward,
  canReadForwardingReport,
  canWriteForwardingReport,
  type ForwardingScope,
  type LevelScope,
} from "../policy.server";
import { addProgressReport } from "../rectification/progress.server";
import { nextDelegationStatus } from "../surveys/surveys.server";
import { parseRichText, plainTextToLexical, renderStoredRichText, type RichText } from "../richtext/richtext.server";
import { deadlineLight } from "../utils/deadline";
import { nowIso, todayInShanghai } from "../utils/time";
import { lockRow, lockRowShared, writeTransaction } from "../../db/transactions";

/**
 * 下转 and roll-up (issue 21, docs/decisions/0160). An organisation that holds a delegated survey (the county
 * congress it is delegated to) or a rectification item (its lead or co-department, or an organisation above one,
 * e.g. the county congress over its county's government) forwards it to organisations under it. Each receiving
 * organisation writes and submits its report; the forwarding organisation accepts or returns it, then compiles the
 * accepted reports into its own answer (the survey report draft, or a progress report of the item). The city
 * sees the roll-up — who answered, who is late — not the reports' text. One module for both kinds of record:
 * only loadSubject and the compile step differ.
 */
type Db = Kysely<Database> | Transaction<Database>;
type User = Pick<CurrentUser, "role" | "organizationId">;
export type Result = { ok: true; id: number } | { ok: false; field: string; message: string };

/** Days before a forwarded due date when the roll-up marks it near (as delegated surveys). */
const NEAR_DAYS = 3;

export interface Subject {
  type: ForwardingSubject;
  id: number;
}

/** What a forwarding shows and checks of its record, read the same way for both kinds. */
export interface SubjectInfo extends LevelScope {
  type: ForwardingSubject;
  id: number;
  inquiryId: number;
  inquiryTitle: string;
  /** 委托调研「…」 / 整改事项 3 */
  title: string;
  /** the brief or the problem and requirement, as plain text */
  summary: string;
  dueDate: string;
  link: string;
  live: boolean;
  version: number;
}

/** A delegated survey or a rectification item as a forwardable record, or undefined when there is none. */
export async function loadSubject(db: Db, subject: Subject): Promise<SubjectInfo | undefined> {
  if (subject.type === "delegation") {
    const d = await db
      .selectFrom("survey_delegations as d")
      .innerJoin("survey_requests as r", "r.id", "d.request_id")
      .innerJoin("inquiries as q", "q.id", "d.inquiry_id")
      .select(["d.id", "d.inquiry_id", "d.organization_id", "d.version", "d.voided_at", "q.voided_at as inquiry_voided_at", "q.title as inquiry_title", "r.title", "r.brief_text", "r.due_date"])
      .where("d.id", "=", subject.id)
      .executeTakeFirst();
    if (!d) return undefined;
    return {
      type: "delegation",
      id: d.id,
      inquiryId: d.inquiry_id,
      inquiryTitle: d.inquiry_title,
      title: `委托调研「${d.title}」`,
      summary: d.brief_text,
      dueDate: d.due_date,
      link: `/surveys/${d.id}`,
      live: !d.voided_at && !d.inquiry_voided_at,
      version: d.version,
      addressed_ids: [d.organization_id],
      ancestor_ids: await ancestorIds(db, [d.organization_id]),
    };
  }
  const i = await db
    .selectFrom("rectification_items as i")
    .innerJoin("inquiries as q", "q.id", "i.inquiry_id")
    .select(["i.id", "i.inquiry_id", "i.number", "i.problem", "i.requirement", "i.deadline", "i.lead_department_id", "i.version", "i.voided_at", "q.voided_at as inquiry_voided_at", "q.title as inquiry_title"])
    .where("i.id", "=", subject.id)
    .executeTakeFirst();
  if (!i) return undefined;
  const co = await db.selectFrom("rectification_codepartments").select("organization_id").where("item_id", "=", i.id).execute();
  const addressed = [i.lead_department_id, ...co.map((c) => c.organization_id)];
  return {
    type: "item",
    id: i.id,
    inquiryId: i.inquiry_id,
    inquiryTitle: i.inquiry_title,
    title: `整改事项 ${i.number}`,
    summary: [i.problem, i.requirement && `整改要求：${i.requirement}`].filter(Boolean).join("\n"),
    dueDate: i.deadline,
    link: `/rectification/${i.id}`,
    live: !i.voided_at && !i.inquiry_voided_at,
    version: i.version,
    addressed_ids: addressed,
    ancestor_ids: await ancestorIds(db, addressed),
  };
}

/** The organisations the user's organisation may forward to: the active ones under it, in tree order. */
export async function forwardTargets(db: Db, user: User) {
  if (user.organizationId === null) return [];
  const tree = await loadTree(db);
  const below = new Set(descendantsIn(tree, user.organizationId));
  return [...tree.values()].filter((o) => below.has(o.id) && o.active).map((o) => ({ id: o.id, name: o.name }));
}

/**
 * Forwards a record to an organisation under the user's. Refused (nothing written): a user who does not hold the
 * record (policy canForward), a voided record, a target not under the user's organisation or disabled, a record
 * already forwarded there, a due date in the past (live work) or before the plan's approval (补录: dates.server).
 */
export async function forward(
  db: Kysely<Database>,
  user: User,
  actor: Actor,
  input: { subject: Subject; toOrganizationId: number; brief: string; dueDate: string },
): Promise<Result> {
  return writeTransaction(db, async (trx) => {
    // the subject exclusively: forwards of one record run one at a time (the clash check below holds), and a
    // void of the record (voidRecord locks it) waits or is seen
    await lockRow(trx, SUBJECT_TABLE[input.subject.type], input.subject.id);
    const subject = await loadSubject(trx, input.subject);
    if (!subject || !subject.live) return { ok: false, field: "_form", message: "该事项不存在或已作废" };
    if (!canForward(user, subject)) return { ok: false, field: "_form", message: "只有承办该事项的单位可以下转" };
    const targets = await forwardTargets(trx, user);
    const target = targets.find((t) => t.id === input.toOrganizationId);
    if (!target) return { ok: false, field: "toOrganizationId", message: "只能下转给本单位的下级单位" };
    const dateIssue = deadlineProblem(await dateContext(trx, subject.inquiryId), "survey", input.dueDate);
    if (dateIssue) return { ok: false, field: "dueDate", message: dateIssue };
    const clash = await trx
      .selectFrom("forwardings")
      .select("id")
      .where("subject_type", "=", subject.type)
      .where("subject_id", "=", subject.id)
      .where("to_organization_id", "=", target.id)
      .executeTakeFirst();
    if (clash) return { ok: false, field: "toOrganizationId", message: `已下转给「${target.name}」，不能重复下转` };
    const now = nowIso();
    const row = await trx
      .insertInto("forwardings")
      .values({
        subject_type: subject.type,
        subject_id: subject.id,
        inquiry_id: subject.inquiryId,
        from_organization_id: user.organizationId!,
        to_organization_id: target.id,
        brief: input.brief,
        due_date: input.dueDate,
        created_by: actor.id,
        created_at: now,
        updated_at: now,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await itemEvent(trx, subject, actor, "forwarded", `下转至${target.name}`, now);
    await recordAudit(trx, actor, {
      action: "forwarding.create",
      entityType: "forwarding",
      entityId: row.id,
      summary: `将${subject.title}下转至「${target.name}」`,
      after: { subject: input.subject, to: target.id, brief: input.brief, due_date: input.dueDate },
    });
    return { ok: true, id: row.id };
  });
}

/**
 * The table of a forwarding's subject (the parent of its forwardings rows: locked before them, docs/decisions/0175).
 */
const SUBJECT_TABLE: Record<ForwardingSubject, "survey_delegations" | "rectification_items"> = { delegation: "survey_delegations", item: "rectification_items" };

/** An item's history shows its forwarding steps (item_events); a survey's are in the audit log. */
async function itemEvent(trx: Transaction<Database>, subject: { type: ForwardingSubject; id: number }, actor: Actor, action: string, comment: string, at: string) {
  if (subject.type !== "item") return;
  await trx.insertInto("item_events").values({ item_id: subject.id, action, comment, actor_id: actor.id, actor_label: actor.label, at }).execute();
}

export async function getForwarding(db: Db, id: number) {
  return db
    .selectFrom("forwardings as f")
    .innerJoin("organizations as fo", "fo.id", "f.from_organization_id")
    .innerJoin("organizations as t", "t.id", "f.to_organization_id")
    .selectAll("f")
    .select(["fo.name as from_name", "t.name as to_name"])
    .where("f.id", "=", id)
    .executeTakeFirst();
}
export type ForwardingRow = NonNullable<Awaited<ReturnType<typeof getForwarding>>>;

export type ForwardingAction = "save_draft" | "submit" | "accept" | "return";

/**
 * pending/returned → save_draft (stays), submit → submitted; submitted → accept | return: the delegated survey's
 * own cycle (a forwarded report is handed in and reviewed as the county's is), so one function decides both.
 */
export function nextForwardingStatus(current: ForwardingStatus, action: ForwardingAction): ForwardingStatus | null {
  return nextDelegationStatus(current, action);
}

const REFUSALS: Record<ForwardingAction, string> = {
  save_draft: "报告已报送，不能再修改",
  submit: "报告已报送，不能重复报送",
  accept: "只有已报送的报告可以采纳",
  return: "只有已报送的报告可以退回",
};
const SUMMARIES: Record<ForwardingAction, string> = { save_draft: "保存下转报告草稿", submit: "报送下转报告", accept: "采纳下转报告", return: "退回下转报告修改" };

/**
 * One step of a forwarding: the receiving organisation saves or submits its report; the forwarding organisation
 * accepts it or returns it with a comment. `version` is what the actor saw (two editors never overwrite).
 */
export async function actOnForwarding(
  db: Kysely<Database>,
  user: User,
  actor: Actor,
  input: { id: number; version: number; action: ForwardingAction; report?: RichText; comment?: string },
): Promise<Result> {
  return writeTransaction(db, async (trx) => {
    // parent before child: the subject (read, not written: "still live") shared, then the forwarding itself
    // exclusively before its version check; a forwarding's subject never changes, so the first read finds it
    const ref = await trx.selectFrom("forwardings").select(["subject_type", "subject_id"]).where("id", "=", input.id).executeTakeFirst();
    if (ref) {
      await lockRowShared(trx, SUBJECT_TABLE[ref.subject_type], ref.subject_id);
      await lockRow(trx, "forwardings", input.id);
    }
    const before = await trx.selectFrom("forwardings").selectAll().where("id", "=", input.id).executeTakeFirst();
    if (!before) return { ok: false, field: "_form", message: "该下转事项不存在" };
    const writer = input.action === "save_draft" || input.action === "submit";
    if (writer ? !canWriteForwardingReport(user, before) : !canDecideForwarding(user, before)) {
      return { ok: false, field: "_form", message: writer ? "只有接收下转的单位可以填写和报送报告" : "只有下转该事项的单位可以采纳或退回报告" };
    }
    const subject = await loadSubject(trx, { type: before.subject_type, id: before.subject_id });
    if (!subject?.live) return { ok: false, field: "_form", message: "该事项已作废，不能再办理" };
    if (before.version !== input.version) return { ok: false, field: "_form", message: "该下转事项已被他人处理或修改，请刷新页面查看最新状态。" };
    const next = nextForwardingStatus(before.status, input.action);
    if (!next) return { ok: false, field: "_form", message: REFUSALS[input.action] };
    const comment = (input.comment ?? "").trim();
    if (input.action === "return" && !comment) return { ok: false, field: "comment", message: "退回时请填写修改意见" };
    if (input.action === "submit" && !input.report?.text) return { ok: false, field: "report", message: "请填写报告后再报送" };
    const now = nowIso();
    const changes: Updateable<ForwardingTable> = { status: next, version: before.version + 1, updated_at: now };
    if (writer && input.report) Object.assign(changes, { report_json: input.report.json, report_text: input.report.text, report_html: input.report.html });
    if (input.action === "submit") changes.submitted_at = now;
    if (input.action === "accept") changes.accepted_at = now;
    if (input.action === "return") changes.return_comment = comment;
    await trx.updateTable("forwardings").set(changes).where("id", "=", before.id).execute();
    if (input.action !== "save_draft") {
      const to = await trx.selectFrom("organizations").select("name").where("id", "=", before.to_organization_id).executeTakeFirst();
      await itemEvent(trx, subject, actor, `forward_${input.action}`, `${to?.name ?? ""}${comment ? `：${comment}` : ""}`, now);
    }
    await recordAudit(trx, actor, {
      action: `forwarding.${input.action}`,
      entityType: "forwarding",
      entityId: before.id,
      summary: `${SUMMARIES[input.action]}（${subject.title}）${comment ? `：${comment}` : ""}`,
      before: { status: before.status, report: before.report_text },
      after: { status: next, report: input.report?.text ?? before.report_text },
    });
    return { ok: true, id: before.id };
  });
}

/**
 * The roll-up of a record: every organisation it was forwarded to, with due date, status and light (who answered,
 * who is late). `withText` (the forwarding organisation's own view) adds each report's text as far as the
 * policy lets the user read it; the city's view carries no text.
 */
export async function rollUp(db: Db, subject: Subject, user: User | null = null, today = todayInShanghai()) {
  const rows = await db
    .selectFrom("forwardings as f")
    .innerJoin("organizations as t", "t.id", "f.to_organization_id")
    .innerJoin("organizations as fo", "fo.id", "f.from_organization_id")
    .select(["f.id", "f.inquiry_id", "f.from_organization_id", "f.to_organization_id", "f.status", "f.due_date", "f.submitted_at", "f.accepted_at", "f.compiled_at", "f.report_text", "f.version", "t.name as to_name", "fo.name as from_name"])
    .where("f.subject_type", "=", subject.type)
    .where("f.subject_id", "=", subject.id)
    .orderBy("t.sort_order")
    .orderBy("f.id")
    .execute();
  return rows.map(({ report_text, ...r }) => ({
    ...r,
    ...deadlineLight(r.due_date, today, NEAR_DAYS, r.status === "submitted" || r.status === "accepted"),
    report_text: user && canReadForwardingReport(user, r) ? report_text : null,
  }));
}
export type RollUpRow = Awaited<ReturnType<typeof rollUp>>[number];

/** The accepted reports not yet compiled, as the text the forwarding organisation starts its answer from. */
export function compiledDraft(rows: readonly Pick<RollUpRow, "status" | "compiled_at" | "to_name" | "report_text">[]): string {
  return rows
    .filter((r) => r.status === "accepted" && !r.compiled_at && r.report_text)
    .map((r) => `【${r.to_name}】${r.report_text}`)
    .join("\n\n");
}

/**
 * Rolls the accepted reports up into the forwarding organisation's own answer: for a delegated survey, appended
 * to its report draft (it then submits as before on the survey's page); for an item, a progress report of the
 * item in the name of the organisation it is addressed to (the user's own, or the one under it). `text` is what
 * the user edited from compiledDraft; the reports compiled are marked, so the next compile starts from new ones.
 * One transaction, audited.
 */
export async function compileRollUp(
  db: Kysely<Database>,
  user: User,
  actor: Actor,
  input: { subject: Subject; version: number; text: string },
): Promise<Result> {
  const body = parseRichText(input.text, null, { label: "汇总报告", required: true });
  if (!body.ok) return { ok: false, field: "text", message: body.message };
  const pre = await loadSubject(db, input.subject);
  if (!pre?.live) return { ok: false, field: "_form", message: "该事项不存在或已作废" };
  if (!canForward(user, pre)) return { ok: false, field: "_form", message: "只有承办该事项的单位可以汇总下级报告" };
  const compiled = (await rollUp(db, input.subject, user)).filter((r) => r.status === "accepted" && !r.compiled_at && r.from_organization_id === user.organizationId);
  if (compiled.length === 0) return { ok: false, field: "_form", message: "没有待汇总的已采纳报告" };
  if (input.subject.type === "item") {
    // the item's own rule and audit (addProgressReport) in its transaction; the marks below follow it
    const addressee = pre.addressed_ids.includes(user.organizationId!) ? user.organizationId! : await addresseeBelow(db, user.organizationId!, pre.addressed_ids);
    const report = await addProgressReport(db, actor, { itemId: pre.id, organizationId: addressee, body: body.value, files: [] });
    if (!report.ok) return report;
  }
  return writeTransaction(db, async (trx) => {
    // the subject (its report is written for a delegation) before its forwardings, which are marked compiled:
    // a second compile at the same time waits and then finds them compiled
    await lockRow(trx, SUBJECT_TABLE[input.subject.type], pre.id);
    await lockRow(trx, "forwardings", ...compiled.map((c) => c.id));
    const still = await trx.selectFrom("forwardings").select("id").where("id", "in", compiled.map((c) => c.id)).where("compiled_at", "is", null).execute();
    if (still.length !== compiled.length) return { ok: false, field: "_form", message: "下级报告已被他人汇总，请刷新页面后再试" };
    const now = nowIso();
    if (input.subject.type === "delegation") {
      const d = await trx.selectFrom("survey_delegations").select(["version", "status", "report_json", "report_text"]).where("id", "=", pre.id).executeTakeFirstOrThrow();
      if (d.version !== input.version) return { ok: false, field: "_form", message: "本单位的调研报告已被他人修改，请刷新页面后再汇总。" };
      if (d.status !== "pending" && d.status !== "returned") return { ok: false, field: "_form", message: "本单位的调研报告已提交，不能再汇总" };
      const merged = appendParagraphs(d.report_json, body.value);
      await trx
        .updateTable("survey_delegations")
        .set({ report_json: merged.json, report_text: merged.text, report_html: merged.html, draft_saved_at: now, version: d.version + 1, updated_at: now })
        .where("id", "=", pre.id)
        .execute();
      await trx.insertInto("survey_events").values({ delegation_id: pre.id, action: "draft_saved", comment: `汇总下级单位报告 ${compiled.length} 份`, actor_id: actor.id, actor_label: actor.label, at: now }).execute();
    } else {
      await itemEvent(trx, pre, actor, "forward_compiled", `汇总下级单位报告 ${compiled.length} 份`, now);
    }
    await trx.updateTable("forwardings").set({ compiled_at: now, updated_at: now }).where("id", "in", compiled.map((c) => c.id)).execute();
    await recordAudit(trx, actor, {
      action: "forwarding.compile",
      entityType: input.subject.type === "item" ? "rectification_item" : "survey_delegation",
      entityId: pre.id,
      summary: `汇总${compiled.map((c) => c.to_name).join("、")}的报告（${pre.title}）`,
      after: { forwardings: compiled.map((c) => c.id), text: body.value.text },
    });
    return { ok: true, id: pre.id };
  });
}

/** The addressee of a record that lies under `orgId` (the county's government under the county congress). */
async function addresseeBelow(db: Db, orgId: number, addressed: readonly number[]): Promise<number> {
  const below = new Set(descendantsIn(await loadTree(db), orgId));
  return addressed.find((a) => below.has(a)) ?? addressed[0];
}

/** A stored report with the paragraphs of `more` after its own (the county's draft keeps what it wrote). */
function appendParagraphs(storedJson: string, more: RichText): RichText {
  if (!storedJson) return more;
  const doc = JSON.parse(storedJson) as { root: { children: unknown[] } };
  const added = JSON.parse(more.json) as { root: { children: unknown[] } };
  doc.root.children = [...doc.root.children, ...added.root.children];
  return renderStoredRichText(JSON.stringify(doc));
}

/** For tests and forms: a plain text as stored rich text. */
export function plainRichText(text: string): RichText {
  return renderStoredRichText(JSON.stringify(plainTextToLexical(text)));
}

/**
 * /my: what was forwarded to the user's organisation (a township's whole view), the records the user's
 * organisation forwarded, and the items of the organisations under it (a county's own and its sub-organisations' work).
 */
export async function myForwardings(db: Db, user: User, today = todayInShanghai()) {
  if (user.organizationId === null || (user.role !== "county" && user.role !== "department")) return { received: [], sent: [], countyItems: [] };
  const org = user.organizationId;
  const base = db
    .selectFrom("forwardings as f")
    .innerJoin("organizations as fo", "fo.id", "f.from_organization_id")
    .innerJoin("organizations as t", "t.id", "f.to_organization_id")
    .select(["f.id", "f.subject_type", "f.subject_id", "f.status", "f.due_date", "f.brief", "f.submitted_at", "fo.name as from_name", "t.name as to_name"])
    .where(inLiveWork("f.inquiry_id"))
    .orderBy("f.due_date")
    .orderBy("f.id");
  const [received, sent] = await Promise.all([base.where("f.to_organization_id", "=", org).execute(), base.where("f.from_organization_id", "=", org).execute()]);
  const light = <R extends { due_date: string; status: ForwardingStatus }>(r: R) => ({ ...r, ...deadlineLight(r.due_date, today, NEAR_DAYS, r.status === "submitted" || r.status === "accepted") });
  const tree = await loadTree(db);
  const below = descendantsIn(tree, org);
  const countyItems = below.length
    ? await db
        .selectFrom("rectification_items as i")
        .innerJoin("organizations as o", "o.id", "i.lead_department_id")
        .innerJoin("inquiries as q", "q.id", "i.inquiry_id")
        .select(["i.id", "i.number", "i.problem", "i.deadline", "i.status", "o.name as lead_name", "q.title as inquiry_title"])
        .where(notVoided("i"))
        .where((eb) =>
          eb.or([
            eb("i.lead_department_id", "in", below),
            eb("i.id", "in", eb.selectFrom("rectification_codepartments").select("item_id").where("organization_id", "in", below)),
          ]),
        )
        .orderBy("i.deadline")
        .limit(200)
        .execute()
    : [];
  return { received: received.map(light), sent: sent.map(light), countyItems };
}

/** For routes: the policy scope of a forwarding row. */
export function forwardingScope(f: ForwardingScope): ForwardingScope {
  return { inquiry_id: f.inquiry_id, from_organization_id: f.from_organization_id, to_organization_id: f.to_organization_id, status: f.status };
}
