"""create/start/state/list/ps/kill/delete, as runc 1.1 does them."""
import json
import subprocess

import pytest

from helpers import pid_alive, wait_for
from leaks import cgroup_dirs_matching

STATE_KEYS = {"ociVersion", "id", "pid", "status", "bundle", "rootfs", "created", "owner"}
LIST_KEYS = {"ociVersion", "id", "pid", "status", "bundle", "rootfs", "created", "owner"}


def created(rt, bundle, cid, *argv):
    b = bundle().args(*(argv or ("sleep", "1000")))
    res = rt.create(cid, b)
    assert res.rc == 0, str(res)
    return b


def test_create_leaves_process_waiting(rt, bundle, cid):
    b = created(rt, bundle, cid, "sh", "-c", "echo started")
    state = rt.state(cid)
    assert state["status"] == "created"
    assert state["pid"] > 0 and pid_alive(state["pid"])
    assert rt.output(cid)[0] == "", "the payload must not run before start"
    assert state["bundle"] == str(b.path)


def test_start_runs_then_stops(rt, bundle, cid):
    created(rt, bundle, cid, "sh", "-c", "echo started")
    out, _ = rt.start_and_wait(cid)
    assert out == "started\n"
    assert rt.state(cid)["status"] == "stopped"


def test_state_running_after_start(rt, bundle, cid):
    created(rt, bundle, cid)
    assert rt.cmd("start", cid).rc == 0
    state = rt.state(cid)
    assert state["status"] == "running"
    assert pid_alive(state["pid"])


def test_state_json_keys(rt, bundle, cid):
    created(rt, bundle, cid)
    state = rt.state(cid)
    assert STATE_KEYS <= set(state), sorted(state)
    assert state["id"] == cid
    assert state["ociVersion"].startswith("1.")
    assert state["rootfs"].endswith("/rootfs")


def test_start_twice_fails(rt, bundle, cid):
    created(rt, bundle, cid)
    assert rt.cmd("start", cid).rc == 0
    assert rt.cmd("start", cid).rc != 0


def test_list_formats(rt, bundle, cid):
    created(rt, bundle, cid)
    other = cid + "-b"
    created(rt, bundle, other)
    assert sorted(rt.list_ids()) == sorted([cid, other])
    res = rt.cmd("list", "--format", "json")
    assert res.rc == 0, str(res)
    entries = {e["id"]: e for e in json.loads(res.out)}
    assert set(entries) == {cid, other}
    assert LIST_KEYS <= set(entries[cid])
    assert entries[cid]["status"] == "created"
    assert entries[cid]["pid"] == rt.state(cid)["pid"]
    table = rt.cmd("list")
    assert table.out.split("\n")[0].split() == ["ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER"]


def test_list_empty_root(rt):
    res = rt.cmd("list", "--format", "json")
    assert res.rc == 0, str(res)
    assert json.loads(res.out or "null") in (None, [])
    assert rt.cmd("list", "-q").out == ""


def test_ps_json_lists_container_processes(rt, bundle, cid):
    created(rt, bundle, cid, "sh", "-c", "sleep 1000 & sleep 1000 & wait")
    assert rt.cmd("start", cid).rc == 0
    init = rt.state(cid)["pid"]
    pids = wait_for(lambda: (lambda p: p if len(p) == 3 else None)(json.loads(rt.cmd("ps", "--format", "json", cid).out)),
                    "three processes in ps")
    assert init in pids
    assert all(pid_alive(p) for p in pids)


@pytest.mark.parametrize("signal", ["KILL", "SIGKILL", "9"])
def test_kill_signal_spellings(rt, bundle, cid, signal):
    created(rt, bundle, cid)
    assert rt.cmd("start", cid).rc == 0
    pid = rt.state(cid)["pid"]
    res = rt.cmd("kill", cid, signal)
    assert res.rc == 0, str(res)
    rt.wait_status(cid, "stopped")
    assert not pid_alive(pid)


def test_kill_default_signal_is_term(rt, bundle, cid):
    created(rt, bundle, cid, "sh", "-c", "trap 'echo got-term; exit 0' TERM; while :; do sleep 1; done")
    assert rt.cmd("start", cid).rc == 0
    wait_for(lambda: _has_child(rt.state(cid)["pid"]), "the trap loop to start")
    assert rt.cmd("kill", cid).rc == 0
    rt.wait_status(cid, "stopped")
    assert rt.output(cid)[0] == "got-term\n"


def _has_child(pid):
    try:
        return open(f"/proc/{pid}/task/{pid}/children").read().strip() != ""
    except OSError:
        return False


def test_kill_all_reaches_every_process(rt, bundle, cid):
    created(rt, bundle, cid, "sh", "-c", "sleep 1000 & sleep 1000 & wait")
    assert rt.cmd("start", cid).rc == 0
    pids = wait_for(lambda: (lambda p: p if len(p) == 3 else None)(json.loads(rt.cmd("ps", "--format", "json", cid).out)),
                    "three processes")
    res = rt.cmd("kill", "--all", cid, "KILL")
    assert res.rc == 0, str(res)
    rt.wait_status(cid, "stopped")
    wait_for(lambda: not any(pid_alive(p) for p in pids), "every process to die")


