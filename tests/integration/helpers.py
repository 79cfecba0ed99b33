"""Shared helpers for the differential integration suite.

Everything here drives real runtime binaries (runc, rune, ...) on real busybox bundles.
Nothing is mocked: a check passes only if the runtime really did the thing.
"""
import json
import os
import select
import shutil
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
MKBUNDLE = REPO / "scripts" / "mkbundle.sh"
# Generous guard against hangs only; no assertion ever depends on how long something took.
COMMAND_TIMEOUT = 60
WAIT_LIMIT = 30


@dataclass
class Result:
    rc: int
    out: str
    err: str

    @property
    def text(self):
        return self.out + self.err

    def __str__(self):
        return f"rc={self.rc}\n--- stdout\n{self.out}\n--- stderr\n{self.err}"


def new_id(prefix="it"):
    """Container ids unique per call, recognisable in process and cgroup listings."""
    return f"{prefix}-{os.getpid()}-{uuid.uuid4().hex[:10]}"


class Bundle:
    """An OCI bundle from scripts/mkbundle.sh; `config` is the parsed config.json."""

    def __init__(self, path: Path, rootless=False):
        self.path = Path(path)
        args = [str(MKBUNDLE), str(self.path)] + (["--rootless"] if rootless else [])
        subprocess.run(args, check=True, capture_output=True, timeout=COMMAND_TIMEOUT)
        self.config = json.loads((self.path / "config.json").read_text())

    @property
    def rootfs(self) -> Path:
        return self.path / "rootfs"

    @property
    def process(self):
        return self.config["process"]

    def args(self, *argv):
        self.config["process"]["args"] = list(argv)
        return self

    def sh(self, script):
        return self.args("sh", "-c", script)

    def add_mount(self, destination, type_, source, options=None):
        mount = {"destination": destination, "type": type_, "source": str(source)}
        if options is not None:
            mount["options"] = options
        self.config.setdefault("mounts", []).append(mount)
        return self

    def bind(self, host_dir, destination, *extra):
        return self.add_mount(destination, "bind", host_dir, ["rbind", *extra])

    def save(self):
        (self.path / "config.json").write_text(json.dumps(self.config, indent=2))
        return self


class Runtime:
    """One runtime binary with its own --root state directory."""

    def __init__(self, binary, root: Path, logdir: Path):
        self.binary = str(binary)
        self.root = Path(root)
        self.logdir = Path(logdir)
        self.logdir.mkdir(parents=True, exist_ok=True)
        self.ids = set()

    @property
    def name(self):
        return os.path.basename(self.binary)

    @property
    def is_runc(self):
        return self.name == "runc"

    def argv(self, *args):
        return [self.binary, "--root", str(self.root), *map(str, args)]

    def cmd(self, *args, stdin=subprocess.DEVNULL, input=None, timeout=COMMAND_TIMEOUT, cwd=None):
        """Run a runtime command whose stdio does not outlive it (state, kill, delete, ...)."""
        if input is not None:
            stdin = None
        proc = subprocess.run(self.argv(*args), stdin=stdin, input=input, capture_output=True,
                              text=True, timeout=timeout, cwd=cwd)
        return Result(proc.returncode, proc.stdout, proc.stderr)

    def cmd_detached(self, *args):
        """A command that leaves processes holding its stdio (exec --detach): stdio to files, not pipes."""
        out = self.logdir / f"cmd-{uuid.uuid4().hex[:8]}.out"
        err = out.with_suffix(".err")
        with open(out, "wb") as o, open(err, "wb") as e:
            proc = subprocess.run(self.argv(*args), stdin=subprocess.DEVNULL, stdout=o, stderr=e, timeout=COMMAND_TIMEOUT)
        return Result(proc.returncode, "", err.read_text(errors="replace"))

    def run(self, cid, bundle, *flags, input=None):
        """Foreground `run`: the container's stdio is ours, its exit code is the command's."""
        self.ids.add(cid)
        bundle.save()
        return self.cmd("run", "--bundle", bundle.path, *flags, cid, input=input)

    def foreground(self, cid, bundle, *flags):
        """`run` in the foreground as a Popen, for tests that signal it; use as a context manager."""
        return Foreground(self, cid, bundle, flags)

    def detached(self, verb, cid, bundle, *flags):
        """`create` or `run --detach`: the container keeps its stdio, so it goes to files, not pipes."""
        self.ids.add(cid)
        bundle.save()
        out, err = self.stdio_paths(cid)
        with open(out, "ab") as o, open(err, "ab") as e:
            before = err.stat().st_size
            proc = subprocess.run(self.argv(verb, "--bundle", bundle.path, *flags, cid),
                                  stdin=subprocess.DEVNULL, stdout=o, stderr=e, timeout=COMMAND_TIMEOUT)
        return Result(proc.returncode, "", err.read_bytes()[before:].decode(errors="replace"))

    def create(self, cid, bundle, *flags):
        return self.detached("create", cid, bundle, *flags)

    def run_detached(self, cid, bundle, *flags):
        return self.detached("run", cid, bundle, "--detach", *flags)

    def stdio_paths(self, cid):
        return self.logdir / f"{cid}.out", self.logdir / f"{cid}.err"

    def output(self, cid):
        """What a created/detached container wrote so far (stdout, stderr)."""
        out, err = self.stdio_paths(cid)
        return out.read_text(errors="replace"), err.read_text(errors="replace")

    def state(self, cid):
        res = self.cmd("state", cid)
        assert res.rc == 0, f"state {cid} failed: {res}"
        return json.loads(res.out)

    def status(self, cid):
        res = self.cmd("state", cid)
        return json.loads(res.out)["status"] if res.rc == 0 else None

    def wait_status(self, cid, wanted):
        """Poll `state` until the container reaches `wanted` (hang guard only, not a timing check)."""
        deadline = time.monotonic() + WAIT_LIMIT
        while time.monotonic() < deadline:
            status = self.status(cid)
            if status == wanted:
                return
            time.sleep(0.01)
        raise AssertionError(f"container {cid} never reached {wanted!r} (last: {self.status(cid)!r})")

    def start_and_wait(self, cid):
        res = self.cmd("start", cid)
        assert res.rc == 0, f"start failed: {res}"
        self.wait_status(cid, "stopped")
        return self.output(cid)

    def list_ids(self):
        res = self.cmd("list", "--quiet")
        return [line for line in res.out.split() if line]

    def cleanup(self):
        """Force-delete every container this test made; returns ids that refused to go."""
        stubborn = []
        for cid in sorted(self.ids):
            if (self.root / cid).exists():
                self.cmd("delete", "--force", cid)
            if (self.root / cid).exists():
                stubborn.append(cid)
        return stubborn


