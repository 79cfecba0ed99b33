"""root, mounts, masked/readonly paths and /dev, observed from inside the container."""
import os
import subprocess

import pytest

from helpers import Bundle, mount_options, mountinfo_points
from leaks import host_mounts_under


def run(rt, cid, b):
    return rt.run(cid, b)


def run_ok(rt, cid, b):
    res = rt.run(cid, b)
    assert res.rc == 0, str(res)
    return res.out


def test_readonly_rootfs_refuses_writes(rt, bundle, cid):
    res = run(rt, cid, bundle().sh("touch /newfile"))
    assert res.rc != 0
    assert "Read-only file system" in res.err


def test_writable_rootfs_writes_reach_bundle(rt, bundle, cid):
    b = bundle().sh("echo written > /newfile")
    b.config["root"]["readonly"] = False
    run_ok(rt, cid, b)
    assert (b.rootfs / "newfile").read_text() == "written\n"


def test_readonly_rootfs_still_allows_tmpfs_dev_shm(rt, bundle, cid):
    assert run_ok(rt, cid, bundle().sh("echo ok > /dev/shm/f && cat /dev/shm/f")) == "ok\n"


def existing(paths):
    # The container sees the same kernel, so a path missing from the host's /proc or /sys is missing there too.
    return [p for p in paths if os.path.exists(p)]


def test_masked_files_read_empty(rt, bundle, cid):
    b = bundle()
    files = [p for p in existing(b.config["linux"]["maskedPaths"]) if not os.path.isdir(p)]
    assert files, "no masked file exists on this host"
    b.sh(" ".join(f"echo {p} $(wc -c < {p});" for p in files))
    out = run_ok(rt, cid, b)
    assert out.splitlines() == [f"{p} 0" for p in files]


def test_masked_directories_are_empty(rt, bundle, cid):
    b = bundle()
    dirs = [p for p in existing(b.config["linux"]["maskedPaths"]) if os.path.isdir(p)]
    assert dirs, "no masked directory exists on this host"
    b.sh(" ".join(f"echo {p} $(ls -A {p} | wc -l);" for p in dirs))
    assert run_ok(rt, cid, b).splitlines() == [f"{p} 0" for p in dirs]


def test_custom_masked_path(rt, bundle, cid):
    b = bundle().sh("cat /proc/version | wc -c")
    b.config["linux"]["maskedPaths"].append("/proc/version")
    assert run_ok(rt, cid, b).strip() == "0"


def test_readonly_paths(rt, bundle, cid):
    b = bundle().sh("cat /proc/self/mountinfo; echo x > /proc/sys/kernel/hostname; echo rc=$?")
    out = run_ok(rt, cid, b)
    for path in existing(b.config["linux"]["readonlyPaths"]):
        assert "ro" in mount_options(out, path), path
    assert out.rstrip().endswith("rc=1")


def test_tmpfs_mount_with_options(rt, bundle, cid):
    b = bundle().sh("cat /proc/self/mountinfo; stat -c %a /scratch; echo data > /scratch/f && cat /scratch/f")
    b.add_mount("/scratch", "tmpfs", "tmpfs", ["nosuid", "nodev", "noexec", "size=1m", "mode=1750"])
    out = run_ok(rt, cid, b)
    assert ("/scratch", "tmpfs") in mountinfo_points(out)
    assert {"nosuid", "nodev", "noexec", "size=1024k", "mode=1750"} <= mount_options(out, "/scratch")
    assert out.splitlines()[-2:] == ["1750", "data"]


@pytest.mark.parametrize("mode", ["rw", "ro"])
def test_bind_mount_of_host_dir(rt, bundle, cid, hostdir, mode):
    (hostdir / "from-host").write_text("hello from host\n")
    b = bundle().sh("cat /data/from-host; echo from-container > /data/from-container; echo rc=$?")
    b.bind(hostdir, "/data", mode)
    out = run_ok(rt, cid, b)
    assert out.startswith("hello from host\n")
    if mode == "rw":
        assert out.rstrip().endswith("rc=0")
        assert (hostdir / "from-container").read_text() == "from-container\n"
    else:
        assert out.rstrip().endswith("rc=1")
        assert not (hostdir / "from-container").exists()


def test_bind_mount_of_host_file(rt, bundle, cid, hostdir):
    (hostdir / "single").write_text("one file\n")
    b = bundle().args("cat", "/etc/single")
    b.bind(hostdir / "single", "/etc/single", "ro")
    assert run_ok(rt, cid, b) == "one file\n"


def dev_listing(out):
    """name -> (type char, mode string, major/minor or link target) from `ls -l /dev`."""
    entries = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) < 9 or line.startswith("total"):
            continue
        perm = parts[0]
        if perm[0] == "c":
            entries[parts[-1]] = ("c", perm, parts[4] + parts[5])
        elif perm[0] == "l":
            entries[parts[-3]] = ("l", "", parts[-1])
        else:
            entries[parts[-1]] = (perm[0], perm, "")
    return entries


def test_dev_contents(rt, bundle, cid):
    out = run_ok(rt, cid, bundle().args("ls", "-l", "/dev"))
    entries = dev_listing(out)
    expected_chars = {"null": "1,3", "zero": "1,5", "full": "1,7", "random": "1,8", "urandom": "1,9", "tty": "5,0"}
    for name, numbers in expected_chars.items():
        assert entries[name] == ("c", "crw-rw-rw-", numbers), name
    expected_links = {"fd": "/proc/self/fd", "stdin": "/proc/self/fd/0", "stdout": "/proc/self/fd/1",
                      "stderr": "/proc/self/fd/2", "ptmx": "pts/ptmx"}
    for name, target in expected_links.items():
        assert entries[name] == ("l", "", target), name
    for name in ("pts", "shm", "mqueue"):
        assert entries[name][0] == "d", name
    assert set(entries) == set(expected_chars) | set(expected_links) | {"pts", "shm", "mqueue"}


