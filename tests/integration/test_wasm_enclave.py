"""The WebAssembly enclave runtime through rune (issue 5): signed modules on the `sim` software TEE.

Needs libpal-wasm.so and rune-enclave (pal/wasm, or RUNE_WASM_PAL / RUNE_ENCLAVE_TOOL), wat2wasm and the
WASI C toolchain; a static rune needs RUNE_RUNELET (its dynamically linked build) to host the Swift PAL."""
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from helpers import wait_for
from leaks import assert_nothing_left

REPO = Path(__file__).resolve().parents[2]
GUESTS = REPO / "tests" / "wasm" / "guests"
WASI_CC = ["/opt/swift/usr/bin/clang", "--target=wasm32-wasi", "--sysroot=/usr", "-O2"]
WASI_LIBS = ["-nodefaultlibs", "-lc", "/usr/lib/llvm-14/lib/clang/14.0.6/lib/wasi/libclang_rt.builtins-wasm32.a",
             "-Wl,--strip-all"]


@pytest.fixture(scope="session")
def wasm(tmp_path_factory):
    release = REPO / "pal" / "wasm" / ".build-wasm" / "release"
    pal = Path(os.environ.get("RUNE_WASM_PAL", release / "libpal-wasm.so"))
    tool = Path(os.environ.get("RUNE_ENCLAVE_TOOL", release / "rune-enclave"))
    if not pal.exists() or not tool.exists() or not shutil.which("wat2wasm"):
        pytest.skip("the Wasm PAL, rune-enclave or wat2wasm is missing")
    out = tmp_path_factory.mktemp("guests")
    for wat in ("hello", "spin"):
        subprocess.run(["wat2wasm", GUESTS / f"{wat}.wat", "-o", out / f"{wat}.wasm"], check=True)
    for c in ("args", "enclave", "sleeper"):
        subprocess.run(WASI_CC + [GUESTS / f"{c}.c", "-o", out / f"{c}.wasm"] + WASI_LIBS, check=True)
    subprocess.run(WASI_CC + ["-DVARIANT=2", GUESTS / "enclave.c", "-o", out / "enclave2.wasm"] + WASI_LIBS, check=True)
    key = out / "signer.key"
    subprocess.run([tool, "keygen", "--out", key], check=True, capture_output=True)
    return {"pal": str(pal), "tool": str(tool), "guests": out, "key": key}


@pytest.fixture(autouse=True)
def only_rune(rt):
    if rt.is_runc:
        pytest.skip("enclave containers are rune's")


def enclave_bundle(bundle, wasm, module, args=(), sign=True, extra="", key=None):
    b = bundle()
    app = b.rootfs / "app"
    app.mkdir(exist_ok=True)
    shutil.copy(wasm["guests"] / module, app / module)
    enclave_args = f"module=/app/{module}" + (f",{extra}" if extra else "")
    if sign:
        subprocess.run([wasm["tool"], "sign", "--key", key or wasm["key"], "--module", app / module,
                        "--args", enclave_args.replace(",", " "), "--out", app / (module + ".sig")],
                       check=True, capture_output=True)
        enclave_args += f",sig=/app/{module}.sig"
    else:
        enclave_args += ",debug"
    b.args(f"/app/{module}", *args)
    b.config["annotations"] = {"enclave.type": "sim", "enclave.runtime.path": wasm["pal"],
                               "enclave.runtime.args": enclave_args, "enclave.runtime.loglevel": "info"}
    return b


def test_signed_hello_runs_and_its_exit_code_propagates(rt, bundle, cid, wasm):
    res = rt.run(cid, enclave_bundle(bundle, wasm, "hello.wasm"))
    assert res.rc == 7, str(res)
    assert res.out == "hello\n"


def test_args_and_env_with_spaces_reach_the_module(rt, bundle, cid, wasm):
    b = enclave_bundle(bundle, wasm, "args.wasm", args=("a b", "c\"d"))
    b.process["env"] += ["T_X=y z", "EXIT_WITH=3"]
    res = rt.run(cid, b)
    assert res.rc == 3, str(res)
    assert "argv[1]=[a b]" in res.out and 'argv[2]=[c"d]' in res.out
    assert "env [T_X=y z]" in res.out


def test_tampered_module_is_refused_before_anything_runs(rt, bundle, cid, wasm, workdir):
    b = enclave_bundle(bundle, wasm, "hello.wasm")
    with open(b.rootfs / "app" / "hello.wasm", "ab") as f:
        f.write(b"\0")
    res = rt.run(cid, b)
    assert res.rc != 0
    assert "measurement" in res.err and "pal_init" in res.err, str(res)
    assert "hello" not in res.out
    assert_nothing_left(rt, workdir, cid)


