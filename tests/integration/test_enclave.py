"""Enclave containers end to end (issue 4) with the skeleton PAL in its v1, v2 and v3 flavours.

The skeleton is the only test double (it stands in for TEE hardware): payloads are real processes in the
container, every PAL call is traced to a host file, and its args make a chosen call fail or crash.
Every test also passes the leak check of the `rt` fixture; failure cases check it explicitly as well.
"""
import json
import os
import shutil
import signal
import stat
import struct
import subprocess
from concurrent.futures import ThreadPoolExecutor

import pytest

from enclave_helpers import (AGENT_KINDS, VERSIONS, Trace, agent_exchange, agent_frame, build_pal_from_source,
                             build_skeleton, make_enclave)
from helpers import COMMAND_TIMEOUT, Runtime, pid_alive, wait_for
from leaks import assert_nothing_left, cgroup_dirs_matching, find_leaks

pytestmark = pytest.mark.rune_only

V2_UP = [2, 3]


@pytest.fixture(scope="session")
def pals(tmp_path_factory):
    return build_skeleton(tmp_path_factory.mktemp("skeleton-pal"))


@pytest.fixture
def trace(hostdir):
    return Trace(hostdir)


@pytest.fixture
def enclave(bundle, pals, hostdir):
    """enclave(version, *argv, extra="", **make_enclave options) -> an enclave Bundle running argv."""
    def make(version, *argv, extra="", **options):
        b = bundle().args(*(argv or ("true",)))
        return make_enclave(b, pals[version], hostdir, extra, **options)
    return make


def started(rt, cid, b):
    res = rt.run_detached(cid, b)
    assert res.rc == 0, str(res)
    rt.wait_status(cid, "running")


# --- run, lifecycle, exit codes ------------------------------------------------------------------------

@pytest.mark.parametrize("version", VERSIONS)
def test_run_propagates_exit_code_and_output(rt, enclave, trace, cid, version, pals):
    b = enclave(version, "sh", "-c", "echo to-stdout; echo to-stderr >&2; exit 7")
    res = rt.run(cid, b)
    assert res.rc == 7, str(res)
    assert res.out == "to-stdout\n"
    assert "to-stderr" in res.err
    expected = ["pal_init", "pal_exec", "pal_destroy"] if version == 1 else \
        ["pal_init", "pal_create_process", "pal_exec", "pal_destroy"]
    assert trace.calls() == expected
    assert trace.matching(rf"^pal_init version={version} ")
    # argv[0] went through the PATH lookup inside the container.
    assert trace.matching(r'path="/bin/sh"')


@pytest.mark.parametrize("code", [0, 1, 42, 255])
def test_run_exit_codes(rt, enclave, cid, code):
    res = rt.run(cid, enclave(3, "sh", "-c", f"exit {code}"))
    assert res.rc == code, str(res)


def test_enclave_run_matches_runc_without_enclave(rt, ref, enclave, bundle, cid):
    script = "echo out; echo err >&2; exit 5"
    expected = ref.run(cid, bundle().sh(script))
    got = rt.run(cid, enclave(3, "sh", "-c", script))
    assert (got.rc, got.out) == (expected.rc, expected.out)


@pytest.mark.parametrize("version", VERSIONS)
def test_create_start_state_kill_delete(rt, enclave, trace, cid, version):
    b = enclave(version, "sleep", "1000")
    res = rt.create(cid, b)
    assert res.rc == 0, str(res)
    # create returns only after pal_init; the payload waits for start.
    assert trace.calls() == ["pal_init"]
    state = rt.state(cid)
    assert state["status"] == "created"
    assert state["pid"] > 0
    assert rt.cmd("start", cid).rc == 0
    rt.wait_status(cid, "running")
    trace.wait_for("pal_exec")
    assert rt.cmd("kill", cid, "TERM").rc == 0
    rt.wait_status(cid, "stopped")
    if version == 1:
        assert trace.count("pal_kill") == 0  # v1 takes no signals: TERM ends the container
    else:
        assert trace.matching(r"^pal_kill pid=1 sig=15$")
    assert trace.count("pal_destroy") == 1
    assert rt.cmd("delete", cid).rc == 0
    assert not (rt.root / cid).exists()
    assert trace.count("pal_destroy") == 1


@pytest.mark.parametrize("version", VERSIONS)
def test_delete_created_container_destroys_once(rt, enclave, trace, cid, workdir, version):
    assert rt.create(cid, enclave(version, "sleep", "1000")).rc == 0
    res = rt.cmd("delete", cid)
    assert res.rc == 0, str(res)
    assert trace.count("pal_destroy") == 1
    assert trace.count("pal_exec") == 0
    assert_nothing_left(rt, workdir, cid)


