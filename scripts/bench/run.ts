/**
 * npm run bench — builds nothing itself (scripts/bench.sh builds first); for each size it makes (or reuses)
 * a synthetic database, starts the production server and a "floor" server on loopback, drives load with
 * autocannon, and prints and appends the results to docs/benchmarks/results.md.
 *
 *   npm run bench                       city and province
 *   npm run bench -- --sizes city,province,ten
 *   npm run bench -- --regen            make the databases afresh
 *   npm run bench -- --writes-only --no-record   only the write scenario, nothing appended to results.md
 *   npm run bench -- --imports-only --sizes city  only the import scenario (hostile sheets refused while reads go on)
 *   npm run bench -- --only 待我办理 --no-record  only the read scenarios whose name contains the text (no writes)
 *   npm run bench -- --sizes city,province,ten --reuse-only   ten provinces too, only where its data is already on
 *                                       disk (generating it takes about an hour and 25 GB); BENCH_DATA_DIR: where
 *                                       the databases are kept (default data/)
 *
 * Each read scenario is measured with one connection (a single user's latency) and with 50 (page and floor).
 */
import autocannon from "autocannon";
import { spawn, type ChildProcess } from "node:child_process";
import { request as httpRequest } from "node:http";
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parseArgs } from "node:util";
import { sql } from "kysely";
import { migrateToLatest, openDatabase } from "../../db/client";
import { generate, SIZES, type GenerateReport } from "./generate";

const { values } = parseArgs({
  options: {
    sizes: { type: "string", default: "city,province" },
    regen: { type: "boolean", default: false },
    seconds: { type: "string", default: "8" },
    "generate-only": { type: "boolean", default: false },
    "writes-only": { type: "boolean", default: false },
    "imports-only": { type: "boolean", default: false },
    "no-record": { type: "boolean", default: false },
    only: { type: "string", default: "" },
    "reuse-only": { type: "boolean", default: false },
  },
});
const SECONDS = Math.max(2, Math.min(60, Number(values.seconds) || 8));
// BENCH_APP_PORT: another port when several benchmarks share a machine (the floor server uses the next one)
const APP_PORT = Number(process.env.BENCH_APP_PORT) || 3400;
const FLOOR_PORT = APP_PORT + 1;
const GENERATOR_VERSION = "1";

interface Row {
  size: string;
  scenario: string;
  target: "page" | "floor";
  requests: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
  rssMb: number | null;
  /** the page with one connection (a single user): p50 and p95 ms */
  single?: { p50: number; p95: number };
  /** the server's CPU time (every thread) per completed request under load, ms: steadier than latency on a shared machine */
  cpuMs?: number | null;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function waitFor(url: string, timeoutMs = 120_000): Promise<void> {
  const start = Date.now();
  for (;;) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {}
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${url}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

function peakRssMb(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const m = /VmHWM:\s+(\d+) kB/.exec(status);
    return m ? Math.round(Number(m[1]) / 1024) : null;
  } catch {
    return null;
  }
}

/** CPU seconds (user + system, every thread) a process has used so far, from /proc; null where unreadable. */
function cpuSeconds(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").replace(/^.*\) /, "").split(" ");
    // fields 14 and 15 of stat (utime, stime), counted from the state field (3) after the command name
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

function start(command: string, args: string[], env: Record<string, string>): ChildProcess {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ["ignore", "ignore", "inherit"] });
  return child;
}

