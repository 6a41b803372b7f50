#!/usr/bin/env bash
# Run the pull-request cost check locally: price the configuration at BASE (a git revision,
# default origin/main) and in the working tree, and print the Markdown comment the CI job
# would post. Exits 3 when a budget or policy in autostack.hcl is broken.
#
#   examples/pr-cost-check/cost-check.sh [CONFIG_DIR] [BASE]
set -euo pipefail
dir="${1:-.}"
base="${2:-origin/main}"
autostack="${AUTOSTACK:-autostack}"
top="$(git -C "$dir" rev-parse --show-toplevel)"
rel="$(realpath --relative-to="$top" "$dir")"
tmp="$(mktemp -d)"
trap 'git -C "$top" worktree remove --force "$tmp/base" >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
git -C "$top" worktree add --detach "$tmp/base" "$base" >/dev/null
"$autostack" cost -format=json "$tmp/base/$rel" > "$tmp/base.json" || [ $? -eq 3 ]
"$autostack" cost -format=markdown -compare-to "$tmp/base.json" "$dir"
