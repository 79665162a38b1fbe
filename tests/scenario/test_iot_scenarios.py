#!/usr/bin/env python3
"""Checks `rampart-gen iot` captures with tshark.

Every behaviour is written on its own (over background traffic) and all of them together
(`all`); each capture is read once by tshark with IP, TCP and UDP checksums checked, and:
  - no packet is malformed or carries expert info of severity error; the only TCP analysis
    flags are on the resets of the scans (tshark's "Connection reset");
  - the file is a nanosecond pcap of Ethernet frames with sorted timestamps, LAN hosts have
    the MAC 02:00:00:00:01:<last octet>, and every TCP connection but the scans' and the C2's
    has a handshake and a FIN from both sides;
  - each behaviour has its defining shape (shared/guide/mirai-facts.md section 1): Mirai
    scanner SYNs with seq == destination address and no options, 90/10 ports 23/2323 +-1%,
    SYN-ACK answered by RST then telnet logins; tshark's telnet, FTP, HTTP, POP and IMAP
    dissectors see the logins; the 48101 report parses per section 1.6; C2 beats are 60 s
    +-1 s apart; DNS to 8.8.8.8 is RD-only without EDNS; the flood's rate and shape;
  - the same seed writes byte-identical files and another seed a different file; `all` stays
    under 20 MB.

Usage: test_iot_scenarios.py --gen build/release/rampart-gen [--keep DIR]
"""
import base64
import collections
import ipaddress
import os
import struct
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tshark_util import (  # noqa: E402  (the folder is on the path first)
    Checker, bad_packets, check_file, digest, epoch_seconds, finish, generate as generate_capture,
    parse_args, to_int, tshark, tshark_fields, work_folder)

START = 1477040400
BOT = "192.168.1.23"
GATEWAY_MAC = "02:00:00:00:01:01"
CHECKSUMS = ["-o", "tcp.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE", "-o",
             "ip.check_checksum:TRUE"]
FIELDS = [
    "frame.time_epoch", "frame.protocols", "eth.src", "eth.dst", "ip.src", "ip.dst", "ip.len",
    "ip.ttl", "ip.flags.df", "tcp.srcport", "tcp.dstport", "tcp.seq_raw", "tcp.ack_raw",
    "tcp.flags", "tcp.window_size_value", "tcp.hdr_len", "tcp.len", "tcp.stream", "tcp.payload",
    "tcp.options.mss_val", "tcp.analysis.flags", "udp.srcport", "udp.dstport", "udp.length",
    "dns.qry.name", "dns.flags.recdesired", "dns.flags.response", "dns.count.add_rr", "dns.a",
    "ftp.request.command", "ftp.request.arg", "ftp.response.code", "http.authorization",
    "http.www_authenticate", "http.response.code", "pop.request.command",
    "pop.request.parameter", "pop.response.indicator", "imap.request.command",
    "imap.request.username", "imap.response.status", "ssh.protocol", "_ws.expert.severity",
    "_ws.expert.message", "_ws.malformed",
]
FIN, SYN, RST, PSH, ACK = 0x01, 0x02, 0x04, 0x08, 0x10


class Packet:
    def __init__(self, values):
        self.raw = dict(zip(FIELDS, values))
        self.ts = epoch_seconds(self.raw["frame.time_epoch"])
        self.src = self.raw["ip.src"]
        self.dst = self.raw["ip.dst"]

    def __getitem__(self, field):
        return self.raw.get(field, "")

    def int(self, field, default=None):
        return to_int(self.raw.get(field, "").split("|")[0], default)

    def flags(self):
        return self.int("tcp.flags", 0)

    def payload(self):
        return bytes.fromhex(self["tcp.payload"].replace(":", ""))

    def has(self, protocol):
        return protocol in self["frame.protocols"].split(":")


def run_tshark(path, decode_as=()):
    options = list(CHECKSUMS)
    for port in decode_as:
        options += ["-d", f"udp.port=={port},data"]
    return [Packet(values) for values in tshark_fields(path, FIELDS, options)]


def ip_int(address):
    return int(ipaddress.ip_address(address))


def streams(packets, predicate=lambda p: True):
    out = collections.OrderedDict()
    for p in packets:
        if p["tcp.stream"] and predicate(p):
            out.setdefault(p.int("tcp.stream"), []).append(p)
    return out


