#!/usr/bin/env bash
# Benchmark and real-repository check (not a test): churn against `git log --numstat --no-merges`.
#
#   tests/bench/churn.sh PATH
#
# Runs git's numstat over HEAD and `temper analyze --timings` (whose "churn" stage is the same
# work: every non-merge commit diffed against its parent with rename detection), one after the
# other on the same repository, and compares the per-commit counts. On a partial clone git stops
# at the first missing blob; the comparison then covers the commits git printed.
. "$(dirname "$0")/common.sh" "$1"
t0=$(now)
if git -C "$repo" log --numstat --no-merges --format=@%H HEAD > "$work/numstat" 2>"$work/git.err"; then
  complete=1
else
  complete=0
fi
t1=$(now)
"$temper" analyze "$repo" --name bench --store "$work/store" --quiet --timings >/dev/null 2>"$work/timings"
"$temper" export --store "$work/store" --table commits --format csv > "$work/commits.csv"
echo "repository: $repo ($(nproc) cores)"
awk -v a="$t0" -v b="$t1" -v c="$complete" 'BEGIN{printf "git log --numstat --no-merges: %.1f s%s\n", b-a, (c ? "" : " (stopped early: " ) }'
[ "$complete" = 1 ] || sed 's/^/  /' "$work/git.err" | head -2
grep -o 'churn [0-9.]*s' "$work/timings" | sed 's/^/temper /'
if [ "$complete" = 1 ]; then
  python3 "$root/tests/bench/numstat_compare.py" "$work/numstat" "$work/commits.csv"
else
  python3 "$root/tests/bench/numstat_compare.py" "$work/numstat" "$work/commits.csv" cut
fi
