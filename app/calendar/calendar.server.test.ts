import { afterEach, beforeEach, describe, expect, it } from "vitest";
import ExcelJS from "exceljs";
import { auditSince, createTestDb, lastAuditId, snapshot, type TestDb } from "../test/db";
import { SYSTEM_ACTOR } from "../audit.server";
import { addWorkingDays, workingDaysBetween } from "../utils/workdays";
import { daysLeftIn, holidaySheetLines, loadHolidayYear, parseHolidayLines, workCalendar, workdayDeadline } from "./calendar.server";

/**
 * 2021's arrangement as the State Council gave it (国办发明电〔2020〕27号《国务院办公厅关于2021年部分节假日安排的通知》):
 * 元旦 1月1日至3日放假；春节 2月11日至17日放假调休，共7天，2月7日（星期日）、2月20日（星期六）上班；
 * 清明节 4月3日至5日放假；劳动节 5月1日至5日放假调休，4月25日（星期日）、5月8日（星期六）上班；
 * 端午节 6月12日至14日放假；中秋节 9月19日至21日放假调休，9月18日（星期六）上班；
 * 国庆节 10月1日至7日放假调休，9月26日（星期日）、10月9日（星期六）上班。
 */
const ARRANGEMENT_2021 = `
2021-01-01至2021-01-03 休 元旦
2021-02-11至2021-02-17 休 春节
2021-02-07 班 春节
2021-02-20 班 春节
2021-04-03至04-05 休 清明节
2021年5月1日至5月5日 放假 劳动节
2021-04-25 班 劳动节
2021-05-08 班 劳动节
2021-06-12至2021-06-14 休 端午节
2021-09-19至2021-09-21 休 中秋节
2021-09-18 上班 中秋节
2021-10-01至2021-10-07 休 国庆节
2021-09-26 班 国庆节
2021-10-09 班 国庆节
`;

let t: TestDb;
beforeEach(async () => {
  t = await createTestDb();
});
afterEach(async () => {
  await t.cleanup();
});

describe("working days (工作日) from the State Council's arrangement", () => {
  it("10 工作日 from Thursday 4 Feb 2021 across 春节, counting the 调休 Sunday 7 Feb and Saturday 20 Feb, is Tuesday 23 Feb", async () => {
    // without the year loaded it refuses rather than guess
    expect(await workdayDeadline(t.db, 10, "2021-02-04")).toEqual({ ok: false, message: expect.stringContaining("2021 年的节假日安排尚未载入") });
    const before = await lastAuditId(t.db);
    const loaded = await loadHolidayYear(t.db, SYSTEM_ACTOR, { year: 2021, text: ARRANGEMENT_2021, source: "国办发明电〔2020〕27号" });
    expect(loaded).toEqual({ ok: true, holidays: 31, workdays: 7 });
    expect((await auditSince(t.db, before)).map((a) => a.action)).toEqual(["calendar.load"]);
    // 5 Feb (Fri) 1, 7 Feb (Sun, 调休) 2, 8–10 Feb 3–5, 11–17 Feb 春节, 18–19 Feb 6–7, 20 Feb (Sat, 调休) 8, 22–23 Feb 9–10
    expect(await workdayDeadline(t.db, 10, "2021-02-04")).toEqual({ ok: true, date: "2021-02-23" });
    // counted as calendar days it would be 14 Feb, in the middle of the holiday
    const { calendar } = await workCalendar(t.db, [2021]);
    expect(addWorkingDays("2021-02-04", 10, calendar)).toBe("2021-02-23");
    expect(addWorkingDays("2021-02-10", 1, calendar)).toBe("2021-02-18");
    expect(addWorkingDays("2021-09-30", 1, calendar)).toBe("2021-10-08");
    expect(workingDaysBetween("2021-02-04", "2021-02-23", calendar)).toBe(10);
    expect(workingDaysBetween("2021-02-23", "2021-02-04", calendar)).toBe(-10);
    // the count into 2022 is refused until 2022 is loaded
    expect(await workdayDeadline(t.db, 10, "2021-12-28")).toEqual({ ok: false, message: expect.stringContaining("2022 年") });
  });

  it("days left say their unit: working days for a 工作日 deadline with the calendar loaded, calendar days otherwise", async () => {
    await loadHolidayYear(t.db, SYSTEM_ACTOR, { year: 2021, text: ARRANGEMENT_2021, source: "" });
    const cal = await workCalendar(t.db, [2021]);
    expect(daysLeftIn("2021-02-10", "2021-02-19", true, cal)).toEqual({ days: 2, unit: "workday" });
    expect(daysLeftIn("2021-02-10", "2021-02-19", false, cal)).toEqual({ days: 9, unit: "calendar" });
    expect(daysLeftIn("2021-02-23", "2021-02-19", true, cal)).toEqual({ days: -3, unit: "workday" });
    expect(daysLeftIn("2022-01-04", "2022-01-10", true, cal)).toEqual({ days: 6, unit: "calendar" });
  });

  it("refuses a bad arrangement line by line and changes nothing", async () => {
    const parsed = parseHolidayLines("2021-02-11至2021-02-17 休 春节\n2021-02-10 班 春节\n2020-10-01 休 国庆节\n2021-13-01 休\n乱写", 2021);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.errors).toEqual([
      "第 2 行：2021-02-10 不是星期六或星期日，无需调休上班",
      "第 3 行：日期不在 2021 年",
      expect.stringContaining("第 4 行"),
      expect.stringContaining("第 5 行"),
    ]);
    const before = await snapshot(t.db);
    const r = await loadHolidayYear(t.db, SYSTEM_ACTOR, { year: 2021, text: "2021-02-10 班 春节", source: "" });
    expect(r).toMatchObject({ ok: false, field: "text" });
    expect(await snapshot(t.db)).toEqual(before);
  });

  it("reads the arrangement from an Excel sheet (日期 | 类型 | 名称), date cells or text", async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet("节假日");
    ws.addRow(["日期", "类型", "名称"]);
    ws.addRow([new Date(Date.UTC(2021, 1, 11)), "休", "春节"]);
    ws.addRow(["2021-02-12至2021-02-17", "休", "春节"]);
    ws.addRow([new Date(Date.UTC(2021, 1, 20)), "班", "春节"]);
    const sheet = await holidaySheetLines(Buffer.from(await wb.xlsx.writeBuffer()));
    expect(sheet.ok).toBe(true);
    if (!sheet.ok) return;
    const parsed = parseHolidayLines(sheet.text, 2021);
    expect(parsed).toMatchObject({ ok: true });
    if (!parsed.ok) return;
    expect(parsed.entries.filter((e) => e.kind === "holiday").map((e) => e.date)).toEqual([
      "2021-02-11", "2021-02-12", "2021-02-13", "2021-02-14", "2021-02-15", "2021-02-16", "2021-02-17",
    ]);
    expect(parsed.entries.filter((e) => e.kind === "workday")).toEqual([{ date: "2021-02-20", kind: "workday", name: "春节" }]);
  });
});
