# Scenarios for tests/shim/run.sh (sourced). Each names its checks; none asserts on timing.

run_rm() {
    local out rc
    out=$(timeout 60 $CTR run --rm $R localhost/bb:1 t1 /bin/sh -c 'echo hi; exit 3' 2>&1); rc=$?
    expect_eq "run --rm prints the output" "hi" "$out"
    expect_eq "run --rm exit code is the container's" 3 "$rc"
    out=$(printf 'line1\nline2\n' | timeout 60 $CTR run --rm $R localhost/bb:1 t1b /bin/sh -c 'cat; echo done' 2>&1)
    expect_eq "run --rm: stdin to EOF, then output" "$(printf 'line1\nline2\ndone')" "$out"
    check "no shim left after run --rm" wait_until no_shim t1
    check "no shim socket left after run --rm" test ! -e "$(socket_of t1)"
    expect_eq "nothing mounted after run --rm" "" "$(mounts_under "$(bundle_of t1)")"
    check "events: create, start, exit(3), delete" grep_events t1 '"exit_status":3'
}

grep_events() {
    local id=$1 exit=$2
    wait_until grep -q "/tasks/delete {\"container_id\":\"$id\"" "$T/events.log" || return 1
    grep -q "/tasks/create {\"container_id\":\"$id\"" "$T/events.log" &&
        grep -q "/tasks/start {\"container_id\":\"$id\"" "$T/events.log" &&
        grep "/tasks/exit {\"container_id\":\"$id\"" "$T/events.log" | grep -q "$exit"
}

# RPCs ctr cannot send, straight to the shim's socket: Update, and ttrpc error statuses.
raw_rpcs() {
    local sock out
    sock=$(cat "$(bundle_of "$1")/address")
    out=$(python3 "$HERE/ttrpc_call.py" "$sock" update "$1" '{"memory":{"limit":33554432}}' 2>&1)
    expect_eq "Update: accepted" ok "$out"
    expect_eq "Update: memory limit applied" 33554432 "$(cat /sys/fs/cgroup/memory/$NS/$1/memory.limit_in_bytes 2>&1)"
    out=$(python3 "$HERE/ttrpc_call.py" "$sock" call containerd.task.v2.Task NoSuchMethod 2>&1)
    expect_contains "unknown method: Unimplemented (12)" "error 12 " "$out"
    out=$(python3 "$HERE/ttrpc_call.py" "$sock" call no.such.Service State 2>&1)
    expect_contains "unknown service: Unimplemented (12)" "error 12 " "$out"
    out=$(python3 "$HERE/ttrpc_call.py" "$sock" call containerd.task.v2.Task Pause 2>&1)
    expect_contains "Pause of an unknown id: NotFound (5)" "error 5 " "$out"
    out=$(python3 "$HERE/ttrpc_call.py" "$sock" oversized 2>&1)
    expect_eq "4 MiB frame limit: ResourceExhausted (8)" "error 8 " "$out"
}

status_is() { [ "$(task_status "$1")" = "$2" ]; }

task_status() { $CTR task ls 2>/dev/null | awk -v id="$1" '$1 == id { print $3 }'; }

detached_lifecycle() {
    local out rc
    check "run -d" timeout 60 $CTR run -d $R localhost/bb:1 t2 /bin/sh -c 'trap "exit 7" TERM; while :; do sleep 1; done'
    expect_eq "task ls: RUNNING" RUNNING "$(task_status t2)"
    expect_eq "address file names the hashed socket" "unix://$(socket_of t2)" "$(cat "$(bundle_of t2)/address" 2>/dev/null)"
    out=$($CTR task ps t2 2>&1)
    expect_contains "task ps lists the init pid" "$($CTR task ls | awk '$1 == "t2" { print $2 }')" "$out"
    out=$(timeout 30 $CTR task exec --exec-id e1 t2 /bin/echo x 2>&1); rc=$?
    expect_eq "task exec output" x "$out"
    expect_eq "task exec exit code" 0 "$rc"
    timeout 30 $CTR task exec --exec-id e2 t2 /bin/sh -c 'exit 5'; rc=$?
    expect_eq "task exec exit code 5" 5 "$rc"
    out=$(echo piped | timeout 30 $CTR task exec --exec-id e3 t2 /bin/cat 2>&1)
    expect_eq "task exec stdin reaches the process" piped "$out"
    check "task pause" $CTR task pause t2
    expect_eq "task ls: PAUSED" PAUSED "$(task_status t2)"
    check "task resume" $CTR task resume t2
    expect_eq "task ls: RUNNING again" RUNNING "$(task_status t2)"
    out=$($CTR task metrics t2 2>&1)
    expect_contains "task metrics: memory usage" memory.usage_in_bytes "$out"
    expect_contains "task metrics: pids" pids.current "$out"
    raw_rpcs t2
    out=$($CTR task checkpoint t2 2>&1)
    expect_contains "checkpoint: a clear unimplemented error" "checkpoint is not supported" "$out"
    check "task kill" $CTR task kill t2
    check "killed task stops" wait_until status_is t2 STOPPED
    check "TERM trap gave exit status 7" wait_until grep -q '/tasks/exit {"container_id":"t2","id":"t2".*"exit_status":7' "$T/events.log"
    out=$($CTR task kill t2 2>&1)
    expect_contains "kill of an exited task: not found" "not found" "$out"
    check "task delete" $CTR task delete t2
    check "container rm" $CTR c rm t2
    check "shim exits after the last delete" wait_until no_shim t2
    check "socket removed at shutdown" test ! -e "$(socket_of t2)"
    expect_eq "no runtime state left" "" "$(ls "$RUNTIME_ROOT/$NS" 2>/dev/null | grep -x t2)"
}

