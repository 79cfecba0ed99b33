"""Seccomp through the runtime: errno rules, bad profiles, and the SCMP_ACT_NOTIFY listener hand-off."""
import array
import json
import socket
import threading

from leaks import assert_nothing_left


def profile(rules, default="SCMP_ACT_ALLOW", **extra):
    p = {"defaultAction": default, "architectures": ["SCMP_ARCH_X86_64"], "syscalls": rules}
    p.update(extra)
    return p


def test_seccomp_rule_returns_the_configured_errno(rt, bundle, cid):
    b = bundle().args("sh", "-c", "mkdir /tmp/x; echo rc=$?; echo still-running")
    b.config["root"]["readonly"] = False
    b.config["linux"]["seccomp"] = profile([{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}])
    res = rt.run(cid, b)
    assert res.rc == 0, str(res)
    assert "rc=1" in res.out and "still-running" in res.out
    assert "Operation not permitted" in res.err


def test_seccomp_bad_action_fails_cleanly(rt, bundle, cid, workdir):
    b = bundle().args("true")
    b.config["linux"]["seccomp"] = profile([{"names": ["mkdir"], "action": "SCMP_ACT_BOGUS"}])
    res = rt.create(cid, b)
    assert res.rc != 0
    assert "SCMP_ACT_BOGUS" in res.err, str(res)
    assert_nothing_left(rt, workdir, cid)


def test_seccomp_notify_listener_receives_the_fd(rt, bundle, cid, tmp_path):
    path = str(tmp_path / "listener.sock")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(1)
    got = {}

    def serve():
        conn, _ = server.accept()
        fds = array.array("i")
        msg, anc, _, _ = conn.recvmsg(65536, socket.CMSG_SPACE(4 * fds.itemsize))
        for level, kind, data in anc:
            if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                fds.frombytes(data[: len(data) - (len(data) % fds.itemsize)])
        got["state"] = json.loads(msg.decode())
        got["fds"] = list(fds)
        conn.close()

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    b = bundle().args("sh", "-c", "echo notified-ok")
    b.config["linux"]["seccomp"] = profile([{"names": ["swapon"], "action": "SCMP_ACT_NOTIFY"}],
                                          listenerPath=path, listenerMetadata="meta")
    res = rt.run(cid, b)
    t.join(10)
    server.close()
    assert res.rc == 0, str(res)
    assert "notified-ok" in res.out
    assert got.get("fds"), got
    assert got["state"]["fds"] == ["seccompFd"]
    assert got["state"]["metadata"] == "meta"
    assert got["state"]["state"]["id"] == cid
