import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SYSTEM_ACTOR } from "../audit.server";
import { parseRichText } from "../richtext/richtext.server";
import { auditSince, createTestDb, lastAuditId, makeUser, type TestDb } from "../test/db";
import { answerWrittenReply, createWrittenReply, listDepartmentWrittenReplies } from "./written-replies.server";
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
