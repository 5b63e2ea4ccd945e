#!/usr/bin/env bash
# npm run bench: the benchmark (scripts/bench/run.ts) against the production build. Run after the README's
# first command (which installs); builds when no build exists. Options go after `--`, e.g.
#   npm run bench -- --sizes city,province,ten --regen
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_dependencies
[ -f build/index.js ] || npm run build
exec npx tsx scripts/bench/run.ts "$@"
