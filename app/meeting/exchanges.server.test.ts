import { describe, expect, it } from "vitest";
import { auditSince, breakAuditLog, lastAuditId, repairAuditLog } from "../test/db";
import { getSegment } from "./segments.server";
import { getDraft, saveDraft } from "./drafts.server";
import { nextOutlineQuestion, recordExchange, remainingOutlineQuestions } from "./exchanges.server";
import { addOutline, exchange, makeMeetingWorld, recordOne, snapshotAll, useMeetingWorld } from "./test-helpers";

const ctx = useMeetingWorld();

describe("the outline proposal", () => {
  it("proposes outline questions in keyword then question order, skipping those already recorded", async () => {
    const ids = await addOutline(ctx.t.db, ctx.w.inquiryId, [
      { keyword: "教育扶贫", position: 2, questions: [{ text: "问题C", departmentId: ctx.w.education, position: 1 }] },
      {
        keyword: "健康扶贫",
        headline: "看得起病",
        position: 1,
        questions: [
          { text: "问题B", departmentId: ctx.w.health, position: 2 },
          { text: "问题A", departmentId: ctx.w.health, position: 1 },
        ],
      },
    ]);
    expect((await remainingOutlineQuestions(ctx.t.db, ctx.w.inquiryId)).map((q) => q.text)).toEqual(["问题A", "问题B", "问题C"]);
    const first = await nextOutlineQuestion(ctx.t.db, ctx.w.inquiryId);
    expect(first).toMatchObject({ text: "问题A", keyword: "健康扶贫", headline: "看得起病", departmentId: ctx.w.health, questionerName: "马爱国" });
    await recordOne(ctx.t.db, ctx.w, { outlineQuestionId: ids["问题A"] });
    expect((await nextOutlineQuestion(ctx.t.db, ctx.w.inquiryId))?.text).toBe("问题B");
    // the same outline question cannot be recorded twice
    const twice = await recordExchange(ctx.t.db, ctx.w.staff.actor, ctx.w.meetingId, exchange(ctx.w, { outlineQuestionId: ids["问题A"] }));
    expect(twice).toMatchObject({ ok: false, field: "outlineQuestionId" });
    // an outline question of another inquiry is refused
    const other = await makeMeetingWorld(ctx.t.db);
    const foreign = await addOutline(ctx.t.db, other.inquiryId, [{ keyword: "x", position: 1, questions: [{ text: "别处", departmentId: other.health, position: 1 }] }]);
    expect(await recordExchange(ctx.t.db, ctx.w.staff.actor, ctx.w.meetingId, exchange(ctx.w, { outlineQuestionId: foreign["别处"] }))).toMatchObject({ ok: false, field: "outlineQuestionId" });
  });
});

describe("the live record", () => {
  it("records an exchange with its follow-up chain as rich text, marks 现场提问, clears the draft, audits", async () => {
    await saveDraft(ctx.t.db, ctx.w.staff.actor, ctx.w.staff.id, ctx.w.meetingId, "exchange", JSON.stringify({ question: "草稿" }));
    const before = await lastAuditId(ctx.t.db);
    const r = await recordExchange(
      ctx.t.db,
      ctx.w.staff.actor,
      ctx.w.meetingId,
      exchange(ctx.w, {
        chain: [
          { kind: "follow_up", speakerName: "", speakerTitle: "", organizationId: null, body: "追问内容" },
          { kind: "answer", speakerName: "", speakerTitle: "主任", organizationId: null, body: "回答内容" },
          { kind: "supplementary", speakerName: "武磊", speakerTitle: "副市长", organizationId: ctx.w.government, body: "补充内容" },
          { kind: "supplementary", speakerName: "", speakerTitle: "", organizationId: null, body: "   " },
        ],
      }),
      { userId: ctx.w.staff.id, key: "exchange" },
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const segment = await getSegment(ctx.t.db, r.id);
    expect(segment).toMatchObject({ kind: "exchange", unplanned: 1, outline_question_id: null, department_id: ctx.w.health, position: 1 });
    expect(segment!.turns.map((x) => [x.kind, x.speaker_name, x.organization_id, x.body_text])).toEqual([
      ["question", "赵朝阳", null, "患病是致贫返贫的重要原因。"],
      ["answer", "杨吉喜", ctx.w.health, "健康扶贫工作开展以来……"],
      ["follow_up", "赵朝阳", null, "追问内容"],
      ["answer", "杨吉喜", ctx.w.health, "回答内容"],
      ["supplementary", "武磊", ctx.w.government, "补充内容"],
    ]);
    expect(JSON.parse(segment!.turns[0].body_json).root.type).toBe("root");
    expect(await getDraft(ctx.t.db, ctx.w.staff.id, ctx.w.meetingId, "exchange")).toBeUndefined();
    // the first record moves the inquiry on to its meeting stage (stages follow the work)
    expect((await auditSince(ctx.t.db, before)).map((a) => a.action)).toEqual(["meeting.exchange_record", "inquiry.stage_auto"]);
  });

  it("refuses an empty question, a missing questioner and a non-department, changing nothing", async () => {
    const snap = await snapshotAll(ctx.t.db);
    expect(await recordExchange(ctx.t.db, ctx.w.staff.actor, ctx.w.meetingId, exchange(ctx.w, { question: "  " }))).toMatchObject({ ok: false, field: "question" });
    expect(await recordExchange(ctx.t.db, ctx.w.staff.actor, ctx.w.meetingId, exchange(ctx.w, { questionerName: "" }))).toMatchObject({ ok: false, field: "questionerName" });
    expect(await recordExchange(ctx.t.db, ctx.w.staff.actor, ctx.w.meetingId, exchange(ctx.w, { departmentId: 999999 }))).toMatchObject({ ok: false, field: "departmentId" });
    expect(await snapshotAll(ctx.t.db)).toEqual(snap);
  });

  it("rolls back the exchange when the audit entry cannot be written", async () => {
    const snap = await snapshotAll(ctx.t.db);
    await breakAuditLog(ctx.t.db);
    await expect(recordExchange(ctx.t.db, ctx.w.staff.actor, ctx.w.meetingId, exchange(ctx.w))).rejects.toThrow();
    await repairAuditLog(ctx.t.db);
    expect(await snapshotAll(ctx.t.db)).toEqual(snap);
  });
});
