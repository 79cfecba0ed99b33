#!/bin/bash
# Kubernetes without a kubelet: Debian's containerd 1.6 with its CRI plugin on private paths, runtime
# handlers `runc` (default) and `rune` (io.containerd.rune.v2), driven over the CRI API by cri_test.py.
#
# Usage (root): bash tests/cri/run.sh
# Binaries are built (debug, own scratch paths) unless given: SHIM_BIN, RUNE_BIN, RUNELET_BIN (a
# dynamically linked rune; default RUNE_BIN), RUNE_ENCLAVE_BIN, PAL_WASM (libpal-wasm.so).
# CRI_SCENARIOS="plain:runc ..." runs a subset.
# Needs PyPI's grpcio and container-runtime-interface-api (installed here when missing).
# Prints the time from RunPodSandbox to each workload's first output; ends with "N passed, N failed",
# exits non-zero on any failure, and removes containerd, pods and all state on every exit.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
source "$HERE/lib.sh"

[ "$(id -u)" = 0 ] || { echo "tests/cri/run.sh must run as root"; exit 1; }
T=$(mktemp -d /tmp/rune-cri-test.XXXXXX)
CG_BASE=/rune-cri-test-$$
trap cleanup EXIT
trap 'exit 130' INT TERM
PAUSE_IMAGE=localhost/rune-cri/pause:1
BUSYBOX_IMAGE=localhost/rune-cri/busybox:1
WASM_IMAGE=localhost/rune-cri/wasm:1
# runc first: it proves the harness (annotated:runc, too: runc ignores enclave annotations).
SCENARIOS=${CRI_SCENARIOS:-plain:runc annotated:runc plain:rune enclave:rune signed:rune enclave-exec:rune annotated:rune timing:runc,rune}
PIP_PACKAGES="grpcio==1.85.3 protobuf==6.33.6 container-runtime-interface-api==2.0.1"

# ---- client, binaries, install layout ------------------------------------------------------------
python3 -c 'import grpc, cri_api.v1.api_pb2_grpc' 2>/dev/null || python3 -m pip install -q $PIP_PACKAGES >"$T/pip.log" 2>&1 ||
    { tail -5 "$T/pip.log"; setup_failed "pip install $PIP_PACKAGES"; }
build_or_use SHIM_BIN "the shim" "cd shim && swift build --scratch-path .build-cri" shim/.build-cri/debug/containerd-shim-rune-v2
build_or_use RUNE_BIN "rune" "swift build --scratch-path .build-cri-rune --product rune" .build-cri-rune/debug/rune
RUNELET_BIN=${RUNELET_BIN:-$RUNE_BIN}
build_or_use RUNE_ENCLAVE_BIN "rune-enclave and libpal-wasm.so" \
    "cd pal/wasm && swift build --scratch-path .build-cri" pal/wasm/.build-cri/debug/rune-enclave
PAL_WASM=${PAL_WASM:-$(dirname "$RUNE_ENCLAVE_BIN")/libpal-wasm.so}
install_prefix || setup_failed "install binaries under $T/prefix"
echo "# shim $SHIM_BIN"
echo "# rune $RUNE_BIN (runelet $RUNELET_BIN)"
echo "# rune-enclave $RUNE_ENCLAVE_BIN, PAL $PAL_WASM"

# ---- the shim's configuration: private runtime root, a signing key for the carrier ---------------
mkdir -p "$T/keys" "$T/logs"
"$T/prefix/bin/rune-enclave" keygen --out "$T/keys/signer.key" >/dev/null || setup_failed "rune-enclave keygen"
cat >"$T/shim.toml" <<TOML
root = "$T/rune-root"
[carrier]
signing_key = "$T/keys/signer.key"
TOML

