import { describe, expect, it } from "vitest";
import type { Role } from "../../db/schema";
import {
  canAnswerWrittenReply,
  canDecideCorrection,
  canManageMeeting,
  canManageVotes,
  canProposeCorrection,
  canReadAttachment,
  canReadDepartmentTranscript,
  canReadDigest,
  canReadMeetingRecord,
  canReadWrittenReply,
  canSeeBallotChoices,
  canSeeVoteResults,
  canVote,
} from "../policy.server";

const HEALTH = 11;
const EDUCATION = 12;
const user = (role: Role, organizationId: number | null = null) => ({ role, organizationId });
const staff = user("staff");
const admin = user("admin");
const member = user("member");
const health = user("department", HEALTH);
const education = user("department", EDUCATION);
const county = user("county", 99);

describe("meeting policy", () => {
  it("only staff run the meeting, decide corrections and manage votes", () => {
    for (const [u, yes] of [
      [staff, true],
      [admin, true],
      [member, false],
      [health, false],
      [county, false],
    ] as const) {
      expect(canManageMeeting(u)).toBe(yes);
      expect(canDecideCorrection(u)).toBe(yes);
      expect(canManageVotes(u)).toBe(yes);
    }
  });

  it("the whole record is for staff and members; a department reads only its own transcript until publication", () => {
    expect(canReadMeetingRecord(member)).toBe(true);
    expect(canReadMeetingRecord(health)).toBe(false);
    expect(canReadDepartmentTranscript(health, HEALTH, false)).toBe(true);
    expect(canReadDepartmentTranscript(education, HEALTH, false)).toBe(false);
    expect(canReadDepartmentTranscript(education, HEALTH, true)).toBe(true);
    expect(canReadDepartmentTranscript(county, HEALTH, true)).toBe(false);
    expect(canReadDepartmentTranscript(user("department", null), HEALTH, true)).toBe(false);
    expect(canReadDepartmentTranscript(staff, HEALTH, false)).toBe(true);
  });

  it("corrections and written replies belong to the department whose answer it is", () => {
    expect(canProposeCorrection(health, { organization_id: HEALTH })).toBe(true);
    expect(canProposeCorrection(education, { organization_id: HEALTH })).toBe(false);
    expect(canProposeCorrection(staff, { organization_id: HEALTH })).toBe(false);
    expect(canProposeCorrection(health, { organization_id: null })).toBe(false);
    expect(canReadWrittenReply(health, { department_id: HEALTH })).toBe(true);
    expect(canReadWrittenReply(education, { department_id: HEALTH })).toBe(false);
    expect(canReadWrittenReply(member, { department_id: HEALTH })).toBe(true);
    expect(canAnswerWrittenReply(health, { department_id: HEALTH })).toBe(true);
    expect(canAnswerWrittenReply(staff, { department_id: HEALTH })).toBe(false);
    expect(canAnswerWrittenReply(education, { department_id: HEALTH })).toBe(false);
    expect(canReadAttachment(health, { type: "written_reply", delegationOrganizationIds: [HEALTH] })).toBe(true);
    expect(canReadAttachment(education, { type: "written_reply", delegationOrganizationIds: [HEALTH] })).toBe(false);
    expect(canReadAttachment(county, { type: "written_reply", delegationOrganizationIds: [99] })).toBe(false);
  });

  it("members vote; nobody sees who chose what in a secret vote", () => {
    expect(canVote(member)).toBe(true);
    expect(canVote(staff)).toBe(false);
    expect(canVote(health)).toBe(false);
    expect(canSeeVoteResults(member)).toBe(true);
    expect(canSeeVoteResults(health)).toBe(false);
    expect(canSeeBallotChoices(staff, { secret: 1 })).toBe(false);
    expect(canSeeBallotChoices(admin, { secret: true })).toBe(false);
    expect(canSeeBallotChoices(staff, { secret: 0 })).toBe(true);
    expect(canSeeBallotChoices(member, { secret: 0 })).toBe(false);
  });

  it("the digest is public only once published", () => {
    expect(canReadDigest(null, false)).toBe(false);
    expect(canReadDigest(null, true)).toBe(true);
    expect(canReadDigest(health, false)).toBe(false);
    expect(canReadDigest(staff, false)).toBe(true);
  });
});
