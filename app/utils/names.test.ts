import { describe, expect, it } from "vitest";
import { itemNumber, itemTitle, personName } from "./names";

describe("people and items are named for readers (issue 17)", () => {
  it("personName drops the login id a stored actor label carries", () => {
    expect(personName("刘静（staff）")).toBe("刘静");
    expect(personName("王主任(health_01)")).toBe("王主任");
    expect(personName("市卫生健康委员会（联络员）")).toBe("市卫生健康委员会（联络员）");
    expect(personName("系统")).toBe("系统");
    expect(personName("")).toBe("—");
    expect(personName(null)).toBe("—");
  });

  it("itemTitle is the problem's first line, cut with an ellipsis", () => {
    expect(itemTitle("部分乡镇卫生院缺少全科医生\n详见附件")).toBe("部分乡镇卫生院缺少全科医生");
    expect(itemTitle("甲".repeat(50), 40)).toBe(`${"甲".repeat(40)}…`);
    expect(itemTitle("𠀀".repeat(5), 3)).toBe("𠀀𠀀𠀀…");
    expect(itemTitle("  ")).toBe("整改事项");
    expect(itemNumber(4)).toBe("第 4 项");
  });
});
