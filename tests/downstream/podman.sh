# podman (Debian's podman 4) driving a runtime: `podman --runtime PATH`. Sourced by run.sh.
# Everything is private to $T/podman: storage, run root, temp dir, locks, events, network config, and
# each runtime gets a cgroup parent of its own; no network and no registry (the image is imported from a tar).

PODMAN_IMAGE=localhost/rune-downstream-busybox:test

# podman passes --log FILE --log-format json only to the runtimes it lists by file name (crun, runc
# by default) and then reports their error messages cleanly; the runtimes under test are listed too.
json_names() {
    local r
    for r in "${RUNTIMES[@]}"; do printf '"%s", ' "$(basename "$r")"; done
    echo '"crun", "runc"'
}

podman_setup() {
    local d=$T/podman
    mkdir -p "$d/root" "$d/runroot" "$d/tmp" "$d/networks" "$T/bin"
    cat >"$d/containers.conf" <<CONF
[containers]
netns = "none"
[network]
network_config_dir = "$d/networks"
[engine]
runtime_supports_json = [$(json_names)]
cgroup_manager = "cgroupfs"
events_logger = "file"
lock_type = "file"
tmp_dir = "$d/tmp"
CONF
    printf '[storage]\ndriver = "overlay"\nrunroot = "%s"\ngraphroot = "%s"\n' "$d/runroot" "$d/root" >"$d/storage.conf"
    # A script rather than a function so that timeout(1) and script(1) can run it.
    PODMAN=$T/bin/podman-test
    cat >"$PODMAN" <<SH
#!/bin/sh
export CONTAINERS_CONF="$d/containers.conf" CONTAINERS_STORAGE_CONF="$d/storage.conf"
exec podman --root "$d/root" --runroot "$d/runroot" --tmpdir "$d/tmp" --cgroup-manager cgroupfs --events-backend file "\$@"
SH
    chmod +x "$PODMAN"
    capture "$PODMAN" import "$T/rootfs.tar" "$PODMAN_IMAGE"
    if [ "$RC" != 0 ]; then echo "podman import failed: $OUT"; return 1; fi
}

# The options every container gets: root here lacks CAP_SYS_RESOURCE, so the rlimits must not
# exceed the current ones; no CNI on these machines.
podman_run_opts() {
    RUN_OPTS=(--network none --ulimit nofile=1024:1024 --ulimit nproc=1024:1024
        --cgroup-parent "/$PODMAN_CGROUP_PARENT" --cidfile "$T/podman/cid.$1")
}

podman_foreground_cases() {
    local L=$LABEL
    podman_run_opts "$L-exit"
    capture "${PM[@]}" run --rm "${RUN_OPTS[@]}" "$PODMAN_IMAGE" sh -c 'echo hi; exit 3'
    expect_eq "[$L] podman run --rm: output" "hi" "$OUT"
    expect_eq "[$L] podman run --rm: exit code" "3" "$RC"

    podman_run_opts "$L-stdin"
    capture_stdin $'line one\nline two\n' "${PM[@]}" run --rm -i "${RUN_OPTS[@]}" "$PODMAN_IMAGE" head -n 2
    expect_eq "[$L] podman run -i: stdin reaches the container" $'line one\nline two' "$OUT"

    podman_run_opts "$L-user"
    capture "${PM[@]}" run --rm --user 1234:5678 --hostname dshost "${RUN_OPTS[@]}" "$PODMAN_IMAGE" \
        sh -c 'id -u; id -g; hostname; pwd'
    expect_eq "[$L] podman run --user --hostname: uid, gid, hostname, cwd" $'1234\n5678\ndshost\n/' "$OUT"

    podman_run_opts "$L-view"
    capture "${PM[@]}" run --rm "${RUN_OPTS[@]}" "$PODMAN_IMAGE" sh -c "$VIEW_PROBE"
    expect_eq "[$L] podman run: default view probe exit code" "0" "$RC"
    record_view podman-default

    podman_run_opts "$L-tty"
    capture_tty "${PM[@]}" run --rm -t "${RUN_OPTS[@]}" "$PODMAN_IMAGE" sh -c 'tty; echo hi; exit 3'
    expect_contains "[$L] podman run -t: a pty is the terminal" "/dev/pts/" "$OUT"
    expect_contains "[$L] podman run -t: output" "hi" "$OUT"
    expect_eq "[$L] podman run -t: exit code" "3" "$RC"
}

