#!/usr/bin/env bash
# Correctness check on a real repository (not a test): temper's line counts for the month of
# REF's commit against the tokei CLI over `git archive REF`, language by language.
#
#   tests/bench/parity.sh PATH [REF]
#
# REF must be the last commit of its month on the first-parent chain (HEAD always is, when the
# store is built from HEAD). Prints each mismatch and a count; exits 1 on any mismatch.
set -euo pipefail
repo=$(cd "$1" && pwd)
ref=${2:-HEAD}
root=$(cd "$(dirname "$0")/../.." && pwd)
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/temper-target}"
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
tokei=${TOKEI:-tokei}
(cd "$root" && cargo build --release --quiet)
temper="$CARGO_TARGET_DIR/release/temper"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$temper" analyze "$repo" --ref "$ref" --name parity --store "$work/store" --quiet >/dev/null
month=$(git -C "$repo" log -1 --format=%cd --date=format-local:%Y-%m "$ref")
mkdir "$work/tree"
git -C "$repo" archive "$ref" | tar -x -C "$work/tree"
(cd "$work/tree" && "$tokei" --hidden --no-ignore --output json .) > "$work/tokei.json"
"$temper" export --store "$work/store" --table loc --format csv | awk -F, -v m="$month" '$2 == m' > "$work/temper.csv"
TZ=UTC python3 - "$work/tokei.json" "$work/temper.csv" "$month" <<'PY'
import csv, json, sys
tokei = json.load(open(sys.argv[1]))
def summarise(s):
    c, m, b = s["code"], s["comments"], s["blanks"]
    for blob in s["blobs"].values():
        x = summarise(blob); c += x[0]; m += x[1]; b += x[2]
    return c, m, b
expected = {}
for name, lang in tokei.items():
    if name == "Total":
        continue
    c, m, b = lang["code"], lang["comments"], lang["blanks"]
    for reports in lang["children"].values():
        for r in reports:
            x = summarise(r["stats"]); c += x[0]; m += x[1]; b += x[2]
    expected[name] = (len(lang["reports"]), c, m, b)
got = {row[2]: tuple(int(v) for v in row[3:7]) for row in csv.reader(open(sys.argv[2]))}
got.pop("Unrecognised", None)
def norm(n): return n.replace(" ", "").replace("+", "Plus").replace("#", "Sharp").lower()
by_norm = {norm(k): v for k, v in got.items()}
bad = 0
for name, v in sorted(expected.items()):
    g = got.get(name, by_norm.get(norm(name)))
    if g != v:
        bad += 1
        print(f"MISMATCH {name}: tokei {v} temper {g}")
extra = len(got) - len(expected)
print(f"month {sys.argv[3]}: {len(expected)} languages compared, {bad} mismatches, {extra} languages only in temper")
sys.exit(1 if bad or extra else 0)
PY
