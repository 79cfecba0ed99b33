#!/usr/bin/env bash
# tests/wasm/run.sh: builds the Wasm PAL package, the C test host and the guest modules (from the
# WAT/C sources here), then drives libpal-wasm.so end to end in a chroot, plus the Swift unit tests.
# Ends with "N passed, N failed"; exits non-zero if anything failed. Needs root (chroot).
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
PKG=$REPO/pal/wasm
SCRATCH=${WASM_SCRATCH:-$PKG/.build-wasm}
WORK=$(mktemp -d /tmp/rune-wasm-test.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
passed=0 failed=0

ok() { passed=$((passed + 1)); echo "ok   - $1"; }
bad() { failed=$((failed + 1)); echo "FAIL - $1"; [ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/    | /'; }

# check NAME WANT_RC REGEX CMD...: passes when CMD exits WANT_RC and its output (stdout and stderr,
# lines joined by spaces) matches REGEX.
check() {
    local name=$1 want=$2 regex=$3; shift 3
    local out rc
    out=$("$@" 2>&1); rc=$?
    if [ "$rc" -eq "$want" ] && { [ -z "$regex" ] || tr '\n' ' ' <<<"$out" | grep -Eq -- "$regex"; }; then ok "$name"
    else bad "$name (rc=$rc, want $want, regex '$regex')" "$out"; fi
}

die() { echo "setup failed: $*"; echo "$passed passed, $((failed + 1)) failed"; exit 1; }

# ---- build -------------------------------------------------------------------------------------
# One release build of everything, tests included: `swift build` and `swift test` use different
# flags and would each rebuild WasmKit; --build-tests + `swift test --skip-build` builds it once.
(cd "$PKG" && swift build -c release --build-tests --scratch-path "$SCRATCH" 2>&1 | tail -3) || die "swift build"
BIN=$SCRATCH/release
PAL=$BIN/libpal-wasm.so
TOOL=$BIN/rune-enclave
[ -f "$PAL" ] && [ -x "$TOOL" ] || die "products missing in $BIN"
cc -O2 -Wall -I"$REPO/Sources/CEnclavePAL/include" "$HERE/host.c" -o "$WORK/host" -ldl -lpthread || die "host.c"

ROOT=$WORK/root
mkdir -p "$ROOT/app" "$ROOT/data" "$ROOT/meet"
WASI_CC=(/opt/swift/usr/bin/clang --target=wasm32-wasi --sysroot=/usr -O2)
WASI_LIBS=(-nodefaultlibs -lc /usr/lib/llvm-14/lib/clang/14.0.6/lib/wasi/libclang_rt.builtins-wasm32.a -Wl,--strip-all)
for wat in hello spin; do wat2wasm "$HERE/guests/$wat.wat" -o "$ROOT/app/$wat.wasm" || die "wat2wasm $wat"; done
for c in args files enclave rendezvous sleeper; do
    "${WASI_CC[@]}" "$HERE/guests/$c.c" -o "$ROOT/app/$c.wasm" "${WASI_LIBS[@]}" || die "clang $c"
done
"${WASI_CC[@]}" -DVARIANT=2 "$HERE/guests/enclave.c" -o "$ROOT/app/enclave2.wasm" "${WASI_LIBS[@]}" || die "clang enclave2"
echo "inside data" >"$ROOT/data/in.txt"
echo "top secret" >"$ROOT/secret.txt"
ln -s /secret.txt "$ROOT/data/link"

# ---- keys: the host's platform seed (outside the root) and two signers --------------------------
SEED=$WORK/sim/platform.seed
"$TOOL" platform-key --init --path "$SEED" >/dev/null || die "platform-key --init"
"$TOOL" platform-key --pub --path "$SEED" --out "$WORK/platform.pub" || die "platform-key --pub"
"$TOOL" keygen --out "$WORK/signer" >/dev/null || die "keygen"
"$TOOL" keygen --out "$WORK/other" >/dev/null || die "keygen other"
SIGNER=$("$TOOL" keygen --out "$WORK/unused" | sed 's/signer //')  # a valid, unrelated signer hash
sign() { "$TOOL" sign --key "$WORK/${3:-signer}" --module "$ROOT/app/$1.wasm" --args "$2" --out "$ROOT/app/$1.sig" --product-id 7 --svn 2 >/dev/null; }
HOST=("$WORK/host" --seed "$SEED" --chroot "$ROOT")
# run MODULE "EXTRA ARGS" COMMAND...: the enclave args name the module and its signature.
run() { local m=$1 extra=$2; shift 2; "${HOST[@]}" "${ENV[@]}" "$PAL" "module=/app/$m.wasm sig=/app/$m.sig $extra" "$@"; }
ENV=()

source "$HERE/cases.sh"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
