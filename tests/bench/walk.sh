#!/usr/bin/env bash
# Benchmark (not a test): `temper analyze --activity-only` into an empty store (full commit walk,
# mailmap, activity tables, store write) against `git log --format='%aE %at'` over the same
# repository, measured alternately in one run.
#
#   tests/bench/walk.sh PATH [RUNS]
#
# Prints the median wall time of each and temper's time as a ratio of git's. Builds temper in
# release mode first. The repository is only read.
set -euo pipefail
repo=$(cd "$1" && pwd)
runs=${2:-5}
root=$(cd "$(dirname "$0")/../.." && pwd)
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/temper-target}"
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
(cd "$root" && cargo build --release --quiet)
temper="$CARGO_TARGET_DIR/release/temper"
store=$(mktemp -d)
trap 'rm -rf "$store"' EXIT

now() { date +%s.%N; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

git_times=() temper_times=()
# One warm-up each so both read from the page cache.
git -C "$repo" log --format='%aE %at' HEAD >/dev/null
"$temper" analyze "$repo" --store "$store/s" --name bench --activity-only --quiet >/dev/null
for _ in $(seq "$runs"); do
  t0=$(now); git -C "$repo" log --format='%aE %at' HEAD >/dev/null; t1=$(now)
  git_times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN{print b-a}')")
  rm -rf "$store/s"
  t0=$(now); "$temper" analyze "$repo" --store "$store/s" --name bench --activity-only --quiet >/dev/null; t1=$(now)
  temper_times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN{print b-a}')")
done
g=$(printf '%s\n' "${git_times[@]}" | median)
t=$(printf '%s\n' "${temper_times[@]}" | median)
commits=$(git -C "$repo" rev-list --count HEAD)
printf 'repository      %s (%s commits on HEAD), %s cores, %s runs\n' "$repo" "$commits" "$(nproc)" "$runs"
printf 'git log         %.3f s (median)\n' "$g"
printf 'temper analyze --activity-only  %.3f s (median)\n' "$t"
printf 'ratio           %.2f (temper / git)\n' "$(awk -v a="$t" -v b="$g" 'BEGIN{print a/b}')"
