// Route matching once per route tree, not once per request (issue 19; docs/decisions/0191-route-matching-cache.md).
//
// @remix-run/router 1.23 (Remix 2.17's router) flattens and ranks the whole route tree and compiles a regular
// expression for every route path on each call of matchRoutes, and the server calls it at least twice per
// request: about 15 % of the server's CPU under load (docs/benchmarks/profiles.md). Both results depend only on
// the route tree (built once at start in production) and the path, so this keeps them: the ranked branches per
// routes array (a WeakMap, so a rebuilt tree is flattened afresh) and the compiled matcher per (path, case,
// end). The router's CommonJS source is adjusted as Node loads it, in memory (node_modules is never written);
// if the expected text is not there (another router version), the router loads unchanged with a warning.
import Module from "node:module";

const ROUTER_FILE = /[\\/]@remix-run[\\/]router[\\/]dist[\\/]router\.cjs\.js$/;
const FLATTEN = "let branches = flattenRoutes(routes);\n  rankRouteBranches(branches);";
const COMPILE = "function compilePath(path, caseSensitive, end) {";

const CACHE_CODE = `
const __xunwenBranches = new WeakMap();
function __xunwenRankedBranches(routes) {
  let branches = __xunwenBranches.get(routes);
  if (!branches) {
    branches = flattenRoutes(routes);
    rankRouteBranches(branches);
    __xunwenBranches.set(routes, branches);
  }
  return branches;
}
const __xunwenCompiled = new Map();
function compilePath(path, caseSensitive, end) {
  const key = (caseSensitive ? "1" : "0") + (end === false ? "0" : "1") + path;
  let compiled = __xunwenCompiled.get(key);
  if (!compiled) {
    compiled = __xunwenCompilePathUncached(path, caseSensitive, end);
    // route paths are few; a bound keeps odd callers from growing it without end
    if (__xunwenCompiled.size < 5000) __xunwenCompiled.set(key, compiled);
  }
  return compiled;
}
`;

/** The router's source with both caches, or null when it is not the text this was written for. */
export function patchRouterSource(source) {
  if (!source.includes(FLATTEN) || source.split(COMPILE).length !== 2) return null;
  return (
    source
      .replace(FLATTEN, "let branches = __xunwenRankedBranches(routes);")
      .replace(COMPILE, "function __xunwenCompilePathUncached(path, caseSensitive, end) {") + CACHE_CODE
  );
}

const compile = Module.prototype._compile;
Module.prototype._compile = function (content, filename) {
  if (ROUTER_FILE.test(filename)) {
    const patched = patchRouterSource(content);
    if (patched) content = patched;
    else console.warn("route-match-cache: @remix-run/router 的代码与预期不同，路由匹配不做缓存");
  }
  return compile.call(this, content, filename);
};
