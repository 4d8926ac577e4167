#!/usr/bin/env bash
# Rebuilds the shipped dataset from bare mirrors of the six projects, two container runtimes and
# four hypervisors or VMMs (not run by CI: it needs the mirrors and about five minutes on two
# cores).
#
#   datasets/make.sh MIRRORS_DIR
#
# MIRRORS_DIR holds moby.git, runc.git, xen.git, firecracker.git, cloud-hypervisor.git and
# kvmtool.git (e.g. `git clone --mirror
# https://github.com/moby/moby MIRRORS_DIR/moby.git`). The store is a temporary directory; only
# the aggregate tables (no names or e-mail addresses) are copied into datasets/.
set -euo pipefail
mirrors=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
temper=${TEMPER:-}
if [ -z "$temper" ]; then
  cargo build --release --quiet
  temper=${CARGO_TARGET_DIR:-$here/target}/release/temper
fi
store=$(mktemp -d)
trap 'rm -rf "$store"' EXIT
for name in moby runc xen firecracker cloud-hypervisor kvmtool; do
  "$temper" analyze "$mirrors/$name.git" --name "$name" --store "$store/s" --quiet
done
rm -rf datasets/repos
"$temper" dataset --store "$store/s" --out datasets \
  --origin moby=https://github.com/moby/moby \
  --origin runc=https://github.com/opencontainers/runc \
  --origin cloud-hypervisor=https://github.com/cloud-hypervisor/cloud-hypervisor \
  --origin kvmtool=https://github.com/kvmtool/kvmtool \
  --origin xen=https://github.com/xen-project/xen \
  --origin firecracker=https://github.com/firecracker-microvm/firecracker
# The provenance file quotes the command; the store was a temporary directory.
sed -i "s#--store $store/s#--store STORE#" datasets/PROVENANCE.md
