"""Enclave containers for the integration suite: the C skeleton PAL (pal/skeleton) built once per session
in its v1/v2/v3 flavours, and bundles that load it.

The skeleton runs payloads as child processes of the init-runelet (no TEE is faked beyond that) and appends
one line per PAL call to its trace file. pal_init runs inside the container after pivot_root and the default
rootfs is read-only, so the trace goes to a host directory bind-mounted at /trace.
"""
import re
import subprocess
from pathlib import Path

from helpers import COMMAND_TIMEOUT, REPO, wait_for

VERSIONS = [1, 2, 3]
TRACE_DIR = "/trace"


def build_skeleton(out: Path):
    """liberpal-skeleton-v{1,2,3}.so in `out` (make -f pal/skeleton/skeleton.mk)."""
    subprocess.run(["make", "-s", "-f", str(REPO / "pal" / "skeleton" / "skeleton.mk"), f"OUT={out}"],
                   cwd=REPO, check=True, capture_output=True, timeout=COMMAND_TIMEOUT * 2)
    return {v: out / f"liberpal-skeleton-v{v}.so" for v in VERSIONS}


def build_pal_from_source(out: Path, name: str, source: str):
    """A tiny hand-written PAL (bad versions, missing symbols) compiled with cc."""
    c_file = out / f"{name}.c"
    c_file.write_text(source)
    library = out / f"{name}.so"
    subprocess.run(["cc", "-shared", "-fPIC", "-o", str(library), str(c_file)], check=True, capture_output=True,
                   timeout=COMMAND_TIMEOUT)
    return library


class Trace:
    """The skeleton's call trace: one `function details` line per PAL call."""

    def __init__(self, hostdir: Path):
        self.path = Path(hostdir) / "calls"

    def lines(self):
        return self.path.read_text().splitlines() if self.path.exists() else []

    def calls(self, function=None):
        names = [line.split(" ", 1)[0] for line in self.lines()]
        return names if function is None else [n for n in names if n == function]

    def count(self, function):
        return len(self.calls(function))

    def matching(self, pattern):
        return [line for line in self.lines() if re.search(pattern, line)]

    def killed_signals(self):
        """Signals passed to pal_kill, in order."""
        return [int(m.group(1)) for line in self.lines() if (m := re.match(r"pal_kill pid=-?\d+ sig=(\d+)", line))]

    def wait_for(self, function, count=1):
        wait_for(lambda: self.count(function) >= count, f"{count} x {function} in the trace:\n{self.lines()}")


def make_enclave(b, pal_path, hostdir, extra_args="", via="annotation", enclave_type="sim", loglevel=None):
    """Turns a Bundle into an enclave bundle loading `pal_path`, tracing into hostdir/calls."""
    args = f"trace={TRACE_DIR}/calls"
    if extra_args:
        args += f" {extra_args}"
    settings = {"enclave.type": enclave_type, "enclave.runtime.path": str(pal_path), "enclave.runtime.args": args}
    if loglevel is not None:
        settings["enclave.runtime.loglevel"] = loglevel
    if via == "annotation":
        b.config.setdefault("annotations", {}).update(settings)
    else:
        env = b.process.setdefault("env", [])
        for key, value in settings.items():
            env.append(f"{ENV_NAMES[key]}={value}")
    b.bind(hostdir, TRACE_DIR)
    return b


ENV_NAMES = {
    "enclave.type": "ENCLAVE_TYPE",
    "enclave.runtime.path": "ENCLAVE_RUNTIME_PATH",
    "enclave.runtime.args": "ENCLAVE_RUNTIME_ARGS",
    "enclave.runtime.loglevel": "ENCLAVE_RUNTIME_LOGLEVEL",
}


AGENT_KINDS = {"exec": 1, "started": 2, "signal": 3, "exited": 4, "kill": 5, "ok": 6, "attest": 7, "evidence": 8,
               "error": 9, "stop": 10}


def agent_exchange(state_dir: Path, raw: bytes):
    """Sends raw bytes on a fresh connection to <state dir>/agent.sock; returns (kind, fields) of the reply, or None."""
    import json
    import os
    import socket
    import struct
    dir_fd = os.open(state_dir, os.O_RDONLY | os.O_DIRECTORY)
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(COMMAND_TIMEOUT)  # hang guard
            sock.connect(f"/proc/self/fd/{dir_fd}/agent.sock")
            sock.sendall(raw)
            header = sock.recv(5, socket.MSG_WAITALL)
            if len(header) < 5:
                return None
            length, kind = struct.unpack("<IB", header)
            body = sock.recv(length - 1, socket.MSG_WAITALL)
            return kind, json.loads(body)
    finally:
        os.close(dir_fd)


def agent_frame(kind, fields):
    import json
    import struct
    body = json.dumps(fields).encode()
    return struct.pack("<IB", len(body) + 1, kind) + body
