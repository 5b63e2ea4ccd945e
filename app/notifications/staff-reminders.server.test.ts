import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDb, makeOrganization, makeUser, type TestDb } from "../test/db";
import { runReminders } from "./reminders.server";

const now = "2026-01-01T00:00:00.000Z";

describe("reminders to the staff who manage the inquiry (yellow and red lights)", () => {
  let t: TestDb;
  beforeEach(async () => {
    t = await createTestDb();
  });
  afterEach(() => t.cleanup());

  it("an item and a survey turning yellow, then red, notify the managing staff once each; other staff never", async () => {
    const committee = await makeOrganization(t.db, { name: "市人大常委会农业农村工作委员会", kind: "congress_office" });
    const otherCommittee = await makeOrganization(t.db, { name: "市人大常委会财经工作委员会", kind: "congress_office" });
    const health = await makeOrganization(t.db, { kind: "department" });
    const county = await makeOrganization(t.db, { kind: "county_congress" });
    const manager = await makeUser(t.db, { role: "staff", organizationId: committee });
    const outsider = await makeUser(t.db, { role: "staff", organizationId: otherCommittee });
    const inquiry = await t.db
      .insertInto("inquiries")
      .values({ title: "询问", congress: "市人大常委会", organizing_body: "市人大常委会农业农村工作委员会", meeting_date: "2025-09-22", created_by: null, created_at: now, updated_at: now })
      .returning("id")
      .executeTakeFirstOrThrow();
    await t.db
      .insertInto("rectification_items")
      .values({ inquiry_id: inquiry.id, number: 1, problem: "医养中心运行", lead_department_id: health, deadline: "2026-03-20", original_deadline: "2026-03-20", created_by: null, created_at: now, updated_at: now })
      .execute();
    const request = await t.db.insertInto("survey_requests").values({ inquiry_id: inquiry.id, title: "调研", due_date: "2026-03-10", created_by: null, created_at: now }).returning("id").executeTakeFirstOrThrow();
    await t.db.insertInto("survey_delegations").values({ request_id: request.id, inquiry_id: inquiry.id, organization_id: county, created_at: now, updated_at: now }).execute();
    const staffRows = async (userId: number) =>
      (await t.db.selectFrom("notifications").select(["kind", "title", "link"]).where("user_id", "=", userId).where("kind", "like", "staff_%").orderBy("id").execute());

    await runReminders(t.db, "2026-02-01"); // both green (items warn 15 days ahead, surveys 7)
    expect(await staffRows(manager.id)).toEqual([]);
    await runReminders(t.db, "2026-03-04"); // item green (16 days), survey yellow (6 days)
    await runReminders(t.db, "2026-03-04"); // the same day again: nothing new
    expect((await staffRows(manager.id)).map((r) => r.kind)).toEqual(["staff_deadline"]);
    await runReminders(t.db, "2026-03-11"); // survey red, item yellow (9 days)
    await runReminders(t.db, "2026-03-12");
    const rows = await staffRows(manager.id);
    expect(rows.map((r) => [r.kind, r.link.split("/")[1]])).toEqual([
      ["staff_deadline", "surveys"],
      ["staff_deadline", "rectification"],
      ["staff_overdue", "surveys"],
    ]);
    expect(rows[2].title).toContain("已逾期 1 天");
    expect(rows[1].title).toContain("2026年3月20日");
    expect(await staffRows(outsider.id)).toEqual([]);
  });
});