@pytest.mark.parametrize("version", VERSIONS)
def test_delete_force_running_destroys_once(rt, enclave, trace, cid, workdir, version):
    started(rt, cid, enclave(version, "sleep", "1000"))
    trace.wait_for("pal_exec")
    res = rt.cmd("delete", "--force", cid)
    assert res.rc == 0, str(res)
    assert trace.count("pal_destroy") == 1
    assert_nothing_left(rt, workdir, cid)


@pytest.mark.parametrize("version", VERSIONS)
def test_kill_9_of_init_runelet_leaves_nothing(rt, enclave, trace, cid, workdir, version):
    started(rt, cid, enclave(version, "sleep", "1000"))
    trace.wait_for("pal_exec")
    os.kill(rt.state(cid)["pid"], signal.SIGKILL)
    rt.wait_status(cid, "stopped")
    res = rt.cmd("delete", cid)
    assert res.rc == 0, str(res)
    assert trace.count("pal_destroy") == 0  # SIGKILL leaves the runelet no chance
    assert_nothing_left(rt, workdir, cid)


def test_only_user_signals_are_forwarded(rt, enclave, trace, cid):
    script = "trap 'echo got-usr1' USR1; trap 'exit 42' TERM; while :; do sleep 1 & wait $!; done"
    started(rt, cid, enclave(3, "sh", "-c", script))
    trace.wait_for("pal_exec")
    # A payload that ends makes SIGCHLD in the runelet; WINCH, URG and CHLD sent by hand are not "real" signals.
    assert rt.cmd("exec", cid, "true").rc == 0
    for name in ("WINCH", "URG", "CHLD"):
        assert rt.cmd("kill", cid, name).rc == 0
    assert rt.cmd("kill", cid, "USR1").rc == 0
    trace.wait_for("pal_kill")
    assert rt.cmd("kill", cid, "TERM").rc == 0
    rt.wait_status(cid, "stopped")
    assert trace.killed_signals() == [signal.SIGUSR1, signal.SIGTERM]
    assert "got-usr1" in rt.output(cid)[0]
    assert trace.count("pal_destroy") == 1


@pytest.mark.parametrize("version", V2_UP)
def test_kill_all_reaches_every_pal_process(rt, enclave, trace, cid, version):
    started(rt, cid, enclave(version, "sleep", "1000"))
    trace.wait_for("pal_exec")
    res = rt.cmd("kill", "--all", cid, "TERM")
    assert res.rc == 0, str(res)
    rt.wait_status(cid, "stopped")
    assert trace.matching(r"^pal_kill pid=-1 sig=15$")
    assert trace.count("pal_destroy") == 1


# --- exec ----------------------------------------------------------------------------------------------

AWKWARD = ["two words", "it's", 'say "hi"', "line1\nline2", "", "back\\slash", "  padded  ", "tab\there", "ünïcödé"]
PRINT_ARGS = 'for a in "$@"; do printf "[%s]\\n" "$a"; done'


@pytest.mark.parametrize("version", VERSIONS)
def test_exec_awkward_arguments_pass_unchanged(rt, enclave, cid, version):
    started(rt, cid, enclave(version, "sleep", "1000"))
    res = rt.cmd("exec", cid, "sh", "-c", PRINT_ARGS, "sh", *AWKWARD)
    assert res.rc == 0, str(res)
    assert res.out == "".join(f"[{a}]\n" for a in AWKWARD)


@pytest.mark.parametrize("version", V2_UP)
def test_exec_awkward_env_values_pass_unchanged(rt, enclave, cid, version):
    started(rt, cid, enclave(version, "sleep", "1000"))
    value = "multi\nline 'single' \"double\" and spaces"
    res = rt.cmd("exec", "--env", f"AWKWARD={value}", "--env", "ENCLAVE_TYPE=intelSgx", cid,
                 "sh", "-c", 'printf "%s" "$AWKWARD"; env | grep -c ^ENCLAVE_ || true')
    assert res.rc == 0, str(res)
    assert res.out == value + "0\n"


@pytest.mark.parametrize("version", VERSIONS)
def test_exec_exit_code_and_stdin(rt, enclave, cid, version):
    started(rt, cid, enclave(version, "sleep", "1000"))
    res = rt.cmd("exec", cid, "sh", "-c", "read line; echo got:$line; exit 3", input="from-stdin\n")
    assert res.rc == 3, str(res)
    assert res.out == "got:from-stdin\n"


