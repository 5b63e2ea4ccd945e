import { describe, expect, it } from "vitest";
import { auditSince, breakAuditLog, lastAuditId, makeUser, repairAuditLog } from "../test/db";
import { getDraft, clearDraft, saveDraft } from "./drafts.server";
import { useMeetingWorld } from "./test-helpers";

const ctx = useMeetingWorld();

describe("drafts", () => {
  it("keeps one draft per user, meeting and key, replacing it as the user types", async () => {
    expect(await saveDraft(ctx.t.db, ctx.w.staff.actor, ctx.w.staff.id, ctx.w.meetingId, "exchange", JSON.stringify({ a: 1 }))).toMatchObject({ ok: true });
    expect(await saveDraft(ctx.t.db, ctx.w.staff.actor, ctx.w.staff.id, ctx.w.meetingId, "exchange", JSON.stringify({ a: 2 }))).toMatchObject({ ok: true });
    const other = await makeUser(ctx.t.db, { role: "staff" });
    await saveDraft(ctx.t.db, other.actor, other.id, ctx.w.meetingId, "exchange", JSON.stringify({ a: 3 }));
    expect(JSON.parse((await getDraft(ctx.t.db, ctx.w.staff.id, ctx.w.meetingId, "exchange"))!.content_json)).toEqual({ a: 2 });
    expect(await ctx.t.db.selectFrom("meeting_drafts").select("id").execute()).toHaveLength(2);
    expect(await saveDraft(ctx.t.db, ctx.w.staff.actor, ctx.w.staff.id, ctx.w.meetingId, "exchange", "{not json")).toMatchObject({ ok: false });
    expect(await saveDraft(ctx.t.db, ctx.w.staff.actor, ctx.w.staff.id, ctx.w.meetingId, "../x", "{}")).toMatchObject({ ok: false });
    expect(await saveDraft(ctx.t.db, ctx.w.staff.actor, ctx.w.staff.id, ctx.w.meetingId, "exchange", JSON.stringify({ s: "x".repeat(300_000) }))).toMatchObject({ ok: false });
  });

  it("audits every save and the discard, in the same transaction, without the draft's text (issue 16)", async () => {
    const mark = await lastAuditId(ctx.t.db);
    await saveDraft(ctx.t.db, ctx.w.staff.actor, ctx.w.staff.id, ctx.w.meetingId, "exchange", JSON.stringify({ question: "机密草稿" }));
    await saveDraft(ctx.t.db, ctx.w.staff.actor, ctx.w.staff.id, ctx.w.meetingId, "exchange", JSON.stringify({ question: "机密草稿2" }));
    await clearDraft(ctx.t.db, ctx.w.staff.actor, ctx.w.staff.id, ctx.w.meetingId, "exchange");
    // nothing to discard: nothing changes, nothing is audited
    await clearDraft(ctx.t.db, ctx.w.staff.actor, ctx.w.staff.id, ctx.w.meetingId, "exchange");
    const audit = await auditSince(ctx.t.db, mark);
    expect(audit.map((a) => [a.action, a.actor_id, a.entity_type])).toEqual([
      ["meeting.draft_save", ctx.w.staff.id, "meeting_draft"],
      ["meeting.draft_save", ctx.w.staff.id, "meeting_draft"],
      ["meeting.draft_discard", ctx.w.staff.id, "meeting_draft"],
    ]);
    expect(JSON.stringify(audit)).not.toContain("机密草稿");
    expect(JSON.parse(audit[1].after_json!)).toEqual({ meeting_id: ctx.w.meetingId, draft_key: "exchange", chars: JSON.stringify({ question: "机密草稿2" }).length });
    // a failing audit write leaves the draft as it was
    await breakAuditLog(ctx.t.db);
    await expect(saveDraft(ctx.t.db, ctx.w.staff.actor, ctx.w.staff.id, ctx.w.meetingId, "exchange", "{}")).rejects.toThrow();
    await repairAuditLog(ctx.t.db);
    expect(await getDraft(ctx.t.db, ctx.w.staff.id, ctx.w.meetingId, "exchange")).toBeUndefined();
  });
});
