import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeOrganization } from "../test/db";
import { makeWorld, type World } from "../rectification/fixtures.test-helpers";
import { addDays } from "../utils/time";
import { todayInShanghai } from "../utils/time";
import { foldName, guessPlanTitle, importPlan, previewPlan, type NameChoice } from "./action-plan.server";
import { parsePlan } from "./plan-parser";
import { seed004 } from "./fixtures.test-helpers";

let w: World;
beforeEach(async () => {
  w = await makeWorld();
});
afterEach(async () => {
  await w.cleanup();
});

async function itemsWithUnits(inquiryId: number) {
  const items = await w.t.db
    .selectFrom("rectification_items as i")
    .innerJoin("organizations as o", "o.id", "i.lead_department_id")
    .select(["i.id", "i.problem", "i.plan_label", "i.plan_paragraph", "i.source_type", "i.source_id", "i.deadline", "o.name as lead"])
    .where("i.inquiry_id", "=", inquiryId)
    .orderBy("i.number")
    .execute();
  const co = await w.t.db
    .selectFrom("rectification_codepartments as c")
    .innerJoin("organizations as o", "o.id", "c.organization_id")
    .select(["c.item_id", "o.name"])
    .execute();
  return items.map((i) => ({ ...i, co: co.filter((c) => c.item_id === i.id).map((c) => c.name).sort() }));
}

