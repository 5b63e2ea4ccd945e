#!/usr/bin/env bash
# Started by Playwright: a fresh demo database (and upload folder) and the built app on a test port.
set -euo pipefail
cd "$(dirname "$0")/.."
export XUNWEN_DB_PATH="${XUNWEN_DB_PATH:-e2e/.output/e2e.db}"
export XUNWEN_UPLOAD_DIR="${XUNWEN_UPLOAD_DIR:-${XUNWEN_DB_PATH%.db}-uploads}"
mkdir -p "$(dirname "$XUNWEN_DB_PATH")"
rm -f "$XUNWEN_DB_PATH" "$XUNWEN_DB_PATH-wal" "$XUNWEN_DB_PATH-shm"
rm -rf "$XUNWEN_UPLOAD_DIR"
# node with the tsx loader: the same as `npx tsx`, without npx resolving the package first
node --import tsx db/cli/seed-demo.ts
exec node server.mjs
