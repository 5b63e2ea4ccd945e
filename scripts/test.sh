#!/usr/bin/env bash
# The README's second command: typecheck, unit and database tests (vitest) on SQLite and then on PostgreSQL
# (a throw-away cluster started and stopped here: scripts/lib.sh with_test_postgres), then the end-to-end
# tests in Debian Chromium against the production build (SQLite; on PostgreSQL: npm run test:e2e:pg). Each phase's duration is printed (the suite's budget is
# 6 minutes on the development machine; issue 20).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_dependencies

phase_start=$SECONDS
phase_done() { echo "（$1 用时 $((SECONDS - phase_start)) 秒）"; phase_start=$SECONDS; }

echo "== 类型检查 =="
npx tsc --noEmit
phase_done "类型检查"

# one throw-away PostgreSQL cluster for both passes: the SQLite pass also runs the tests that compare the
# engines with each other (app/search/engines.server.test.ts)
vitest_both_engines() {
  echo "== 单元与数据库测试（vitest，SQLite） =="
  XUNWEN_TEST_ENGINE=sqlite npx vitest run
  phase_done "vitest（SQLite）"
  echo "== 单元与数据库测试（vitest，PostgreSQL） =="
  npx vitest run
  phase_done "vitest（PostgreSQL）"
}
ensure_postgres_binaries
with_test_postgres vitest_both_engines

echo "== 端到端测试（Playwright + Chromium） =="
ensure_chromium
npm run build
phase_done "构建"
npx playwright test -c e2e/playwright.config.ts
phase_done "端到端测试"
echo "（合计 ${SECONDS} 秒）"
