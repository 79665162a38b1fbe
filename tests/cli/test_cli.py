#!/usr/bin/env python3
"""The `rampart analyze` command line: exit codes, standard input, several files as one timeline,
damaged captures read up to the damage, byte orders, and the --hosts limit."""
import argparse
import json
import os
import struct
import subprocess
import sys
import tempfile
import unittest

ARGS = None


def rampart(*args, stdin=None):
    return subprocess.run([ARGS.rampart, *args], input=stdin, capture_output=True)


def analyze_json(*paths, stdin=None, expect=0):
    proc = rampart("analyze", "--json", "--no-progress", "--hosts", "all", *paths, stdin=stdin)
    assert proc.returncode == expect, (proc.returncode, proc.stderr)
    return json.loads(proc.stdout)


def pcap_records(data):
    """(offset, header, frame) for each record of a little-endian microsecond pcap."""
    pos = 24
    while pos + 16 <= len(data):
        caplen = struct.unpack("<I", data[pos + 8:pos + 12])[0]
        yield pos, data[pos:pos + 16], data[pos + 16:pos + 16 + caplen]
        pos += 16 + caplen


def hosts(report):
    return {h["address"]: h for h in report["hosts"]}


class AnalyzeCli(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.telnet = os.path.join(ARGS.data, "benign", "sv_telnet_login.pcap")
        cls.dns = os.path.join(ARGS.data, "benign", "sv_dns_udp_google_a_aaaa_mx.pcap")
        with open(cls.telnet, "rb") as f:
            cls.telnet_bytes = f.read()

    def path(self, name, content):
        p = os.path.join(self.tmp.name, name)
        with open(p, "wb") as f:
            f.write(content)
        return p

    def test_no_subcommand_is_usage_error(self):
        self.assertEqual(rampart().returncode, 2)
        self.assertEqual(rampart("analyze").returncode, 2)

    def test_bad_hosts_value_is_usage_error(self):
        self.assertEqual(rampart("analyze", "--hosts", "many", self.telnet).returncode, 2)

    def test_missing_file_one_line_exit_1(self):
        proc = rampart("analyze", os.path.join(self.tmp.name, "nope.pcap"))
        self.assertEqual(proc.returncode, 1)
        self.assertEqual(len(proc.stderr.decode().strip().splitlines()), 1)
        self.assertIn("cannot open", proc.stderr.decode())

    def test_not_a_capture_one_line_exit_1(self):
        proc = rampart("analyze", self.path("notes.txt", b"hello, this is not a capture\n"))
        self.assertEqual(proc.returncode, 1)
        self.assertEqual(len(proc.stderr.decode().strip().splitlines()), 1)
        self.assertIn("not a pcap or pcapng file", proc.stderr.decode())
        self.assertEqual(proc.stdout, b"")

    def test_empty_file_exit_1(self):
        proc = rampart("analyze", self.path("empty.pcap", b""))
        self.assertEqual(proc.returncode, 1)
        self.assertIn("empty", proc.stderr.decode())

    def test_stdin_equals_file(self):
        from_file = analyze_json(self.telnet)
        from_stdin = analyze_json("-", stdin=self.telnet_bytes)
        self.assertEqual(from_file["hosts"], from_stdin["hosts"])
        self.assertEqual(from_file["capture"]["packets"], from_stdin["capture"]["packets"])
        self.assertEqual(from_stdin["capture"]["files"][0]["path"], "-")
        self.assertEqual(from_file["capture"]["packets"], 92)

    def test_several_files_one_timeline(self):
        a = analyze_json(self.telnet)
        b = analyze_json(self.dns)
        both = analyze_json(self.telnet, self.dns)
        self.assertEqual(both["capture"]["packets"], a["capture"]["packets"] + b["capture"]["packets"])
        self.assertEqual(both["capture"]["bytes"], a["capture"]["bytes"] + b["capture"]["bytes"])
        self.assertEqual(both["capture"]["first_timestamp_ns"],
                         min(a["capture"]["first_timestamp_ns"], b["capture"]["first_timestamp_ns"]))
        self.assertEqual(both["capture"]["last_timestamp_ns"],
                         max(a["capture"]["last_timestamp_ns"], b["capture"]["last_timestamp_ns"]))
        # Merged in time order: nothing is out of order although the files are given out of order.
        reverse = analyze_json(self.dns, self.telnet)
        self.assertEqual(reverse["capture"]["out_of_order_packets"], 0)
        self.assertEqual(len(both["capture"]["files"]), 2)
        merged = hosts(both)
        for report in (a, b):
            for address, h in hosts(report).items():
                self.assertEqual(merged[address]["tx_packets"] - h["tx_packets"],
                                 hosts(b if report is a else a).get(address, {"tx_packets": 0})["tx_packets"])

    def test_truncated_capture_read_to_the_cut(self):
        records = list(pcap_records(self.telnet_bytes))
        offset, _header, frame = records[10]
        cut = self.telnet_bytes[:offset + 16 + len(frame) // 2]
        proc = rampart("analyze", "--json", "--no-progress", self.path("cut.pcap", cut))
        self.assertEqual(proc.returncode, 3)
        report = json.loads(proc.stdout)
        f = report["capture"]["files"][0]
        self.assertEqual(f["status"], "truncated")
        self.assertEqual(f["damage"]["byte_offset"], offset)
        self.assertEqual(f["damage"]["packet_index"], 10)
        self.assertIn("cut short", f["damage"]["reason"])
        self.assertEqual(report["capture"]["packets"], 10)
        self.assertEqual(report["capture"]["status"], "damaged")
        self.assertIn(f"at byte {offset} (packet #10)", proc.stderr.decode())

    def test_truncated_stream_from_stdin(self):
        records = list(pcap_records(self.telnet_bytes))
        offset = records[50][0]
        proc = rampart("analyze", "--json", "--no-progress", "-",
                       stdin=self.telnet_bytes[:offset + 7])
        self.assertEqual(proc.returncode, 3)
        f = json.loads(proc.stdout)["capture"]["files"][0]
        self.assertEqual((f["status"], f["damage"]["byte_offset"], f["packets"]), ("truncated", offset, 50))

    def test_corrupt_record_length(self):
        records = list(pcap_records(self.telnet_bytes))
        offset = records[5][0]
        data = bytearray(self.telnet_bytes)
        data[offset + 8:offset + 12] = struct.pack("<I", 0x7fffffff)
        proc = rampart("analyze", "--json", "--no-progress", self.path("corrupt.pcap", bytes(data)))
        self.assertEqual(proc.returncode, 3)
        f = json.loads(proc.stdout)["capture"]["files"][0]
        self.assertEqual(f["status"], "corrupt")
        self.assertEqual(f["damage"]["packet_index"], 5)
        self.assertIn("exceeds the maximum", f["damage"]["reason"])

    def test_big_endian_and_nanosecond_copies_agree(self):
        src = self.telnet_bytes
        be = bytearray(struct.pack(">IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        ns = bytearray(src[:24])
        ns[0:4] = struct.pack("<I", 0xa1b23c4d)
        for _off, header, frame in pcap_records(src):
            sec, usec, caplen, wire = struct.unpack("<IIII", header)
            be += struct.pack(">IIII", sec, usec, caplen, wire) + frame
            ns += struct.pack("<IIII", sec, usec * 1000, caplen, wire) + frame
        base = analyze_json(self.telnet)
        for name, content, order in (("be.pcap", be, "big"), ("ns.pcap", ns, "little")):
            report = analyze_json(self.path(name, bytes(content)))
            self.assertEqual(report["hosts"], base["hosts"])
            self.assertEqual(report["capture"]["first_timestamp_ns"],
                             base["capture"]["first_timestamp_ns"])
            self.assertEqual(report["capture"]["files"][0]["byte_order"], order)

    def test_hosts_limit(self):
        proc = rampart("analyze", "--json", "--hosts", "1", os.path.join(ARGS.data, "benign", "tcpreplay_test.pcap"))
        report = json.loads(proc.stdout)
        self.assertEqual(len(report["hosts"]), 1)
        self.assertEqual(report["hosts"][0]["address"], "172.16.11.12")
        self.assertEqual(report["capture"]["hosts_seen"], 17)
        default = analyze_json(os.path.join(ARGS.data, "benign", "slips_test7_home_lan_mixed.pcap"))
        self.assertGreater(len(default["hosts"]), 20)
        top = json.loads(rampart("analyze", "--json", os.path.join(ARGS.data, "benign",
                                 "slips_test7_home_lan_mixed.pcap")).stdout)
        self.assertEqual(len(top["hosts"]), 20)
        self.assertEqual(top["hosts"], default["hosts"][:20])

    def test_contract_sections_present(self):
        report = analyze_json(self.telnet)
        for key in ("capture", "hosts", "attacks", "scans", "brute_force", "infected_devices",
                    "default_credentials", "dns_attacks"):
            self.assertIn(key, report)

    def test_text_report(self):
        proc = rampart("analyze", self.telnet)
        self.assertEqual(proc.returncode, 0)
        text = proc.stdout.decode()
        for heading in ("== Capture ==", "== Protocols ==", "== Top hosts", "== Decode anomalies =="):
            self.assertIn(heading, text)
        self.assertIn("192.168.0.1", text)

    def test_memcap_evicts_but_totals_balance(self):
        flood = os.path.join(self.tmp.name, "flood.pcap")
        subprocess.run([ARGS.gen, "flood", "--packets", "50000", "--out", flood], check=True)
        proc = rampart("analyze", "--json", "--host-memcap", "1", "--hosts", "all", flood)
        report = json.loads(proc.stdout)
        cap = report["capture"]
        self.assertLessEqual(cap["host_table_bytes"], 1 << 20)
        self.assertGreater(cap["hosts_evicted"], 0)
        tx = sum(h["tx_packets"] for h in report["hosts"])
        rx = sum(h["rx_packets"] for h in report["hosts"])
        self.assertEqual(rx, 50000)  # the 4 destinations are heavy and never evicted
        self.assertLess(tx, 50000)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--rampart", required=True)
    parser.add_argument("--gen", required=True)
    parser.add_argument("--data", required=True)
    ARGS, rest = parser.parse_known_args()
    unittest.main(argv=[sys.argv[0], *rest])
