#!/usr/bin/env bash
# Installs and starts the emulators the tests talk to; sourced by tests/run.sh.
# moto (AWS EC2/S3/DynamoDB/STS/KMS) runs from a project-local virtualenv at a pinned version,
# PostgreSQL from Debian's postgresql-15 in a throwaway cluster; each on a free loopback port,
# stopped when the calling shell exits (every server adds its stop command to one EXIT trap,
# so starting one never cancels another's).

MOTO_VERSION="5.2.5"
PG_MAJOR="15"

# Runs "$1" (a command line) when the calling shell exits, after what was registered before.
AUTOSTACK_ON_EXIT=""
on_exit() {
  AUTOSTACK_ON_EXIT="$1; $AUTOSTACK_ON_EXIT"
  trap "$AUTOSTACK_ON_EXIT" EXIT
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

start_moto() {
  local venv=".venv"
  if [ ! -x "$venv/bin/moto_server" ] || ! "$venv/bin/python" -c "import moto, sys; sys.exit(moto.__version__ != '$MOTO_VERSION')" 2>/dev/null; then
    echo "== installing moto[server]==$MOTO_VERSION into $venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION"
  fi
  local port
  port=$(free_port)
  "$venv/bin/moto_server" -H 127.0.0.1 -p "$port" >/tmp/autostack-moto.log 2>&1 &
  MOTO_PID=$!
  on_exit "kill $MOTO_PID 2>/dev/null || true"
  for _ in $(seq 1 150); do
    if (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      export AUTOSTACK_MOTO_URL="http://127.0.0.1:$port"
      echo "== moto $MOTO_VERSION listening on $AUTOSTACK_MOTO_URL"
      return 0
    fi
    sleep 0.2
  done
  echo "moto_server did not start; its log:" >&2
  cat /tmp/autostack-moto.log >&2
  return 1
}

# Debian's headless Chromium, which the report tests load pages in. Installed with apt when
# missing (the test machines are Debian, with root); AUTOSTACK_CHROMIUM may name another.
ensure_chromium() {
  if [ -n "${AUTOSTACK_CHROMIUM:-}" ] || command -v chromium >/dev/null 2>&1; then
    return 0
  fi
  echo "== installing Debian's chromium"
  local sudo=""
  if [ "$(id -u)" != "0" ]; then sudo="sudo"; fi
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/tmp/autostack-chromium.log 2>&1 \
    || { $sudo apt-get update -q >/dev/null 2>&1 && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >>/tmp/autostack-chromium.log 2>&1; } \
    || { echo "installing chromium failed; its log:" >&2; tail -20 /tmp/autostack-chromium.log >&2; return 1; }
}

# PostgreSQL for the pg state backend: Debian's postgresql-15 (installed with apt when
# missing), a cluster in a temporary directory owned by user postgres (initdb refuses root),
# trust authentication on a free loopback port. Exports AUTOSTACK_PG_CONN_STR.
start_postgres() {
  local bin="/usr/lib/postgresql/$PG_MAJOR/bin"
  if [ ! -x "$bin/initdb" ]; then
    echo "== installing Debian's postgresql-$PG_MAJOR"
    local sudo=""
    if [ "$(id -u)" != "0" ]; then sudo="sudo"; fi
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "postgresql-$PG_MAJOR" >/tmp/autostack-pg-install.log 2>&1 \
      || { $sudo apt-get update -q >/dev/null 2>&1 && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "postgresql-$PG_MAJOR" >>/tmp/autostack-pg-install.log 2>&1; } \
      || { echo "installing postgresql failed; its log:" >&2; tail -20 /tmp/autostack-pg-install.log >&2; return 1; }
  fi
  local as_pg=()
  if [ "$(id -u)" = "0" ]; then as_pg=(runuser -u postgres --); fi
  PG_DIR=$(mktemp -d /tmp/autostack-pg.XXXXXX)
  chmod 755 "$PG_DIR"
  if [ "$(id -u)" = "0" ]; then chown postgres "$PG_DIR"; fi
  "${as_pg[@]}" "$bin/initdb" -D "$PG_DIR/data" -U postgres -A trust >/tmp/autostack-pg.log 2>&1 \
    || { echo "initdb failed; its log:" >&2; cat /tmp/autostack-pg.log >&2; return 1; }
  local port
  port=$(free_port)
  "${as_pg[@]}" "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
    -o "-h 127.0.0.1 -p $port -k $PG_DIR -c fsync=off" start >>/tmp/autostack-pg.log 2>&1 \
    || { echo "postgres did not start; its log:" >&2; cat "$PG_DIR/server.log" >&2; return 1; }
  on_exit "${as_pg[*]} $bin/pg_ctl -D $PG_DIR/data -m immediate stop >/dev/null 2>&1; rm -rf $PG_DIR"
  export AUTOSTACK_PG_CONN_STR="postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
  echo "== postgresql $PG_MAJOR listening on 127.0.0.1:$port"
}
