"""`exec` into a running container: stdio, exit codes, env/cwd/user/caps, --process, --detach."""
import json
import os

import pytest

from caps import mask
from helpers import pid_alive, status_field, wait_for


@pytest.fixture
def running(rt, bundle, cid):
    b = bundle().args("sleep", "1000")
    res = rt.run_detached(cid, b)
    assert res.rc == 0, str(res)
    return cid


def exec_ok(rt, *argv, flags=(), input=None):
    cid, argv = argv[0], argv[1:]
    res = rt.cmd("exec", *flags, cid, *argv, input=input)
    assert res.rc == 0, str(res)
    return res.out


def test_exec_output(rt, running):
    assert exec_ok(rt, running, "echo", "hi") == "hi\n"


@pytest.mark.parametrize("code", [0, 1, 5, 255])
def test_exec_exit_code(rt, running, code):
    assert rt.cmd("exec", running, "sh", "-c", f"exit {code}").rc == code


def test_exec_signal_death_is_128_plus_signo(rt, running):
    assert rt.cmd("exec", running, "sh", "-c", "kill -9 $$").rc == 137


def test_exec_stderr_and_stdin(rt, running):
    res = rt.cmd("exec", running, "sh", "-c", "cat; echo to-err >&2", input="piped in\n")
    assert res.rc == 0, str(res)
    assert res.out == "piped in\n"
    assert "to-err" in res.err


def test_exec_joins_container_namespaces(rt, running):
    init = rt.state(running)["pid"]
    out = exec_ok(rt, running, "sh", "-c", "for n in pid net ipc uts mnt; do readlink /proc/self/ns/$n; done; hostname")
    expected = [os.readlink(f"/proc/{init}/ns/{n}") for n in ("pid", "net", "ipc", "uts", "mnt")]
    assert out.splitlines() == expected + ["runc"]


def test_exec_awkward_arguments(rt, running):
    args = ["two words", "it's", 'a "quote"', "", "new\nline", "$HOME", "*"]
    out = exec_ok(rt, running, "printf", "[%s]\\n", *args)
    assert out == "".join(f"[{a}]\n" for a in args)


def test_exec_env(rt, running):
    out = exec_ok(rt, running, "env", flags=["--env", "FOO=bar baz", "--env", "PATH=/bin"])
    lines = out.splitlines()
    assert "FOO=bar baz" in lines and "PATH=/bin" in lines


def test_exec_inherits_spec_env(rt, running):
    assert "TERM=xterm" in exec_ok(rt, running, "env").splitlines()


def test_exec_cwd(rt, running):
    assert exec_ok(rt, running, "pwd", flags=["--cwd", "/tmp"]) == "/tmp\n"


@pytest.mark.parametrize("user,expected", [("1000", "1000 0"), ("1000:1000", "1000 1000"), ("65534:65534", "65534 65534")])
def test_exec_user(rt, running, user, expected):
    assert exec_ok(rt, running, "sh", "-c", "echo $(id -u) $(id -g)", flags=["--user", user]).strip() == expected


def test_exec_additional_gids(rt, running):
    out = exec_ok(rt, running, "cat", "/proc/self/status",
                  flags=["--user", "1000:1000", "--additional-gids", "29", "--additional-gids", "100"])
    assert sorted(status_field(out, "Groups").split(), key=int) == ["29", "100"]


def test_exec_cap_adds_capability(rt, running):
    out = exec_ok(rt, running, "cat", "/proc/self/status", flags=["--cap", "CAP_SYS_ADMIN"])
    assert status_field(out, "CapEff") == mask(["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_SYS_ADMIN"])


def test_exec_keeps_spec_capabilities_and_nnp(rt, running):
    out = exec_ok(rt, running, "cat", "/proc/self/status")
    assert status_field(out, "CapEff") == mask(["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"])
    assert status_field(out, "NoNewPrivs") == "1"


def test_exec_process_file(rt, running, workdir):
    process = {"terminal": False, "user": {"uid": 1000, "gid": 1000, "additionalGids": [29]},
               "args": ["sh", "-c", "echo $(id -u):$(id -g) $(pwd) $GREETING; exit 4"],
               "env": ["PATH=/bin", "GREETING=hello process file"], "cwd": "/home/tester",
               "capabilities": {"bounding": [], "effective": [], "permitted": [], "ambient": [], "inheritable": []}}
    path = workdir / "process.json"
    path.write_text(json.dumps(process))
    res = rt.cmd("exec", "--process", path, running)
    assert res.rc == 4, str(res)
    assert res.out == "1000:1000 /home/tester hello process file\n"


def test_exec_detach(rt, running, workdir):
    pidfile = workdir / "exec.pid"
    res = rt.cmd_detached("exec", "--detach", "--pid-file", pidfile, running, "sleep", "1000")
    assert res.rc == 0, str(res)
    pid = int(pidfile.read_text())
    assert pid_alive(pid)
    ps = wait_for(lambda: (lambda p: p if pid in p else None)(json.loads(rt.cmd("ps", "--format", "json", running).out)),
                  "the detached exec to show in ps")
    assert rt.state(running)["pid"] in ps


def test_exec_detach_side_effect(rt, running):
    assert rt.cmd_detached("exec", "--detach", running, "sh", "-c", "echo marker > /dev/shm/detached").rc == 0
    wait_for(lambda: rt.cmd("exec", running, "cat", "/dev/shm/detached").out == "marker\n", "the detached exec's file")


def test_exec_into_stopped_container_fails(rt, bundle, cid):
    res = rt.create(cid, bundle().args("true"))
    assert res.rc == 0, str(res)
    rt.start_and_wait(cid)
    res = rt.cmd("exec", cid, "echo", "nope")
    assert res.rc != 0
    assert "nope" not in res.out
    assert "stopped" in res.err or "not running" in res.err, str(res)


def test_exec_missing_program_fails(rt, running):
    res = rt.cmd("exec", running, "/no/such/program")
    assert res.rc != 0
    assert "/no/such/program" in res.err, str(res)
    assert rt.status(running) == "running"


def test_exec_processes_die_with_container(rt, running, workdir):
    pidfile = workdir / "exec.pid"
    assert rt.cmd_detached("exec", "--detach", "--pid-file", pidfile, running, "sleep", "1000").rc == 0
    pid = int(pidfile.read_text())
    assert rt.cmd("delete", "--force", running).rc == 0
    wait_for(lambda: not pid_alive(pid), "the exec'd process to die with its pid namespace")
