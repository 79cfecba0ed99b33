#!/bin/bash
# demo.sh: on a fresh machine, installs what rune needs, builds and installs it under ./out/prefix,
# makes a busybox-static bundle and runs an ordinary container and an enclave container with rune.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
cd "$REPO"
bash scripts/deps.sh
make all
PREFIX=$REPO/out/prefix
make install PREFIX="$PREFIX" >/dev/null
RUNE="$PREFIX/bin/rune --root $REPO/out/run"
WORK=$(mktemp -d /tmp/rune-demo.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

echo "== an ordinary container (exactly as under runc)"
bash scripts/mkbundle.sh "$WORK/plain" >/dev/null
jq '.process.args = ["sh", "-c", "echo hello from $(hostname), pid $$; exit 0"]' "$WORK/plain/config.json" > "$WORK/c.json"
mv "$WORK/c.json" "$WORK/plain/config.json"
$RUNE run --bundle "$WORK/plain" demo-plain

echo "== an enclave container (enclave.type=sim, the C skeleton PAL v3)"
bash scripts/mkbundle.sh "$WORK/encl" >/dev/null
jq --arg pal "$PREFIX/lib/rune/liberpal-skeleton-v3.so" '.process.args = ["sh", "-c", "echo hello from inside the enclave runtime"]
   | .annotations = {"enclave.type": "sim", "enclave.runtime.path": $pal, "enclave.runtime.args": "greeting",
                     "enclave.runtime.loglevel": "info"}' "$WORK/encl/config.json" > "$WORK/c.json"
mv "$WORK/c.json" "$WORK/encl/config.json"
$RUNE run --bundle "$WORK/encl" demo-enclave

echo "== a WebAssembly enclave container (signed module, software TEE 'sim', the Wasm PAL)"
bash scripts/mkbundle.sh "$WORK/wasm" >/dev/null
mkdir -p "$WORK/wasm/rootfs/app"
wat2wasm tests/wasm/guests/hello.wat -o "$WORK/wasm/rootfs/app/hello.wasm"
"$PREFIX/bin/rune-enclave" keygen --out "$WORK/signer.key" >/dev/null
"$PREFIX/bin/rune-enclave" sign --key "$WORK/signer.key" --module "$WORK/wasm/rootfs/app/hello.wasm" \
    --out "$WORK/wasm/rootfs/app/hello.wasm.sig" >/dev/null
jq --arg pal "$PREFIX/lib/rune/libpal-wasm.so" '.process.args = ["/app/hello.wasm"]
   | .annotations = {"enclave.type": "sim", "enclave.runtime.path": $pal,
                     "enclave.runtime.args": "module=/app/hello.wasm,sig=/app/hello.wasm.sig",
                     "enclave.runtime.loglevel": "info"}' "$WORK/wasm/config.json" > "$WORK/c.json"
mv "$WORK/c.json" "$WORK/wasm/config.json"
code=0
$RUNE run --bundle "$WORK/wasm" demo-wasm || code=$?
echo "(the hello module exits with $code by design)"
