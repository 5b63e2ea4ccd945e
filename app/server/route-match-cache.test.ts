import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { patchRouterSource } from "../../route-match-cache.mjs";

/**
 * route-match-cache.mjs (issue 19): the router with its route tree and path matchers cached must match exactly
 * as the router itself, on every call, for a route tree shaped like the app's (layouts, index routes, params,
 * optional and splat segments, ranked alternatives).
 */
const require = createRequire(import.meta.url);
const file = require.resolve("@remix-run/router");
const source = readFileSync(file, "utf8");

function load(code: string) {
  const module = { exports: {} as Record<string, any> };
  new Function("exports", "require", "module", "__filename", "__dirname", code)(module.exports, require, module, file, "");
  return module.exports;
}

const routes = [
  {
    id: "root",
    path: "",
    children: [
      { id: "index", index: true },
      { id: "login", path: "login" },
      { id: "my", path: "my" },
      {
        id: "inquiries",
        path: "inquiries",
        children: [
          { id: "inquiries.index", index: true },
          { id: "inquiries.new", path: "new" },
          { id: "inquiry", path: ":id", children: [{ id: "inquiry.index", index: true }, { id: "ledger", path: "rectification" }, { id: "import", path: "rectification/import" }] },
        ],
      },
      { id: "item", path: "rectification/:itemId" },
      { id: "public", path: "public/inquiries/:id/:section?" },
      { id: "files", path: "files/*" },
      { id: "catchall", path: "*" },
    ],
  },
];
const paths = ["/", "/login", "/my", "/inquiries", "/inquiries/new", "/inquiries/12", "/inquiries/12/rectification", "/inquiries/12/rectification/import", "/rectification/7", "/public/inquiries/3", "/public/inquiries/3/digest", "/files/a/b.pdf", "/nothing/here", "/INQUIRIES/5", "/%E6%90%9C%E7%B4%A2"];

describe("route-match-cache", () => {
  it("applies to the installed router", () => {
    expect(patchRouterSource(source)).not.toBeNull();
  });

  it("matches every path exactly as the router does, also when the caches answer", () => {
    const original = load(source);
    const patched = load(patchRouterSource(source)!);
    const strip = (m: { route: { id: string }; params: unknown; pathname: string; pathnameBase: string }[] | null) =>
      m?.map((x) => ({ id: x.route.id, params: x.params, pathname: x.pathname, pathnameBase: x.pathnameBase })) ?? null;
    for (let round = 0; round < 2; round++) {
      for (const path of paths) expect(strip(patched.matchRoutes(routes, path)), path).toEqual(strip(original.matchRoutes(routes, path)));
    }
    expect(strip(patched.matchRoutes(routes, "/inquiries/12/rectification"))?.map((m) => m.id)).toEqual(["root", "inquiries", "inquiry", "ledger"]);
    // matchPath (called with other patterns by the app) still compiles what it is given
    expect(patched.matchPath({ path: "/a/:b", end: false }, "/a/x/y")?.params).toEqual({ b: "x" });
    expect(patched.matchPath({ path: "/a/:b", end: true }, "/a/x/y")).toBeNull();
  });

  it("refuses a router it was not written for", () => {
    expect(patchRouterSource("function matchRoutesImpl() {}")).toBeNull();
  });
});
