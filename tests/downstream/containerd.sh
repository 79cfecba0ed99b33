# containerd 1.6 with its runc v2 shim driving a runtime: `ctr run --runc-binary PATH`. Sourced by run.sh.
# The daemon is private: root, state and sockets under $T/containerd, the CRI plugin off. Each runtime
# gets its own namespace, which also names the cgroup parent (/NS/ID) and the shim's runtime root
# (/run/containerd/runc/NS), so one runtime never finds cgroups another one made.

CTR_IMAGE=localhost/rune-downstream-busybox:test
CTR_NAMESPACES=()

containerd_setup() {
    local d=$T/containerd
    mkdir -p "$d" "$T/bin"
    cat >"$d/config.toml" <<CONF
version = 2
root = "$d/root"
state = "$d/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$d/containerd.sock"
[ttrpc]
  address = "$d/containerd.sock.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""
CONF
    CTR=$T/bin/ctr-test
    printf '#!/bin/sh\nexec ctr -a "%s" -n "$CTR_NS" "$@"\n' "$d/containerd.sock" >"$CTR"
    chmod +x "$CTR"
    containerd --config "$d/config.toml" >"$d/containerd.log" 2>&1 &
    CONTAINERD_PID=$!
    wait_until ctr -a "$d/containerd.sock" version && return 0
    echo "containerd did not start:"
    tail -20 "$d/containerd.log"
    return 1
}

containerd_foreground_cases() {
    local L=$LABEL
    capture "$CTR" run --rm --runc-binary "$RUNTIME" "$CTR_IMAGE" "ds-$L-exit" sh -c 'echo hi; exit 3'
    expect_eq "[$L] ctr run --rm: output" "hi" "$OUT"
    expect_eq "[$L] ctr run --rm: exit code" "3" "$RC"

    # head ends by itself: ctr does not pass on the end of its stdin.
    capture_stdin $'line one\nline two\n' "$CTR" run --rm --runc-binary "$RUNTIME" "$CTR_IMAGE" "ds-$L-stdin" head -n 2
    expect_eq "[$L] ctr run: stdin reaches the container" $'line one\nline two' "$OUT"

    capture "$CTR" run --rm --runc-binary "$RUNTIME" "$CTR_IMAGE" "ds-$L-view" sh -c "$VIEW_PROBE"
    expect_eq "[$L] ctr run: default view probe exit code" "0" "$RC"
    record_view containerd-default

    capture_tty "$CTR" run --rm -t --runc-binary "$RUNTIME" "$CTR_IMAGE" "ds-$L-tty" sh -c 'tty; echo hi; exit 3'
    expect_contains "[$L] ctr run -t: a pty is the terminal" "/dev/pts/" "$OUT"
    expect_contains "[$L] ctr run -t: output" "hi" "$OUT"
    expect_eq "[$L] ctr run -t: exit code" "3" "$RC"
}

task_status() { "$CTR" task ls 2>/dev/null | awk -v id="$1" '$1 == id { print $3 }'; }
task_running() { [ "$(task_status "$1")" == RUNNING ]; }
task_stopped() { [ "$(task_status "$1")" == STOPPED ]; }

# A failing create: ctr reports the runtime's error (read from its JSON log by the shim).
containerd_error_cases() {
    local L=$LABEL
    capture "$CTR" run --rm --runc-binary "$RUNTIME" "$CTR_IMAGE" "ds-$L-notfound" nonexistent
    expect_eq "[$L] ctr run of a missing command: exit code" "1" "$RC"
    expect_contains "[$L] ctr run of a missing command: message" 'executable file not found in $PATH' "$OUT"
    expect_lacks "[$L] ctr run of a missing command: message parsed from the JSON log" 'level=error' "$OUT"
}

