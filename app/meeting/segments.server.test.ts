import { describe, expect, it } from "vitest";
import { getSegment, loadRecord, moveSegment, updateSegment } from "./segments.server";
import { voidRecord } from "../history/void.server";
import { recordSpeech } from "./exchanges.server";
import { recordOne, snapshotAll, useMeetingWorld } from "./test-helpers";

const ctx = useMeetingWorld();

describe("the live record", () => {

  it("records speeches, reorders with ↑/↓ and keeps positions unique", async () => {
    const a = await recordOne(ctx.t.db, ctx.w);
    const speech = await recordSpeech(ctx.t.db, ctx.w.staff.actor, ctx.w.meetingId, { kind: "report", speakerName: "武磊", speakerTitle: "副市长", organizationId: ctx.w.government, body: "汇报内容" });
    expect(speech.ok).toBe(true);
    if (!speech.ok) return;
    expect((await loadRecord(ctx.t.db, ctx.w.meetingId)).map((s) => s.id)).toEqual([a, speech.id]);
    expect(await moveSegment(ctx.t.db, ctx.w.staff.actor, speech.id, "up")).toMatchObject({ ok: true });
    expect((await loadRecord(ctx.t.db, ctx.w.meetingId)).map((s) => s.kind)).toEqual(["report", "exchange"]);
    expect(await moveSegment(ctx.t.db, ctx.w.staff.actor, speech.id, "up")).toMatchObject({ ok: false });
    const positions = (await loadRecord(ctx.t.db, ctx.w.meetingId)).map((s) => s.position);
    expect(new Set(positions).size).toBe(2);
    expect(await recordSpeech(ctx.t.db, ctx.w.staff.actor, ctx.w.meetingId, { kind: "closing", speakerName: "", speakerTitle: "", organizationId: null, body: "x" })).toMatchObject({
      ok: false,
      field: "speakerName",
    });
  });

  it("corrects an exchange afterwards with its version, adds and removes turns, refuses a stale version", async () => {
    const id = await recordOne(ctx.t.db, ctx.w);
    const seg = (await getSegment(ctx.t.db, id))!;
    const turns = seg.turns.map((x) => ({ id: x.id, kind: x.kind, speakerName: x.speaker_name, speakerTitle: x.speaker_title, organizationId: x.organization_id, body: x.body_text, remove: false }));
    turns[1].body = "更正后的答复";
    const r = await updateSegment(ctx.t.db, ctx.w.staff.actor, id, seg.version, {
      keyword: "健康扶贫",
      headline: "新标题",
      questionerName: "赵朝阳",
      questionerRole: "市人大常委会委员",
      departmentId: ctx.w.health,
      turns: [...turns, { id: null, kind: "follow_up", speakerName: "赵朝阳", speakerTitle: "", organizationId: null, body: "新追问", remove: false }],
    });
    expect(r).toMatchObject({ ok: true });
    const after = (await getSegment(ctx.t.db, id))!;
    expect(after.version).toBe(seg.version + 1);
    expect(after.headline).toBe("新标题");
    expect(after.turns.map((x) => x.body_text)).toEqual(["患病是致贫返贫的重要原因。", "更正后的答复", "新追问"]);
    const snap = await snapshotAll(ctx.t.db);
    const stale = await updateSegment(ctx.t.db, ctx.w.staff.actor, id, seg.version, { keyword: "x", headline: "", questionerName: "a", questionerRole: "", departmentId: ctx.w.health, turns: [] });
    expect(stale).toMatchObject({ ok: false, field: "_form" });
    expect(await snapshotAll(ctx.t.db)).toEqual(snap);
    // the question cannot be removed
    const q = after.turns[0];
    const removeQuestion = await updateSegment(ctx.t.db, ctx.w.staff.actor, id, after.version, {
      keyword: "健康扶贫",
      headline: "",
      questionerName: "赵朝阳",
      questionerRole: "",
      departmentId: ctx.w.health,
      turns: [{ id: q.id, kind: "question", speakerName: "", speakerTitle: "", organizationId: null, body: q.body_text, remove: true }],
    });
    expect(removeQuestion).toMatchObject({ ok: false, field: "turns" });
    // the follow-up can
    const f = after.turns[2];
    expect(
      await updateSegment(ctx.t.db, ctx.w.staff.actor, id, after.version, {
        keyword: "健康扶贫",
        headline: "",
        questionerName: "赵朝阳",
        questionerRole: "",
        departmentId: ctx.w.health,
        turns: [{ id: f.id, kind: "follow_up", speakerName: "", speakerTitle: "", organizationId: null, body: f.body_text, remove: true }],
      }),
    ).toMatchObject({ ok: true });
    expect((await getSegment(ctx.t.db, id))!.turns).toHaveLength(2);
  });

  it("a mistaken segment is voided with a reason, never deleted: it leaves the record and stays in the database and the audit log", async () => {
    const a = await recordOne(ctx.t.db, ctx.w);
    const b = await recordOne(ctx.t.db, ctx.w);
    expect(await voidRecord(ctx.t.db, ctx.w.staff.actor, { kind: "segment", id: a, reason: "", version: 1 })).toEqual({ ok: false, field: "reason", message: "请填写作废理由" });
    expect(await voidRecord(ctx.t.db, ctx.w.staff.actor, { kind: "segment", id: a, reason: "误录", version: 99 })).toMatchObject({ ok: false });
    expect(await voidRecord(ctx.t.db, ctx.w.staff.actor, { kind: "segment", id: a, reason: "误录", version: 1 })).toMatchObject({ ok: true });
    expect((await loadRecord(ctx.t.db, ctx.w.meetingId)).map((s) => s.id)).toEqual([b]);
    expect(await ctx.t.db.selectFrom("meeting_segments").select(["id", "void_reason"]).where("id", "=", a).execute()).toEqual([{ id: a, void_reason: "误录" }]);
    expect((await ctx.t.db.selectFrom("audit_log").select("action").where("entity_type", "=", "meeting_segment").where("entity_id", "=", String(a)).execute()).map((r) => r.action)).toEqual([
      "meeting.exchange_record",
      "meeting_segment.void",
    ]);
  });
});
