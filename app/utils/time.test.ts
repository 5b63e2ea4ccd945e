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
        const row = await sql<{ d: string }>`select ${shanghaiDateSql(sql.val(at))} as d`.execute(t.db);
        expect(row.rows[0].d, at).toBe(dateInShanghai(at));
      }
    } finally {
      await t.cleanup();
    }
  });
});
