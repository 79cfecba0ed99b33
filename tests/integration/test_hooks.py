"""All six hook kinds: they run, in spec order, with the state JSON on stdin."""
import json
import os
import sys

import pytest

from helpers import pid_alive, wait_for
from leaks import assert_nothing_left

KINDS = ["prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"]
# runc 1.1 (the reference) runs poststart at the end of create, before startContainer and the payload;
# the runtime spec wants it after the payload started (runc 1.2 changed to that). We follow runc 1.1.
RUNC_1_1_ORDER = ["prestart", "createRuntime", "createContainer", "poststart", "startContainer", "poststop"]


def expected_order(rt):
    return RUNC_1_1_ORDER


def recording_hook(hostdir, kind):
    # Each hook appends its name to one order file and saves its stdin. hostdir is bind-mounted at the
    # same path inside the container, so hooks that run in the container's mount namespace
    # (createContainer, startContainer) reach the same files as the host-side ones.
    script = f"echo {kind} >> {hostdir}/order; cat > {hostdir}/{kind}.json"
    return {"path": "/bin/sh", "args": ["sh", "-c", script]}


def hooked_bundle(bundle, hostdir, kinds=KINDS):
    b = bundle()
    b.bind(hostdir, str(hostdir), "rw")
    b.config["hooks"] = {kind: [recording_hook(hostdir, kind)] for kind in kinds}
    return b


def test_all_hooks_run_in_order_with_state(rt, bundle, cid, hostdir):
    b = hooked_bundle(bundle, hostdir).args("true")
    res = rt.run(cid, b)
    assert res.rc == 0, str(res)
    order = (hostdir / "order").read_text().split()
    assert order == expected_order(rt)
    for kind in KINDS:
        state = json.loads((hostdir / f"{kind}.json").read_text())
        assert state["id"] == cid, kind
        assert state["bundle"] == str(b.path), kind


def test_hook_state_status_per_phase(rt, bundle, cid, hostdir):
    b = hooked_bundle(bundle, hostdir).args("sleep", "1000")
    res = rt.create(cid, b)
    assert res.rc == 0, str(res)
    pid = rt.state(cid)["pid"]
    done = (hostdir / "order").read_text().split()
    order = expected_order(rt)
    assert done == order[:order.index("startContainer")]
    for kind in ("prestart", "createRuntime", "createContainer"):
        assert json.loads((hostdir / f"{kind}.json").read_text())["status"] == "creating", kind
    # Host-side hooks see the host pid (runc 1.1 gives createContainer the in-namespace pid 1, so it is not compared).
    for kind in ("prestart", "createRuntime"):
        assert json.loads((hostdir / f"{kind}.json").read_text())["pid"] == pid, kind
    assert rt.cmd("start", cid).rc == 0
    # startContainer runs in the container just before the payload; start may return first.
    wait_for(lambda: "startContainer" in (hostdir / "order").read_text().split(), "the startContainer hook")
    wait_for(lambda: "poststart" in (hostdir / "order").read_text().split(), "the poststart hook")
    assert json.loads((hostdir / "poststart.json").read_text())["pid"] == pid
    assert rt.cmd("delete", "--force", cid).rc == 0
    assert json.loads((hostdir / "poststop.json").read_text())["status"] == "stopped"


def test_hook_args_and_env(rt, bundle, cid, hostdir):
    b = bundle().args("true")
    b.config["hooks"] = {"prestart": [{"path": "/bin/sh", "args": ["sh", "-c", f'echo "$0|$1|$HOOKVAR" > {hostdir}/out',
                                                                   "first arg", "second"],
                                       "env": ["HOOKVAR=from env"]}]}
    assert rt.run(cid, b).rc == 0
    assert (hostdir / "out").read_text() == "first arg|second|from env\n"


def test_multiple_hooks_of_one_kind_run_in_order(rt, bundle, cid, hostdir):
    b = bundle().args("true")
    b.config["hooks"] = {"prestart": [{"path": "/bin/sh", "args": ["sh", "-c", f"echo {n} >> {hostdir}/seq"]}
                                      for n in ("one", "two", "three")]}
    assert rt.run(cid, b).rc == 0
    assert (hostdir / "seq").read_text().split() == ["one", "two", "three"]