# A failing create: podman maps the runtime's error to 127 (not found) and 126 (not executable).
podman_error_cases() {
    local L=$LABEL
    podman_run_opts "$L-notfound"
    capture "${PM[@]}" run --rm "${RUN_OPTS[@]}" "$PODMAN_IMAGE" nonexistent
    expect_eq "[$L] podman run of a missing command: exit code 127" "127" "$RC"
    expect_contains "[$L] podman run of a missing command: message" 'executable file not found in $PATH' "$OUT"
    expect_lacks "[$L] podman run of a missing command: message parsed from the JSON log" 'level=error' "$OUT"
    podman_run_opts "$L-noexec"
    capture "${PM[@]}" run --rm "${RUN_OPTS[@]}" "$PODMAN_IMAGE" /etc/passwd
    expect_eq "[$L] podman run of a non-executable file: exit code 126" "126" "$RC"
}

podman_restricted_cases() {
    local L=$LABEL
    podman_run_opts "$L-restricted"
    capture "${PM[@]}" run --rm "${RUN_OPTS[@]}" --read-only --cap-drop ALL --cap-add CHOWN \
        --security-opt no-new-privileges --user 1000:1000 -w /tmp -e FOO=bar -v "$T/share:/share:ro" \
        "$PODMAN_IMAGE" sh -c "$RESTRICTED_PROBE"
    expect_eq "[$L] podman run --read-only --cap-drop ...: exit code" "0" "$RC"
    expect_contains "[$L] podman run --read-only: root is read-only" "touch: /x: Read-only file system" "$OUT"
    expect_contains "[$L] podman run --cap-drop ALL --cap-add CHOWN: CapEff" $'CapEff:\t0000000000000001' "$OUT"
    expect_contains "[$L] podman run --security-opt no-new-privileges" $'NoNewPrivs:\t1' "$OUT"
    expect_contains "[$L] podman run --user -w -e" $'1000\n1000\n/tmp\nFOO=bar' "$OUT"
    expect_contains "[$L] podman run -v :ro: content and read-only" $'hello\ntouch: /share/y: Read-only file system' "$OUT"
    record_view podman-restricted

    podman_run_opts "$L-userns"
    capture "${PM[@]}" run --rm "${RUN_OPTS[@]}" --uidmap 0:100000:65536 --gidmap 0:100000:65536 \
        "$PODMAN_IMAGE" sh -c "$USERNS_PROBE"
    expect_eq "[$L] podman run --uidmap --gidmap: exit code" "0" "$RC"
    expect_contains "[$L] podman run --uidmap --gidmap: maps, ids, owner" \
        $' 0 100000 65536\n 0 100000 65536\n0\n0\n0 0\nwrote' "$OUT"
    record_view podman-userns
}

