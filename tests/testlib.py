"""Helpers shared by the end-to-end test scripts: collect failures, run `rampart analyze`."""
import json
import subprocess

FAILURES = []


def check(condition, message):
    """Records a failure (and prints it) instead of stopping at the first."""
    if not condition:
        FAILURES.append(message)
        print("FAIL:", message)


def analyze(rampart, path, *extra):
    """The JSON report of `rampart analyze` on one capture."""
    out = subprocess.run([rampart, "analyze", "--json", "--no-progress", *extra, path],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def finish(what):
    """The exit code for the checks made so far."""
    if FAILURES:
        print(f"{len(FAILURES)} failure(s)")
        return 1
    print(f"all {what} checks passed")
    return 0
