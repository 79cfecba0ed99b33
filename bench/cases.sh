# cases.sh: writes the runner's case file (sourced by bench/run.sh; see runner.c for the format).
# Every runtime gets the same bundles and the same case shapes; only its binary, state root and
# (for crun on a hybrid host) mount namespace differ. Run counts are before --quick scaling.

RUNS_SINGLE=${RUNS_SINGLE:-100}   # run, create+start+wait+delete, delete --force, seccomp, enclave
RUNS_SEQ=${RUNS_SEQ:-10}          # 50 sequential runs per iteration
RUNS_PAR=${RUNS_PAR:-30}          # 10 parallel runs per iteration

# header NAME RUNS [ns]: the lines every case starts with.
header() {
    printf 'case %s\nruns %s\n' "$1" "$2"
    if [ "${3:-}" != "" ]; then printf 'ns %s\n' "$3"; fi
}

# runtime_cases RT BIN ROOT NS: the lifecycle cases of one runtime.
runtime_cases() {
    local rt=$1 bin=$2 root=$3 ns=$4 b=$WORK/bundles pids=$STATE/pids
    local rtc="$bin --root $root"
    header "run/$rt" "$RUNS_SINGLE" "$ns"
    echo "step $rtc run --bundle $b/true {id}"
    # The same after 100 ms of quiet, as a host that starts containers now and then sees it: the kernel's
    # cgroup migration lock is then cold and a cgroup.procs write waits for an RCU grace period.
    header "run-idle/$rt" "$RUNS_SINGLE" "$ns"
    echo "before sleep 0.1"
    echo "step $rtc run --bundle $b/true {id}"
    local create="$rtc create --bundle $b/true --pid-file $pids/{id} {id}"
    header "lifecycle/$rt" "$RUNS_SINGLE" "$ns"
    printf '%s\n' "step $create" "step $rtc start {id}" "waitpid $pids/{id}" "step $rtc delete {id}"
    # The same lifecycle one command at a time (the others untimed), to see where the time goes.
    header "create/$rt" "$RUNS_SINGLE" "$ns"
    printf '%s\n' "step $create" "after $rtc start {id}" "after-waitpid $pids/{id}" "after $rtc delete {id}"
    header "start/$rt" "$RUNS_SINGLE" "$ns"
    printf '%s\n' "before $create" "step $rtc start {id}" "after-waitpid $pids/{id}" "after $rtc delete {id}"
    header "delete/$rt" "$RUNS_SINGLE" "$ns"
    printf '%s\n' "before $create" "before $rtc start {id}" "before-waitpid $pids/{id}" "step $rtc delete {id}"
    header "seq50/$rt" "$RUNS_SEQ" "$ns"
    echo "batch 50"
    echo "step $rtc run --bundle $b/true {id}"
    header "par10/$rt" "$RUNS_PAR" "$ns"
    printf 'batch 10\nparallel 10\n'
    echo "step $rtc run --bundle $b/true {id}"
    header "delete-force/$rt" "$RUNS_SINGLE" "$ns"
    echo "before $rtc create --bundle $b/sleep --pid-file $pids/{id} {id}"
    echo "before $rtc start {id}"
    echo "step $rtc delete --force {id}"
    echo "after-waitpid $pids/{id}"
    header "seccomp/$rt" "$RUNS_SINGLE" "$ns"
    echo "step $rtc run --bundle $b/seccomp {id}"
}

# baseline_cases BIN ROOT: another rune build (RUNE_BASELINE) measured in the same rounds, to see a change.
baseline_cases() {
    header "run/baseline" "$RUNS_SINGLE" ""
    echo "step $1 --root $2 run --bundle $WORK/bundles/true {id}"
    header "create/baseline" "$RUNS_SINGLE" ""
    printf '%s\n' "step $1 --root $2 create --bundle $WORK/bundles/true --pid-file $STATE/pids/{id} {id}" \
        "after $1 --root $2 start {id}" "after-waitpid $STATE/pids/{id}" "after $1 --root $2 delete {id}"
}

# seccomp_cold_case BIN ROOT: rune with its compiled-filter cache emptied before every run.
seccomp_cold_case() {
    header "seccomp-cold/rune" "$RUNS_SINGLE" ""
    echo "before rm -rf $2/.seccomp-cache"
    echo "step $1 --root $2 run --bundle $WORK/bundles/seccomp {id}"
}

# enclave_case NAME BUNDLE EXPECT: an enclave `run` through rune (probed by run.sh before it is added).
enclave_case() {
    header "$1/rune" "$RUNS_SINGLE" ""
    echo "expect $3"
    echo "step $RUNE --root $STATE/root-enclave run --bundle $2 {id}"
}

# calibration_cases NS: the runner's own floor, and what the mount-namespace hop used for crun costs.
calibration_cases() {
    header "calib-true/none" "$RUNS_SINGLE" ""
    echo "step /bin/true"
    if [ -n "$1" ]; then
        header "calib-true-ns/none" "$RUNS_SINGLE" "$1"
        echo "step /bin/true"
    fi
}

# floor_cases BIN: bench/floor.c, the same container's kernel work with no runtime around it, on the
# host's real layout (as rune and runc): the least any runtime could take here.
floor_cases() {
    local b=$WORK/bundles/true/rootfs
    header "run/floor" "$RUNS_SINGLE" ""
    echo "step $1 $b {id}"
    header "seq50/floor" "$RUNS_SEQ" ""
    echo "batch 50"
    echo "step $1 $b {id}"
    header "par10/floor" "$RUNS_PAR" ""
    printf 'batch 10\nparallel 10\n'
    echo "step $1 $b {id}"
}