def test_exec_in_created_container_runs_beside_pending_payload(rt, enclave, trace, cid):
    assert rt.create(cid, enclave(3, "sleep", "1000")).rc == 0
    res = rt.cmd("exec", cid, "echo", "early")
    assert res.rc == 0, str(res)
    assert res.out == "early\n"
    assert rt.status(cid) == "created"


@pytest.mark.parametrize("version", V2_UP)
def test_exec_detached_keeps_running(rt, enclave, trace, cid, hostdir, version):
    started(rt, cid, enclave(version, "sleep", "1000"))
    res = rt.cmd_detached("exec", "--detach", cid, "sh", "-c", "sleep 0.2; echo detached > /trace/exec-out")
    assert res.rc == 0, str(res)
    wait_for(lambda: (hostdir / "exec-out").exists() and (hostdir / "exec-out").read_text() == "detached\n",
             "the detached exec to finish its work")


def test_exec_detached_pid_file_stands_for_the_payload(rt, enclave, trace, cid, workdir):
    started(rt, cid, enclave(3, "sleep", "1000"))
    pid_file = workdir / "exec.pid"
    res = rt.cmd_detached("exec", "--detach", "--pid-file", pid_file, cid, "sleep", "1000")
    assert res.rc == 0, str(res)
    pid = int(pid_file.read_text())
    wait_for(lambda: catches(pid, signal.SIGTERM), "the exec's stand-in to catch SIGTERM")
    os.kill(pid, signal.SIGTERM)
    trace.wait_for("pal_kill")
    assert trace.matching(r"^pal_kill pid=2 sig=15$")
    wait_for(lambda: not pid_alive(pid), "the stand-in to exit with its payload")


@pytest.mark.parametrize("version", V2_UP)
@pytest.mark.parametrize("detach", [False, True])
def test_exec_tty_with_console_socket(rt, enclave, cid, console, version, detach):
    started(rt, cid, enclave(version, "sleep", "1000"))
    tty = console()
    flags = ["--tty", "--console-socket", tty.path] + (["--detach"] if detach else [])
    res = rt.cmd("exec", *flags, cid, "sh", "-c", "[ -t 0 ] && [ -t 1 ] && echo is-a-tty; exit 4")
    assert res.rc == (0 if detach else 4), str(res)
    assert "is-a-tty" in tty.output()


def test_exec_tty_without_console_socket_fails(rt, enclave, cid):
    started(rt, cid, enclave(3, "sleep", "1000"))
    res = rt.cmd("exec", "--tty", "--detach", cid, "true")
    assert res.rc != 0
    assert "console" in res.err.lower(), str(res)
    assert rt.status(cid) == "running"


# --- attest --------------------------------------------------------------------------------------------

def test_attest_evidence_binds_report_data(rt, enclave, trace, cid):
    started(rt, cid, enclave(3, "sleep", "1000"))
    res = rt.cmd("attest", "--report-data", "00112233aabbccdd", cid)
    assert res.rc == 0, str(res)
    evidence = json.loads(bytes.fromhex(res.out.strip()))
    assert evidence["fake"] is True
    assert evidence["reportData"] == "00112233aabbccdd"
    assert trace.count("pal_get_evidence") == 1


def test_attest_local_report_file(rt, enclave, trace, cid, bundle):
    b = enclave(3, "sleep", "1000")
    started(rt, cid, b)
    res = rt.cmd("attest", "--reportFile", "/report.bin", cid)
    assert res.rc == 0, str(res)
    report = (b.rootfs / "report.bin").read_bytes()
    assert len(report) == 432
    assert report.startswith(b"SKELETON-FAKE-REPORT")
    assert trace.matching(r"^pal_get_local_report targetinfo_len=512 report_len=432$")


def test_attest_report_file_stays_inside_rootfs(rt, enclave, cid, workdir):
    b = enclave(3, "sleep", "1000")
    started(rt, cid, b)
    escaped = workdir / "escaped-report.bin"
    rt.cmd("attest", "--reportFile", "../../escaped-report.bin", cid)
    assert not escaped.exists(), "--reportFile wrote outside the container's rootfs"


@pytest.mark.parametrize("version", [1, 2])
def test_attest_refused_below_v3(rt, enclave, pals, cid, version):
    started(rt, cid, enclave(version, "sleep", "1000"))
    res = rt.cmd("attest", cid)
    assert res.rc != 0
    assert "v3" in res.err and str(pals[version]) in res.err, str(res)
    assert rt.status(cid) == "running"


def test_attest_refused_for_stopped_container(rt, enclave, cid):
    assert rt.create(cid, enclave(3, "true")).rc == 0
    rt.start_and_wait(cid)
    res = rt.cmd("attest", cid)
    assert res.rc != 0
    assert "stopped" in res.err, str(res)


