import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDb, makeUser, type TestDb } from "../test/db";
import { createWrittenReply } from "./written-replies.server";
import { loadMemberVotes, loadMyMeeting, MY_TRANSCRIPTS_LIMIT } from "./my.server";
import { castBallot, openVote } from "./votes.server";
import { makeMeetingWorld, recordOne, type MeetingWorld } from "./test-helpers";

let t: TestDb;
let w: MeetingWorld;

beforeEach(async () => {
  t = await createTestDb();
  w = await makeMeetingWorld(t.db);
});
afterEach(async () => {
  await t.cleanup();
});

describe("the /my and home sections", () => {
  it("lists a department's most recent meetings up to the limit and counts them all, by its segments or its speakers", async () => {
    const healthUser = await makeUser(t.db, { role: "department", organizationId: w.health });
    const now = new Date().toISOString();
    for (let n = 0; n < MY_TRANSCRIPTS_LIMIT + 2; n++) {
      const date = `2021-01-${String(n + 1).padStart(2, "0")}`;
      // the meeting date is the inquiry's (the meeting row holds a copy of it)
      const inquiry = await t.db.insertInto("inquiries").values({ title: `询问${n}`, congress: "焦作市人大常委会", meeting_date: date, created_by: null, created_at: now, updated_at: now }).returning("id").executeTakeFirstOrThrow();
      const meeting = await t.db.insertInto("meetings").values({ inquiry_id: inquiry.id, meeting_date: date, created_at: now, updated_at: now }).returning("id").executeTakeFirstOrThrow();
      // even meetings: the segment is the department's; odd ones: another department's segment where health spoke
      const segment = await t.db
        .insertInto("meeting_segments")
        .values({ meeting_id: meeting.id, inquiry_id: inquiry.id, kind: "exchange", position: 1, department_id: n % 2 === 0 ? w.health : w.education, created_at: now, updated_at: now })
        .returning("id")
        .executeTakeFirstOrThrow();
      await t.db
        .insertInto("meeting_turns")
        .values({ segment_id: segment.id, position: 1, kind: "answer", organization_id: n % 2 === 0 ? null : w.health, body_text: "答复", created_at: now, updated_at: now })
        .execute();
    }
    const mine = await loadMyMeeting(t.db, healthUser);
    expect(mine.transcriptsTotal).toBe(MY_TRANSCRIPTS_LIMIT + 2);
    expect(mine.transcripts).toHaveLength(MY_TRANSCRIPTS_LIMIT);
    expect(mine.transcripts[0]).toMatchObject({ inquiry_title: `询问${MY_TRANSCRIPTS_LIMIT + 1}`, exchanges: 1 });
    expect(mine.transcripts.map((r) => r.meeting_date)).toEqual([...mine.transcripts.map((r) => r.meeting_date)].sort().reverse());
  });

  it("a department sees its written replies and its own transcripts; a member sees open votes", async () => {
    const healthUser = await makeUser(t.db, { role: "department", organizationId: w.health });
    const eduUser = await makeUser(t.db, { role: "department", organizationId: w.education });
    const member = await makeUser(t.db, { role: "member" });
    const segment = await recordOne(t.db, w);
    await createWrittenReply(t.db, w.staff.actor, { inquiryId: w.inquiryId, segmentId: segment, departmentId: w.health, questionText: "请书面答复", dueDate: "2099-01-01" });
    const mine = await loadMyMeeting(t.db, healthUser);
    expect(mine.replies.map((r) => r.question_text)).toEqual(["请书面答复"]);
    expect(mine.transcripts).toEqual([
      expect.objectContaining({ inquiry_id: w.inquiryId, exchanges: 1, organization_id: w.health, correction_until: "2020-09-29" }),
    ]);
    expect(mine.transcriptsTotal).toBe(1);
    expect(await loadMyMeeting(t.db, eduUser)).toEqual({ replies: [], transcripts: [], transcriptsTotal: 0 });
    expect(await loadMyMeeting(t.db, w.staff)).toEqual({ replies: [], transcripts: [], transcriptsTotal: 0 });
    const vote = await openVote(t.db, w.staff.actor, { inquiryId: w.inquiryId, target: { type: "answer", segmentId: segment }, secret: true });
    if (!vote.ok) throw new Error(vote.message);
    const taking = { ...member, memberInquiryIds: [w.inquiryId] };
    expect((await loadMemberVotes(t.db, taking)).votes).toEqual([expect.objectContaining({ id: vote.id, voted: false })]);
    // a member who takes no part in the inquiry does not see its votes (docs/decisions/0031)
    expect((await loadMemberVotes(t.db, { ...member, memberInquiryIds: [] })).votes).toEqual([]);
    await castBallot(t.db, member.actor, { voteId: vote.id, memberId: member.id, choice: "satisfied" });
    // secret: the member has voted, and no choice is stored to show
    expect((await loadMemberVotes(t.db, taking)).votes).toEqual([expect.objectContaining({ id: vote.id, voted: true, choice: null })]);
    expect((await loadMemberVotes(t.db, w.staff)).votes).toEqual([]);
  });
});