podman_detached_cases() {
    local L=$LABEL name=rune-ds-$LABEL-$$
    podman_run_opts "$L-detached"
    # sh exits 0 on SIGTERM, so `podman stop` ends it with the signal and not with its SIGKILL fallback.
    capture "${PM[@]}" run -d --name "$name" "${RUN_OPTS[@]}" --memory 64m --pids-limit 50 --cpus 0.5 \
        --cpu-shares 512 "$PODMAN_IMAGE" sh -c "trap 'exit 0' TERM; sleep $MARK & wait"
    expect_eq "[$L] podman run -d: exit code" "0" "$RC"
    capture "${PM[@]}" inspect --format '{{.State.Status}}' "$name"
    expect_eq "[$L] podman run -d: container is running" "running" "$OUT"
    local cgroup
    cgroup=$PODMAN_CGROUP_PARENT/libpod-$(cat "$T/podman/cid.$L-detached")
    expect_eq "[$L] podman run --memory --pids-limit --cpus --cpu-shares: cgroup limits" \
        "67108864 50 50000 $(cpu_shares_as_seen 512)" "$(cgroup_limits "$cgroup")"

    capture "${PM[@]}" exec "$name" sh -c 'echo from exec; exit 4'
    expect_eq "[$L] podman exec: output" "from exec" "$OUT"
    expect_eq "[$L] podman exec: exit code" "4" "$RC"
    capture "${PM[@]}" exec -e DS_VAR=value --user 65534 -w /tmp "$name" sh -c 'echo $DS_VAR; id -u; pwd'
    expect_eq "[$L] podman exec -e --user -w" $'value\n65534\n/tmp' "$OUT"
    capture_tty "${PM[@]}" exec -t "$name" sh -c 'tty; exit 6'
    expect_contains "[$L] podman exec -t: a pty is the terminal" "/dev/pts/" "$OUT"
    expect_eq "[$L] podman exec -t: exit code" "6" "$RC"

    capture "${PM[@]}" pause "$name"
    expect_eq "[$L] podman pause: exit code" "0" "$RC"
    expect_eq "[$L] podman pause: frozen" "paused FROZEN" \
        "$("${PM[@]}" inspect --format '{{.State.Status}}' "$name") $(freezer_state "$cgroup")"
    capture "${PM[@]}" unpause "$name"
    expect_eq "[$L] podman unpause: exit code" "0" "$RC"
    expect_eq "[$L] podman unpause: thawed" "running THAWED" \
        "$("${PM[@]}" inspect --format '{{.State.Status}}' "$name") $(freezer_state "$cgroup")"
    capture "${PM[@]}" update --memory 32m "$name"
    expect_eq "[$L] podman update --memory: exit code" "0" "$RC"
    expect_eq "[$L] podman update --memory: new limit" "33554432" "$(cgroup_limits "$cgroup" | cut -d' ' -f1)"

    capture "${PM[@]}" exec -d "$name" sh -c 'echo detached >/tmp/exec-d'
    expect_eq "[$L] podman exec -d: exit code" "0" "$RC"
    capture "${PM[@]}" exec "$name" sh -c "$WAIT_FOR_FILE /tmp/exec-d"
    expect_eq "[$L] podman exec -d: the process ran" "detached" "$OUT"

    # Joining namespaces by path: podman passes /proc/PID/ns/* of the running container.
    podman_run_opts "$L-joined"
    capture "${PM[@]}" run --rm "${RUN_OPTS[@]}" --pid "container:$name" --ipc "container:$name" "$PODMAN_IMAGE" \
        sh -c 'ps -o comm | grep -c "^sleep"; [ "$(readlink /proc/1/ns/ipc)" == "$(readlink /proc/self/ns/ipc)" ] && echo same ipc'
    expect_eq "[$L] podman run --pid/--ipc container:NAME: shares the namespaces" $'1\nsame ipc' "$OUT"

    # restart = stop, the runtime's delete, then create and start again under the same id.
    local before
    before=$("${PM[@]}" inspect --format '{{.State.Pid}}' "$name")
    capture "${PM[@]}" restart -t 30 "$name"
    expect_eq "[$L] podman restart: exit code" "0" "$RC"
    capture "${PM[@]}" inspect --format '{{.State.Status}} {{ne .State.Pid '"$before"'}}' "$name"
    expect_eq "[$L] podman restart: running with a new init process" "running true" "$OUT"
    capture "${PM[@]}" exec "$name" cat /tmp/exec-d
    expect_eq "[$L] podman restart: exec into the restarted container" "detached" "$OUT"

    capture "${PM[@]}" stop -t 30 "$name"
    expect_eq "[$L] podman stop: exit code" "0" "$RC"
    capture "${PM[@]}" inspect --format '{{.State.Status}} {{.State.ExitCode}}' "$name"
    expect_eq "[$L] podman stop: stopped by SIGTERM, exit 0" "exited 0" "$OUT"
    capture "${PM[@]}" rm "$name"
    expect_eq "[$L] podman rm: exit code" "0" "$RC"
}

