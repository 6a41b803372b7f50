#!/usr/bin/env bash
# Installs and starts the emulators the tests talk to; sourced by tests/run.sh.
# moto (AWS EC2/S3/STS) runs from a project-local virtualenv at a pinned version, on a free
# loopback port; it is stopped when the calling shell exits.

MOTO_VERSION="5.2.5"

# Adds a command to the EXIT trap, keeping those already there (each emulator stops its own
# server; one trap must not replace another's).
add_exit_trap() {
  local prev
  prev=$(trap -p EXIT | sed -e "s/^trap -- '//" -e "s/' EXIT\$//")
  if [ -n "$prev" ]; then
    trap "$1; $prev" EXIT
  else
    trap "$1" EXIT
  fi
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
  add_exit_trap "kill $MOTO_PID 2>/dev/null || true"
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

# The Azure Resource Manager double (tests/doubles/arm.py: standard library only) on a free
# loopback port; the Azure tests read AUTOSTACK_ARM_URL (and start their own double without it).
start_arm_double() {
  local log=/tmp/autostack-arm-double.log
  : >"$log"
  python3 tests/doubles/arm.py --port 0 >"$log" 2>/dev/null &
  ARM_DOUBLE_PID=$!
  add_exit_trap "kill $ARM_DOUBLE_PID 2>/dev/null || true"
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
