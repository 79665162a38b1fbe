"""What the rampart-gen capture tests share (test_scenarios.py, test_iot_scenarios.py and
test_dns_scenarios.py): running the generator and tshark, parsing tshark's fields, reading pcap
records, the file checks every capture gets, and the command line, work folder and report of a
test script.
"""
import argparse
import hashlib
import os
import shutil
import struct
import subprocess
import tempfile

PI_ERROR = 0x00800000  # tshark's expert severity "error"
NANOSECOND_PCAP = 0xa1b23c4d
LINK_ETHERNET = 1


def generate(gen, command, workdir, name, args):
    """Runs `gen command --out workdir/name.pcap args`; the capture's path."""
    path = os.path.join(workdir, name + ".pcap")
    cmd = [gen, command, "--out", path] + [str(a) for a in args]
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} exited {result.returncode}: {result.stderr}")
    return path


def digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def tshark(path, args, env=None):
    """tshark's standard output for `path` read with `args`."""
    result = subprocess.run(["tshark", "-r", path] + list(args), capture_output=True, text=True,
                            env=env)
    if result.returncode != 0:
        raise AssertionError(f"tshark failed on {path}: {result.stderr}")
    return result.stdout


def field_args(fields, aggregator="|"):
    """tshark arguments that print `fields` tab-separated, every occurrence joined by
    `aggregator`."""
    args = ["-T", "fields", "-E", "separator=\t", "-E", "occurrence=a", "-E",
            f"aggregator={aggregator}"]
    for field in fields:
        args += ["-e", field]
    return args


def tshark_fields(path, fields, options=(), aggregator="|", env=None):
    """One list of field values per packet of `path`."""
    out = tshark(path, list(options) + field_args(fields, aggregator), env)
    return [line.split("\t") for line in out.splitlines()]


def epoch_ns(text):
    """frame.time_epoch as integer nanoseconds."""
    sec, _, frac = text.partition(".")
    return int(sec) * 1_000_000_000 + int((frac + "000000000")[:9])


def epoch_seconds(text):
    """frame.time_epoch as float seconds."""
    sec, _, frac = text.partition(".")
    return int(sec) + int((frac + "000000000")[:9]) / 1e9


def to_int(value, default=None):
    """A decimal or 0x-hexadecimal field value; `default` when empty."""
    if not value:
        return default
    return int(value, 16) if value.startswith("0x") else int(value)


def pcap_records(path):
    """(magic, link type, [(ts_ns, frame bytes)])."""
    with open(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack("<I", data[:4])
    endian = "<" if magic in (0xa1b23c4d, 0xa1b2c3d4) else ">"
    magic, = struct.unpack(endian + "I", data[:4])
    link, = struct.unpack(endian + "I", data[20:24])
    records, offset = [], 24
    while offset < len(data):
        sec, frac, cap, _ = struct.unpack(endian + "IIII", data[offset:offset + 16])
        records.append((sec * 1_000_000_000 + frac, data[offset + 16:offset + 16 + cap]))
        offset += 16 + cap
    return magic, link, records


class Checker:
    """Collects the failures of one case, each prefixed with its name."""

    def __init__(self, name):
        self.name = name
        self.failures = []

    def require(self, condition, message):
        if not condition:
            self.failures.append(f"{self.name}: {message}")
        return condition


def check_file(c, path, start_s):
    """A nanosecond pcap of Ethernet frames with sorted timestamps from `start_s` on; the
    timestamps in nanoseconds."""
    magic, link, records = pcap_records(path)
    c.require(magic == NANOSECOND_PCAP, f"not a nanosecond pcap (magic {magic:#x})")
    c.require(link == LINK_ETHERNET, f"link type {link}, not Ethernet")
    times = [ts for ts, _ in records]
    c.require(times == sorted(times), "timestamps are not sorted")
    c.require(times and times[0] >= start_s * 10**9, "packets before --start")
    return times


def bad_packets(packets):
    """Packets tshark finds malformed or marks with expert info of severity error (fields
    _ws.malformed and _ws.expert.severity, occurrences joined by '|')."""
    return [p for p in packets if p["_ws.malformed"] or any(
        int(s, 0) >= PI_ERROR for s in p["_ws.expert.severity"].split("|") if s)]


def parse_args(doc, jobs=False):
    """--gen (the rampart-gen binary), --keep DIR and, with `jobs`, --jobs N."""
    parser = argparse.ArgumentParser(description=doc,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gen", required=True, help="the rampart-gen binary")
    parser.add_argument("--keep", help="write the captures here and keep them")
    if jobs:
        parser.add_argument("--jobs", type=int, default=2)
    return parser.parse_args()


def work_folder(keep, prefix):
    """The folder for the captures: `keep`, or a new temporary one."""
    workdir = keep or tempfile.mkdtemp(prefix=prefix)
    os.makedirs(workdir, exist_ok=True)
    return workdir


def finish(workdir, keep, failures):
    """Removes the work folder unless it is kept, prints the failures; the exit status."""
    if not keep:
        shutil.rmtree(workdir, ignore_errors=True)
    for failure in failures:
        print("FAIL " + failure)
    print("ok" if not failures else f"{len(failures)} failures")
    return 1 if failures else 0
