import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CurrentUser } from "../auth/session.server";
import { createTestDb, snapshot, type TestDb } from "../test/db";
import { submitExchangeForm } from "./forms.server";
import { makeMeetingWorld, type MeetingWorld } from "./test-helpers";

let t: TestDb;
let w: MeetingWorld;
let user: CurrentUser;
beforeEach(async () => {
  t = await createTestDb();
  w = await makeMeetingWorld(t.db);
  user = { id: w.staff.id, username: w.staff.username, displayName: w.staff.displayName, role: "staff", title: "", organizationId: null, organizationName: null, organizationKind: null } as CurrentUser;
});
afterEach(() => t.cleanup());

function form(fields: Record<string, string>): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.set(k, v);
  return f;
}

describe("submitExchangeForm: hostile chains (issue 16.5)", () => {
  it("refuses a chain nested 100,000 deep with a Chinese message, sends nothing of it back, changes nothing", async () => {
    const before = await snapshot(t.db);
    const deep = "[".repeat(100_000) + "]".repeat(100_000);
    const result = await submitExchangeForm(t.db, user, w.staff.actor, w.meetingId, form({ questionerName: "马爱国", departmentId: String(w.health), question: "问题", chainJson: deep }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.fieldErrors.chain).toEqual(["追问和补充回答的格式无法识别，请刷新页面后重试"]);
    expect(result.values.chainJson).toBe("[]");
    expect(result.values.question).toBe("问题");
    expect(await snapshot(t.db)).toEqual(before);
  });

  it("cleans control characters inside the chain's JSON (escaped, so the form reader cannot see them)", async () => {
    const chainJson = JSON.stringify([{ kind: "follow_up", speakerName: "马爱国\u0000", speakerTitle: "委员\u200b", organizationId: "", body: "追问\u000c内容\u0001" }]);
    const result = await submitExchangeForm(t.db, user, w.staff.actor, w.meetingId, form({ questionerName: "马爱国", departmentId: String(w.health), question: "问题", chainJson }));
    expect(result.ok ? "ok" : JSON.stringify(result.fieldErrors)).toBe("ok");
    const turns = await t.db.selectFrom("meeting_turns").select(["speaker_name", "speaker_title", "body_text"]).where("kind", "=", "follow_up").execute();
    expect(turns).toEqual([{ speaker_name: "马爱国", speaker_title: "委员", body_text: "追问内容" }]);
  });
});
