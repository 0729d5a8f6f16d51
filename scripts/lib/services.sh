# shellcheck shell=bash
# Real services that the tests use, started from Debian packages. Sourced after setup.sh.

PG_PORT="${ECS_READINESS_PG_PORT:-55432}"
PG_DIR="${ECS_READINESS_PG_DIR:-/tmp/ecs-readiness-pg}"

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

start_postgres() {
  local bin
  bin="$(pg_bin)"
  [ -x "$bin/pg_ctl" ] || { echo "PostgreSQL server binaries not found under /usr/lib/postgresql" >&2; return 1; }
  local run=()
  [ "$(id -u)" = 0 ] && run=(runuser -u postgres --)
  if [ ! -f "$PG_DIR/data/PG_VERSION" ]; then
    mkdir -p "$PG_DIR"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$PG_DIR"
    "${run[@]}" "$bin/initdb" -D "$PG_DIR/data" -A trust -U postgres
  fi
  if ! "${run[@]}" "$bin/pg_ctl" -D "$PG_DIR/data" status >/dev/null 2>&1; then
    "${run[@]}" "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
      -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off" start
  fi
  "${run[@]}" "$bin/pg_isready" -h 127.0.0.1 -p "$PG_PORT"
}

pg_major() { basename "$(dirname "$(pg_bin)")"; }

# Everything the test suites need: the Debian packages and the running services, exported as
# environment variables that the tests read.
setup_test_services() {
  ensure_debian_packages postgresql docker-registry apache2-utils chromium chromium-driver
  step "start PostgreSQL on 127.0.0.1:$PG_PORT" start_postgres
  local major
  major="$(pg_major)"
  export "BACKSTAGE_TEST_DATABASE_POSTGRES${major}_CONNECTION_STRING=postgresql://postgres@127.0.0.1:$PG_PORT"
  export BACKSTAGE_TEST_DISABLE_DOCKER=1
  export ECS_READINESS_TEST_POSTGRES="postgresql://postgres@127.0.0.1:$PG_PORT"
  export ECS_READINESS_DOCKER_REGISTRY_BIN="$(command -v docker-registry)"
  export ECS_READINESS_HTPASSWD_BIN="$(command -v htpasswd)"
  export ECS_READINESS_CHROMIUM_BIN="$(command -v chromium)"
}
