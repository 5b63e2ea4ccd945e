import { describe, expect, it } from "vitest";
import { z } from "zod";
import { idField, idListField, optionalIdField, parseDecimalInt, parseId, versionField } from "./ids";

describe("the shared id parser (issue 16)", () => {
  it("takes plain decimal digits only", () => {
    expect(["1", "12", "9007199254740"].map(parseId)).toEqual([1, 12, 9007199254740]);
    for (const bad of ["0x10", "1e3", "+1", "-1", " 1 ", "1 ", "1.0", "01", "0", "", "１２", "Infinity", "NaN", "1_000", "0b1", "0o7", "99999999999999999"]) {
      expect(parseId(bad), bad).toBeNull();
    }
    expect(parseId(5)).toBe(5);
    expect(parseId(5.5)).toBeNull();
    expect(parseId(null)).toBeNull();
    expect(parseDecimalInt("0")).toBe(0);
  });

  it("refuses 0x10 and friends in form schemas with the given Chinese message", () => {
    const schema = z.object({ id: idField("请选择应询部门"), org: optionalIdField("所选单位不存在"), version: versionField(), ids: idListField() });
    expect(schema.parse({ id: "16", org: "", version: "3", ids: ["1", "2"] })).toEqual({ id: 16, org: null, version: 3, ids: [1, 2] });
    const bad = schema.safeParse({ id: "0x10", org: "1e3", version: "+1", ids: "0x2" });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((i) => [i.path[0], i.message])).toEqual([
      ["id", "请选择应询部门"],
      ["org", "所选单位不存在"],
      ["version", "请求无效，请刷新页面后重试"],
      ["ids", "请求无效，请刷新页面后重试"],
    ]);
  });
});