tty_run() {
    local out
    out=$(timeout 60 script -qec "$CTR run --rm -t $R localhost/bb:1 t3 /bin/sh -c 'tty; echo ok-tty'" /dev/null 2>&1)
    expect_contains "tty: the process has a pty" /dev/pts/ "$out"
    expect_contains "tty: output reaches the client" ok-tty "$out"
    # ctr wants a terminal for -t even when detached.
    check "run -d -t" timeout 60 script -qec "$CTR run -d -t $R localhost/bb:1 t3b /bin/sh -c 'while :; do sleep 1; done'" /dev/null
    check "run -d -t: RUNNING" wait_until status_is t3b RUNNING
    out=$(timeout 30 script -qec "$CTR task exec -t --exec-id et t3b /bin/sh -c 'stty size; tty'" /dev/null 2>&1)
    expect_contains "exec -t: a pty inside the container" /dev/pts/ "$out"
    $CTR task kill -s KILL t3b >/dev/null 2>&1
    wait_until status_is t3b STOPPED
    check "delete t3b" $CTR task delete t3b
    $CTR c rm t3b >/dev/null 2>&1
}

io_variants() {
    local rc out
    timeout 60 $CTR run --rm --null-io $R localhost/bb:1 t4 /bin/sh -c 'echo gone; exit 4'; rc=$?
    expect_eq "null-io: exit code" 4 "$rc"
    timeout 60 $CTR run --rm --log-uri "file://$T/logs/t5.log" $R localhost/bb:1 t5 /bin/sh -c 'echo to-file; echo err-file >&2'
    out=$(cat "$T/logs/t5.log" 2>&1)
    expect_contains "file:// log: stdout" to-file "$out"
    expect_contains "file:// log: stderr" err-file "$out"
    cat >"$T/bin/test-logger" <<LOGGER
#!/bin/sh
# binary:// logger: fd 3 = stdout, fd 4 = stderr, fd 5 = ready (closed when ready).
exec 5>&-
cat <&3 >"$T/logs/binary-\$CONTAINER_ID-\$1.out"
LOGGER
    chmod +x "$T/bin/test-logger"
    timeout 60 $CTR run --rm --log-uri "binary://$T/bin/test-logger?tag=" $R localhost/bb:1 t6 /bin/sh -c 'echo via-logger'
    check "binary:// logger received stdout" wait_until grep -q via-logger "$T/logs/binary-t6-tag.out"
}

# `ctr run --rootfs DIR`: no mounts from containerd, config.json names the directory.
rootfs_dir() {
    local out
    mkdir -p "$T/rootfs-dir/bin" "$T/rootfs-dir/proc" "$T/rootfs-dir/dev" "$T/rootfs-dir/sys"
    cp /bin/busybox "$T/rootfs-dir/bin/busybox" && ln -sf busybox "$T/rootfs-dir/bin/sh"
    out=$(timeout 60 $CTR run --rm --rootfs $R "$T/rootfs-dir" t12 /bin/sh -c 'echo from-dir' 2>&1)
    expect_eq "run --rootfs DIR" from-dir "$out"
}

negative_paths() {
    local out
    out=$(timeout 60 $CTR run --rm $R localhost/bb:1 t7 /bin/no-such-command 2>&1)
    expect_contains "unknown command: a clear create error" "no-such-command" "$out"
    check "unknown command: no shim left" wait_until no_shim t7
    expect_eq "unknown command: nothing mounted" "" "$(mounts_under "$(bundle_of t7)")"
    $CTR c rm t7 >/dev/null 2>&1
}

grouping() {
    local a b out
    check "group: first container" timeout 60 $CTR run -d --annotation io.kubernetes.cri.sandbox-id=podA $R localhost/bb:1 g1 /bin/sh -c 'while :; do sleep 1; done'
    check "group: second container" timeout 60 $CTR run -d --annotation io.kubernetes.cri.sandbox-id=podA $R localhost/bb:1 g2 /bin/sh -c 'while :; do sleep 1; done'
    a=$(cat "$(bundle_of g1)/address" 2>/dev/null)
    b=$(cat "$(bundle_of g2)/address" 2>/dev/null)
    expect_eq "group: the socket is named by the pod" "unix://$(socket_of podA)" "$a"
    expect_eq "group: one shim address for the pod" "$a" "$b"
    $CTR task kill -s KILL g1 >/dev/null 2>&1
    wait_until status_is g1 STOPPED
    check "group: delete the first" $CTR task delete g1
    out=$(timeout 30 $CTR task exec --exec-id ge g2 /bin/echo still-here 2>&1)
    expect_eq "group: the second still works" still-here "$out"
    $CTR task kill -s KILL g2 >/dev/null 2>&1
    wait_until status_is g2 STOPPED
    check "group: delete the second" $CTR task delete g2
    $CTR c rm g1 g2 >/dev/null 2>&1
}

