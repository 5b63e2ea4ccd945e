// The production server: Express in front of the Remix build. It applies the database migrations before it
// listens, caps request bodies, refuses cross-site form posts, and serves /healthz. On PostgreSQL it runs
// XUNWEN_WORKERS worker processes (node:cluster; default one per core); on SQLite always one process
// (app/live/processes.server.ts says why; docs/decisions/0181).
// first: it adjusts how the router is loaded, before anything imports it
import "./route-match-cache.mjs";
import { createRequestHandler } from "@remix-run/express";
import express from "express";
import cluster from "node:cluster";
import { availableParallelism } from "node:os";

// sqlite3 runs every statement on libuv's thread pool, where a statement waiting for its connection holds a
// thread: a larger pool keeps reads queued on one connection from starving the others (read before the pool
// starts, i.e. before the first asynchronous file, crypto or database call).
process.env.UV_THREADPOOL_SIZE ??= "16";
// React and Remix pick their production builds from NODE_ENV when the app build is imported below: every
// start command (npm start, npm run demo) serves production unless told otherwise.
process.env.NODE_ENV ??= "production";

const port = Number(process.env.PORT || 3000);
const host = process.env.HOST || "0.0.0.0";
// Upload forms may carry attachments up to 20 MB; everything else is far smaller.
const MAX_BODY_BYTES = 25 * 1024 * 1024;

import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

// XUNWEN_BUILD_DIR: where `npm run build` wrote the build (see remix.config.js); default the project folder.
const buildRoot = resolve(process.env.XUNWEN_BUILD_DIR || ".");
const build = await import(pathToFileURL(resolve(buildRoot, "build/index.js")).href);
const entry = build.entry.module;

let plan;
try {
  // settings several processes need (XUNWEN_UPLOAD_DIR on PostgreSQL), and how many processes to run
  entry.checkServerSettings(process.env);
  plan = entry.planProcesses(process.env, availableParallelism());
} catch (error) {
  console.error(`询问 Xunwen 无法启动：${error.message}`);
  process.exit(1);
}
if (cluster.isPrimary && plan.note) console.warn(plan.note);

if (cluster.isPrimary && plan.workers > 1) await superviseWorkers(plan.workers);
else await serve();

/**
 * The primary process on PostgreSQL: applies the migrations once (Kysely's Migrator also takes an advisory lock,
 * so primaries on several machines starting together migrate once), then forks the workers, which share the port
 * (node:cluster hands them connections in turn). A worker that dies is replaced; one that keeps dying at start
 * stops the server rather than looping. SIGINT/SIGTERM stop the workers, then the primary.
 */
async function superviseWorkers(count) {
  await entry.prepareDatabase();
  await entry.closeDatabase();
  let stopping = false;
  let alive = 0;
  let quickExits = 0;
  const fork = () => {
    const worker = cluster.fork();
    worker.startedAt = Date.now();
    alive++;
  };
  cluster.on("exit", (worker, code, signal) => {
    alive--;
    if (stopping) {
      if (alive === 0) process.exit(0);
      return;
    }
    quickExits = Date.now() - worker.startedAt < 10_000 ? quickExits + 1 : 0;
    if (quickExits >= 3 * count) {
      console.error("询问 Xunwen 的服务进程反复在启动时退出，服务器停止。");
      process.exit(1);
    }
    console.error(`服务进程 ${worker.process.pid} 已退出（${signal ?? code}），正在重新启动`);
    fork();
  });
  for (let i = 0; i < count; i++) fork();
  console.log(`询问 Xunwen：PostgreSQL，${count} 个服务进程（XUNWEN_WORKERS）`);
  for (const signal of ["SIGINT", "SIGTERM"]) {
    process.on(signal, () => {
      stopping = true;
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill("SIGTERM");
      if (alive === 0) process.exit(0);
      setTimeout(() => process.exit(0), 5000).unref();
    });
  }
}

