#!/usr/bin/env bash
# Check on a real repository (not a test): every public table of a cold `temper analyze` is
# byte-identical between two temper binaries (say, before and after a speed change).
#
#   tests/bench/identical.sh PATH OLD_TEMPER [NEW_TEMPER]
#
# NEW_TEMPER defaults to this checkout's release build. Prints each table that differs and
# exits 1 if any does.
set -euo pipefail
repo=$(cd "$1" && pwd)
old=$2
root=$(cd "$(dirname "$0")/../.." && pwd)
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/temper-target}"
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
if [ -n "${3:-}" ]; then
  new=$3
else
  (cd "$root" && cargo build --release --quiet)
  new="$CARGO_TARGET_DIR/release/temper"
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tables="commits activity loc age data_quality snapshots language_commits releases evidence practices organisations class_churn missing_files vendored_changes"
differ=0
for side in old new; do
  bin=${!side}
  "$bin" analyze "$repo" --name same --store "$work/$side" --quiet > /dev/null
  for t in $tables; do
    "$bin" export --store "$work/$side" --table "$t" --format csv --out "$work/$side-$t.csv"
  done
done
for t in $tables; do
  if cmp -s "$work/old-$t.csv" "$work/new-$t.csv"; then
    echo "same: $t ($(wc -l < "$work/new-$t.csv") lines)"
  else
    echo "DIFFERS: $t"
    differ=1
  fi
done
exit $differ
