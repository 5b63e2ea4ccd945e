import { describe, expect, it } from "vitest";
import { seed004 } from "./fixtures.test-helpers";
import { closingClause, numberingOf, parsePlan, unitsOfClause } from "./plan-parser";



describe("numbering", () => {
  it("reads the four levels of official numbering and not numbers in text", () => {
    expect(numberingOf("二、主要任务")).toMatchObject({ level: 1, token: "二、" });
    expect(numberingOf("（一）集中力量攻坚重点难点")).toMatchObject({ level: 2, token: "（一）" });
    expect(numberingOf("1.聚焦贫困村整村推进。")).toMatchObject({ level: 3, token: "1." });
    expect(numberingOf("2、开展教育扶贫行动")).toMatchObject({ level: 3, token: "2." });
    expect(numberingOf("（3）建立台账")).toMatchObject({ level: 4, token: "（3）" });
    expect(numberingOf("2018年，全市完成农村危房改造699户")).toBeNull();
    expect(numberingOf("1.2万人实现脱贫")).toBeNull();
    expect(numberingOf("加快推进电商扶贫。")).toBeNull();
  });

  it("finds the closing responsibility bracket, nested brackets included", () => {
    expect(closingClause("……全覆盖。（市教育局和各县（市）区政府负责）")).toBe("市教育局和各县（市）区政府负责");
    expect(closingClause("……（市扶贫办牵头，市财政局配合）。")).toBe("市扶贫办牵头，市财政局配合");
    expect(closingClause("……（详见附表）")).toBeNull();
    expect(closingClause("（市教育局负责）之后还有正文")).toBeNull();
  });

  it("splits names on 、 and on 和 only where two units are joined", () => {
    const known = new Set(["市人力资源和社会保障局", "市财政局", "市民政局"]);
    expect(unitsOfClause("市人力资源和社会保障局、市财政局和各县市区党委政府负责", (n) => known.has(n))).toEqual([
      "市人力资源和社会保障局",
      "市财政局",
      "各县市区党委政府",
    ]);
    expect(unitsOfClause("市财政局和市民政局负责", (n) => known.has(n))).toEqual(["市财政局", "市民政局"]);
    // unknown on both sides: kept whole, for staff to map
    expect(unitsOfClause("市住房和城乡建设局负责")).toEqual(["市住房和城乡建设局"]);
    expect(unitsOfClause("牵头单位：市教育局；配合单位：市财政局、市民政局")).toEqual(["市教育局", "市财政局", "市民政局"]);
    expect(unitsOfClause("市民政局牵头，市财政局、市残联配合")).toEqual(["市民政局", "市财政局", "市残联"]);
  });
});

describe("seed 004: 焦作市打好精准脱贫攻坚战三年行动计划", () => {
  const text = seed004();
  const tasks = parsePlan(text);

  it("gives one task for every paragraph that ends with a 负责 bracket", () => {
    const clauses = text.split("\n").filter((p) => /负责）\s*$/.test(p));
    expect(clauses.length).toBe(24);
    expect(tasks).toHaveLength(clauses.length);
    expect(tasks.map((t) => t.label)).toEqual([
      "二、（一）1.", "二、（一）2.", "二、（一）3.",
      "二、（二）1.", "二、（二）2.", "二、（二）3.", "二、（二）4.",
      "二、（三）1.", "二、（三）2.", "二、（三）3.", "二、（三）4.",
      "二、（四）1.", "二、（四）2.", "二、（四）3.", "二、（四）4.",
      "三、（一）", "三、（二）", "三、（三）", "三、（四）", "三、（五）", "三、（六）", "三、（七）", "三、（八）", "三、（九）",
    ]);
    // every task's paragraph ends with its own clause, and the clause is that paragraph's last bracket
    for (const [i, t] of tasks.entries()) {
      expect(t.paragraph.trimEnd().endsWith(`（${t.clause}）`), t.label).toBe(true);
      expect(clauses[i].trim().endsWith(`（${t.clause}）`), t.label).toBe(true);
    }
  });

  it("reads each task's units, lead first, from its bracket", () => {
    const byLabel = new Map(tasks.map((t) => [t.label, t]));
    expect(byLabel.get("二、（一）1.")!.title).toBe("聚焦贫困村整村推进");
    expect(byLabel.get("二、（一）1.")!.units).toEqual([
      "市委组织部", "市委农办", "市财政局", "市发改委", "市人社局", "市卫生计生委", "市民政局", "市交通局", "市住建局",
      "市农业局", "市林业局", "市商务局", "市扶贫办", "各县市区党委政府",
    ]);
    expect(byLabel.get("二、（三）2.")!.units).toEqual(["市教育局", "各县市区党委政府"]);
    expect(byLabel.get("二、（四）3.")!.units).toEqual(["市电力公司", "各县市区党委政府"]);
    expect(byLabel.get("二、（三）1.")!.units).toContain("中国人民财产保险焦作市分公司");
    expect(byLabel.get("三、（一）")!.title).toBe("加强组织领导，强化责任落实");
    expect(byLabel.get("三、（一）")!.units).toEqual(["市脱贫攻坚领导小组各成员单位", "各县市区党委政府"]);
    // a task of several paragraphs keeps them all; what follows the last task (附表) is not part of it
    expect(byLabel.get("二、（二）1.")!.paragraph).toContain("加快推进电商扶贫");
    expect(byLabel.get("二、（二）1.")!.paragraph).toContain("加快推进科技扶贫");
    expect(byLabel.get("三、（九）")!.paragraph).not.toContain("附表");
    // principles without a bracket are no tasks
    expect(tasks.some((t) => t.title.startsWith("坚持现行标准"))).toBe(false);
  });
});

