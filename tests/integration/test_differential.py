"""Differential checks: what a container observes must be the same under runc and the runtime under test."""
import pytest

from helpers import new_id

from differential import normalise_ls, normalise_mountinfo

pytestmark = pytest.mark.differential


def status_lines(text):
    keep = ("Uid", "Gid", "Groups", "Umask", "NoNewPrivs", "Seccomp", "Cap")
    return "\n".join(line for line in text.splitlines() if line.startswith(keep)) + "\n"


def sorted_lines(text):
    return "\n".join(sorted(text.splitlines())) + "\n"


def as_user(b):
    b.process["user"] = {"uid": 1000, "gid": 1000, "additionalGids": [29, 100], "umask": 0o077}


def reduced_caps(b):
    for kind in ("bounding", "effective", "permitted", "ambient"):
        b.process["capabilities"][kind] = ["CAP_CHOWN", "CAP_KILL"]
    b.process["capabilities"]["inheritable"] = ["CAP_KILL"]
    b.process["noNewPrivileges"] = False


def writable_with_extras(b):
    b.config["root"]["readonly"] = False
    b.add_mount("/scratch", "tmpfs", "tmpfs", ["nosuid", "size=2m", "mode=700"])
    b.process["rlimits"] = [{"type": "RLIMIT_NOFILE", "soft": 256, "hard": 512},
                            {"type": "RLIMIT_NPROC", "soft": 100, "hard": 200}]
    b.process["oomScoreAdj"] = 250
    b.config["hostname"] = "diffbox"
    b.process["cwd"] = "/home/tester"
    b.process["env"].append("EXTRA=with space")


def cgroup_namespace(b):
    # The namespace's root is the cgroup at unshare time: it must be the container's, in every hierarchy.
    b.config["linux"]["namespaces"].append({"type": "cgroup"})


VARIANTS = {"default": None, "user": as_user, "caps": reduced_caps, "extras": writable_with_extras,
            "cgroupns": cgroup_namespace}

PROBES = [
    # id, argv, normaliser
    ("id", ["id"], None),
    ("hostname", ["hostname"], None),
    ("status", ["cat", "/proc/self/status"], status_lines),
    ("ulimits", ["sh", "-c", "ulimit -a"], None),
    ("mountinfo", ["cat", "/proc/self/mountinfo"], normalise_mountinfo),
    ("dev", ["ls", "-l", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue"], normalise_ls),
    ("root-listing", ["ls", "-la", "/"], normalise_ls),
    ("env", ["env"], sorted_lines),
    ("cwd-umask", ["sh", "-c", "pwd; umask"], None),
    ("oom", ["cat", "/proc/self/oom_score_adj"], None),
    ("cgroup", ["cat", "/proc/self/cgroup"], None),
    ("sysctl-visible", ["sh", "-c", "cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/hostname"], None),
    ("fds", ["ls", "/proc/self/fd"], None),
    ("exit-code", ["sh", "-c", "echo out; echo err >&2; exit 3"], None),
    ("signal-death", ["sh", "-c", "sh -c 'kill -TERM $$'; exit $?"], None),
]


@pytest.mark.parametrize("variant", list(VARIANTS))
@pytest.mark.parametrize("probe,argv,normalise", PROBES, ids=[p[0] for p in PROBES])
def test_same_as_reference(run_both, variant, probe, argv, normalise):
    expected, actual = run_both(VARIANTS[variant], argv, normalise)
    assert actual.rc == expected.rc, f"exit code differs\nreference: {expected}\nunder test: {actual}"
    assert actual.out == expected.out
    if expected.rc == 0:
        assert actual.err == expected.err


def test_exec_same_as_reference(ref, rt, bundle):
    outputs = []
    for runtime in (ref, rt):
        b = bundle().args("sleep", "1000")
        cid = new_id("diffexec")
        assert runtime.run_detached(cid, b).rc == 0
        res = runtime.cmd("exec", "--user", "1000:1000", "--env", "X=1", "--cwd", "/tmp", cid,
                          "sh", "-c", "id; pwd; echo $X; grep -E '^(Cap|NoNewPrivs|Groups)' /proc/self/status; exit 9")
        outputs.append((res.rc, res.out))
    assert outputs[1] == outputs[0]