/** One server process: the only one (SQLite, or XUNWEN_WORKERS=1), or a worker of superviseWorkers. */
async function serve() {
  // a worker finds the database migrated by its primary
  if (!cluster.isWorker) await entry.prepareDatabase();

  const app = express();
  app.disable("x-powered-by");
  if (process.env.XUNWEN_TRUST_PROXY) app.set("trust proxy", process.env.XUNWEN_TRUST_PROXY);

  app.use((req, res, next) => {
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("X-Frame-Options", "SAMEORIGIN");
    res.setHeader("Referrer-Policy", "same-origin");
    if (req.method === "GET" || req.method === "HEAD") return next();
    const length = Number(req.headers["content-length"] || 0);
    if (length > MAX_BODY_BYTES) {
      res.status(413).type("text/html; charset=utf-8").send(
        '<!doctype html><meta charset="utf-8"><title>提交的内容过大</title><p>提交的内容过大（超过 25 MB），请精简后重试。</p><p><a href="javascript:history.back()">返回</a></p>',
      );
      req.resume();
      return;
    }
    // SameSite=Lax already keeps the session cookie off cross-site posts; this refuses them outright.
    // `Origin: null` (sandboxed frames, data: pages, some cross-site redirects) is not this site either:
    // refused here with 403 rather than reaching Remix, whose own origin check would answer 500.
    const origin = req.headers.origin;
    if (origin !== undefined) {
      let originHost = "";
      try {
        originHost = new URL(origin).host;
      } catch {}
      if (!originHost || originHost !== req.headers.host) {
        res.status(403).type("text/plain; charset=utf-8").send("跨站提交已被拒绝。");
        req.resume();
        return;
      }
    }
    next();
  });

  app.get("/healthz", async (_req, res) => {
    try {
      await entry.checkHealth();
      res.type("text/plain; charset=utf-8").send("ok");
    } catch {
      res.status(503).type("text/plain; charset=utf-8").send("database unavailable");
    }
  });

  app.get("/favicon.ico", (_req, res) => res.redirect(301, "/favicon.svg"));
  app.use("/build", express.static(resolve(buildRoot, "public/build"), { immutable: true, maxAge: "1y" }));
  // Only a path naming a file (its last segment has an extension) can be a public file: the pages' paths (/login,
  // /my, /inquiries/12) go straight on instead of costing a file-system stat each (seen in CPU profiles, issue 19).
  const publicFiles = express.static("public", { maxAge: "1h" });
  app.use((req, res, next) => (/\.[A-Za-z0-9]+$/.test(req.path) ? publicFiles(req, res, next) : next()));

  // At most this many requests are processed at once; the rest wait their turn in order. Node runs every
  // request's JavaScript on one thread: with hundreds interleaved, a write transaction waits behind all of them
  // between its statements while it holds SQLite's single writer, and everyone waits longer. A short queue in
  // front keeps the transaction's turns quick (docs/decisions/0006).
  const maxInFlight = Math.max(1, Number(process.env.XUNWEN_MAX_IN_FLIGHT) || 16);
  let inFlight = 0;
  const waiting = [];
  app.use((req, res, next) => {
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      const nextInLine = waiting.shift();
      if (nextInLine) nextInLine();
      else inFlight--;
    };
    const start = () => {
      res.once("finish", release);
      res.once("close", release);
      // A live page's event stream (Accept: text/event-stream, app/live) stays open for as long as the page: it
      // holds its slot only until its loader has answered (the headers are sent), not for the page's lifetime.
      if (String(req.headers.accept).includes("text/event-stream")) {
        const writeHead = res.writeHead;
        res.writeHead = function (...args) {
          release();
          return writeHead.apply(this, args);
        };
      }
      next();
    };
    if (inFlight < maxInFlight) {
      inFlight++;
      start();
    } else {
      waiting.push(start);
      // a client that hangs up while waiting leaves the line
      res.once("close", () => {
        const at = waiting.indexOf(start);
        if (at >= 0) waiting.splice(at, 1);
      });
    }
  });

  app.all(
    "*",
    createRequestHandler({
      build,
      mode: process.env.NODE_ENV === "development" ? "development" : "production",
      getLoadContext: (req) => ({ clientIp: req.ip || req.socket.remoteAddress || "" }),
    }),
  );

  // Deadline reminders: once a day, checked hourly (and at start) in every process, run by the first to take the
  // job's lock (app/live/jobs.server.ts); `npm run reminders` runs them on demand.
  const runJobs = () => entry.runDailyJobs().catch((error) => console.error("每日任务失败", error));
  if (process.env.XUNWEN_DISABLE_JOBS !== "1") {
    runJobs();
    setInterval(runJobs, 60 * 60 * 1000).unref();
  }

  const server = app.listen(port, host, () => {
    console.log(`询问 Xunwen 已启动：http://localhost:${port}`);
  });
  // An idle keep-alive connection stays open longer than clients and proxies keep theirs (nginx 60 s): with
  // Node's 5 s default the server closed sockets just as a client sent its next request on them, and that request
  // failed with ECONNRESET (seen by the e2e suite on a loaded machine). headersTimeout must exceed it.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;

  for (const signal of ["SIGINT", "SIGTERM"]) {
    process.on(signal, () => {
      server.close(() => process.exit(0));
      // live pages' event streams end now (their browsers reconnect to another process or the restarted server)
      entry.stopLiveBus().catch(() => undefined);
      setTimeout(() => process.exit(0), 2000).unref();
    });
  }
}
