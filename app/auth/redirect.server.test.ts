import { describe, expect, it } from "vitest";
import { safeRedirect } from "./session.server";

describe("safeRedirect (issue 16: open redirect after sign-in)", () => {
  it("follows paths of this site, re-serialised", () => {
    expect(safeRedirect("/inquiries/1?tab=a#x")).toBe("/inquiries/1?tab=a#x");
    expect(safeRedirect("/search?q=健康")).toBe("/search?q=%E5%81%A5%E5%BA%B7");
    expect(safeRedirect("/")).toBe("/");
  });

  it.each([
    ["/\t/evil.example/"],
    ["/\n/evil.example/"],
    ["/\r\n/x"],
    ["/\n/x"],
    ["//evil.example/"],
    ["/\\evil.example/"],
    ["/%09/evil.example/"],
    ["/a/..//evil.example/"],
    ["https://evil.example/"],
    ["javascript:alert(1)"],
    [" /x"],
    ["evil.example"],
    [""],
    ["/\u0000/x"],
    ["/" + "a".repeat(3000)],
  ])("sends %j home", (to) => {
    const result = safeRedirect(to);
    // whatever comes back is a same-origin path and a valid header value
    expect(new URL(result, "http://site.invalid").origin).toBe("http://site.invalid");
    expect(() => new Headers({ Location: result })).not.toThrow();
    if (to !== "/%09/evil.example/") expect(result).toBe("/");
  });

  it("keeps an encoded TAB as an ordinary path of this site", () => {
    expect(safeRedirect("/%09/evil.example/")).toBe("/%09/evil.example/");
  });

  it("sends non-strings home", () => {
    expect(safeRedirect(null)).toBe("/");
    expect(safeRedirect(undefined)).toBe("/");
  });
});
