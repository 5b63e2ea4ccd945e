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
