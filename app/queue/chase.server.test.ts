import JSZip from "jszip";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { canChase, canReadChaseLetter } from "../policy.server";
import { makeItem, makeWorld, type World } from "../rectification/fixtures.test-helpers";
import { addDays } from "../utils/time";
import { makeOrganization, makeUser, auditSince, lastAuditId, type TestUser } from "../test/db";
import { todayInShanghai } from "../utils/time";
import { letterDocx } from "../documents/letters-docx.server";
import { letterOfChase } from "../documents/letters.server";
import { chasePanelData, getChase, sendChase } from "./chase.server";

let w: World;
let outsider: TestUser;
beforeEach(async () => {
  w = await makeWorld();
  const other = await makeOrganization(w.t.db, { name: "市人大常委会财经工作委员会", kind: "congress_office" });
  outsider = await makeUser(w.t.db, { role: "staff", organizationId: other });
});
afterEach(async () => {
  await w.cleanup();
});

async function overdueItem() {
  const id = await makeItem(w);
  // the deadline passed five days ago (items cannot be created with a past deadline)
  await w.t.db.updateTable("rectification_items").set({ deadline: addDays(todayInShanghai(), -5) }).where("id", "=", id).execute();
  return id;
}

describe("催办", () => {
  it("an overdue item: notifies the lead department, enters the item's history and the audit log, prints as a 催办函", async () => {
    const itemId = await overdueItem();
    const before = await lastAuditId(w.t.db);
    const r = await sendChase(w.t.db, w.staff.actor, { target: { type: "item", id: itemId }, note: "请于本周内报送整改进展" });
    if (!r.ok) throw new Error(r.message);
    const notes = await w.t.db.selectFrom("notifications").select(["user_id", "title", "link"]).where("kind", "=", "chase").execute();
    expect(notes.map((n) => n.user_id)).toEqual([w.deptA.id]); // the lead department, not the co-department
    expect(notes[0].link).toBe(`/rectification/${itemId}`);
    expect(notes[0].title).toContain("已逾期 5 天");
    const events = await w.t.db.selectFrom("item_events").select(["action", "comment"]).where("item_id", "=", itemId).where("action", "=", "chased").execute();
    expect(events).toHaveLength(1);
    expect(events[0].comment).toContain("请于本周内报送整改进展");
    expect((await auditSince(w.t.db, before)).map((a) => a.action)).toEqual(["letter.issue", "chase.send"]);

    expect((await getChase(w.t.db, r.id))!.id).toBe(r.id);
    const letter = (await letterOfChase(w.t.db, r.id))!;
    const year = Number(todayInShanghai().slice(0, 4));
    expect(letter.doc_number).toBe(`人常函〔${year}〕1号`);
    expect(events[0].comment).toContain(`催办函 人常函〔${year}〕1号`);
    const zip = await JSZip.loadAsync(await letterDocx(letter));
    const xml = await zip.file("word/document.xml")!.async("string");
    const text = [...xml.matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join("");
    expect(text).toContain("催办函");
    expect(text).toContain(`人常函〔${year}〕1号`);
    expect(text).toContain("市卫生健康委员会：");
    expect(text).toContain("第 1 项整改事项");
    expect(text).toContain("已逾期 5 天");
    expect(text).toContain("焦作市人大常委会");
    const [y, m, d] = todayInShanghai().split("-").map(Number);
    expect(text).toContain(`${y}年${m}月${d}日`);
    // the same GB/T 9704 page as the outline: 37 mm top margin, page number footer
    expect(xml).toContain('w:top="2098"');
    expect(Object.keys(zip.files).some((f) => f.startsWith("word/footer"))).toBe(true);
  });

  it("is refused when the deadline is not near, or the work is done; nothing is written", async () => {
    const itemId = await makeItem(w, { deadline: addDays(todayInShanghai(), 60) });
    const r = await sendChase(w.t.db, w.staff.actor, { target: { type: "item", id: itemId }, note: "" });
    expect(r).toMatchObject({ ok: false, message: "尚未临近期限，暂不需要催办" });
    await w.t.db.updateTable("rectification_items").set({ status: "closed", deadline: addDays(todayInShanghai(), -1) }).where("id", "=", itemId).execute();
    expect(await sendChase(w.t.db, w.staff.actor, { target: { type: "item", id: itemId }, note: "" })).toMatchObject({ ok: false });
    expect(await w.t.db.selectFrom("chase_ups").selectAll().execute()).toEqual([]);
    const long = await sendChase(w.t.db, w.staff.actor, { target: { type: "item", id: await overdueItem() }, note: "很".repeat(501) });
    expect(long).toMatchObject({ ok: false, field: "note" });
  });

  it("only the staff who manage the inquiry chase; the letter is theirs and the chased organisation's", async () => {
    const itemId = await overdueItem();
    const inquiry = await w.t.db.selectFrom("inquiries").select(["organizing_body", "created_by"]).where("id", "=", w.inquiryId).executeTakeFirstOrThrow();
    const me = { role: w.staff.role, id: w.staff.id, organizationName: null, organizationId: null };
    const them = { role: outsider.role, id: outsider.id, organizationName: "市人大常委会财经工作委员会", organizationId: outsider.organizationId };
    expect(canChase(me, inquiry)).toBe(true);
    expect(canChase(them, inquiry)).toBe(false);
    expect(await chasePanelData(w.t.db, them, { type: "item", id: itemId })).toBeNull();
    expect((await chasePanelData(w.t.db, me, { type: "item", id: itemId }))?.canSend).toBe(true);
    const r = await sendChase(w.t.db, w.staff.actor, { target: { type: "item", id: itemId }, note: "" });
    const letter = (await getChase(w.t.db, r.ok ? r.id : 0))!;
    expect(canReadChaseLetter(me, letter)).toBe(true);
    expect(canReadChaseLetter(them, letter)).toBe(false);
    expect(canReadChaseLetter({ role: "department", id: w.deptA.id, organizationName: null, organizationId: w.orgA }, letter)).toBe(true);
    expect(canReadChaseLetter({ role: "department", id: w.deptB.id, organizationName: null, organizationId: w.orgB }, letter)).toBe(false);
    // the lead department sees the chase-ups on the item page, without the form
    const seen = await chasePanelData(w.t.db, { role: "department", id: w.deptA.id, organizationName: null, organizationId: w.orgA }, { type: "item", id: itemId });
    expect(seen).toMatchObject({ canSend: false });
    expect(seen?.chases).toHaveLength(1);
  });
});