async function login(base: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${base}/login`, {
    method: "POST",
    body: new URLSearchParams({ username, password }),
    headers: { "content-type": "application/x-www-form-urlencoded" },
    redirect: "manual",
  });
  const cookie = res.headers.get("set-cookie");
  if (res.status !== 302 || !cookie) throw new Error(`login failed for ${username}: ${res.status}`);
  return cookie.split(";")[0];
}

/** Runs one load with autocannon, recording every response time for exact percentiles. */
async function load(opts: {
  url: string;
  cookie?: string;
  connections: number;
  method?: string;
  /** for writes: each request's path and form body */
  bodies?: () => { path: string; body: string };
  amount?: number;
}) {
  const times: number[] = [];
  let errors = 0;
  let non2xx = 0;
  const statuses: Record<number, number> = {};
  const instance = autocannon({
    url: opts.url,
    connections: opts.connections,
    ...(opts.amount ? { amount: opts.amount } : { duration: SECONDS }),
    method: (opts.method ?? "GET") as "GET",
    headers: {
      ...(opts.cookie ? { cookie: opts.cookie } : {}),
      ...(opts.bodies ? { "content-type": "application/x-www-form-urlencoded", origin: new URL(opts.url).origin } : {}),
    },
    requests: opts.bodies ? [{ setupRequest: (req: any) => ({ ...req, ...opts.bodies!() }) }] : undefined,
    timeout: 30,
  });
  instance.on("response", (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
    times.push(responseTime);
    statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
    if (statusCode >= 400) non2xx++;
  });
  instance.on("reqError", () => errors++);
  const result: any = await instance;
  times.sort((a, b) => a - b);
  return {
    requests: times.length,
    rps: Math.round(times.length / (result.duration || SECONDS)),
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    p99: percentile(times, 99),
    errors: errors + non2xx + (result.timeouts ?? 0),
    statuses,
  };
}

async function prepare(sizeName: string): Promise<{ path: string; info: GenerateReport }> {
  const size = SIZES[sizeName];
  if (!size) throw new Error(`unknown size ${sizeName}`);
  const path = resolve(process.env.BENCH_DATA_DIR || "data", `bench-${sizeName}.db`);
  mkdirSync(dirname(path), { recursive: true });
  const key = JSON.stringify({ size, GENERATOR_VERSION });
  if (existsSync(path) && !values.regen) {
    const db = openDatabase(path);
    try {
      await migrateToLatest(db);
      const row = await db.selectFrom("settings").select("value").where("key", "=", "bench_generated").executeTakeFirst();
      if (row) {
        const saved = JSON.parse(row.value);
        if (saved.key === key) return { path, info: saved.info };
      }
    } finally {
      await db.destroy();
    }
  }
  for (const suffix of ["", "-wal", "-shm"]) rmSync(path + suffix, { force: true });
  console.log(`生成 ${sizeName} 规模的数据 …`);
  const db = openDatabase(path);
  try {
    await migrateToLatest(db);
    const info = await generate(db, size);
    await db
      .insertInto("settings")
      .values({ key: "bench_generated", value: JSON.stringify({ key, info }), updated_at: new Date().toISOString() })
      .execute();
    await sql`pragma wal_checkpoint(truncate)`.execute(db);
    console.log(`  ${info.inquiries} 项询问，${info.exchanges} 组问答，${info.items} 项整改事项，${info.progressReports} 条进展，用时 ${info.seconds} 秒`);
    return { path, info };
  } finally {
    await db.destroy();
  }
}

export interface Scenario {
  name: string;
  /** path on the app, and the floor path serving the same SQL */
  page: string;
  floor: string;
  as: "staff" | "admin" | "department" | "anonymous";
}

async function runSize(sizeName: string): Promise<Row[]> {
  const { path, info } = await prepare(sizeName);
  const rows: Row[] = [];
  // the same environment for both; the thread pool size is the production server's default (server.mjs)
  const env = { XUNWEN_DB_PATH: path, HOST: "127.0.0.1", NODE_ENV: "production", XUNWEN_DISABLE_JOBS: "1", UV_THREADPOOL_SIZE: "16" };
  // BENCH_APP_NODE_ARGS: extra node flags for the app server, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"
  const appArgs = (process.env.BENCH_APP_NODE_ARGS ?? "").split(" ").filter(Boolean);
  const app = start(process.execPath, [...appArgs, "server.mjs"], { ...env, PORT: String(APP_PORT) });
  const floor = start(process.execPath, ["--import", "tsx", "scripts/bench/floor.ts"], { ...env, PORT: String(FLOOR_PORT) });
  try {
    const appBase = `http://127.0.0.1:${APP_PORT}`;
    const floorBase = `http://127.0.0.1:${FLOOR_PORT}`;
    await waitFor(`${appBase}/healthz`);
    await waitFor(`${floorBase}/healthz`);
    const cookies: Record<Scenario["as"], string> = {
      staff: await login(appBase, "bench1", "xunwen-bench-Pass1"),
      // the administrator manages every inquiry: the staff queue's largest case
      admin: await login(appBase, "bench0", "xunwen-bench-Pass1"),
      department: await login(appBase, info.sample.departmentUsername, "xunwen-bench-Pass1"),
      anonymous: "",
    };
    const { scenarios } = await import("./scenarios");
    if (!values["writes-only"] && !values.only) rows.push(...(await importScenario(sizeName, appBase, cookies.staff, info, app.pid)));
    if (values["imports-only"]) return rows;
    for (const s of values["writes-only"] ? [] : scenarios(info).filter((x) => !values.only || x.name.includes(values.only))) {
      // a single user first: one connection, one request at a time
      const one = await load({ url: appBase + s.page, cookie: cookies[s.as] || undefined, connections: 1 });
      console.log(`  ${sizeName} ${s.name} 1 连接: p50 ${ms(one.p50)} ms, p95 ${ms(one.p95)} ms, ${one.rps}/s, 错误 ${one.errors}`);
      for (const target of ["page", "floor"] as const) {
        const url = target === "page" ? appBase + s.page : floorBase + s.floor;
        const cpuBefore = cpuSeconds(target === "page" ? app.pid : floor.pid);
        const r = await load({ url, cookie: cookies[s.as] || undefined, connections: 50 });
        const cpuAfter = cpuSeconds(target === "page" ? app.pid : floor.pid);
        const cpuMs = cpuBefore !== null && cpuAfter !== null && r.requests > 0 ? ((cpuAfter - cpuBefore) * 1000) / r.requests : null;
        rows.push({
          size: sizeName,
          scenario: s.name,
          target,
          ...r,
          errors: r.errors + (target === "page" ? one.errors : 0),
          rssMb: target === "page" ? peakRssMb(app.pid) : null,
          cpuMs,
          ...(target === "page" ? { single: { p50: one.p50, p95: one.p95 } } : {}),
        });
        console.log(`  ${sizeName} ${s.name} ${target}: p50 ${ms(r.p50)} ms, p95 ${ms(r.p95)} ms, p99 ${ms(r.p99)} ms, ${r.rps}/s, CPU ${cpuMs === null ? "?" : cpuMs.toFixed(2)} ms/请求, 错误 ${r.errors}`);
      }
    }
    // writes: 200 connections submitting progress reports at once; each body carries a unique marker.
    // Targets: the sample department's open items in inquiries still in rectification (reports on others are
    // refused, rightly, and would count as errors).
    if (values.only) return rows;
    const { progressWrite } = await import("./scenarios");
    const write = progressWrite(info);
    const runId = `BENCH${Date.now().toString(36)}`;
    let n = 0;
    const targetsDb = openDatabase(path);
    const itemIds = (
      await targetsDb
        .selectFrom("rectification_items as i")
        .innerJoin("inquiries as q", "q.id", "i.inquiry_id")
        .select("i.id")
        .where("i.lead_department_id", "=", info.sample.departmentId)
        .where("i.status", "in", ["todo", "in_progress"])
        .where("q.stage", "=", "rectification")
        .orderBy("i.id")
        .limit(500)
        .execute()
    ).map((r) => r.id);
    await targetsDb.destroy();
    if (itemIds.length === 0) throw new Error("no open items to report progress on");
    const writeCpuBefore = cpuSeconds(app.pid);
    const r = await load({
      url: appBase + write.path(itemIds[0]),
      cookie: cookies.department,
      connections: 200,
      method: "POST",
      amount: 3000,
      bodies: () => {
        const i = n++;
        return { path: write.path(itemIds[i % itemIds.length]), body: write.body(`${runId}-${i}`) };
      },
    });
    const writeCpuAfter = cpuSeconds(app.pid);
    const writeCpuMs = writeCpuBefore !== null && writeCpuAfter !== null && r.requests > 0 ? ((writeCpuAfter - writeCpuBefore) * 1000) / r.requests : null;
    console.log(`  写入：每秒 ${r.rps} 条，服务器 CPU ${writeCpuMs === null ? "?" : writeCpuMs.toFixed(2)} ms/条`);
    rows.push({ size: sizeName, scenario: "200 连接并发提交整改进展", target: "page", ...r, rssMb: peakRssMb(app.pid), cpuMs: writeCpuMs });
    const db = openDatabase(path);
    try {
      const stored = await sql<{ n: number; d: number }>`select count(*) as n, count(distinct body_text) as d from progress_reports where body_text like ${`%${runId}-%`}`.execute(db);
      const acked = r.statuses[302] ?? 0;
      console.log(`  写入：确认 ${acked} 条，数据库中 ${stored.rows[0].n} 条（去重 ${stored.rows[0].d} 条），错误 ${r.errors}`);
      rows[rows.length - 1].scenario += `（确认 ${acked}，入库 ${stored.rows[0].n}，重复 ${stored.rows[0].n - stored.rows[0].d}）`;
    } finally {
      await db.destroy();
    }
  } finally {
    app.kill("SIGTERM");
    floor.kill("SIGTERM");
  }
  return rows;
}

