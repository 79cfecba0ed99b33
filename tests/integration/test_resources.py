"""Resource control through the runtime (issue 3): limits enforced, live updates, freezer, OOM events."""
import subprocess

from helpers import wait_for


def test_memory_limit_oom_kills_and_events_reports_it(rt, bundle, cid):
    b = bundle().args("sh", "-c", "sleep 1; awk 'BEGIN { s = \"x\"; while (1) s = s s }'; sleep 1000")
    b.config["linux"]["resources"] = {"memory": {"limit": 32 * 1024 * 1024, "swap": 32 * 1024 * 1024}}
    assert rt.create(cid, b).rc == 0
    events = subprocess.Popen(rt.argv("events", "--interval", "1s", cid), stdout=subprocess.PIPE, text=True)
    try:
        assert rt.cmd("start", cid).rc == 0
        line = events.stdout.readline()
        while line and '"oom"' not in line:
            line = events.stdout.readline()
        assert '"type":"oom"' in line.replace(" ", ""), line
    finally:
        events.kill()
        events.wait()
    stats = rt.cmd("events", "--stats", cid)
    assert stats.rc == 0, str(stats)
    assert '"type":"stats"' in stats.out.replace(" ", "")


def test_pids_limit_is_enforced(rt, bundle, cid):
    b = bundle().args("sh", "-c", "for i in 1 2 3 4 5 6 7 8 9 10; do sleep 100 & done 2>&1; wait")
    b.config["linux"]["resources"] = {"pids": {"limit": 5}}
    res = rt.run(cid, b)
    assert "can't fork" in res.out + res.err, str(res)


def test_update_changes_a_live_limit(rt, bundle, cid):
    b = bundle().args("sleep", "1000")
    b.config["linux"]["resources"] = {"pids": {"limit": 100}}
    assert rt.run_detached(cid, b).rc == 0
    read = lambda: rt.cmd("exec", cid, "cat", "/sys/fs/cgroup/pids/pids.max").out.strip()
    assert read() == "100"
    assert rt.cmd("update", "--pids-limit", "42", cid).rc == 0
    assert read() == "42"
    res = rt.cmd("update", "--memory", "64M", cid)
    assert res.rc == 0, str(res)
    assert rt.cmd("exec", cid, "cat", "/sys/fs/cgroup/memory/memory.limit_in_bytes").out.strip() == str(64 << 20)


def test_pause_freezes_and_resume_thaws(rt, bundle, cid):
    b = bundle().args("sleep", "1000")
    assert rt.run_detached(cid, b).rc == 0
    assert rt.cmd("pause", cid).rc == 0
    assert rt.status(cid) == "paused"
    assert rt.cmd("exec", cid, "true").rc != 0  # no exec into a paused container
    assert rt.cmd("resume", cid).rc == 0
    assert rt.status(cid) == "running"
    assert rt.cmd("exec", cid, "true").rc == 0


def test_invalid_resources_fail_cleanly(rt, bundle, cid, workdir):
    from leaks import assert_nothing_left
    b = bundle().args("true")
    b.config["linux"]["resources"] = {"cpu": {"quota": 50000, "period": 1}}
    res = rt.create(cid, b)
    assert res.rc != 0
    assert "cpu" in res.err, str(res)
    assert_nothing_left(rt, workdir, cid)
