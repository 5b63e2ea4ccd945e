import { describe, expect, it } from "vitest";
import { preparationOpen } from "./preparation-answers.server";

describe("preparationOpen: written preparation answers are a to-do until the meeting overtakes them", () => {
  it.each([
    [{ stage: "outline", meeting_date: "2026-12-01" }, "2026-11-29", true],
    [{ stage: "outline", meeting_date: "2026-11-29" }, "2026-11-29", true], // the meeting day itself
    [{ stage: "outline", meeting_date: "2026-11-28" }, "2026-11-29", false], // the date has passed
    [{ stage: "outline", meeting_date: null }, "2026-11-29", true],
    [{ stage: "research", meeting_date: null }, "2026-11-29", true],
    [{ stage: "meeting", meeting_date: "2026-12-01" }, "2026-11-29", false], // the meeting is being recorded
    [{ stage: "rectification", meeting_date: null }, "2026-11-29", false],
    [{ stage: "closed", meeting_date: null }, "2026-11-29", false],
  ])("%o on %s → %s", (inquiry, today, open) => expect(preparationOpen(inquiry, today)).toBe(open));
});
