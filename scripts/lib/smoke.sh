# shellcheck shell=bash
# The browser smoke test: starts the demo the way ./scripts/start runs it (the ECS/ECR sandbox
# serving examples/demo-scenario.yaml, the backend configured by the sandbox, the frontend dev
# server, the sample catalog), drives Debian's Chromium through it with playwright-core
# (scripts/lib/smoke.js), then stops everything it started, whatever happened.
# Sourced after setup.sh. Entry points: ./scripts/smoke (alone) and ./scripts/test.

source "$REPO_ROOT/scripts/lib/gate-replay.sh"

SMOKE_APP_PORT="${ECS_READINESS_SMOKE_APP_PORT:-3000}"
SMOKE_BACKEND_PORT="${ECS_READINESS_SMOKE_BACKEND_PORT:-7007}"
# Not ./scripts/start's 4566, so a sandbox left running there is neither used nor disturbed.
SMOKE_SANDBOX_PORT="${ECS_READINESS_SMOKE_SANDBOX_PORT:-4576}"
SMOKE_SCENARIO="${ECS_READINESS_SMOKE_SCENARIO:-$REPO_ROOT/examples/demo-scenario.yaml}"
# Cold start on a 2-core machine: the backend needs ~30 s, the first frontend bundle 1-3 min.
SMOKE_START_TIMEOUT="${ECS_READINESS_SMOKE_START_TIMEOUT:-420}"
SMOKE_CHROMIUM="${ECS_READINESS_CHROMIUM_BIN:-/usr/bin/chromium}"
# The deployment gate as storefront-web's lifecycle hook: once the backend answers, the sandbox
# replays a deployment of the arm64-only storefront-web:9, the gate answers FAILED and reports
# its decision to the backend, and the card must say so (as ECS_READINESS_REPLAY_GATE=1
# ./scripts/start does). 0 leaves the demo as it is.
SMOKE_REPLAY_GATE="${ECS_READINESS_SMOKE_REPLAY_GATE:-1}"

# port_in_use <port>: something listens on it, on any address (IPv4 or IPv6).
port_in_use() {
  if command -v ss >/dev/null; then
    [ -n "$(ss -ltnH "sport = :$1" 2>/dev/null)" ]
  else
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null || (exec 3<>"/dev/tcp/::1/$1") 2>/dev/null
  fi
}

# smoke_wait_for <name> <url> <pid> <log>: polls the URL until it answers 2xx, failing early when
# the process has died, and at the deadline.
smoke_wait_for() {
  local name="$1" url="$2" pid="$3" logfile="$4"
  local deadline=$((SMOKE_STARTED_AT + SMOKE_START_TIMEOUT))
  while [ "$SECONDS" -lt "$deadline" ]; do
    if curl -fsS --max-time 20 -o /dev/null "$url" 2>/dev/null; then
      log "smoke: the $name answers on $url, $((SECONDS - SMOKE_STARTED_AT)) s after the start"
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "smoke: the $name exited before answering on $url; last lines of $logfile:" >&2
      tail -n 40 "$logfile" >&2
      return 1
    fi
    sleep 1
  done
  echo "smoke: the $name did not answer on $url within ${SMOKE_START_TIMEOUT}s; last lines of $logfile:" >&2
  tail -n 40 "$logfile" >&2
  return 1
}

# smoke_stop_group <pid>: ends the process group that setsid gave <pid> (the yarn process, its
# backstage-cli and the node children it forks), politely first, then by force.
smoke_stop_group() {
  local pid="$1"
  [ -n "$pid" ] || return 0
  kill -0 -- "-$pid" 2>/dev/null || return 0
  kill -TERM -- "-$pid" 2>/dev/null || true
  local i
  for i in $(seq 1 50); do
    kill -0 -- "-$pid" 2>/dev/null || return 0
    sleep 0.2
  done
  kill -KILL -- "-$pid" 2>/dev/null || true
}

