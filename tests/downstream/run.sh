#!/bin/bash
# Downstream tests: podman and containerd (ctr, runc v2 shim) running real containers with a runtime.
#
# Usage: tests/downstream/run.sh [RUNTIME...]     (as root)
#   RUNTIME: path or name of an OCI runtime binary; default $RUNE, else .build-static/release/rune.
#   Several runtimes run one after another against the same private podman store and containerd, and
#   their container views are compared with the first one's: `run.sh runc .build-static/release/rune`
#   shows the harness passing with runc and rune matching it.
# One engine only: DOWNSTREAM_SUITES=podman (or containerd; default both).
# No network, no registry: the busybox-static image is built at test time. Ends with "N passed, N failed".
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)

resolve_runtime() {
    local path
    path=$(command -v -- "$1" 2>/dev/null) || { echo "runtime not found: $1" >&2; return 1; }
    [[ "$path" == /* ]] || path=$(cd "$(dirname "$path")" && pwd)/$(basename "$path")
    echo "$path"
}

main() {
    [ "$(id -u)" == 0 ] || { echo "run.sh: must run as root" >&2; exit 2; }
    local args=("$@")
    [ ${#args[@]} -gt 0 ] || args=("${RUNE:-$REPO/.build-static/release/rune}")
    RUNTIMES=()
    local r
    for r in "${args[@]}"; do RUNTIMES+=("$(resolve_runtime "$r")") || exit 2; done

    T=$(mktemp -d /tmp/rune-downstream.XXXXXX)
    chmod 755 "$T"  # root of a user namespace (uid 100000 outside) must reach the rootfs below it
    # A number no other process uses as `sleep` argument: finds this run's container processes.
    MARK=7$$
    source "$HERE/lib.sh"
    source "$HERE/podman.sh"
    source "$HERE/containerd.sh"
    exec 8>&1 9>&2  # the real stdout and stderr, for on_exit (a signal may land inside a redirection)
    trap on_exit EXIT
    trap 'exit 130' INT TERM

    mkdir -p "$T/share" && echo hello >"$T/share/hello"
    python3 "$HERE/make-image.py" "$T/rootfs.tar" "$T/oci.tar" "$PODMAN_IMAGE" || { echo "image build failed"; exit 1; }
    local suites=${DOWNSTREAM_SUITES:-podman containerd} suite i
    for suite in $suites; do
        if ! "${suite}_setup"; then fail "$suite: setup"; continue; fi
        for i in "${!RUNTIMES[@]}"; do
            RUNTIME=${RUNTIMES[$i]}
            LABEL=$(runtime_label "$i")
            echo "# $suite with $RUNTIME"
            "${suite}_suite"
        done
        compare_views "$suite"
    done
    exit 0
}

# The same podman/ctr commands must give the same container views under every runtime as under the first.
compare_views() {
    local first i label f view
    first=$(runtime_label 0)
    for i in "${!RUNTIMES[@]}"; do
        [ "$i" != 0 ] || continue
        label=$(runtime_label "$i")
        for f in "$T/view.$1-"*".$first"; do
            [ -e "$f" ] || continue
            view=$(basename "$f" ".$first")
            view=${view#view.}
            if diff "$f" "$T/view.$view.$label" >"$T/view.diff" 2>&1; then
                pass "[$label vs $first] $view: same container view"
            else
                fail "[$label vs $first] $view: same container view" "$(one_line 1500 <"$T/view.diff")"
            fi
        done
    done
}

# The runtime's file name, with its position added when two runtimes share one.
runtime_label() {
    local name j
    name=$(basename "${RUNTIMES[$1]}")
    for j in "${!RUNTIMES[@]}"; do
        if [ "$j" != "$1" ] && [ "$(basename "${RUNTIMES[$j]}")" == "$name" ]; then name=$name$1; break; fi
    done
    echo "$name"
}

report() {
    if [ "$FAILED" -gt 0 ]; then
        echo "# failed:"
        printf '#   %s\n' "${FAILED_NAMES[@]}"
    fi
    local l
    for l in $(printf '%s\n' "${!PASSED_BY[@]}" "${!FAILED_BY[@]}" | sort -u); do
        echo "# $l: ${PASSED_BY[$l]:-0} passed, ${FAILED_BY[$l]:-0} failed"
    done
    echo "$PASSED passed, $FAILED failed"
    [ "$FAILED" == 0 ]
}

# Cleans up everything this run started, even after a failure or an interrupt, then reports;
# the summary stays the last line.
on_exit() {
    local rc=$?
    set +e
    trap - EXIT
    exec 1>&8 2>&9
    podman_cleanup
    containerd_cleanup
    unmount_under "$T/"
    if [ -z "$(mounts_under "$T/")" ]; then rm -rf --one-file-system "$T"; else echo "# kept $T: mounts remain"; fi
    [ "$rc" == 0 ] || fail "run.sh aborted (exit $rc)"
    report
}

main "$@"
