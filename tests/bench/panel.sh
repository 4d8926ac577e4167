#!/usr/bin/env bash
# The calibration panel (tests/bench/panel.txt): mines each project, makes one report of all of
# them (one window: the panel's newest data), and prints group, verdict, score and coverage per
# project, so the README can show whether the labels separate projects of known standing.
#
#   tests/bench/panel.sh MIRRORS_DIR OUT_DIR
#
# MIRRORS_DIR holds one clone per panel project named OWNER+REPO/repo (or OWNER+REPO.git), e.g.
# `git clone --mirror https://github.com/etcd-io/etcd MIRRORS_DIR/etcd-io+etcd/repo`. Not run by
# CI: it needs the clones (about 20 minutes on two cores with a release build).
set -euo pipefail
mirrors=$(cd "$1" && pwd)
out=$2
here=$(cd "$(dirname "$0")/../.." && pwd)
temper=${TEMPER:-$here/target/release/temper}
mkdir -p "$out"
store="$out/store"
grep -v '^#' "$here/tests/bench/panel.txt" | while read -r name group source _; do
  [ -n "$name" ] || continue
  dir="$mirrors/${source/\//+}/repo"
  [ -d "$dir" ] || dir="$mirrors/${source/\//+}.git"
  start=$(date +%s)
  "$temper" analyze "$dir" --name "$name" --store "$store" --quiet >/dev/null
  echo "$name mined in $(( $(date +%s) - start )) s" >&2
done
"$temper" report --store "$store" --out "$out/report" >/dev/null
# group, project, verdict, score, coverage, as the report's factor table has them.
python3 - "$here/tests/bench/panel.txt" "$out/report/tables/report_maturity.csv" <<'PY'
import csv, sys
groups = {}
for line in open(sys.argv[1]):
    if line.strip() and not line.startswith('#'):
        name, group = line.split()[:2]
        groups[name] = group
rows = [r for r in csv.DictReader(open(sys.argv[2])) if r['factor'] == 'score']
rows.sort(key=lambda r: (['established', 'young', 'abandoned'].index(groups[r['repo']]), -float(r['points'])))
print('group,project,verdict,score,coverage')
for r in rows:
    print(f"{groups[r['repo']]},{r['repo']},{r['shown']},{float(r['points']):.1f},{r['coverage']}")
PY
