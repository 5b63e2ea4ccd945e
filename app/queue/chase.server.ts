import { inLiveWork, notVoided } from "../history/void.server";
import type { Kysely, Transaction } from "kysely";
import type { ChaseTargetType, Database } from "../../db/schema";
import { recordAudit, type Actor } from "../audit.server";
import type { CurrentUser } from "../auth/session.server";
import { canChase } from "../policy.server";
import { notifyOrganization } from "../notifications/notifications.server";
import { HANDLING_REPORT_NEAR_DAYS } from "../rectification/handling-report.server";
import { getWarningDays } from "../rectification/status.server";
import { SURVEY_NEAR_DAYS } from "../surveys/surveys.server";
import { deadlineLight, describeDaysLeft, type Light } from "../utils/deadline";
import { writeLetter } from "../documents/letters.server";
import { daysBetween, formatDate, nowIso, todayInShanghai } from "../utils/time";
import type { Result } from "../utils/result";

/**
 * 催办 (issue 12, docs/decisions/0052): from an open item, survey or handling report whose deadline is near
 * (yellow) or passed (red), the staff who manage the inquiry chase the responsible organisation. A chase-up
 * notifies that organisation's accounts, is kept in chase_ups (with the deadline at the time) and in the
 * record's own history (item_events / survey_events; a handling report's history is its chase_ups), is audited,
 * and prints as a 催办函 (chase-docx.server.ts).
 */
type Db = Kysely<Database> | Transaction<Database>;
export interface ChaseTarget {
  type: ChaseTargetType;
  id: number;
}

export interface ChaseSubject {
  target: ChaseTarget;
  inquiry: { id: number; title: string; congress: string; organizing_body: string; created_by: number | null; stage: string };
  organizationId: number;
  organizationName: string;
  dueDate: string;
  /** how the letter and the notification name the thing chased */
  subject: string;
  link: string;
  open: boolean;
  light: Light;
  daysLeft: number;
}

const MAX_NOTE = 500;

/** What a chase-up of the target would be about: its inquiry, responsible organisation, deadline and light. */
export async function chaseSubject(db: Db, target: ChaseTarget, today = todayInShanghai()): Promise<ChaseSubject | null> {
  const inquiryOf = (id: number) =>
    // no chase-up for a record of past work (补录) or a voided inquiry (issue 13)
    db.selectFrom("inquiries").select(["id", "title", "congress", "organizing_body", "created_by", "stage"]).where("id", "=", id).where(inLiveWork("inquiries.id")).executeTakeFirst();
  if (target.type === "item") {
    const i = await db
      .selectFrom("rectification_items as i")
      .innerJoin("organizations as o", "o.id", "i.lead_department_id")
      .select(["i.inquiry_id", "i.number", "i.problem", "i.deadline", "i.status", "i.lead_department_id", "o.name"])
      .where("i.id", "=", target.id)
      .where(notVoided("i"))
      .executeTakeFirst();
    const inquiry = i && (await inquiryOf(i.inquiry_id));
    if (!i || !inquiry) return null;
    const open = i.status === "todo" || i.status === "in_progress";
    return {
      target,
      inquiry,
      organizationId: i.lead_department_id,
      organizationName: i.name,
      dueDate: i.deadline,
      subject: `「${inquiry.title}」第 ${i.number} 项整改事项（${i.problem.slice(0, 60)}）`,
      link: `/rectification/${target.id}`,
      open,
      ...deadlineLight(i.deadline, today, await getWarningDays(db), !open),
    };
  }
  if (target.type === "survey") {
    const d = await db
      .selectFrom("survey_delegations as d")
      .innerJoin("survey_requests as r", "r.id", "d.request_id")
      .innerJoin("organizations as o", "o.id", "d.organization_id")
      .select(["d.inquiry_id", "d.status", "d.organization_id", "r.title", "r.due_date", "o.name"])
      .where("d.id", "=", target.id)
      .executeTakeFirst();
    const inquiry = d && (await inquiryOf(d.inquiry_id));
    if (!d || !inquiry) return null;
    const open = d.status === "pending" || d.status === "returned";
    return {
      target,
      inquiry,
      organizationId: d.organization_id,
      organizationName: d.name,
      dueDate: d.due_date,
      subject: `「${inquiry.title}」委托调研「${d.title}」的调研报告`,
      link: `/surveys/${target.id}`,
      open,
      ...deadlineLight(d.due_date, today, SURVEY_NEAR_DAYS, !open),
    };
  }
  const h = await db.selectFrom("handling_reports").select(["inquiry_id", "round", "due_date", "status"]).where("id", "=", target.id).executeTakeFirst();
  const inquiry = h && (await inquiryOf(h.inquiry_id));
  if (!h || !inquiry) return null;
  // the government answering the inquiry (its responding organs), else the installation's government
  const government =
    (await db
      .selectFrom("inquiry_organizations as io")
      .innerJoin("organizations as o", "o.id", "io.organization_id")
      .select(["o.id", "o.name"])
      .where("io.inquiry_id", "=", h.inquiry_id)
      .where("o.kind", "=", "government")
      .orderBy("o.sort_order")
      .executeTakeFirst()) ??
    (await db.selectFrom("organizations").select(["id", "name"]).where("kind", "=", "government").where("active", "=", 1).orderBy("sort_order").orderBy("id").executeTakeFirst());
  if (!government) return null;
  const open = h.status === "pending";
  return {
    target,
    inquiry,
    organizationId: government.id,
    organizationName: government.name,
    dueDate: h.due_date,
    subject: `「${inquiry.title}」研究处理情况报告${h.round > 1 ? `（第 ${h.round} 轮）` : ""}`,
    link: `/inquiries/${h.inquiry_id}/handling-report`,
    open,
    ...deadlineLight(h.due_date, today, HANDLING_REPORT_NEAR_DAYS, !open),
  };
}

