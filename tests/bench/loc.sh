#!/usr/bin/env bash
# Benchmark (not a test): monthly lines of code over a whole history.
#
#   tests/bench/loc.sh PATH [SAMPLES]
#
# In one run, on the same repository:
#   1. temper analyze, cold (empty store): wall time and peak memory, with --timings; its "loc"
#      stage is the part comparable with the alternative below;
#   2. temper analyze again with nothing changed;
#   3. the alternative: for SAMPLES months spread over the history, `git archive` of the
#      month-end commit extracted to disk, then the tokei CLI over it; the mean per month times
#      the number of months is the extrapolated cost of doing every month that way.
# Needs the tokei CLI ($TOKEI or on PATH) and GNU time (/usr/bin/time).
set -euo pipefail
repo=$(cd "$1" && pwd)
samples=${2:-8}
root=$(cd "$(dirname "$0")/../.." && pwd)
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/temper-target}"
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
tokei=${TOKEI:-tokei}
(cd "$root" && cargo build --release --quiet)
temper="$CARGO_TARGET_DIR/release/temper"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", b-a}'; }

echo "repository: $repo ($(nproc) cores)"
t0=$(now)
/usr/bin/time -f '%M' -o "$work/mem" "$temper" analyze "$repo" --name bench --store "$work/store" --timings >/dev/null 2>"$work/timings"
t1=$(now)
cold=$(secs "$t0" "$t1")
loc_stage=$(grep -o ' loc [0-9.]*s' "$work/timings" | head -1 | tr -dc '0-9.')
echo "temper cold:      ${cold} s wall for the whole run (walk, churn, lines of code, code age, store), peak $(( $(cat "$work/mem") / 1024 )) MiB"
echo "temper loc stage: ${loc_stage} s (all months' lines of code)"
grep 'timings' "$work/timings" | sed 's/^/  /'
t0=$(now); "$temper" analyze "$repo" --name bench --store "$work/store" --quiet >/dev/null 2>&1; t1=$(now)
echo "temper unchanged: $(secs "$t0" "$t1") s wall"

"$temper" export --store "$work/store" --table snapshots --format csv --repo bench \
  | tail -n +2 | cut -d, -f2,3 > "$work/snapshots"
months=$(wc -l < "$work/snapshots")
step=$(( months / samples )); [ "$step" -ge 1 ] || step=1
total=0 n=0 skipped=0
for line in $(awk -v s="$step" 'NR % s == 0' "$work/snapshots"); do
  [ "$n" -lt "$samples" ] || break
  commit=${line#*,}
  rm -rf "$work/tree"; mkdir "$work/tree"
  t0=$(now)
  # A partial clone can lack a blob of some month: git archive then fails, so that month cannot
  # be measured this way (temper counts it and reports the missing object instead).
  if ! git -C "$repo" archive "$commit" 2>/dev/null | tar -x -C "$work/tree" 2>/dev/null; then
    skipped=$((skipped + 1)); continue
  fi
  "$tokei" --hidden --no-ignore "$work/tree" >/dev/null
  t1=$(now)
  total=$(awk -v a="$total" -v d="$(secs "$t0" "$t1")" 'BEGIN{print a+d}')
  n=$((n + 1))
done
[ "$n" -gt 0 ] || { echo "no month could be checked out"; exit 1; }
[ "$skipped" -eq 0 ] || echo "($skipped sampled months skipped: git archive failed on a missing object)"
per=$(awk -v t="$total" -v n="$n" 'BEGIN{printf "%.2f", t/n}')
all=$(awk -v p="$per" -v m="$months" 'BEGIN{printf "%.0f", p*m}')
echo "checkout + tokei: ${per} s per month over $n sampled months; x ${months} months = ${all} s"
echo "ratio:            temper's loc stage is $(awk -v a="$all" -v c="$loc_stage" 'BEGIN{printf "%.1f", a/c}')x faster than checkout + tokei (whole run: $(awk -v a="$all" -v c="$cold" 'BEGIN{printf "%.1f", a/c}')x)"
