"""The steps of tests/cri scenarios: each is one or a few CRI calls as a kubelet makes them, checked."""
import json
import os
import time

from cri_api.v1 import api_pb2 as api

from cri_client import Cri, rfc3339_to_ns, wait_log
from node import Node
from report import Report

SHIM_BINARY = {"rune": "containerd-shim-rune-v2", "runc": "containerd-shim-runc-v2"}


class Pod:
    """One pod of a scenario: its config, ids, log directory and cgroup parent."""

    def __init__(self, env, name, handler, annotations=None):
        self.env, self.name, self.handler = env, name, handler
        self.log_dir = os.path.join(env.args.tmp, "logs", name)
        os.makedirs(self.log_dir, exist_ok=True)
        self.cgroup_parent = "%s/%s" % (env.args.cgroup_base, name)
        self.config = Cri.pod_config(name, self.log_dir, self.cgroup_parent, annotations)
        self.id = None
        self.removed = False
        self.containers = {}  # name -> id

    def log(self, container):
        return os.path.join(self.log_dir, container + ".log")

    def info(self, verbose_reply_info):
        return json.loads(verbose_reply_info.get("info", "{}"))

    def sandbox_info(self):
        """containerd's verbose sandbox info: pid, and runtimeSpec, the spec as containerd generated it."""
        reply = self.env.cri.runtime.PodSandboxStatus(api.PodSandboxStatusRequest(pod_sandbox_id=self.id, verbose=True),
                                                      timeout=self.env.cri.timeout)
        return self.info(reply.info)

    def container_pid(self, name):
        reply = self.env.cri.runtime.ContainerStatus(
            api.ContainerStatusRequest(container_id=self.containers[name], verbose=True), timeout=self.env.cri.timeout)
        return self.info(reply.info).get("pid", 0)

    def bundle_config(self, cid):
        path = os.path.join(self.env.args.tmp, "state", "io.containerd.runtime.v2.task", "k8s.io", cid, "config.json")
        with open(path) as f:
            return json.load(f)


class Env:
    def __init__(self, args):
        self.args = args
        self.cri = Cri(args.socket)
        roots = dict(r.split("=", 1) for r in args.runtime_root)
        self.node = Node(args.tmp, args.socket, roots)
        self.report = Report()

    def remember(self, pod_id):
        """Records a pod id for run.sh's cleanup (a killed shim leaves its socket, named after the pod)."""
        if pod_id:
            with open(os.path.join(self.args.tmp, "pod-ids"), "a") as f:
                f.write(pod_id + "\n")


# --- steps shared by the scenarios --------------------------------------------------------------------
def run_pod(env, pod):
    r = env.report
    t0 = time.time_ns()
    ok, pod.id = r.step("%s: RunPodSandbox (handler %s)" % (pod.name, pod.handler), env.cri.run_pod, pod.config, pod.handler)
    env.remember(pod.id)
    if ok:
        status = env.cri.pod_status(pod.id)
        r.equal("%s: PodSandboxStatus is READY" % pod.name, "SANDBOX_READY", api.PodSandboxState.Name(status.state))
    return ok, t0


def start_container(env, pod, name, image, command, env_vars=None):
    r = env.report
    config = Cri.container_config(name, image, command, env_vars)
    ok, cid = r.step("%s/%s: CreateContainer" % (pod.name, name), env.cri.create_container, pod.id, config, pod.config)
    if not ok:
        return None
    pod.containers[name] = cid
    ok, _ = r.step("%s/%s: StartContainer" % (pod.name, name), env.cri.start_container, cid)
    return cid if ok else None


def first_output(env, pod, name, needle, t0, label):
    """Checks that the log CRI writes shows `needle`, and reports RunPodSandbox -> that line's timestamp."""
    line = wait_log(pod.log(name), needle)
    if env.report.check("%s/%s: CRI log shows %r" % (pod.name, name, needle), line is not None,
                        "log %s: %r" % (pod.log(name), open(pod.log(name)).read()[-300:] if os.path.exists(pod.log(name)) else "missing")):
        env.report.timing(label, (rfc3339_to_ns(line[0]) - t0) / 1e9)


