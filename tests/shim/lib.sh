# Helpers for tests/shim/run.sh: a private containerd, checks, and cleanup. Sourced, not run.

PASSED=0
FAILED=0
FAILED_NAMES=()

pass() { PASSED=$((PASSED + 1)); echo "ok   - $1"; }
fail() { FAILED=$((FAILED + 1)); FAILED_NAMES+=("$1"); echo "FAIL - $1${2:+: $2}"; }

# check NAME CMD...: passes when CMD exits 0.
check() {
    local name=$1; shift
    if "$@" >"$T/check.out" 2>&1; then pass "$name"; else fail "$name" "$(tail -c 400 "$T/check.out" | tr '\n' ' ')"; fi
}

# expect_eq NAME WANT GOT
expect_eq() {
    if [ "$2" == "$3" ]; then pass "$1"; else fail "$1" "want [$2] got [$3]"; fi
}

# expect_contains NAME NEEDLE HAYSTACK
expect_contains() {
    if [[ "$3" == *"$2"* ]]; then pass "$1"; else fail "$1" "[$2] not in [$(echo "$3" | tail -c 400 | tr '\n' ' ')]"; fi
}

# $CTR: ctr bound to this run's daemon and namespace (a script, so timeout(1) can run it).
make_ctr() {
    CTR="$T/bin/ctr-test"
    printf '#!/bin/sh\nexec ctr -a "%s/containerd.sock" -n "%s" "$@"\n' "$T" "$NS" >"$CTR"
    chmod +x "$CTR"
}

# Polls (bounded by a count, not a clock assertion) until CMD succeeds.
wait_until() {
    local i
    for i in $(seq 1 200); do
        if "$@" >/dev/null 2>&1; then return 0; fi
        sleep 0.1
    done
    return 1
}

start_containerd() {
    PATH="$T/bin:$PATH" RUNE_SHIM_RUNTIME="$RUNTIME" containerd --config "$T/config.toml" --log-level debug \
        >>"$T/containerd.log" 2>&1 &
    CONTAINERD_PID=$!
    wait_until ctr -a "$T/containerd.sock" version || { echo "containerd did not start"; tail -20 "$T/containerd.log"; return 1; }
}

stop_containerd() {
    [ -n "${CONTAINERD_PID:-}" ] || return 0
    kill "$CONTAINERD_PID" 2>/dev/null || true
    wait "$CONTAINERD_PID" 2>/dev/null || true
    CONTAINERD_PID=
}

# The serving shim process of a task, found by its unique arguments.
shim_pid_of() {
    pgrep -f "containerd-shim-rune-v2 -namespace $NS -id $1 -address $T/containerd.sock" | head -1
}

no_shim() { [ -z "$(shim_pid_of "$1")" ]; }

bundle_of() { echo "$T/state/io.containerd.runtime.v2.task/$NS/$1"; }

mounts_under() { awk -v p="$1" 'index($2, p) == 1 { print $2 }' /proc/self/mounts; }

cleanup() {
    set +e
    local pids p m
    pids=$(ctr -a "$T/containerd.sock" -n "$NS" task ls -q 2>/dev/null)
    for p in $pids; do ctr -a "$T/containerd.sock" -n "$NS" task kill -s KILL "$p" >/dev/null 2>&1; done
    stop_containerd
    # Shims and containers this run started, found by this run's unique socket path.
    for p in $(pgrep -f "containerd-shim-rune-v2 .*-address $T/containerd.sock"); do kill -9 "$p" 2>/dev/null; done
    # Their sockets, named in the bundles' address files (a killed shim cannot remove its own).
    for a in "$T"/state/io.containerd.runtime.v2.task/*/*/address; do
        [ -f "$a" ] && rm -f "$(sed 's|^unix://||' "$a")"
    done
    if [ -d "$RUNTIME_ROOT/$NS" ]; then
        for c in $(ls "$RUNTIME_ROOT/$NS"); do "$RUNTIME" --root "$RUNTIME_ROOT/$NS" delete --force "$c" >/dev/null 2>&1; done
        rmdir "$RUNTIME_ROOT/$NS" 2>/dev/null
    fi
    for m in $(mounts_under "$T/" | sort -r); do umount -l "$m" 2>/dev/null; done
    for c in /sys/fs/cgroup/*/"$NS"; do [ -d "$c" ] && find "$c" -depth -type d -exec rmdir {} \; 2>/dev/null; done
    rm -rf "$T"
}
