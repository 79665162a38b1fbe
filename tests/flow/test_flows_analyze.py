#!/usr/bin/env python3
"""`rampart analyze --flows` on every flow capture: the per-address packets and bytes of the
`hosts` report must equal the sums of the decoded records (sampling applied) that flow_dump
prints, exactly, after the records were spread over their seconds; the protocol mix must add up
to the same totals; and without --flows the same capture reports no flow section.

Usage: test_flows_analyze.py --rampart build/release/rampart --flow-dump build/release/tests/flow_dump
       --data tests/data
"""
import argparse
import collections
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from testlib import analyze, check, finish  # noqa: E402

# The non-standard collector ports of the test captures (tests/data/captures/SOURCES.md).
EXTRA_PORTS = [9990, 9991, 9992, 2057, 2100, 8096]


def records(flow_dump, path):
    out = subprocess.run([flow_dump, path], check=True, capture_output=True, text=True).stdout
    rows = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    return [r for r in rows if "protocol" in r]  # records; the others describe datagrams


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rampart", required=True)
    parser.add_argument("--flow-dump", required=True)
    parser.add_argument("--data", required=True)
    args = parser.parse_args()
    folder = os.path.join(args.data, "captures", "flow")
    extra = [a for port in EXTRA_PORTS for a in ("--flow-port", str(port))]
    compared = 0
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".pcap"):
            continue
        path = os.path.join(folder, name)
        expected_rx = collections.Counter()
        expected_tx = collections.Counter()
        total_packets = 0
        total_bytes = 0
        decoded = records(args.flow_dump, path)
        for r in decoded:
            if r["packets"] == 0:
                continue
            expected_tx[(r["src"], "packets")] += r["packets"]
            expected_tx[(r["src"], "bytes")] += r["bytes"]
            expected_rx[(r["dst"], "packets")] += r["packets"]
            expected_rx[(r["dst"], "bytes")] += r["bytes"]
            total_packets += r["packets"]
            total_bytes += r["bytes"]
        report = analyze(args.rampart, path, "--flows", "--hosts", "all", "--seed", "1", *extra)
        flows = report["capture"].get("flows")
        check(flows is not None and flows["records"] == len(decoded),
              f"{name}: {flows and flows['records']} records, flow_dump has {len(decoded)}")
        got_rx = collections.Counter()
        got_tx = collections.Counter()
        for h in report["hosts"]:
            got_rx[(h["address"], "packets")] = h["rx_packets"]
            got_rx[(h["address"], "bytes")] = h["rx_bytes"]
            got_tx[(h["address"], "packets")] = h["tx_packets"]
            got_tx[(h["address"], "bytes")] = h["tx_bytes"]
        got_rx = +got_rx
        got_tx = +got_tx
        check(got_rx == +expected_rx, f"{name}: rx per address differs: "
              f"{sorted((+expected_rx - got_rx).items())[:3]} / {sorted((got_rx - expected_rx).items())[:3]}")
        check(got_tx == +expected_tx, f"{name}: tx per address differs: "
              f"{sorted((+expected_tx - got_tx).items())[:3]} / {sorted((got_tx - expected_tx).items())[:3]}")
        protocols = report["capture"]["protocols"]
        check(protocols["ipv4"]["packets"] + protocols["ipv6"]["packets"] == total_packets and
              protocols["ipv4"]["bytes"] + protocols["ipv6"]["bytes"] == total_bytes,
              f"{name}: protocol mix {protocols['ipv4']} {protocols['ipv6']} vs "
              f"{total_packets} packets {total_bytes} bytes")
        compared += 1
        plain = analyze(args.rampart, path)
        check("flows" not in plain["capture"], f"{name}: a flow section without --flows")
    check(compared >= 20, f"only {compared} flow captures compared")
    return finish(f"--flows ({compared} captures)")


if __name__ == "__main__":
    sys.exit(main())