containerd_restricted_cases() {
    local L=$LABEL
    capture "$CTR" run --rm --runc-binary "$RUNTIME" --read-only --seccomp --cap-drop CAP_NET_RAW \
        --cwd /tmp --env FOO=bar --mount "type=bind,src=$T/share,dst=/share,options=rbind:ro" \
        "$CTR_IMAGE" "ds-$L-restricted" sh -c "$RESTRICTED_PROBE"
    expect_eq "[$L] ctr run --read-only --seccomp ...: exit code" "0" "$RC"
    expect_contains "[$L] ctr run --read-only: root is read-only" "touch: /x: Read-only file system" "$OUT"
    expect_contains "[$L] ctr run --seccomp: filter mode" $'Seccomp:\t2' "$OUT"
    expect_contains "[$L] ctr run --cwd --env" $'/tmp\nFOO=bar' "$OUT"
    expect_contains "[$L] ctr run --mount ro bind: content and read-only" $'hello\ntouch: /share/y: Read-only file system' "$OUT"
    record_view containerd-restricted

    capture "$CTR" run --rm --runc-binary "$RUNTIME" --uidmap 0:100000:65536 --gidmap 0:100000:65536 \
        "$CTR_IMAGE" "ds-$L-userns" sh -c "$USERNS_PROBE"
    expect_eq "[$L] ctr run --uidmap --gidmap: exit code" "0" "$RC"
    expect_contains "[$L] ctr run --uidmap --gidmap: maps, ids, owner" \
        $' 0 100000 65536\n 0 100000 65536\n0\n0\n0 0\nwrote' "$OUT"
    record_view containerd-userns
}

containerd_detached_cases() {
    local L=$LABEL id=ds-$LABEL-detached
    # sh exits 0 on SIGTERM, the signal `ctr task kill` sends by default.
    capture "$CTR" run -d --runc-binary "$RUNTIME" --memory-limit 67108864 --cpus 0.5 --cpu-shares 512 \
        "$CTR_IMAGE" "$id" sh -c "trap 'exit 0' TERM; sleep $MARK & wait"
    expect_eq "[$L] ctr run -d: exit code" "0" "$RC"
    expect_eq "[$L] ctr run -d: task is running" "RUNNING" "$(task_status "$id")"
    expect_eq "[$L] ctr run --memory-limit --cpus --cpu-shares: cgroup limits" \
        "67108864 max 50000 $(cpu_shares_as_seen 512)" "$(cgroup_limits "$CTR_NS/$id")"

    capture "$CTR" task exec --exec-id e1 "$id" sh -c 'echo from exec; exit 4'
    expect_eq "[$L] ctr task exec: output" "from exec" "$OUT"
    expect_eq "[$L] ctr task exec: exit code" "4" "$RC"
    capture "$CTR" task exec --exec-id e2 --user 65534 --cwd /tmp "$id" sh -c 'id -u; pwd'
    expect_eq "[$L] ctr task exec --user --cwd" $'65534\n/tmp' "$OUT"
    capture_tty "$CTR" task exec -t --exec-id e3 "$id" sh -c 'tty; exit 6'
    expect_contains "[$L] ctr task exec -t: a pty is the terminal" "/dev/pts/" "$OUT"
    expect_eq "[$L] ctr task exec -t: exit code" "6" "$RC"
    local pid
    pid=$("$CTR" task ls | awk -v id="$id" '$1 == id { print $2 }')
    capture "$CTR" run --rm --runc-binary "$RUNTIME" --with-ns "pid:/proc/$pid/ns/pid" --with-ns "ipc:/proc/$pid/ns/ipc" \
        "$CTR_IMAGE" "ds-$L-joined" \
        sh -c 'ps -o comm | grep -c "^sleep"; [ "$(readlink /proc/1/ns/ipc)" == "$(readlink /proc/self/ns/ipc)" ] && echo same ipc'
    expect_eq "[$L] ctr run --with-ns pid: ipc:: shares the namespaces" $'1\nsame ipc' "$OUT"

    capture "$CTR" task ps "$id"
    expect_contains "[$L] ctr task ps: lists the init process" "$("$CTR" task ls | awk -v id="$id" '$1 == id { print $2 }')" "$OUT"

    capture "$CTR" task pause "$id"
    expect_eq "[$L] ctr task pause: exit code" "0" "$RC"
    expect_eq "[$L] ctr task pause: frozen" "PAUSED FROZEN" "$(task_status "$id") $(freezer_state "$CTR_NS/$id")"
    capture "$CTR" task resume "$id"
    expect_eq "[$L] ctr task resume: exit code" "0" "$RC"
    expect_eq "[$L] ctr task resume: thawed" "RUNNING THAWED" "$(task_status "$id") $(freezer_state "$CTR_NS/$id")"

    capture "$CTR" task kill "$id"
    expect_eq "[$L] ctr task kill: exit code" "0" "$RC"
    wait_until task_stopped "$id"
    expect_eq "[$L] ctr task kill: task stops" "STOPPED" "$(task_status "$id")"
    capture "$CTR" task delete "$id"
    expect_eq "[$L] ctr task delete: exit code" "0" "$RC"
    capture "$CTR" container delete "$id"
    expect_eq "[$L] ctr container delete: exit code" "0" "$RC"
}

