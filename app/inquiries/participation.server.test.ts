import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { seedDemo } from "../../db/seed/demo";
import { castBallot, openVote } from "../meeting/votes.server";
import { makeMeetingWorld, recordOne, type MeetingWorld } from "../meeting/test-helpers";
import { canReadAttachment, canReadInquiry, canReadItem, canReadMeetingRecord, canReadWholeOutline, readableInquiries } from "../policy.server";
import { createTestDb, makeOrganization, makeUser, type TestDb } from "../test/db";
import { nowIso } from "../utils/time";
import { memberInquiryIds } from "./participation.server";
import { createInquiry } from "./inquiries.server";

/** Issue 16 item 4: a member reads only the inquiries they take part in (docs/decisions/0031). */
let t: TestDb;
let w: MeetingWorld;
beforeEach(async () => {
  t = await createTestDb();
  w = await makeMeetingWorld(t.db);
});
afterEach(async () => {
  await t.cleanup();
});

async function otherInquiry(organizingBody = "") {
  const r = await createInquiry(t.db, w.staff.actor, {
    title: "另一项询问",
    topic: "",
    congress: "焦作市人大常委会",
    sessionName: "",
    organizingBody,
    meetingDate: "2021-03-01",
    legalBasis: "",
    notes: "",
    respondingOrganizationIds: [w.health],
  });
  if (!r.ok) throw new Error(r.message);
  return r.id;
}

describe("memberInquiryIds", () => {
  it("is empty for a member who takes part in nothing, and the policy refuses them every inquiry", async () => {
    const m = await makeUser(t.db, { role: "member" });
    const ids = await memberInquiryIds(t.db, { id: m.id, organizationId: null });
    expect(ids).toEqual([]);
    const reader = { role: "member" as const, organizationId: null, memberInquiryIds: ids };
    expect(canReadInquiry(reader, w.inquiryId)).toBe(false);
    expect(canReadWholeOutline(reader, w.inquiryId)).toBe(false);
    expect(canReadMeetingRecord(reader, w.inquiryId)).toBe(false);
    expect(canReadItem(reader, { lead_department_id: w.health, codepartment_ids: [], inquiry_id: w.inquiryId })).toBe(false);
    expect(canReadAttachment(reader, { type: "research_activity", delegationOrganizationIds: [], inquiryId: w.inquiryId })).toBe(false);
    expect(canReadAttachment(reader, { type: "progress_report", delegationOrganizationIds: [], inquiryId: w.inquiryId })).toBe(false);
    expect(readableInquiries(reader)).toEqual([]);
  });

  it("names the inquiries where the member is a questioner on the outline or in the record, proposed, or is on a vote's roll", async () => {
    const [q, s, p, v] = await Promise.all([1, 2, 3, 4].map(() => makeUser(t.db, { role: "member" })));
    const i2 = await otherInquiry();
    const now = nowIso();
    const kw = await t.db.insertInto("outline_keywords").values({ inquiry_id: i2, keyword: "k", position: 1, created_at: now, updated_at: now }).returning("id").executeTakeFirstOrThrow();
    await t.db
      .insertInto("outline_questions")
      .values({ inquiry_id: i2, keyword_id: kw.id, text: "问", department_id: w.health, questioner_user_id: q.id, position: 1, created_at: now, updated_at: now })
      .execute();
    const seg = await recordOne(t.db, w, { questionerUserId: s.id, questionerName: s.displayName });
    await t.db.insertInto("outline_proposals").values({ inquiry_id: i2, member_id: p.id, text: "建议", created_at: now }).execute();
    // the vote's roll names its voters (here: v only; by default every committee member's account)
    const vote = await openVote(t.db, w.staff.actor, {
      inquiryId: w.inquiryId,
      target: { type: "answer", segmentId: seg },
      secret: true,
      roll: [{ name: v.displayName, title: "市人大常委会委员", voting: true, userId: v.id }],
    });
    if (!vote.ok) throw new Error(vote.message);
    expect(await castBallot(t.db, v.actor, { voteId: vote.id, memberId: v.id, choice: "satisfied" })).toMatchObject({ ok: true });

    expect(await memberInquiryIds(t.db, { id: q.id, organizationId: null })).toEqual([i2]);
    expect(await memberInquiryIds(t.db, { id: s.id, organizationId: null })).toEqual([w.inquiryId]);
    expect(await memberInquiryIds(t.db, { id: p.id, organizationId: null })).toEqual([i2]);
    expect(await memberInquiryIds(t.db, { id: v.id, organizationId: null })).toEqual([w.inquiryId]);
  });

  it("gives a member of the organising committee (组成人员) every inquiry of that committee, and only those", async () => {
    const committee = await makeOrganization(t.db, { name: "市人大常委会教育科学文化卫生工作委员会", kind: "congress_office" });
    const own = await otherInquiry("市人大常委会教育科学文化卫生工作委员会");
    await otherInquiry("市人大常委会农业农村工作委员会");
    const m = await makeUser(t.db, { role: "member", organizationId: committee });
    expect(await memberInquiryIds(t.db, { id: m.id, organizationId: committee })).toEqual([own]);
    // an organisation of another kind with that name would not count (names are unique, so by kind only)
    const dept = await makeOrganization(t.db, { kind: "department" });
    expect(await memberInquiryIds(t.db, { id: m.id, organizationId: dept })).toEqual([]);
  });
});

describe("the demo", () => {
  it("member 马爱国 takes part in the demo inquiry 1", async () => {
    const demo = await createTestDb();
    try {
      await seedDemo(demo.db);
      const u = await demo.db.selectFrom("users").select(["id", "organization_id"]).where("username", "=", "member").executeTakeFirstOrThrow();
      expect(await memberInquiryIds(demo.db, { id: u.id, organizationId: u.organization_id })).toEqual([1]);
    } finally {
      await demo.cleanup();
    }
  });
});
