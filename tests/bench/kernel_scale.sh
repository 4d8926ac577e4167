#!/usr/bin/env bash
# Benchmark (not a test): temper on synthetic histories in the Linux kernel's shape (see
# examples/synthetic_history.rs), beside `git log` in the same run.
#
#   tests/bench/kernel_scale.sh COMMITS [WORKDIR]
#
# Builds WORKDIR/synthetic-COMMITS.git once (kept for later runs), then prints, each with wall
# time and peak memory: git log --format='%aE %at' (the activity walk's alternative), temper
# analyze --activity-only, and a cold full temper analyze with its stage times.
set -euo pipefail
commits=${1:?usage: kernel_scale.sh COMMITS [WORKDIR]}
workdir=${2:-/tmp}
root=$(cd "$(dirname "$0")/../.." && pwd)
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/temper-target}"
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
(cd "$root" && cargo build --release --quiet --example synthetic_history)
temper="$CARGO_TARGET_DIR/release/temper"
repo="$workdir/synthetic-$commits.git"
if [ ! -d "$repo" ]; then
  /usr/bin/time -f "built in %e s, peak %M KiB" \
    "$CARGO_TARGET_DIR/release/examples/synthetic_history" "$repo" "$commits"
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
measure() { # label, command...
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" > /dev/null 2> "$work/err" || { cat "$work/err"; exit 1; }
  read -r wall peak < "$work/time"
  printf '%-40s %8.1f s  peak %6d MiB\n' "$label" "$wall" "$((peak / 1024))"
}
echo "repository: $repo ($(git -C "$repo" rev-list --count main) commits, $(nproc) cores)"
measure "git log --format='%aE %at'" git -C "$repo" log --format='%aE %at' main
measure "temper analyze --activity-only" "$temper" analyze "$repo" --ref main --name k --store "$work/a" --activity-only --quiet
measure "temper analyze (cold, every table)" "$temper" analyze "$repo" --ref main --name k --store "$work/f" --quiet --timings
grep -o 'timings: .*' "$work/err" | sed 's/^timings: /stages: /' | cut -c1-300