def test_attest_refused_for_plain_container(rt, bundle, cid):
    assert rt.run_detached(cid, bundle().args("sleep", "1000")).rc == 0
    res = rt.cmd("attest", cid)
    assert res.rc != 0
    assert "not an enclave container" in res.err and cid in res.err, str(res)


@pytest.mark.parametrize("function,flags", [("pal_get_evidence", []), ("pal_get_local_report", ["--reportFile", "/r.bin"])])
def test_attest_pal_failure_is_reported(rt, enclave, pals, cid, function, flags):
    started(rt, cid, enclave(3, "sleep", "1000", extra=f"fail={function}:5"))
    res = rt.cmd("attest", *flags, cid)
    assert res.rc != 0
    assert f"{function} failed: -5" in res.err and str(pals[3]) in res.err, str(res)
    assert rt.status(cid) == "running"


# --- PAL failures: one clear error, nothing left behind ---------------------------------------------------

@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("how,words", [("fail=pal_init:22", ["pal_init failed: -22", "EINVAL"]),
                                       ("crash=pal_init", ["pal_init crashed"])])
def test_pal_init_failure_fails_create(rt, enclave, pals, trace, cid, workdir, version, how, words):
    res = rt.create(cid, enclave(version, "true", extra=how))
    assert res.rc != 0
    for word in words + [str(pals[version])]:
        assert word in res.err, str(res)
    assert trace.count("pal_destroy") == 0  # nothing to destroy: pal_init never succeeded
    assert not (rt.root / cid).exists()
    assert_nothing_left(rt, workdir, cid)


@pytest.mark.parametrize("version,how,words", [
    (2, "fail=pal_create_process:5", ["pal_create_process failed: -5", "EIO"]),
    (3, "fail=pal_create_process:5", ["pal_create_process failed: -5", "EIO"]),
    (1, "fail=pal_exec:7", ["pal_exec failed: -7", "E2BIG"]),
    (2, "fail=pal_exec:7", ["pal_exec failed: -7", "E2BIG"]),
    (3, "fail=pal_exec:7", ["pal_exec failed: -7", "E2BIG"]),
])
def test_payload_pal_failure_fails_run(rt, enclave, pals, trace, cid, workdir, version, how, words):
    res = rt.run(cid, enclave(version, "echo", "never-printed", extra=how))
    assert res.rc == 1, str(res)
    assert "never-printed" not in res.out
    for word in words + [str(pals[version])]:
        assert word in res.err, str(res)
    assert trace.count("pal_destroy") == 1
    rt.cmd("delete", cid)
    assert_nothing_left(rt, workdir, cid)


@pytest.mark.parametrize("version,function", [(1, "pal_exec"), (2, "pal_create_process"), (3, "pal_create_process"),
                                              (2, "pal_exec"), (3, "pal_exec"), (3, "pal_destroy")])
def test_crash_inside_pal_during_run(rt, enclave, pals, cid, workdir, version, function):
    res = rt.run(cid, enclave(version, "true", extra=f"crash={function}"))
    assert res.rc > 128, str(res)
    assert f"{function} crashed" in res.err and str(pals[version]) in res.err, str(res)
    rt.cmd("delete", cid)
    assert_nothing_left(rt, workdir, cid)


@pytest.mark.parametrize("version", V2_UP)
def test_exec_pal_failure_is_reported(rt, enclave, pals, cid, version):
    assert rt.create(cid, enclave(version, "sleep", "1000", extra="fail=pal_create_process:5")).rc == 0
    res = rt.cmd("exec", cid, "echo", "never-printed")
    assert res.rc != 0
    assert "pal_create_process failed: -5" in res.err and str(pals[version]) in res.err, str(res)
    assert res.out == ""
    assert rt.status(cid) == "created"


@pytest.mark.parametrize("version", V2_UP)
def test_pal_kill_failure_is_reported(rt, enclave, pals, trace, cid, version):
    started(rt, cid, enclave(version, "sleep", "1000", extra="fail=pal_kill:1"))
    trace.wait_for("pal_exec")
    res = rt.cmd("kill", "--all", cid, "TERM")
    assert res.rc != 0
    assert "pal_kill failed: -1" in res.err and str(pals[version]) in res.err, str(res)
    # A plain kill is relayed by the init-runelet, which logs the failure on the container's stderr.
    assert rt.cmd("kill", cid, "USR1").rc == 0
    trace.wait_for("pal_kill", 2)
    wait_for(lambda: "pal_kill failed: -1" in rt.output(cid)[1], "the relay's warning")
    assert rt.status(cid) == "running"


