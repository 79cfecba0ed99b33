#!/bin/bash
# Resident memory of containerd-shim-rune-v2 and containerd-shim-runc-v2, each serving one running task
# after the same RPCs (create, start, exec, ps, metrics, pause, resume), on a private containerd.
# Usage: bash tests/shim/measure-rss.sh [SHIM_BIN]   (default: the static release build, built if missing)
# Prints VmRSS right after the RPCs ("busy") and after the shim has been idle for 5 s ("idle"), plus the
# anonymous/file split. Numbers for reports; never a test threshold.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
source "$HERE/lib.sh"
SHIM_BIN=${1:-$REPO/shim/.build-shim/release/containerd-shim-rune-v2}
if [ ! -x "$SHIM_BIN" ]; then
    (cd "$REPO/shim" && swift build --scratch-path .build-shim -c release -Xswiftc -static-executable) || exit 1
fi
RUNTIME=${RUNE_SHIM_RUNTIME:-$(command -v runc)}
RUNTIME_ROOT=/run/containerd/rune
NS=shimrss$$
T=$(mktemp -d /tmp/rune-shim-rss.XXXXXX)
trap cleanup EXIT
mkdir -p "$T/bin"
strip -o "$T/bin/containerd-shim-rune-v2" "$SHIM_BIN"
sync "$T/bin/containerd-shim-rune-v2"  # an installed binary is clean in the page cache, not freshly written
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
python3 "$REPO/scripts/make-oci-image.py" "$T/bb.tar" localhost/bb:1
start_containerd || exit 1
$CTR images import "$T/bb.tar" >/dev/null

rss_line() {
    local pid=$1
    printf 'VmRSS %s kB (anon %s kB, file %s kB), threads %s' \
        "$(awk '/^VmRSS/ {print $2}' /proc/$pid/status)" "$(awk '/^Pss_Anon/ {print $2}' /proc/$pid/smaps_rollup)" \
        "$(awk '/^Pss_File/ {print $2}' /proc/$pid/smaps_rollup)" "$(awk '/^Threads/ {print $2}' /proc/$pid/status)"
}

stopped() { [ "$($CTR task ls | awk -v i="$1" '$1 == i {print $3}')" = STOPPED ]; }

for runtime in io.containerd.rune.v2 io.containerd.runc.v2; do
    id=m-${runtime//./-}
    $CTR run -d --runtime "$runtime" localhost/bb:1 "$id" /bin/sh -c 'while :; do sleep 1; done'
    $CTR task exec --exec-id e1 "$id" /bin/true
    $CTR task ps "$id" >/dev/null
    $CTR task metrics "$id" >/dev/null
    $CTR task pause "$id" && $CTR task resume "$id"
    pid=$(pgrep -f "containerd-shim-run.-v2 -namespace $NS -id $id" | head -1)
    echo "$runtime busy: $(rss_line "$pid")"
    sleep 5
    echo "$runtime idle: $(rss_line "$pid")"
    $CTR task kill -s KILL "$id"
    wait_until stopped "$id"
    $CTR task delete "$id" >/dev/null
    $CTR c rm "$id"
done

# `ctr run --rm` wall time through each shim (same runtime binary), unique ids, sequential runs.
runs=${RUNS:-20}
for runtime in io.containerd.rune.v2 io.containerd.runc.v2; do
    for i in 1 2; do $CTR run --rm --runtime "$runtime" localhost/bb:1 "warm-$runtime-$i" /bin/true; done
    start=$(date +%s%N)
    for i in $(seq 1 "$runs"); do $CTR run --rm --runtime "$runtime" localhost/bb:1 "lat-$runtime-$i" /bin/true; done
    end=$(date +%s%N)
    echo "$runtime ctr run --rm /bin/true: $(( (end - start) / runs / 1000000 )) ms mean over $runs runs"
done
