#!/bin/bash
# scripts/link-order/gen.sh: regenerate scripts/link-order/rune.order, the symbol ordering file rune and
# the runelet are linked with (Makefile; docs/performance.md, "Link order").
#
#   sudo bash scripts/link-order/gen.sh          (root: it runs containers; about a minute)
#
# 1. Builds rune exactly as `make rune` does (the command comes from `make -n rune`), but unstripped,
#    with a link map and without the current ordering, in a new scratch directory (the Swift driver
#    does not rebuild for a changed -Xfrontend flag such as -function-sections, so no old build is reused).
# 2. Runs rune --version, run (of /bin/true and of a short sleep), create, state, start, list, exec,
#    kill, delete and delete --force on busybox bundles (scripts/mkbundle.sh) under bptrace.c, which
#    follows every process and notes each function that runs in any rune process: the CLI and the
#    container init it re-executes through /proc/self/fd (same inode), which valgrind cannot follow
#    and perf only samples.
# 3. order.py writes the functions that ran, those shared by the most operations first.
#
# The file is committed: a build never regenerates it. A stale one only costs memory, never
# correctness (lld ignores names it does not know; --no-warn-symbol-ordering keeps that quiet).
# Regenerate after large changes to what the common operations run. Needs cc, python3, jq, readelf,
# busybox-static and runc (for mkbundle.sh).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
OUT=$HERE/rune.order
[ "$(id -u)" = 0 ] || { echo "gen.sh: needs root (it runs containers)" >&2; exit 1; }

WORK=$(mktemp -d /tmp/rune-link-order.XXXXXX)
BUILD=$WORK/build
R=""
cleanup() {
    if [ -n "$R" ]; then
        for id in $("$R" --root "$WORK/state" list -q 2>/dev/null); do "$R" --root "$WORK/state" delete --force "$id" >/dev/null 2>&1 || true; done
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

# The release command of `make rune`, into our scratch path, keeping symbols, with a map, no ordering.
cmd=$(make -s -n -C "$REPO" rune | grep -- '--product rune')
cmd=$(echo "$cmd" | sed -e "s|--scratch-path [^ ]*|--scratch-path $BUILD|" -e 's|-Xlinker --strip-all||' \
                        -e 's|-Xlinker --symbol-ordering-file=[^ ]*||' -e 's|-Xlinker --no-warn-symbol-ordering||' \
                        -e 's|-Xlinker -T[^ ]*rune.ld||')
echo "gen.sh: $cmd -Xlinker -Map=... -Xlinker --no-demangle" >&2
(cd "$REPO" && eval "$cmd -Xlinker -Map=$WORK/rune.map -Xlinker --no-demangle") >&2
R=$BUILD/release/rune
cp "$R" "$WORK/rune" && R=$WORK/rune  # its own inode, so a rebuild meanwhile changes nothing

cc -O2 -Wall -Wextra -o "$WORK/bptrace" "$HERE/bptrace.c"
readelf -sW "$R" | awk '($4 == "FUNC" || $4 == "IFUNC") && $7 != "UND" { print $2 }' | sort -u > "$WORK/entries"

bundle() {
    bash "$REPO/scripts/mkbundle.sh" "$WORK/$1" >/dev/null
    jq --argjson args "$2" '.process.args = $args' "$WORK/$1/config.json" > "$WORK/$1/config.tmp"
    mv "$WORK/$1/config.tmp" "$WORK/$1/config.json"
}
bundle true '["true"]'
bundle sleep '["sleep","100"]'
bundle nap '["sleep","0.5"]'
cat > "$WORK/ops.sh" <<OPS
set -x
R=$R; S="--root $WORK/state"
\$R --version
\$R \$S run -b $WORK/true lo-run
\$R \$S run -b $WORK/nap lo-nap
\$R \$S create -b $WORK/sleep lo-a
\$R \$S state lo-a
\$R \$S start lo-a
\$R \$S list
\$R \$S exec lo-a true
\$R \$S kill lo-a KILL
for i in 1 2 3 4 5 6 7 8 9 10; do \$R \$S state lo-a | grep -q '"stopped"' && break; sleep 0.2; done
\$R \$S delete lo-a
\$R \$S create -b $WORK/sleep lo-b
\$R \$S start lo-b
\$R \$S delete --force lo-b
OPS
"$WORK/bptrace" "$WORK/hits" "$WORK/entries" "$(stat -c %i "$R")" -- sh -e "$WORK/ops.sh" >&2
python3 "$HERE/order.py" "$R" "$WORK/rune.map" "$WORK/hits" "$OUT"
echo "gen.sh: wrote $OUT ($(grep -vc '^#' "$OUT") names)" >&2
