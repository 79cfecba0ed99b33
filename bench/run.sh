#!/usr/bin/env bash
# bench/run.sh: rune against runc and crun, in one run, on the same bundles (docs/performance.md).
#   bash bench/run.sh [--quick] [--out FILE]      (root; about 3-5 minutes, --quick about 1-1.5)
# Prints a table of medians, ratios rune/runc and rune/crun, and peak RSS; writes bench/results.md
# (or FILE). Numbers to read, never thresholds. Overrides: RUNE, RUNC, CRUN, RUNE_RUNELET (the
# dynamically linked rune that hosts Swift PALs), SKELETON_PAL, WASM_DIR (pal/wasm release dir),
# RUNE_COMMIT (the commit RUNE was built from, for the report), RUNE_BASELINE (a second rune build
# whose `run` and `create` are measured in the same rounds, e.g. before and after a change; say
# what it is in RUNE_BASELINE_NOTE).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)

SCALE=100 WARMUP=3 OUT=$HERE/results.md MODE=default
while [ $# -gt 0 ]; do
    case $1 in
        --quick) SCALE=20 WARMUP=1 MODE=quick ;;
        --out) OUT=$2; shift ;;
        -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
        *) echo "bench: unknown option $1 (want --quick or --out FILE)" >&2; exit 2 ;;
    esac
    shift
done
[ "$(id -u)" = 0 ] || { echo "bench: needs root (containers with cgroups)" >&2; exit 1; }

first_existing() { for f in "$@"; do [ -e "$f" ] && { echo "$f"; return; }; done; echo ""; }
RUNE=${RUNE:-$REPO/.build-static/release/rune}
RUNC=${RUNC:-$(command -v runc || true)}
CRUN=${CRUN:-$(command -v crun || true)}
RUNE_RUNELET=${RUNE_RUNELET:-$(first_existing "$REPO/.build-release/release/rune" "$REPO/out/lib/rune/rune-runelet")}
WASM_DIR=${WASM_DIR:-$REPO/pal/wasm/.build-wasm/release}
for tool in "$RUNE" "$RUNC" "$CRUN"; do
    [ -x "$tool" ] || { echo "bench: runtime '$tool' not found (make rune; apt-get install runc crun)" >&2; exit 1; }
done
for tool in jq cc; do command -v $tool >/dev/null || { echo "bench: $tool not found" >&2; exit 1; }; done

