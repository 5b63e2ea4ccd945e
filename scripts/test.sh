#!/usr/bin/env bash
# The README's second command: typecheck, unit and database tests (vitest), then the end-to-end tests in
# Debian Chromium against the production build.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_dependencies

echo "== 类型检查 =="
npx tsc --noEmit

echo "== 单元与数据库测试（vitest） =="
npx vitest run

echo "== 端到端测试（Playwright + Chromium） =="
ensure_chromium
npm run build
npx playwright test -c e2e/playwright.config.ts
