"""Bad input: a non-zero exit, one error that names the field or path, and nothing left behind.

`words` are substrings runc 1.1's message contains (at least one must appear); `strict` are what rune's
message must contain as well (issue 2: the error names the field or path). runc's wording is the
reference for the exit status and for leaving nothing behind, not for the quality of its text.
"""
import json
import shutil

import pytest

from leaks import assert_nothing_left


def set_path(config, dotted, value):
    node = config
    keys = dotted.split(".")
    for key in keys[:-1]:
        node = node[int(key)] if isinstance(node, list) else node[key]
    node[keys[-1]] = value


def mutate(dotted, value):
    return lambda b: set_path(b.config, dotted, value)


def write_config(text):
    def apply(b):
        b.save = lambda: b  # keep our broken file: Bundle.save would rewrite it
        (b.path / "config.json").write_text(text)
    return apply


def remove_config(b):
    b.save = lambda: b
    (b.path / "config.json").unlink()


def remove_rootfs(b):
    shutil.rmtree(b.rootfs)


def add_bind(source):
    return lambda b: b.bind(source, "/mnt/bind")


def add_namespace(kind):
    return lambda b: b.config["linux"]["namespaces"].append({"type": kind})


def add_rlimit(kind):
    return lambda b: b.process["rlimits"].append({"type": kind, "soft": 1, "hard": 1})


CASES = [
    # id, mutation, words (runc), strict (rune)
    ("malformed-json", write_config('{"ociVersion": "1.0.2", "process": {'), ["unexpected EOF"], ["config.json"]),
    ("not-an-object", write_config('["just", "a", "list"]'), ["cannot unmarshal"], ["config.json"]),
    ("missing-config", remove_config, ["config.json"], ["config.json"]),
    ("args-is-string", mutate("process.args", "sh"), ["process.args"], ["process.args"]),
    ("uid-is-string", mutate("process.user.uid", "zero"), ["process.user.uid"], ["process.user.uid"]),
    ("oci-version-number", mutate("ociVersion", 5), ["ociVersion"], ["ociVersion"]),
    ("empty-args", mutate("process.args", []), ["args"], ["args"]),
    ("relative-cwd", mutate("process.cwd", "relative/dir"), ["Cwd"], ["cwd"]),
    ("missing-rootfs", remove_rootfs, ["rootfs"], ["rootfs"]),
    ("missing-bind-source", add_bind("/no/such/bind-source"), ["/no/such/bind-source"], ["/no/such/bind-source"]),
    ("unknown-namespace", add_namespace("bogusns"), ["bogusns"], ["bogusns"]),
    ("unknown-rlimit", add_rlimit("RLIMIT_BOGUS"), ["RLIMIT_BOGUS"], ["RLIMIT_BOGUS"]),
    ("missing-program", mutate("process.args", ["/no/such/program"]), ["/no/such/program"], ["/no/such/program"]),
    ("program-not-in-path", mutate("process.args", ["nosuchprogram"]), ["nosuchprogram"], ["nosuchprogram"]),
    ("failing-prestart-hook", mutate("hooks", {"prestart": [{"path": "/bin/sh", "args": ["sh", "-c", "exit 7"]}]}),
     ["hook"], ["prestart", "7"]),
]


def assert_names(rt, res, words, strict):
    err = res.err
    if rt.is_runc:
        assert any(w in err for w in words), f"error does not name the problem ({words}):\n{res}"
    else:
        missing = [w for w in strict if w.lower() not in err.lower()]
        assert not missing, f"error should name {missing}:\n{res}"
    errors = [line for line in err.splitlines() if "error" in line.lower()]
    assert len(errors) == 1, f"expected one error, got:\n{err}"


@pytest.mark.parametrize("name,apply,words,strict", CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("verb", ["create", "run"])
def test_bad_config_fails_cleanly(rt, bundle, cid, workdir, name, apply, words, strict, verb):
    b = bundle().args("true")
    apply(b)
    res = rt.create(cid, b) if verb == "create" else rt.run(cid, b)
    assert res.rc != 0, str(res)
    assert_names(rt, res, words, strict)
    assert rt.cmd("state", cid).rc != 0
    assert cid not in rt.list_ids()
    assert_nothing_left(rt, workdir, cid)


def test_unknown_capability(rt, bundle, cid, workdir):
    b = bundle().args("true")
    b.process["capabilities"]["bounding"].append("CAP_BOGUS")
    res = rt.create(cid, b)
    if rt.is_runc:
        # runc 1.1 only warns and drops it; issue 2 makes it an error for rune.
        assert res.rc == 0 and "CAP_BOGUS" in res.err, str(res)
        return
    assert res.rc != 0, str(res)
    assert "CAP_BOGUS" in res.err, str(res)
    assert_nothing_left(rt, workdir, cid)


def test_missing_bundle_dir(rt, cid, workdir):
    res = rt.cmd("create", "--bundle", workdir / "no-such-bundle", cid)
    assert res.rc != 0
    assert "no-such-bundle" in res.err, str(res)
    assert_nothing_left(rt, workdir, cid)


@pytest.mark.parametrize("bad_id", ["../escape", "a/b", "..", ""])
def test_invalid_container_id(rt, bundle, workdir, bad_id):
    b = bundle().args("true").save()
    res = rt.cmd("create", "--bundle", b.path, bad_id)
    assert res.rc != 0
    assert not (workdir / "escape").exists()
    assert rt.list_ids() == []


def test_duplicate_id_leaves_original_untouched(rt, bundle, cid, workdir):
    assert rt.create(cid, bundle().args("sleep", "1000")).rc == 0
    before = json.loads(rt.cmd("state", cid).out)
    res = rt.create(cid, bundle().args("true"))
    assert res.rc != 0
    assert "exists" in res.err, str(res)
    assert json.loads(rt.cmd("state", cid).out) == before


def test_exec_into_stopped_container(rt, bundle, cid):
    assert rt.create(cid, bundle().args("true")).rc == 0
    rt.start_and_wait(cid)
    res = rt.cmd("exec", cid, "true")
    assert res.rc != 0
    assert "stopped" in res.err or "not running" in res.err, str(res)


def test_start_unknown_id(rt, workdir):
    res = rt.cmd("start", "no-such-container")
    assert res.rc != 0
    assert "does not exist" in res.err or "no-such-container" in res.err, str(res)
    if not rt.is_runc:
        assert "no-such-container" in res.err, str(res)
    assert not (rt.root / "no-such-container").exists()


def test_start_of_running_container_fails(rt, bundle, cid):
    assert rt.run_detached(cid, bundle().args("sleep", "1000")).rc == 0
    res = rt.cmd("start", cid)
    assert res.rc != 0
    assert rt.status(cid) == "running"