class Foreground:
    """A foreground `run` whose stdout can be read line by line with a hang guard.

    On exit the container is force-deleted before the runtime is reaped: a container that still holds the
    stdout pipe would otherwise block the final read forever."""

    def __init__(self, runtime, cid, bundle, flags):
        runtime.ids.add(cid)
        bundle.save()
        self.runtime, self.cid = runtime, cid
        self.proc = subprocess.Popen(runtime.argv("run", *flags, "--bundle", bundle.path, cid), stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def __enter__(self):
        return self

    def readline(self):
        ready, _, _ = select.select([self.proc.stdout], [], [], WAIT_LIMIT)
        if not ready:
            raise AssertionError(f"no output from the container within {WAIT_LIMIT}s (hang guard)")
        return self.proc.stdout.readline()

    def wait(self):
        """Exit code and remaining stdout (hang guard only)."""
        try:
            out, _ = self.proc.communicate(timeout=COMMAND_TIMEOUT)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"{self.runtime.name} run did not exit (hang guard)")
        return self.proc.returncode, out

    def __exit__(self, *exc):
        if self.proc.poll() is None:
            self.runtime.cmd("delete", "--force", self.cid)
            self.proc.kill()
        for stream in (self.proc.stdout, self.proc.stderr):
            stream.close()
        self.proc.wait(timeout=COMMAND_TIMEOUT)
        return False


def wait_for(predicate, what):
    deadline = time.monotonic() + WAIT_LIMIT
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.01)
    raise AssertionError(f"gave up waiting for {what}")


def pid_alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ", 1)[1][0] != "Z"
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False


def status_field(text, key):
    """A `Key:\tvalue` line of /proc/<pid>/status as printed by `cat /proc/self/status`."""
    for line in text.splitlines():
        if line.startswith(key + ":"):
            return line.split(":", 1)[1].strip()
    raise AssertionError(f"{key} not found in:\n{text}")


def mountinfo_points(text):
    """(mount point, fs type) pairs from mountinfo text, in order."""
    pairs = []
    for line in text.splitlines():
        left, _, right = line.partition(" - ")
        fields = left.split()
        if len(fields) >= 5 and right:
            pairs.append((fields[4], right.split()[0]))
    return pairs


def mount_options(text, point):
    """Per-mount and super-block options for one mount point, as one set."""
    for line in reversed(text.splitlines()):
        left, _, right = line.partition(" - ")
        fields = left.split()
        if len(fields) >= 6 and fields[4] == point:
            return set(fields[5].split(",")) | set(right.split()[2].split(","))
    raise AssertionError(f"{point} not mounted:\n{text}")


def rmtree(path):
    shutil.rmtree(path, ignore_errors=True)
