#!/usr/bin/env bash
# Line age against `git blame --first-parent` on a real repository, for sampled files at HEAD.
#
#   tests/bench/blame.sh PATH [FILES]
#
# Picks FILES (default 20) text files spread over HEAD's tree, follows every line of the whole
# first-parent history with temper (examples/age_only.rs), runs `git blame --first-parent
# --porcelain` on each sampled file, and counts the lines whose commit differs.
set -euo pipefail
repo=$(cd "$1" && pwd)
n=${2:-20}
here=$(cd "$(dirname "$0")/../.." && pwd)
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
(cd "$here" && cargo build --release --quiet --example age_only)
bin=${CARGO_TARGET_DIR:-$here/target}/release/examples/age_only
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git -C "$repo" ls-tree -r HEAD | awk '$1 ~ /^1006|^1007/ {print $4}' \
  | grep -E '\.(c|h|go|rs|py|sh|md|S|ml|yml|yaml)$' > "$work/all"
total=$(wc -l < "$work/all")
awk -v n="$n" -v t="$total" 'NR % int(t / n + 1) == 0' "$work/all" | head -n "$n" > "$work/files"
mapfile -t files < "$work/files"
start=$(date +%s.%N)
"$bin" "$repo" "${files[@]}" > "$work/temper"
echo "temper: $(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN{printf "%.1f", e-s}') s for every line of every file"
start=$(date +%s.%N)
for f in "${files[@]}"; do
  git -C "$repo" blame --first-parent --porcelain HEAD -- "$f" \
    | awk -v f="$f" 'length($1) == 40 && $1 ~ /^[0-9a-f]+$/ && NF >= 3 {n++; print f "\t" n "\t" $1}'
done > "$work/git"
echo "git blame --first-parent: $(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN{printf "%.1f", e-s}') s for ${#files[@]} files"
lines=$(wc -l < "$work/git")
differ=$(diff <(sort "$work/temper") <(sort "$work/git") | grep -c '^<' || true)
echo "files: ${#files[@]}, lines: $lines, lines whose commit differs: $differ"
diff <(sort "$work/temper") <(sort "$work/git") | head -6 || true