describe("other plan shapes", () => {
  it("a plan numbered 一、 1、 （1） with 牵头/配合 brackets, half-width brackets and a block of two tasks", () => {
    const plan = [
      "某市义务教育薄弱环节改善实施方案",
      "一、工作目标",
      "到2022年底，全面改善薄弱学校办学条件。",
      "二、重点任务",
      "1、改善办学条件。",
      "（1）实施校舍改造工程，2021年完成改造学校30所。（市教育局牵头，市财政局、市住房和城乡建设局配合）",
      "（2）配齐教学仪器设备。(牵头单位：市教育局；配合单位：市财政局)",
      "2、加强教师队伍建设。",
      "补充乡村教师，落实乡村教师生活补助。（市人力资源和社会保障局负责）",
      "开展教师全员培训，每年培训5000人次。（市教育局负责）",
      "三、保障措施",
      "各地要高度重视，加强组织领导。",
    ].join("\n");
    const known = new Set(["市住房和城乡建设局", "市人力资源和社会保障局", "市财政局", "市教育局"]);
    const tasks = parsePlan(plan, (n) => known.has(n));
    expect(tasks.map((t) => [t.label, t.title, t.units])).toEqual([
      ["二、1.（1）", "实施校舍改造工程，2021年完成改造学校30所", ["市教育局", "市财政局", "市住房和城乡建设局"]],
      ["二、1.（2）", "配齐教学仪器设备", ["市教育局", "市财政局"]],
      ["二、2.（第1项）", "加强教师队伍建设", ["市人力资源和社会保障局"]],
      ["二、2.（第2项）", "开展教师全员培训，每年培训5000人次", ["市教育局"]],
    ]);
    expect(tasks[2].paragraph).toBe("2、加强教师队伍建设。\n补充乡村教师，落实乡村教师生活补助。（市人力资源和社会保障局负责）");
  });

  it("a plan with tasks directly under 一、, 责任单位 brackets, nested brackets and full-width spaces", () => {
    const plan = [
      "\u3000\u3000一、强化饮水安全保障。完成农村饮水安全巩固提升工程。（责任单位：市水利局、市卫生健康委员会，各县（市）区人民政府）",
      "\u3000\u3000二、推进农村公路建设。",
      "\u3000\u3000实现具备条件的建制村通客车。（市交通运输局及各县（市）区人民政府负责）。",
      "\u3000\u3000三、加强监督考核（详见附件）",
    ].join("\r\n");
    const tasks = parsePlan(plan);
    expect(tasks.map((t) => [t.label, t.title, t.units])).toEqual([
      ["一、", "强化饮水安全保障", ["市水利局", "市卫生健康委员会", "各县（市）区人民政府"]],
      ["二、", "推进农村公路建设", ["市交通运输局", "各县（市）区人民政府"]],
    ]);
  });
});