# A foreground `ctr run --rm` whose task is killed from outside reports 128+9.
containerd_kill_case() {
    local L=$LABEL id=ds-$LABEL-kill pid
    timeout --kill-after=10 "${GUARD_SECONDS:-120}" "$CTR" run --rm --runc-binary "$RUNTIME" "$CTR_IMAGE" "$id" \
        sleep "$MARK" >"$T/kill.out" 2>&1 </dev/null &
    pid=$!
    wait_until task_running "$id"
    expect_eq "[$L] ctr run (for kill): task is running" "RUNNING" "$(task_status "$id")"
    capture "$CTR" task kill -s SIGKILL "$id"
    expect_eq "[$L] ctr task kill -s SIGKILL: exit code" "0" "$RC"
    wait "$pid"
    expect_eq "[$L] ctr run --rm killed by SIGKILL: exit code 137" "137" "$?"
}

# Nothing of this runtime's containers may remain: mounts, cgroups, runtime state, shims, processes.
containerd_leak_checks() {
    local L=$LABEL id ids
    ids=("ds-$L-exit" "ds-$L-stdin" "ds-$L-notfound" "ds-$L-view" "ds-$L-restricted" "ds-$L-userns" "ds-$L-tty"
        "ds-$L-joined" "ds-$L-detached" "ds-$L-kill")
    wait_until containerd_no_leftover "${ids[@]}"  # one bounded wait for shims to exit, then a check each
    for id in "${ids[@]}"; do
        expect_empty "[$L] containerd: nothing left of $id" "$(containerd_leftovers "$id")"
    done
    expect_empty "[$L] containerd: no container process left" "$(procs_matching "sleep $MARK")"
}

containerd_no_leftover() {
    local id
    for id in "$@"; do [ -z "$(containerd_leftovers "$id")" ] || return 1; done
}

containerd_leftovers() {
    local id=$1
    mounts_under "$T/containerd" | grep -- "/$id/" || true
    cgroups_named "$CTR_NS" "$id"
    [ -e "/run/containerd/runc/$CTR_NS/$id" ] && echo "runtime state /run/containerd/runc/$CTR_NS/$id"
    "$CTR" container ls -q 2>/dev/null | grep -x -- "$id" | sed 's/^/container record: /'
    procs_matching "containerd-shim-runc-v2 -namespace $CTR_NS -id $id " | sed 's/^/shim pid: /'
}

containerd_cleanup() {
    [ -n "${CONTAINERD_PID:-}" ] || return 0
    local id r
    for CTR_NS in "${CTR_NAMESPACES[@]}"; do
        for id in $("$CTR" task ls -q 2>/dev/null); do timeout 30 "$CTR" task kill -s SIGKILL "$id" >/dev/null 2>&1; done
    done
    kill "$CONTAINERD_PID" 2>/dev/null
    wait "$CONTAINERD_PID" 2>/dev/null
    for CTR_NS in "${CTR_NAMESPACES[@]}"; do
        kill_matching "containerd-shim-runc-v2 -namespace $CTR_NS "
        if [ -d "/run/containerd/runc/$CTR_NS" ]; then
            for id in $(ls "/run/containerd/runc/$CTR_NS"); do
                for r in "${RUNTIMES[@]}"; do "$r" --root "/run/containerd/runc/$CTR_NS" delete --force "$id" >/dev/null 2>&1; done
            done
            rm -rf "/run/containerd/runc/$CTR_NS"
        fi
        remove_cgroup_tree "$CTR_NS"
    done
    kill_matching "sleep $MARK"
    unmount_under "$T/containerd/"
}

containerd_suite() {
    export CTR_NS=rune-downstream-$$-ctr-$LABEL
    CTR_NAMESPACES+=("$CTR_NS")
    capture "$CTR" image import "$T/oci.tar"
    if [ "$RC" != 0 ]; then fail "[$LABEL] ctr image import" "$OUT"; return; fi
    containerd_foreground_cases
    containerd_error_cases
    containerd_restricted_cases
    containerd_detached_cases
    containerd_kill_case
    containerd_leak_checks
}
