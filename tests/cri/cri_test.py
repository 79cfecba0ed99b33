#!/usr/bin/env python3
"""Drives containerd's CRI plugin as a kubelet would, per runtime handler, and checks what the node
shows. Started by tests/cri/run.sh, which owns containerd, the images and the cleanup.

Scenarios: `plain` (a pod with two long-running containers and one that crashes) for each handler;
`enclave` (a Wasm workload signed by the shim's carrier, beside an ordinary sidecar) and `annotated` (a pod
whose annotations carry enclave settings: its sandbox must stay an ordinary container), `signed` (images
signed off-line: intact runs, tampered is refused) and `enclave-exec`
(ExecSync into the enclave) for rune; `timing` (the same one-container pods under runc, rune and as an
enclave, interleaved, for the RunPodSandbox -> first output figures).
"""
import argparse
import sys

import grpc
from cri_api.v1 import api_pb2 as api

from cri_client import Cri, read_log, wait_log
from steps import (Env, Pod, check_state, container_stats, exec_sync, first_output, force_remove, one_shim_per_pod, remove_pod,
                   run_pod, start_container, stop_and_remove)
from timing import timing

LONG_RUNNING = "echo %s; trap 'exit 0' TERM; while :; do sleep 1; done"


def plain(env, handler):
    """A pod of ordinary containers: output, exec, two containers on one shim, a crash, full removal."""
    pod = Pod(env, handler + "-plain", handler)
    ok, t0 = run_pod(env, pod)
    if not ok:
        return
    try:
        image = env.args.busybox_image
        if start_container(env, pod, "main", image, ["/bin/sh", "-c", LONG_RUNNING % "first-output"]):
            first_output(env, pod, "main", "first-output", t0, "%s ordinary container: RunPodSandbox -> first output" % handler)
            check_state(env, pod, "main", "CONTAINER_RUNNING")
            exec_sync(env, pod, "main")
            container_stats(env, pod, "main")
        if start_container(env, pod, "second", image, ["/bin/sh", "-c", LONG_RUNNING % "second-output"]):
            first_output(env, pod, "second", "second-output", t0, "%s second container: RunPodSandbox -> first output" % handler)
            one_shim_per_pod(env, pod)
        if start_container(env, pod, "crash", image, ["/bin/sh", "-c", "echo crashing; exit 42"]):
            check_state(env, pod, "crash", "CONTAINER_EXITED", exit_code=42)
            first_output(env, pod, "crash", "crashing", t0, "%s crashing container: RunPodSandbox -> first output" % handler)
        check_state(env, pod, "main", "CONTAINER_RUNNING")
        stop_and_remove(env, pod, ["main", "second", "crash"])
        remove_pod(env, pod)
    finally:
        force_remove(env, pod)


def sandbox_is_not_an_enclave(env, pod):
    """The pod's enclave.* annotations reach the sandbox spec, yet its process is an ordinary one."""
    r = env.report
    info = pod.sandbox_info()
    annotations = info.get("runtimeSpec", {}).get("annotations", {})
    r.equal("%s: containerd put the pod's enclave.type into the sandbox spec" % pod.name, "sim", annotations.get("enclave.type"))
    r.equal("%s: the sandbox spec is marked container-type=sandbox" % pod.name, "sandbox",
            annotations.get("io.kubernetes.cri.container-type"))
    pid = info.get("pid", 0)
    comm, exe = env.node.pid_comm_and_exe(pid) if pid else ("", "")
    r.check("%s: the sandbox (pause) process is not an enclave runelet" % pod.name,
            pid and comm != "init-runelet" and "rune" not in exe,
            "sandbox pid %r comm %r exe %r" % (pid, comm, exe))


def carrier_refusal(env, pod):
    """A bad carrier name fails the shim's Create, which CRI runs at StartContainer (CreateContainer only
    records metadata): StartContainer fails with the shim's one message, the container reports it, and
    the pod stays ready."""
    r = env.report
    config = Cri.container_config("bogus", env.args.wasm_image, ["/app/app.wasm"], {"RUNE_CARRIER": "bogus"})
    ok, cid = r.step("%s/bogus: CreateContainer" % pod.name, env.cri.create_container, pod.id, config, pod.config)
    if not ok:
        return
    try:
        env.cri.start_container(cid)
        r.fail("%s/bogus: StartContainer with RUNE_CARRIER=bogus is refused" % pod.name, "it was accepted")
    except grpc.RpcError as e:
        r.check("%s/bogus: StartContainer with RUNE_CARRIER=bogus is refused, naming the variable" % pod.name,
                "unknown RUNE_CARRIER=bogus" in e.details(), e.details())
    status = env.cri.container_status(cid)
    r.check("%s/bogus: ContainerStatus carries the carrier's message" % pod.name,
            api.ContainerState.Name(status.state) == "CONTAINER_EXITED" and "RUNE_CARRIER=bogus" in status.message,
            "state %s reason %r message %r" % (api.ContainerState.Name(status.state), status.reason, status.message))
    r.step("%s/bogus: RemoveContainer" % pod.name, env.cri.remove_container, cid)
    r.equal("%s: PodSandboxStatus is still READY" % pod.name, "SANDBOX_READY", api.PodSandboxState.Name(env.cri.pod_status(pod.id).state))