def test_dev_null_and_zero_work(rt, bundle, cid):
    out = run_ok(rt, cid, bundle().sh("echo gone > /dev/null; head -c 4 /dev/zero | od -An -tx1"))
    assert out.split() == ["00"] * 4


def test_extra_device_node(rt, bundle, cid):
    b = bundle().sh("ls -l /dev/extra-null; echo x > /dev/extra-null; echo rc=$?")
    b.config["linux"]["devices"] = [{"path": "/dev/extra-null", "type": "c", "major": 1, "minor": 3,
                                     "fileMode": 0o640, "uid": 1000, "gid": 29}]
    # Without a cgroup rule the default deny-all device policy blocks the open.
    out = run_ok(rt, cid, b)
    perm, _, user, group, major, minor = out.split()[:6]
    assert (perm, user, group, major, minor) == ("crw-r-----", "tester", "audio", "1,", "3")
    assert out.rstrip().endswith("rc=1")


def test_extra_device_allowed_by_cgroup_rule(rt, bundle, cid):
    b = bundle().sh("echo x > /dev/extra-null; echo rc=$?")
    b.config["linux"]["devices"] = [{"path": "/dev/extra-null", "type": "c", "major": 1, "minor": 3, "fileMode": 0o666}]
    b.config["linux"]["resources"]["devices"].append({"allow": True, "type": "c", "major": 1, "minor": 3, "access": "rw"})
    assert run_ok(rt, cid, b) == "rc=0\n"


def host_cgroup_v1_controllers():
    names = set()
    with open("/proc/self/mountinfo") as f:
        for line in f:
            left, _, right = line.partition(" - ")
            if right.split()[0] == "cgroup":
                names.add(left.split()[4])
    return {n for n in names if n.startswith("/sys/fs/cgroup/")}


def test_default_mount_list(rt, bundle, cid):
    b = bundle().args("cat", "/proc/self/mountinfo")
    points = mountinfo_points(run_ok(rt, cid, b))
    v1 = host_cgroup_v1_controllers()
    assert points[0][0] == "/"
    # On a v1 or hybrid host /sys/fs/cgroup is a tmpfs holding one cgroup mount per v1 hierarchy (no unified);
    # on a pure v2 host it is the cgroup2 mount itself.
    assert points[1:8] == [("/proc", "proc"), ("/dev", "tmpfs"), ("/dev/pts", "devpts"), ("/dev/shm", "tmpfs"),
                           ("/dev/mqueue", "mqueue"), ("/sys", "sysfs"), ("/sys/fs/cgroup", "tmpfs" if v1 else "cgroup2")]
    cgroups = {p for p, t in points if t == "cgroup"}
    assert cgroups == {p for p in v1 if p != "/sys/fs/cgroup/unified"}
    rest = {p for p, t in points[8:] if t != "cgroup"}
    linux = b.config["linux"]
    assert rest == set(existing(linux["maskedPaths"] + linux["readonlyPaths"]))
    assert len(points) == len(set(points)), "a mount point appears twice"


def test_mount_options_of_default_mounts(rt, bundle, cid):
    out = run_ok(rt, cid, bundle().args("cat", "/proc/self/mountinfo"))
    assert "ro" in mount_options(out, "/")
    assert {"nosuid", "size=65536k", "mode=755"} <= mount_options(out, "/dev")
    assert {"nosuid", "noexec", "gid=5", "mode=620", "ptmxmode=666"} <= mount_options(out, "/dev/pts")
    assert {"nosuid", "noexec", "nodev", "size=65536k"} <= mount_options(out, "/dev/shm")
    assert {"nosuid", "noexec", "nodev", "ro"} <= mount_options(out, "/sys")
    if os.path.isdir("/sys/fs/cgroup/pids"):
        assert "ro" in mount_options(out, "/sys/fs/cgroup/pids")


def test_new_mounts_do_not_appear_on_host(rt, bundle, cid, workdir):
    b = bundle().args("true")
    b.add_mount("/scratch", "tmpfs", "tmpfs")
    run_ok(rt, cid, b)
    with open("/proc/self/mountinfo") as f:
        assert str(workdir) not in f.read()


@pytest.mark.parametrize("propagation", [None, "rslave", "rprivate", "slave", "shared", "rshared"])
def test_rootfs_propagation_on_a_shared_parent_leaks_nothing(rt, workdir, cid, propagation):
    # The bundle sits on a shared mount: with a shared rootfs propagation the rootfs bind would reach
    # the host unless the runtime makes that parent private first (only then is it worth a mountinfo read).
    parent = workdir / f"shared-{propagation}"
    parent.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "tmpfs", str(parent)], check=True)
    try:
        subprocess.run(["mount", "--make-shared", str(parent)], check=True)
        b = Bundle(parent / "bundle").args("cat", "/proc/self/mountinfo")
        if propagation:
            b.config["linux"]["rootfsPropagation"] = propagation
        out = run_ok(rt, cid, b)
        assert " /proc rw" in out
        assert host_mounts_under(parent) == [str(parent)]
    finally:
        subprocess.run(["umount", "-l", str(parent)], check=False)
