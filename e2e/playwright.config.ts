import { defineConfig } from "@playwright/test";

const PORT = Number(process.env.E2E_PORT || 3100);

/**
 * End-to-end tests in Debian Chromium against the production build, on a fresh demo database
 * (scripts/e2e-server.sh). Playwright's own browser downloads are not used.
 */
export default defineConfig({
  testDir: ".",
  testMatch: /.*\.spec\.ts$/,
  outputDir: "./.output/results",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  // every test makes the records it counts (docs/decisions/0070), so tests, not files, are spread over the
  // workers: a long file no longer keeps one worker busy while the other has finished
  fullyParallel: true,
  workers: 2,
  retries: 0,
  reporter: [["list"]],
  use: {
    baseURL: `http://localhost:${PORT}`,
    locale: "zh-CN",
    timezoneId: "Asia/Shanghai",
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.XUNWEN_CHROMIUM || "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  webServer: {
    command: "bash scripts/e2e-server.sh",
    cwd: "..",
    url: `http://localhost:${PORT}/healthz`,
    timeout: 120_000,
    reuseExistingServer: false,
    env: {
      PORT: String(PORT),
      HOST: "127.0.0.1",
      XUNWEN_DB_PATH: process.env.E2E_DB_PATH || "e2e/.output/e2e.db",
      NODE_ENV: "production",
    },
    stdout: "ignore",
    stderr: "pipe",
  },
});