def data_from(stream, src):
    return b"".join(p.payload() for p in stream if p.src == src)


def mirai_eligible(address):
    o1, o2 = (ip_int(address) >> 24), (ip_int(address) >> 16) & 0xff
    return not (o1 in (0, 3, 10, 15, 16, 56, 127, 6, 7, 11, 21, 22, 26, 28, 29, 30, 33, 55, 214,
                       215) or o1 >= 224 or (o1, o2) == (192, 168) or (o1 == 172 and 16 <= o2 < 32)
                or (o1 == 100 and 64 <= o2 < 127) or (o1, o2) == (169, 255)
                or (o1 == 198 and o2 in (18, 19)))


def parse_report(data):
    """A section 1.6 record: 0x00, IPv4, port, user length, user, password length, password."""
    if len(data) < 9 or data[0] != 0:
        return None
    victim = str(ipaddress.ip_address(data[1:5]))
    port = struct.unpack(">H", data[5:7])[0]
    ulen = data[7]
    user = data[8:8 + ulen].decode()
    plen = data[8 + ulen]
    password = data[9 + ulen:9 + ulen + plen].decode()
    if 9 + ulen + plen != len(data):
        return None
    return victim, port, user, password


# ---------------------------------------------------------------------------------------------
# Generic checks.

def is_probe(p):
    """A packet of the scans or of the dead C2's connect retries (tshark flags resets and
    retransmitted SYNs), or a reset."""
    return (p.flags() & RST or "203.0.113.66" in (p.src, p.dst) or p.dst == "198.51.100.67"
            or p.src == BOT and p.int("tcp.hdr_len") == 20)


def check_common(c, path, packets, duration):
    times = check_file(c, path, START)
    bad = bad_packets(packets)
    c.require(not bad, f"{len(bad)} malformed/expert-error packets, first: "
              + (f"{bad[0]['frame.protocols']} {bad[0]['_ws.expert.message']}" if bad else ""))
    flagged = [p for p in packets if p["tcp.analysis.flags"] and not is_probe(p)]
    c.require(not flagged, f"{len(flagged)} packets with TCP analysis flags, first: "
              + (f"{flagged[0].src}->{flagged[0].dst} {flagged[0]['_ws.expert.message']}"
                 if flagged else ""))
    for p in packets:
        for address, mac in ((p.src, p["eth.src"]), (p.dst, p["eth.dst"])):
            if address.startswith("192.168.1."):
                want = "02:00:00:00:01:%02x" % int(address.split(".")[3])
                if mac != want:
                    c.require(False, f"{address} has MAC {mac}, not {want}")
                    return
            elif (p.src.startswith("192.168.1.") or p.dst.startswith("192.168.1.")) \
                    and mac != GATEWAY_MAC:
                c.require(False, f"{address} behind the gateway has MAC {mac}")
                return
    # Every connection that is not a scan probe or the C2 channel is complete.
    for stream in streams(packets).values():
        first = stream[0]
        if first.flags() != SYN or first.int("tcp.hdr_len") == 20 or first.int("tcp.hdr_len") == 24:
            continue  # a raw scan SYN (no options or MSS only)
        ends = {p.src for p in stream if p.flags() & FIN}
        if first.dst in ("198.51.100.66", "198.51.100.67"):
            continue
        c.require(any(p.flags() == SYN | ACK for p in stream) and len(ends) == 2,
                  f"stream {first.src}:{first['tcp.srcport']}->{first.dst}:"
                  f"{first['tcp.dstport']} is not complete")
    c.require(max(times) - min(times) >= (duration - 1) * 1e9,
              f"capture spans {(max(times) - min(times)) / 1e9:.1f} s, not {duration} s")


def check_background(c, packets, duration, pps):
    lan = [p for p in packets if p.src.startswith("192.168.1.1")
           and 100 <= int(p.src.split(".")[3]) <= 149 or p.dst.startswith("192.168.1.1")
           and 100 <= int(p.dst.split(".")[3]) <= 149]
    rate = len(lan) / duration
    c.require(abs(rate - pps) < 0.1 * pps, f"background rate {rate:.0f} pps, not {pps}")
    web = [p for p in lan if p.int("tcp.dstport") in (80, 443) and p.flags() == SYN]
    dns = [p for p in lan if p.dst == "192.168.1.2" and p.int("udp.dstport") == 53]
    ntp = [p for p in lan if p.int("udp.dstport") == 123]
    c.require(web and dns and ntp, f"background: {len(web)} web, {len(dns)} DNS, {len(ntp)} NTP")


