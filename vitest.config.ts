import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

/**
 * Unit and database tests (vitest). They sit beside the code they test and run against real temporary
 * SQLite files (app/test/db.ts), or with XUNWEN_TEST_ENGINE=postgres against databases of a throw-away
 * PostgreSQL cluster (npm run test:unit:pg; npm test runs both). The end-to-end tests in e2e/ belong to
 * Playwright and are never picked up.
 */
// each statement is a round trip to the server on PostgreSQL: the same tests take about twice as long
const timeout = process.env.XUNWEN_TEST_ENGINE === "postgres" ? 60_000 : 20_000;
export default defineConfig({
  resolve: {
    // tsconfig: "paths": { "~/*": ["./app/*"] }
    alias: [{ find: /^~\//, replacement: `${fileURLToPath(new URL("./app", import.meta.url))}/` }],
  },
  test: {
    include: ["app/**/*.test.ts", "db/**/*.test.ts"],
    exclude: ["e2e/**", "node_modules/**", "build/**", "public/build/**"],
    environment: "node",
    globals: true,
    pool: "forks",
    // the suites wait on SQLite files and worker threads more than on the CPU: four processes keep two cores busy
    maxWorkers: 4,
    // cheap scrypt for the accounts tests create (app/auth/password.server.ts honours it under vitest only)
    env: { XUNWEN_TEST_SCRYPT_N: String(1 << 10) },
    testTimeout: timeout,
    hookTimeout: timeout,
  },
});
