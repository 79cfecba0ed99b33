# enclave.sh: enclave `run` cases through rune (sourced by bench/run.sh). Each is probed once and
# skipped with a reason when its pieces are missing or the probe fails; ENCLAVE_NOTES collects why.
ENCLAVE_NOTES=()
ENCLAVE_CASES=()

# The init-runelet: a dynamically linked rune that can dlopen PALs (a static rune cannot host a
# Swift PAL). Exported so rune finds it; ordinary containers never use it.
if [ -n "$RUNE_RUNELET" ]; then export RUNE_RUNELET; fi
export RUNE_SIM_PLATFORM_SEED=$WORK/sim/platform.seed

# probe NAME BUNDLE EXPECT: one run of the bundle; adds the case when rune exits with EXPECT.
probe() {
    local code=0
    "$RUNE" --root "$STATE/root-enclave" run --bundle "$2" "probe-$1" >/dev/null 2>"$WORK/probe-$1.err" || code=$?
    if [ "$code" = "$3" ]; then
        ENCLAVE_CASES+=("$1 $2 $3")
    else
        ENCLAVE_NOTES+=("$1: skipped, probe exited $code (want $3): $(head -c 300 "$WORK/probe-$1.err" | tr '\n' ' ')")
        "$RUNE" --root "$STATE/root-enclave" delete --force "probe-$1" >/dev/null 2>&1 || true
    fi
}

# annotate NAME PAL ARGS: copy the `true` bundle into NAME with sim enclave annotations.
annotate() {
    local dir=$WORK/bundles/$1
    bash "$REPO/scripts/mkbundle.sh" "$dir"
    jq --arg pal "$2" --arg args "$3" '.process.args = ["true"] | .annotations = {"enclave.type": "sim",
        "enclave.runtime.path": $pal, "enclave.runtime.args": $args, "enclave.runtime.loglevel": "off"}' \
        "$dir/config.json" > "$dir/config.tmp"
    mv "$dir/config.tmp" "$dir/config.json"
}

skeleton_setup() {
    local pal=${SKELETON_PAL:-$REPO/out/lib/rune/liberpal-skeleton-v3.so}
    if [ ! -e "$pal" ] && [ -f "$REPO/pal/skeleton/skeleton.mk" ]; then
        make -s -f "$REPO/pal/skeleton/skeleton.mk" OUT="$WORK/pal" >/dev/null 2>&1 || true
        pal=$WORK/pal/liberpal-skeleton-v3.so
    fi
    [ -e "$pal" ] || { ENCLAVE_NOTES+=("enclave-skeleton: skipped, no skeleton PAL (make pals)"); return; }
    annotate enclave-skeleton "$pal" ""
    probe enclave-skeleton "$WORK/bundles/enclave-skeleton" 0
}

# The hello module of the Wasm PAL tests (prints "hello", exits 7), signed with a fresh key.
wasm_setup() {
    local tool=$WASM_DIR/rune-enclave pal=$WASM_DIR/libpal-wasm.so dir=$WORK/bundles/enclave-wasm
    local missing=""
    for f in "$tool" "$pal" "$RUNE_RUNELET"; do [ -n "$f" ] && [ -e "$f" ] || missing="$missing ${f:-rune-runelet}"; done
    command -v wat2wasm >/dev/null || missing="$missing wat2wasm"
    if [ -n "$missing" ]; then
        ENCLAVE_NOTES+=("enclave-wasm: skipped, missing:$missing (make wasm runelet; apt-get install wabt)")
        return
    fi
    annotate enclave-wasm "$pal" "module=/app/hello.wasm,sig=/app/hello.sig"
    mkdir -p "$dir/rootfs/app" "$WORK/sim"
    wat2wasm "$REPO/tests/wasm/guests/hello.wat" -o "$dir/rootfs/app/hello.wasm"
    "$tool" platform-key --init --path "$RUNE_SIM_PLATFORM_SEED" >/dev/null
    "$tool" keygen --out "$WORK/signer" >/dev/null
    "$tool" sign --key "$WORK/signer" --module "$dir/rootfs/app/hello.wasm" --out "$dir/rootfs/app/hello.sig" >/dev/null
    jq '.process.args = ["/app/hello.wasm"]' "$dir/config.json" > "$dir/config.tmp" && mv "$dir/config.tmp" "$dir/config.json"
    probe enclave-wasm "$dir" 7
}

enclave_cases() {
    skeleton_setup >&2
    wasm_setup >&2
    local c
    for c in "${ENCLAVE_CASES[@]}"; do enclave_case $c; done
}