# ---------------------------------------------------------------------------------------------
# Behaviours.

def check_mirai_scan(c, packets, scan_s, scan_pps=160):
    probes = [p for p in packets if p.src == BOT and p.flags() == SYN
              and p.int("tcp.hdr_len") == 20]
    c.require(abs(len(probes) - scan_pps * (scan_s - 0.5)) <= 2,
              f"{len(probes)} scan SYNs for {scan_s} s at {scan_pps}/s")
    if not probes:
        return
    c.require(all(p.int("tcp.seq_raw") == ip_int(p.dst) for p in probes), "seq != destination")
    c.require(all(p.int("ip.len") == 40 and p.int("ip.ttl") == 64 and p.int("ip.flags.df") == 0
                  for p in probes), "SYNs are not 40 bytes, TTL 64, no DF")
    sports = {p.int("tcp.srcport") for p in probes}
    windows = {p.int("tcp.window_size_value") for p in probes}
    c.require(len(sports) == 1 and min(sports) >= 1024, f"source ports {sorted(sports)[:5]}")
    c.require(len(windows) == 1, f"{len(windows)} windows")
    share = sum(p.int("tcp.dstport") == 2323 for p in probes) / len(probes)
    c.require(abs(share - 0.10) <= 0.01, f"2323 share {share:.3f}")
    c.require(all(p.int("tcp.dstport") in (23, 2323) for p in probes), "ports other than 23/2323")
    c.require(all(mirai_eligible(p.dst) for p in probes), "a target Mirai would not pick")
    sport = sports.pop()
    synacks = [p for p in packets if p.dst == BOT and p.int("tcp.dstport") == sport
               and p.flags() == SYN | ACK]
    share = len(synacks) / len(probes)
    c.require(0.003 < share < 0.02, f"{len(synacks)} SYN-ACKs for {len(probes)} probes")
    c.require(all(p.int("tcp.ack_raw") == ip_int(p.src) + 1 and p.int("tcp.srcport") == 23
                  for p in synacks), "SYN-ACK ack != responder + 1 or not from port 23")
    resets = {(p.dst, p.int("tcp.seq_raw")) for p in packets if p.src == BOT
              and p.flags() == RST and p.int("tcp.srcport") == sport}
    c.require(all((p.src, p.int("tcp.ack_raw")) in resets for p in synacks),
              "a SYN-ACK without the bot's RST")
    responders = {p.src for p in synacks}
    logins = streams(packets, lambda p: p.int("tcp.dstport") == 23 and p.src == BOT
                     or p.int("tcp.srcport") == 23 and p.dst == BOT)
    by_responder = collections.Counter()
    for stream in logins.values():
        if stream[0].dst in responders and stream[0].int("tcp.hdr_len") == 40:
            by_responder[stream[0].dst] += 1
            server = data_from(stream, stream[0].dst)
            client = data_from(stream, BOT)
            c.require(b"Login incorrect" in server and b"login: " in server,
                      "a scanner login is not refused")
            c.require(client.startswith(bytes.fromhex("fffc01fffb1ffffa1f00500018fff0")),
                      "the bot's IAC answers are not Mirai's")
            c.require(stream[0].has("telnet") or any(p.has("telnet") for p in stream),
                      "tshark does not see telnet")
    c.require(set(by_responder) == responders and all(1 <= n <= 3 for n in
                                                       by_responder.values()),
              f"logins per responder: {dict(by_responder)}")


