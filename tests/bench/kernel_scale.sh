#!/usr/bin/env bash
# Benchmark (not a test): temper on synthetic histories in the Linux kernel's shape (see
# examples/synthetic_history.rs), beside `git log` in the same run.
#
#   tests/bench/kernel_scale.sh COMMITS|kernel [WORKDIR]
#
# Builds WORKDIR/synthetic-COMMITS.git once (kept for later runs; `kernel` is the kernel's
# size: 1,350,000 commits, 90,000 files of 390 lines), then prints, each with wall time and
# peak memory: git log --format='%aE %at' (the activity walk's alternative), git's numstat,
# temper analyze --activity-only, a cold full temper analyze with its stage times, the same
# again with one more month of commits on top (a copy of the store, the ref moved back a month
# first), and a cold analyze of two directories (--path).
set -euo pipefail
commits=${1:?usage: kernel_scale.sh COMMITS|kernel [WORKDIR]}
workdir=${2:-/tmp}
shape=()
if [ "$commits" = kernel ]; then
  commits=1350000
  shape=(90000 390)
fi
root=$(cd "$(dirname "$0")/../.." && pwd)
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/temper-target}"
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
(cd "$root" && cargo build --release --quiet --example synthetic_history)
temper="$CARGO_TARGET_DIR/release/temper"
repo="$workdir/synthetic-$commits.git"
if [ ! -d "$repo" ]; then
  /usr/bin/time -f "built in %e s, peak %M KiB" \
    "$CARGO_TARGET_DIR/release/examples/synthetic_history" "$repo" "$commits" "${shape[@]}"
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
measure() { # label, command...
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" > /dev/null 2> "$work/err" &
  local pid=$! own=0 a c
  # The resident peak counts the pack's pages that reads map; the process's own memory
  # (RssAnon) is sampled beside it.
  while kill -0 "$pid" 2> /dev/null; do
    for c in $(pgrep -P "$pid" || true); do
      a=$(awk '/^RssAnon/ {print $2}' "/proc/$c/status" 2> /dev/null || true)
      if [ -n "$a" ] && [ "$a" -gt "$own" ]; then own=$a; fi
    done
    sleep 0.2
  done
  wait "$pid" || { cat "$work/err"; exit 1; }
  read -r wall peak < "$work/time"
  printf '%-48s %8.1f s  peak %6d MiB resident, %6d MiB own\n' "$label" "$wall" "$((peak / 1024))" "$((own / 1024))"
}
echo "repository: $repo ($(git -C "$repo" rev-list --count main) commits, $(nproc) cores)"
measure "git log --format='%aE %at'" git -C "$repo" log --format='%aE %at' main
measure "temper analyze --activity-only" "$temper" analyze "$repo" --ref main --name k --store "$work/a" --activity-only --quiet
measure "git log --numstat --no-merges" git -C "$repo" log --numstat --no-merges --format=%H main
# The history as it was a month before its tip: the newest chain commit at least 31 days older.
tip_time=$(git -C "$repo" log -1 --format=%ct main)
month_ago=$(git -C "$repo" log --first-parent -1 --format=%H --before=$((tip_time - 31 * 86400)) main)
measure "temper analyze (cold, a month before)" "$temper" analyze "$repo" --ref "$month_ago" --name k --store "$work/f" --quiet
measure "temper analyze (one month on top)" "$temper" analyze "$repo" --ref main --name k --store "$work/f" --quiet --timings
grep -o 'timings: .*' "$work/err" | sed 's/^timings: /stages: /' | cut -c1-300
measure "temper analyze (cold, every table)" "$temper" analyze "$repo" --ref main --name k --store "$work/c" --quiet --timings
grep -o 'timings: .*' "$work/err" | sed 's/^timings: /stages: /' | cut -c1-300
measure "temper analyze --path d001 --path d002 (cold)" "$temper" analyze "$repo" --ref main --name p --path d001 --path d002 --store "$work/p" --quiet --timings
grep -o 'timings: .*' "$work/err" | sed 's/^timings: /stages: /' | cut -c1-300
