import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ItemStatus } from "../../db/schema";
import { auditSince, lastAuditId } from "../test/db";
import { makeWorld, type World } from "./fixtures.test-helpers";
import { addDays, addMonths } from "../utils/time";
import { itemLight, nextItemStatus, setWarningDays, getWarningDays, type ItemAction } from "./status.server";

describe("nextItemStatus: every status and action, allowed and refused", () => {
  const S: ItemStatus[] = ["todo", "in_progress", "closure_requested", "closed", "carried_over"];
  // expected[action] = the next status for todo, in_progress, closure_requested, closed, carried_over
  const expected: Record<ItemAction, (ItemStatus | null)[]> = {
    report_progress: ["in_progress", "in_progress", "closure_requested", null, null],
    request_closure: [null, "closure_requested", null, null, null],
    close: [null, null, "closed", null, null],
    return: [null, null, "in_progress", null, null],
    carry_over: ["carried_over", "carried_over", "carried_over", null, null],
    request_extension: ["todo", "in_progress", null, null, null],
    decide_extension: ["todo", "in_progress", "closure_requested", null, null],
    edit: ["todo", "in_progress", "closure_requested", null, null],
  };
  const table = (Object.keys(expected) as ItemAction[]).flatMap((action) => S.map((s, i) => [s, action, expected[action][i]] as const));
  it.each(table)("%s + %s → %s", (current, action, next) => {
    expect(nextItemStatus(current, action)).toBe(next);
  });
  it("closed and carried over are final: no action moves them", () => {
    for (const action of Object.keys(expected) as ItemAction[]) {
      expect(nextItemStatus("closed", action)).toBeNull();
      expect(nextItemStatus("carried_over", action)).toBeNull();
    }
  });
});

describe("dates and lights", () => {
  it("adds days and months (clamped to the month's end)", () => {
    expect(addDays("2020-12-31", 1)).toBe("2021-01-01");
    expect(addMonths("2020-09-22", 3)).toBe("2020-12-22");
    expect(addMonths("2020-11-30", 3)).toBe("2021-02-28");
    expect(addMonths("2020-10-31", 4)).toBe("2021-02-28");
  });
  it("green, yellow within N days, red when overdue (calendar days), none once closed or carried over", () => {
    const today = "2025-03-01";
    expect(itemLight({ deadline: "2025-03-20", status: "todo" }, today, 15)).toEqual({ light: "green", daysLeft: 19, dayUnit: "calendar" });
    expect(itemLight({ deadline: "2025-03-16", status: "in_progress" }, today, 15)).toEqual({ light: "yellow", daysLeft: 15, dayUnit: "calendar" });
    expect(itemLight({ deadline: "2025-03-01", status: "todo" }, today, 15)).toEqual({ light: "yellow", daysLeft: 0, dayUnit: "calendar" });
    expect(itemLight({ deadline: "2025-02-20", status: "closure_requested" }, today, 15)).toEqual({ light: "red", daysLeft: -9, dayUnit: "calendar" });
    expect(itemLight({ deadline: "2025-02-20", status: "closed" }, today, 15).light).toBe("done");
    expect(itemLight({ deadline: "2025-02-20", status: "carried_over" }, today, 15).light).toBe("done");
    // a deadline set in 工作日 counts its days in working days when the calendar is loaded; the light stays calendar-based
    const cal = { calendar: { holidays: new Set<string>(), workdays: new Set<string>() }, loaded: new Set([2025]) };
    expect(itemLight({ deadline: "2025-03-10", status: "todo", deadline_workdays: 5 }, today, 15, cal)).toEqual({ light: "yellow", daysLeft: 6, dayUnit: "workday" }); // Sat 1 Mar → Mon 3 to Fri 7, Mon 10
    expect(itemLight({ deadline: "2025-03-10", status: "todo", deadline_workdays: null }, today, 15, cal)).toEqual({ light: "yellow", daysLeft: 9, dayUnit: "calendar" });
  });
});

describe("rectification items against the database", () => {
  let w: World;
  beforeEach(async () => {
    w = await makeWorld();
  });
  afterEach(async () => {
    await w.cleanup();
  });

  it("the warning days are a setting (default 15), audited, between 1 and 90", async () => {
    expect(await getWarningDays(w.t.db)).toBe(15);
    expect(await setWarningDays(w.t.db, w.staff.actor, 0)).toMatchObject({ ok: false });
    const before = await lastAuditId(w.t.db);
    expect(await setWarningDays(w.t.db, w.staff.actor, 30)).toMatchObject({ ok: true });
    expect(await getWarningDays(w.t.db)).toBe(30);
    expect((await auditSince(w.t.db, before))[0]).toMatchObject({ action: "setting.update", before: { deadline_warning_days: 15 }, after: { deadline_warning_days: 30 } });
  });
});
