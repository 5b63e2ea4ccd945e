import { describe, expect, it } from "vitest";
import { formatPercent, percentOf } from "./percent";

describe("percentOf (issue 15.6)", () => {
  it("shows 100% only when all are done: 199 of 200 is 99%, not 100%", () => {
    expect(percentOf(199, 200)).toBe(99);
    expect(formatPercent(199, 200)).toBe("99%");
    expect(percentOf(200, 200)).toBe(100);
    expect(percentOf(999, 1000, 1)).toBe(99.9);
    expect(percentOf(1999, 2000, 1)).toBe(99.9);
  });
  it("rounds down elsewhere too, exactly where the share is whole, and 0 for nothing", () => {
    expect(percentOf(1, 3)).toBe(33);
    expect(percentOf(2, 3)).toBe(66);
    expect(percentOf(29, 100)).toBe(29);
    expect(percentOf(57, 100)).toBe(57);
    expect(percentOf(1, 3, 1)).toBe(33.3);
    expect(percentOf(0, 0)).toBe(0);
    expect(percentOf(0, 5)).toBe(0);
    expect(percentOf(1, 1000)).toBe(0);
  });
});

describe("every share shown uses it (issue 15.6)", () => {
  it("the ledger's progress bar: 199 of 200 closed reads 99% with a bar short of full", async () => {
    const { createElement } = await import("react");
    const { renderToStaticMarkup } = await import("react-dom/server");
    const { ProgressBar } = await import("../rectification/components");
    const html = renderToStaticMarkup(createElement(ProgressBar, { closed: 199, total: 200, carriedOver: 0 }));
    expect(html).toContain("（99%）");
    expect(html).toContain("width:99%");
    expect(html).not.toContain("100%");
    const all = renderToStaticMarkup(createElement(ProgressBar, { closed: 200, total: 200, carriedOver: 0 }));
    expect(all).toContain("（100%）");
  });

  it("one decimal (vote results): 1,999 of 2,000 is 99.9%, never 100%", () => {
    expect(percentOf(199, 200, 1)).toBe(99.5);
    expect(percentOf(1999, 2000, 1)).toBe(99.9);
  });
});
