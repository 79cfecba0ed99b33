"""The figure issue 7 asks for: RunPodSandbox -> the workload's first output, for the same one-container
pod under runc, under rune, and with a carrier-signed Wasm enclave workload under rune. The variants run
interleaved, ROUNDS times each, after the other scenarios have warmed containerd's caches; every run is
printed, and the median of each variant goes into the summary. Figures only: nothing is asserted on them."""
import statistics
import time

from cri_client import Cri, rfc3339_to_ns, wait_log
from steps import Pod, force_remove

ROUNDS = 5
ECHO = ["/bin/sh", "-c", "echo first-output; trap 'exit 0' TERM; while :; do sleep 1; done"]
CARRIER_ENV = {"RUNE_CARRIER": "wasm", "RUNE_CARRIER_MODULE": "/app/app.wasm"}


def variants(env, handlers):
    """(label, handler, image, command, env, first line) for each handler; rune also as an enclave.
    The enclave image carries busybox too, so runc and plain rune run the same image as the enclave."""
    image = env.args.wasm_image or env.args.busybox_image
    out = [("%s, busybox sh" % h, h, image, ECHO, {}, "first-output") for h in handlers]
    if "rune" in handlers and env.args.wasm_image:
        out.append(("rune, carrier-signed Wasm enclave", "rune", env.args.wasm_image, ["/app/app.wasm"], CARRIER_ENV,
                    "hello from the enclave"))
    return out


def timed_run(env, name, handler, image, command, env_vars, needle):
    """One pod with one container; returns seconds from RunPodSandbox to the first output line, or raises."""
    pod = Pod(env, name, handler)
    try:
        t0 = time.time_ns()
        pod.id = env.cri.run_pod(pod.config, handler)
        env.remember(pod.id)
        cid = env.cri.create_container(pod.id, Cri.container_config("app", image, command, env_vars), pod.config)
        pod.containers["app"] = cid
        env.cri.start_container(cid)
        line = wait_log(pod.log("app"), needle)
        if line is None:
            raise RuntimeError("no %r in %s" % (needle, pod.log("app")))
        env.cri.stop_container(cid)
        env.cri.remove_container(cid)
        env.cri.stop_pod(pod.id)
        env.cri.remove_pod(pod.id)
        pod.removed = True
        return (rfc3339_to_ns(line[0]) - t0) / 1e9
    finally:
        force_remove(env, pod)


def timing(env, handlers):
    r = env.report
    runs = variants(env, handlers.split(","))
    seconds = {label: [] for label, *_ in runs}
    for round_no in range(ROUNDS):
        for i, (label, handler, image, command, env_vars, needle) in enumerate(runs):
            name = "timing-%d-%d" % (i, round_no)
            try:
                seconds[label].append(timed_run(env, name, handler, image, command, env_vars, needle))
            except Exception as e:
                r.fail("timing: %s run %d" % (label, round_no + 1), getattr(e, "details", lambda: str(e))())
    for label, values in seconds.items():
        if r.check("timing: %s: %d of %d pods ran and were removed" % (label, len(values), ROUNDS), len(values) == ROUNDS):
            print("# timing runs, %s: %s" % (label, " ".join("%.3f" % v for v in values)))
            r.timing("%s: RunPodSandbox -> first output, median of %d" % (label, ROUNDS), statistics.median(values), summary=True)
