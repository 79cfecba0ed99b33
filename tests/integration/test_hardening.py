"""Hardening (issue 3): each test fails when its protection is missing."""
import os
import shutil
import subprocess


def chown_tree(root, uid, gid):
    """Chowns a bundle's rootfs without touching host files it hard-links (mkbundle links /bin/busybox)."""
    for dirpath, dirnames, filenames in os.walk(root):
        for name in filenames:
            path = os.path.join(dirpath, name)
            if not os.path.islink(path) and os.stat(path).st_nlink > 1:
                tmp = path + ".copy"
                shutil.copy2(path, tmp)
                os.replace(tmp, path)
        for name in dirnames + filenames:
            os.lchown(os.path.join(dirpath, name), uid, gid)
    os.lchown(root, uid, gid)

import pytest

from helpers import wait_for


def test_init_runs_from_a_sealed_copy_not_the_host_binary(rt, bundle, cid):
    # CVE-2019-5736: a container must not be able to reach the runtime's host binary through /proc/<init>/exe.
    res = rt.create(cid, bundle().args("true"))
    assert res.rc == 0, str(res)
    pid = rt.state(cid)["pid"]
    exe = os.readlink(f"/proc/{pid}/exe")
    assert os.path.realpath(str(rt.binary)) not in exe, exe
    # rune: a detached read-only bind mount of itself (as root) or a sealed memfd copy (rootless).
    if not rt.is_runc:
        assert exe == "/" or "(deleted)" in exe or "memfd:" in exe, exe


def test_no_host_fd_reaches_the_container(rt, bundle, cid, tmp_path):
    # Only stdio (and --preserve-fds) may be open in the container process.
    leak = open(tmp_path / "secret", "w")
    try:
        b = bundle().args("sh", "-c", "ls /proc/self/fd")
        b.save()
        proc = subprocess.run(rt.argv("run", "--bundle", b.path, cid), capture_output=True, text=True,
                              pass_fds=(leak.fileno(),), timeout=60)
        rt.ids.add(cid)
        assert proc.returncode == 0, proc.stderr
        fds = sorted(int(x) for x in proc.stdout.split())
        # ls itself opens one directory fd (3).
        assert fds == [0, 1, 2, 3], fds
    finally:
        leak.close()


def test_preserve_fds_passes_exactly_the_asked_fds(rt, bundle, cid, tmp_path):
    extra = open(tmp_path / "shared", "w")
    try:
        os.dup2(extra.fileno(), 3) if extra.fileno() != 3 else None
        b = bundle().args("sh", "-c", "echo preserved >&3 && ls /proc/self/fd")
        b.save()
        proc = subprocess.run(rt.argv("run", "--preserve-fds", "1", "--bundle", b.path, cid), capture_output=True,
                              text=True, pass_fds=(3,), timeout=60)
        rt.ids.add(cid)
        assert proc.returncode == 0, proc.stderr
    finally:
        extra.close()
    assert (tmp_path / "shared").read_text() == "preserved\n"


def test_mount_target_symlink_cannot_escape_the_rootfs(rt, bundle, cid, tmp_path):
    # A rootfs symlink pointing at a host path must resolve inside the rootfs.
    host_target = tmp_path / "host-target"
    host_target.mkdir()
    (host_target / "marker").write_text("host")
    b = bundle()
    os.symlink(str(host_target), b.rootfs / "escape")
    b.add_mount("/escape", "tmpfs", "tmpfs", ["size=1m"])
    b.args("sh", "-c", "touch /escape/inside && echo ok")
    res = rt.run(cid, b)
    assert res.rc == 0, str(res)
    assert sorted(os.listdir(host_target)) == ["marker"], "the tmpfs landed on the host directory"
    assert not os.path.ismount(host_target)


def test_masked_paths_cannot_be_undone(rt, bundle, cid):
    b = bundle().args("sh", "-c", "umount /proc/kcore; echo rc=$?; mount -o remount,rw /proc/sys; echo rc=$?")
    res = rt.run(cid, b)
    assert res.rc == 0, str(res)
    assert res.out.split().count("rc=0") == 0, res.out


def test_cwd_outside_the_container_is_refused(rt, bundle, cid):
    # A relative cwd through /proc/self/fd of a leaked host directory is the CVE-2024-21626 pattern.
    b = bundle().args("true")
    b.process["cwd"] = "/proc/self/fd/3"
    res = rt.run(cid, b)
    assert res.rc != 0, str(res)


@pytest.mark.parametrize("mapping", [(0, 100000, 65536)])
def test_user_namespace_with_mappings(rt, bundle, cid, mapping):
    b = bundle()
    # The mapped root must be able to reach the bundle: open up the temp directories above it.
    parent = b.path
    while str(parent) != "/":
        os.chmod(parent, os.stat(parent).st_mode | 0o005)
        parent = parent.parent
    cont, host, size = mapping
    chown_tree(b.rootfs, host, host)
    b.config["linux"]["namespaces"].append({"type": "user"})
    b.config["linux"]["uidMappings"] = [{"containerID": cont, "hostID": host, "size": size}]
    b.config["linux"]["gidMappings"] = [{"containerID": cont, "hostID": host, "size": size}]
    b.config["mounts"] = [m for m in b.config["mounts"] if m["destination"] not in ("/sys", "/sys/fs/cgroup")]
    b.add_mount("/sys", "none", "/sys", ["rbind", "nosuid", "noexec", "nodev", "ro"])
    b.args("sh", "-c", "id -u; cat /proc/self/uid_map; touch /dev/shm/x && echo writable")
    res = rt.run(cid, b)
    assert res.rc == 0, str(res)
    lines = res.out.split("\n")
    assert lines[0] == "0"
    assert lines[1].split() == [str(cont), str(host), str(size)]
    assert "writable" in res.out


def test_rootless_run_as_an_unprivileged_user(rt, bundle, tmp_path, cid):
    # rootless: an ordinary user (65534) runs a container with a user namespace mapping only its own uid.
    b = bundle(rootless=True)
    b.config["linux"]["uidMappings"] = [{"containerID": 0, "hostID": 65534, "size": 1}]
    b.config["linux"]["gidMappings"] = [{"containerID": 0, "hostID": 65534, "size": 1}]
    b.args("sh", "-c", "id -u; cat /proc/self/uid_map")
    b.save()
    xdg = tmp_path / "xdg"
    xdg.mkdir()
    binary = tmp_path / "runtime-bin"
    shutil.copy(rt.binary, binary)
    chown_tree(b.path, 65534, 65534)
    os.lchown(xdg, 65534, 65534)
    parent = tmp_path
    while str(parent) != "/":
        os.chmod(parent, os.stat(parent).st_mode | 0o005)
        parent = parent.parent
    env = {"PATH": os.environ["PATH"], "XDG_RUNTIME_DIR": str(xdg)}
    proc = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", str(binary), "run",
                           "--bundle", str(b.path), cid], capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.split("\n")
    assert lines[0] == "0"
    assert lines[1].split() == ["0", "65534", "1"]
    assert not any(xdg.rglob("state.json")), "state left behind"