podman_kill_case() {
    local L=$LABEL name=rune-ds-$LABEL-kill-$$
    podman_run_opts "$L-kill"
    capture "${PM[@]}" run -d --name "$name" "${RUN_OPTS[@]}" "$PODMAN_IMAGE" sleep "$MARK"
    expect_eq "[$L] podman run -d (for kill): exit code" "0" "$RC"
    capture "${PM[@]}" kill "$name"
    expect_eq "[$L] podman kill: exit code" "0" "$RC"
    capture "${PM[@]}" wait "$name"
    expect_eq "[$L] podman wait after kill: 137" "137" "$OUT"
    capture "${PM[@]}" rm "$name"
    expect_eq "[$L] podman rm after kill: exit code" "0" "$RC"
}

# Nothing of this runtime's containers may remain: mounts, cgroups, runtime state, processes.
podman_leak_checks() {
    local L=$LABEL f id ids=()
    for f in "$T/podman"/cid."$L"-*; do [ -s "$f" ] && ids+=("$(cat "$f")"); done
    expect_eq "[$L] podman: every container recorded its id" "12" "${#ids[@]}"
    # One bounded wait for everything to settle (conmon's cleanup runs after podman returns), then a check each.
    wait_until podman_no_leftover "${ids[@]}"
    for id in "${ids[@]}"; do
        expect_empty "[$L] podman: nothing left of ${id:0:12}" "$(podman_leftovers "$id")"
    done
    expect_empty "[$L] podman: no container process left" "$(procs_matching "sleep $MARK")"
}

podman_no_leftover() {
    local id
    for id in "$@"; do [ -z "$(podman_leftovers "$id")" ] || return 1; done
}

podman_leftovers() {
    local id=$1
    mounts_under "$T/podman" | grep -- "$id" || true
    cgroups_named "$PODMAN_CGROUP_PARENT" "libpod-$id"
    "$RUNTIME" list -q 2>/dev/null | grep -x -- "$id" | sed 's/^/runtime state: /'
    procs_matching "conmon .*-c $id" | sed 's/^/conmon pid: /'
}

PODMAN_CGROUP_PARENTS=()

podman_suite() {
    PODMAN_CGROUP_PARENT=rune-downstream-$$-podman-$LABEL
    PODMAN_CGROUP_PARENTS+=("$PODMAN_CGROUP_PARENT")
    PM=("$PODMAN" --runtime "$RUNTIME")  # podman with the runtime under test
    podman_foreground_cases
    podman_error_cases
    podman_restricted_cases
    podman_detached_cases
    podman_kill_case
    podman_leak_checks
}

podman_cleanup() {
    [ -n "${PODMAN:-}" ] && [ -x "$PODMAN" ] || return 0
    local f id r p
    for f in "$T/podman"/cid.*; do
        [ -s "$f" ] || continue
        id=$(cat "$f")
        for r in "${RUNTIMES[@]}"; do timeout 60 "$PODMAN" --runtime "$r" rm -f -t 0 "$id" >/dev/null 2>&1; done
        kill_matching "conmon .*-c $id"
        for r in "${RUNTIMES[@]}"; do "$r" delete --force "$id" >/dev/null 2>&1; done
    done
    kill_matching "sleep $MARK"
    unmount_under "$T/podman/"
    for p in "${PODMAN_CGROUP_PARENTS[@]}"; do remove_cgroup_tree "$p"; done
}
