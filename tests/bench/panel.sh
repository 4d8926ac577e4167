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
grep -v '^#' "$here/tests/bench/panel.txt" | while read -r name group source pattern _; do
  [ -n "$name" ] || continue
  dir="$mirrors/${source/\//+}/repo"
  [ -d "$dir" ] || dir="$mirrors/${source/\//+}.git"
  rule=()
  [ "$pattern" = "-" ] || rule=(--release-pattern "$pattern")
  start=$(date +%s)
  "$temper" analyze "$dir" --name "$name" --store "$store" --quiet "${rule[@]}" >/dev/null
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
# The chart for the README: each project's score as a dot on a 0-100 axis, one row per group,
# the verdict thresholds (55, 75) as lines. SVG, no dependencies.
python3 - "$here/tests/bench/panel.txt" "$out/report/tables/report_maturity.csv" "$out/panel.svg" <<'PY'
import csv, sys, html
groups = {}
for line in open(sys.argv[1]):
    if line.strip() and not line.startswith('#'):
        name, group = line.split()[:2]
        groups[name] = group
rows = [r for r in csv.DictReader(open(sys.argv[2])) if r['factor'] == 'score']
order = ['established', 'young', 'abandoned']
colour = {'battle-hardened': '#1a7f37', 'maturing': '#9a6700', 'young or at risk': '#cf222e', 'dormant': '#6e7781'}
W, H, left, right, top, row = 900, 330, 130, 30, 40, 80
x = lambda v: left + (W - left - right) * v / 100
out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" viewBox="0 0 {W} {H}" font-family="sans-serif" font-size="13">',
       f'<rect width="{W}" height="{H}" fill="white"/>',
       f'<text x="{left}" y="22" font-size="15" font-weight="bold">Maturity score by known standing (calibration panel)</text>']
for t in (55, 75):
    out.append(f'<line x1="{x(t)}" y1="{top}" x2="{x(t)}" y2="{top + row * 3}" stroke="#999" stroke-dasharray="4 3"/>')
    out.append(f'<text x="{x(t) + 3}" y="{top + 12}" fill="#666">{t}</text>')
for v in range(0, 101, 20):
    out.append(f'<text x="{x(v)}" y="{top + row * 3 + 18}" text-anchor="middle" fill="#444">{v}</text>')
for gi, g in enumerate(order):
    y = top + row * gi + row / 2
    out.append(f'<text x="10" y="{y + 4}">{g}</text>')
    out.append(f'<line x1="{left}" y1="{y}" x2="{W - right}" y2="{y}" stroke="#eee"/>')
    mine = sorted((r for r in rows if groups.get(r['repo']) == g), key=lambda r: float(r['points']))
    placed = []
    for r in mine:
        v = float(r['points'])
        # The first label level free of neighbours within 6 points: below, above, further out.
        level = next(l for l in range(8) if all(abs(v - pv) > 6 or pl != l for pv, pl in placed))
        placed.append((v, level))
        dy = [14, -10, 26, -22][level % 4]
        out.append(f'<circle cx="{x(v):.1f}" cy="{y:.1f}" r="6" fill="{colour.get(r["shown"], "#000")}"><title>{html.escape(r["repo"])}: {v:.1f} {html.escape(r["shown"])}</title></circle>')
        out.append(f'<text x="{x(v):.1f}" y="{y + dy:.1f}" text-anchor="middle" font-size="10" fill="#333">{html.escape(r["repo"])}</text>')
out.append(f'<text x="{left}" y="{H - 8}" fill="#444" font-size="11">green battle-hardened, amber maturing, red young or at risk, grey dormant; dashed: the verdict thresholds</text>')
out.append('</svg>')
open(sys.argv[3], 'w').write('\n'.join(out))
PY
