import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SYSTEM_ACTOR } from "../audit.server";
import { parseRichText } from "../richtext/richtext.server";
import { auditSince, breakAuditLog, createTestDb, lastAuditId, makeUser, repairAuditLog, type TestDb } from "../test/db";
import {
  addDays,
  answerWrittenReply,
  correctionWindow,
  createWrittenReply,
  decideCorrection,
  deleteSegment,
  departmentTranscript,
  getDraft,
  getSegment,
  isCorrectionOpen,
  listDepartmentWrittenReplies,
  loadRecord,
  moveSegment,
  nextOutlineQuestion,
  proposeCorrection,
  recordExchange,
  recordSpeech,
  remainingOutlineQuestions,
  clearDraft,
  saveDraft,
  saveMeetingSetup,
  transcriptDepartments,
  updateSegment,
} from "./meeting.server";
import { loadMemberVotes, loadMyMeeting, MY_TRANSCRIPTS_LIMIT } from "./my.server";
import { castBallot, openVote } from "./votes.server";
import { addOutline, exchange, makeMeetingWorld, recordOne, SETUP, snapshotAll, type MeetingWorld } from "./test-helpers";

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

describe("meeting setup", () => {
  it("creates one meeting per inquiry, updates with the version seen, refuses a stale version and changes nothing", async () => {
    const again = await saveMeetingSetup(t.db, w.staff.actor, w.inquiryId, null, SETUP);
    expect(again).toMatchObject({ ok: false, field: "_form" });
    const before = await lastAuditId(t.db);
    const ok = await saveMeetingSetup(t.db, w.staff.actor, w.inquiryId, 1, { ...SETUP, place: "第一会议室", chairName: "张主任" });
    expect(ok).toMatchObject({ ok: true, id: w.meetingId });
    const stale = await saveMeetingSetup(t.db, w.staff.actor, w.inquiryId, 1, { ...SETUP, place: "别处" });
    expect(stale).toMatchObject({ ok: false, field: "_form" });
    if (!stale.ok) expect(stale.message).toContain("已被他人修改");
    const row = await t.db.selectFrom("meetings").selectAll().where("id", "=", w.meetingId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ place: "第一会议室", chair_name: "张主任", version: 2 });
    expect((await auditSince(t.db, before)).map((a) => a.action)).toEqual(["meeting.update"]);
  });

  it("refuses a bad date and an out-of-range correction period", async () => {
    expect(await saveMeetingSetup(t.db, w.staff.actor, w.inquiryId, 1, { ...SETUP, meetingDate: "2020-02-30" })).toMatchObject({ ok: false, field: "meetingDate" });
    expect(await saveMeetingSetup(t.db, w.staff.actor, w.inquiryId, 1, { ...SETUP, correctionDays: -1 })).toMatchObject({ ok: false, field: "correctionDays" });
  });
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

describe("drafts", () => {
  it("keeps one draft per user, meeting and key, replacing it as the user types", async () => {
    expect(await saveDraft(t.db, w.staff.actor, w.staff.id, w.meetingId, "exchange", JSON.stringify({ a: 1 }))).toMatchObject({ ok: true });
    expect(await saveDraft(t.db, w.staff.actor, w.staff.id, w.meetingId, "exchange", JSON.stringify({ a: 2 }))).toMatchObject({ ok: true });
    const other = await makeUser(t.db, { role: "staff" });
    await saveDraft(t.db, other.actor, other.id, w.meetingId, "exchange", JSON.stringify({ a: 3 }));
    expect(JSON.parse((await getDraft(t.db, w.staff.id, w.meetingId, "exchange"))!.content_json)).toEqual({ a: 2 });
    expect(await t.db.selectFrom("meeting_drafts").select("id").execute()).toHaveLength(2);
    expect(await saveDraft(t.db, w.staff.actor, w.staff.id, w.meetingId, "exchange", "{not json")).toMatchObject({ ok: false });
    expect(await saveDraft(t.db, w.staff.actor, w.staff.id, w.meetingId, "../x", "{}")).toMatchObject({ ok: false });
    expect(await saveDraft(t.db, w.staff.actor, w.staff.id, w.meetingId, "exchange", JSON.stringify({ s: "x".repeat(300_000) }))).toMatchObject({ ok: false });
  });

  it("audits every save and the discard, in the same transaction, without the draft's text (issue 16)", async () => {
    const mark = await lastAuditId(t.db);
    await saveDraft(t.db, w.staff.actor, w.staff.id, w.meetingId, "exchange", JSON.stringify({ question: "机密草稿" }));
    await saveDraft(t.db, w.staff.actor, w.staff.id, w.meetingId, "exchange", JSON.stringify({ question: "机密草稿2" }));
    await clearDraft(t.db, w.staff.actor, w.staff.id, w.meetingId, "exchange");
    // nothing to discard: nothing changes, nothing is audited
    await clearDraft(t.db, w.staff.actor, w.staff.id, w.meetingId, "exchange");
    const audit = await auditSince(t.db, mark);
    expect(audit.map((a) => [a.action, a.actor_id, a.entity_type])).toEqual([
      ["meeting.draft_save", w.staff.id, "meeting_draft"],
      ["meeting.draft_save", w.staff.id, "meeting_draft"],
      ["meeting.draft_discard", w.staff.id, "meeting_draft"],
    ]);
    expect(JSON.stringify(audit)).not.toContain("机密草稿");
    expect(JSON.parse(audit[1].after_json!)).toEqual({ meeting_id: w.meetingId, draft_key: "exchange", chars: JSON.stringify({ question: "机密草稿2" }).length });
    // a failing audit write leaves the draft as it was
    await breakAuditLog(t.db);
    await expect(saveDraft(t.db, w.staff.actor, w.staff.id, w.meetingId, "exchange", "{}")).rejects.toThrow();
    await repairAuditLog(t.db);
    expect(await getDraft(t.db, w.staff.id, w.meetingId, "exchange")).toBeUndefined();
  });
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

describe("written replies", () => {
  it("a question not answered on the spot becomes a task that only its department answers, once", async () => {
    const healthUser = await makeUser(t.db, { role: "department", organizationId: w.health });
    const eduUser = await makeUser(t.db, { role: "department", organizationId: w.education });
    const segment = await recordOne(t.db, w, { answer: "" });
    expect((await getSegment(t.db, segment))!.turns).toHaveLength(1);
    expect(await createWrittenReply(t.db, w.staff.actor, { inquiryId: w.inquiryId, segmentId: segment, departmentId: w.health, questionText: "请书面答复", dueDate: "2000-01-01" })).toMatchObject({
      ok: false,
      field: "dueDate",
    });
    const created = await createWrittenReply(t.db, w.staff.actor, { inquiryId: w.inquiryId, segmentId: segment, departmentId: w.health, questionText: "请书面答复", dueDate: "2099-01-01" });
    expect(created.ok).toBe(true);
    if (!created.ok) return;
    expect((await listDepartmentWrittenReplies(t.db, w.health)).map((r) => r.id)).toEqual([created.id]);
    expect(await listDepartmentWrittenReplies(t.db, w.education)).toEqual([]);
    const snap = await snapshotAll(t.db);
    expect(await answerWrittenReply(t.db, eduUser.actor, { id: created.id, version: 1, organizationId: w.education, answer: rich("越权"), files: [] })).toMatchObject({ ok: false });
    expect(await answerWrittenReply(t.db, healthUser.actor, { id: created.id, version: 1, organizationId: w.health, answer: rich(""), files: [] })).toMatchObject({ ok: false, field: "answer" });
    expect(await answerWrittenReply(t.db, healthUser.actor, { id: created.id, version: 7, organizationId: w.health, answer: rich("答复"), files: [] })).toMatchObject({ ok: false });
    expect(await snapshotAll(t.db)).toEqual(snap);
    expect(await answerWrittenReply(t.db, healthUser.actor, { id: created.id, version: 1, organizationId: w.health, answer: rich("书面答复内容"), files: [] })).toMatchObject({ ok: true });
    const row = await t.db.selectFrom("written_replies").selectAll().where("id", "=", created.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: "answered", answer_text: "书面答复内容", answered_by: healthUser.id, version: 2 });
    expect(await answerWrittenReply(t.db, healthUser.actor, { id: created.id, version: 2, organizationId: w.health, answer: rich("再答"), files: [] })).toMatchObject({ ok: false });
  });

  it("is created by the system actor too (audited)", async () => {
    const before = await lastAuditId(t.db);
    await createWrittenReply(t.db, SYSTEM_ACTOR, { inquiryId: w.inquiryId, segmentId: null, departmentId: w.education, questionText: "问", dueDate: "2099-01-01" });
    expect((await auditSince(t.db, before)).map((a) => a.action)).toEqual(["written_reply.create"]);
  });
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
