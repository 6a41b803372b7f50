#!/usr/bin/env bash
# Benchmark: examples/aws-web with the hashicorp/aws plugin serving every type (native off)
# against moto, AutoStack beside Terraform on the same machine, the same plugin and the same
# endpoint configuration. Not part of the CI test command; run it by hand:
#
#   tests/bench/aws_plugin.sh            # from the repository root
#
# Each round runs, in a fresh copy of the example and on a freshly reset moto:
#   init, plan (fresh), apply -auto-approve, plan (no-op), destroy -auto-approve
# with each tool's default flags (AutoStack's cost section on), and prints the best of
# AUTOSTACK_BENCH_RUNS (3) wall times per step and tool. AutoStack is measured twice: with
# the plugin's schema cache cold (emptied before every command) and warm (filled by a first
# run, as after any first use).
#
# Inputs (all optional):
#   AUTOSTACK            the autostack binary (default: target/release/autostack, else on PATH)
#   TERRAFORM            the terraform binary (default: terraform on PATH)
#   AUTOSTACK_TF_PLUGINS the filesystem mirror holding hashicorp/aws (default: /opt/tf-plugins)
#   AUTOSTACK_MOTO_URL   a running moto server (else one is started with tests/emulators.sh)
#   AUTOSTACK_BENCH_TOOLS which columns to measure (default: terraform autostack-cold autostack-warm)
# Skips (exit 0) when the plugin or terraform is absent.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
runs=${AUTOSTACK_BENCH_RUNS:-3}
tools=${AUTOSTACK_BENCH_TOOLS:-terraform autostack-cold autostack-warm}
mirror=${AUTOSTACK_TF_PLUGINS:-/opt/tf-plugins}
target=${CARGO_TARGET_DIR:-$repo/target}
autostack=${AUTOSTACK:-$target/release/autostack}
[ -x "$autostack" ] || autostack=$(command -v autostack || true)
terraform=${TERRAFORM:-$(command -v terraform || true)}

if [ ! -d "$mirror/registry.terraform.io/hashicorp/aws" ]; then
  echo "skipped: no hashicorp/aws plugin in $mirror"; exit 0
fi
if [ -z "$terraform" ] || [ ! -x "$terraform" ]; then
  echo "skipped: no terraform binary (set TERRAFORM)"; exit 0
fi
if [[ "$tools" == *autostack* ]] && { [ -z "$autostack" ] || [ ! -x "$autostack" ]; }; then
  echo "skipped: no autostack binary (cargo build --release -p autostack-cli, or set AUTOSTACK)"; exit 0
fi

# shellcheck source=../emulators.sh
source tests/emulators.sh
if [ -z "${AUTOSTACK_MOTO_URL:-}" ]; then
  start_moto
fi
moto=$AUTOSTACK_MOTO_URL

work=$(mktemp -d /tmp/autostack-bench-aws-plugin.XXXXXX)
on_exit "rm -rf '$work'"
cat >"$work/terraformrc" <<EOF
provider_installation {
  filesystem_mirror {
    path    = "$mirror"
    include = ["registry.terraform.io/hashicorp/*"]
  }
}
EOF

# The same environment for both tools: every AWS endpoint at moto (AWS_ENDPOINT_URL, which
# the plugin honours), moto's credentials, the mirror, no checkpoint or telemetry calls.
export TF_CLI_CONFIG_FILE="$work/terraformrc" AWS_ENDPOINT_URL="$moto" \
  AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1 \
  AWS_EC2_METADATA_DISABLED=true CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
vars=(-var s3_use_path_style=true)

# A fresh copy of the example; for AutoStack, autostack.hcl turns the native provider off.
fresh_dir() {
  local dir="$work/$1"
  rm -rf "$dir"
  cp -r examples/aws-web "$dir"
  if [ "$1" != terraform ]; then
    printf 'provider "aws" {\n  implementation = "plugin"\n}\n' >"$dir/autostack.hcl"
  fi
  echo "$dir"
}

reset_moto() { curl -fsS -X POST "$moto/moto-api/reset" >/dev/null; }

# Runs one command in $dir, appends "step seconds" to $log; fails loudly on a non-zero exit.
timed() {
  local step=$1; shift
  local start end
  start=$(date +%s.%N)
  if ! (cd "$dir" && "$@" >"$work/last.out" 2>&1); then
    echo "FAILED: $step: $*" >&2; tail -40 "$work/last.out" >&2; exit 1
  fi
  end=$(date +%s.%N)
  echo "$step $(echo "$end - $start" | bc)" >>"$log"
}

# One round for a tool: label, then the binary; cold = empty the schema cache before each step.
round() {
  local label=$1 bin=$2 cold=${3:-}
  dir=$(fresh_dir "$label")
  reset_moto
  step() {
    [ -n "$cold" ] && rm -rf "$AUTOSTACK_PLUGIN_CACHE_DIR"
    timed "$@"
  }
  step init "$bin" init -no-color
  step plan "$bin" plan -no-color "${vars[@]}"
  step apply "$bin" apply -auto-approve -no-color "${vars[@]}"
  step noop "$bin" plan -no-color -detailed-exitcode "${vars[@]}"
  step destroy "$bin" destroy -auto-approve -no-color "${vars[@]}"
}

export AUTOSTACK_PLUGIN_CACHE_DIR="$work/schema-cache"
for label in $tools; do
  log="$work/$label.log"; : >"$log"
  case $label in
    terraform) bin=$terraform cold= ;;
    autostack-cold) bin=$autostack cold=1 ;;
    autostack-warm) bin=$autostack cold= ;;
  esac
  for _ in $(seq 1 "$runs"); do round "$label" "$bin" "$cold"; done
done

best() { awk -v s="$2" '$1 == s { if (b == "" || $2 < b) b = $2 } END { printf "%.2f", b }' "$1"; }
echo
echo "aws-web, hashicorp/aws $(ls "$mirror/registry.terraform.io/hashicorp/aws" | sort | tail -1) plugin, moto at $moto, best of $runs (s)"
echo "$("$terraform" version | head -1); $("$autostack" version 2>/dev/null | head -1 || true)"
printf '%-16s %8s %8s %8s %8s %8s\n' tool init plan apply noop-plan destroy
for label in $tools; do
  log="$work/$label.log"
  printf '%-16s %8s %8s %8s %8s %8s\n' "$label" "$(best "$log" init)" "$(best "$log" plan)" \
    "$(best "$log" apply)" "$(best "$log" noop)" "$(best "$log" destroy)"
done
