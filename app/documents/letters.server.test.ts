import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDatabase } from "../../db/client";
import { makeItem, makeWorld, type World } from "../rectification/fixtures.test-helpers";
import { auditSince, lastAuditId, snapshot } from "../test/db";
import { expectOfficialLayout } from "../test/gbt9704";
import { addDays, formatDate, todayInShanghai } from "../utils/time";
import { letterDocx } from "./letters-docx.server";
import { getLetter, getLetterTemplates, issueLetter, letterChoices, saveLetterTemplate, setLetterPrefix } from "./letters.server";

let w: World;
beforeEach(async () => {
  w = await makeWorld();
});
afterEach(async () => {
  await w.cleanup();
});

const year = () => Number(todayInShanghai().slice(0, 4));

async function overdue(itemId: number, days = 5) {
  await w.t.db.updateTable("rectification_items").set({ deadline: addDays(todayInShanghai(), -days) }).where("id", "=", itemId).execute();
}

describe("formal letters (交办函, 督办函, 审议意见书)", () => {
  it("a 交办函 to a lead unit lists its open items with deadlines, carries 文号 and addressee, follows GB/T 9704, and enters each item's history", async () => {
    const a1 = await makeItem(w, { problem: "因病致贫返贫风险监测不够及时" });
    const a2 = await makeItem(w, { problem: "家庭医生签约服务质量不高", deadline: addDays(todayInShanghai(), 90) });
    await makeItem(w, { problem: "控辍保学还有薄弱环节", leadDepartmentId: w.orgB, coDepartmentIds: [] });
    await setLetterPrefix(w.t.db, w.staff.actor, "焦人常函");
    const before = await lastAuditId(w.t.db);
    const r = await issueLetter(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, kind: "assign_items", organizationId: w.orgA, note: "" });
    if (!r.ok) throw new Error(r.message);
    expect(r.docNumber).toBe(`焦人常函〔${year()}〕1号`);
    const letter = (await getLetter(w.t.db, r.id))!;
    expect(letter.addressee).toBe("市卫生健康委员会");
    expect(letter.list.map((e) => e.itemId)).toEqual([a1, a2]);
    const doc = await expectOfficialLayout(await letterDocx(letter));
    const texts = doc.paragraphs.map((p) => p.text);
    expect(texts[0]).toBe(`焦人常函〔${year()}〕1号`);
    expect(doc.paragraphs[0].alignment).toBe("right");
    expect(texts).toContain("关于交办测试专题询问整改事项的函");
    expect(texts).toContain("市卫生健康委员会：");
    expect(texts.find((t) => t.startsWith("1．因病致贫返贫"))).toContain(`整改时限：${formatDate(addDays(todayInShanghai(), 60))}`);
    expect(texts.some((t) => t.includes("控辍保学"))).toBe(false);
    // 落款 then 成文日期, right-aligned, the date four characters in
    expect(texts.slice(-2)).toEqual(["焦作市人大常委会", formatDate(todayInShanghai())]);
    const events = await w.t.db.selectFrom("item_events").select(["item_id", "comment"]).where("action", "=", "letter").orderBy("item_id").execute();
    expect(events).toEqual([
      { item_id: a1, comment: `向市卫生健康委员会发出交办函（焦人常函〔${year()}〕1号）` },
      { item_id: a2, comment: `向市卫生健康委员会发出交办函（焦人常函〔${year()}〕1号）` },
    ]);
    expect((await auditSince(w.t.db, before)).map((a) => [a.action, a.entity_type, a.entity_id])).toEqual([["letter.issue", "inquiry", String(w.inquiryId)]]);
  });

  it("a 督办函 lists only the overdue items; refused (nothing written) for a unit with none", async () => {
    const late = await makeItem(w, { problem: "逾期的事项" });
    await makeItem(w, { problem: "未到期的事项" });
    await overdue(late);
    const choices = await letterChoices(w.t.db, w.inquiryId);
    expect(choices.supervise).toEqual([{ id: w.orgA, name: "市卫生健康委员会", count: 1 }]);
    const before = await snapshot(w.t.db);
    expect(await issueLetter(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, kind: "supervise", organizationId: w.orgB, note: "" })).toEqual({
      ok: false,
      field: "organizationId",
      message: "该单位没有逾期未销号的整改事项",
    });
    expect(await snapshot(w.t.db)).toEqual(before);
    const r = await issueLetter(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, kind: "supervise", organizationId: w.orgA, note: "请于本周内书面报告。" });
    if (!r.ok) throw new Error(r.message);
    const letter = (await getLetter(w.t.db, r.id))!;
    expect(letter.list.map((e) => e.text)).toEqual([expect.stringContaining("逾期的事项")]);
    expect(letter.paragraphs).toContain("请于本周内书面报告。");
  });

  it("the 审议意见书 goes to the government, needs the opinions, and lists the ledger", async () => {
    await makeItem(w);
    expect(await issueLetter(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, kind: "opinion", organizationId: null, note: "  " })).toMatchObject({ ok: false, field: "note" });
    const r = await issueLetter(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, kind: "opinion", organizationId: null, note: "一、进一步压实责任。" });
    if (!r.ok) throw new Error(r.message);
    const letter = (await getLetter(w.t.db, r.id))!;
    expect(letter.addressee).toBe("市政府");
    expect(letter.title).toBe("焦作市人大常委会关于测试专题询问的审议意见");
    const doc = await expectOfficialLayout(await letterDocx(letter));
    expect(doc.paragraphs.map((p) => p.text)).toContain("一、进一步压实责任。");
  });

  it("a 交办函 of the outline needs the outline issued", async () => {
    expect(await issueLetter(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, kind: "assign_outline", organizationId: w.orgA, note: "" })).toMatchObject({
      ok: false,
      message: "询问提纲尚未下发，不能制发交办函",
    });
    const snapshotJson = JSON.stringify({
      keywords: [{ id: 1, keyword: "健康扶贫", headline: "", questions: [{ id: 7, text: "如何防止因病返贫？", departmentId: w.orgA, departmentName: "市卫生健康委员会", questionerUserId: null, questionerName: "马爱国", questionerRole: "委员", sources: [] }] }],
    });
    const v = await w.t.db
      .insertInto("outline_versions")
      .values({ inquiry_id: w.inquiryId, number: 1, status: "approved", snapshot_json: snapshotJson, submitted_by: null, submitted_at: "2020-09-01T00:00:00Z", decided_on: "2020-09-05", decided_by: null, issued_at: "2020-09-06T00:00:00Z", issued_by: null })
      .returning("id")
      .executeTakeFirstOrThrow();
    await w.t.db.updateTable("inquiries").set({ outline_issued_version_id: v.id }).where("id", "=", w.inquiryId).execute();
    const r = await issueLetter(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, kind: "assign_outline", organizationId: w.orgA, note: "" });
    if (!r.ok) throw new Error(r.message);
    const letter = (await getLetter(w.t.db, r.id))!;
    expect(letter.list).toEqual([{ text: "1．（健康扶贫）如何防止因病返贫？" }]);
    expect(letter.paragraphs[0]).toContain("将于2020年9月22日");
  });

  it("文号 stay unique and consecutive when letters are made at once from two server processes; the database refuses a duplicate", async () => {
    await makeItem(w);
    const other = openDatabase(w.t.path);
    try {
      const make = (db: typeof w.t.db) => issueLetter(db, w.staff.actor, { inquiryId: w.inquiryId, kind: "assign_items", organizationId: w.orgA, note: "" });
      const results = await Promise.all(Array.from({ length: 12 }, (_, i) => make(i % 2 ? other : w.t.db)));
      const numbers = results.map((r) => (r.ok ? r.docNumber : r.message));
      expect(new Set(numbers).size).toBe(12);
      const serials = (await w.t.db.selectFrom("letters").select("serial").orderBy("serial").execute()).map((r) => r.serial);
      expect(serials).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
      const row = (await w.t.db.selectFrom("letters").selectAll().where("serial", "=", 3).executeTakeFirstOrThrow());
      const { id: _id, ...copy } = row;
      await expect(w.t.db.insertInto("letters").values({ ...copy, doc_number: "另一个号" }).execute()).rejects.toThrow(/UNIQUE|duplicate key/);
    } finally {
      await other.destroy();
    }
  });

  it("the administrator's template is used for the next letter; unknown placeholders and stale saves are refused", async () => {
    await makeItem(w);
    const [, items] = await getLetterTemplates(w.t.db);
    expect(items.kind).toBe("assign_items");
    expect(await saveLetterTemplate(w.t.db, w.staff.actor, { kind: "assign_items", title: "交办函", body: "请{单位}办理", version: items.version })).toEqual({
      ok: false,
      field: "body",
      message: "不认识的占位符：{单位}（可用的占位符见下方说明）",
    });
    expect(await saveLetterTemplate(w.t.db, w.staff.actor, { kind: "assign_items", title: "关于{专题询问}整改的交办函", body: "{收文单位}牵头的{事项数}项问题如下：\n{清单}\n请抓紧办理。", version: items.version })).toEqual({ ok: true });
    expect(await saveLetterTemplate(w.t.db, w.staff.actor, { kind: "assign_items", title: "x", body: "y", version: items.version })).toMatchObject({ ok: false, field: "_form" });
    const r = await issueLetter(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, kind: "assign_items", organizationId: w.orgA, note: "" });
    if (!r.ok) throw new Error(r.message);
    const letter = (await getLetter(w.t.db, r.id))!;
    expect(letter.title).toBe("关于测试专题询问整改的交办函");
    expect(letter.paragraphs).toEqual(["市卫生健康委员会牵头的1项问题如下：", "{清单}", "请抓紧办理。"]);
  });
});
