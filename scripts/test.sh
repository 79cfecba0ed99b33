#!/bin/bash
# test.sh: every test tier, in order; prints each tier's result and ends with one "N passed, N failed" line.
# Needs root, and the packages from scripts/deps.sh. Builds what it tests.
set -uo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
cd "$REPO"
LOG=${TEST_LOG_DIR:-$REPO/out/test-logs}
mkdir -p "$LOG"
passed=0 failed=0 tiers_failed=""

# A tier that hangs is ended after TIER_DEADLINE seconds (default 1200; the slowest tier takes about 6 minutes on a
# fresh machine), so one hang costs one tier, not the whole CI budget, and says where it hung.
DEADLINE=${TIER_DEADLINE:-1200}

# A tier's session is out of reach of the terminal's Ctrl-C, so an interrupted run kills the current tier itself.
tier_session="" watchdog=""
trap 'kill -KILL -- "-$tier_session" 2>/dev/null; kill "$watchdog" 2>/dev/null; exit 130' INT TERM HUP

# run_with_deadline LOGFILE CMD...: runs CMD in a session of its own; past the deadline, records what was still
# running (the process tree, Swift Testing tests started and not finished) and kills the session.
run_with_deadline() {
    local logfile=$1; shift
    setsid "$@" > "$logfile" 2>&1 &
    local pid=$!
    tier_session=$pid
    ( trap 'kill "$sleeper" 2>/dev/null; exit 0' TERM
      sleep "$DEADLINE" & sleeper=$!
      wait "$sleeper"
      { echo "=== deadline of ${DEADLINE}s passed; still running:"
        ps -eo pid,ppid,etimes,stat,wchan:24,args --forest | awk '$1 != 2 && $2 != 2' | cut -c1-220
        echo "=== tests started and not finished:"
        unfinished_tests "$logfile"; } >> "$logfile" 2>&1
      kill -KILL -- "-$pid" 2>/dev/null ) &
    watchdog=$!
    wait "$pid"
    local rc=$?
    kill "$watchdog" 2>/dev/null; wait "$watchdog" 2>/dev/null
    tier_session="" watchdog=""
    return "$rc"
}

# Swift Testing prints "◇ Test NAME started." and then "✔ Test NAME [with N test cases] passed" or "... failed".
unfinished_tests() {
    local started finished
    started=$(grep -v '^◇ Test \(case \|run \)' "$1" | sed -n 's/^◇ Test \(.*\) started\.$/\1/p' | sort -u)
    finished=$(sed -n 's/^[✔✘] Test \(.*\) \(passed\|failed\) after.*/\1/p' "$1" | sed 's/ with [0-9]* test cases\?$//' | sort -u)
    comm -23 <(echo "$started") <(echo "$finished")
}

# tier NAME CMD...: runs a tier, adds the counts it prints ("N passed, N failed" or pytest's/swift's summaries).
tier() {
    local name=$1; shift
    echo "=== $name: $*"
    run_with_deadline "$LOG/$name.log" "$@"
    local rc=$?
    tail -n 15 "$LOG/$name.log"
    if grep -q "^=== deadline of" "$LOG/$name.log"; then sed -n '/^=== deadline of/,$p' "$LOG/$name.log" | head -n 120; fi
    local p f
    p=$(grep -Eo '([0-9]+) passed' "$LOG/$name.log" | tail -1 | grep -Eo '[0-9]+' || true)
    f=$(grep -Eo '([0-9]+) failed' "$LOG/$name.log" | tail -1 | grep -Eo '[0-9]+' || true)
    if [ -z "$p" ]; then
        p=$(grep -Eo 'Test run with ([0-9]+) tests? in [0-9]+ suites? passed' "$LOG/$name.log" | tail -1 | grep -Eo '[0-9]+' | head -1 || true)
    fi
    if [ -z "$p" ] || [ "$p" = 0 ]; then  # XCTest: "Executed N tests, with M failures"
        local xc
        xc=$(grep -Eo 'Executed [0-9]+ tests?, with [0-9]+ failures?' "$LOG/$name.log" | tail -1 || true)
        if [ -n "$xc" ]; then
            local n m
            n=$(echo "$xc" | grep -Eo '[0-9]+' | head -1); m=$(echo "$xc" | grep -Eo '[0-9]+' | sed -n 2p)
            p=$((n - m)); [ -n "$f" ] && [ "$f" != 0 ] || f=$m
        fi
    fi
    p=${p:-0}; f=${f:-0}
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
    passed=$((passed + p)); failed=$((failed + f))
    [ "$rc" -eq 0 ] || tiers_failed="$tiers_failed $name"
    echo "=== $name: rc=$rc ($p passed, $f failed)"
}

tier build make all
RUNE=$REPO/.build-static/release/rune
# One test at a time: a test that forks then forks a runner whose other threads are idle, so its child does not
# inherit a Swift runtime lock another test holds (in parallel, 2 runs of 150 here had such a child, ended by its
# alarm and run again: 30 s each).
tier unit swift test --scratch-path .build --no-parallel
tier integration-runc python3 -m pytest tests/integration --runtime "$(command -v runc)" -q -p no:cacheprovider
# A static rune cannot load PALs: enclave containers start from its dynamically linked build, the runelet.
RUNE_RUNELET=$REPO/.build-release/release/rune tier integration-rune python3 -m pytest tests/integration --runtime "$RUNE" -q -p no:cacheprovider
tier pal bash tests/pal/run.sh
tier wasm bash tests/wasm/run.sh
tier shim-unit bash -c "cd shim && swift test --scratch-path .build-shim-test"
SHIM_BIN=$REPO/shim/.build-shim/release/containerd-shim-rune-v2 RUNE_SHIM_RUNTIME=$RUNE RUNE_RUNELET=$REPO/.build-release/release/rune \
RUNE_PAL_PATH=$REPO/pal/wasm/.build-wasm/release/libpal-wasm.so RUNE_ENCLAVE_BIN=$REPO/pal/wasm/.build-wasm/release/rune-enclave \
    tier shim bash tests/shim/run.sh
tier downstream bash tests/downstream/run.sh runc "$RUNE"
SHIM_BIN=$REPO/shim/.build-shim/release/containerd-shim-rune-v2 RUNE_BIN=$RUNE RUNELET_BIN=$REPO/.build-release/release/rune \
RUNE_ENCLAVE_BIN=$REPO/pal/wasm/.build-wasm/release/rune-enclave PAL_WASM=$REPO/pal/wasm/.build-wasm/release/libpal-wasm.so \
    tier cri bash tests/cri/run.sh

echo
[ -z "$tiers_failed" ] || echo "failed tiers:$tiers_failed"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ -z "$tiers_failed" ]
