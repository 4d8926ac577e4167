#!/usr/bin/env bash
# Runs temper's whole hostile-input set in one go (under two minutes once built): hostile and
# damaged repositories (tests/hostile.rs, module `hostile` of the one test binary, on tests/fixtures/make_hostile.sh and make_big.sh:
# replace-ref cycles, malformed identities, declared encodings, missing blobs, scopes, gitlinks,
# empty trees, SHA-256, symbolic-ref loops, truncated packs, 70,000-character and escape-laden
# text, closed pipes, full devices, devices and FIFOs as outputs, damaged stores, a full disk, a
# kill mid-write) and the operator's job (tests/run.rs, module `run`: kills, concurrent runs, changed and
# hostile sources). Everything is built by scripts; nothing touches the network.
set -euo pipefail
cd "$(dirname "$0")/.."
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 TZ=UTC
cargo build --tests --quiet
start=$(date +%s)
cargo test --quiet --test integration -- hostile:: run::
echo "hostile set: $(( $(date +%s) - start )) s"
