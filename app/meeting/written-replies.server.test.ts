import { describe, expect, it } from "vitest";
import { SYSTEM_ACTOR } from "../audit.server";
import { parseRichText } from "../richtext/richtext.server";
import { auditSince, lastAuditId, makeUser } from "../test/db";
import { answerWrittenReply, createWrittenReply, listDepartmentWrittenReplies } from "./written-replies.server";
import { getSegment } from "./segments.server";
import { recordOne, snapshotAll, useMeetingWorld } from "./test-helpers";

function rich(text: string) {
  const r = parseRichText(text, "plain", { label: "t" });
  if (!r.ok) throw new Error(r.message);
  return r.value;
}

const ctx = useMeetingWorld();

describe("written replies", () => {
  it("a question not answered on the spot becomes a task that only its department answers, once", async () => {
    const healthUser = await makeUser(ctx.t.db, { role: "department", organizationId: ctx.w.health });
    const eduUser = await makeUser(ctx.t.db, { role: "department", organizationId: ctx.w.education });
    const segment = await recordOne(ctx.t.db, ctx.w, { answer: "" });
    expect((await getSegment(ctx.t.db, segment))!.turns).toHaveLength(1);
    expect(await createWrittenReply(ctx.t.db, ctx.w.staff.actor, { inquiryId: ctx.w.inquiryId, segmentId: segment, departmentId: ctx.w.health, questionText: "请书面答复", dueDate: "2000-01-01" })).toMatchObject({
      ok: false,
      field: "dueDate",
    });
    const created = await createWrittenReply(ctx.t.db, ctx.w.staff.actor, { inquiryId: ctx.w.inquiryId, segmentId: segment, departmentId: ctx.w.health, questionText: "请书面答复", dueDate: "2099-01-01" });
    expect(created.ok).toBe(true);
    if (!created.ok) return;
    expect((await listDepartmentWrittenReplies(ctx.t.db, ctx.w.health)).map((r) => r.id)).toEqual([created.id]);
    expect(await listDepartmentWrittenReplies(ctx.t.db, ctx.w.education)).toEqual([]);
    const snap = await snapshotAll(ctx.t.db);
    expect(await answerWrittenReply(ctx.t.db, eduUser.actor, { id: created.id, version: 1, organizationId: ctx.w.education, answer: rich("越权"), files: [] })).toMatchObject({ ok: false });
    expect(await answerWrittenReply(ctx.t.db, healthUser.actor, { id: created.id, version: 1, organizationId: ctx.w.health, answer: rich(""), files: [] })).toMatchObject({ ok: false, field: "answer" });
    expect(await answerWrittenReply(ctx.t.db, healthUser.actor, { id: created.id, version: 7, organizationId: ctx.w.health, answer: rich("答复"), files: [] })).toMatchObject({ ok: false });
    expect(await snapshotAll(ctx.t.db)).toEqual(snap);
    expect(await answerWrittenReply(ctx.t.db, healthUser.actor, { id: created.id, version: 1, organizationId: ctx.w.health, answer: rich("书面答复内容"), files: [] })).toMatchObject({ ok: true });
    const row = await ctx.t.db.selectFrom("written_replies").selectAll().where("id", "=", created.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: "answered", answer_text: "书面答复内容", answered_by: healthUser.id, version: 2 });
    expect(await answerWrittenReply(ctx.t.db, healthUser.actor, { id: created.id, version: 2, organizationId: ctx.w.health, answer: rich("再答"), files: [] })).toMatchObject({ ok: false });
  });

  it("is created by the system actor too (audited)", async () => {
    const before = await lastAuditId(ctx.t.db);
    await createWrittenReply(ctx.t.db, SYSTEM_ACTOR, { inquiryId: ctx.w.inquiryId, segmentId: null, departmentId: ctx.w.education, questionText: "问", dueDate: "2099-01-01" });
    expect((await auditSince(ctx.t.db, before)).map((a) => a.action)).toEqual(["written_reply.create"]);
  });
});
