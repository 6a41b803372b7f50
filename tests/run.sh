#!/usr/bin/env bash
# The one test command of AutoStack (README's "Test" section; .ci/run calls exactly this).
# It installs and starts what the tests need by itself, then runs every test of the workspace.
set -euo pipefail
cd "$(dirname "$0")/.."

# Reuse compiled dependencies across runs on one machine when CI provides a cache directory;
# a fresh machine builds from scratch.
export CARGO_TERM_COLOR=never
# A test run builds each crate once: incremental artifacts would only fill the disk.
export CARGO_INCREMENTAL=0
export RUST_BACKTRACE=1
if [ -n "${AUTOSTACK_TARGET_DIR:-}" ]; then
  export CARGO_TARGET_DIR="$AUTOSTACK_TARGET_DIR"
fi

echo "== format and lint"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --features autostack-state/gcs,autostack-state/azurerm -- -D warnings

echo "== API doubles (Azure Resource Manager, Compute Engine)"
python3 -m unittest discover -s tests/doubles -p 'test_*.py'

echo "== emulators"
source tests/emulators.sh
start_moto
start_fake_gcs
start_azurite
start_arm_double
start_postgres
ensure_chromium

echo "== fuzzing (bounded: 15 s a target; README's \"Fuzzing\")"
bash tests/fuzz/run.sh 15

echo "== tests"
# The state crate's remote backends are features; their tests run here.
cargo test --workspace --no-fail-fast --features autostack-state/gcs,autostack-state/azurerm 2>&1 | tee /tmp/autostack-test.log
grep -E "^test result:" /tmp/autostack-test.log | awk '{p+=$4; f+=$6} END {print p " passed, " f " failed"}'
