import { describe, expect, it } from "vitest";
import { together } from "./together";

describe("together", () => {
  it("returns every result in order", async () => {
    const [a, b] = await together(Promise.resolve(1), new Promise<string>((r) => setTimeout(() => r("two"), 5)));
    expect([a, b]).toEqual([1, "two"]);
  });
  it("fails with the first error only after every statement has finished", async () => {
    let slowFinished = false;
    const slow = new Promise<void>((r) => setTimeout(() => ((slowFinished = true), r()), 20));
    await expect(together(Promise.reject(new Error("first")), slow)).rejects.toThrow("first");
    expect(slowFinished).toBe(true);
  });
});
