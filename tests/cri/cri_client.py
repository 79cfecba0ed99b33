"""A small CRI v1 client over containerd's gRPC socket: the calls a kubelet makes, nothing more.

Uses the generated stubs of PyPI's `container-runtime-interface-api` (module `cri_api.v1`) and `grpcio`.
"""
import calendar
import os
import re
import time
import uuid

import grpc
from cri_api.v1 import api_pb2 as api
from cri_api.v1 import api_pb2_grpc as api_grpc

# A CRI log line: "<RFC3339Nano> <stream> <P|F> <text>" (containerd's cio logger).
LOG_LINE = re.compile(r"^(\S+) (stdout|stderr) ([PF]) ?(.*)$")


class Cri:
    def __init__(self, socket_path, call_timeout=120):
        self.channel = grpc.insecure_channel("unix://" + socket_path)
        self.runtime = api_grpc.RuntimeServiceStub(self.channel)
        self.images = api_grpc.ImageServiceStub(self.channel)
        self.timeout = call_timeout

    def close(self):
        self.channel.close()

    # --- runtime and images -------------------------------------------------------------------
    def version(self):
        return self.runtime.Version(api.VersionRequest(version="v1"), timeout=self.timeout)

    def image_tags(self):
        listed = self.images.ListImages(api.ListImagesRequest(), timeout=self.timeout)
        return {tag for image in listed.images for tag in image.repo_tags}

    # --- pods -----------------------------------------------------------------------------------
    @staticmethod
    def pod_config(name, log_dir, cgroup_parent, annotations=None):
        """A pod as a kubelet describes it, on the host network so that no CNI plugin is needed (and
        so without a hostname of its own: the host UTS namespace is shared, as for hostNetwork pods)."""
        return api.PodSandboxConfig(
            metadata=api.PodSandboxMetadata(name=name, uid=str(uuid.uuid4()), namespace="default", attempt=0),
            log_directory=log_dir,
            labels={"app": name},
            annotations=annotations or {},
            linux=api.LinuxPodSandboxConfig(
                cgroup_parent=cgroup_parent,
                security_context=api.LinuxSandboxSecurityContext(
                    namespace_options=api.NamespaceOption(network=api.NODE)),
            ),
        )

    def run_pod(self, config, handler):
        reply = self.runtime.RunPodSandbox(api.RunPodSandboxRequest(config=config, runtime_handler=handler),
                                           timeout=self.timeout)
        return reply.pod_sandbox_id

    def pod_status(self, pod_id):
        return self.runtime.PodSandboxStatus(api.PodSandboxStatusRequest(pod_sandbox_id=pod_id),
                                             timeout=self.timeout).status

    def stop_pod(self, pod_id):
        self.runtime.StopPodSandbox(api.StopPodSandboxRequest(pod_sandbox_id=pod_id), timeout=self.timeout)

    def remove_pod(self, pod_id):
        self.runtime.RemovePodSandbox(api.RemovePodSandboxRequest(pod_sandbox_id=pod_id), timeout=self.timeout)

    def pod_ids(self):
        return [p.id for p in self.runtime.ListPodSandbox(api.ListPodSandboxRequest(), timeout=self.timeout).items]

    # --- containers -----------------------------------------------------------------------------
    @staticmethod
    def container_config(name, image, command, env=None, log_path=None):
        return api.ContainerConfig(
            metadata=api.ContainerMetadata(name=name, attempt=0),
            image=api.ImageSpec(image=image),
            command=command,
            envs=[api.KeyValue(key=k, value=v) for k, v in (env or {}).items()],
            log_path=log_path or name + ".log",
            labels={"container": name},
        )

    def create_container(self, pod_id, config, pod_config):
        reply = self.runtime.CreateContainer(
            api.CreateContainerRequest(pod_sandbox_id=pod_id, config=config, sandbox_config=pod_config),
            timeout=self.timeout)
        return reply.container_id

    def start_container(self, cid):
        self.runtime.StartContainer(api.StartContainerRequest(container_id=cid), timeout=self.timeout)

    def container_status(self, cid):
        return self.runtime.ContainerStatus(api.ContainerStatusRequest(container_id=cid), timeout=self.timeout).status

    def exec_sync(self, cid, cmd, timeout=30):
        return self.runtime.ExecSync(api.ExecSyncRequest(container_id=cid, cmd=cmd, timeout=timeout),
                                     timeout=timeout + self.timeout)

    def container_stats(self, cid):
        return self.runtime.ContainerStats(api.ContainerStatsRequest(container_id=cid), timeout=self.timeout).stats

    def stop_container(self, cid, grace=2):
        self.runtime.StopContainer(api.StopContainerRequest(container_id=cid, timeout=grace), timeout=self.timeout)

    def remove_container(self, cid):
        self.runtime.RemoveContainer(api.RemoveContainerRequest(container_id=cid), timeout=self.timeout)

    def container_ids(self, pod_id=None):
        flt = api.ContainerFilter(pod_sandbox_id=pod_id) if pod_id else None
        reply = self.runtime.ListContainers(api.ListContainersRequest(filter=flt), timeout=self.timeout)
        return [c.id for c in reply.containers]

    def wait_state(self, cid, state, tries=600):
        """Polls ContainerStatus (a bounded number of times) until the container is in `state`."""
        status = None
        for _ in range(tries):
            status = self.container_status(cid)
            if status.state == state:
                return status
            time.sleep(0.05)
        return status


# --- the log files CRI writes ---------------------------------------------------------------------
def read_log(path):
    """[(timestamp string, stream, text)] of the complete lines in a CRI container log."""
    if not os.path.exists(path):
        return []
    lines = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for raw in f:
            m = LOG_LINE.match(raw.rstrip("\n"))
            if m:
                lines.append((m.group(1), m.group(2), m.group(4)))
    return lines


def wait_log(path, needle, tries=600):
    """Polls (bounded) until a log line containing `needle` appears; returns that line or None."""
    for _ in range(tries):
        for line in read_log(path):
            if needle in line[2]:
                return line
        time.sleep(0.02)
    return None


def rfc3339_to_ns(stamp):
    """Nanoseconds since the epoch of an RFC3339Nano UTC timestamp, as containerd writes it."""
    m = re.match(r"^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$", stamp)
    if not m:
        raise ValueError("not an RFC3339 timestamp: %r" % stamp)
    y, mo, d, h, mi, s = (int(g) for g in m.groups()[:6])
    frac = (m.group(7) or "0").ljust(9, "0")[:9]
    seconds = calendar.timegm((y, mo, d, h, mi, s, 0, 0, 0))
    tz = m.group(8)
    if tz != "Z":
        sign = 1 if tz[0] == "+" else -1
        seconds -= sign * (int(tz[1:3]) * 3600 + int(tz[4:6]) * 60)
    return seconds * 1_000_000_000 + int(frac)
