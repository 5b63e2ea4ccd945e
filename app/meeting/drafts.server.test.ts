import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { auditSince, breakAuditLog, createTestDb, lastAuditId, makeUser, repairAuditLog, type TestDb } from "../test/db";
import { getDraft, clearDraft, saveDraft } from "./drafts.server";
import { makeMeetingWorld, type MeetingWorld } from "./test-helpers";

let t: TestDb;
let w: MeetingWorld;

beforeEach(async () => {
  t = await createTestDb();
  w = await makeMeetingWorld(t.db);
});
afterEach(async () => {
  await t.cleanup();
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