def check_generic_scan(c, packets):
    scanner = "203.0.113.66"
    probes = [p for p in packets if p.src == scanner and p.flags() == SYN]
    c.require(len(probes) == 254 + 1024, f"{len(probes)} probes")
    c.require(all(p.int("tcp.options.mss_val") == 1460 for p in probes), "probes without MSS")
    c.require(all(p.int("tcp.seq_raw") != ip_int(p.dst) for p in probes), "a seq == dst probe")
    horizontal = {p.dst for p in probes if p.int("tcp.dstport") == 22}
    vertical = {p.int("tcp.dstport") for p in probes if p.dst == "198.51.100.10"}
    c.require(len(horizontal) == 254, f"{len(horizontal)} hosts on port 22")
    c.require(vertical == set(range(1, 1025)), "vertical scan misses ports")
    opened = {(p.src, p.int("tcp.srcport")) for p in packets
              if p.dst == scanner and p.flags() == SYN | ACK}
    c.require(opened == {("198.51.100.10", 22), ("198.51.100.80", 22), ("198.51.100.150", 22),
                         ("198.51.100.10", 80), ("198.51.100.10", 443)}, f"open: {opened}")
    closed = [p for p in packets if p.dst == scanner and p.flags() == RST | ACK]
    c.require(len(closed) == 9 + 1021, f"{len(closed)} RST/ACKs")
    resets = [p for p in packets if p.src == scanner and p.flags() == RST]
    c.require(len(resets) == 6, f"{len(resets)} scanner RSTs")


TELNET_PASSWORDS = ["vizxv", "admin", "888888", "xmhdipc", "default", "juantech", "123456",
                    "54321", "xc3511"]


def check_telnet_bruteforce(c, packets):
    attacker, camera = "203.0.113.50", "192.168.1.50"
    sessions = [s for s in streams(packets, lambda p: {p.src, p.dst} == {attacker, camera}
                                   ).values()]
    c.require(len(sessions) == 9, f"{len(sessions)} telnet connections")
    passwords = []
    for stream in sessions:
        client = data_from(stream, attacker)
        server = data_from(stream, camera)
        c.require(any(p.has("telnet") for p in stream), "tshark does not see telnet")
        c.require(server.startswith(bytes.fromhex("fffd01fffd1ffffb01fffb03")) and
                  b"login: " in server and b"Password: " in server, "server prompts")
        c.require(b"\xff\xfb\x1f\xff\xfa\x1f\x00\x50\x00\x18\xff\xf0" in client, "no NAWS 80x24")
        lines = client.split(b"\r\n")
        c.require(lines[0].endswith(b"root"), "user is not root")
        passwords.append(lines[1].decode() if len(lines) > 1 else "")
        if b"Login incorrect" in server:
            c.require(b"applet not found" not in server, "failed login reached a shell")
    c.require(passwords == TELNET_PASSWORDS, f"passwords {passwords}")
    if sessions:
        last_client = data_from(sessions[-1], attacker)
        last_server = data_from(sessions[-1], camera)
        c.require(b"enable\r\nsystem\r\nshell\r\nsh\r\n/bin/busybox MIRAI\r\n" in last_client,
                  "no enable/system/shell/sh/busybox MIRAI")
        c.require(b"MIRAI: applet not found" in last_server and b"BusyBox" in last_server,
                  "no applet not found")
        c.require(sum(b"Login incorrect" in data_from(s, camera) for s in sessions) == 8,
                  "not 8 refused logins")
    check_report(c, packets, attacker, (camera, 23, "root", "xc3511"))


def check_report(c, packets, reporter, expected):
    reports = list(streams(packets, lambda p: p.int("tcp.dstport") == 48101 and p.src == reporter
                           or p.int("tcp.srcport") == 48101 and p.dst == reporter).values())
    c.require(len(reports) == 1, f"{len(reports)} report connections from {reporter}")
    for stream in reports:
        c.require(stream[0].dst == "198.51.100.200", "report not to 198.51.100.200")
        c.require(not data_from(stream, "198.51.100.200"), "the listener sent data")
        record = parse_report(data_from(stream, reporter))
        c.require(record == expected, f"report {record}, not {expected}")


def check_ftp(c, packets):
    commands = [(p["ftp.request.command"], p["ftp.request.arg"]) for p in packets
                if p["ftp.request.command"]]
    c.require(commands == [("USER", "admin"), ("PASS", "admin"), ("SYST", ""), ("PWD", ""),
                           ("QUIT", "")], f"FTP commands {commands}")
    codes = [p.int("ftp.response.code") for p in packets if p["ftp.response.code"]]
    c.require(codes == [220, 331, 230, 215, 257, 221], f"FTP codes {codes}")
    c.require(all(p.src == "203.0.113.80" for p in packets if p["ftp.request.command"]),
              "FTP client is not 203.0.113.80")