@pytest.mark.parametrize("signal", ["FOO", "SIGFOO", "999", "-1"])
def test_kill_bad_signal_fails(rt, bundle, cid, signal):
    created(rt, bundle, cid)
    res = rt.cmd("kill", cid, signal)
    assert res.rc != 0
    assert "signal" in res.err.lower(), str(res)
    assert rt.status(cid) == "created"


def test_kill_stopped_container_fails(rt, bundle, cid):
    created(rt, bundle, cid, "true")
    rt.start_and_wait(cid)
    res = rt.cmd("kill", cid, "KILL")
    assert res.rc != 0
    assert "not running" in res.err


def test_delete_running_fails_and_keeps_it(rt, bundle, cid):
    created(rt, bundle, cid)
    assert rt.cmd("start", cid).rc == 0
    res = rt.cmd("delete", cid)
    assert res.rc != 0
    assert cid in res.err and "running" in res.err, str(res)
    assert rt.status(cid) == "running"


def test_delete_created_succeeds(rt, bundle, cid):
    created(rt, bundle, cid)
    pid = rt.state(cid)["pid"]
    res = rt.cmd("delete", cid)
    assert res.rc == 0, str(res)
    assert not (rt.root / cid).exists()
    wait_for(lambda: not pid_alive(pid), "the created init to be killed")


def test_delete_force_running(rt, bundle, cid):
    created(rt, bundle, cid)
    assert rt.cmd("start", cid).rc == 0
    pid = rt.state(cid)["pid"]
    res = rt.cmd("delete", "--force", cid)
    assert res.rc == 0, str(res)
    assert rt.cmd("state", cid).rc != 0
    assert not pid_alive(pid)


def test_delete_stopped(rt, bundle, cid):
    created(rt, bundle, cid, "true")
    rt.start_and_wait(cid)
    assert rt.cmd("delete", cid).rc == 0
    assert rt.list_ids() == []


@pytest.mark.parametrize("verb", ["state", "start", "kill", "delete", "ps", "exec"])
def test_unknown_id_fails(rt, verb):
    argv = {"exec": ["exec", "no-such-ctr", "true"], "kill": ["kill", "no-such-ctr", "KILL"]}.get(verb, [verb, "no-such-ctr"])
    res = rt.cmd(*argv)
    assert res.rc != 0
    assert "does not exist" in res.err or "no-such-ctr" in res.err, str(res)
    if not rt.is_runc:  # runc says only "container does not exist"; rune must also name the id
        assert "no-such-ctr" in res.err, str(res)


def test_delete_force_unknown_id_succeeds(rt):
    # runc treats a forced delete of a missing container as done (containerd relies on it).
    assert rt.cmd("delete", "--force", "no-such-ctr").rc == 0


def test_duplicate_id_fails(rt, bundle, cid):
    created(rt, bundle, cid)
    pid = rt.state(cid)["pid"]
    res = rt.create(cid, bundle().args("true"))
    assert res.rc != 0
    assert "exists" in res.err, str(res)
    assert rt.state(cid)["pid"] == pid and pid_alive(pid)


def test_create_pid_file(rt, bundle, cid, workdir):
    pidfile = workdir / "create.pid"
    res = rt.create(cid, bundle().args("sleep", "1000"), "--pid-file", pidfile)
    assert res.rc == 0, str(res)
    assert pidfile.read_text().strip() == str(rt.state(cid)["pid"])


def test_create_without_bundle_uses_current_directory(rt, bundle, cid):
    b = bundle().args("sleep", "1000").save()
    rt.ids.add(cid)
    out, err = rt.stdio_paths(cid)
    with open(out, "w") as o, open(err, "w") as e:
        proc = subprocess.run(rt.argv("create", cid), cwd=b.path, stdout=o, stderr=e, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, err.read_text()
    # Without --bundle the current directory is the bundle.
    assert rt.state(cid)["bundle"] == str(b.path)


@pytest.mark.rune_only
def test_damaged_stored_config_still_deletes(rt, bundle, cid):
    """state.json's config is mapped only by the commands that need it (StoredConfig): one that no longer
    maps stops exec with an error naming it, while state, kill and delete --force still work and leave
    nothing behind (they used to fail to read the state, and delete removed only the directory)."""
    created(rt, bundle, cid)
    assert rt.cmd("start", cid).rc == 0
    pid = rt.state(cid)["pid"]
    path = rt.root / cid / "state.json"
    stored = json.loads(path.read_text())
    stored["config"]["process"] = 5
    path.write_text(json.dumps(stored))
    assert rt.state(cid)["status"] == "running"
    res = rt.cmd("exec", cid, "true")
    assert res.rc != 0 and "state.json: config: process" in res.err, str(res)
    assert rt.cmd("kill", cid, "CONT").rc == 0
    assert rt.cmd("delete", "--force", cid).rc == 0
    wait_for(lambda: not pid_alive(pid), "the container process to be gone")
    assert not (rt.root / cid).exists()
    assert cgroup_dirs_matching([cid]) == []


def test_state_and_list_show_annotations(rt, bundle, cid):
    b = bundle().args("sleep", "1000")
    b.config["annotations"] = {"org.example.team": "blue", "org.example.note": "a \"quoted\" value"}
    b.save()
    assert rt.create(cid, b).rc == 0
    assert rt.state(cid)["annotations"] == b.config["annotations"]
    res = rt.cmd("list", "--format", "json")
    assert res.rc == 0, str(res)
    entry = next(e for e in json.loads(res.out) if e["id"] == cid)
    assert entry.get("annotations") == b.config["annotations"]