/** Why a chase-up cannot be sent now, or null when it can: only open work whose deadline is near or passed. */
export function chaseRefusal(s: Pick<ChaseSubject, "open" | "light" | "inquiry">): string | null {
  if (s.inquiry.stage === "closed") return "该专题询问已办结，不能再催办";
  if (!s.open) return "该事项已办理（已提交、已销号或已结转），无需催办";
  if (s.light !== "red" && s.light !== "yellow") return "尚未临近期限，暂不需要催办";
  return null;
}

/** How a 催办函 states the deadline on `today`: 已逾期 5 天 / 今天到期 / 距期限仅 3 天. */
export function chaseState(today: string, dueDate: string): string {
  const left = daysBetween(today, dueDate);
  return left < 0 ? describeDaysLeft(left) : left === 0 ? "今天到期" : `距期限仅 ${left} 天`;
}

/** Sends a 催办 (the caller checked canChase). Everything in one transaction; audited. */
export async function sendChase(db: Kysely<Database>, actor: Actor, input: { target: ChaseTarget; note: string }): Promise<Result> {
  const note = input.note.trim();
  if (note.length > MAX_NOTE) return { ok: false, field: "note", message: `催办意见不能超过 ${MAX_NOTE} 个字` };
  return db.transaction().execute(async (trx) => {
    const s = await chaseSubject(trx, input.target);
    if (!s) return { ok: false, field: "_form", message: "要催办的事项不存在" };
    const refusal = chaseRefusal(s);
    if (refusal) return { ok: false, field: "_form", message: refusal };
    const now = nowIso();
    const row = await trx
      .insertInto("chase_ups")
      .values({
        inquiry_id: s.inquiry.id,
        target_type: s.target.type,
        target_id: s.target.id,
        organization_id: s.organizationId,
        due_date: s.dueDate,
        subject: s.subject,
        note,
        sent_by: actor.id,
        sent_at: now,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const state = `期限 ${formatDate(s.dueDate)}，${describeDaysLeft(s.daysLeft)}`;
    // the 催办函, numbered and frozen in the same transaction (app/documents/letters.server.ts)
    const today = todayInShanghai(new Date(now));
    const letter = await writeLetter(trx, actor, {
      inquiry: s.inquiry,
      kind: "chase",
      content: {
        organizationId: s.organizationId,
        addressee: s.organizationName,
        list: [],
        values: {
          收文单位: s.organizationName,
          常委会: s.inquiry.congress || "人大常委会",
          专题询问: s.inquiry.title,
          事项: s.subject,
          期限: formatDate(s.dueDate),
          期限状态: chaseState(today, s.dueDate),
          日期: formatDate(today),
        },
      },
      note,
      today,
      chaseUpId: row.id,
    });
    const comment = `催办${s.organizationName}（${state}）${note ? `：${note}` : ""}；催办函 ${letter.docNumber}`;
    if (s.target.type === "item") {
      await trx.insertInto("item_events").values({ item_id: s.target.id, action: "chased", comment, actor_id: actor.id, actor_label: actor.label, at: now }).execute();
    } else if (s.target.type === "survey") {
      await trx.insertInto("survey_events").values({ delegation_id: s.target.id, action: "chased", comment, actor_id: actor.id, actor_label: actor.label, at: now }).execute();
    }
    await notifyOrganization(trx, s.organizationId, {
      kind: "chase",
      title: `催办：${s.subject}（${state}），请抓紧办理${note ? `。${note}` : ""}`,
      link: s.link,
      dedupeKey: `chase:${row.id}`,
    });
    await recordAudit(trx, actor, {
      action: "chase.send",
      entityType: s.target.type === "item" ? "rectification_item" : s.target.type === "survey" ? "survey_delegation" : "handling_report",
      entityId: s.target.id,
      summary: `向${s.organizationName}催办${s.subject}（${state}）`,
      after: { chase_up_id: row.id, organization_id: s.organizationId, due_date: s.dueDate, note },
    });
    return { ok: true, id: row.id };
  });
}

/** The chase-ups of one record, newest first. */
export async function listChases(db: Db, target: ChaseTarget) {
  return db
    .selectFrom("chase_ups as c")
    .innerJoin("organizations as o", "o.id", "c.organization_id")
    .leftJoin("users as u", "u.id", "c.sent_by")
    .select(["c.id", "c.due_date", "c.note", "c.sent_at", "o.name as organization_name", "u.display_name as sent_by_name"])
    .where("c.target_type", "=", target.type)
    .where("c.target_id", "=", target.id)
    .orderBy("c.id", "desc")
    .execute();
}

/** One chase-up with what its letter needs. */
export async function getChase(db: Db, id: number) {
  return db
    .selectFrom("chase_ups as c")
    .innerJoin("organizations as o", "o.id", "c.organization_id")
    .innerJoin("inquiries as q", "q.id", "c.inquiry_id")
    .select([
      "c.id",
      "c.inquiry_id",
      "c.target_type",
      "c.target_id",
      "c.organization_id",
      "c.due_date",
      "c.subject",
      "c.note",
      "c.sent_at",
      "o.name as organization_name",
      "q.title as inquiry_title",
      "q.congress",
      "q.organizing_body",
      "q.created_by",
    ])
    .where("c.id", "=", id)
    .executeTakeFirst();
}
export type ChaseLetter = NonNullable<Awaited<ReturnType<typeof getChase>>>;

/**
 * What the 催办 panel of an item, survey or handling-report page shows: the chase-ups so far (for the staff who
 * manage the inquiry and for the chased organisation) and whether this user may chase now (and if not, why).
 * Null for anyone else.
 */
export async function chasePanelData(db: Db, user: Pick<CurrentUser, "role" | "id" | "organizationName" | "organizationId">, target: ChaseTarget) {
  const s = await chaseSubject(db, target);
  if (!s) return null;
  const manages = canChase(user, s.inquiry);
  const addressed = user.organizationId !== null && user.organizationId === s.organizationId && (user.role === "department" || user.role === "county");
  if (!manages && !addressed) return null;
  const chases = await listChases(db, target);
  if (!manages && chases.length === 0) return null;
  return {
    target,
    canSend: manages && chaseRefusal(s) === null,
    refusal: manages ? chaseRefusal(s) : null,
    organizationName: s.organizationName,
    dueDate: s.dueDate,
    light: s.light,
    daysLeft: s.daysLeft,
    chases,
  };
}
export type ChasePanelData = NonNullable<Awaited<ReturnType<typeof chasePanelData>>>;
