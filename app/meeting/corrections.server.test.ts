import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseRichText } from "../richtext/richtext.server";
import { auditSince, createTestDb, lastAuditId, makeUser, type TestDb } from "../test/db";
import { addDays } from "../utils/time";
import {
  correctionWindow,
  decideCorrection,
  departmentTranscript,
  isCorrectionOpen,
  proposeCorrection,
  transcriptDepartments,
} from "./corrections.server";
import { getSegment } from "./segments.server";
import { makeMeetingWorld, recordOne, snapshotAll, type MeetingWorld } from "./test-helpers";

function rich(text: string) {
  const r = parseRichText(text, "plain", { label: "t" });
  if (!r.ok) throw new Error(r.message);
  return r.value;
}

let t: TestDb;
let w: MeetingWorld;

beforeEach(async () => {
  t = await createTestDb();
  w = await makeMeetingWorld(t.db);
});
afterEach(async () => {
  await t.cleanup();
});

describe("per-department transcript and corrections", () => {
  it("lists only the exchanges a department answered, including a supplementary answer of its own", async () => {
    const h = await recordOne(t.db, w);
    const e = await recordOne(t.db, w, { departmentId: w.education, responderOrganizationId: w.education, responderName: "蒋永立", responderTitle: "局长" });
    const g = await recordOne(t.db, w, {
      departmentId: w.government,
      responderOrganizationId: w.government,
      responderName: "武磊",
      responderTitle: "副市长",
      chain: [{ kind: "supplementary", speakerName: "杨吉喜", speakerTitle: "主任", organizationId: w.health, body: "补充" }],
    });
    expect((await departmentTranscript(t.db, w.meetingId, w.health)).map((s) => s.id)).toEqual([h, g]);
    expect((await departmentTranscript(t.db, w.meetingId, w.education)).map((s) => s.id)).toEqual([e]);
    const depts = await transcriptDepartments(t.db, w.meetingId);
    expect(depts.find((d) => d.id === w.health)?.exchanges).toBe(2);
  });

  it("computes the correction window from the meeting date", () => {
    expect(addDays("2020-09-22", 7)).toBe("2020-09-29");
    expect(addDays("2020-12-30", 3)).toBe("2021-01-02");
    const m = { meeting_date: "2020-09-22", correction_days: 7 };
    expect(correctionWindow(m)).toEqual({ from: "2020-09-22", until: "2020-09-29" });
    expect(isCorrectionOpen(m, "2020-09-21")).toBe(false);
    expect(isCorrectionOpen(m, "2020-09-22")).toBe(true);
    expect(isCorrectionOpen(m, "2020-09-29")).toBe(true);
    expect(isCorrectionOpen(m, "2020-09-30")).toBe(false);
    expect(isCorrectionOpen({ meeting_date: null, correction_days: 7 }, "2020-09-22")).toBe(false);
  });

  it("a department proposes a correction to its own answer in the window; staff accept it; both versions are kept", async () => {
    const healthUser = await makeUser(t.db, { role: "department", organizationId: w.health });
    const eduUser = await makeUser(t.db, { role: "department", organizationId: w.education });
    const id = await recordOne(t.db, w);
    const answer = (await getSegment(t.db, id))!.turns.find((x) => x.kind === "answer")!;
    const question = (await getSegment(t.db, id))!.turns.find((x) => x.kind === "question")!;
    const proposed = rich("更正后的答复文字");
    const snap = await snapshotAll(t.db);
    // another department, the question turn, outside the window, unchanged text: all refused, nothing changes
    expect(await proposeCorrection(t.db, eduUser.actor, { turnId: answer.id, organizationId: w.education, proposed, reason: "" }, "2020-09-23")).toMatchObject({ ok: false });
    expect(await proposeCorrection(t.db, healthUser.actor, { turnId: question.id, organizationId: w.health, proposed, reason: "" }, "2020-09-23")).toMatchObject({ ok: false });
    expect(await proposeCorrection(t.db, healthUser.actor, { turnId: answer.id, organizationId: w.health, proposed, reason: "" }, "2020-10-30")).toMatchObject({ ok: false });
    expect(await proposeCorrection(t.db, healthUser.actor, { turnId: answer.id, organizationId: w.health, proposed: rich(answer.body_text), reason: "" }, "2020-09-23")).toMatchObject({
      ok: false,
      field: "proposed",
    });
    expect(await snapshotAll(t.db)).toEqual(snap);

    const p = await proposeCorrection(t.db, healthUser.actor, { turnId: answer.id, organizationId: w.health, proposed, reason: "数据口径更正" }, "2020-09-23");
    expect(p.ok).toBe(true);
    if (!p.ok) return;
    // one pending proposal per answer
    expect(await proposeCorrection(t.db, healthUser.actor, { turnId: answer.id, organizationId: w.health, proposed: rich("再改"), reason: "" }, "2020-09-23")).toMatchObject({ ok: false });
    const before = await lastAuditId(t.db);
    expect(await decideCorrection(t.db, w.staff.actor, { correctionId: p.id, decision: "accept", note: "同意" })).toMatchObject({ ok: true });
    const turn = await t.db.selectFrom("meeting_turns").selectAll().where("id", "=", answer.id).executeTakeFirstOrThrow();
    expect(turn.body_text).toBe("更正后的答复文字");
    expect(turn.version).toBe(answer.version + 1);
    const c = await t.db.selectFrom("turn_corrections").selectAll().where("id", "=", p.id).executeTakeFirstOrThrow();
    expect(c).toMatchObject({ status: "accepted", original_text: "健康扶贫工作开展以来……", proposed_text: "更正后的答复文字", decided_by: w.staff.id, decision_note: "同意" });
    expect((await auditSince(t.db, before)).map((a) => a.action)).toEqual(["correction.accept"]);
    // decided once only
    expect(await decideCorrection(t.db, w.staff.actor, { correctionId: p.id, decision: "reject", note: "" })).toMatchObject({ ok: false });
    // the transcript carries the history
    const transcript = await departmentTranscript(t.db, w.meetingId, w.health);
    expect(transcript[0].turns.find((x) => x.id === answer.id)!.corrections).toHaveLength(1);
  });

  it("a rejected proposal leaves the answer as it was", async () => {
    const healthUser = await makeUser(t.db, { role: "department", organizationId: w.health });
    const id = await recordOne(t.db, w);
    const answer = (await getSegment(t.db, id))!.turns.find((x) => x.kind === "answer")!;
    const p = await proposeCorrection(t.db, healthUser.actor, { turnId: answer.id, organizationId: w.health, proposed: rich("新文字"), reason: "" }, "2020-09-22");
    if (!p.ok) throw new Error(p.message);
    expect(await decideCorrection(t.db, w.staff.actor, { correctionId: p.id, decision: "reject", note: "与现场不符" })).toMatchObject({ ok: true });
    expect((await t.db.selectFrom("meeting_turns").select("body_text").where("id", "=", answer.id).executeTakeFirstOrThrow()).body_text).toBe("健康扶贫工作开展以来……");
    expect((await t.db.selectFrom("turn_corrections").select("status").where("id", "=", p.id).executeTakeFirstOrThrow()).status).toBe("rejected");
  });
});
