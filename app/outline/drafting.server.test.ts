import { describe, expect, it } from "vitest";
import { computeCoverage, loadOutline, sourceOptions } from "./drafting.server";
import { useOutlineWorld } from "./test-helpers";

describe("the outline against the database", () => {
  const w = useOutlineWorld();

  it("coverage: questions per department and questioner, departments without a question, unused findings", async () => {
    await w.buildOutline();
    const outline = await loadOutline(w.t.db, w.inquiryId);
    const responding = [
      { id: w.health, name: "市卫生健康委员会" },
      { id: w.education, name: "市教育局" },
      { id: w.water, name: "市水利局" },
      { id: w.other, name: "市交通运输局" },
    ];
    const c = computeCoverage(outline, responding, await sourceOptions(w.t.db, w.inquiryId));
    expect(c.byDepartment.map((d) => [d.name, d.count])).toEqual([["市卫生健康委员会", 2], ["市教育局", 2], ["市水利局", 1]]);
    expect(c.departmentsWithout.map((d) => d.name)).toEqual(["市交通运输局"]);
    expect(c.byQuestioner).toEqual(
      expect.arrayContaining([
        { label: "待定", hasAccount: false, count: 3 },
        { label: "市人大常委会委员 马爱国", hasAccount: true, count: 1 },
        { label: "市人大代表 杨应芬", hasAccount: false, count: 1 },
      ]),
    );
    expect(c.unusedFindings.map((f) => f.label)).toEqual(["饮水难"]);
    expect(c.questions).toBe(5);
  });
});
