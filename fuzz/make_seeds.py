#!/usr/bin/env python3
"""Builds the fuzzers' seed corpora from the real captures in tests/data/captures.

Run once when captures are added; the output is checked in under fuzz/corpus/<target>/.
Crash inputs found later are added beside the seeds by hand (named crash-<what>).
"""
import hashlib
import os
import shutil
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DATA_DIRS = [os.path.join(HERE, "..", "tests", "data", "captures"),
             os.path.join(HERE, "..", "tests", "data", "generated")]
LINK_INDEX = {1: 0, 0: 1, 101: 2, 12: 3, 14: 4, 108: 5, 113: 6, 228: 7, 229: 8, 276: 9}


def pcap_frames(path):
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        return
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        e = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        e = ">"
    else:
        return
    link = struct.unpack(e + "I", data[20:24])[0] & 0xffff
    pos = 24
    while pos + 16 <= len(data):
        _s, _f, caplen, _wire = struct.unpack(e + "IIII", data[pos:pos + 16])
        frame = data[pos + 16:pos + 16 + caplen]
        if len(frame) < caplen:
            return
        yield link, frame
        pos += 16 + caplen


def dns_payload(link, frame):
    if link != 1 or len(frame) < 14:
        return None
    eth_type = struct.unpack(">H", frame[12:14])[0]
    p = frame[14:]
    if eth_type == 0x0800 and len(p) >= 20:
        ihl = (p[0] & 15) * 4
        if p[9] != 17 or len(p) < ihl + 8:
            return None
        udp = p[ihl:]
    elif eth_type == 0x86DD and len(p) >= 48:
        if p[6] != 17:
            return None
        udp = p[40:]
    else:
        return None
    sport, dport = struct.unpack(">HH", udp[:4])
    if 53 in (sport, dport) or 5353 in (sport, dport):
        return udp[8:]
    return None


def write(target, content, limit):
    folder = os.path.join(HERE, "corpus", target)
    os.makedirs(folder, exist_ok=True)
    name = "seed-" + hashlib.sha1(content).hexdigest()[:16]
    if len(os.listdir(folder)) < limit:
        with open(os.path.join(folder, name), "wb") as f:
            f.write(content)


def main():
    for target in ("pcap_reader", "pcapng_reader", "packet_decoder", "dns_parser"):
        folder = os.path.join(HERE, "corpus", target)
        if os.path.isdir(folder):
            for f in os.listdir(folder):
                if f.startswith("seed-"):
                    os.remove(os.path.join(folder, f))
    walks = [w for d in DATA_DIRS for w in sorted(os.walk(d))]
    for root, _dirs, files in walks:
        for name in sorted(files):
            path = os.path.join(root, name)
            size = os.path.getsize(path)
            if name.endswith(".pcapng") and size <= 64 * 1024:
                with open(path, "rb") as f:
                    write("pcapng_reader", f.read(), 120)
            if name.endswith(".pcap"):
                if size <= 16 * 1024:
                    with open(path, "rb") as f:
                        write("pcap_reader", f.read(), 60)
                seen = 0
                for link, frame in pcap_frames(path):
                    if link in LINK_INDEX and seen < 8:
                        write("packet_decoder", bytes([LINK_INDEX[link], 0]) + frame[:2048], 400)
                        seen += 1
                    payload = dns_payload(link, frame)
                    if payload:
                        write("dns_parser", payload, 200)
    for target in ("pcap_reader", "pcapng_reader", "packet_decoder", "dns_parser"):
        print(target, len(os.listdir(os.path.join(HERE, "corpus", target))))


if __name__ == "__main__":
    sys.exit(main())
