#!/usr/bin/env bash
# tests/wasm/bench.sh: start-up and compute figures for the Wasm PAL (numbers to read, not assertions).
# Needs the release build from run.sh (or `swift build -c release --build-tests` in pal/wasm), root,
# hyperfine. RUNS=N changes the repeat count.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
BIN=${WASM_SCRATCH:-$REPO/pal/wasm/.build-wasm}/release
RUNS=${RUNS:-50}
WORK=$(mktemp -d /tmp/rune-wasm-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
ROOT=$WORK/root
mkdir -p "$ROOT/app"
cc -O2 -I"$REPO/Sources/CEnclavePAL/include" "$HERE/host.c" -o "$WORK/host" -ldl -lpthread
wat2wasm "$HERE/guests/hello.wat" -o "$ROOT/app/hello.wasm"
/opt/swift/usr/bin/clang --target=wasm32-wasi --sysroot=/usr -O2 "$HERE/guests/lcg.c" -o "$ROOT/app/lcg.wasm" \
    -nodefaultlibs -lc /usr/lib/llvm-14/lib/clang/14.0.6/lib/wasi/libclang_rt.builtins-wasm32.a -Wl,--strip-all
/opt/swift/usr/bin/clang -O2 "$HERE/guests/lcg.c" -o "$WORK/lcg-native"
"$BIN/rune-enclave" platform-key --init --path "$WORK/seed" >/dev/null
"$BIN/rune-enclave" keygen --out "$WORK/key" >/dev/null
for m in hello lcg; do
    "$BIN/rune-enclave" sign --key "$WORK/key" --module "$ROOT/app/$m.wasm" --out "$ROOT/app/$m.sig" >/dev/null
done
HOST="$WORK/host --seed $WORK/seed --chroot $ROOT $BIN/libpal-wasm.so"

echo "== in-process: dlopen, pal_init, create+exec of hello (host.c --timing, 5 runs)"
for _ in 1 2 3 4 5; do $WORK/host --timing --seed $WORK/seed --chroot $ROOT $BIN/libpal-wasm.so "module=/app/hello.wasm sig=/app/hello.sig" run /app/hello.wasm 2>&1 >/dev/null | grep timing || true; done
echo "== whole process"
hyperfine -N -i --warmup 3 --runs "$RUNS" --style basic \
    "$HOST 'module=/app/hello.wasm sig=/app/hello.sig' run /app/hello.wasm" \
    "$WORK/host --seed $WORK/seed --chroot $ROOT $BIN/libpal-wasm.so 'module=/app/hello.wasm sig=/app/hello.sig' init"
echo "== 10^8-step compute loop: native clang -O2, WasmKit with fuel (the PAL's setting), without fuel"
hyperfine -N --warmup 1 --runs 10 --style basic "$WORK/lcg-native"
for fuel in "" --no-fuel; do
    for _ in 1 2 3 4 5; do "$BIN/wasm-bench" $fuel "$ROOT/app/lcg.wasm" 2>&1 >/dev/null; done
done
echo "== through the PAL (host.c + libpal-wasm.so)"
hyperfine -N --warmup 1 --runs 5 --style basic "$HOST 'module=/app/lcg.wasm sig=/app/lcg.sig' run /app/lcg.wasm"
