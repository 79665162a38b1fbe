#!/usr/bin/env python3
"""Golden reports: `rampart analyze --json --hosts all` on every capture in the test data must
equal its reviewed expected report in tests/golden/expected/ (the file path is left out).

  run_golden.py --rampart BIN --data DIR --expected DIR [--update]

--update rewrites the expected files; review the diff (git diff) before committing it.
"""
import argparse
import difflib
import json
import os
import subprocess
import sys


def golden_name(data_root, path):
    return os.path.relpath(path, data_root).replace(os.sep, "__") + ".json"


def report(binary, path):
    # A fixed hash seed: the sketches' estimates (distinct targets, sources) then replay exactly.
    proc = subprocess.run([binary, "analyze", "--json", "--hosts", "all", "--no-progress",
                           "--seed", "1", path],
                          capture_output=True, text=True)
    if proc.returncode not in (0, 3):
        raise RuntimeError(f"exit {proc.returncode}: {proc.stderr.strip()}")
    data = json.loads(proc.stdout)
    for f in data["capture"]["files"]:
        f.pop("path")
    data["exit_code"] = proc.returncode
    return data


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rampart", required=True)
    parser.add_argument("--data", required=True)
    parser.add_argument("--expected", required=True)
    parser.add_argument("--update", action="store_true")
    args = parser.parse_args()
    captures = []
    for root, _dirs, files in os.walk(args.data):
        captures += [os.path.join(root, f) for f in files if f.endswith((".pcap", ".pcapng"))]
    failures = 0
    seen = set()
    for path in sorted(captures):
        name = golden_name(args.data, path)
        seen.add(name)
        expected_path = os.path.join(args.expected, name)
        actual = json.dumps(report(args.rampart, path), indent=2, sort_keys=False) + "\n"
        if args.update:
            with open(expected_path, "w") as f:
                f.write(actual)
            continue
        if not os.path.exists(expected_path):
            print(f"FAIL {path}: no expected report {expected_path} (run with --update, review)")
            failures += 1
            continue
        with open(expected_path) as f:
            expected = f.read()
        if expected != actual:
            failures += 1
            print(f"FAIL {path}")
            sys.stdout.writelines(list(difflib.unified_diff(
                expected.splitlines(True), actual.splitlines(True), "expected", "actual"))[:60])
    stale = sorted(set(os.listdir(args.expected)) - seen) if os.path.isdir(args.expected) else []
    for name in stale:
        print(f"FAIL stale expected report with no capture: {name}")
        failures += 1
    print(f"{len(captures) - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
