#!/usr/bin/env bash
# npm run test:e2e:pg [-- playwright args]: the end-to-end suite on PostgreSQL. Starts a throw-away cluster
# (port E2E_PG_PORT, default 55433), builds when no build exists, and runs Playwright with E2E_DATABASE_URL:
# the test server (scripts/e2e-server.sh) makes the database afresh, seeds the demo and serves the build on
# it; the tests' own setup statements go to the same database (e2e/fixtures.ts). The cluster is stopped and
# removed afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_dependencies
ensure_chromium
ensure_postgres_binaries
[ -f build/index.js ] || npm run build
export XUNWEN_TEST_PG_PORT="${E2E_PG_PORT:-55433}"
run_e2e() {
  E2E_DATABASE_URL="${XUNWEN_TEST_PG_URL%/postgres}/xunwen_e2e" DATABASE_URL="${XUNWEN_TEST_PG_URL%/postgres}/xunwen_e2e" \
    npx playwright test -c e2e/playwright.config.ts "$@"
}
with_test_postgres run_e2e "$@"