def check_state(env, pod, name, want, exit_code=None):
    r = env.report
    cid = pod.containers.get(name)
    if cid is None:
        return r.fail("%s/%s: ContainerStatus %s" % (pod.name, name, want), "container was not created")
    status = env.cri.wait_state(cid, getattr(api, want))
    r.equal("%s/%s: ContainerStatus %s" % (pod.name, name, want), want, api.ContainerState.Name(status.state))
    if exit_code is not None:
        r.equal("%s/%s: exit code %d reported" % (pod.name, name, exit_code), exit_code, status.exit_code)


def exec_sync(env, pod, name):
    r = env.report
    cid = pod.containers.get(name)
    ok, reply = r.step("%s/%s: ExecSync" % (pod.name, name), env.cri.exec_sync, cid,
                       ["/bin/sh", "-c", "echo exec-out; echo exec-err >&2; exit 3"]) if cid else (False, None)
    if ok:
        r.equal("%s/%s: ExecSync stdout" % (pod.name, name), b"exec-out\n", reply.stdout)
        r.equal("%s/%s: ExecSync stderr" % (pod.name, name), b"exec-err\n", reply.stderr)
        r.equal("%s/%s: ExecSync exit code" % (pod.name, name), 3, reply.exit_code)


def container_stats(env, pod, name):
    """ContainerStats: the shim's Stats (cgroup metrics) as the kubelet's resource summary reads them."""
    r = env.report
    cid = pod.containers.get(name)
    ok, stats = r.step("%s/%s: ContainerStats" % (pod.name, name), env.cri.container_stats, cid) if cid else (False, None)
    if ok:
        memory = stats.memory.working_set_bytes.value
        r.check("%s/%s: ContainerStats reports memory and CPU use" % (pod.name, name),
                stats.attributes.id == cid and memory > 0 and stats.cpu.timestamp > 0,
                "id %r working set %r cpu timestamp %r" % (stats.attributes.id, memory, stats.cpu.timestamp))


def one_shim_per_pod(env, pod):
    binary = SHIM_BINARY[pod.handler]
    ids = set(pod.containers.values()) | {pod.id}
    shims = {pid: i for pid, i in env.node.shims(binary).items() if i in ids}
    env.report.check("%s: one %s serves the pod's %d containers" % (pod.name, binary, len(ids)),
                     list(shims.values()) == [pod.id], "serving shims (pid: -id): %r" % shims)


def stop_and_remove(env, pod, names):
    r = env.report
    for name in names:
        cid = pod.containers.get(name)
        if cid is None:
            continue
        r.step("%s/%s: StopContainer" % (pod.name, name), env.cri.stop_container, cid)
        check_state(env, pod, name, "CONTAINER_EXITED")
        r.step("%s/%s: RemoveContainer" % (pod.name, name), env.cri.remove_container, cid)
    r.equal("%s: ListContainers is empty after removal" % pod.name, [], env.cri.container_ids(pod.id))


def remove_pod(env, pod):
    r = env.report
    r.step("%s: StopPodSandbox" % pod.name, env.cri.stop_pod, pod.id)
    status = env.cri.pod_status(pod.id)
    r.equal("%s: PodSandboxStatus is NOTREADY after stop" % pod.name, "SANDBOX_NOTREADY", api.PodSandboxState.Name(status.state))
    pod.removed, _ = r.step("%s: RemovePodSandbox" % pod.name, env.cri.remove_pod, pod.id)
    r.check("%s: ListPodSandbox no longer has the pod" % pod.name, pod.id not in env.cri.pod_ids())
    # A shim exits right after its Shutdown reply: give the node a bounded number of looks.
    for look in range(200):
        left = env.node.leftovers(pod.handler, SHIM_BINARY[pod.handler], pod.id, pod.containers.values(), pod.cgroup_parent)
        if not left:
            break
        if look == 0:
            print("# %s: right after RemovePodSandbox: %s" % (pod.name, "; ".join(left)))
        time.sleep(0.05)
    r.equal("%s: nothing left on the node (shims, mounts, cgroups, runtime state, bundles, socket)" % pod.name, [], left)


def force_remove(env, pod):
    """After a failed scenario: what a kubelet's garbage collection would do, errors ignored."""
    if pod.removed or pod.id is None:
        return
    for cid in pod.containers.values():
        for call in (env.cri.stop_container, env.cri.remove_container):
            try:
                call(cid)
            except Exception:
                pass
    for call in (env.cri.stop_pod, env.cri.remove_pod):
        try:
            call(pod.id)
        except Exception:
            pass
