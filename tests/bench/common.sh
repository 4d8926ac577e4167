# Sourced by the benchmark scripts: resolves the repository argument ($repo), builds temper in
# release mode ($temper), makes a scratch directory removed on exit ($work), isolates git from
# user and system configuration, and defines `now` (seconds, for timing).
set -euo pipefail
repo=$(cd "$1" && pwd)
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/temper-target}"
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
(cd "$root" && cargo build --release --quiet)
temper="$CARGO_TARGET_DIR/release/temper"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
now() { date +%s.%N; }