/** One POST on its own connection; resolves to the status and body. */
function postOnce(url: string, body: Buffer, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((done, fail) => {
    const req = httpRequest(url, { method: "POST", agent: false, headers: { ...headers, "content-length": String(body.length) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => done({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", fail);
    });
    req.on("error", fail);
    req.end(body);
  });
}

/**
 * Posts each hostile sheet three times while 10 connections keep reading the ledger; records how long each
 * refusal took (the longest of the three) and the reads' latencies meanwhile. Every upload must end in 400
 * with the refusal shown on the page.
 */
async function importScenario(sizeName: string, appBase: string, cookie: string, info: GenerateReport, pid: number | undefined): Promise<Row[]> {
  const { importFiles } = await import("./scenarios");
  const plan = importFiles(info);
  const rows: Row[] = [];
  for (const file of plan.files) {
    const reads = load({ url: appBase + plan.readPage, cookie, connections: 10 });
    const times: number[] = [];
    let wrong = 0;
    for (let i = 0; i < 3; i++) {
      const form = new FormData();
      form.set("sheet", new Blob([new Uint8Array(file.bytes)], { type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" }), "整改事项.xlsx");
      // encoded before the clock starts; sent on a fresh connection (an idle keep-alive socket the server
      // closes just then would fail the upload with EPIPE, which says nothing about the import)
      const encoded = new Request(appBase, { method: "POST", body: form });
      const payload = Buffer.from(await encoded.arrayBuffer());
      const t0 = performance.now();
      try {
        const res = await postOnce(appBase + plan.path, payload, { cookie, "content-type": encoded.headers.get("content-type") ?? "" });
        const body = res.body;
        if (res.status !== 400 || !body.includes("import-errors")) {
          wrong++;
          console.log(`    ${file.name}: 未按预期拒绝（${res.status}）${body.slice(0, 200)}`);
        }
      } catch (error) {
        // the server answered before reading the whole upload (e.g. a redirect to sign in) and closed
        wrong++;
        console.log(`    ${file.name}: 上传中断（${(error as { cause?: { code?: string } }).cause?.code ?? String(error)}）`);
      }
      times.push(performance.now() - t0);
    }
    const r = await reads;
    const refusal = Math.max(...times);
    const name = `导入：${file.name}（${(file.bytes.length / 1024).toFixed(0)} KB，拒绝最长 ${ms(refusal)} ms${wrong ? `，${wrong} 次未按预期拒绝` : ""}）期间的台账读取`;
    rows.push({ size: sizeName, scenario: name, target: "page", ...r, errors: r.errors + wrong, rssMb: peakRssMb(pid) });
    console.log(`  ${sizeName} ${name}: p50 ${ms(r.p50)} ms, p95 ${ms(r.p95)} ms, p99 ${ms(r.p99)} ms, ${r.rps}/s, 错误 ${r.errors + wrong}`);
  }
  return rows;
}

const ms = (n: number) => (n >= 100 ? Math.round(n).toString() : n.toFixed(1));

/** How each scenario's page p95 grew from the first size to the others (the issue asks for < 3×). */
function growth(rows: Row[]): string {
  const sizes = [...new Set(rows.map((r) => r.size))];
  if (sizes.length < 2) return "";
  const base = sizes[0];
  const lines = [`| 场景 | ${sizes.map((s) => `${s} p95 ms`).join(" | ")} | ${sizes.slice(1).map((s) => `${s}/${base}`).join(" | ")} |`, `|---|${sizes.map(() => "---").join("|")}|${sizes.slice(1).map(() => "---").join("|")}|`];
  for (const r of rows.filter((x) => x.size === base && x.target === "page")) {
    const name = r.scenario.replace(/（确认.*$/, "");
    const others = sizes.map((s) => rows.find((x) => x.size === s && x.target === "page" && x.scenario.replace(/（确认.*$/, "") === name));
    lines.push(`| ${name} | ${others.map((o) => (o ? ms(o.p95) : "")).join(" | ")} | ${others.slice(1).map((o) => (o && r.p95 > 0 ? `${(o.p95 / r.p95).toFixed(2)}×` : "")).join(" | ")} |`);
  }
  return lines.join("\n");
}

function table(rows: Row[]): string {
  const lines = [
    "| 规模 | 场景 | 对象 | 1 连接 p50 ms | 1 连接 p95 ms | 请求数 | 每秒 | p50 ms | p95 ms | p99 ms | 错误 | 峰值 RSS MB | 页面/底线 p95 | CPU ms/请求 |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
  ];
  for (const r of rows) {
    const floor = rows.find((f) => f.size === r.size && f.scenario === r.scenario && f.target === "floor");
    const ratio = r.target === "page" && floor && floor.p95 > 0 ? (r.p95 / floor.p95).toFixed(2) : "";
    lines.push(`| ${r.size} | ${r.scenario} | ${r.target === "page" ? "页面" : "底线"} | ${r.single ? ms(r.single.p50) : ""} | ${r.single ? ms(r.single.p95) : ""} | ${r.requests} | ${r.rps} | ${ms(r.p50)} | ${ms(r.p95)} | ${ms(r.p99)} | ${r.errors} | ${r.rssMb ?? ""} | ${ratio} | ${r.cpuMs == null ? "" : r.cpuMs.toFixed(2)} |`);
  }
  return lines.join("\n");
}

/**
 * Every scenario against the targets of issue 19: one connection p95 ≤ 50 ms (and ≤ 1.5× the city figure at the
 * larger sizes); 50 connections p95 ≤ 250 ms and page/floor ≤ 2 at province size and above; writes ≥ 300/s with
 * none lost or duplicated; peak RSS ≤ 300 MB.
 */
function targets(rows: Row[]): string {
  const yes = (ok: boolean) => (ok ? "是" : "否");
  const lines = ["| 规模 | 场景 | 1 连接 p95 ≤ 50 ms | ≤ 1.5× city | 50 连接 p95 ≤ 250 ms | 页面/底线 ≤ 2 | 写入 ≥ 300/s，无丢失无重复 | 峰值 RSS ≤ 300 MB |", "|---|---|---|---|---|---|---|---|"];
  for (const r of rows.filter((x) => x.target === "page")) {
    const floor = rows.find((f) => f.size === r.size && f.scenario === r.scenario && f.target === "floor");
    const city = rows.find((c) => c.size === "city" && c.target === "page" && c.scenario === r.scenario);
    const big = r.size !== "city";
    const write = /确认 (\d+)，入库 (\d+)，重复 (\d+)/.exec(r.scenario);
    const cells = write
      ? ["", "", "", "", `${yes(r.rps >= 300 && r.errors === 0 && write[1] === write[2] && write[3] === "0")}（${r.rps}/s）`]
      : [
          r.single ? `${yes(r.single.p95 <= 50)}（${ms(r.single.p95)}）` : "",
          big && r.single && city?.single ? `${yes(r.single.p95 <= 1.5 * city.single.p95)}（${(r.single.p95 / city.single.p95).toFixed(2)}×）` : "",
          big && floor ? `${yes(r.p95 <= 250)}（${ms(r.p95)}）` : "",
          big && floor && floor.p95 > 0 ? `${yes(r.p95 / floor.p95 <= 2)}（${(r.p95 / floor.p95).toFixed(2)}）` : "",
          "",
        ];
    lines.push(`| ${r.size} | ${r.scenario} | ${cells.join(" | ")} | ${r.rssMb === null ? "" : `${yes(r.rssMb <= 300)}（${r.rssMb}）`} |`);
  }
  return lines.join("\n");
}

const sizes = (values.sizes ?? "").split(",").filter(Boolean).filter((size) => {
  if (!values["reuse-only"] || existsSync(resolve(process.env.BENCH_DATA_DIR || "data", `bench-${size}.db`))) return true;
  console.log(`跳过 ${size}：数据不在磁盘上（--reuse-only 不生成数据）`);
  return false;
});
if (values["generate-only"]) {
  for (const size of sizes) await prepare(size);
  process.exit(0);
}
const all: Row[] = [];
for (const size of sizes) all.push(...(await runSize(size)));
const grown = growth(all);
const output = table(all) + (grown ? `\n\n页面 p95 随数据量的增长：\n\n${grown}` : "") + `\n\n对照目标（issue 19）：\n\n${targets(all)}`;
console.log(`\n${output}\n`);
mkdirSync("docs/benchmarks", { recursive: true });
if (!values["no-record"]) appendFileSync(
  "docs/benchmarks/results.md",
  `\n## ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC（每场景 ${SECONDS} 秒，50 个连接；2 核）\n\n${output}\n`,
);
if (!values["no-record"]) console.log("结果已追加到 docs/benchmarks/results.md");
