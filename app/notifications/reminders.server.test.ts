import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDb, makeOrganization, makeUser, type TestDb } from "../test/db";
import { markRead, unreadCount } from "./notifications.server";
import { reminderStep, runReminders, runRemindersIfDue } from "./reminders.server";

const now = "2026-01-01T00:00:00.000Z";

describe("reminderStep", () => {
  it.each([
    ["2026-03-08", "2026-03-01", "due-7"],
    ["2026-03-04", "2026-03-01", "due-3"],
    ["2026-03-02", "2026-03-01", "due-1"],
    ["2026-03-05", "2026-03-01", null],
    ["2026-03-01", "2026-03-01", null],
    ["2026-02-27", "2026-03-01", "overdue"],
  ])("due %s on %s → %s", (due, today, step) => expect(reminderStep(due, today)).toBe(step));
});

describe("notifications from assignments and the reminder job", () => {
  let t: TestDb;
  beforeEach(async () => {
    t = await createTestDb();
  });
  afterEach(() => t.cleanup());

  it("assigning an item notifies the lead and co-departments; the job reminds once however often it runs", async () => {
    const health = await makeOrganization(t.db, { kind: "department" });
    const housing = await makeOrganization(t.db, { kind: "department" });
    const other = await makeOrganization(t.db, { kind: "department" });
    const liaison = await makeUser(t.db, { role: "department", organizationId: health });
    const co = await makeUser(t.db, { role: "department", organizationId: housing });
    const outsider = await makeUser(t.db, { role: "department", organizationId: other });
    const inquiry = await t.db
      .insertInto("inquiries")
      .values({ title: "询问", congress: "市人大常委会", meeting_date: "2025-09-22", created_by: null, created_at: now, updated_at: now })
      .returning("id")
      .executeTakeFirstOrThrow();
    const item = await t.db
      .insertInto("rectification_items")
      .values({ inquiry_id: inquiry.id, number: 1, problem: "医养中心运行", lead_department_id: health, deadline: "2026-03-04", original_deadline: "2026-03-04", created_by: null, created_at: now, updated_at: now })
      .returning("id")
      .executeTakeFirstOrThrow();
    await t.db.insertInto("rectification_codepartments").values({ item_id: item.id, organization_id: housing }).execute();
    expect(await unreadCount(t.db, liaison.id)).toBe(1);
    expect(await unreadCount(t.db, co.id)).toBe(1);
    expect(await unreadCount(t.db, outsider.id)).toBe(0);

    expect(await runReminders(t.db, "2026-03-01")).toEqual({ created: 1 }); // 3 days before, lead only
    expect(await runReminders(t.db, "2026-03-01")).toEqual({ created: 0 });
    expect(await unreadCount(t.db, liaison.id)).toBe(2);
    expect(await runReminders(t.db, "2026-03-02")).toEqual({ created: 0 }); // 2 days: no step
    expect(await runReminders(t.db, "2026-03-05")).toEqual({ created: 1 }); // overdue
    expect(await runReminders(t.db, "2026-03-06")).toEqual({ created: 0 }); // overdue only once
    // a new deadline gets reminders of its own
    await t.db.updateTable("rectification_items").set({ deadline: "2026-03-13" }).where("id", "=", item.id).execute();
    expect(await runReminders(t.db, "2026-03-06")).toEqual({ created: 1 });
    // closed items are not reminded
    await t.db.updateTable("rectification_items").set({ status: "closed" }).where("id", "=", item.id).execute();
    expect(await runReminders(t.db, "2026-03-12")).toEqual({ created: 0 });

    expect(await runRemindersIfDue(t.db, "2026-03-12")).toBe(false); // already ran that day
    expect(await runRemindersIfDue(t.db, "2026-03-13")).toBe(true);

    expect(await markRead(t.db, { ...outsider.actor, id: outsider.id }, null)).toBe(0);
    expect(await markRead(t.db, { ...liaison.actor, id: liaison.id }, null)).toBe(4);
    expect(await unreadCount(t.db, liaison.id)).toBe(0);
    expect(await unreadCount(t.db, co.id)).toBe(1);
  });

  it("opening a vote notifies every active member; a delegation notifies the county", async () => {
    const county = await makeOrganization(t.db, { kind: "county_congress" });
    const countyUser = await makeUser(t.db, { role: "county", organizationId: county });
    const member = await makeUser(t.db, { role: "member" });
    const inquiry = await t.db
      .insertInto("inquiries")
      .values({ title: "询问", congress: "市人大常委会", created_by: null, created_at: now, updated_at: now, meeting_date: null })
      .returning("id")
      .executeTakeFirstOrThrow();
    await t.db.insertInto("votes").values({ inquiry_id: inquiry.id, target_type: "department", title: "对卫健委的满意度", opened_by: null, opened_at: now, segment_id: null, department_id: null, handling_report_id: null, closed_at: null }).execute();
    expect(await unreadCount(t.db, member.id)).toBe(1);
    const request = await t.db.insertInto("survey_requests").values({ inquiry_id: inquiry.id, title: "调研", due_date: "2026-02-01", created_by: null, created_at: now }).returning("id").executeTakeFirstOrThrow();
    await t.db.insertInto("survey_delegations").values({ request_id: request.id, inquiry_id: inquiry.id, organization_id: county, created_at: now, updated_at: now }).execute();
    const rows = await t.db.selectFrom("notifications").select(["title", "link"]).where("user_id", "=", countyUser.id).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0].title).toContain("委托调研：调研");
  });
});
