"""CLI surface that containerd, podman and runtime-tools rely on: spec, features, logs, fds, signals."""
import json
import os
import signal
import subprocess

import pytest

from helpers import pid_alive, wait_for


def test_version_and_help(rt):
    assert rt.cmd("--version").rc == 0
    res = rt.cmd("--help")
    assert res.rc == 0
    for command in ("create", "start", "run", "state", "kill", "delete", "list", "exec", "ps", "spec"):
        assert command in res.out, command


@pytest.mark.parametrize("flags", [[], ["--rootless"]], ids=["default", "rootless"])
def test_spec_is_byte_identical_to_runc(rt, ref, workdir, flags):
    outputs = []
    for runtime, name in ((ref, "ref-spec"), (rt, "rt-spec")):
        d = workdir / name
        d.mkdir()
        res = runtime.cmd("spec", *flags, cwd=d)
        assert res.rc == 0, str(res)
        outputs.append((d / "config.json").read_bytes())
    assert outputs[1] == outputs[0]


def test_spec_refuses_to_overwrite(rt, workdir):
    (workdir / "config.json").write_text("{}")
    res = rt.cmd("spec", cwd=workdir)
    assert res.rc != 0
    assert "config.json" in res.err
    assert (workdir / "config.json").read_text() == "{}"


def test_spec_bundle_flag(rt, workdir):
    target = workdir / "elsewhere"
    target.mkdir()
    assert rt.cmd("spec", "--bundle", target).rc == 0
    assert json.loads((target / "config.json").read_text())["process"]["args"] == ["sh"]


def test_features_json(rt):
    res = rt.cmd("features")
    assert res.rc == 0, str(res)
    features = json.loads(res.out)
    assert features["ociVersionMin"].startswith("1.")
    assert {"prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"} <= set(features["hooks"])
    assert "bind" in features["mountOptions"] and "rbind" in features["mountOptions"]


def test_log_json_error_line(rt, workdir):
    log = workdir / "runtime.log"
    res = rt.cmd("--log", log, "--log-format", "json", "state", "no-such-ctr")
    assert res.rc != 0
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.strip()]
    last = lines[-1]
    assert set(last) >= {"level", "msg", "time"}
    assert last["level"] == "error"
    assert "does not exist" in last["msg"] or "no-such-ctr" in last["msg"]


def test_log_file_created_on_success(rt, bundle, cid, workdir):
    log = workdir / "ok.log"
    b = bundle().args("true").save()
    rt.ids.add(cid)
    res = rt.cmd("--log", log, "--log-format", "json", "run", "--bundle", b.path, cid)
    assert res.rc == 0, str(res)
    assert log.exists(), "containerd expects the log file to exist even without errors"


def run_with_fd3(rt, cid, b, path, *flags):
    """`run` with `path` open as fd 3 of the runtime process (opened by a shell, not in this process)."""
    rt.ids.add(cid)
    argv = rt.argv("run", *flags, "--bundle", b.path, cid)
    return subprocess.run(["sh", "-c", 'exec 3<"$0"; exec "$@"', str(path), *argv], stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=60)


def test_preserve_fds(rt, bundle, cid, workdir):
    (workdir / "passed").write_text("through fd 3\n")
    b = bundle().sh("cat <&3; ls /proc/self/fd | wc -l").save()
    proc = run_with_fd3(rt, cid, b, workdir / "passed", "--preserve-fds", "1")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == "through fd 3"
    assert lines[1] == "5"  # 0, 1, 2, 3 and the fd ls itself holds on /proc/self/fd


def test_without_preserve_fds_extra_fds_are_closed(rt, bundle, cid, workdir):
    (workdir / "passed").write_text("x\n")
    b = bundle().args("ls", "/proc/self/fd").save()
    proc = run_with_fd3(rt, cid, b, workdir / "passed")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["0", "1", "2", "3"]  # 3 is ls's own directory fd


def test_no_pivot(rt, bundle, cid):
    res = rt.run(cid, bundle().sh("cat /etc/passwd | head -1"), "--no-pivot")
    assert res.rc == 0, str(res)
    assert res.out == "root:x:0:0:root:/root:/bin/sh\n"


def test_no_new_keyring(rt, bundle, cid):
    res = rt.run(cid, bundle().args("true"), "--no-new-keyring")
    assert res.rc == 0, str(res)


def test_foreground_run_forwards_signals(rt, bundle, cid):
    b = bundle().sh("trap 'echo got-term; exit 9' TERM; echo ready; while :; do sleep 1; done")
    with rt.foreground(cid, b) as fg:
        assert fg.readline() == b"ready\n"
        fg.proc.send_signal(signal.SIGTERM)
        assert fg.wait() == (9, b"got-term\n")


def test_dead_init_is_reported_stopped(rt, bundle, cid):
    assert rt.run_detached(cid, bundle().args("sleep", "1000")).rc == 0
    pid = rt.state(cid)["pid"]
    os.kill(pid, signal.SIGKILL)
    wait_for(lambda: not pid_alive(pid), "the init to die")
    assert rt.state(cid)["status"] == "stopped"
    assert rt.cmd("delete", cid).rc == 0


def test_ps_table(rt, bundle, cid):
    assert rt.run_detached(cid, bundle().args("sleep", "1000")).rc == 0
    res = rt.cmd("ps", cid)
    assert res.rc == 0, str(res)
    header, *rows = res.out.splitlines()
    assert header.split()[:2] == ["UID", "PID"]
    assert str(rt.state(cid)["pid"]) in rows[0].split()


def test_delete_force_created(rt, bundle, cid):
    assert rt.create(cid, bundle().args("sleep", "1000")).rc == 0
    pid = rt.state(cid)["pid"]
    assert rt.cmd("delete", "--force", cid).rc == 0
    assert not pid_alive(pid)
    assert rt.list_ids() == []
