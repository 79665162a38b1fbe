#!/usr/bin/env python3
"""Time from an attack's `detected_at` to its blackhole route in BIRD's table (issue 7's target:
0.5 s), through each path rampart can take to BIRD:

  gobgp:  rampart --gRPC--> gobgpd --BGP--> BIRD
  exabgp: rampart --FIFO--> ExaBGP --BGP--> gobgpd --BGP--> BIRD
  bird:   rampart --include file + birdc configure--> BIRD

Each trial replays a fresh SYN flood (its own victim address) into a test namespace where
`rampart run` captures it; BIRD's table is polled every 2 ms. Needs root.

  mitigation_bench.py --build build/release [--trials 5] [--out DIR]
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests"))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "mitigate"))
import test_mitigation as tm  # noqa: E402
from livelib import Daemon, live_attacks  # noqa: E402


def trial_capture(gen, work, victim):
    path = os.path.join(work, f"flood-{victim}.pcap")
    subprocess.run([gen, "scenario", "--out", path, "--duration", "3", "--target", victim,
                    "--vector", "syn_flood", "--attack-pps", "15000", "--attack-start", "0.5",
                    "--attack-duration", "2", "--sources", "300"], check=True, capture_output=True)
    return path


def measure(rampart, gen, work, speakers, name, mitigation, trials, first_octet):
    daemon = Daemon(rampart, work, name, {
        "sensor": {"interfaces": [tm.NETNS.veth_recv]},
        "detection": {"quiet": "2s"},
        "mitigation": {"dry_run": False, "ban_time": "1s", "unban_quiet": "1s",
                       "control_socket": os.path.join(work, f"{name}.sock"), **mitigation}},
        ns=tm.NETNS.recv)
    latencies = []
    for i in range(trials):
        victim = f"198.51.{first_octet}.{10 + i}"
        replay = tm.NETNS.replay_async(trial_capture(gen, work, victim))
        seen = tm.wait(lambda: speakers.bird_has(victim), 10, 0.002)
        replay.wait()
        starts = [a for a in live_attacks(daemon, "start") if a["target"] == victim]
        if seen is not None and starts:
            latencies.append(seen - starts[0]["detected_at_ns"] / 1e9)
    daemon.stop()
    return latencies


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default="build/release")
    parser.add_argument("--trials", type=int, default=5)
    parser.add_argument("--out", default="build/bench/mitigation")
    args = parser.parse_args()
    rampart = os.path.join(args.build, "rampart")
    gen = os.path.join(args.build, "rampart-gen")
    os.makedirs(args.out, exist_ok=True)
    work = tempfile.mkdtemp(prefix="rampart-mitbench-")
    results = {}
    tm.NETNS.create()
    speakers = tm.Speakers(work)
    exabgp = None
    try:
        if not speakers.start():
            return 1
        results["gobgp"] = measure(rampart, gen, work, speakers, "gobgp",
                                   {"gobgp": {"api": f"127.0.0.1:{tm.API_PORT}"}}, args.trials, 100)
        results["bird"] = measure(rampart, gen, work, speakers, "bird",
                                  {"bird": {"include_file": speakers.bird_include,
                                            "socket": speakers.bird_sock}}, args.trials, 101)
        pipe, exabgp = tm.start_exabgp(work, speakers)
        if exabgp is not None:
            results["exabgp"] = measure(rampart, gen, work, speakers, "exabgp",
                                        {"exabgp": {"pipe": pipe}}, args.trials, 102)
    finally:
        if exabgp is not None:
            tm.stop_exabgp(exabgp, pipe)
        speakers.stop()
        tm.NETNS.remove()
        shutil.rmtree(work, ignore_errors=True)
    lines = ["| path | trials | median | max |", "|---|---:|---:|---:|"]
    for path, values in results.items():
        if values:
            lines.append(f"| {path} | {len(values)} | {statistics.median(values) * 1000:.0f} ms | "
                         f"{max(values) * 1000:.0f} ms |")
        else:
            lines.append(f"| {path} | 0 | route never seen | |")
    table = "\n".join(lines) + "\n"
    print(table)
    with open(os.path.join(args.out, "results.md"), "w") as f:
        f.write("### detected_at to the route in BIRD's table\n\n" + table)
    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump(results, f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