@pytest.mark.parametrize("version", VERSIONS)
def test_pal_destroy_failure_is_a_warning(rt, enclave, pals, trace, cid, version):
    res = rt.run(cid, enclave(version, "sh", "-c", "exit 6", extra="fail=pal_destroy:5"))
    assert res.rc == 6, str(res)
    assert "pal_destroy failed: -5" in res.err and str(pals[version]) in res.err, str(res)
    assert trace.count("pal_destroy") == 1


# --- configuration ---------------------------------------------------------------------------------------

def config_error(rt, b, cid, workdir, *words):
    res = rt.create(cid, b)
    assert res.rc != 0
    for word in words:
        assert word in res.err, str(res)
    assert not (rt.root / cid).exists()
    assert_nothing_left(rt, workdir, cid)


def test_missing_pal_path(rt, bundle, hostdir, cid, workdir):
    b = make_enclave(bundle().args("true"), "/nonexistent/libpal.so", hostdir)
    config_error(rt, b, cid, workdir, "enclave.runtime.path", "/nonexistent/libpal.so", "No such file")


def test_pal_path_is_a_directory(rt, bundle, hostdir, cid, workdir):
    b = make_enclave(bundle().args("true"), hostdir, hostdir)
    config_error(rt, b, cid, workdir, "enclave.runtime.path", "not a regular file")


def test_unknown_enclave_type(rt, enclave, cid, workdir):
    config_error(rt, enclave(3, enclave_type="quantum"), cid, workdir, "enclave.type", "unknown enclave type", "quantum")


def test_hardware_type_missing_on_host(rt, enclave, cid, workdir):
    if os.path.exists("/dev/sgx_enclave") or os.path.exists("/dev/isgx"):
        pytest.skip("this host has SGX")
    config_error(rt, enclave(3, enclave_type="intelSgx"), cid, workdir, "intelSgx", "not supported on this host")


def test_not_a_shared_library(rt, bundle, hostdir, cid, workdir):
    fake = hostdir / "not-a-pal.so"
    fake.write_text("just text\n")
    config_error(rt, make_enclave(bundle().args("true"), fake, hostdir), cid, workdir, str(fake))


def test_pal_api_version_above_3_is_refused(rt, bundle, hostdir, cid, workdir):
    lib = build_pal_from_source(hostdir, "libpal-v4", "int pal_get_version(void) { return 4; }\n")
    config_error(rt, make_enclave(bundle().args("true"), lib, hostdir), cid, workdir,
                 "unsupported pal api version 4", str(lib))


def test_pal_missing_a_required_symbol(rt, bundle, hostdir, cid, workdir):
    source = "\n".join(f"int {name}() {{ return {2 if name == 'pal_get_version' else 0}; }}" for name in
                       ["pal_get_version", "pal_init", "pal_create_process", "pal_exec", "pal_destroy"]) + "\n"
    lib = build_pal_from_source(hostdir, "libpal-nokill", source)
    config_error(rt, make_enclave(bundle().args("true"), lib, hostdir), cid, workdir, "missing symbol pal_kill", str(lib))


def test_env_wins_over_annotations_and_is_stripped(rt, bundle, pals, hostdir, trace, cid):
    b = bundle().args("sh", "-c", "env | grep ^ENCLAVE_ || echo no-enclave-env")
    b.config["annotations"] = {"enclave.type": "quantum", "enclave.runtime.path": str(pals[2]),
                               "enclave.runtime.args": "trace=/trace/from-annotation"}
    make_enclave(b, pals[3], hostdir, via="env")
    res = rt.run(cid, b)
    assert res.rc == 0, str(res)
    assert res.out == "no-enclave-env\n"
    assert trace.matching(r"^pal_init version=3 ")
    assert not (hostdir / "from-annotation").exists()
    assert not trace.matching(r"env=\[[^]]*ENCLAVE_")  # the payload's env as the PAL received it


def test_log_level_reaches_pal_init(rt, enclave, trace, cid):
    assert rt.run(cid, enclave(3, loglevel="debug")).rc == 0
    assert trace.matching(r'^pal_init .* log_level="debug"')


def test_commas_in_args_become_spaces(rt, enclave, trace, cid):
    res = rt.run(cid, enclave(3, "true", extra="greeting,debug"))
    assert res.rc == 0, str(res)
    assert trace.matching(r'^pal_init version=3 args=\["trace=/trace/calls greeting debug"\]')
    assert "Enclave runtime skeleton initialization succeeded" in res.err


def test_pal_init_runs_in_container_cwd(rt, enclave, hostdir, trace, cid):
    b = enclave(3, "true", extra="trace=relative-calls")
    b.process["cwd"] = "/trace"
    assert rt.run(cid, b).rc == 0
    # A relative path in the args resolves against process.cwd inside the container (after pivot_root).
    assert (hostdir / "relative-calls").read_text().startswith("pal_init version=3 ")