def sandbox_annotations(env, handler="rune"):
    """A pod whose annotations ask for an enclave (containerd copies them into the sandbox spec too):
    the sandbox must start as an ordinary container."""
    annotations = {"enclave.type": "sim", "enclave.runtime.path": env.args.pal, "enclave.runtime.args": "module=/app/app.wasm"}
    pod = Pod(env, handler + "-annotated", handler, annotations)
    ok, _ = run_pod(env, pod)
    if not ok:
        return
    try:
        sandbox_is_not_an_enclave(env, pod)
        remove_pod(env, pod)
    finally:
        force_remove(env, pod)


def enclave(env, handler="rune"):
    """A pod with a Wasm workload that the shim's carrier signs at CreateContainer and rune runs as an enclave."""
    pod = Pod(env, handler + "-enclave", handler)
    ok, t0 = run_pod(env, pod)
    if not ok:
        return
    try:
        carrier_env = {"RUNE_CARRIER": "wasm", "RUNE_CARRIER_MODULE": "/app/app.wasm"}
        if start_container(env, pod, "wasm", env.args.wasm_image, ["/app/app.wasm"], carrier_env):
            first_output(env, pod, "wasm", "hello from the enclave", t0,
                         "%s enclave container (carrier-signed Wasm): RunPodSandbox -> first output" % handler)
            check_state(env, pod, "wasm", "CONTAINER_RUNNING")
            enclave_facts(env, pod)
            container_stats(env, pod, "wasm")
        if start_container(env, pod, "sidecar", env.args.busybox_image, ["/bin/sh", "-c", LONG_RUNNING % "sidecar-output"]):
            first_output(env, pod, "sidecar", "sidecar-output", t0, "%s ordinary sidecar of the enclave: RunPodSandbox -> first output" % handler)
            exec_sync(env, pod, "sidecar")
            one_shim_per_pod(env, pod)
        carrier_refusal(env, pod)
        stop_and_remove(env, pod, ["wasm", "sidecar"])
        remove_pod(env, pod)
    finally:
        force_remove(env, pod)


def signed_offline(env, handler="rune"):
    """Images that ship their own signature (signed off-line): the intact module runs as an enclave; a
    tampered module with the original's signature fails at StartContainer, and the pod stays usable."""
    r = env.report
    pod = Pod(env, handler + "-signed", handler)
    ok, _ = run_pod(env, pod)
    if not ok:
        return
    try:
        carrier_env = {"RUNE_CARRIER": "wasm", "RUNE_CARRIER_MODULE": "/app/app.wasm"}
        if start_container(env, pod, "offline", "localhost/rune-cri/wasm-signed:1", ["/app/app.wasm"], carrier_env):
            r.check("%s/offline: the module signed off-line prints from the enclave" % pod.name,
                    wait_log(pod.log("offline"), "hello from the enclave") is not None, pod.log("offline"))
        config = Cri.container_config("tampered", "localhost/rune-cri/wasm-tampered:1", ["/app/app.wasm"], carrier_env)
        ok, cid = r.step("%s/tampered: CreateContainer" % pod.name, env.cri.create_container, pod.id, config, pod.config)
        if ok:
            pod.containers["tampered"] = cid
            try:
                env.cri.start_container(cid)
                r.fail("%s/tampered: StartContainer refuses a tampered module" % pod.name, "it started")
            except grpc.RpcError as e:
                # The PAL refuses at pal_init; rune reports its error code (EACCES: the signature does not match).
                r.check("%s/tampered: StartContainer refuses a tampered module at enclave init" % pod.name,
                        "pal_init failed" in e.details() and "EACCES" in e.details(), e.details())
                lines = [text for _, _, text in read_log(pod.log("tampered"))]
                r.check("%s/tampered: its log (kubectl logs) names the measurement mismatch" % pod.name,
                        any("measurement mismatch" in t for t in lines), lines)
            r.check("%s/tampered: the tampered module never printed" % pod.name,
                    wait_log(pod.log("tampered"), "HELLO", tries=1) is None, pod.log("tampered"))
        one_shim_per_pod(env, pod)
        stop_and_remove(env, pod, ["offline", "tampered"])
        remove_pod(env, pod)
    finally:
        force_remove(env, pod)


