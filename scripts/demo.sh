#!/usr/bin/env bash
# The README's first command: install, build, create or update the demo database, serve on port 3000.
#   npm run demo                        keeps an existing demo database (running it again adds nothing twice)
#   npm run demo -- --reset             starts over from a fresh demo database
#   npm run demo -- --postgres [--reset] the same on PostgreSQL: a local cluster in data/postgres (port
#                                       XUNWEN_DEMO_PG_PORT, default 55439), stopped when the server stops
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_dependencies

reset=0 postgres=0
for arg in "$@"; do
  case "$arg" in
    --reset) reset=1 ;;
    --postgres) postgres=1 ;;
    *) echo "未知参数：$arg（可用 --reset、--postgres）" >&2; exit 2 ;;
  esac
done

if [ "$postgres" = 1 ]; then
  ensure_postgres_binaries
  pg_dir="$PWD/data/postgres"
  pg_port="${XUNWEN_DEMO_PG_PORT:-55439}"
  mkdir -p data
  [ "$(id -u)" = "0" ] && chmod 755 data
  echo "启动本地 PostgreSQL（$pg_dir，端口 $pg_port）…"
  start_postgres "$pg_dir" "$pg_port"
  trap 'stop_postgres "$pg_dir"' EXIT INT TERM
  export DATABASE_URL="postgres://postgres@127.0.0.1:$pg_port/xunwen_demo"
  export XUNWEN_UPLOAD_DIR="${XUNWEN_UPLOAD_DIR:-data/uploads-postgres}"
  if [ "$reset" = 1 ]; then
    echo "重建演示数据库 xunwen_demo …"
    rm -rf "$XUNWEN_UPLOAD_DIR"
    node --import tsx db/cli/recreate-database.ts
  else
    node --import tsx db/cli/recreate-database.ts --keep
  fi
else
  export XUNWEN_DB_PATH="${XUNWEN_DB_PATH:-data/xunwen.db}"
  if [ "$reset" = 1 ]; then
    echo "删除演示数据库 $XUNWEN_DB_PATH …"
    rm -f "$XUNWEN_DB_PATH" "$XUNWEN_DB_PATH-wal" "$XUNWEN_DB_PATH-shm"
  fi
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
if [ "$postgres" = 1 ]; then
  node server.mjs   # not exec: the trap stops the cluster when the server ends
else
  exec node server.mjs
fi
