#!/usr/bin/env bash
# Benchmark (not a test): a cold `temper analyze` of a real repository beside
# `git log --numstat --no-merges HEAD` and the floor of inflating every object once
# (`git cat-file --batch-all-objects --unordered --batch`, in pack order), in one run, with each stage's time and the ratios.
#
#   tests/bench/analyze.sh PATH
#
# Prints git's time, the inflate-everything floor, temper's wall time, peak memory and stage
# times (from --timings), and temper / git and temper / floor. On a partial clone git stops at
# the first missing blob; its time is then marked.
. "$(dirname "$0")/common.sh" "$1"
t0=$(now)
complete=yes
git -C "$repo" log --numstat --no-merges --format=@%H HEAD > /dev/null 2>&1 || complete=no
t1=$(now)
git -C "$repo" cat-file --batch-all-objects --unordered --batch > /dev/null 2>&1 || true
t2=$(now)
/usr/bin/time -f "%e %M" -o "$work/time" \
  "$temper" analyze "$repo" --name bench --store "$work/store" --quiet --timings \
  > /dev/null 2> "$work/timings"
read -r wall peak < "$work/time"
echo "repository: $repo ($(nproc) cores)"
awk -v a="$t0" -v b="$t1" -v c="$complete" \
  'BEGIN { printf "git log --numstat --no-merges: %.1f s%s\n", b - a, (c == "yes" ? "" : " (stopped early: a missing object)") }'
awk -v a="$t1" -v b="$t2" 'BEGIN { printf "git cat-file --batch-all-objects --unordered --batch (every object inflated once): %.1f s\n", b - a }'
echo "temper analyze (cold, every table): $wall s, peak $((peak / 1024)) MiB"
grep -o 'timings: .*' "$work/timings" | sed 's/; age: lines.*//; s/^timings: /stages: /'
awk -v a="$t0" -v b="$t1" -v c="$t2" -v w="$wall" \
  'BEGIN { printf "ratio temper / git numstat: %.2f; temper / inflate floor: %.2f\n", w / (b - a), w / (c - b) }'
