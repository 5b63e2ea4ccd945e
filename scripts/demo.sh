#!/usr/bin/env bash
# The README's first command: install, build, create or update the demo database, serve on port 3000.
#   npm run demo            keeps an existing demo database (running it again adds nothing twice)
#   npm run demo -- --reset starts over from a fresh demo database
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_dependencies

export XUNWEN_DB_PATH="${XUNWEN_DB_PATH:-data/xunwen.db}"
if [ "${1:-}" = "--reset" ]; then
  echo "删除演示数据库 $XUNWEN_DB_PATH …"
  rm -f "$XUNWEN_DB_PATH" "$XUNWEN_DB_PATH-wal" "$XUNWEN_DB_PATH-shm"
fi

npm run build
npx tsx db/cli/seed-demo.ts

export PORT="${PORT:-3000}"
cat <<MSG

询问 Xunwen 演示环境：http://localhost:$PORT
演示账号（密码均为 xunwen-demo，仅用于演示）：
  admin     系统管理员
  staff     人大工作人员（刘静）
  member    委员（马爱国）
  health    应询部门（市卫生健康委员会）
  education 应询部门（市教育局）
  county    县区人大（温县人大常委会）
  county2   县区人大（武陟县人大常委会）
  gov       应询部门（市政府联络员，报送研究处理情况报告）
按 Ctrl+C 停止。

MSG
exec node server.mjs