def check_telnet_nondefault(c, packets):
    sessions = list(streams(packets, lambda p: {p.src, p.dst} == {"192.168.1.10", "192.168.1.1"}
                            ).values())
    c.require(len(sessions) == 1, f"{len(sessions)} router telnet sessions")
    for stream in sessions:
        client = data_from(stream, "192.168.1.10")
        server = data_from(stream, "192.168.1.1")
        c.require(b"operator\r\nTr0ub4dor&3\r\nls\r\nexit\r\n" in client, "client lines")
        c.require(b"login: " in server and b"Password: " in server and b"$ " in server
                  and b"Login incorrect" not in server, "server lines")
        c.require(any(p.has("telnet") for p in stream), "tshark does not see telnet")


def check_http(c, packets):
    packets = [p for p in packets if "192.168.1.51" in (p.src, p.dst)]
    auth = [p for p in packets if p["http.authorization"]]
    c.require(len(auth) == 1 and auth[0]["http.authorization"] == "Basic YWRtaW46MTIzNDU=",
              "no Basic admin:12345")
    if auth:
        c.require(base64.b64decode(auth[0]["http.authorization"].split()[1]) == b"admin:12345",
                  "credentials")
    codes = [(p.int("http.response.code"), p["http.www_authenticate"]) for p in packets
             if p["http.response.code"]]
    c.require([code for code, _ in codes] == [401, 200] and codes[0][1].startswith("Basic"),
              f"responses {codes}")
    http = {p.int("tcp.stream") for p in packets if p["http.response.code"]}
    c.require(len(http) == 1, "not one keep-alive connection")


def check_pop3(c, packets):
    requests = [(p["pop.request.command"], p["pop.request.parameter"]) for p in packets
                if p["pop.request.command"]]
    c.require(requests[:2] == [("USER", "alice"), ("PASS", "s3cret pass")],
              f"POP requests {requests}")
    c.require(all(p.dst == "198.51.100.25" and p.int("tcp.dstport") == 110
                  for p in packets if p["pop.request.command"]), "POP server")
    oks = [p for p in packets if p["pop.response.indicator"] == "+OK"]
    c.require(len(oks) == 5, f"{len(oks)} +OK")


def check_imap(c, packets):
    logins = [p for p in packets if p["imap.request.command"].upper() == "LOGIN"]
    c.require(len(logins) == 1 and "alice" in logins[0]["imap.request.username"],
              "no IMAP LOGIN alice")
    for p in logins:
        c.require(b'a1 LOGIN "alice" "s3cret pass"\r\n' == p.payload(), "LOGIN line")
    ok = [p for p in packets if p.payload().startswith(b"a1 OK")]
    c.require(len(ok) == 1 and ok[0].has("imap"), "no a1 OK")


def check_ssh(c, packets):
    sessions = list(streams(packets, lambda p: {p.src, p.dst} == {"203.0.113.51",
                                                                  "192.168.1.70"}).values())
    c.require(len(sessions) == 30, f"{len(sessions)} SSH sessions")
    for stream in sessions:
        length = stream[-1].ts - stream[0].ts
        c.require(0.8 <= length <= 3.3, f"SSH session of {length:.1f} s")
        banners = {p["ssh.protocol"] for p in stream if p["ssh.protocol"]}
        c.require(len(banners) == 2 and all(b.startswith("SSH-2.0-") for b in banners),
                  f"banners {banners}")
        both = [len(data_from(stream, host)) for host in ("203.0.113.51", "192.168.1.70")]
        c.require(min(both) >= 500 and sum(both) >= 2000, f"SSH bytes {both}")
        c.require(stream[-3].flags() & FIN and stream[-3].src == "192.168.1.70",
                  "server does not close")
    if sessions:
        span = sessions[-1][0].ts - sessions[0][0].ts
        c.require(85 <= span <= 90, f"SSH sessions over {span:.0f} s")


