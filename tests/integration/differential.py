"""run_both: the same bundle under the reference runtime (runc) and the runtime under test.

Outputs are normalised (container ids, bundle paths, mount ids, device numbers, dates) and must then be
equal, byte for byte, along with the exit codes. With --runtime runc both sides are runc, which keeps the
normalisers honest: anything nondeterministic they miss shows up as a failure there too.
"""
import re

from helpers import new_id


def normalise_common(text, cid, bundle_path):
    return text.replace(str(bundle_path), "<BUNDLE>").replace(cid, "<ID>")


def normalise_mountinfo(text):
    """Drop mount ids, parent ids and st_dev (they differ per boot and per run); keep the rest in order."""
    lines = []
    for line in text.splitlines():
        fields = line.split()
        if len(fields) > 6:
            lines.append(" ".join(fields[3:]))
    return "\n".join(lines) + "\n"


def normalise_ls(text):
    """`ls -l` without dates, link counts (/proc's follows the host's process count) and total lines."""
    lines = []
    for line in text.splitlines():
        if line.startswith("total"):
            continue
        line = re.sub(r"^([-a-z][-rwxsStT]{9}\S*)\s+\d+\s", r"\1 <N> ", line)
        lines.append(re.sub(r"\s+[A-Z][a-z]{2}\s+\d+\s+(\d\d:\d\d|\d{4})\s+", " <DATE> ", line))
    return "\n".join(lines) + "\n"


def run_both(ref, rt, make_bundle, mutator, argv, normalise=None):
    """Run `argv` in a fresh bundle changed by `mutator` under both runtimes; return the two results."""
    results = []
    for runtime in (ref, rt):
        b = make_bundle()
        if mutator:
            mutator(b)
        b.args(*argv)
        cid = new_id("diff")
        res = runtime.run(cid, b)
        for attr in ("out", "err"):
            text = normalise_common(getattr(res, attr), cid, b.path)
            if normalise and attr == "out":
                text = normalise(text)
            setattr(res, attr, text)
        results.append(res)
    return results[0], results[1]
