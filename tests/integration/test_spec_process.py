"""process.* and the uts/namespace fields of the spec, checked through facts the container prints."""
import os

import pytest

from caps import mask
from helpers import status_field

DEFAULT_CAPS = ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"]


def run_ok(rt, cid, b):
    res = rt.run(cid, b)
    assert res.rc == 0, str(res)
    return res.out


def test_hostname(rt, bundle, cid):
    b = bundle().args("hostname")
    b.config["hostname"] = "box-under-test"
    assert run_ok(rt, cid, b) == "box-under-test\n"


def test_default_spec_hostname_is_runc(rt, bundle, cid):
    assert run_ok(rt, cid, bundle().args("hostname")) == "runc\n"


@pytest.mark.rune_only  # runc 1.1.5 ignores the domainname field (prints "(none)"); issue 2 asks rune for it
def test_domainname(rt, bundle, cid):
    b = bundle().sh("cat /proc/sys/kernel/domainname")
    b.config["domainname"] = "example.test"
    assert run_ok(rt, cid, b) == "example.test\n"


def test_env_is_exactly_the_spec_env(rt, bundle, cid):
    b = bundle().args("env")
    b.process["env"] = ["PATH=/bin", "FOO=bar baz", "EMPTY=", "MULTI=a=b=c"]
    lines = set(run_ok(rt, cid, b).splitlines())
    assert {"PATH=/bin", "FOO=bar baz", "EMPTY=", "MULTI=a=b=c"} <= lines
    # Only what the spec sets, plus what busybox env itself may add; nothing inherited from the runtime.
    assert not any(line.startswith(("PWD=/work", "PYTEST", "_LIBCONTAINER", "_RUNE")) for line in lines), lines


def test_path_lookup_uses_container_path(rt, bundle, cid):
    b = bundle().args("whoami")
    b.process["env"] = ["PATH=/nonexistent:/bin"]
    assert run_ok(rt, cid, b) == "root\n"


def test_absolute_program_path(rt, bundle, cid):
    b = bundle().args("/bin/echo", "abs")
    assert run_ok(rt, cid, b) == "abs\n"


def test_arguments_with_spaces_and_quotes(rt, bundle, cid):
    args = ["printf", "[%s]\\n", "two words", "it's", 'a "quote"', "", "new\nline"]
    out = run_ok(rt, cid, bundle().args(*args))
    assert out == "[two words]\n[it's]\n[a \"quote\"]\n[]\n[new\nline]\n"


def test_cwd(rt, bundle, cid):
    b = bundle().args("pwd")
    b.process["cwd"] = "/tmp"
    assert run_ok(rt, cid, b) == "/tmp\n"


def test_cwd_is_created_when_missing(rt, bundle, cid):
    b = bundle().args("pwd")
    b.process["cwd"] = "/made/by/runtime"
    b.config["root"]["readonly"] = False
    assert run_ok(rt, cid, b) == "/made/by/runtime\n"


def test_user_uid_gid_groups_umask(rt, bundle, cid):
    b = bundle().sh("cat /proc/self/status; id; umask")
    b.process["user"] = {"uid": 1000, "gid": 1000, "additionalGids": [29, 100], "umask": 0o027}
    out = run_ok(rt, cid, b)
    assert status_field(out, "Uid").split() == ["1000"] * 4
    assert status_field(out, "Gid").split() == ["1000"] * 4
    assert sorted(status_field(out, "Groups").split(), key=int) == ["29", "100"]
    assert status_field(out, "Umask") == "0027"
    assert "uid=1000(tester) gid=1000(tester)" in out
    assert out.rstrip().splitlines()[-1] == "0027"


def test_user_without_additional_gids_has_no_groups(rt, bundle, cid):
    b = bundle().sh("cat /proc/self/status")
    b.process["user"] = {"uid": 65534, "gid": 65534}
    out = run_ok(rt, cid, b)
    assert status_field(out, "Uid").split()[0] == "65534"
    assert status_field(out, "Groups") == ""


def test_default_umask(rt, bundle, cid):
    assert run_ok(rt, cid, bundle().args("sh", "-c", "umask")) == "0022\n"


@pytest.mark.parametrize("caps", [DEFAULT_CAPS, ["CAP_KILL"], [], ["CAP_CHOWN", "CAP_NET_RAW", "CAP_SYS_ADMIN", "CAP_SETUID"]],
                         ids=["default", "kill-only", "none", "four"])
def test_capability_sets(rt, bundle, cid, caps):
    b = bundle().sh("grep ^Cap /proc/self/status")
    for kind in ("bounding", "effective", "permitted", "ambient", "inheritable"):
        b.process["capabilities"][kind] = list(caps)
    out = run_ok(rt, cid, b)
    for key in ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"):
        assert status_field(out, key) == mask(caps), key


def test_default_spec_capabilities(rt, bundle, cid):
    out = run_ok(rt, cid, bundle().sh("grep ^Cap /proc/self/status"))
    for key in ("CapPrm", "CapEff", "CapBnd"):
        assert status_field(out, key) == mask(DEFAULT_CAPS), key
    # The default spec has no inheritable set, and the kernel keeps ambient within inheritable.
    assert status_field(out, "CapInh") == mask([])
    assert status_field(out, "CapAmb") == mask([])


