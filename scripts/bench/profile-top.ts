/**
 * The top entries of a V8 CPU profile (`node --cpu-prof`, e.g. BENCH_APP_NODE_ARGS="--cpu-prof
 * --cpu-prof-dir=/tmp/prof" npm run bench -- --only 公开摘要 --no-record): self time per function (name and
 * file:line, node_modules shortened to the package), as a share of all samples, and the self time summed per
 * package or app folder. Used to record profiles before and after a change in docs/benchmarks/profiles.md.
 *
 *   npx tsx scripts/bench/profile-top.ts /tmp/prof/CPU.*.cpuprofile [--top 15] [--inclusive matchRoutes,action]
 *
 * --inclusive: the share of samples whose stack holds a function of that name (its own time and its callees').
 * Samples before the first one inside Remix's request handler (the server's start: loading modules, migrations)
 * are left out unless --no-from-first-request.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

const { values, positionals } = parseArgs({ allowPositionals: true, allowNegative: true, options: { top: { type: "string", default: "15" }, inclusive: { type: "string", default: "" }, "from-first-request": { type: "boolean", default: true } } });
const TOP = Number(values.top) || 15;

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

function where(url: string): string {
  if (!url) return "(native)";
  const nm = url.lastIndexOf("node_modules/");
  if (nm >= 0) {
    const rest = url.slice(nm + "node_modules/".length).split("/");
    return rest[0].startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith("node:")) return url;
  if (url.includes("/build/")) return "build (app)";
  return url.replace(/^file:\/\//, "").split("/").slice(-2).join("/");
}

for (const file of positionals) {
  const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  let total = 0;
  const parentOf = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);
  const inHandler = (id: number) => {
    for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) if (byId.get(at)!.callFrame.functionName === "requestHandler") return true;
    return false;
  };
  const first = values["from-first-request"] ? profile.samples.findIndex(inHandler) : 0;
  profile.samples.forEach((id, i) => {
    if (i < first) return;
    const dt = profile.timeDeltas[i] ?? 0;
    self.set(id, (self.get(id) ?? 0) + dt);
    total += dt;
  });
  const byFunction = new Map<string, number>();
  const byPlace = new Map<string, number>();
  for (const [id, t] of self) {
    const n = byId.get(id)!;
    const name = n.callFrame.functionName || "(anonymous)";
    const key = `${name} ${where(n.callFrame.url)}${n.callFrame.url ? `:${n.callFrame.lineNumber + 1}` : ""}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + t);
    const place = ["(idle)", "(program)", "(garbage collector)"].includes(name) ? name : where(n.callFrame.url);
    byPlace.set(place, (byPlace.get(place) ?? 0) + t);
  }
  const busy = total - (byPlace.get("(idle)") ?? 0);
  const pct = (t: number) => `${((100 * t) / busy).toFixed(1)} %`;
  console.log(`\n${file}: ${(total / 1e6).toFixed(1)} s sampled, ${(busy / 1e6).toFixed(1)} s busy (shares below are of busy time)\n`);
  console.log("| self | function |\n|---|---|");
  for (const [k, t] of [...byFunction].filter(([k]) => !k.startsWith("(idle)")).sort((a, b) => b[1] - a[1]).slice(0, TOP)) console.log(`| ${pct(t)} | \`${k}\` |`);
  console.log("\n| self | package / place |\n|---|---|");
  if (values.inclusive) {
    const parent = new Map<number, number>();
    for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    const names = values.inclusive.split(",").filter(Boolean);
    const within = new Map(names.map((n) => [n, 0]));
    for (const [id, t] of self) {
      const seen = new Set<string>();
      for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) seen.add(byId.get(at)!.callFrame.functionName);
      for (const n of names) if (seen.has(n)) within.set(n, within.get(n)! + t);
    }
    console.log("\n| inclusive | function |\n|---|---|");
    for (const [n, t] of within) console.log(`| ${pct(t)} | \`${n}\` |`);
  }
  for (const [k, t] of [...byPlace].filter(([k]) => k !== "(idle)").sort((a, b) => b[1] - a[1]).slice(0, TOP)) console.log(`| ${pct(t)} | ${k} |`);
}
