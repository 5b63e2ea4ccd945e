import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { auditSince, breakAuditLog, createTestDb, lastAuditId, repairAuditLog, type TestDb } from "../test/db";
import { getSegment } from "./segments.server";
import { getDraft, saveDraft } from "./drafts.server";
import { nextOutlineQuestion, recordExchange, remainingOutlineQuestions } from "./exchanges.server";
import { addOutline, exchange, makeMeetingWorld, recordOne, snapshotAll, type MeetingWorld } from "./test-helpers";

let t: TestDb;
let w: MeetingWorld;

beforeEach(async () => {
  t = await createTestDb();
  w = await makeMeetingWorld(t.db);
});
afterEach(async () => {
  await t.cleanup();
});

describe("the outline proposal", () => {
  it("proposes outline questions in keyword then question order, skipping those already recorded", async () => {
    const ids = await addOutline(t.db, w.inquiryId, [
      { keyword: "教育扶贫", position: 2, questions: [{ text: "问题C", departmentId: w.education, position: 1 }] },
      {
        keyword: "健康扶贫",
        headline: "看得起病",
        position: 1,
        questions: [
          { text: "问题B", departmentId: w.health, position: 2 },
          { text: "问题A", departmentId: w.health, position: 1 },
        ],
      },
    ]);
    expect((await remainingOutlineQuestions(t.db, w.inquiryId)).map((q) => q.text)).toEqual(["问题A", "问题B", "问题C"]);
    const first = await nextOutlineQuestion(t.db, w.inquiryId);
    expect(first).toMatchObject({ text: "问题A", keyword: "健康扶贫", headline: "看得起病", departmentId: w.health, questionerName: "马爱国" });
    await recordOne(t.db, w, { outlineQuestionId: ids["问题A"] });
    expect((await nextOutlineQuestion(t.db, w.inquiryId))?.text).toBe("问题B");
    // the same outline question cannot be recorded twice
    const twice = await recordExchange(t.db, w.staff.actor, w.meetingId, exchange(w, { outlineQuestionId: ids["问题A"] }));
    expect(twice).toMatchObject({ ok: false, field: "outlineQuestionId" });
    // an outline question of another inquiry is refused
    const other = await makeMeetingWorld(t.db);
    const foreign = await addOutline(t.db, other.inquiryId, [{ keyword: "x", position: 1, questions: [{ text: "别处", departmentId: other.health, position: 1 }] }]);
    expect(await recordExchange(t.db, w.staff.actor, w.meetingId, exchange(w, { outlineQuestionId: foreign["别处"] }))).toMatchObject({ ok: false, field: "outlineQuestionId" });
  });
});

describe("the live record", () => {
  it("records an exchange with its follow-up chain as rich text, marks 现场提问, clears the draft, audits", async () => {
    await saveDraft(t.db, w.staff.actor, w.staff.id, w.meetingId, "exchange", JSON.stringify({ question: "草稿" }));
    const before = await lastAuditId(t.db);
    const r = await recordExchange(
      t.db,
      w.staff.actor,
      w.meetingId,
      exchange(w, {
        chain: [
          { kind: "follow_up", speakerName: "", speakerTitle: "", organizationId: null, body: "追问内容" },
          { kind: "answer", speakerName: "", speakerTitle: "主任", organizationId: null, body: "回答内容" },
          { kind: "supplementary", speakerName: "武磊", speakerTitle: "副市长", organizationId: w.government, body: "补充内容" },
          { kind: "supplementary", speakerName: "", speakerTitle: "", organizationId: null, body: "   " },
        ],
      }),
      { userId: w.staff.id, key: "exchange" },
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const segment = await getSegment(t.db, r.id);
    expect(segment).toMatchObject({ kind: "exchange", unplanned: 1, outline_question_id: null, department_id: w.health, position: 1 });
    expect(segment!.turns.map((x) => [x.kind, x.speaker_name, x.organization_id, x.body_text])).toEqual([
      ["question", "赵朝阳", null, "患病是致贫返贫的重要原因。"],
      ["answer", "杨吉喜", w.health, "健康扶贫工作开展以来……"],
      ["follow_up", "赵朝阳", null, "追问内容"],
      ["answer", "杨吉喜", w.health, "回答内容"],
      ["supplementary", "武磊", w.government, "补充内容"],
    ]);
    expect(JSON.parse(segment!.turns[0].body_json).root.type).toBe("root");
    expect(await getDraft(t.db, w.staff.id, w.meetingId, "exchange")).toBeUndefined();
    // the first record moves the inquiry on to its meeting stage (stages follow the work)
    expect((await auditSince(t.db, before)).map((a) => a.action)).toEqual(["meeting.exchange_record", "inquiry.stage_auto"]);
  });

  it("refuses an empty question, a missing questioner and a non-department, changing nothing", async () => {
    const snap = await snapshotAll(t.db);
    expect(await recordExchange(t.db, w.staff.actor, w.meetingId, exchange(w, { question: "  " }))).toMatchObject({ ok: false, field: "question" });
    expect(await recordExchange(t.db, w.staff.actor, w.meetingId, exchange(w, { questionerName: "" }))).toMatchObject({ ok: false, field: "questionerName" });
    expect(await recordExchange(t.db, w.staff.actor, w.meetingId, exchange(w, { departmentId: 999999 }))).toMatchObject({ ok: false, field: "departmentId" });
    expect(await snapshotAll(t.db)).toEqual(snap);
  });

  it("rolls back the exchange when the audit entry cannot be written", async () => {
    const snap = await snapshotAll(t.db);
    await breakAuditLog(t.db);
    await expect(recordExchange(t.db, w.staff.actor, w.meetingId, exchange(w))).rejects.toThrow();
    await repairAuditLog(t.db);
    expect(await snapshotAll(t.db)).toEqual(snap);
  });
});