describe("importing seed 004 as rectification items", () => {
  it("takes the plan's title, not the covering notice's", () => {
    expect(guessPlanTitle(seed004())).toBe("焦作市打好精准脱贫攻坚战三年行动计划（2018—2020年）");
    expect(guessPlanTitle("关于印发《某方案》的通知\n某市教育提升实施方案\n一、总体要求")).toBe("某市教育提升实施方案");
    expect(guessPlanTitle("一、任务")).toBe("");
  });

  it("gives every task with a 负责 clause an item with its lead and co-units, its numbering and paragraph", async () => {
    // the world has 市卫生健康委员会 and 市教育局; the plan's old names are mapped, its collectives left out
    const office = await makeOrganization(w.t.db, { name: "市脱贫攻坚办", kind: "department" });
    await makeOrganization(w.t.db, { name: "市人力资源和社会保障局", kind: "department" });
    const text = seed004();
    const choices = new Map<string, NameChoice>([
      ["市扶贫办", office],
      ["市脱贫攻坚领导小组各成员单位", office],
      ["市卫生计生委", w.orgA],
    ]);
    const preview = await previewPlan(w.t.db, text, new Map(), choices);
    expect(preview.tasks).toHaveLength(24);
    // 市人力资源社会保障局 (as the plan writes it) is matched to 市人力资源和社会保障局
    expect(preview.unknown.map((u) => u.name)).not.toContain("市人力资源社会保障局");
    expect(preview.unknown.find((u) => u.name === "各县市区党委政府")).toMatchObject({ choice: "ignore", collective: true });
    expect(preview.unknown.find((u) => u.name === "市残联")).toMatchObject({ choice: "new", collective: false });
    const orgsBefore = (await w.t.db.selectFrom("organizations").select("id").execute()).length;

    const deadline = addDays(todayInShanghai(), 90);
    const result = await importPlan(w.t.db, w.staff.actor, w.inquiryId, { title: "焦作市打好精准脱贫攻坚战三年行动计划（2018—2020年）", fileName: "", text, deadline, edits: new Map(), choices });
    expect(result).toMatchObject({ ok: true, count: 24 });
    if (!result.ok) return;

    // expected units, from the plan itself: names mapped as chosen, collectives out, the first left leads
    const rename = (n: string) =>
      n === "市扶贫办" || n === "市脱贫攻坚领导小组各成员单位" ? "市脱贫攻坚办" : n === "市卫生计生委" ? "市卫生健康委员会" : n === "市人力资源社会保障局" ? "市人力资源和社会保障局" : n;
    const expected = parsePlan(text).map((t) => {
      const names = [...new Set(t.units.filter((n) => n !== "各县市区党委政府").map(rename))];
      return { label: t.label, title: t.title, lead: names[0], co: names.slice(1).sort(), paragraph: t.paragraph };
    });
    const items = await itemsWithUnits(w.inquiryId);
    expect(items.map((i) => ({ label: i.plan_label, title: i.problem, lead: i.lead, co: i.co, paragraph: i.plan_paragraph }))).toEqual(expected);
    expect(items.every((i) => i.source_type === "plan" && i.source_id === result.planId && i.deadline === deadline)).toBe(true);
    expect(items[0]).toMatchObject({ lead: "市委组织部", plan_label: "二、（一）1." });
    expect(items[0].co).toContain("市脱贫攻坚办");

    // the names not known were created as departments, once each, audited
    const created = await w.t.db.selectFrom("organizations").select(["name", "kind"]).where("name", "in", result.created).execute();
    expect(created.length).toBe(result.created.length);
    expect(created.every((o) => o.kind === "department")).toBe(true);
    expect((await w.t.db.selectFrom("organizations").select("id").execute()).length).toBe(orgsBefore + result.created.length);
    const audits = await w.t.db.selectFrom("audit_log").select(["action", "summary"]).where("action", "in", ["rectification.import_plan", "organization.create"]).execute();
    expect(audits.filter((a) => a.action === "rectification.import_plan")).toHaveLength(1);
    expect(audits.filter((a) => a.summary.startsWith("导入行动计划时新建组织机构"))).toHaveLength(result.created.length);
    const plan = await w.t.db.selectFrom("action_plans").selectAll().where("id", "=", result.planId).executeTakeFirstOrThrow();
    expect(plan).toMatchObject({ inquiry_id: w.inquiryId, task_count: 24, text });

    // the mapped names are remembered: the next preview matches them without asking
    const again = await previewPlan(w.t.db, text);
    expect(again.unknown.map((u) => u.name).sort()).toEqual(["各县市区党委政府"]);
    expect(foldName("市人力资源社会保障局")).toBe(foldName("市人力资源和社会保障局"));
  });

  it("refuses the whole import, changing nothing, when a task has no lead or a name is left unmapped", async () => {
    const text = seed004();
    const orgs = (await w.t.db.selectFrom("organizations").select("id").execute()).length;
    const audits = (await w.t.db.selectFrom("audit_log").select("id").execute()).length;
    // proposals only: 市脱贫攻坚领导小组各成员单位 and 各县市区党委政府 are left out, so 二、（一）2. has no lead
    const result = await importPlan(w.t.db, w.staff.actor, w.inquiryId, {
      title: "三年行动计划",
      fileName: "",
      text,
      deadline: addDays(todayInShanghai(), 30),
      edits: new Map(),
      choices: new Map(),
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => e.message)).toContain("任务 二、（一）2.：没有可作为牵头单位的单位，请填写责任单位或为未识别的单位选择对应单位");
    expect((await w.t.db.selectFrom("organizations").select("id").execute()).length).toBe(orgs);
    expect((await w.t.db.selectFrom("audit_log").select("id").execute()).length).toBe(audits);
    expect(await itemsWithUnits(w.inquiryId)).toEqual([]);
    expect(await w.t.db.selectFrom("action_plans").select("id").execute()).toEqual([]);
  });

  it("imports staff's edits: a task left out, a title and units changed, a task's own deadline; a county congress cannot lead", async () => {
    const plan = ["二、主要任务", "1.改善办学条件。（市教育局负责）", "2.加强健康扶贫。（市卫生健康委员会、市教育局负责）", "3.加强水利建设。（市水利局负责）"].join("\n");
    const deadline = addDays(todayInShanghai(), 30);
    const own = addDays(todayInShanghai(), 60);
    const edits = new Map([
      [0, { index: 0, include: false, title: "改善办学条件", units: "市教育局", deadline: "" }],
      [1, { index: 1, include: true, title: "健康扶贫兜底", units: "市教育局牵头，市卫生健康委员会配合", deadline: own }],
      [2, { index: 2, include: true, title: "加强水利建设", units: "市水利局", deadline: "" }],
    ]);
    const result = await importPlan(w.t.db, w.staff.actor, w.inquiryId, { title: "方案", fileName: "plan.txt", text: plan, deadline, edits, choices: new Map() });
    expect(result).toMatchObject({ ok: true, count: 2 });
    const items = await itemsWithUnits(w.inquiryId);
    expect(items.map((i) => [i.plan_label, i.problem, i.lead, i.co, i.deadline])).toEqual([
      ["二、2.", "健康扶贫兜底", "市教育局", ["市卫生健康委员会"], own],
      ["二、3.", "加强水利建设", "市水利局", [], deadline],
    ]);

    const county = await w.t.db.selectFrom("organizations").select("name").where("id", "=", w.county).executeTakeFirstOrThrow();
    const refused = await importPlan(w.t.db, w.staff.actor, w.inquiryId, {
      title: "方案二",
      fileName: "",
      text: `1.开展调研。（${county.name}负责）`,
      deadline,
      edits: new Map(),
      choices: new Map(),
    });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.errors[0].message).toBe("任务 1.：牵头单位须为启用中的人民政府或政府部门");
    expect(await itemsWithUnits(w.inquiryId)).toHaveLength(2);
    expect(await w.t.db.selectFrom("action_plans").select("id").execute()).toHaveLength(1);
  });
});
