import { inLiveWork, notVoided } from "../history/void.server";
import type { Kysely } from "kysely";
import type { Database, ItemStatus } from "../../db/schema";
import type { CurrentUser } from "../auth/session.server";
import { isGovernmentLiaison } from "../policy.server";
import { todayInShanghai } from "../utils/time";
import { deadlineLight } from "../utils/deadline";
import { defaultHandlingDueDate, HANDLING_REPORT_NEAR_DAYS, pendingHandlingReports } from "./handling-report.server";
import { FINAL_ITEM_STATUSES, OPEN_ITEM_STATUSES } from "./labels";
import { getWarningDays, itemLight } from "./status.server";

/** Items per page in each list of the /my section. */
export const MY_ITEMS_PAGE_SIZE = 30;

/** The asked-for page, kept between the first and the last page of `total` items. */
function pageWithin(asked: number | undefined, total: number): number {
  return Math.max(1, Math.min(asked ?? 1, Math.ceil(total / MY_ITEMS_PAGE_SIZE) || 1));
}

/**
 * One page of the ids of a department's items in the given statuses, ordered by deadline (nearest first for
 * open items, latest first for finished ones). Lead items are read per status from the (lead, status,
 * deadline) index, so only the rows up to the page are touched however many items the department has; items
 * the department co-handles come from its co-department rows. The two ordered lists are merged here.
 */
async function pageOfItems(
  db: Kysely<Database>,
  org: number,
  statuses: ItemStatus[],
  direction: "asc" | "desc",
  page: number,
): Promise<number[]> {
  const want = page * MY_ITEMS_PAGE_SIZE;
  const lists = await Promise.all([
    ...statuses.map((status) =>
      db
        .selectFrom("rectification_items")
        .select(["id", "deadline"])
        .where("lead_department_id", "=", org)
        .where("status", "=", status)
        .where(notVoided("rectification_items"))
        .orderBy("deadline", direction)
        .orderBy("id", direction)
        .limit(want)
        .execute(),
    ),
    coDepartmentItems(db, org)
      .select(["i.id", "i.deadline"])
      .where("i.status", "in", statuses)
      .orderBy("i.deadline", direction)
      .orderBy("i.id", direction)
      .limit(want)
      .execute(),
  ]);
  const sign = direction === "asc" ? 1 : -1;
  return lists
    .flat()
    .sort((a, b) => sign * (a.deadline < b.deadline ? -1 : a.deadline > b.deadline ? 1 : a.id - b.id))
    .slice(want - MY_ITEMS_PAGE_SIZE, want)
    .map((r) => r.id);
}

/** Items the department co-handles (and does not lead), through its (organization_id, item_id) index. */
function coDepartmentItems(db: Kysely<Database>, org: number) {
  return db
    .selectFrom("rectification_codepartments as c")
    .innerJoin("rectification_items as i", "i.id", "c.item_id")
    .where("c.organization_id", "=", org)
    .where("i.lead_department_id", "!=", org)
    .where(notVoided("i"));
}

/** How many of the department's items are open and finished (lead and co-department). */
async function countItems(db: Kysely<Database>, org: number): Promise<{ open: number; finished: number }> {
  const lead = await db
    .selectFrom("rectification_items")
    .select(["status", (eb) => eb.fn.countAll<number>().as("n")])
    .where("lead_department_id", "=", org)
    .where(notVoided("rectification_items"))
    .groupBy("status")
    .execute();
  const co = await coDepartmentItems(db, org)
    .select(["i.status", (eb) => eb.fn.countAll<number>().as("n")])
    .groupBy("i.status")
    .execute();
  let open = 0;
  let finished = 0;
  for (const r of [...lead, ...co]) {
    if (OPEN_ITEM_STATUSES.includes(r.status)) open += Number(r.n);
    else finished += Number(r.n);
  }
  return { open, finished };
}

/**
 * The /my section of 整改督办: the items where the signed-in department is lead or co-department, with their
 * deadline lights — open ones by nearest deadline, finished ones after, each list paged; for the government's
 * liaison also the handling reports to submit. Returns null for roles without such a section.
 */
export async function loadMyRectification(
  db: Kysely<Database>,
  user: Pick<CurrentUser, "role" | "organizationId" | "organizationKind">,
  pages: { open?: number; finished?: number } = {},
) {
  if (user.role !== "department" || user.organizationId === null) return null;
  const org = user.organizationId;
  const today = todayInShanghai();
  const warningDays = await getWarningDays(db);
  const counts = await countItems(db, org);
  const openPage = pageWithin(pages.open, counts.open);
  const finishedPage = pageWithin(pages.finished, counts.finished);
  const openIds = await pageOfItems(db, org, OPEN_ITEM_STATUSES, "asc", openPage);
  const finishedIds = await pageOfItems(db, org, FINAL_ITEM_STATUSES, "desc", finishedPage);
  const ids = [...openIds, ...finishedIds];
  const rows = ids.length
    ? await db
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
        .where("i.id", "in", ids)
        .execute()
    : [];
  const pendingExt = ids.length
    ? new Set(
        (
          await db
            .selectFrom("deadline_extensions")
            .select("item_id")
            .where("status", "=", "pending")
            .where("item_id", "in", ids)
            .execute()
        ).map((r) => r.item_id),
      )
    : new Set<number>();
  const byId = new Map(
    rows.map((r) => [
      r.id,
      {
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
      },
    ]),
  );
  const inOrder = (list: number[]) => list.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : []));
  let handlingReports: { id: number | null; inquiry_id: number; inquiry_title: string; round: number; due_date: string; light: "green" | "yellow" | "red" | "done"; daysLeft: number }[] = [];
  if (isGovernmentLiaison(user)) {
    const pending = await pendingHandlingReports(db);
    // inquiries in rectification without a report round yet: due three months after the meeting by default
    const without = await db
      .selectFrom("inquiries as q")
      .select(["q.id", "q.title", "q.meeting_date"])
      .where("q.stage", "=", "rectification")
      .where(inLiveWork("q.id"))
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
    pageSize: MY_ITEMS_PAGE_SIZE,
    open: inOrder(openIds),
    openTotal: counts.open,
    openPage,
    finished: inOrder(finishedIds),
    finishedTotal: counts.finished,
    finishedPage,
    handlingReports,
  };
}
export type MyRectificationData = NonNullable<Awaited<ReturnType<typeof loadMyRectification>>>;