# ---- images, built here: no registry ---------------------------------------------------------------
wat2wasm "$HERE/fixtures/enclave-hello.wat" -o "$T/app.wasm" || setup_failed "wat2wasm enclave-hello.wat"
# Images signed off-line ("client signing"): the module with its signature, and a tampered module (another
# greeting) shipped with the original's signature.
mkdir -p "$T/signed" "$T/tampered"
cp "$T/app.wasm" "$T/signed/app.wasm"
sed 's/hello from the enclave/HELLO FROM THE ENCLAVE/' "$HERE/fixtures/enclave-hello.wat" >"$T/tampered/app.wat"
{ "$T/prefix/bin/rune-enclave" keygen --out "$T/keys/offline.key" >/dev/null &&
  "$T/prefix/bin/rune-enclave" sign --key "$T/keys/offline.key" --module "$T/signed/app.wasm" --out "$T/signed/app.wasm.sig" >/dev/null &&
  wat2wasm "$T/tampered/app.wat" -o "$T/tampered/app.wasm" && cp "$T/signed/app.wasm.sig" "$T/tampered/app.wasm.sig"; } ||
    setup_failed "off-line signed test modules"
python3 "$REPO/scripts/make-oci-image.py" "$T/pause.tar" "$PAUSE_IMAGE" --cmd '["/bin/sleep", "2147483647"]' &&
python3 "$REPO/scripts/make-oci-image.py" "$T/busybox.tar" "$BUSYBOX_IMAGE" &&
python3 "$REPO/scripts/make-oci-image.py" "$T/wasm.tar" "$WASM_IMAGE" --cmd '["/app/app.wasm"]' --add "$T/app.wasm:/app/app.wasm" &&
python3 "$REPO/scripts/make-oci-image.py" "$T/signed.tar" localhost/rune-cri/wasm-signed:1 --cmd '["/app/app.wasm"]' \
    --add "$T/signed/app.wasm:/app/app.wasm" --add "$T/signed/app.wasm.sig:/app/app.wasm.sig" &&
python3 "$REPO/scripts/make-oci-image.py" "$T/tampered.tar" localhost/rune-cri/wasm-tampered:1 --cmd '["/app/app.wasm"]' \
    --add "$T/tampered/app.wasm:/app/app.wasm" --add "$T/tampered/app.wasm.sig:/app/app.wasm.sig" ||
    setup_failed "make-oci-image.py"

# ---- containerd with the CRI plugin and the deploy/ fragment's runtime ----------------------------
{
    sed -e "s|@T@|$T|g" -e "s|@PAUSE@|$PAUSE_IMAGE|g" "$HERE/containerd-test.toml"
    cat "$REPO/deploy/containerd-rune.toml"
    printf '[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.rune.options]\n  ConfigPath = "%s"\n' "$T/shim.toml"
} >"$T/config.toml"
echo "# containerd $(containerd --version | awk '{print $3}'), config $T/config.toml"
start_containerd || setup_failed "start containerd (log: $T/containerd.log)"
for image in pause busybox wasm signed tampered; do
    check "import $image image into namespace k8s.io" ctr_k8s images import "$T/$image.tar"
done

# ---- the CRI scenarios -------------------------------------------------------------------------------
python3 "$HERE/cri_test.py" --socket "$T/containerd.sock" --tmp "$T" --cgroup-base "$CG_BASE" \
    --runtime-root "runc=$T/runc-root" --runtime-root "rune=$T/rune-root" \
    --busybox-image "$BUSYBOX_IMAGE" --wasm-image "$WASM_IMAGE" --pal "$T/prefix/lib/rune/libpal-wasm.so" \
    $(printf -- '--scenario %s ' $SCENARIOS) --results "$T/results"
rc=$?
if [ -s "$T/results" ]; then
    read -r p f <"$T/results"
    PASSED=$((PASSED + p)); FAILED=$((FAILED + f))
    echo "# RunPodSandbox -> first workload output (timestamp of the CRI log line; 2 shared cores, debug builds unless given):"
    awk '$1 == "timing" { $1 = ""; secs = $2; $2 = ""; sub(/^ +/, ""); printf "#   %-75s %7.3f s\n", $0, secs }' "$T/results"
elif [ "$rc" -ne 0 ]; then
    fail "cri_test.py exited $rc without results"
fi
[ "$rc" -eq 0 ] || [ "$FAILED" -gt 0 ] || fail "cri_test.py exited $rc"

if [ "$FAILED" -gt 0 ]; then
    echo "# containerd log (last lines of $T/containerd.log):"
    grep -E 'level=(error|warning)' "$T/containerd.log" | tail -15 | cut -c1-400
fi
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
