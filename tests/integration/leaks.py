"""Leak detection: what a runtime may leave behind on the host.

Other test runs (and other users of the machine) create containers at the same time, so every probe is
scoped to this test's own directory and container ids rather than diffing the whole machine.
"""
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

CGROUP_ROOT = Path("/sys/fs/cgroup")


def host_mounts_under(prefix):
    """Mount points of the host mount namespace that lie under `prefix` (bundles, rootfs, state)."""
    prefix = str(prefix)
    points = []
    with open("/proc/self/mountinfo") as f:
        for line in f:
            point = line.split()[4]
            if point == prefix or point.startswith(prefix.rstrip("/") + "/"):
                points.append(point)
    return points


def cgroup_dirs_matching(names):
    """Cgroup directories (any v1 controller or the unified tree) whose path contains one of `names`."""
    names = [n for n in names if n]
    found = []
    if not names:
        return found
    for dirpath, dirnames, _ in os.walk(CGROUP_ROOT):
        for name in dirnames:
            full = os.path.join(dirpath, name)
            if any(n in full for n in names):
                found.append(full)
    return sorted(found)


def _rootfs_identities(prefix):
    """(st_dev, st_ino) of every bundle rootfs under `prefix` (bundles live at prefix/<name>/rootfs)."""
    ids = set()
    try:
        entries = os.listdir(prefix)
    except OSError:
        return ids
    for name in entries:
        try:
            st = os.stat(os.path.join(prefix, name, "rootfs"))
        except OSError:
            continue
        ids.add((st.st_dev, st.st_ino))
    return ids


def processes_rooted_under(prefix):
    """Live pids whose root directory is a bundle rootfs under `prefix`.

    After pivot_root, readlink(/proc/<pid>/root) says "/" from outside the container's mount namespace,
    but stat() through that magic link still reaches the rootfs directory itself: compare inodes.
    """
    roots = _rootfs_identities(prefix)
    if not roots:
        return []
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            st = os.stat(f"/proc/{entry}/root")
        except OSError:
            continue
        if (st.st_dev, st.st_ino) in roots and not _is_zombie(entry):
            pids.append(int(entry))
    return sorted(pids)


def processes_naming(words):
    """Live pids whose command line mentions one of `words` (e.g. a container id given to `runc init`)."""
    words = [w for w in words if w]
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if any(w in cmdline for w in words) and not _is_zombie(entry):
            pids.append(int(entry))
    return sorted(pids)


def _is_zombie(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(") ", 1)[1][0] in "ZX"
    except (OSError, IndexError):
        return True


@dataclass
class Leaks:
    state_dirs: list = field(default_factory=list)
    mounts: list = field(default_factory=list)
    cgroups: list = field(default_factory=list)
    processes: list = field(default_factory=list)

    def __bool__(self):
        return bool(self.state_dirs or self.mounts or self.cgroups or self.processes)


def _pid_namespaces_of(runtime, ids):
    """pid namespaces of the live containers `ids` (their processes are not leaks of another container)."""
    namespaces = set()
    for cid in ids:
        res = runtime.cmd("state", cid)
        if res.rc != 0:
            continue
        try:
            pid = json.loads(res.out)["pid"]
            namespaces.add(os.readlink(f"/proc/{pid}/ns/pid"))
        except (OSError, ValueError, KeyError):
            continue
    return namespaces


def _pid_namespace(pid):
    try:
        return os.readlink(f"/proc/{pid}/ns/pid")
    except OSError:
        return None


def find_leaks(runtime, workdir, ids, cgroup_names=(), alive_ids=()):
    """Everything left by containers `ids` of `runtime` whose files live under `workdir`.

    Processes of the still-running containers `alive_ids` (which share the bundles' directory) are not counted.
    """
    leaks = Leaks()
    leaks.state_dirs = [str(runtime.root / i) for i in ids if (runtime.root / i).exists()]
    leaks.mounts = host_mounts_under(workdir)
    leaks.cgroups = cgroup_dirs_matching(list(ids) + list(cgroup_names))
    pids = set(processes_rooted_under(workdir)) | set(processes_naming(ids))
    alive = _pid_namespaces_of(runtime, alive_ids)
    leaks.processes = sorted(p for p in pids if not alive or _pid_namespace(p) not in alive)
    return leaks


def assert_nothing_left(runtime, workdir, cid, cgroup_names=()):
    others = [i for i in runtime.ids if i != cid]
    leaks = find_leaks(runtime, workdir, [cid], cgroup_names, alive_ids=others)
    assert not leaks, f"{runtime.name} left behind after failing: {leaks}"
