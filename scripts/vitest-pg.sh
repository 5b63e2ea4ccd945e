#!/usr/bin/env bash
# npm run test:unit:pg [-- vitest args]: the vitest suite on PostgreSQL. Starts a throw-away cluster of its
# own (scripts/lib.sh start_postgres: its own data folder and port XUNWEN_TEST_PG_PORT, default 55432,
# fsync off), runs vitest with XUNWEN_TEST_ENGINE=postgres (each test gets its own database, copied from a
# migrated template: app/test/db.ts), and stops and removes the cluster afterwards. The developer's
# DATABASE_URL is never used.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
with_test_postgres npx vitest run "$@"
