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
const INQ = 7;
const OTHER_INQ = 8;
const user = (role: Role, organizationId: number | null = null) => ({ role, organizationId });
const staff = user("staff");
const admin = user("admin");
// a member taking part in inquiry INQ only (docs/decisions/0031)
const member = { ...user("member"), memberInquiryIds: [INQ] };
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
    expect(canReadMeetingRecord(member, INQ)).toBe(true);
    expect(canReadMeetingRecord(member, OTHER_INQ)).toBe(false);
    expect(canReadMeetingRecord(health, INQ)).toBe(false);
    expect(canReadDepartmentTranscript(health, HEALTH, false, INQ)).toBe(true);
    expect(canReadDepartmentTranscript(education, HEALTH, false, INQ)).toBe(false);
    expect(canReadDepartmentTranscript(education, HEALTH, true, INQ)).toBe(true);
    expect(canReadDepartmentTranscript(county, HEALTH, true, INQ)).toBe(false);
    expect(canReadDepartmentTranscript(user("department", null), HEALTH, true, INQ)).toBe(false);
    expect(canReadDepartmentTranscript(staff, HEALTH, false, INQ)).toBe(true);
  });

  it("corrections and written replies belong to the department whose answer it is", () => {
    expect(canProposeCorrection(health, { organization_id: HEALTH })).toBe(true);
    expect(canProposeCorrection(education, { organization_id: HEALTH })).toBe(false);
    expect(canProposeCorrection(staff, { organization_id: HEALTH })).toBe(false);
    expect(canProposeCorrection(health, { organization_id: null })).toBe(false);
    expect(canReadWrittenReply(health, { department_id: HEALTH, inquiry_id: INQ })).toBe(true);
    expect(canReadWrittenReply(education, { department_id: HEALTH, inquiry_id: INQ })).toBe(false);
    expect(canReadWrittenReply(member, { department_id: HEALTH, inquiry_id: INQ })).toBe(true);
    expect(canReadWrittenReply(member, { department_id: HEALTH, inquiry_id: OTHER_INQ })).toBe(false);
    expect(canAnswerWrittenReply(health, { department_id: HEALTH })).toBe(true);
    expect(canAnswerWrittenReply(staff, { department_id: HEALTH })).toBe(false);
    expect(canAnswerWrittenReply(education, { department_id: HEALTH })).toBe(false);
    expect(canReadAttachment(health, { type: "written_reply", delegationOrganizationIds: [HEALTH], inquiryId: INQ })).toBe(true);
    expect(canReadAttachment(education, { type: "written_reply", delegationOrganizationIds: [HEALTH], inquiryId: INQ })).toBe(false);
    expect(canReadAttachment(county, { type: "written_reply", delegationOrganizationIds: [99], inquiryId: INQ })).toBe(false);
  });

  it("members vote; nobody sees who chose what in a secret vote", () => {
    expect(canVote(member)).toBe(true);
    expect(canVote(staff)).toBe(false);
    expect(canVote(health)).toBe(false);
    expect(canSeeVoteResults(member, INQ)).toBe(true);
    expect(canSeeVoteResults(member, OTHER_INQ)).toBe(false);
    expect(canSeeVoteResults(health, INQ)).toBe(false);
    expect(canSeeBallotChoices(staff, { secret: 1 })).toBe(false);
    expect(canSeeBallotChoices(admin, { secret: true })).toBe(false);
    expect(canSeeBallotChoices(staff, { secret: 0 })).toBe(true);
    expect(canSeeBallotChoices(member, { secret: 0 })).toBe(false);
  });

  it("the digest is public only once published", () => {
    expect(canReadDigest(null, false, INQ)).toBe(false);
    expect(canReadDigest(null, true, INQ)).toBe(true);
    expect(canReadDigest(health, false, INQ)).toBe(false);
    expect(canReadDigest(staff, false, INQ)).toBe(true);
    expect(canReadDigest(member, false, INQ)).toBe(true);
    expect(canReadDigest(member, false, OTHER_INQ)).toBe(false);
    expect(canReadDigest(member, true, OTHER_INQ)).toBe(true);
  });
});
