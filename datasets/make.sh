#!/usr/bin/env bash
# Rebuilds the shipped dataset from bare mirrors of the three projects (not run by CI: it needs the
# mirrors and about three minutes on two cores).
#
#   datasets/make.sh MIRRORS_DIR
#
# MIRRORS_DIR holds moby.git, xen.git and firecracker.git (e.g. `git clone --mirror
# https://github.com/moby/moby MIRRORS_DIR/moby.git`). The store is a temporary directory; only
# the aggregate tables (no names or e-mail addresses) are copied into datasets/.
set -euo pipefail
mirrors=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
cargo build --release --quiet
temper=${CARGO_TARGET_DIR:-$here/target}/release/temper
store=$(mktemp -d)
trap 'rm -rf "$store"' EXIT
for name in moby xen firecracker; do
  "$temper" analyze "$mirrors/$name.git" --name "$name" --store "$store/s" --quiet
done
rm -rf datasets/repos
"$temper" dataset --store "$store/s" --out datasets \
  --origin moby=https://github.com/moby/moby \
  --origin xen=https://github.com/xen-project/xen \
  --origin firecracker=https://github.com/firecracker-microvm/firecracker
# The provenance file quotes the command; the store was a temporary directory.
sed -i "s#--store $store/s#--store STORE#" datasets/PROVENANCE.md
