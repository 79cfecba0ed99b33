"""What a pod leaves on the node, read from /proc, /sys/fs/cgroup and containerd's and the runtime's
directories: shim processes, mounts, cgroups, runtime state, bundles and shim sockets."""
import glob
import hashlib
import os

NAMESPACE = "k8s.io"  # the containerd namespace the CRI plugin always uses


class Node:
    def __init__(self, tmp, containerd_socket, runtime_roots):
        self.tmp = tmp
        self.socket = containerd_socket
        self.runtime_roots = runtime_roots  # handler -> the OCI runtime's --root (without the namespace)

    # --- processes ------------------------------------------------------------------------------
    @staticmethod
    def cmdline(pid):
        try:
            with open("/proc/%s/cmdline" % pid, "rb") as f:
                return [a.decode(errors="replace") for a in f.read().split(b"\0") if a]
        except OSError:
            return []

    @staticmethod
    def comm(pid):
        try:
            with open("/proc/%s/comm" % pid) as f:
                return f.read().strip()
        except OSError:
            return ""

    def shims(self, binary):
        """{pid: -id value} of the serving shim processes (`binary` = containerd-shim-rune-v2 or
        containerd-shim-runc-v2) that this test's containerd started."""
        found = {}
        for pid in filter(str.isdigit, os.listdir("/proc")):
            argv = self.cmdline(pid)
            if not argv or os.path.basename(argv[0]) != binary:
                continue
            if "-address" in argv and argv[argv.index("-address") + 1] == self.socket and "-id" in argv:
                found[int(pid)] = argv[argv.index("-id") + 1]
        return found

    @staticmethod
    def pid_comm_and_exe(pid):
        try:
            exe = os.readlink("/proc/%d/exe" % pid)
        except OSError:
            exe = ""
        return Node.comm(pid), exe

    # --- leftovers ------------------------------------------------------------------------------
    @staticmethod
    def mounts_matching(ids):
        with open("/proc/self/mounts") as f:
            targets = [line.split()[1] for line in f]
        return [t for t in targets if any(i in t for i in ids)]

    @staticmethod
    def cgroup_dirs(cgroup_parent, ids):
        """Container cgroups (cgroupfs layout: <parent>/<id>) still present in any hierarchy."""
        roots = [d for d in glob.glob("/sys/fs/cgroup/*") if os.path.isdir(d)]
        left = []
        for root in roots:
            for i in ids:
                path = root + cgroup_parent + "/" + i
                if os.path.isdir(path):
                    left.append(path)
        return left

    def runtime_state(self, handler, ids):
        root = os.path.join(self.runtime_roots[handler], NAMESPACE)
        return [os.path.join(root, i) for i in ids if os.path.exists(os.path.join(root, i))]

    def bundles(self, ids):
        base = os.path.join(self.tmp, "state", "io.containerd.runtime.v2.task", NAMESPACE)
        return [os.path.join(base, i) for i in ids if os.path.exists(os.path.join(base, i))]

    def shim_socket(self, group):
        """The socket a shim of this pod listens on (`start` derives it from address, namespace, group)."""
        digest = hashlib.sha256(("%s/%s/%s" % (self.socket, NAMESPACE, group)).encode()).hexdigest()
        return "/run/containerd/s/" + digest

    def leftovers(self, handler, binary, pod_id, ids, cgroup_parent):
        """Everything of a removed pod that is still on the node, as readable strings."""
        every = [pod_id] + list(ids)
        left = []
        left += ["shim pid %d (-id %s)" % (p, i) for p, i in self.shims(binary).items() if i in every]
        left += ["mount " + m for m in self.mounts_matching(every)]
        left += ["cgroup " + c for c in self.cgroup_dirs(cgroup_parent, every)]
        left += ["runtime state " + s for s in self.runtime_state(handler, every)]
        left += ["bundle " + b for b in self.bundles(every)]
        if os.path.exists(self.shim_socket(pod_id)):
            left.append("shim socket " + self.shim_socket(pod_id))
        return left
