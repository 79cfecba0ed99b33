"""`run` in the foreground and detached: exit codes and stdio pass straight through."""
from concurrent.futures import ThreadPoolExecutor

import pytest

from helpers import new_id, pid_alive, wait_for


@pytest.mark.parametrize("script,code", [
    ("exit 0", 0),
    ("exit 3", 3),
    ("exit 255", 255),
    # pid 1 of a pid namespace cannot SIGKILL itself; a child can, and the shell reports 128+signo
    # ("; exit $?" stops busybox sh from exec'ing the child in its own place).
    ("sh -c 'kill -9 $$'; exit $?", 137),
    ("sh -c 'kill -15 $$'; exit $?", 143),
])
def test_run_propagates_exit_code(rt, bundle, cid, script, code):
    b = bundle().sh(script)
    res = rt.run(cid, b)
    assert res.rc == code, str(res)


def test_run_reports_137_when_init_is_killed_from_outside(rt, bundle, cid):
    with rt.foreground(cid, bundle().sh("echo ready; exec sleep 1000")) as fg:
        assert fg.readline() == b"ready\n"
        assert rt.cmd("kill", cid, "9").rc == 0
        assert fg.wait()[0] == 137


def test_run_init_signal_handler_sets_exit_code(rt, bundle, cid):
    with rt.foreground(cid, bundle().sh("trap 'exit 7' TERM; echo ready; while :; do sleep 1; done")) as fg:
        assert fg.readline() == b"ready\n"
        assert rt.cmd("kill", cid, "TERM").rc == 0
        assert fg.wait()[0] == 7


def test_run_passes_stdout_and_stderr_separately(rt, bundle, cid):
    b = bundle().sh("echo to-out; echo to-err >&2; echo more-out")
    res = rt.run(cid, b)
    assert res.rc == 0, str(res)
    assert res.out == "to-out\nmore-out\n"
    assert "to-err\n" in res.err and "to-out" not in res.err


def test_run_passes_stdin(rt, bundle, cid):
    b = bundle().args("cat")
    res = rt.run(cid, b, input="line one\nline two\n")
    assert res.rc == 0, str(res)
    assert res.out == "line one\nline two\n"


def test_run_removes_container_after_exit(rt, bundle, cid):
    res = rt.run(cid, bundle().args("true"))
    assert res.rc == 0, str(res)
    assert cid not in rt.list_ids()
    assert not (rt.root / cid).exists()


def test_run_keep_leaves_stopped_container(rt, bundle, cid):
    res = rt.run(cid, bundle().args("true"), "--keep")
    assert res.rc == 0, str(res)
    assert rt.state(cid)["status"] == "stopped"
    assert rt.cmd("delete", cid).rc == 0
    assert cid not in rt.list_ids()


def test_run_detach_state_kill_delete(rt, bundle, cid):
    res = rt.run_detached(cid, bundle().args("sleep", "1000"))
    assert res.rc == 0, str(res)
    state = rt.state(cid)
    assert state["status"] == "running"
    assert state["id"] == cid
    pid = state["pid"]
    assert pid > 0 and pid_alive(pid)
    assert rt.cmd("kill", cid, "KILL").rc == 0
    rt.wait_status(cid, "stopped")
    wait_for(lambda: not pid_alive(pid), f"pid {pid} to exit")
    res = rt.cmd("delete", cid)
    assert res.rc == 0, str(res)
    assert rt.cmd("state", cid).rc != 0
    assert not (rt.root / cid).exists()


def test_run_detach_output_goes_to_inherited_stdio(rt, bundle, cid):
    res = rt.run_detached(cid, bundle().sh("echo detached-out; echo detached-err >&2"))
    assert res.rc == 0, str(res)
    rt.wait_status(cid, "stopped")
    out, err = rt.output(cid)
    assert out == "detached-out\n"
    assert "detached-err" in err


def test_run_pid_file(rt, bundle, cid, workdir):
    pidfile = workdir / "run.pid"
    res = rt.run_detached(cid, bundle().args("sleep", "1000"), "--pid-file", pidfile)
    assert res.rc == 0, str(res)
    assert int(pidfile.read_text()) == rt.state(cid)["pid"]


def test_parallel_runs_all_finish(rt, bundle):
    # Ten `run`s at once on a few CPUs, ten times: the namespace stages and the container process share
    # one socket to the runtime, and a starved stage must never let a frame overtake or split another
    # (a `run` that waits for a frame that never comes hangs until the timeout here).
    b = bundle().args("true")
    b.save()
    ids = [new_id("par") for _ in range(100)]
    rt.ids.update(ids)

    def one(cid):
        try:
            return rt.cmd("run", "--bundle", b.path, cid, timeout=20).rc
        except Exception as error:  # a hang ends in subprocess.TimeoutExpired
            return repr(error)

    with ThreadPoolExecutor(max_workers=10) as pool:
        codes = list(pool.map(one, ids))
    assert codes == [0] * len(ids)
