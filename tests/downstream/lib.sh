# Shared helpers for tests/downstream/run.sh: result counting, checks, bounded waiting, leak probes.
# Sourced, not run. Expects $T (this run's private temp dir) to be set.

PASSED=0
FAILED=0
FAILED_NAMES=()

declare -A PASSED_BY FAILED_BY  # per runtime label, from the "[label]" or "[label vs first]" prefix

label_of() { local l=${1#\[}; [[ "$1" == \[* ]] && echo "${l%%[] ]*}" || echo "harness"; }

pass() {
    local l
    l=$(label_of "$1")
    PASSED=$((PASSED + 1)); PASSED_BY[$l]=$((${PASSED_BY[$l]:-0} + 1))
    echo "ok   - $1"
}

fail() {
    local l
    l=$(label_of "$1")
    FAILED=$((FAILED + 1)); FAILED_BY[$l]=$((${FAILED_BY[$l]:-0} + 1)); FAILED_NAMES+=("$1")
    echo "FAIL - $1${2:+: $2}"
}

one_line() { tr '\r\n' '  ' | tail -c "${1:-400}"; }

# expect_eq NAME WANT GOT
expect_eq() {
    if [ "$2" == "$3" ]; then pass "$1"; else fail "$1" "want [$2] got [$(printf '%s' "$3" | one_line)]"; fi
}

# expect_contains NAME NEEDLE HAYSTACK
expect_contains() {
    if [[ "$3" == *"$2"* ]]; then pass "$1"; else fail "$1" "[$2] not in [$(printf '%s' "$3" | one_line)]"; fi
}

# expect_lacks NAME NEEDLE HAYSTACK
expect_lacks() {
    if [[ "$3" != *"$2"* ]]; then pass "$1"; else fail "$1" "[$2] in [$(printf '%s' "$3" | one_line)]"; fi
}

# expect_empty NAME WHAT: passes when WHAT (a list of leftovers) is empty.
expect_empty() {
    if [ -z "$2" ]; then pass "$1"; else fail "$1" "left behind: $(printf '%s' "$2" | one_line)"; fi
}

# check NAME CMD...: passes when CMD exits 0; shows the tail of its output when not.
check() {
    local name=$1; shift
    if "$@" >"$T/check.out" 2>&1; then pass "$name"; else fail "$name" "exit $?: $(one_line <"$T/check.out")"; fi
}

# capture CMD...: runs CMD with a hang guard; sets OUT (stdout+stderr, CR removed) and RC.
# The guard only stops a hung runtime from hanging CI; no test asserts on elapsed time.
capture() {
    timeout --kill-after=10 "${GUARD_SECONDS:-120}" "$@" >"$T/capture.out" 2>&1 </dev/null
    RC=$?
    OUT=$(tr -d '\r' <"$T/capture.out")
}

# capture_stdin DATA CMD...: as capture, with DATA on the command's stdin.
capture_stdin() {
    printf '%s' "$1" >"$T/capture.in"
    shift
    timeout --kill-after=10 "${GUARD_SECONDS:-120}" "$@" >"$T/capture.out" 2>&1 <"$T/capture.in"
    RC=$?
    OUT=$(tr -d '\r' <"$T/capture.out")
}

# capture_tty CMD...: as capture, but CMD runs on a fresh pseudo-terminal made by script(1),
# which passes on CMD's exit code (-e).
capture_tty() {
    local quoted
    quoted=$(printf '%q ' "$@")
    timeout --kill-after=10 "${GUARD_SECONDS:-120}" script -qec "$quoted" /dev/null >"$T/capture.out" 2>&1 </dev/null
    RC=$?
    OUT=$(tr -d '\r' <"$T/capture.out")
}

# wait_until CMD...: polls (bounded by a count, not asserted on time) until CMD succeeds.
wait_until() {
    local i
    for i in $(seq 1 300); do
        if "$@" >/dev/null 2>&1; then return 0; fi
        sleep 0.1
    done
    return 1
}

# Mount points at or below a directory.
mounts_under() { awk -v p="$1" 'index($2, p) == 1 { print $2 }' /proc/self/mounts; }

# Cgroup directories (any hierarchy) whose last component is NAME, below the relative path PARENT.
cgroups_named() {
    local parent=$1 name=$2 d
    for d in /sys/fs/cgroup/*/"$parent"; do
        [ -d "$d" ] && find "$d" -type d -name "$name" 2>/dev/null
    done
}

# Removes every cgroup directory under the relative path PARENT, deepest first.
remove_cgroup_tree() {
    local d
    for d in /sys/fs/cgroup/*/"$1"; do
        [ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null
    done
    return 0
}

# Processes whose command line contains TEXT (the caller's own shell excluded).
procs_matching() { pgrep -f -- "$1" | grep -vx "$$" || true; }

# Kills, by pid, every process whose command line contains TEXT.
kill_matching() {
    local p
    for p in $(procs_matching "$1"); do kill -9 "$p" 2>/dev/null; done
    return 0
}

unmount_under() {
    local m
    for m in $(mounts_under "$1" | sort -r); do umount -l "$m" 2>/dev/null; done
    return 0
}

# What a process sees of its container: credentials, seccomp, limits, mounts, cgroups, devices,
# umask, oom score, masked and read-only paths. Run by the same podman/ctr command under each runtime,
# the outputs (see normalise_view) must match.
VIEW_PROBE='
exec 2>&1
grep -E "^(Cap|NoNewPrivs|Seccomp)" /proc/self/status
cat /proc/self/limits
sort /proc/self/mounts
sed "s#:/.*#:CGROUP#" /proc/self/cgroup
ls -la /dev /dev/pts /dev/shm | awk "{ print \$1, \$3, \$4, \$5, \$6, \$NF }"
umask; id; cat /proc/self/oom_score_adj; pwd
env | grep -v -E "^(HOSTNAME|HOME)=" | sort
cat /proc/kcore 2>&1 | wc -c; ls /proc/acpi /sys/firmware 2>&1
echo 1 2>&1 >/proc/sys/kernel/domainname || echo "proc/sys read-only"
'

# Inside a container: waits (a bounded number of polls) for a file to be non-empty, then prints it.
WAIT_FOR_FILE='wait_file() { i=0; while [ ! -s "$1" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done; cat "$1"; }; wait_file'

# A view of a restricted container: read-only root, capabilities, no_new_privs, user, cwd, env, a
# read-only bind mount of $T/share.
RESTRICTED_PROBE='
exec 2>&1
grep -E "^(Cap|NoNewPrivs|Seccomp)" /proc/self/status
grep " / " /proc/self/mounts | cut -d" " -f4 | cut -d, -f1
touch /x; id -u; id -g; pwd; echo "FOO=$FOO"
cat /share/hello; touch /share/y
grep " /share " /proc/self/mounts | cut -d" " -f2-4
'

# A view from inside a user namespace mapping 0-65535 to 100000-165535.
USERNS_PROBE='
exec 2>&1
tr -s " " </proc/self/uid_map; tr -s " " </proc/self/gid_map
id -u; id -g; ls -ln /bin/busybox | tr -s " " | cut -d" " -f3,4
touch /tmp/x && echo wrote
grep -E "^Cap(Eff|Bnd)" /proc/self/status
'

# record_view NAME: keeps $OUT, normalised, for compare_views in run.sh.
record_view() { printf '%s\n' "$OUT" | normalise_view "$LABEL" >"$T/view.$1.$LABEL"; }

# normalise_view LABEL: drops what differs between any two containers (their id and the overlay
# directories of their root).
normalise_view() {
    sed -E -e 's#^overlay / overlay .*#overlay / overlay OPTIONS#' -e "s#$1#LABEL#g"
}

# Resource limits of a container cgroup (relative path) as "memory pids cpu-quota cpu-shares", read
# on the host: v1 files on v1 and hybrid hosts, the cgroup2 equivalents (cpu.weight) on pure v2.
cgroup_limits() {
    local v1=/sys/fs/cgroup v2=/sys/fs/cgroup/$1
    if [ -d $v1/memory ]; then
        echo "$(cat $v1/memory/$1/memory.limit_in_bytes) $(cat $v1/pids/$1/pids.max)" \
            "$(cat $v1/cpu/$1/cpu.cfs_quota_us) $(cat $v1/cpu/$1/cpu.shares)"
    else
        echo "$(cat "$v2/memory.max") $(cat "$v2/pids.max") $(cut -d' ' -f1 "$v2/cpu.max") $(cat "$v2/cpu.weight")"
    fi 2>&1
}

# The cgroup v1 shares a limit maps to on this host (runc's conversion to cpu.weight on pure v2).
cpu_shares_as_seen() {
    if [ -d /sys/fs/cgroup/memory ]; then echo "$1"; else echo $((1 + (($1 - 2) * 9999) / 262142)); fi
}

# FROZEN or THAWED, from the freezer of a container cgroup (relative path).
freezer_state() {
    if [ -d /sys/fs/cgroup/freezer ]; then
        cat "/sys/fs/cgroup/freezer/$1/freezer.state" 2>&1
    elif grep -qx 'frozen 1' "/sys/fs/cgroup/$1/cgroup.events"; then echo FROZEN; else echo THAWED; fi
}