# run_smoke_test <results-dir>: writes <results-dir>/smoke.json (one result per page) and
# screenshots; returns non-zero on any failure. Runs in a subshell so its EXIT trap always
# stops the servers and frees the ports, also on failure or Ctrl-C.
run_smoke_test() (
  set +e
  trap - ERR
  local results_dir="$1"
  local work backend_pid="" frontend_pid="" sandbox_pid=""
  mkdir -p "$results_dir" "$TOOLS_DIR/logs"
  work="$(mktemp -d "${TMPDIR:-/tmp}/ecs-readiness-smoke.XXXXXX")"
  local backend_log="$TOOLS_DIR/logs/smoke-backend.log"
  local frontend_log="$TOOLS_DIR/logs/smoke-frontend.log"
  local sandbox_log="$TOOLS_DIR/logs/smoke-sandbox.log"

  cleanup() {
    smoke_stop_group "$frontend_pid"
    smoke_stop_group "$backend_pid"
    smoke_stop_group "$sandbox_pid"
    local i
    for i in $(seq 1 50); do
      port_in_use "$SMOKE_APP_PORT" || port_in_use "$SMOKE_BACKEND_PORT" ||
        port_in_use "$SMOKE_SANDBOX_PORT" || break
      sleep 0.2
    done
    rm -rf "$work"
  }
  trap cleanup EXIT
  trap 'exit 130' INT TERM

  fail_all() {
    node "$REPO_ROOT/scripts/lib/smoke.js" --report-failure "$1" --results "$results_dir"
    exit 1
  }

  local p
  for p in "$SMOKE_APP_PORT" "$SMOKE_BACKEND_PORT" "$SMOKE_SANDBOX_PORT"; do
    if port_in_use "$p"; then
      fail_all "port $p is already in use (is ./scripts/start running?); the smoke test starts its own app"
    fi
  done
  [ -x "$SMOKE_CHROMIUM" ] || fail_all "Chromium not found at $SMOKE_CHROMIUM"

  # The repository's app-config.yaml plus an overlay: the test's ports and a throw-away SQLite
  # directory, so a run neither needs nor touches the developer's .tools/sqlite.
  local sandbox_args=() sandbox_env=() gate_token=""
  if [ "$SMOKE_REPLAY_GATE" = 1 ]; then
    log "smoke: bundling the deployment gate (packages/ecs-deploy-gate) for the replay"
    gate_bundle "$work/gate/index.js" "$TOOLS_DIR/logs/smoke-gate-bundle.log" ||
      fail_all "the deployment gate did not bundle (see .tools/logs/smoke-gate-bundle.log)"
    gate_replay_setup "$work/gate/index.js" "http://127.0.0.1:$SMOKE_SANDBOX_PORT" \
      "http://localhost:$SMOKE_BACKEND_PORT"
    gate_token="$GATE_REPLAY_TOKEN"
    sandbox_args=("${GATE_REPLAY_ARGS[@]}")
    sandbox_env=("${GATE_REPLAY_ENV[@]}")
  fi
  cat >"$work/app-config.smoke.yaml" <<EOF
app:
  baseUrl: http://localhost:$SMOKE_APP_PORT
backend:
  baseUrl: http://localhost:$SMOKE_BACKEND_PORT
  listen:
    port: $SMOKE_BACKEND_PORT
  cors:
    origin: http://localhost:$SMOKE_APP_PORT
  database:
    client: better-sqlite3
    connection:
      directory: $work/sqlite
EOF
  if [ -n "$gate_token" ]; then
    gate_external_access_yaml "$gate_token" >>"$work/app-config.smoke.yaml"
  fi
  SMOKE_STARTED_AT=$SECONDS
  # The sandbox writes the backend's AWS and registry configuration for its own port once it
  # listens, as under ./scripts/start (app-config.yaml's catalog is the demo's catalog).
  log "smoke: starting the ECS/ECR sandbox on :$SMOKE_SANDBOX_PORT ($(basename "$SMOKE_SCENARIO"))"
  (exec env "${sandbox_env[@]+"${sandbox_env[@]}"}" setsid node "$REPO_ROOT/packages/ecs-sandbox/bin/ecs-sandbox" serve \
    --scenario "$SMOKE_SCENARIO" --port "$SMOKE_SANDBOX_PORT" \
    --app-config "$work/app-config.sandbox.yaml" "${sandbox_args[@]+"${sandbox_args[@]}"}") >"$sandbox_log" 2>&1 </dev/null &
  sandbox_pid=$!
  local i
  for i in $(seq 1 120); do
    [ -f "$work/app-config.sandbox.yaml" ] &&
      curl -fsS -o /dev/null "http://127.0.0.1:$SMOKE_SANDBOX_PORT/" 2>/dev/null && break
    kill -0 "$sandbox_pid" 2>/dev/null || { tail -n 40 "$sandbox_log" >&2; fail_all "the ECS/ECR sandbox exited (see .tools/logs/smoke-sandbox.log)"; }
    sleep 0.5
  done
  [ -f "$work/app-config.sandbox.yaml" ] || fail_all "the ECS/ECR sandbox did not answer on :$SMOKE_SANDBOX_PORT within 60 s"
  # Role assumption (accounts without an access key) goes to the sandbox's STS, never AWS.
  export AWS_ENDPOINT_URL_STS="http://127.0.0.1:$SMOKE_SANDBOX_PORT"
  local config=(--config "$REPO_ROOT/app-config.yaml" --config "$work/app-config.sandbox.yaml"
    --config "$work/app-config.smoke.yaml")

  log "smoke: starting the backend on :$SMOKE_BACKEND_PORT and the frontend on :$SMOKE_APP_PORT (logs: .tools/logs/smoke-*.log)"
  (cd "$REPO_ROOT/packages/backend" &&
    exec setsid node "$YARN_RELEASE" backstage-cli package start "${config[@]}") \
    >"$backend_log" 2>&1 </dev/null &
  backend_pid=$!
  (cd "$REPO_ROOT/packages/app" &&
    BROWSER=none exec setsid node "$YARN_RELEASE" backstage-cli package start "${config[@]}") \
    >"$frontend_log" 2>&1 </dev/null &
  frontend_pid=$!

  smoke_wait_for backend "http://localhost:$SMOKE_BACKEND_PORT/.backstage/health/v1/readiness" \
    "$backend_pid" "$backend_log" || fail_all "the backend did not start (see .tools/logs/smoke-backend.log)"
  smoke_wait_for frontend "http://localhost:$SMOKE_APP_PORT/" \
    "$frontend_pid" "$frontend_log" || fail_all "the frontend did not start (see .tools/logs/smoke-frontend.log)"

  node "$REPO_ROOT/scripts/lib/smoke.js" \
    --app "http://localhost:$SMOKE_APP_PORT" \
    --backend "http://localhost:$SMOKE_BACKEND_PORT" \
    --chromium "$SMOKE_CHROMIUM" \
    --profile "$work/chromium-profile" \
    --results "$results_dir" \
    --docs-images "${ECS_READINESS_SCREENSHOTS_DIR:-}" \
    --replayed-gate "$SMOKE_REPLAY_GATE"
)
