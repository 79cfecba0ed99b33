"""ok/FAIL lines in the style of the other test tiers, and a results file run.sh adds up."""
import sys
import traceback

import grpc


class Report:
    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.timings = []

    def ok(self, name):
        self.passed += 1
        print("ok   - " + name, flush=True)

    def fail(self, name, detail=""):
        self.failed += 1
        print("FAIL - %s%s" % (name, ": " + " ".join(str(detail).split())[:600] if detail else ""), flush=True)

    def check(self, name, condition, detail=""):
        if condition:
            self.ok(name)
        else:
            self.fail(name, detail)
        return bool(condition)

    def equal(self, name, want, got):
        return self.check(name, want == got, "want %r got %r" % (want, got))

    def step(self, name, fn, *args, **kwargs):
        """Runs one CRI call; a pass when it returns, a failure naming the gRPC error otherwise.
        Returns (True, result) or (False, None)."""
        try:
            result = fn(*args, **kwargs)
        except grpc.RpcError as e:
            self.fail(name, "%s: %s" % (e.code().name, e.details()))
            return False, None
        except Exception as e:  # a bug in the test itself still counts as a failure, with its trace
            self.fail(name, "%s: %s" % (type(e).__name__, e))
            traceback.print_exc(file=sys.stdout)
            return False, None
        self.ok(name)
        return True, result

    def timing(self, label, seconds, summary=False):
        """Prints a figure; `summary` ones are also listed at the end by run.sh."""
        if summary:
            self.timings.append((label, seconds))
        print("# timing: %s: %.3f s" % (label, seconds), flush=True)

    def write(self, path):
        with open(path, "w") as f:
            f.write("%d %d\n" % (self.passed, self.failed))
            for label, seconds in self.timings:
                f.write("timing %.6f %s\n" % (seconds, label))
