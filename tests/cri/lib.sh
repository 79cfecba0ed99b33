# Helpers for tests/cri/run.sh: checks, the private containerd, binaries and cleanup. Sourced, not run.

PASSED=0
FAILED=0
pass() { PASSED=$((PASSED + 1)); echo "ok   - $1"; }
fail() { FAILED=$((FAILED + 1)); echo "FAIL - $1${2:+: $2}"; }

# check NAME CMD...: passes when CMD exits 0; shows the end of its output otherwise.
check() {
    local name=$1; shift
    if "$@" >"$T/check.out" 2>&1; then pass "$name"; else fail "$name" "$(tail -c 600 "$T/check.out" | tr '\n' ' ')"; fi
}

# setup_failed WHAT: a setup step failed; report it, count it, and stop (the EXIT trap cleans up).
setup_failed() {
    fail "setup: $1"
    echo "$PASSED passed, $FAILED failed"
    exit 1
}

ctr_k8s() { ctr -a "$T/containerd.sock" -n k8s.io "$@"; }

# Polls (a bounded number of times, no clock assertion) until CMD succeeds.
wait_until() {
    local i
    for i in $(seq 1 300); do
        if "$@" >/dev/null 2>&1; then return 0; fi
        sleep 0.1
    done
    return 1
}

# build_or_use VAR DESCRIPTION BUILD_CMD OUTPUT: leaves the binary path in VAR, building it when VAR is unset.
build_or_use() {
    local var=$1 what=$2 cmd=$3 out=$4
    if [ -z "${!var:-}" ]; then
        echo "# building $what: $cmd"
        (cd "$REPO" && eval "$cmd") >"$T/build-$var.log" 2>&1 || { tail -20 "$T/build-$var.log"; setup_failed "build $what"; }
        printf -v "$var" '%s' "$REPO/$out"
    fi
    [ -e "${!var}" ] || setup_failed "$what not found at ${!var}"
}

# The install layout docs/kubernetes.md describes, under $T/prefix: copies, so that a concurrent rebuild
# cannot change a binary under a running test, and so rune finds lib/rune/rune-runelet beside bin/rune.
install_prefix() {
    local p=$T/prefix
    mkdir -p "$p/bin" "$p/lib/rune"
    install -m 0755 "$SHIM_BIN" "$p/bin/containerd-shim-rune-v2" &&
    install -m 0755 "$RUNE_BIN" "$p/bin/rune" &&
    install -m 0755 "$RUNELET_BIN" "$p/lib/rune/rune-runelet" &&
    install -m 0755 "$RUNE_ENCLAVE_BIN" "$p/bin/rune-enclave" &&
    install -m 0755 "$PAL_WASM" "$p/lib/rune/libpal-wasm.so"
}

start_containerd() {
    # The shims inherit this environment, and rune from them: the software TEE's seed stays in $T.
    PATH="$T/prefix/bin:$PATH" RUNE_SIM_PLATFORM_SEED="$T/sim/platform.seed" \
        containerd --config "$T/config.toml" --log-level debug >>"$T/containerd.log" 2>&1 &
    CONTAINERD_PID=$!
    wait_until ctr -a "$T/containerd.sock" version || { tail -30 "$T/containerd.log"; return 1; }
}

stop_containerd() {
    [ -n "${CONTAINERD_PID:-}" ] || return 0
    kill "$CONTAINERD_PID" 2>/dev/null
    wait "$CONTAINERD_PID" 2>/dev/null
    CONTAINERD_PID=
}

# Pids of the shims this run's containerd started (found by this run's unique socket path).
our_shims() {
    local pid
    for pid in $(pgrep -f "containerd-shim-run[ce]-v2 .*-address $T/containerd.sock"); do echo "$pid"; done
}

cleanup() {
    set +e
    [ -n "${T:-}" ] && [ -d "$T" ] || return 0
    # CRI_SAVE_LOGS=DIR keeps containerd's log and the rune logs of this run for a post-mortem.
    if [ -n "${CRI_SAVE_LOGS:-}" ]; then
        mkdir -p "$CRI_SAVE_LOGS" && cp "$T/containerd.log" "$CRI_SAVE_LOGS/" 2>/dev/null
        find "$T/state" -name log.json -exec sh -c 'cp "$1" "$2/$(basename "$(dirname "$1")").log.json"' _ {} "$CRI_SAVE_LOGS" \; 2>/dev/null
    fi
    local p m c id root
    for p in $(ctr_k8s task ls -q 2>/dev/null); do ctr_k8s task kill -s KILL "$p" >/dev/null 2>&1; done
    stop_containerd
    for p in $(our_shims); do kill -9 "$p" 2>/dev/null; done
    for root in "$T/rune-root/k8s.io" "$T/runc-root/k8s.io"; do
        [ -d "$root" ] || continue
        for c in $(ls "$root"); do
            "$T/prefix/bin/rune" --root "$root" delete --force "$c" >/dev/null 2>&1 || runc --root "$root" delete --force "$c" >/dev/null 2>&1
        done
    done
    # A shim killed before its Shutdown leaves its socket in /run/containerd/s, named after the pod (the
    # group): derive it from the pods cri_test.py recorded and from the bundles still present.
    for id in $(cat "$T/pod-ids" 2>/dev/null) $(ls "$T/state/io.containerd.runtime.v2.task/k8s.io" 2>/dev/null); do
        rm -f "/run/containerd/s/$(printf '%s' "$T/containerd.sock/k8s.io/$id" | sha256sum | cut -d' ' -f1)"
    done
    for m in $(awk -v p="$T/" 'index($2, p) == 1 { print $2 }' /proc/self/mounts | sort -r); do umount -l "$m" 2>/dev/null; done
    for c in /sys/fs/cgroup/*"$CG_BASE"; do
        [ -d "$c" ] && find "$c" -depth -type d -exec rmdir {} \; 2>/dev/null
    done
    rm -rf "$T"
}