WORK=$(mktemp -d /tmp/rune-bench.XXXXXX)
STATE=$WORK/state  # state roots and pid files on tmpfs, as /run is in production (here /run is on disk)
NS=""
# cleanup: delete what a failed case left behind (crun inside its namespace), then the work dir.
cleanup() {
    local entry bin root id enter
    for entry in "$RUNE":root-rune "$RUNE":root-rune-cold "$RUNE":root-enclave "${RUNE_BASELINE:-$RUNE}":root-baseline "$RUNC":root-runc "$CRUN":root-crun; do
        bin=${entry%:*} root=$STATE/${entry##*:} enter=()
        [ -d "$root" ] || continue
        if [ "$bin" = "$CRUN" ] && [ -n "$NS" ]; then enter=(nsenter --mount="$NS"); fi
        for id in $("${enter[@]}" "$bin" --root "$root" list -q 2>/dev/null); do
            "${enter[@]}" "$bin" --root "$root" delete --force "$id" >/dev/null 2>&1 || true
        done
    done
    if [ -n "$NS" ]; then umount "$NS" 2>/dev/null || true; umount "$WORK/ns" 2>/dev/null || true; fi
    umount "$STATE" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
cc -O2 -Wall -Wextra -o "$WORK/runner" "$HERE/runner.c"
cc -O2 -Wall -Wextra -o "$WORK/floor" "$HERE/floor.c"
mkdir -p "$WORK/bundles" "$STATE"
mount -t tmpfs -o size=64m,mode=0700 rune-bench "$STATE"
mkdir -p "$STATE/pids"

# bundle NAME ARGS_JSON [JQ_FILTER]: `runc spec` bundle (mkbundle.sh) with these process args.
bundle() {
    local dir=$WORK/bundles/$1
    bash "$REPO/scripts/mkbundle.sh" "$dir"
    jq --argjson args "$2" "${3:-.} | .process.args = \$args" "$dir/config.json" > "$dir/config.tmp"
    mv "$dir/config.tmp" "$dir/config.json"
}
bundle true '["true"]'
bundle sleep '["sleep","1000"]'
# The Docker-sized profile of the seccomp unit tests (default EPERM, 365 names, argument rules).
sed -n '/static let json = #"""/,/^"""#/p' "$REPO/Tests/RuneSecurityTests/DockerProfile.swift" | sed '1d;$d' > "$WORK/profile.json"
bundle seccomp '["true"]' ".linux.seccomp = $(jq -c . "$WORK/profile.json")"

# crun 1.8 refuses a hybrid host whose cgroup2 mount has controllers (this host has hugetlb there),
# before it even looks at --cgroup-manager. It gets a private mount namespace without the cgroup2
# mount (the runner setns()es into it before exec), so it sees plain cgroup v1 and still creates
# and removes a cgroup in every v1 controller. rune and runc run on the host's real hybrid layout.
if [ "$(stat -f -c %T /sys/fs/cgroup)" = tmpfs ] && [ "$(stat -f -c %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ] \
   && [ -n "$(cat /sys/fs/cgroup/unified/cgroup.controllers)" ]; then
    mkdir -p "$WORK/ns"
    mount --bind "$WORK/ns" "$WORK/ns" && mount --make-private "$WORK/ns"
    touch "$WORK/ns/legacy"
    NS=$WORK/ns/legacy
    unshare --mount="$NS" --propagation private umount /sys/fs/cgroup/unified
fi

# Before timing anything: every runtime must run the seccomp bundle and really install the filter.
check_runtime() {
    local name=$1 bin=$2 enter=() out dir=$WORK/bundles/check
    if [ "$name" = crun ] && [ -n "$NS" ]; then enter=(nsenter --mount="$NS"); fi
    out=$("${enter[@]}" "$bin" --root "$STATE/root-check" run --bundle "$dir" "check-$name" 2>&1) \
        || { echo "bench: $name cannot run the bench bundle: $out" >&2; exit 1; }
    grep -q "^Seccomp:.2" <<<"$out" || { echo "bench: $name did not install the seccomp filter: $out" >&2; exit 1; }
}
bundle check '["grep","Seccomp:","/proc/self/status"]' ".linux.seccomp = $(jq -c . "$WORK/profile.json")"
check_runtime rune "$RUNE"; check_runtime runc "$RUNC"; check_runtime crun "$CRUN"

. "$HERE/enclave.sh"
. "$HERE/cases.sh"
CASES=$WORK/cases
{
    calibration_cases "$NS"
    runtime_cases rune "$RUNE" "$STATE/root-rune" ""
    runtime_cases runc "$RUNC" "$STATE/root-runc" ""
    runtime_cases crun "$CRUN" "$STATE/root-crun" "$NS"
    floor_cases "$WORK/floor"
    seccomp_cold_case "$RUNE" "$STATE/root-rune-cold"
    if [ -n "${RUNE_BASELINE:-}" ]; then baseline_cases "$RUNE_BASELINE" "$STATE/root-baseline"; fi
    enclave_cases
} > "$CASES"

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
START=$(date +%s)
echo "bench: $(grep -c '^case' "$CASES") cases, scale $SCALE%, load $LOAD_BEFORE; this takes a few minutes" >&2
"$WORK/runner" -w "$WARMUP" -s "$SCALE" -l "$WORK/stderr.log" "$CASES" > "$WORK/results.tsv"
ELAPSED=$(( $(date +%s) - START ))
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
if [ -s "$WORK/stderr.log" ]; then
    echo "bench: runtime stderr (first lines):" >&2
    head -5 "$WORK/stderr.log" >&2
fi

. "$HERE/report.sh"
report > "$WORK/report.md"
cat "$WORK/report.md"
cp "$WORK/report.md" "$OUT"
echo "bench: wrote $OUT" >&2