containerd_restart() {
    local out
    check "restart: run -d" timeout 60 $CTR run -d $R localhost/bb:1 t8 /bin/sh -c 'while :; do sleep 1; done'
    kill "$EVENTS_PID" 2>/dev/null
    stop_containerd
    check "restart: containerd back" start_containerd
    $CTR events >>"$T/events.log" 2>&1 &
    EVENTS_PID=$!
    expect_eq "restart: task still RUNNING" RUNNING "$(task_status t8)"
    out=$(timeout 30 $CTR task exec --exec-id r1 t8 /bin/echo after-restart 2>&1)
    expect_eq "restart: exec through the same shim" after-restart "$out"
    $CTR task kill -s KILL t8 >/dev/null 2>&1
    check "restart: exit seen" wait_until status_is t8 STOPPED
    check "restart: delete" $CTR task delete t8
    $CTR c rm t8 >/dev/null 2>&1
}

shim_kill9() {
    local pid shim cg sock
    check "kill -9: run -d" timeout 60 $CTR run -d $R localhost/bb:1 t9 /bin/sh -c 'while :; do sleep 1; done'
    pid=$($CTR task ls | awk '$1 == "t9" { print $2 }')
    shim=$(shim_pid_of t9)
    sock=$(sed 's|^unix://||' "$(bundle_of t9)/address" 2>/dev/null)
    check "kill -9: shim found" test -n "$shim"
    kill -9 "$shim"
    check "kill -9: containerd reports the task stopped or gone" wait_until task_gone_or_stopped t9
    $CTR task delete t9 >/dev/null 2>&1
    check "kill -9: container process gone" wait_until test ! -e "/proc/$pid"
    expect_eq "kill -9: nothing mounted" "" "$(mounts_under "$(bundle_of t9)")"
    expect_eq "kill -9: no runtime state" "" "$(ls "$RUNTIME_ROOT/$NS" 2>/dev/null | grep -x t9)"
    check "kill -9: shim socket removed" test -n "$sock" -a ! -e "$sock"
    cg=$(ls -d /sys/fs/cgroup/*/"$NS"/t9 2>/dev/null)
    expect_eq "kill -9: no cgroups left" "" "$cg"
    $CTR c rm t9 >/dev/null 2>&1
}

task_gone_or_stopped() {
    local s
    s=$(task_status "$1")
    [ -z "$s" ] || [ "$s" = STOPPED ]
}

# The shim socket containerd expects: /run/containerd/s/<sha256 of "<address>/<namespace>/<group>">.
socket_of() { echo "/run/containerd/s/$(printf '%s' "$T/containerd.sock/$NS/$1" | sha256sum | cut -c1-64)"; }

# In the host pid namespace the init's exit does not end its children: the shim kills them (runc's rule).
host_pidns() {
    local marker=$((4000 + RANDOM % 1000))
    check "host pid ns: run -d" timeout 60 $CTR run -d --with-ns "pid:/proc/$$/ns/pid" $R localhost/bb:1 t11 \
        /bin/sh -c "sleep 7$marker & sleep 1; exit 0"
    check "host pid ns: init exits" wait_until status_is t11 STOPPED
    check "host pid ns: the orphaned child is killed" wait_until no_process_with "sleep 7$marker"
    check "host pid ns: delete" $CTR task delete t11
    $CTR c rm t11 >/dev/null 2>&1
}

no_process_with() { ! pgrep -f "$1" >/dev/null; }

oom_event() {
    local rc
    # tail buffers its endless line until the 16 MiB memory cgroup limit kills it.
    timeout 120 $CTR run --rm --memory-limit 16777216 $R localhost/bb:1 t10 /bin/tail /dev/zero; rc=$?
    expect_eq "oom: killed by SIGKILL is 137" 137 "$rc"
    check "oom: TaskOOM published" wait_until grep -q '/tasks/oom {"container_id":"t10"}' "$T/events.log"
}

leftovers() {
    local id left=""
    for id in t1 t1b t2 t3 t3b t4 t5 t6 t7 podA t8 t9 t10 t11 t12 c1 c2 c3 c4 c5 c6 c7 c8; do
        [ -e "$(socket_of "$id")" ] && left="$left $id"
    done
    expect_eq "no shim socket of this run left in /run/containerd/s" "" "$left"
    expect_eq "no shim process of this run left" "" "$(pgrep -f "containerd-shim-rune-v2 .*-address $T/containerd.sock")"
    expect_eq "no runtime state of this run left" "" "$(ls "$RUNTIME_ROOT/$NS" 2>/dev/null)"
    expect_eq "nothing of this run mounted" "" "$(mounts_under "$T/")"
}
