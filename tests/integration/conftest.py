"""pytest wiring: `--runtime PATH` selects the runtime under test; runc is the reference.

Fixtures:
  rt       the runtime under test, with its own --root under the test's tmp dir
  ref      runc, the reference (same binary as rt when --runtime is runc)
  bundle   a factory: bundle() -> a fresh busybox Bundle (mkbundle.sh) in the tmp dir
  console  a factory for ConsoleReceiver (recvtty)
  run_both differential helper (see test_differential.py)
Every test is wrapped by a leak check: after force-deleting what the test made, no state dir, host mount,
cgroup or process of its containers may remain.
"""
import os
import shutil
import subprocess
from pathlib import Path

import pytest

import differential
from console import ConsoleReceiver
from helpers import Bundle, Runtime, new_id
from leaks import find_leaks


def default_runtime():
    return os.environ.get("RUNE_RUNTIME") or shutil.which("runc") or "/usr/sbin/runc"


def pytest_addoption(parser):
    parser.addoption("--runtime", default=None,
                     help="runtime binary under test (default: $RUNE_RUNTIME or runc)")
    parser.addoption("--reference", default=None,
                     help="reference runtime for differential tests (default: runc)")


def pytest_configure(config):
    config.addinivalue_line("markers", "rune_only: needs rune-only features (enclave, attest); skipped under runc")
    config.addinivalue_line("markers", "differential: compares the runtime under test with runc")


def _resolve(path):
    found = shutil.which(path)
    if not found:
        raise pytest.UsageError(f"runtime not found: {path}")
    return os.path.realpath(found)


@pytest.fixture(scope="session")
def runtime_path(pytestconfig):
    return _resolve(pytestconfig.getoption("--runtime") or default_runtime())


@pytest.fixture(scope="session")
def reference_path(pytestconfig):
    return _resolve(pytestconfig.getoption("--reference") or shutil.which("runc") or "/usr/sbin/runc")


@pytest.fixture(scope="session")
def is_reference(runtime_path, reference_path):
    return runtime_path == reference_path


def pytest_collection_modifyitems(config, items):
    chosen = config.getoption("--runtime") or default_runtime()
    name = os.path.basename(shutil.which(chosen) or chosen)
    if name == "rune":
        return
    skip = pytest.mark.skip(reason=f"rune-only feature; runtime under test is {name}")
    for item in items:
        if "rune_only" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def workdir(tmp_path):
    return tmp_path


@pytest.fixture
def runtimes():
    """Every Runtime a test uses: all are cleaned up before any leak check (they share the bundles' dir)."""
    return []


@pytest.fixture
def rt(runtime_path, workdir, runtimes):
    runtime = Runtime(runtime_path, workdir / "root-under-test", workdir / "stdio")
    runtimes.append(runtime)
    yield runtime
    _cleanup_and_check(runtime, workdir, runtimes)


@pytest.fixture
def ref(reference_path, workdir, runtimes):
    runtime = Runtime(reference_path, workdir / "root-reference", workdir / "stdio-ref")
    runtimes.append(runtime)
    yield runtime
    _cleanup_and_check(runtime, workdir, runtimes)


def _cleanup_and_check(runtime, workdir, runtimes):
    stubborn = runtime.cleanup()
    for other in runtimes:
        if other is not runtime:
            other.cleanup()
    leaks = find_leaks(runtime, workdir, runtime.ids)
    if leaks and not stubborn:
        # Kill anything left so one failure does not poison the machine, then report it.
        for pid in leaks.processes:
            subprocess.run(["kill", "-9", str(pid)], capture_output=True)
    assert not stubborn, f"{runtime.name} delete --force could not remove {stubborn}"
    assert not leaks, f"{runtime.name} leaked after delete --force: {leaks}"


@pytest.fixture
def bundle(workdir):
    count = [0]

    def make(rootless=False):
        count[0] += 1
        return Bundle(workdir / f"bundle{count[0]}", rootless=rootless)

    return make


@pytest.fixture
def cid():
    return new_id()


@pytest.fixture
def console():
    made = []

    def make():
        receiver = ConsoleReceiver()
        made.append(receiver)
        return receiver

    yield make
    for receiver in made:
        receiver.close()


@pytest.fixture
def run_both(ref, rt, bundle):
    """run_both(bundle_mutator, argv, normalise=None) -> (reference result, result under test)."""
    def both(mutator, argv, normalise=None):
        return differential.run_both(ref, rt, bundle, mutator, argv, normalise)
    return both


@pytest.fixture
def hostdir(workdir):
    """A host directory for bind mounts and hook output; world-writable so non-root users can write."""
    path = workdir / "host"
    path.mkdir()
    path.chmod(0o777)
    return path
