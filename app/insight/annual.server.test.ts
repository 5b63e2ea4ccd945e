import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeMeetingWorld, recordOne, type MeetingWorld } from "../meeting/test-helpers";
import { createTestDb, type TestDb } from "../test/db";
import { docxText, officeXmlErrors } from "../test/office-xml";
import { annualDocx } from "./annual-docx.server";
import { annualReport, reportYears } from "./annual.server";

describe("the annual report", () => {
  let t: TestDb;
  let w: MeetingWorld;
  beforeEach(async () => {
    t = await createTestDb();
    w = await makeMeetingWorld(t.db); // meeting on 2020-09-22
  });
  afterEach(async () => t.cleanup());

  async function item(number: number, deadline: string, createdAt: string, status: "todo" | "closed" | "carried_over", closedAt: string | null, dept = w.health) {
    await t.db
      .insertInto("rectification_items")
      .values({ inquiry_id: w.inquiryId, number, problem: `问题${number}`, lead_department_id: dept, deadline, original_deadline: deadline, status, closed_at: closedAt, created_at: createdAt, updated_at: closedAt ?? createdAt })
      .execute();
  }

  it("counts the year's inquiries, exchanges and items per department by Shanghai dates", async () => {
    await recordOne(t.db, w);
    await recordOne(t.db, w, { outlineQuestionId: null });
    await item(1, "2020-12-01", "2020-10-01T02:00:00Z", "closed", "2020-11-20T02:00:00Z"); // on time
    await item(2, "2020-11-01", "2020-10-01T02:00:00Z", "closed", "2020-12-31T17:00:00Z"); // closed 2021-01-01 Shanghai: open and overdue at the end of 2020
    await item(3, "2020-11-30", "2020-10-01T02:00:00Z", "todo", null, w.education); // overdue
    await item(4, "2021-06-30", "2020-12-31T16:30:00Z", "todo", null); // registered 2021-01-01 in Shanghai
    // an accountability step is counted in the year of its date
    const step = { inquiry_id: w.inquiryId, organization_id: w.health, trigger_type: "overdue" as const, trigger_id: 1, decision: "约谈分管负责人", created_at: "2020-12-01T02:00:00Z", updated_at: "2020-12-01T02:00:00Z" };
    await t.db.insertInto("accountability_steps").values([{ ...step, kind: "interview", step_date: "2020-12-01" }, { ...step, kind: "notice", step_date: "2021-01-05" }]).execute();
    const r = await annualReport(t.db, 2020, "2026-11-29");
    expect(r.accountability.steps).toEqual({ interview: 1, notice: 0, review: 0, referral: 0 });
    expect(r.asOf).toBe("2020-12-31");
    expect(r.totals).toMatchObject({ inquiries: 1, exchanges: 2, raised: 3, closed: 1, onTime: 1, late: 0, overdue: 2 });
    const health = r.departments.find((d) => d.id === w.health)!;
    expect(health).toMatchObject({ raised: 2, closed: 1, onTime: 1, overdue: 1 });
    const next = await annualReport(t.db, 2021, "2026-11-29");
    expect(next.totals).toMatchObject({ inquiries: 0, raised: 1, closed: 1, late: 1 });
    expect(await reportYears(t.db, "2026-11-29")).toEqual([2026, 2021, 2020]);

    const buffer = await annualDocx("焦作市人大常委会", r);
    expect(await officeXmlErrors(buffer)).toEqual([]);
    const text = await docxText(buffer);
    expect(text).toContain("焦作市人大常委会2020年度专题询问工作报告");
    expect(text).toContain("逾期未完成2项");
    expect(text).toContain("约谈1次");
  });
});
