import type { Kysely } from "kysely";
import type { Database } from "../../db/schema";
import type { CurrentUser } from "../auth/session.server";
import { isGovernmentLiaison } from "../policy.server";
import { todayInShanghai } from "../utils/time";
import { deadlineLight } from "../utils/deadline";
import { defaultHandlingDueDate, HANDLING_REPORT_NEAR_DAYS, pendingHandlingReports } from "./handling-report.server";
import { OPEN_ITEM_STATUSES } from "./labels";
import { getWarningDays, itemLight } from "./rectification.server";

/**
 * The /my section of 整改督办: every item where the signed-in department is lead or co-department, with its
 * deadline light, open ones first (nearest deadline first); for the government's liaison also the handling
 * reports to submit. Returns null for roles without such a section.
 */
export async function loadMyRectification(db: Kysely<Database>, user: Pick<CurrentUser, "role" | "organizationId" | "organizationKind">) {
  if (user.role !== "department" || user.organizationId === null) return null;
  const org = user.organizationId;
  const today = todayInShanghai();
  const warningDays = await getWarningDays(db);
  const rows = await db
    .selectFrom("rectification_items as i")
    .innerJoin("organizations as lead", "lead.id", "i.lead_department_id")
    .innerJoin("inquiries as q", "q.id", "i.inquiry_id")
    .select([
      "i.id",
      "i.number",
      "i.problem",
      "i.deadline",
      "i.original_deadline",
      "i.status",
      "i.return_comment",
      "i.lead_department_id",
      "lead.name as lead_name",
      "q.id as inquiry_id",
      "q.title as inquiry_title",
    ])
    .where((eb) =>
      eb.or([
        eb("i.lead_department_id", "=", org),
        eb.exists(eb.selectFrom("rectification_codepartments as c").select("c.item_id").whereRef("c.item_id", "=", "i.id").where("c.organization_id", "=", org)),
      ]),
    )
    .orderBy("i.deadline")
    .orderBy("i.id")
    .execute();
  const pendingExt = rows.length
    ? new Set(
        (
          await db
            .selectFrom("deadline_extensions")
            .select("item_id")
            .where("status", "=", "pending")
            .where("item_id", "in", rows.map((r) => r.id))
            .execute()
        ).map((r) => r.item_id),
      )
    : new Set<number>();
  const items = rows.map((r) => ({
    id: r.id,
    number: r.number,
    problem: r.problem,
    deadline: r.deadline,
    original_deadline: r.original_deadline,
    status: r.status,
    return_comment: r.status === "in_progress" ? r.return_comment : "",
    role: r.lead_department_id === org ? ("lead" as const) : ("co" as const),
    lead_name: r.lead_name,
    inquiry_id: r.inquiry_id,
    inquiry_title: r.inquiry_title,
    extensionPending: pendingExt.has(r.id),
    ...itemLight(r, today, warningDays),
  }));
  let handlingReports: { id: number | null; inquiry_id: number; inquiry_title: string; round: number; due_date: string; light: "green" | "yellow" | "red" | "done"; daysLeft: number }[] = [];
  if (isGovernmentLiaison(user)) {
    const pending = await pendingHandlingReports(db);
    // inquiries in rectification without a report round yet: due three months after the meeting by default
    const without = await db
      .selectFrom("inquiries as q")
      .select(["q.id", "q.title", "q.meeting_date"])
      .where("q.stage", "=", "rectification")
      .where((eb) => eb.not(eb.exists(eb.selectFrom("handling_reports as h").select("h.id").whereRef("h.inquiry_id", "=", "q.id"))))
      .execute();
    handlingReports = [
      ...pending.map((p) => ({ id: p.id, inquiry_id: p.inquiry_id, inquiry_title: p.inquiry_title, round: p.round, due_date: p.due_date, light: p.light, daysLeft: p.daysLeft })),
      ...without.map((q) => {
        const due = defaultHandlingDueDate(q.meeting_date, today);
        return { id: null, inquiry_id: q.id, inquiry_title: q.title, round: 1, due_date: due, ...deadlineLight(due, today, HANDLING_REPORT_NEAR_DAYS) };
      }),
    ];
  }
  return {
    warningDays,
    open: items.filter((i) => OPEN_ITEM_STATUSES.includes(i.status)),
    finished: items.filter((i) => !OPEN_ITEM_STATUSES.includes(i.status)),
    handlingReports,
  };
}
export type MyRectificationData = NonNullable<Awaited<ReturnType<typeof loadMyRectification>>>;