def test_tampered_config_is_refused(rt, bundle, cid, wasm, workdir):
    b = enclave_bundle(bundle, wasm, "hello.wasm", extra="preopen=/tmp")
    args = b.config["annotations"]["enclave.runtime.args"]
    b.config["annotations"]["enclave.runtime.args"] = args.replace("preopen=/tmp", "preopen=/etc")
    res = rt.run(cid, b)
    assert res.rc != 0
    assert "pal_init" in res.err, str(res)
    assert_nothing_left(rt, workdir, cid)


def test_wrong_signer_is_refused(rt, bundle, cid, wasm, tmp_path, workdir):
    other = tmp_path / "other.key"
    subprocess.run([wasm["tool"], "keygen", "--out", other], check=True, capture_output=True)
    pinned = subprocess.run([wasm["tool"], "keygen", "--out", tmp_path / "pinned.key"], check=True, capture_output=True,
                            text=True).stdout.split()[-1]
    b = enclave_bundle(bundle, wasm, "hello.wasm", key=other, extra=f"signer={pinned}")
    res = rt.run(cid, b)
    assert res.rc != 0
    assert "signer" in res.err, str(res)
    assert_nothing_left(rt, workdir, cid)


def test_exec_runs_a_second_process_in_the_running_enclave(rt, bundle, cid, wasm):
    b = enclave_bundle(bundle, wasm, "sleeper.wasm")
    assert rt.create(cid, b).rc == 0
    assert rt.cmd("start", cid).rc == 0
    wait_for(lambda: "ready" in rt.output(cid)[0], "the enclave's first process")
    res = rt.cmd("exec", cid, "/app/sleeper.wasm", "short")
    assert res.rc == 0, str(res)
    assert res.out == "ready\nwoke up\n"
    assert rt.status(cid) == "running"
    assert rt.cmd("kill", cid, "TERM").rc == 0
    wait_for(lambda: rt.status(cid) == "stopped", "the sleeping module to stop")


def test_kill_stops_a_module_stuck_in_a_loop(rt, bundle, cid, wasm):
    b = enclave_bundle(bundle, wasm, "spin.wasm")
    assert rt.create(cid, b).rc == 0
    assert rt.cmd("start", cid).rc == 0
    wait_for(lambda: "ready" in rt.output(cid)[0], "the looping module")
    assert rt.cmd("kill", cid, "TERM").rc == 0
    wait_for(lambda: rt.status(cid) == "stopped", "the looping module to stop")


def test_attest_and_verify_offline(rt, bundle, cid, wasm, tmp_path):
    b = enclave_bundle(bundle, wasm, "spin.wasm")
    assert rt.create(cid, b).rc == 0
    assert rt.cmd("start", cid).rc == 0
    nonce = "00112233445566778899aabbccddeeff"
    evidence = tmp_path / "evidence"
    res = rt.cmd("attest", "--report-data", nonce, "--evidence-file", evidence, cid)
    assert res.rc == 0, str(res)
    pub = tmp_path / "platform.pub"
    subprocess.run([wasm["tool"], "platform-key", "--pub", "--out", pub], check=True, capture_output=True)
    measurement = subprocess.run([wasm["tool"], "measure", "--module", b.rootfs / "app" / "spin.wasm"],
                                 check=True, capture_output=True, text=True).stdout.split()[-1]

    def verify(*extra, path=evidence):
        return subprocess.run([wasm["tool"], "verify", "--evidence", path, "--platform-pub", pub, *extra],
                              capture_output=True, text=True)

    assert verify("--nonce", nonce, "--measurement", measurement).returncode == 0
    assert verify("--nonce", "ff" * 16).returncode != 0
    assert verify("--measurement", "00" * 32).returncode != 0
    forged = tmp_path / "forged"
    data = bytearray(evidence.read_bytes())
    data[len(data) // 2] ^= 1
    forged.write_bytes(bytes(data))
    assert verify(path=forged).returncode != 0
    assert rt.cmd("delete", "--force", cid).rc == 0


def test_attest_refuses_non_enclave_and_stopped_containers(rt, bundle, cid):
    assert rt.run_detached(cid, bundle().args("sleep", "100")).rc == 0
    res = rt.cmd("attest", cid)
    assert res.rc != 0 and "enclave" in res.err, str(res)
    rt.cmd("delete", "--force", cid)


def test_sealed_data_unseals_in_a_later_run_only_for_the_same_enclave(rt, bundle, wasm, tmp_path):
    from helpers import new_id
    data = tmp_path / "data"
    data.mkdir()

    def run(module, *args):
        b = enclave_bundle(bundle, wasm, module, args=args, extra="preopen=/data")
        b.bind(data, "/data", "rw")
        cid = new_id()
        return rt.run(cid, b)

    res = run("enclave.wasm", "seal", "1", "/data/secret", "the-secret")
    assert res.rc == 0, str(res)
    res = run("enclave.wasm", "unseal", "/data/secret")
    assert res.rc == 0 and "the-secret" in res.out, str(res)
    res = run("enclave2.wasm", "unseal", "/data/secret")
    assert res.rc != 0 and "the-secret" not in res.out, str(res)
