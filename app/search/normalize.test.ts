import { describe, expect, it } from "vitest";
import { bigrams, foldClusters, foldForSearch, indexGrams, searchRuns, stripZeroWidth, ZERO_WIDTH_CHARACTERS } from "./normalize";

describe("foldForSearch (issue 15 item 2)", () => {
  it("folds full-width letters and digits, case, and drops zero-width characters", () => {
    expect(foldForSearch("ＰＰＰ项目融资监管不到位，２０２６年第３季度前完成清理。")).toBe("ppp项目融资监管不到位,2026年第3季度前完成清理。");
    expect(foldForSearch("PPP项目")).toBe(foldForSearch("ＰＰＰ项目"));
    expect(foldForSearch("农村饮\u200B水安全工程")).toBe("农村饮水安全工程");
    for (const zw of ZERO_WIDTH_CHARACTERS) expect(foldForSearch(`饮${zw}水`)).toBe("饮水");
    expect(stripZeroWidth("a\u200Db\uFEFFc\u00ADd")).toBe("abcd");
  });
  it("index and query share the grams: the query's pieces are substrings of the indexed ones", () => {
    const grams = indexGrams("ＰＰＰ项目融资监管不到位，２０２６年第３季度前完成清理。").split(" ");
    for (const q of ["ＰＰＰ项目", "PPP项目", "ppp", "２０２６年", "2026年"]) {
      const phrase = searchRuns(foldForSearch(q)).flatMap(bigrams);
      const at = grams.findIndex((_, i) => phrase.every((g, j) => grams[i + j] === g));
      expect(at, q).toBeGreaterThanOrEqual(0);
    }
  });
  it("never splits a surrogate pair or an emoji sequence", () => {
    expect(bigrams("😀医")).toEqual(["😀医"]);
    const clusters = [...foldClusters("a👨‍👩‍👧b\u200B")].map((c) => c.text);
    expect(clusters).toEqual(["a", "👨‍👩‍👧", "b", "\u200B"]);
    expect([...foldClusters("\u200B")][0].folded).toBe("");
  });
});

describe("indexGrams", () => {
  it("is the bigrams of each run of the folded text, whatever the characters", () => {
    for (const s of ["ＰＰＰ项目融资，２０２６年😀😀ab c𠀀𠀁", "农村饮\u200B水", "Ａ", "", "，。", "e\u0301te ÉTÉ"]) {
      expect(indexGrams(s), s).toBe(searchRuns(foldForSearch(s)).flatMap(bigrams).join(" "));
    }
  });
});
