#!/usr/bin/env bash
# Started by Playwright: a fresh demo database (and upload folder) and the built app on a test port.
# With E2E_DATABASE_URL (npm run test:e2e:pg) the database is that PostgreSQL database, dropped and made afresh.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -n "${E2E_DATABASE_URL:-}" ]; then
  export DATABASE_URL="$E2E_DATABASE_URL"
  export XUNWEN_UPLOAD_DIR="${XUNWEN_UPLOAD_DIR:-e2e/.output/pg-uploads}"
  rm -rf "$XUNWEN_UPLOAD_DIR"
  node --import tsx db/cli/recreate-database.ts
else
  export XUNWEN_DB_PATH="${XUNWEN_DB_PATH:-e2e/.output/e2e.db}"
  export XUNWEN_UPLOAD_DIR="${XUNWEN_UPLOAD_DIR:-${XUNWEN_DB_PATH%.db}-uploads}"
  mkdir -p "$(dirname "$XUNWEN_DB_PATH")"
  rm -f "$XUNWEN_DB_PATH" "$XUNWEN_DB_PATH-wal" "$XUNWEN_DB_PATH-shm"
  rm -rf "$XUNWEN_UPLOAD_DIR"
fi
# node with the tsx loader: the same as `npx tsx`, without npx resolving the package first
node --import tsx db/cli/seed-demo.ts
exec node server.mjs
