import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDb, makeUser, type TestDb } from "../test/db";
import { deleteSegment, getSegment, loadRecord, moveSegment, updateSegment } from "./segments.server";
import { recordSpeech } from "./exchanges.server";
import { openVote } from "./votes.server";
import { makeMeetingWorld, recordOne, snapshotAll, type MeetingWorld } from "./test-helpers";

let t: TestDb;
let w: MeetingWorld;

beforeEach(async () => {
  t = await createTestDb();
  w = await makeMeetingWorld(t.db);
});
afterEach(async () => {
  await t.cleanup();
});

describe("the live record", () => {

  it("records speeches, reorders with ↑/↓ and keeps positions unique", async () => {
    const a = await recordOne(t.db, w);
    const speech = await recordSpeech(t.db, w.staff.actor, w.meetingId, { kind: "report", speakerName: "武磊", speakerTitle: "副市长", organizationId: w.government, body: "汇报内容" });
    expect(speech.ok).toBe(true);
    if (!speech.ok) return;
    expect((await loadRecord(t.db, w.meetingId)).map((s) => s.id)).toEqual([a, speech.id]);
    expect(await moveSegment(t.db, w.staff.actor, speech.id, "up")).toMatchObject({ ok: true });
    expect((await loadRecord(t.db, w.meetingId)).map((s) => s.kind)).toEqual(["report", "exchange"]);
    expect(await moveSegment(t.db, w.staff.actor, speech.id, "up")).toMatchObject({ ok: false });
    const positions = (await loadRecord(t.db, w.meetingId)).map((s) => s.position);
    expect(new Set(positions).size).toBe(2);
    expect(await recordSpeech(t.db, w.staff.actor, w.meetingId, { kind: "closing", speakerName: "", speakerTitle: "", organizationId: null, body: "x" })).toMatchObject({
      ok: false,
      field: "speakerName",
    });
  });

  it("corrects an exchange afterwards with its version, adds and removes turns, refuses a stale version", async () => {
    const id = await recordOne(t.db, w);
    const seg = (await getSegment(t.db, id))!;
    const turns = seg.turns.map((x) => ({ id: x.id, kind: x.kind, speakerName: x.speaker_name, speakerTitle: x.speaker_title, organizationId: x.organization_id, body: x.body_text, remove: false }));
    turns[1].body = "更正后的答复";
    const r = await updateSegment(t.db, w.staff.actor, id, seg.version, {
      keyword: "健康扶贫",
      headline: "新标题",
      questionerName: "赵朝阳",
      questionerRole: "市人大常委会委员",
      departmentId: w.health,
      turns: [...turns, { id: null, kind: "follow_up", speakerName: "赵朝阳", speakerTitle: "", organizationId: null, body: "新追问", remove: false }],
    });
    expect(r).toMatchObject({ ok: true });
    const after = (await getSegment(t.db, id))!;
    expect(after.version).toBe(seg.version + 1);
    expect(after.headline).toBe("新标题");
    expect(after.turns.map((x) => x.body_text)).toEqual(["患病是致贫返贫的重要原因。", "更正后的答复", "新追问"]);
    const snap = await snapshotAll(t.db);
    const stale = await updateSegment(t.db, w.staff.actor, id, seg.version, { keyword: "x", headline: "", questionerName: "a", questionerRole: "", departmentId: w.health, turns: [] });
    expect(stale).toMatchObject({ ok: false, field: "_form" });
    expect(await snapshotAll(t.db)).toEqual(snap);
    // the question cannot be removed
    const q = after.turns[0];
    const removeQuestion = await updateSegment(t.db, w.staff.actor, id, after.version, {
      keyword: "健康扶贫",
      headline: "",
      questionerName: "赵朝阳",
      questionerRole: "",
      departmentId: w.health,
      turns: [{ id: q.id, kind: "question", speakerName: "", speakerTitle: "", organizationId: null, body: q.body_text, remove: true }],
    });
    expect(removeQuestion).toMatchObject({ ok: false, field: "turns" });
    // the follow-up can
    const f = after.turns[2];
    expect(
      await updateSegment(t.db, w.staff.actor, id, after.version, {
        keyword: "健康扶贫",
        headline: "",
        questionerName: "赵朝阳",
        questionerRole: "",
        departmentId: w.health,
        turns: [{ id: f.id, kind: "follow_up", speakerName: "", speakerTitle: "", organizationId: null, body: f.body_text, remove: true }],
      }),
    ).toMatchObject({ ok: true });
    expect((await getSegment(t.db, id))!.turns).toHaveLength(2);
  });

  it("deletes a mistaken segment with its version, but not one with a vote", async () => {
    const a = await recordOne(t.db, w);
    const b = await recordOne(t.db, w);
    expect(await deleteSegment(t.db, w.staff.actor, a, 99)).toMatchObject({ ok: false });
    expect(await deleteSegment(t.db, w.staff.actor, a, 1)).toMatchObject({ ok: true });
    await makeUser(t.db, { role: "member" }); // a vote needs someone on its roll
    expect(await openVote(t.db, w.staff.actor, { inquiryId: w.inquiryId, target: { type: "answer", segmentId: b }, secret: true })).toMatchObject({ ok: true });
    expect(await deleteSegment(t.db, w.staff.actor, b, 1)).toMatchObject({ ok: false, field: "_form" });
    expect((await loadRecord(t.db, w.meetingId)).map((s) => s.id)).toEqual([b]);
  });
});
