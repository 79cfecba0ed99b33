#!/bin/bash
# End-to-end tests of containerd-shim-rune-v2 with Debian's containerd, on private paths.
# Usage: bash tests/shim/run.sh          (root; builds the shim unless SHIM_BIN is set)
# RUNE_SHIM_RUNTIME=/path/to/rune selects the OCI runtime (default: runc from PATH).
# Ends with "N passed, N failed"; exits non-zero on any failure. Cleans up on every exit.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
source "$HERE/lib.sh"
source "$HERE/scenarios.sh"
source "$HERE/carrier.sh"

[ "$(id -u)" = 0 ] || { echo "tests/shim/run.sh must run as root"; exit 1; }
RUNTIME=${RUNE_SHIM_RUNTIME:-$(command -v runc)}
[ -x "$RUNTIME" ] || { echo "runtime binary not found: ${RUNE_SHIM_RUNTIME:-runc}"; exit 1; }
RUNTIME_ROOT=/run/containerd/rune
NS=shimtest$$
R="--runtime io.containerd.rune.v2"

if [ -z "${SHIM_BIN:-}" ]; then
    (cd "$REPO/shim" && swift build --scratch-path .build-shim) || { echo "shim build failed"; echo "0 passed, 1 failed"; exit 1; }
    SHIM_BIN="$REPO/shim/.build-shim/debug/containerd-shim-rune-v2"
fi

T=$(mktemp -d /tmp/rune-shim-test.XXXXXX)
trap cleanup EXIT
trap 'exit 130' INT TERM
mkdir -p "$T/bin"
ln -s "$SHIM_BIN" "$T/bin/containerd-shim-rune-v2"
make_ctr
cat >"$T/config.toml" <<TOML
version = 2
root = "$T/root"
state = "$T/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$T/containerd.sock"
[ttrpc]
  address = "$T/containerd.sock.ttrpc"
TOML

echo "# shim: $SHIM_BIN"
echo "# runtime: $RUNTIME"
python3 "$REPO/scripts/make-oci-image.py" "$T/bb.tar" localhost/bb:1 || { echo "0 passed, 1 failed"; exit 1; }
start_containerd || { echo "0 passed, 1 failed"; exit 1; }
check "image import" $CTR images import "$T/bb.tar"
$CTR events >"$T/events.log" 2>&1 &
EVENTS_PID=$!

# SCENARIOS="run_rm carrier_paths" runs a subset.
for scenario in ${SCENARIOS:-run_rm detached_lifecycle tty_run io_variants rootfs_dir negative_paths grouping containerd_restart shim_kill9 host_pidns oom_event carrier_paths leftovers}; do
    echo "# $scenario"
    "$scenario"
done

kill "$EVENTS_PID" 2>/dev/null
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
