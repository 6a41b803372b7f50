#!/usr/bin/env bash
# Check a stack for drift and keep one GitHub issue in step with it: on drift, open the
# issue (or update the open one, found by the report's hidden marker) with the Markdown
# report; when drift is gone, comment on it and close it. Needs `autostack`, `gh` (logged in,
# or GH_TOKEN set) and `jq`.
#
#   drift-check.sh [CONFIG_DIR]
#
# Exits 0 when the check ran (drift or not; FAIL_ON_DRIFT=1 makes drift exit 2), 1 on error.
set -uo pipefail
dir="${1:-.}"
autostack="${AUTOSTACK:-autostack}"
label="${DRIFT_LABEL:-drift}"
marker='<!-- autostack:drift-report -->'
report="$(mktemp)"
trap 'rm -f "$report"' EXIT

"$autostack" -chdir="$dir" init -input=false -no-color >&2 || exit 1
"$autostack" -chdir="$dir" drift -format=markdown -detailed-exitcode -input=false >"$report"
code=$?
if [ "$code" -ne 0 ] && [ "$code" -ne 2 ]; then
  echo "autostack drift failed (exit $code)" >&2
  exit 1
fi
cat "$report"

# The open issue this check opened before, if any (its body starts with the marker).
issue="$(gh issue list --state open --label "$label" --json number,body --limit 100 |
  jq -r --arg m "$marker" '[.[] | select(.body | contains($m))][0].number // empty')" || exit 1

if [ "$code" -eq 2 ]; then
  if [ -n "$issue" ]; then
    gh issue edit "$issue" --body-file "$report" || exit 1
  else
    gh label create "$label" --color D93F0B --description "Infrastructure drift" --force >/dev/null 2>&1 || true
    gh issue create --title "Drift detected in ${dir}" --label "$label" --body-file "$report" || exit 1
  fi
  [ "${FAIL_ON_DRIFT:-0}" = 1 ] && exit 2
elif [ -n "$issue" ]; then
  gh issue comment "$issue" --body "No drift any more: the latest check found every resource as recorded." || exit 1
  gh issue close "$issue" || exit 1
fi
exit 0