def test_relative_pal_path_is_bundle_relative(rt, bundle, pals, hostdir, trace, cid):
    b = bundle().args("true")
    (b.path / "libpal.so").write_bytes(pals[2].read_bytes())
    make_enclave(b, "libpal.so", hostdir)
    res = rt.run(cid, b)  # rune's cwd is not the bundle
    assert res.rc == 0, str(res)
    assert trace.matching(r"^pal_init version=2 ")


def test_unknown_log_level_falls_back_to_info(rt, enclave, trace, cid):
    res = rt.run(cid, enclave(3, loglevel="loud"))
    assert res.rc == 0, str(res)
    assert "loud" in res.err
    assert trace.matching(r'^pal_init .* log_level="info"')


def test_agent_socket_is_private(rt, enclave, cid):
    started(rt, cid, enclave(3, "sleep", "1000"))
    mode = os.stat(rt.root / cid / "agent.sock").st_mode
    assert stat.S_ISSOCK(mode) and stat.S_IMODE(mode) == 0o600


# --- exec and run: signals, concurrency, clients that go away -------------------------------------------

def popen(rt, *args):
    return subprocess.Popen(rt.argv(*args), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


READY = "echo ready > /trace/ready"


def wait_ready(hostdir):
    wait_for(lambda: (hostdir / "ready").exists(), "the payload to be ready")


def test_exec_relays_its_signals_to_its_own_payload(rt, enclave, trace, cid, hostdir):
    started(rt, cid, enclave(3, "sleep", "1000"))
    proc = popen(rt, "exec", cid, "sh", "-c", f"trap 'exit 9' TERM; {READY}; while :; do sleep 1 & wait $!; done")
    wait_ready(hostdir)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=COMMAND_TIMEOUT)
    assert proc.returncode == 9, err
    # The exec's own PAL pid (the init payload is 1), not pal_kill(-1, ...).
    assert trace.matching(r"^pal_kill pid=2 sig=15$")
    assert rt.status(cid) == "running"


def container_pids(cid):
    """Pids in the container's pids cgroup (v1 hierarchy, or the unified one)."""
    for directory in cgroup_dirs_matching([cid]):
        procs = os.path.join(directory, "cgroup.procs")
        if ("/pids/" in directory or "/unified/" in directory) and os.path.exists(procs):
            with open(procs) as f:
                return {int(line) for line in f if line.strip()}
    raise AssertionError(f"no pids cgroup found for {cid}")


def test_exec_signal_sent_at_once_is_not_lost(rt, enclave, trace, cid):
    started(rt, cid, enclave(3, "sleep", "1000"))
    proc = popen(rt, "exec", cid, "sh", "-c", "exec sleep 1000")
    # As soon as rune exec catches it, possibly before the payload exists: the signal must reach the payload.
    wait_for(lambda: catches(proc.pid, signal.SIGTERM), "rune exec to catch SIGTERM")
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=COMMAND_TIMEOUT)
    assert proc.returncode == 128 + signal.SIGTERM, err
    assert trace.matching(r"^pal_kill pid=2 sig=15$")


def test_exec_client_gone_kills_its_payload(rt, enclave, trace, cid, hostdir):
    started(rt, cid, enclave(3, "sleep", "1000"))
    before = container_pids(cid)
    proc = popen(rt, "exec", cid, "sh", "-c", f"{READY}; exec sleep 1000")
    wait_ready(hostdir)
    assert len(container_pids(cid)) > len(before)
    proc.kill()
    proc.communicate(timeout=COMMAND_TIMEOUT)
    trace.wait_for("pal_kill")
    assert trace.matching(r"^pal_kill pid=2 sig=9$")
    wait_for(lambda: container_pids(cid) == before, "the orphaned exec payload to go")
    assert rt.status(cid) == "running"


def test_state_and_delete_force_during_exec(rt, enclave, trace, cid, hostdir, workdir):
    started(rt, cid, enclave(3, "sleep", "1000"))
    proc = popen(rt, "exec", cid, "sh", "-c", f"{READY}; exec sleep 1000")
    wait_ready(hostdir)
    try:
        # Hang guards only: a command blocked behind the running exec is the failure.
        state = rt.cmd("state", cid, timeout=15)
        res = rt.cmd("delete", "--force", cid, timeout=15)
    except subprocess.TimeoutExpired as blocked:
        proc.kill()
        proc.communicate(timeout=COMMAND_TIMEOUT)
        pytest.fail(f"{blocked.cmd[3]} blocked while `rune exec` ran: the exec holds the container's state lock")
    assert state.rc == 0 and json.loads(state.out)["status"] == "running", str(state)
    assert res.rc == 0, str(res)
    proc.communicate(timeout=COMMAND_TIMEOUT)
    assert proc.returncode != 0
    assert trace.count("pal_destroy") == 1
    assert_nothing_left(rt, workdir, cid)


