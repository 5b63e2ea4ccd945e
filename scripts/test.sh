#!/usr/bin/env bash
# The README's second command: typecheck, unit and database tests (vitest), then the end-to-end tests in
# Debian Chromium against the production build. Each phase's duration is printed (the suite's budget is
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

echo "== 单元与数据库测试（vitest） =="
npx vitest run
phase_done "vitest"

echo "== 端到端测试（Playwright + Chromium） =="
ensure_chromium
npm run build
phase_done "构建"
npx playwright test -c e2e/playwright.config.ts
phase_done "端到端测试"
echo "（合计 ${SECONDS} 秒）"