def check_c2(c, packets, duration):
    c2 = list(streams(packets, lambda p: {p.src, p.dst} == {BOT, "198.51.100.66"}).values())
    c.require(len(c2) == 1, f"{len(c2)} C2 connections")
    if c2:
        data = [(p.ts, p.src, p.payload()) for p in c2[0] if p.int("tcp.len")]
        c.require(data[0][1:] == (BOT, bytes.fromhex("0000000100")), "no hello 00 00 00 01 00")
        beats = [ts for ts, src, payload in data[1:] if src == BOT]
        echoes = [ts for ts, src, payload in data[1:] if src != BOT]
        c.require(all(payload == b"\0\0" for _, _, payload in data[1:]), "beats not 2 zero bytes")
        c.require(len(beats) >= int((duration - 5) / 61) and len(echoes) == len(beats),
                  f"{len(beats)} beats, {len(echoes)} echoes")
        gaps = [b - a for a, b in zip(beats, beats[1:])]
        c.require(all(59 <= g <= 61 for g in gaps), f"beat gaps {gaps}")
        c.require(not any(p.flags() & (FIN | RST) for p in c2[0]), "C2 channel closed")
    dead = [p for p in packets if p.dst == "198.51.100.67" and p.src != "203.0.113.66"]
    c.require(not [p for p in packets if p.src == "198.51.100.67"], "the dead C2 answered")
    c.require(dead and all(p.src == "192.168.1.24" and p.flags() == SYN
                           and p.int("tcp.dstport") == 23 for p in dead), "dead C2 SYNs")
    attempts = collections.OrderedDict()
    for p in dead:
        attempts.setdefault(p.int("tcp.srcport"), []).append(p.ts)
    for times in attempts.values():
        offsets = [round(t - times[0]) for t in times]
        c.require(offsets == [0, 1, 3, 7, 15, 31, 63][:len(offsets)], f"retries at {offsets}")
        c.require(len({p.int("tcp.seq_raw") for p in dead if p.ts in times}) == 1,
                  "a retransmission changed its ISN")
    starts = [t[0] for t in attempts.values()]
    c.require(all(abs(b - a - 123) < 0.1 for a, b in zip(starts, starts[1:])),
              f"attempts at {starts}")


def check_public_dns(c, packets, duration):
    queries = [p for p in packets if p.dst == "8.8.8.8"]
    c.require(queries and all(p.src == BOT for p in queries), "other hosts ask 8.8.8.8")
    c.require(int((duration - 1) / 30.5) + 1 <= len(queries) <= int((duration - 1) / 30) + 1,
              f"{len(queries)} queries")
    c.require(all(p["dns.qry.name"] == "cnc.changeme.com" and p.int("dns.flags.recdesired") == 1
                  and p.int("dns.count.add_rr") == 0 and p.int("udp.dstport") == 53
                  for p in queries), "queries are not RD-only A cnc.changeme.com")
    answers = [p for p in packets if p.src == "8.8.8.8"]
    c.require(len(answers) == len(queries) and all(p["dns.a"] == "198.51.100.66"
                                                   for p in answers), "answers")
    others = [p for p in packets if p.int("udp.dstport") == 53 and p.src != BOT]
    c.require(all(p.dst == "192.168.1.2" for p in others), "LAN clients use another resolver")


def check_flood(c, packets, flood_s):
    flood = [p for p in packets if p.src == BOT and p.dst == "198.51.100.10" and p["udp.length"]]
    c.require(all(p.int("udp.length") == 520 and p.int("ip.ttl") == 64 for p in flood),
              "not 512-byte payloads, TTL 64")
    c.require(len({p.int("udp.srcport") for p in flood}) == 1 and
              len({p.int("udp.dstport") for p in flood}) == 1, "ports are not fixed")
    c.require(abs(len(flood) - 5000 * flood_s) <= 1, f"{len(flood)} flood packets in {flood_s} s")
    if flood:
        c.require(abs(flood[0].ts - START - 20) < 0.001, "flood does not start at 20 s")


def flood_ports(path):
    out = tshark(path, ["-Y", f"ip.src=={BOT} && udp.length==520", "-T", "fields", "-e",
                        "udp.srcport", "-e", "udp.dstport"]).splitlines()
    return out[0].split() if out else []


# ---------------------------------------------------------------------------------------------

def generate(gen, workdir, name, args):
    return generate_capture(gen, "iot", workdir, name, args)