@pytest.mark.parametrize("version", VERSIONS)
def test_concurrent_execs(rt, enclave, cid, version):
    started(rt, cid, enclave(version, "sleep", "1000"))
    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(lambda i: rt.cmd("exec", cid, "sh", "-c", f"echo exec-{i}; exit {i}"), range(6)))
    for i, res in enumerate(results):
        assert (res.rc, res.out) == (i, f"exec-{i}\n"), str(res)


def catches(pid, signo):
    with open(f"/proc/{pid}/status") as f:
        mask = next(int(line.split()[1], 16) for line in f if line.startswith("SigCgt:"))
    return bool(mask & (1 << (signo - 1)))


def test_foreground_run_forwards_signals_to_the_enclave(rt, enclave, trace, cid, hostdir):
    b = enclave(3, "sh", "-c", f"trap 'exit 9' TERM; {READY}; while :; do sleep 1 & wait $!; done").save()
    rt.ids.add(cid)
    proc = popen(rt, "run", "--bundle", b.path, cid)
    wait_ready(hostdir)
    # rune run installs its forwarding handlers only after start returned (RuneCore Waiter): wait for them.
    wait_for(lambda: catches(proc.pid, signal.SIGTERM), "rune run to catch SIGTERM")
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=COMMAND_TIMEOUT)
    assert proc.returncode == 9, err
    assert trace.matching(r"^pal_kill pid=1 sig=15$")
    assert trace.count("pal_destroy") == 1


def test_kill_all_v1_ends_the_container(rt, enclave, trace, cid):
    started(rt, cid, enclave(1, "sleep", "1000"))
    trace.wait_for("pal_exec")
    res = rt.cmd("kill", "--all", cid, "TERM")
    assert res.rc == 0, str(res)
    rt.wait_status(cid, "stopped")
    assert trace.count("pal_kill") == 0
    assert trace.count("pal_destroy") == 1


def test_long_state_root_path(runtime_path, enclave, workdir, cid):
    # <root>/<id>/agent.sock is far beyond sun_path's 108 bytes here.
    long_rt = Runtime(runtime_path, workdir / ("r" * 60) / ("s" * 60), workdir / "stdio-long")
    assert len(str(long_rt.root / cid / "agent.sock")) > 108
    try:
        started(long_rt, cid, enclave(3, "sleep", "1000"))
        res = long_rt.cmd("exec", cid, "echo", "long-root")
        assert (res.rc, res.out) == (0, "long-root\n"), str(res)
        assert long_rt.cmd("attest", cid).rc == 0
    finally:
        stubborn = long_rt.cleanup()
        leaks = find_leaks(long_rt, workdir, long_rt.ids)
    assert not stubborn and not leaks, (stubborn, leaks)


@pytest.mark.parametrize("version", VERSIONS)
def test_payloads_hold_only_their_stdio(rt, enclave, cid, hostdir, version):
    """No agent connection, listening socket or platform seed leaks into what the PAL starts (3 is ls's own)."""
    started(rt, cid, enclave(version, "sh", "-c", "ls /proc/self/fd > /trace/fds.tmp && mv /trace/fds.tmp /trace/init-fds; exec sleep 1000"))
    res = rt.cmd("exec", cid, "ls", "/proc/self/fd")
    assert res.rc == 0, str(res)
    assert res.out.split() == ["0", "1", "2", "3"]
    with ThreadPoolExecutor(max_workers=3) as pool:  # concurrent connections must not leak into each other
        results = list(pool.map(lambda _: rt.cmd("exec", cid, "ls", "/proc/self/fd"), range(3)))
    assert all(r.out.split() == ["0", "1", "2", "3"] for r in results), results
    wait_for(lambda: (hostdir / "init-fds").exists(), "the init payload's listing")
    assert (hostdir / "init-fds").read_text().split() == ["0", "1", "2", "3"]


def test_kill_created_container_destroys_once(rt, enclave, trace, cid):
    assert rt.create(cid, enclave(3, "sleep", "1000")).rc == 0
    assert rt.cmd("kill", cid, "TERM").rc == 0
    rt.wait_status(cid, "stopped")
    assert trace.calls() == ["pal_init", "pal_destroy"]


