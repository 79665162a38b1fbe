#!/usr/bin/env python3
"""Builds the seed corpora of the netflow_v9 and ipfix fuzz targets from the flow captures.

The UDP payloads of tests/data/captures/flow/*.pcap (NetFlow v5/v9 and IPFIX datagrams) are
framed the way fuzz/netflow_fuzz.h reads them: per datagram a control byte (bit 0 = which of two
exporters sent it, bits 1-6 = packet time to advance in quarter seconds, bit 7 = v5 for
netflow_v9 / "patch the message length" for ipfix), a 2-byte little-endian length, and the
datagram without its 2-byte version. Each capture gives one seed with all its datagrams in order,
and each datagram one seed of its own. Run once when captures are added; the output is checked
in under fuzz/corpus/<target>/ (old seed-* files are replaced; crash-* inputs are kept).
"""
import hashlib
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
FLOW_DIR = os.path.join(HERE, "..", "tests", "data", "captures", "flow")
MAX_SEED = 64 * 1024

sys.path.insert(0, HERE)
from make_seeds import pcap_frames  # noqa: E402  (one pcap reader for both seed scripts)


def udp_payload(link, frame):
    """(source address bytes, UDP payload) of an Ethernet/IPv4 or IPv6 frame, else None."""
    if link != 1 or len(frame) < 14:
        return None
    eth_type = struct.unpack(">H", frame[12:14])[0]
    p = frame[14:]
    while eth_type in (0x8100, 0x88a8) and len(p) >= 4:
        eth_type = struct.unpack(">H", p[2:4])[0]
        p = p[4:]
    if eth_type == 0x0800 and len(p) >= 20:
        ihl = (p[0] & 15) * 4
        if p[9] != 17 or len(p) < ihl + 8:
            return None
        return p[12:16], p[ihl + 8:]
    if eth_type == 0x86DD and len(p) >= 48 and p[6] == 17:
        return p[8:24], p[48:]
    return None


def frame_datagram(control, payload):
    body = payload[2:]
    return bytes([control]) + struct.pack("<H", len(body)) + body


def write(target, data):
    folder = os.path.join(HERE, "corpus", target)
    os.makedirs(folder, exist_ok=True)
    name = "seed-" + hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def main():
    for target in ("netflow_v9", "ipfix"):
        folder = os.path.join(HERE, "corpus", target)
        if os.path.isdir(folder):
            for f in os.listdir(folder):
                if f.startswith("seed-"):
                    os.remove(os.path.join(folder, f))
    for name in sorted(os.listdir(FLOW_DIR)):
        if not name.endswith(".pcap"):
            continue
        exporters = {}
        series = {"netflow_v9": b"", "ipfix": b""}
        for link, frame in pcap_frames(os.path.join(FLOW_DIR, name)):
            found = udp_payload(link, frame)
            if not found or len(found[1]) < 4:
                continue
            source, payload = found
            version = struct.unpack(">H", payload[:2])[0]
            if version not in (5, 9, 10):
                continue  # sFlow and anything else
            bit = exporters.setdefault(source, len(exporters) % 2)
            if version == 10:
                target, control = "ipfix", 0x80 | bit
            else:
                target, control = "netflow_v9", (0x80 if version == 5 else 0) | bit
            framed = frame_datagram(control, payload)
            write(target, framed)
            if len(series[target]) + len(framed) <= MAX_SEED:
                series[target] += framed
        for target, data in series.items():
            if data:
                write(target, data)
    for target in ("netflow_v9", "ipfix"):
        print(target, len(os.listdir(os.path.join(HERE, "corpus", target))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
