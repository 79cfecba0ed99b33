# Carrier scenarios (sourced by run.sh). With runc as the runtime the enclave annotations are inert,
# so these check what the shim does at Create: signing, pass-through, refusals, and cleanup after them.

carrier_images() {
    local tool=$1
    wat2wasm "$HERE/fixtures/hello.wat" -o "$T/app.wasm" || return 1
    # Tampered: one byte of the data changed after signing (client signing, off-line).
    sed 's/hello from wasm/jello from wasm/' "$HERE/fixtures/hello.wat" >"$T/tampered.wat"
    wat2wasm "$T/tampered.wat" -o "$T/tampered.wasm" || return 1
    "$tool" sign --key "$T/signer.key" --module "$T/app.wasm" --out "$T/offline.sig" >/dev/null || return 1
    python3 "$REPO/scripts/make-oci-image.py" "$T/wasm-tampered.tar" localhost/wasm-tampered:1 \
        --add "$T/tampered.wasm:/app/app.wasm" --add "$T/offline.sig:/app/app.wasm.sig" || return 1
    python3 "$REPO/scripts/make-oci-image.py" "$T/wasm.tar" localhost/wasm:1 --add "$T/app.wasm:/app/app.wasm" || return 1
    python3 "$REPO/scripts/make-oci-image.py" "$T/wasm-signed.tar" localhost/wasm-signed:1 \
        --add "$T/app.wasm:/app/app.wasm" --add "$T/offline.sig:/app/app.wasm.sig" || return 1
    $CTR images import "$T/wasm.tar" >/dev/null && $CTR images import "$T/wasm-signed.tar" >/dev/null &&
        $CTR images import "$T/wasm-tampered.tar" >/dev/null
}

enclave_tool() {
    if [ -n "${RUNE_ENCLAVE_BIN:-}" ]; then echo "$RUNE_ENCLAVE_BIN"; return; fi
    (cd "$REPO" && swift build --package-path pal/wasm --scratch-path shim/.build-enclave --product rune-enclave >&2) || return 1
    echo "$REPO/shim/.build-enclave/debug/rune-enclave"
}

# carrier_create NAME IMAGE CONFIG [ENV...]: tries a create with the carrier env; prints ctr's output.
carrier_run() {
    local id=$1 image=$2 config=$3; shift 3
    local envs=(--env RUNE_CARRIER=wasm --env RUNE_CARRIER_MODULE=/app/app.wasm)
    for e in "$@"; do envs+=(--env "$e"); done
    timeout 60 $CTR run -d $R --runtime-config-path "$config" "${envs[@]}" "$image" "$id" \
        /bin/sh -c 'while :; do sleep 1; done' 2>&1
}

carrier_refused() {
    local id=$1
    check "$id: no shim left" wait_until no_shim "$id"
    expect_eq "$id: nothing mounted" "" "$(mounts_under "$(bundle_of "$id")")"
    $CTR c rm "$id" >/dev/null 2>&1
}

carrier_stop() {
    $CTR task kill -s KILL "$1" >/dev/null 2>&1
    wait_until status_is "$1" STOPPED
    $CTR task delete "$1" >/dev/null 2>&1
    $CTR c rm "$1" >/dev/null 2>&1
}

