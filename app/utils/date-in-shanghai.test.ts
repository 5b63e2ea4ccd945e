import { describe, expect, it } from "vitest";
import { formatDate, dateInShanghai } from "./time";

describe("dateInShanghai (issue 15 item 3)", () => {
  it("dates an instant by the Beijing calendar: 00:30 on 1 July is 1 July, not 30 June", () => {
    expect(dateInShanghai("2026-06-30T16:30:00.000Z")).toBe("2026-07-01");
    expect(formatDate(dateInShanghai("2026-06-30T16:30:00.000Z"))).toBe("2026年7月1日");
    expect(dateInShanghai("2026-06-30T15:59:59.999Z")).toBe("2026-06-30");
    expect(dateInShanghai(new Date("2020-12-31T16:00:00Z"))).toBe("2021-01-01");
  });
  it("keeps calendar dates and refuses nonsense", () => {
    expect(dateInShanghai("2020-09-22")).toBe("2020-09-22");
    expect(dateInShanghai("not a date")).toBe("");
  });
});