def test_empty_env_setting_falls_back_to_annotation(rt, enclave, trace, cid):
    b = enclave(3, "sh", "-c", "env | grep -c ^ENCLAVE_ || true")
    b.process["env"].append("ENCLAVE_TYPE=")
    res = rt.run(cid, b)
    assert (res.rc, res.out) == (0, "0\n"), str(res)
    assert trace.matching(r"^pal_init version=3 ")


# --- the installed layout: a static rune, the dynamic runelet in lib/rune ------------------------------------

def is_static(path):
    """True when the ELF file has no PT_INTERP program header (no dynamic loader)."""
    with open(path, "rb") as f:
        header = f.read(64)
        phoff, = struct.unpack_from("<Q", header, 0x20)
        phentsize, phnum = struct.unpack_from("<HH", header, 0x36)
        f.seek(phoff)
        table = f.read(phentsize * phnum)
    return all(struct.unpack_from("<I", table, i * phentsize)[0] != 3 for i in range(phnum))


def static_runtime(runtime_path):
    if not is_static(runtime_path):
        pytest.skip("the runtime under test is dynamically linked (it hosts PALs itself)")


def test_static_rune_without_runelet_refuses_enclaves(runtime_path, enclave, workdir, cid, monkeypatch):
    static_runtime(runtime_path)
    monkeypatch.delenv("RUNE_RUNELET", raising=False)
    lone = Runtime(runtime_path, workdir / "root-lone", workdir / "stdio-lone")
    try:
        res = lone.create(cid, enclave(3))
        assert res.rc != 0
        assert "runelet" in res.err and "RUNE_RUNELET" in res.err, str(res)
    finally:
        stubborn = lone.cleanup()
    assert not stubborn and not find_leaks(lone, workdir, lone.ids)


def test_installed_layout_finds_the_runelet(runtime_path, enclave, trace, workdir, cid, monkeypatch):
    static_runtime(runtime_path)
    runelet = os.environ.get("RUNE_RUNELET")
    if not runelet:
        pytest.skip("set RUNE_RUNELET to the dynamic build to test the installed layout")
    prefix = workdir / "prefix"
    (prefix / "bin").mkdir(parents=True)
    (prefix / "lib" / "rune").mkdir(parents=True)
    shutil.copy(runtime_path, prefix / "bin" / "rune")
    shutil.copy(runelet, prefix / "lib" / "rune" / "rune-runelet")
    monkeypatch.delenv("RUNE_RUNELET")
    installed = Runtime(prefix / "bin" / "rune", workdir / "root-installed", workdir / "stdio-installed")
    try:
        res = installed.run(cid, enclave(3, "sh", "-c", "exit 3"))
        assert res.rc == 3, str(res)
        assert trace.calls() == ["pal_init", "pal_create_process", "pal_exec", "pal_destroy"]
    finally:
        stubborn = installed.cleanup()
    assert not stubborn and not find_leaks(installed, workdir, installed.ids)


# --- the agent socket protocol, spoken by hand ------------------------------------------------------------

@pytest.mark.parametrize("raw,words", [
    (agent_frame(AGENT_KINDS["kill"], {"signal": "15"}), ["protocol mismatch", "speaks none"]),
    (agent_frame(AGENT_KINDS["kill"], {"signal": "15", "protocol": "7"}), ["protocol mismatch", "speaks 7"]),
    (agent_frame(99, {"protocol": "1"}), ["bad frame", "kind 99"]),
    (struct.pack("<IB", 1 << 21, AGENT_KINDS["kill"]), ["bad frame", f"length {1 << 21}"]),
    (agent_frame(AGENT_KINDS["exec"], {"protocol": "1", "argv": '["true"]'}), ["exec needs 3 stdio fds, got 0"]),
    (agent_frame(AGENT_KINDS["ok"], {"protocol": "1"}), ["unexpected request kind 6"]),
])
def test_agent_refuses_bad_requests(rt, enclave, trace, cid, raw, words):
    started(rt, cid, enclave(3, "sleep", "1000"))
    reply = agent_exchange(rt.root / cid, raw)
    assert reply is not None and reply[0] == AGENT_KINDS["error"], reply
    for word in words:
        assert word in reply[1]["message"], reply
    assert rt.status(cid) == "running"
    assert trace.count("pal_kill") == 0


def test_agent_kill_by_hand(rt, enclave, trace, cid):
    started(rt, cid, enclave(3, "sleep", "1000"))
    reply = agent_exchange(rt.root / cid, agent_frame(AGENT_KINDS["kill"], {"protocol": "1", "signal": "15"}))
    assert reply == (AGENT_KINDS["ok"], {"protocol": "1"})
    rt.wait_status(cid, "stopped")
    assert trace.matching(r"^pal_kill pid=1 sig=15$")