carrier_paths() {
    local out tool spec pal=${RUNE_PAL_PATH:-/opt/rune/lib/libpal-wasm.so}
    tool=$(enclave_tool)
    check "carrier: rune-enclave available" test -x "$tool"
    [ -x "$tool" ] || return
    "$tool" keygen --out "$T/signer.key" >/dev/null
    check "carrier: test images" carrier_images "$tool"
    printf '[carrier]\npal_path = "%s"\n' "$pal" >"$T/nokey.toml"
    out=$(carrier_run c1 localhost/wasm:1 "$T/nokey.toml")
    expect_contains "carrier: unsigned and no key is a create error" "no [carrier] signing_key" "$out"
    carrier_refused c1

    printf '[carrier]\nrequire_signature = true\nsigning_key = "%s/missing.key"\npal_path = "%s"\n' "$T" "$pal" >"$T/require.toml"
    out=$(carrier_run c2 localhost/wasm:1 "$T/require.toml")
    expect_contains "carrier: require_signature refuses an unsigned workload" "require_signature = true" "$out"
    carrier_refused c2

    printf '[carrier]\nsigning_key = "%s/missing.key"\npal_path = "%s"\n' "$T" "$pal" >"$T/missing.toml"
    out=$(carrier_run c3 localhost/wasm:1 "$T/missing.toml")
    expect_contains "carrier: a missing key file is a create error" "missing.key ([carrier] signing_key" "$out"
    carrier_refused c3

    out=$(timeout 60 $CTR run -d $R --env RUNE_CARRIER=sgx-magic localhost/wasm:1 c4 /bin/true 2>&1)
    expect_contains "carrier: unknown carrier is a create error" "unknown RUNE_CARRIER=sgx-magic" "$out"
    carrier_refused c4

    check "carrier: client-signed image passes under require_signature" carrier_run c5 localhost/wasm-signed:1 "$T/require.toml"
    spec=$(cat "$(bundle_of c5)/config.json" 2>/dev/null)
    expect_contains "carrier: enclave.type=sim" '"enclave.type":"sim"' "$spec"
    expect_contains "carrier: enclave.runtime.args" '"enclave.runtime.args":"module=/app/app.wasm,sig=/app/app.wasm.sig"' "$spec"
    # Checked from the host through the mounted rootfs: with rune the workload is the enclave, not a shell.
    check "carrier: the image's own signature is kept" cmp "$T/offline.sig" "$(bundle_of c5)/rootfs/app/app.wasm.sig"
    out=$(python3 -c 'import json,sys; print(sum("RUNE_CARRIER" in e for e in json.load(open(sys.argv[1]))["process"]["env"]))' "$(bundle_of c5)/config.json" 2>&1)
    expect_eq "carrier: RUNE_CARRIER* are not in the workload env" 0 "$out"
    if [ -z "${RUNE_PAL_PATH:-}" ]; then  # with runc the workload is a shell: exec into it
        out=$(timeout 30 $CTR task exec --exec-id y c5 /bin/sh -c 'env | grep -c RUNE_CARRIER' 2>&1)
        expect_eq "carrier: RUNE_CARRIER* are not in an exec's env" 0 "$out"
    fi
    carrier_stop c5

    printf '[carrier]\nenclave_tool = "%s"\nsigning_key = "%s/signer.key"\npal_path = "%s"\n' "$tool" "$T" "$pal" >"$T/sign.toml"
    check "carrier: create signs the workload" carrier_run c6 localhost/wasm:1 "$T/sign.toml" RUNE_CARRIER_ARGS=debug
    check "carrier: signature written next to the module" test -s "$(bundle_of c6)/rootfs/app/app.wasm.sig"
    check "carrier: the image's module is unchanged" cmp "$T/app.wasm" "$(bundle_of c6)/rootfs/app/app.wasm"
    spec=$(cat "$(bundle_of c6)/config.json" 2>/dev/null)
    expect_contains "carrier: extra args appended" '"enclave.runtime.args":"module=/app/app.wasm,sig=/app/app.wasm.sig,debug"' "$spec"
    expect_contains "carrier: PAL path from the config" "\"enclave.runtime.path\":\"$pal\"" "$spec"
    carrier_stop c6
    [ -n "${RUNE_PAL_PATH:-}" ] && carrier_enclave_runs
}

# Only with rune as the runtime and a built Wasm PAL (RUNE_PAL_PATH): the enclave really runs.
carrier_enclave_runs() {
    local out envs=(--env RUNE_CARRIER=wasm --env RUNE_CARRIER_MODULE=/app/app.wasm)
    out=$(timeout 120 $CTR run --rm $R --runtime-config-path "$T/sign.toml" "${envs[@]}" localhost/wasm:1 c7 /app/app.wasm 2>&1)
    expect_contains "enclave: the module signed at create runs" "hello from wasm" "$out"
    out=$(timeout 120 $CTR run --rm $R --runtime-config-path "$T/sign.toml" "${envs[@]}" localhost/wasm-tampered:1 c8 /app/app.wasm 2>&1)
    expect_contains "enclave: a tampered module is refused at create" "failed to create shim task" "$out"
    carrier_refused c8
}