def test_non_root_user_keeps_ambient_capabilities(rt, bundle, cid):
    b = bundle().sh("grep ^Cap /proc/self/status")
    b.process["user"] = {"uid": 1000, "gid": 1000}
    b.process["capabilities"]["inheritable"] = ["CAP_KILL"]
    b.process["capabilities"]["ambient"] = ["CAP_KILL"]
    out = run_ok(rt, cid, b)
    assert status_field(out, "CapEff") == mask(["CAP_KILL"])
    assert status_field(out, "CapAmb") == mask(["CAP_KILL"])


@pytest.mark.parametrize("nnp", [True, False])
def test_no_new_privileges(rt, bundle, cid, nnp):
    b = bundle().sh("grep ^NoNewPrivs /proc/self/status")
    b.process["noNewPrivileges"] = nnp
    assert run_ok(rt, cid, b).split() == ["NoNewPrivs:", "1" if nnp else "0"]


def test_default_rlimit_nofile(rt, bundle, cid):
    assert run_ok(rt, cid, bundle().sh("ulimit -n; ulimit -Hn")) == "1024\n1024\n"


def test_rlimits(rt, bundle, cid):
    b = bundle().sh("ulimit -n; ulimit -Hn; ulimit -s; ulimit -c")
    b.process["rlimits"] = [
        {"type": "RLIMIT_NOFILE", "soft": 512, "hard": 768},
        {"type": "RLIMIT_STACK", "soft": 4 << 20, "hard": 8 << 20},
        {"type": "RLIMIT_CORE", "soft": 0, "hard": 0},
    ]
    assert run_ok(rt, cid, b).split() == ["512", "768", "4096", "0"]


def test_oom_score_adj(rt, bundle, cid):
    b = bundle().args("cat", "/proc/self/oom_score_adj")
    b.process["oomScoreAdj"] = 123  # raising needs no privilege; lowering would need CAP_SYS_RESOURCE
    assert run_ok(rt, cid, b) == "123\n"


def test_sysctl_with_network_namespace(rt, bundle, cid):
    b = bundle().args("cat", "/proc/sys/net/ipv4/ip_forward")
    b.config["linux"]["sysctl"] = {"net.ipv4.ip_forward": "1"}
    assert run_ok(rt, cid, b) == "1\n"


def test_sysctl_with_ipc_namespace(rt, bundle, cid):
    b = bundle().args("cat", "/proc/sys/kernel/shmmax")
    b.config["linux"]["sysctl"] = {"kernel.shmmax": "123456789"}
    assert run_ok(rt, cid, b) == "123456789\n"


NAMESPACES = {"pid": "pid", "network": "net", "ipc": "ipc", "uts": "uts", "mount": "mnt"}


def test_namespaces_differ_from_host(rt, bundle, cid):
    b = bundle().sh("for n in pid net ipc uts mnt; do echo $n $(readlink /proc/self/ns/$n); done")
    out = run_ok(rt, cid, b)
    inside = dict(line.split() for line in out.splitlines())
    for name in NAMESPACES.values():
        assert inside[name] != os.readlink(f"/proc/self/ns/{name}"), name


def test_new_network_namespace_is_what_sysfs_and_proc_show(rt, bundle, cid):
    # sysfs lists the devices of the network namespace of the process that mounted it; this host has
    # more than lo, so a sysfs mounted before the container process entered its namespace would show them.
    assert sorted(os.listdir("/sys/class/net")) != ["lo"]
    b = bundle().sh("readlink /proc/self/ns/net; ls /sys/class/net; cut -d: -f1 /proc/net/dev | tail -n +3")
    out = run_ok(rt, cid, b).split()
    assert out[0] != os.readlink("/proc/self/ns/net")
    assert out[1:] == ["lo", "lo"]


def test_default_spec_shares_cgroup_namespace_with_host(rt, bundle, cid):
    out = run_ok(rt, cid, bundle().args("readlink", "/proc/self/ns/cgroup"))
    assert out.strip() == os.readlink("/proc/self/ns/cgroup")


def test_join_host_network_namespace_by_path(rt, bundle, cid):
    b = bundle().args("readlink", "/proc/self/ns/net")
    for ns in b.config["linux"]["namespaces"]:
        if ns["type"] == "network":
            ns["path"] = f"/proc/{os.getpid()}/ns/net"
    assert run_ok(rt, cid, b).strip() == os.readlink("/proc/self/ns/net")


def test_pid_namespace_makes_payload_pid_1(rt, bundle, cid):
    assert run_ok(rt, cid, bundle().sh("echo $$")) == "1\n"


def test_without_uts_namespace_hostname_is_hosts(rt, bundle, cid):
    b = bundle().args("hostname")
    b.config["linux"]["namespaces"] = [n for n in b.config["linux"]["namespaces"] if n["type"] != "uts"]
    del b.config["hostname"]
    assert run_ok(rt, cid, b).strip() == os.uname().nodename
