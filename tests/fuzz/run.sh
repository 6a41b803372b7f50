#!/usr/bin/env bash
# A bounded libFuzzer run of every fuzz target (SECONDS_PER_TARGET each, default 15) over a
# scratch copy of the committed corpus; a crash fails the run and leaves its input in
# tests/fuzz/artifacts/TARGET/. Needs a nightly toolchain (cargo-fuzz is installed, pinned,
# when missing). Without nightly (it cannot be fetched on every machine) it says so and
# stops: the targets' bodies already ran over the committed corpus on stable, in
# engine/cli/tests/fuzz_corpus.rs. The build lands in $CARGO_TARGET_DIR when set.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${1:-15}"
CARGO_FUZZ_VERSION=0.13.2

if ! cargo +nightly --version >/dev/null 2>&1; then
  echo "fuzz: no nightly toolchain here; the corpus ran on stable (engine/cli/tests/fuzz_corpus.rs)"
  exit 0
fi
if [ "$(cargo fuzz --version 2>/dev/null || true)" != "cargo-fuzz $CARGO_FUZZ_VERSION" ]; then
  echo "fuzz: installing cargo-fuzz $CARGO_FUZZ_VERSION"
  cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked --quiet
fi
start=$(date +%s)
cargo +nightly fuzz build --fuzz-dir tests/fuzz -s none
built=$(date +%s)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
for target in hcl state planfile policy; do
  mkdir -p "$scratch/$target"
  cargo +nightly fuzz run --fuzz-dir tests/fuzz -s none "$target" \
    "$scratch/$target" "tests/fuzz/corpus/$target" -- \
    -max_total_time="$seconds" -max_len=8192 -timeout=30 -rss_limit_mb=2048 \
    -print_final_stats=1 2>&1 | grep -E "^stat::(number_of_executed_units|average_exec_per_sec)|ERROR|panicked" \
    | sed "s/^/fuzz $target: /"
done
echo "fuzz: build $((built - start)) s, runs $(($(date +%s) - built)) s"
