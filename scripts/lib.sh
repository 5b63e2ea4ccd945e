# Shared by scripts/demo.sh and scripts/test.sh.

# Installs the locked dependencies when they are missing or older than the lock file.
ensure_dependencies() {
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "安装依赖（npm ci，首次约需 2–3 分钟，sqlite3 需要本地编译）…"
    npm ci --no-audit --no-fund
  fi
}

# Debian Chromium for the end-to-end tests (Playwright's own browser downloads are not used).
ensure_chromium() {
  local bin="${XUNWEN_CHROMIUM:-/usr/bin/chromium}"
  if [ -x "$bin" ]; then return 0; fi
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "未找到 Chromium，正在用 apt-get 安装 chromium …"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    [ -x "$bin" ] && return 0
  fi
  echo "端到端测试需要 Chromium（$bin）。请以 root 运行本命令以自动安装，或执行：sudo apt-get install -y chromium；" >&2
  echo "浏览器在其他位置时，设置环境变量 XUNWEN_CHROMIUM=/path/to/chromium。" >&2
  return 1
}

# --- PostgreSQL (issue 18; docs/decisions/0170) -------------------------------------------------------------
# A local PostgreSQL cluster of our own: its own data folder and port, never the developer's DATABASE_URL.
#   ensure_postgres_binaries            finds initdb/pg_ctl (apt-get install postgresql when missing and root)
#   start_postgres DIR PORT [throwaway] initdb DIR when empty, start on 127.0.0.1:PORT; prints nothing on success
#   stop_postgres DIR                   stops it (safe when not running)
# As root the server runs as the `postgres` user (initdb refuses root). Databases use the C.UTF-8 locale,
# whose ordering equals SQLite's BINARY ordering.
ensure_postgres_binaries() {
  if [ -n "${XUNWEN_PG_BIN:-}" ] && [ -x "$XUNWEN_PG_BIN/initdb" ]; then PG_BIN="$XUNWEN_PG_BIN"; return 0; fi
  PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  if [ -n "$PG_BIN" ] && [ -x "$PG_BIN/initdb" ]; then return 0; fi
  if command -v initdb >/dev/null 2>&1; then PG_BIN="$(dirname "$(command -v initdb)")"; return 0; fi
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "未找到 PostgreSQL，正在用 apt-get 安装 postgresql …" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
    if [ -n "$PG_BIN" ] && [ -x "$PG_BIN/initdb" ]; then return 0; fi
  fi
  echo "需要 PostgreSQL 服务端程序（initdb、pg_ctl）。请以 root 运行本命令以自动安装，或执行：sudo apt-get install -y postgresql；" >&2
  echo "程序在其他位置时，设置环境变量 XUNWEN_PG_BIN=/path/to/bin。" >&2
  return 1
}

# Runs a PostgreSQL program as the cluster's owner (the postgres user when we are root).
pg_as_owner() {
  if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start_postgres() {
  local dir="$1" port="$2" mode="${3:-}"
  ensure_postgres_binaries || return 1
  mkdir -p "$dir"
  if [ "$(id -u)" = "0" ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
    chown postgres "$dir"; chmod 700 "$dir"
  fi
  if [ ! -f "$dir/PG_VERSION" ]; then
    pg_as_owner "$PG_BIN/initdb" -D "$dir" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$dir.initdb.log" 2>&1 ||
      { cat "$dir.initdb.log" >&2; return 1; }
    rm -f "$dir.initdb.log"
  fi
  local opts="-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$dir -c max_connections=200"
  # throw-away clusters (tests): nothing needs to survive a crash
  [ "$mode" = "throwaway" ] && opts="$opts -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  if ! pg_as_owner "$PG_BIN/pg_ctl" -D "$dir" -l "$dir/server.log" -o "$opts" -w -t 60 start >/dev/null; then
    echo "PostgreSQL 未能在端口 $port 启动（端口被占用？日志：$dir/server.log）：" >&2
    tail -n 5 "$dir/server.log" >&2 || true
    return 1
  fi
}

stop_postgres() {
  local dir="$1"
  ensure_postgres_binaries >/dev/null 2>&1 || return 0
  [ -f "$dir/postmaster.pid" ] || return 0
  pg_as_owner "$PG_BIN/pg_ctl" -D "$dir" -m fast -w stop >/dev/null 2>&1 || true
}

# Runs a command with a throw-away PostgreSQL cluster (XUNWEN_TEST_PG_URL and XUNWEN_TEST_ENGINE=postgres set),
# stopped and removed afterwards whatever happens. XUNWEN_TEST_PG_URL already set: that cluster is used.
with_test_postgres() {
  if [ -n "${XUNWEN_TEST_PG_URL:-}" ]; then XUNWEN_TEST_ENGINE=postgres "$@"; return; fi
  local port="${XUNWEN_TEST_PG_PORT:-55432}" dir rc=0
  dir="$(mktemp -d "${TMPDIR:-/tmp}/xunwen-test-pg.XXXXXX")"
  chmod 755 "$dir"
  # shellcheck disable=SC2064
  trap "stop_postgres '$dir/data'; rm -rf '$dir'" EXIT INT TERM
  start_postgres "$dir/data" "$port" throwaway
  XUNWEN_TEST_ENGINE=postgres XUNWEN_TEST_PG_URL="postgres://postgres@127.0.0.1:$port/postgres" "$@" || rc=$?
  stop_postgres "$dir/data"
  rm -rf "$dir"
  trap - EXIT INT TERM
  return $rc
}