def enclave_exec(env, handler="rune"):
    """ExecSync into an enclave container (kubectl exec, exec probes): rune runs a second process of the
    module inside the enclave; it prints a line and exits 3. Then the pod must still stop and go away."""
    r = env.report
    pod = Pod(env, handler + "-enclave-exec", handler)
    ok, _ = run_pod(env, pod)
    if not ok:
        return
    try:
        carrier_env = {"RUNE_CARRIER": "wasm", "RUNE_CARRIER_MODULE": "/app/app.wasm"}
        cid = start_container(env, pod, "wasm", env.args.wasm_image, ["/app/app.wasm"], carrier_env)
        if cid and wait_log(pod.log("wasm"), "hello from the enclave"):
            ok, reply = r.step("%s/wasm: ExecSync into the enclave" % pod.name, env.cri.exec_sync, cid, ["/app/app.wasm", "probe"])
            if ok:
                r.equal("%s/wasm: ExecSync stdout from the enclave" % pod.name, b"exec in the enclave\n", reply.stdout)
                r.equal("%s/wasm: ExecSync exit code from the enclave" % pod.name, 3, reply.exit_code)
            check_state(env, pod, "wasm", "CONTAINER_RUNNING")
        stop_and_remove(env, pod, ["wasm"])
        remove_pod(env, pod)
    finally:
        force_remove(env, pod)


def enclave_facts(env, pod):
    r = env.report
    spec = pod.bundle_config(pod.containers["wasm"])
    args = spec.get("annotations", {}).get("enclave.runtime.args", "")
    r.check("%s/wasm: the carrier signed the module (enclave.runtime.args names the signature)" % pod.name,
            "sig=/app/app.wasm.sig" in args, "enclave.runtime.args = %r" % args)
    env_list = spec.get("process", {}).get("env", [])
    r.check("%s/wasm: RUNE_CARRIER* are not in the workload env" % pod.name,
            not any(e.startswith("RUNE_CARRIER") for e in env_list), env_list)
    pid = pod.container_pid("wasm")
    comm, _ = env.node.pid_comm_and_exe(pid) if pid else ("", "")
    r.equal("%s/wasm: the container process is an init-runelet hosting the enclave" % pod.name, "init-runelet", comm)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--socket", required=True, help="containerd's gRPC socket")
    p.add_argument("--tmp", required=True, help="the test's directory (containerd root/state live under it)")
    p.add_argument("--runtime-root", action="append", default=[], help="HANDLER=DIR: the OCI runtime's --root")
    p.add_argument("--cgroup-base", required=True, help="cgroup parent under which each pod gets its own")
    p.add_argument("--busybox-image", required=True)
    p.add_argument("--wasm-image", default="")
    p.add_argument("--pal", default="", help="libpal-wasm.so, named by the enclave pod's annotations")
    p.add_argument("--scenario", action="append", required=True, help="KIND:HANDLER, KIND one of plain, enclave, signed, enclave-exec, annotated, timing")
    p.add_argument("--results", required=True, help="file for 'PASSED FAILED' and timing lines")
    args = p.parse_args()
    env = Env(args)
    r = env.report
    ok, version = r.step("Version", env.cri.version)
    if ok:
        print("# CRI runtime %s %s, API %s" % (version.runtime_name, version.runtime_version, version.runtime_api_version))
    tags = env.cri.image_tags()
    for image in filter(None, (args.busybox_image, args.wasm_image)):
        r.check("image %s is known to CRI" % image, image in tags, sorted(tags))
    for scenario in args.scenario:
        kind, handler = scenario.split(":", 1)
        print("# scenario %s, handler %s" % (kind, handler), flush=True)
        scenarios = {"plain": plain, "enclave": enclave, "enclave-exec": enclave_exec, "signed": signed_offline, "annotated": sandbox_annotations,
                     "timing": timing}
        scenarios[kind](env, handler)
    env.cri.close()
    r.write(args.results)
    return 0 if r.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
