#!/usr/bin/env python3
"""Oracle test: rampart's per-address counts against tshark's.

For every capture given (files or folders), `rampart analyze --json --hosts all` must give, for
every IPv4 and IPv6 address, the packets and bytes that tshark gives when only the outermost IP
header of each frame is counted.

tshark's own `-z endpoints,ip` / `-z endpoints,ipv6` count every IP header in a frame, so tunneled
addresses (GRE, IP-in-IP, 6in4) appear there too. That difference is tested, not ignored: the
outermost-only counts are rebuilt from tshark's per-frame fields, the all-layers counts are rebuilt
from the same fields, and the all-layers rebuild must equal tshark's endpoint tables. The
all-layers rebuild encodes tshark's two other habits: IP headers quoted in ICMP errors or sFlow
samples are not tapped, and neither is an IPv6 fragment it has not reassembled. So both
tshark views are checked, and rampart must match the outermost one exactly.
"""
import argparse
import collections
import json
import os
import subprocess
import sys

CAPTURE_SUFFIXES = (".pcap", ".pcapng", ".cap")
QUOTING_PROTOCOLS = {"icmp", "icmpv6", "sflow"}


def run(cmd, ok_codes=(0,)):
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode not in ok_codes:
        raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}: {proc.stderr.strip()}")
    return proc.stdout


def tshark_endpoints(path):
    """{address: [tx_packets, tx_bytes, rx_packets, rx_bytes]} from tshark's endpoint tables."""
    out = run(["tshark", "-n", "-r", path, "-q", "-z", "endpoints,ip", "-z", "endpoints,ipv6"],
              ok_codes=(0, 2))
    table = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) != 7 or not parts[1].isdigit():
            continue
        addr, _pk, _by, txp, txb, rxp, rxb = parts
        table[addr] = [int(txp), int(txb), int(rxp), int(rxb)]
    return table


def tshark_layers(path):
    """Per frame: (frame length, [(src, dst), ...] for every IP header, outermost first)."""
    out = run(["tshark", "-n", "-r", path, "-T", "fields", "-E", "separator=\t", "-E",
               "occurrence=a", "-E", "aggregator=,", "-e", "frame.len", "-e", "frame.protocols",
               "-e", "ip.src", "-e", "ip.dst", "-e", "ipv6.src", "-e", "ipv6.dst", "-e", "frame.interface_id"],
              ok_codes=(0, 2))
    frames = []
    for line in out.splitlines():
        cols = line.split("\t")
        cols += [""] * (7 - len(cols))
        length, protocols, v4s, v4d, v6s, v6d, interface = cols[:7]
        if path.endswith(".pcapng") and interface == "":
            # tshark lists pcapng custom blocks as frames; they are not packets (rampart counts
            # them in skipped_blocks).
            continue
        v4 = list(zip(filter(None, v4s.split(",")), filter(None, v4d.split(","))))
        v6 = list(zip(filter(None, v6s.split(",")), filter(None, v6d.split(","))))
        layers = []
        quoted = False
        chain = protocols.split(":")
        for index, proto in enumerate(chain):
            # IP headers quoted inside an ICMP error or carried as an sFlow sample are dissected
            # but never reach tshark's endpoint tap: they are not this frame's addresses.
            if proto in QUOTING_PROTOCOLS:
                quoted = True
            if proto == "ip" and v4:
                pair = v4.pop(0)
            elif proto == "ipv6" and v6:
                pair = v6.pop(0)
            else:
                continue
            # tshark does not tap an IPv6 fragment it is still reassembling (its payload shows as
            # "data"); rampart counts it, since that address did send the packet.
            untapped = proto == "ipv6" and chain[index + 1:index + 3] == ["ipv6.fraghdr", "data"]
            if not quoted:
                layers.append((pair, not untapped))
        frames.append((int(length), layers))
    return frames


def count(frames, outermost_only):
    table = collections.defaultdict(lambda: [0, 0, 0, 0])
    for length, layers in frames:
        for (src, dst), tapped in layers[:1] if outermost_only else layers:
            if not outermost_only and not tapped:
                continue
            table[src][0] += 1
            table[src][1] += length
            table[dst][2] += 1
            table[dst][3] += length
    return dict(table)


def rampart_hosts(binary, path):
    out = run([binary, "analyze", "--json", "--hosts", "all", "--no-progress", path],
              ok_codes=(0, 3))
    report = json.loads(out)
    hosts = {h["address"]: [h["tx_packets"], h["tx_bytes"], h["rx_packets"], h["rx_bytes"]]
             for h in report["hosts"]}
    return report["capture"], hosts


def diff(name, expected, actual):
    problems = []
    for addr in sorted(set(expected) | set(actual)):
        e, a = expected.get(addr), actual.get(addr)
        if e != a:
            problems.append(f"  {name} {addr}: expected {e} got {a}")
    return problems


def captures(paths):
    for path in paths:
        if os.path.isdir(path):
            for root, _dirs, files in os.walk(path):
                for f in sorted(files):
                    if f.endswith(CAPTURE_SUFFIXES):
                        yield os.path.join(root, f)
        else:
            yield path


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rampart", required=True)
    parser.add_argument("paths", nargs="+")
    args = parser.parse_args()
    failures = 0
    checked = 0
    tunneled = 0
    for path in sorted(captures(args.paths)):
        try:
            frames = tshark_layers(path)
            endpoints = tshark_endpoints(path)
            capture, ours = rampart_hosts(args.rampart, path)
        except (RuntimeError, json.JSONDecodeError) as error:
            print(f"FAIL {path}: {error}")
            failures += 1
            continue
        problems = diff("tshark-fields-vs-endpoints", count(frames, False), endpoints)
        problems += diff("rampart-vs-outermost", count(frames, True), ours)
        totals = {"frames": [len(frames), sum(length for length, _l in frames)]}
        problems += diff("capture-totals", totals,
                         {"frames": [capture["packets"], capture["bytes"]]})
        checked += 1
        if any(len(layers) > 1 or not all(t for _p, t in layers) for _l, layers in frames):
            tunneled += 1
        if problems:
            failures += 1
            print(f"FAIL {path}")
            print("\n".join(problems[:20]))
        else:
            print(f"ok   {path} ({len(ours)} addresses)")
    print(f"{checked - failures} passed, {failures} failed")
    print(f"(captures with tunneled addresses, where tshark's endpoints differ: {tunneled})")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
