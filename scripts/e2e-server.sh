#!/usr/bin/env bash
# Started by Playwright: a fresh demo database and the built app on a test port.
set -euo pipefail
cd "$(dirname "$0")/.."
export XUNWEN_DB_PATH="${XUNWEN_DB_PATH:-e2e/.output/e2e.db}"
mkdir -p "$(dirname "$XUNWEN_DB_PATH")"
rm -f "$XUNWEN_DB_PATH" "$XUNWEN_DB_PATH-wal" "$XUNWEN_DB_PATH-shm"
rm -rf e2e/.output/uploads
npx tsx db/cli/seed-demo.ts
exec node server.mjs
