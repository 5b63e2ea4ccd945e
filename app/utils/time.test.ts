import { describe, expect, it } from "vitest";
import { sql } from "kysely";
import { shanghaiDateSql } from "../../db/dates";
import { createTestDb } from "../test/db";
import { dateInShanghai, formatDate, formatDateTime, todayInShanghai } from "./time";

// 2026-07-01 00:30 Beijing time is still 30 June in UTC.
const HALF_PAST_MIDNIGHT = "2026-06-30T16:30:00.000Z";

describe("instants become Beijing dates (issue 15.3)", () => {
  it("dateInShanghai and todayInShanghai give the Beijing date at 00:30 and 23:59", () => {
    expect(dateInShanghai(HALF_PAST_MIDNIGHT)).toBe("2026-07-01");
    expect(dateInShanghai(new Date(HALF_PAST_MIDNIGHT))).toBe("2026-07-01");
    expect(todayInShanghai(new Date(HALF_PAST_MIDNIGHT))).toBe("2026-07-01");
    expect(dateInShanghai("2026-06-30T15:59:59.999Z")).toBe("2026-06-30");
    expect(dateInShanghai("not a date")).toBe("");
  });

  it("formatDate shows an instant by its Beijing date and a calendar date as it is", () => {
    expect(formatDate(HALF_PAST_MIDNIGHT)).toBe("2026年7月1日");
    expect(formatDate("2026-06-30")).toBe("2026年6月30日");
    expect(formatDateTime(HALF_PAST_MIDNIGHT)).toBe("2026年7月1日 00:30");
  });

  it("the SQL helper agrees with the TypeScript one, at 00:30 Beijing time and around it", async () => {
    const t = await createTestDb();
    try {
      for (const at of [HALF_PAST_MIDNIGHT, "2026-06-30T15:59:59.999Z", "2026-12-31T16:00:00.000Z", "2020-09-22T01:00:00Z"]) {
        const row = await sql<{ d: string }>`select ${shanghaiDateSql(t.db, sql.val(at))} as d`.execute(t.db);
        expect(row.rows[0].d, at).toBe(dateInShanghai(at));
      }
    } finally {
      await t.cleanup();
    }
  });
});

describe("dates inside stored text are shown as 2020年9月22日 (issue 17)", () => {
  it("formats calendar dates and instants in prose, leaving other numbers alone", async () => {
    const { formatDatesInText } = await import("./time");
    expect(formatDatesInText("整改时限 2026-12-11 → 2027-01-13")).toBe("整改时限 2026年12月11日 → 2027年1月13日");
    expect(formatDatesInText("「脱贫」整改事项已交办（时限 2026-12-11）")).toBe("「脱贫」整改事项已交办（时限 2026年12月11日）");
    // an instant is read as its Beijing date
    expect(formatDatesInText("提交于 2026-06-30T16:30:00.000Z")).toBe("提交于 2026年7月1日");
    expect(formatDatesInText("整改时限 2020-01-01 早于今天")).toBe("整改时限 2020年1月1日 早于今天");
    // not dates: impossible dates, longer digit runs, plain numbers
    expect(formatDatesInText("编号 2026-13-45")).toBe("编号 2026-13-45");
    expect(formatDatesInText("文号 12026-12-110")).toBe("文号 12026-12-110");
    expect(formatDatesInText("共 2026 项")).toBe("共 2026 项");
    expect(formatDatesInText("")).toBe("");
    expect(formatDatesInText(null)).toBe("");
  });
});