@pytest.mark.parametrize("kind", ["prestart", "createRuntime"])
def test_failing_hook_fails_create_and_leaves_nothing(rt, bundle, cid, hostdir, workdir, kind):
    b = bundle().args("sleep", "1000")
    b.config["hooks"] = {kind: [{"path": "/bin/sh", "args": ["sh", "-c", "echo hook-said-no >&2; exit 7"]}]}
    res = rt.create(cid, b)
    assert res.rc != 0
    assert "hook" in res.err.lower(), str(res)
    assert rt.cmd("state", cid).rc != 0
    assert_nothing_left(rt, workdir, cid)


def test_missing_hook_binary_fails_create(rt, bundle, cid, workdir):
    b = bundle().args("true")
    b.config["hooks"] = {"prestart": [{"path": "/nonexistent/hook-binary"}]}
    res = rt.create(cid, b)
    assert res.rc != 0
    assert "/nonexistent/hook-binary" in res.err or "no such file" in res.err.lower(), str(res)
    assert_nothing_left(rt, workdir, cid)


def test_hook_timeout_fails_create(rt, bundle, cid, workdir):
    b = bundle().args("true")
    b.config["hooks"] = {"prestart": [{"path": "/bin/sleep", "args": ["sleep", "1000"], "timeout": 1}]}
    res = rt.create(cid, b)
    assert res.rc != 0
    assert "timed out" in res.err or "timeout" in res.err.lower(), str(res)
    assert_nothing_left(rt, workdir, cid)


def test_failing_poststop_hook_does_not_block_delete(rt, bundle, cid):
    b = bundle().args("true")
    b.config["hooks"] = {"poststop": [{"path": "/bin/sh", "args": ["sh", "-c", "exit 1"]}]}
    res = rt.create(cid, b)
    assert res.rc == 0, str(res)
    pid = rt.state(cid)["pid"]
    rt.start_and_wait(cid)
    rt.cmd("delete", cid)
    assert rt.cmd("state", cid).rc != 0
    assert not pid_alive(pid)


@pytest.mark.rune_only
def test_in_container_hooks_see_the_host_pid(rt, bundle, cid, hostdir):
    # rune gives the hooks that run in the container the pid that `state` reports (nsexec hands stage 2
    # its pid as rune sees it); runc 1.1 gives createContainer pid 1.
    b = hooked_bundle(bundle, hostdir, kinds=["createContainer", "startContainer"]).args("sleep", "1000")
    assert rt.create(cid, b).rc == 0
    pid = rt.state(cid)["pid"]
    assert pid > 1
    assert json.loads((hostdir / "createContainer.json").read_text())["pid"] == pid
    assert rt.cmd("start", cid).rc == 0
    wait_for(lambda: (hostdir / "startContainer.json").exists() and (hostdir / "startContainer.json").read_text(),
             "the startContainer hook")
    assert json.loads((hostdir / "startContainer.json").read_text())["pid"] == pid
    assert rt.cmd("delete", "--force", cid).rc == 0


NETNS_HOOK = ("import json, os, sys; state = json.load(sys.stdin); "
              "print(os.readlink('/proc/self/ns/net'), os.readlink('/proc/%d/ns/net' % state['pid']), "
              "file=open(sys.argv[1], 'w'))")


def test_host_side_hooks_run_in_the_host_network_namespace(rt, bundle, cid, hostdir):
    # prestart and createRuntime (CNI's place) run in the runtime's network namespace while the container
    # process is already in its own; so does poststart.
    b = bundle().args("sleep", "1000")
    kinds = ("prestart", "createRuntime", "poststart")
    b.config["hooks"] = {k: [{"path": sys.executable, "args": ["python3", "-c", NETNS_HOOK, str(hostdir / k)]}]
                         for k in kinds}
    res = rt.create(cid, b)
    assert res.rc == 0, str(res)
    container = os.readlink(f"/proc/{rt.state(cid)['pid']}/ns/net")
    host = os.readlink("/proc/self/ns/net")
    assert container != host
    for kind in kinds:
        assert (hostdir / kind).read_text().split() == [host, container], kind