CASES = [
    # name, behaviours, duration, extra args
    ("mirai_scan", 30, []),
    ("generic_scan", 30, []),
    ("telnet_bruteforce", 60, []),
    ("infected_reportback", 60, []),
    ("ftp_default", 30, []),
    ("telnet_nondefault", 40, []),
    ("http_basic_default", 30, []),
    ("pop3_login", 30, []),
    ("imap_login", 30, []),
    ("ssh_bruteforce", 100, []),
    ("c2_beacon", 420, ["--background-pps", 20]),
    ("public_dns", 60, []),
    ("outgoing_flood", 40, []),
]


def check_behaviour(c, name, packets, duration, scan_s=None, flood_s=10):
    checks = {
        "mirai_scan": lambda: check_mirai_scan(c, packets, scan_s or duration),
        "generic_scan": lambda: check_generic_scan(c, packets),
        "telnet_bruteforce": lambda: check_telnet_bruteforce(c, packets),
        "infected_reportback": lambda: check_report(c, packets, BOT,
                                                    ("203.0.113.77", 23, "root", "vizxv")),
        "ftp_default": lambda: check_ftp(c, packets),
        "telnet_nondefault": lambda: check_telnet_nondefault(c, packets),
        "http_basic_default": lambda: check_http(c, packets),
        "pop3_login": lambda: check_pop3(c, packets),
        "imap_login": lambda: check_imap(c, packets),
        "ssh_bruteforce": lambda: check_ssh(c, packets),
        "c2_beacon": lambda: check_c2(c, packets, duration),
        "public_dns": lambda: check_public_dns(c, packets, duration),
        "outgoing_flood": lambda: check_flood(c, packets, flood_s),
    }
    checks[name]()


def main():
    args = parse_args(__doc__)
    workdir = work_folder(args.keep, "rampart-iot-")
    failures = []

    for name, duration, extra in CASES:
        c = Checker(name)
        pps = 200
        if "--background-pps" in extra:
            pps = extra[extra.index("--background-pps") + 1]
        path = generate(args.gen, workdir, name,
                        ["--behaviour", name, "--duration", duration, "--seed", 7] + extra)
        packets = run_tshark(path, flood_ports(path) if name == "outgoing_flood" else ())
        check_common(c, path, packets, duration)
        check_background(c, packets, duration, pps)
        check_behaviour(c, name, packets, duration)
        print(f"{name}: {len(packets)} packets, {len(c.failures)} failures", flush=True)
        failures += c.failures

    # Everything at once, with its defaults (420 s, a 60 s scan and a 2 s flood).
    c = Checker("all")
    path = generate(args.gen, workdir, "all", ["--behaviour", "all", "--seed", 7])
    size = os.path.getsize(path)
    c.require(size < 20_000_000, f"all is {size} bytes")
    packets = run_tshark(path, flood_ports(path))
    check_common(c, path, packets, 420)
    check_background(c, packets, 420, 200)
    for name, _, _ in CASES:
        check_behaviour(c, name, packets, 420, scan_s=60, flood_s=2)
    print(f"all: {len(packets)} packets, {size} bytes, {len(c.failures)} failures", flush=True)
    failures += c.failures

    # Determinism.
    c = Checker("seed")
    a = generate(args.gen, workdir, "seed-a", ["--behaviour", "mirai_scan,c2_beacon,ssh_bruteforce",
                                               "--seed", 11])
    b = generate(args.gen, workdir, "seed-b", ["--behaviour", "ssh_bruteforce,c2_beacon,mirai_scan",
                                               "--seed", 11])
    d = generate(args.gen, workdir, "seed-c", ["--behaviour", "mirai_scan,c2_beacon,ssh_bruteforce",
                                               "--seed", 12])
    c.require(digest(a) == digest(b), "the same seed wrote different files")
    c.require(digest(a) != digest(d), "another seed wrote the same file")
    result = subprocess.run([args.gen, "iot", "--behaviour", "nonsense", "--out",
                             os.path.join(workdir, "x.pcap")], capture_output=True, text=True)
    c.require(result.returncode == 2 and "unknown behaviour" in result.stderr,
              "an unknown behaviour is not a usage error")
    failures += c.failures
    return finish(workdir, args.keep, failures)


if __name__ == "__main__":
    sys.exit(main())
