import JSZip from "jszip";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeItem, makeWorld, type World } from "../rectification/fixtures.test-helpers";
import { canUseYearChronicle } from "../policy.server";
import { nowIso, todayInShanghai } from "../utils/time";
import { recordStep } from "./accountability.server";
import { chronicleDay, chronicleDocx, chronicleEntries } from "./chronicle.server";
import { docxText } from "./docx-text.server";
import { chronicleFormFrom } from "./forms.server";

let w: World;
beforeEach(async () => {
  w = await makeWorld();
});
afterEach(async () => {
  await w.cleanup();
});

describe("the chronicle (大事记)", () => {
  it("is built from the recorded history, in date order, per inquiry and per year", async () => {
    const now = nowIso();
    await w.t.db
      .insertInto("research_activities")
      .values({ inquiry_id: w.inquiryId, kind: "暗访", title: "贫困户识别精准度", start_date: "2020-07-16", end_date: "2020-07-16", places: "修武县、武陟县", created_at: now, updated_at: now })
      .execute();
    await w.t.db.insertInto("meetings").values({ inquiry_id: w.inquiryId, meeting_date: "2020-09-22", chair_name: "王小平", session_name: "市十一届人大常委会第十二次会议", created_at: now, updated_at: now }).execute();
    const vote = await w.t.db
      .insertInto("votes")
      .values({ inquiry_id: w.inquiryId, target_type: "department", department_id: w.orgA, title: "对市卫生健康委员会应询情况的满意度测评", status: "closed", opened_at: now, closed_at: now, result: "not_passed" })
      .returning("id")
      .executeTakeFirstOrThrow();
    const item = await makeItem(w);
    expect(await recordStep(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, trigger: { type: "vote", id: vote.id }, kind: "interview", stepDate: todayInShanghai(), decision: "约谈市卫生健康委员会主要负责人", organizationId: w.orgA, itemId: item, publish: false })).toMatchObject({ ok: true });

    const entries = await chronicleEntries(w.t.db, [w.inquiryId]);
    expect(entries.map((e) => e.text)).toEqual([
      "市人大常委会到修武县、武陟县开展暗访：贫困户识别精准度。",
      "市十一届人大常委会第十二次会议举行测试专题询问，王小平主持。",
      "对市卫生健康委员会应询情况的满意度测评，结果为不满意，责成重新报告。",
      "约谈市卫生健康委员会：约谈市卫生健康委员会主要负责人。",
    ]);
    expect(entries.map((e) => e.date)).toEqual([...entries.map((e) => e.date)].sort());
    expect((await chronicleEntries(w.t.db, [w.inquiryId], 2020)).map((e) => e.source.split(":")[0])).toEqual(["research", "meeting"]);
    expect(await chronicleEntries(w.t.db, [])).toEqual([]);
  });

  it("exports edited entries to Word in the shape of seed 002 (•M月D日，…), legal XML only", async () => {
    const form = new FormData();
    form.set("title", "2016年脱贫攻坚大事记");
    form.set("subtitle", "");
    form.set("date-0", "2016-11-16");
    form.set("text-0", "市委书记不设预案，不打招呼，到修武县、武陟县对脱贫攻坚工作进行暗访。\u0001");
    form.set("include-0", "1");
    form.set("date-1", "2016-02-23");
    form.set("text-1", "市委召开全市扶贫开发工作会议。");
    form.set("include-1", "1");
    form.set("date-2", "2016-05-01");
    form.set("text-2", "被删去的一条");
    const parsed = chronicleFormFrom(form);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.entries.map((e) => e.date)).toEqual(["2016-02-23", "2016-11-16"]);
    const buffer = await chronicleDocx(parsed);
    const text = await docxText(buffer);
    expect(text).toBe("2016年脱贫攻坚大事记\n•2月23日，市委召开全市扶贫开发工作会议。\n•11月16日，市委书记不设预案，不打招呼，到修武县、武陟县对脱贫攻坚工作进行暗访。");
    const xml = await (await JSZip.loadAsync(buffer)).file("word/document.xml")!.async("string");
    expect(xml).not.toMatch(/[\u0000-\u0008]/);
    expect(chronicleDay("2020-09-22")).toBe("9月22日");

    const bad = new FormData();
    bad.set("title", "大事记");
    bad.set("date-0", "2016-02-30");
    bad.set("text-0", "不存在的日期");
    bad.set("include-0", "1");
    expect(chronicleFormFrom(bad)).toEqual({ ok: false, field: "date-0", message: "第 1 条的日期格式不正确，请按“年-月-日”填写" });
    expect(canUseYearChronicle({ role: "department" })).toBe(false);
    expect(canUseYearChronicle({ role: "county" })).toBe(false);
    expect(canUseYearChronicle({ role: "member" })).toBe(true);
  });
});
