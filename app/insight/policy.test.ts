import { describe, expect, it } from "vitest";
import {
  canManageRecurringGroups,
  canReadAnnualReport,
  canReadAnswerGaps,
  canReadDepartmentProblems,
  canReadProblem,
  canReviewPersonalData,
  canUseRecurringProblems,
} from "../policy.server";

const staff = { role: "staff" as const, organizationId: null };
const member = { role: "member" as const, organizationId: null, memberInquiryIds: [1] };
const health = { role: "department" as const, organizationId: 5 };
const county = { role: "county" as const, organizationId: 9 };

describe("insight permissions (issue 22)", () => {
  it("recurring problems: staff all; a member their inquiries; a department its own items and issued questions", () => {
    const item = { kind: "item" as const, inquiryId: 2, issued: true, departmentIds: [5] };
    expect(canReadProblem(staff, item)).toBe(true);
    expect(canReadProblem(member, item)).toBe(false);
    expect(canReadProblem(member, { ...item, inquiryId: 1 })).toBe(true);
    expect(canReadProblem(health, item)).toBe(true);
    expect(canReadProblem(health, { ...item, departmentIds: [6] })).toBe(false);
    expect(canReadProblem(health, { ...item, kind: "question", issued: false })).toBe(false);
    expect(canReadProblem(health, { ...item, kind: "finding" })).toBe(false);
    expect(canUseRecurringProblems(county)).toBe(false);
    expect(canReadDepartmentProblems(health, 5)).toBe(true);
    expect(canReadDepartmentProblems(health, 6)).toBe(false);
    expect(canManageRecurringGroups(member)).toBe(false);
  });

  it("gaps for staff and the inquiry's members; review and the annual report for staff only", () => {
    expect(canReadAnswerGaps(member, 1)).toBe(true);
    expect(canReadAnswerGaps(member, 2)).toBe(false);
    expect(canReadAnswerGaps(health, 1)).toBe(false);
    expect(canReviewPersonalData(member)).toBe(false);
    expect(canReviewPersonalData(staff)).toBe(true);
    expect(canReadAnnualReport(member)).toBe(false);
    expect(canReadAnnualReport({ role: "admin" })).toBe(true);
  });
});
