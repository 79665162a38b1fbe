#!/usr/bin/env python3
"""Checks `rampart-gen scenario` captures with tshark.

For every attack vector (every amplification service, and an IPv6 target for each vector) it
writes a short capture (2 s of attack at 2000 packets/s over 5 s of background) and checks that:
  - tshark reads it with no malformed packet and no expert info of severity error, checksums
    checked. tshark picks a UDP or TCP dissector by the lower port, so random bytes to a random
    port, or a reflector's answer to a random port lower than its own, would be "malformed" in
    whatever protocol owns that port; such captures (random-payload vectors, amplification) are
    read with only the transport dissectors and the service's own enabled;
  - the attack packets have the vector's defining shape (mirai-facts.md section 2);
  - the attack rate in its window is within 5% of --attack-pps;
  - --sources N gives exactly N sources, --spoofed about one source per packet;
  - the same seed writes byte-identical files, another seed a different file;
  - a flash crowd has 10x the handshakes in its middle third, all of them answered.

Usage: test_scenarios.py --gen build/release/rampart-gen [--keep DIR] [--jobs 2]
"""
import concurrent.futures
import ipaddress
import os
import re
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tshark_util import (  # noqa: E402  (the folder is on the path first)
    digest, epoch_ns, field_args, generate, parse_args, to_int, tshark)

START = 1477040400
DURATION = 5.0
BACKGROUND_PPS = 500
ATTACK_PPS = 2000
ATTACK_START = 1.5
ATTACK_DURATION = 2.0
SOURCES = 50
TARGET4 = "198.51.100.10"
TARGET6 = "2001:db8:1::10"

VECTORS = [
    "syn_flood", "ack_flood", "rst_flood", "tcp_stomp", "tcp_reflection", "udp_flood",
    "udp_plain_flood", "vse_flood", "gre_ip_flood", "gre_eth_flood", "icmp_flood",
    "ip_fragment_flood", "http_flood", "dns_water_torture", "amplification",
]
SERVICES = {
    "dns": 53, "ntp": 123, "ssdp": 1900, "memcached": 11211, "cldap": 389, "snmp": 161,
    "chargen": 19, "bacnet": 47808, "ws_discovery": 3702, "isakmp": 500,
}
# Random payloads on random ports: checked with the transport dissectors only.
RANDOM_PAYLOAD = {"ack_flood", "tcp_stomp", "udp_flood", "udp_plain_flood", "vse_flood",
                  "gre_ip_flood", "gre_eth_flood"}
TRANSPORT = frozenset({"frame", "eth", "ethertype", "ip", "ipv6", "ipv6.fraghdr", "ipv6.hopopts",
                       "ipv6.dstopts", "ipv6.routing", "tcp", "udp", "icmp", "icmpv6", "gre",
                       "data"})
# The dissectors of each amplification service's answers.
SERVICE_DISSECTORS = {
    "dns": {"dns"}, "ntp": {"ntp"}, "ssdp": {"ssdp", "http", "media", "data-text-lines"}, "memcached": {"memcache"},
    "cldap": {"cldap", "ldap", "ber"}, "snmp": {"snmp", "ber"}, "chargen": {"chargen"},
    "bacnet": {"bvlc", "bacnet", "bacapp"}, "ws_discovery": set(), "isakmp": {"isakmp"},
}
# Inner UDP of the GRE floods has random ports: keep 4754 (GRE-in-UDP) from being decoded.
NO_GRE_IN_UDP = ["-d", "udp.port==4754,data"]
USER_AGENTS = {
    "Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/51.0.2704.103 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/52.0.2743.116 Safari/537.36",
    "Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/51.0.2704.103 Safari/537.36",
    "Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/52.0.2743.116 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_6) AppleWebKit/601.7.7 (KHTML, like Gecko) "
    "Version/9.1.2 Safari/601.7.7",
}
MIRAI_GET = re.compile(
    r"GET / HTTP/1\.1\r\nUser-Agent: (?P<ua>[^\r]+)\r\nHost: example\.com\r\n"
    r"Connection: keep-alive\r\nAccept: text/html,application/xhtml\+xml,application/xml;"
    r"q=0\.9,image/webp,\*/\*;q=0\.8\r\nAccept-Language: en-US,en;q=0\.8\r\n\r\n\Z")
VSE_PAYLOAD = "ffffffff54536f7572636520456e67696e6520517565727900"

FIELDS = [
    "frame.time_epoch", "ip.src", "ip.dst", "ipv6.src", "ipv6.dst", "ip.proto", "ip.len",
    "ip.flags.df", "ip.flags.mf", "ip.frag_offset", "ip.ttl", "ipv6.plen", "ipv6.hlim",
    "ipv6.fraghdr.offset", "ipv6.fraghdr.more", "tcp.srcport", "tcp.dstport", "tcp.flags",
    "tcp.window_size_value", "tcp.hdr_len", "tcp.len", "tcp.options.mss_val",
    "tcp.options.wscale.shift", "tcp.options.timestamp.tsecr", "tcp.payload", "udp.srcport",
    "udp.dstport", "udp.length", "udp.payload", "gre.proto", "icmp.type", "icmpv6.type",
    "dns.qry.name", "dns.flags.recdesired", "dns.qry.type", "dns.flags.response",
    "dns.count.answers", "ntp.flags.mode", "ntp.priv.reqcode", "http.response.code",
    "frame.protocols", "data.data",
]
CHECKSUMS = ["-o", "tcp.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE", "-o",
             "ip.check_checksum:TRUE"]
BAD = "_ws.malformed || _ws.expert.severity >= error"


class Packet:
    """One tshark row; multi-valued fields (tunnels) keep every value, outermost first."""

    def __init__(self, values):
        self.raw = dict(zip(FIELDS, values))
        self.ts_ns = epoch_ns(self.raw["frame.time_epoch"])
        layers = self.raw["frame.protocols"].split(":")
        self.v6 = "ipv6" in layers and ("ip" not in layers or layers.index("ipv6") <
                                        layers.index("ip"))
        self.src = self.first("ipv6.src" if self.v6 else "ip.src")
        self.dst = self.first("ipv6.dst" if self.v6 else "ip.dst")

    def all(self, field):
        value = self.raw.get(field, "")
        return value.split(",") if value else []

    def first(self, field):
        values = self.all(field)
        return values[0] if values else ""

    def int(self, field, default=None):
        return to_int(self.first(field), default)

    def last_int(self, field, default=None):
        values = self.all(field)
        return to_int(values[-1], default) if values else default

    def ip_len(self):
        return self.int("ipv6.plen") + 40 if self.v6 else self.int("ip.len")

    def ttl(self):
        return self.int("ipv6.hlim" if self.v6 else "ip.ttl")

    def df(self):
        return self.int("ip.flags.df", 0) == 1


_BG_NETS = [ipaddress.ip_network(n) for n in (
    "203.0.113.0/24", "192.0.2.53/32", "192.0.2.123/32",
    "2001:db8:c::/64", "2001:db8:53::53/128", "2001:db8:123::123/128")]
_bg_cache = {}


def is_background_address(address):
    if address not in _bg_cache:
        ip = ipaddress.ip_address(address)
        _bg_cache[address] = any(ip in net for net in _BG_NETS if net.version == ip.version)
    return _bg_cache[address]


def is_background(p):
    return is_background_address(p.src) or is_background_address(p.dst)


class Runner:
    def __init__(self, gen, workdir):
        self.gen = gen
        self.workdir = workdir
        protocols = subprocess.run(["tshark", "-G", "protocols"], capture_output=True, text=True,
                                   check=True).stdout
        self.protocols = [p[2] for p in (line.split("\t") for line in protocols.splitlines())
                          if len(p) >= 3]
        self.profiles = {}
        for extra in [set()] + list(SERVICE_DISSECTORS.values()):
            self.profile(extra)

    def profile(self, extra):
        """A configuration folder that disables every dissector but the transport's and
        `extra`; None = all of tshark's dissectors."""
        if extra is None:
            return None
        keep = TRANSPORT | frozenset(extra)
        if keep not in self.profiles:
            path = os.path.join(self.workdir, "profile-" + "-".join(sorted(keep - TRANSPORT)))
            os.makedirs(path, exist_ok=True)
            with open(os.path.join(path, "disabled_protos"), "w") as f:
                for name in self.protocols:
                    if name not in keep and not name.startswith("_ws."):
                        f.write(name + "\n")
            self.profiles[keep] = path
        return self.profiles[keep]

    def generate(self, name, args):
        return generate(self.gen, "scenario", self.workdir, name, args)

    def tshark(self, path, extra, dissectors):
        """Runs tshark on a capture file, with all dissectors or (a set) only the transport's
        and those."""
        env = dict(os.environ)
        options = list(CHECKSUMS)
        if dissectors is not None:
            env["WIRESHARK_CONFIG_DIR"] = self.profile(dissectors)
            options += NO_GRE_IN_UDP
        return tshark(path, options + extra, env)

    def bad_packets(self, path, dissectors):
        out = self.tshark(path, ["-Y", BAD, "-T", "fields", "-e", "frame.number", "-e",
                                 "frame.protocols", "-e", "_ws.expert.message"], dissectors)
        return [line for line in out.splitlines() if line.strip()]

    def packets(self, path, dissectors):
        out = self.tshark(path, field_args(FIELDS, ","), dissectors)
        return [Packet(line.split("\t")) for line in out.splitlines()]


def base_args(target, vector, seed=1, sources=SOURCES, background_pps=BACKGROUND_PPS, **extra):
    args = ["--seed", seed, "--duration", DURATION, "--background-pps", background_pps,
            "--target", target, "--attack-pps", ATTACK_PPS, "--attack-start", ATTACK_START,
            "--attack-duration", ATTACK_DURATION, "--sources", sources]
    if vector:
        args += ["--vector", vector]
    for key, value in extra.items():
        flag = "--" + key.replace("_", "-")
        args += [flag] if value is True else [flag, value]
    return args


def attack_window(packets):
    begin = (START + ATTACK_START) * 1e9
    end = begin + ATTACK_DURATION * 1e9
    return [p for p in packets if begin <= p.ts_ns < end]


def require(failures, condition, message):
    if not condition:
        failures.append(message)


def share(items, predicate):
    items = list(items)
    return sum(1 for i in items if predicate(i)) / max(len(items), 1)


def hex_text(value):
    return bytes.fromhex(value.replace(":", "")).decode("latin-1") if value else ""


def check_shape(vector, service, v6, attack, target, failures):
    """The vector's defining fields on its packets. `attack` excludes background packets."""
    inbound = [p for p in attack if p.dst == target]

    def every(packets, predicate, what):
        bad = [p for p in packets if not predicate(p)]
        require(failures, packets and not bad,
                f"{what}: {len(bad)} of {len(packets)} packets do not match")

    ttl64 = lambda p: p.ttl() == 64  # noqa: E731
    if vector == "syn_flood":
        every(inbound, lambda p: p.int("tcp.flags") == 0x002 and p.int("tcp.window_size_value")
              == 0 and (v6 or p.df()) and p.ip_len() == (80 if v6 else 60) and ttl64(p)
              and 1400 <= p.int("tcp.options.mss_val") <= 1415
              and p.int("tcp.options.wscale.shift") == 6
              and p.int("tcp.options.timestamp.tsecr") == 0,
              "SYN, window 0, DF, 60 B, TTL 64, MSS 1400-1415, WS 6, TSecr 0")
        require(failures, len({p.int("tcp.dstport") for p in inbound}) > 0.9 * len(inbound),
                "syn_flood destination ports are not random")
    elif vector == "ack_flood":
        every(inbound, lambda p: p.int("tcp.flags") == 0x010 and p.int("tcp.len") == 512
              and p.ip_len() == (572 if v6 else 552) and not p.df() and ttl64(p),
              "ACK only, 512 B payload, 552 B")
    elif vector == "rst_flood":
        every(inbound, lambda p: p.int("tcp.flags") == 0x004 and p.ip_len() == (60 if v6 else 40),
              "RST, 40 B")
    elif vector == "tcp_stomp":
        flood = [p for p in inbound if p.int("tcp.flags") == 0x018]
        every(flood, lambda p: p.int("tcp.hdr_len") == 32 and p.int("tcp.len") == 756
              and p.ip_len() == (828 if v6 else 808) and (v6 or p.df()) and ttl64(p),
              "ACK+PSH, data offset 8, 768 B after the header, DF")
        require(failures, len(flood) > 0.9 * len(inbound), "stomp: too few ACK+PSH packets")
        ports = {}
        for p in flood:
            ports.setdefault(p.src, set()).add(p.int("tcp.dstport"))
        require(failures, all(len(v) == 1 for v in ports.values()),
                "stomp: a source uses more than one destination port")
        syns = [p for p in inbound if p.int("tcp.flags") == 0x002]
        synacks = [p for p in attack if p.int("tcp.flags") == 0x012 and p.src == target]
        require(failures, len(syns) == SOURCES and len(synacks) == SOURCES,
                f"stomp: {len(syns)} handshakes for {SOURCES} bots")
    elif vector == "tcp_reflection":
        every(inbound, lambda p: p.int("tcp.srcport") in (80, 443)
              and p.int("tcp.flags") in (0x012, 0x014), "SYN-ACK or RST-ACK from port 80/443")
        synack = share(inbound, lambda p: p.int("tcp.flags") == 0x012)
        require(failures, 0.75 < synack < 0.95, f"reflection: {synack:.2f} SYN-ACKs")
    elif vector == "udp_flood":
        every(inbound, lambda p: p.int("udp.length") == 520 and p.ip_len() == (560 if v6 else 540)
              and not p.df() and ttl64(p), "UDP 512 B payload, 540 B")
        require(failures, len({p.int("udp.dstport") for p in inbound}) > 0.9 * len(inbound)
                and len({p.int("udp.srcport") for p in inbound}) > 0.9 * len(inbound),
                "udp_flood ports are not random")
    elif vector == "udp_plain_flood":
        every(inbound, lambda p: p.int("udp.length") == 520, "UDP 512 B payload")
        require(failures, len({p.int("udp.srcport") for p in inbound}) == 1,
                "udp_plain_flood: more than one source port")
        tuples = {}
        for p in inbound:
            tuples.setdefault(p.src, set()).add(p.int("udp.dstport"))
        require(failures, all(len(v) == 1 for v in tuples.values()),
                "udp_plain_flood: a source uses more than one destination port")
    elif vector == "vse_flood":
        every(inbound, lambda p: p.int("udp.dstport") == 27015 and p.int("udp.length") == 33
              and p.first("data.data").replace(":", "") == VSE_PAYLOAD and ttl64(p),
              "UDP to 27015 with TSource Engine Query")
    elif vector in ("gre_ip_flood", "gre_eth_flood"):
        proto = 0x0800 if vector == "gre_ip_flood" else 0x6558
        size = 564 if vector == "gre_ip_flood" else 578
        every(inbound, lambda p: p.int("gre.proto") == proto and (v6 or p.df())
              and p.ip_len() == size + (20 if v6 else 0) and p.last_int("udp.length") == 520
              and len(p.all("ip.src")) == (1 if v6 else 2),
              f"GRE 0x{proto:04x} around IPv4/UDP 512 B, DF, {size} B")
        require(failures, len({p.all("ip.dst")[-1] for p in inbound}) > 0.9 * len(inbound),
                "GRE inner destinations are not random")
    elif vector == "icmp_flood":
        if v6:
            every(inbound, lambda p: p.int("icmpv6.type") == 128 and p.ip_len() == 104,
                  "ICMPv6 echo request, 56 B payload")
        else:
            every(inbound, lambda p: p.int("icmp.type") == 8 and p.ip_len() == 84,
                  "ICMP echo request, 56 B payload")
    elif vector == "ip_fragment_flood":
        if v6:
            every(inbound, lambda p: p.int("ipv6.fraghdr.offset", 0) > 0, "IPv6 fragment offset > 0")
            more = share(inbound, lambda p: p.int("ipv6.fraghdr.more") == 1)
        else:
            every(inbound, lambda p: p.int("ip.frag_offset", 0) > 0, "fragment offset > 0")
            more = share(inbound, lambda p: p.int("ip.flags.mf") == 1)
        require(failures, 0.6 < more < 0.95, f"fragments: {more:.2f} with more-fragments")
    elif vector == "http_flood":
        requests = [hex_text(p.first("tcp.payload")) for p in inbound if p.int("tcp.len", 0) > 0]
        bad = [r for r in requests
               if not (m := MIRAI_GET.match(r)) or m.group("ua") not in USER_AGENTS]
        require(failures, requests and not bad,
                f"http: {len(bad)} of {len(requests)} requests not in Mirai's form")
        agents = {MIRAI_GET.match(r).group("ua") for r in requests if MIRAI_GET.match(r)}
        require(failures, len(agents) == 5, f"http: {len(agents)} of the 5 User-Agents seen")
        answers = [p for p in attack if p.src == target and p.int("http.response.code") == 200]
        require(failures, abs(len(answers) - len(requests)) <= SOURCES,
                f"http: {len(answers)} answers to {len(requests)} requests")
        syns = {(p.src, p.int("tcp.srcport")) for p in inbound if p.int("tcp.flags") == 0x002}
        synacks = {(p.dst, p.int("tcp.dstport")) for p in attack
                   if p.src == target and p.int("tcp.flags") == 0x012}
        require(failures, syns and syns == synacks, "http: a bot SYN was not answered")
        require(failures, all(p.int("tcp.dstport") == 80 for p in inbound), "http: not to port 80")
    elif vector == "dns_water_torture":
        label = re.compile(r"^[a-w0-8]{12}\.example\.com$")
        every(inbound, lambda p: p.int("udp.dstport") == 53 and label.match(p.first("dns.qry.name"))
              and p.int("dns.flags.recdesired") == 1 and p.int("dns.qry.type") == 1
              and p.int("dns.flags.response") == 0,
              "query for [a-w0-8]{12}.example.com, RD, type A")
    elif vector == "amplification":
        port = SERVICES[service]
        # Non-first fragments have no UDP header; the reassembled datagram shows on the last.
        datagrams = [p for p in inbound if p.int("udp.srcport") is not None]
        fragments = [p for p in inbound if p.int("udp.srcport") is None]
        every(datagrams, lambda p: p.int("udp.srcport") == port and p.int("udp.dstport") >= 1024,
              f"UDP from port {port} to the target's ports")
        expected = {
            "dns": "dns", "ntp": "ntp", "ssdp": "ssdp", "memcached": "memcache",
            "cldap": "cldap", "snmp": "snmp", "chargen": "chargen", "bacnet": "bacapp",
            "isakmp": "isakmp", "ws_discovery": "data",
        }[service]
        every(datagrams, lambda p: expected in p.first("frame.protocols").split(":"),
              f"dissected as {expected}")
        sizes = {p.int("udp.length") for p in datagrams}
        if service in ("dns", "cldap"):
            lo, hi = (3008, 4008) if service == "dns" else (2900, 3100)
            require(failures, sizes and all(lo <= s <= hi for s in sizes),
                    f"{service}: datagram sizes {min(sizes, default=0)}-{max(sizes, default=0)}")
            require(failures, len(fragments) >= len(datagrams),
                    f"{service}: not sent as IP fragments")
        else:
            require(failures, not fragments, f"{service}: unexpected fragments")
        fixed = {"ntp": 448, "ssdp": 308, "memcached": 1408, "snmp": 1408, "chargen": 1008}
        if service in fixed:
            require(failures, sizes == {fixed[service]},
                    f"{service}: UDP lengths {sorted(sizes)[:5]}, expected {fixed[service]}")
        if service == "ntp":
            every(datagrams, lambda p: p.int("ntp.flags.mode") == 7
                  and p.int("ntp.priv.reqcode") == 42 and (v6 or p.ip_len() == 468),
                  "mode-7 monlist (MON_GETLIST_1), 468 B")
        if service == "dns":
            every(datagrams, lambda p: p.int("dns.flags.response") == 1
                  and p.int("dns.qry.type") == 255 and p.int("dns.count.answers") > 5,
                  "ANY responses with many answers")
        if service == "ws_discovery":
            every(datagrams, lambda p: hex_text(p.first("data.data")).startswith("<?xml"),
                  "SOAP ProbeMatches")


def check_vector(runner, vector, service=None, v6=False):
    name = f"{vector}{'_' + service if service else ''}{'_v6' if v6 else ''}"
    target = TARGET6 if v6 else TARGET4
    extra = {"service": service} if service else {}
    path = runner.generate(name, base_args(target, vector, **extra))
    if vector in RANDOM_PAYLOAD:
        dissectors = set()
    elif service:
        dissectors = SERVICE_DISSECTORS[service]
    else:
        dissectors = None
    failures = []
    bad = runner.bad_packets(path, dissectors)
    require(failures, not bad, f"tshark reports {len(bad)} bad packets, e.g. {bad[:2]}")
    packets = runner.packets(path, dissectors)
    attack = [p for p in packets if not is_background(p)]
    background = [p for p in packets if is_background(p)]
    require(failures, all((p.v6 == v6) for p in attack),
            "attack packets of the wrong IP version")
    check_shape(vector, service, v6, attack, target, failures)
    window = attack_window(attack)
    rate = len(window) / ATTACK_DURATION
    require(failures, abs(rate - ATTACK_PPS) <= 0.05 * ATTACK_PPS,
            f"attack rate {rate:.0f} pps, expected {ATTACK_PPS}")
    outside = [p for p in attack if not (START + ATTACK_START - 0.001) * 1e9 <= p.ts_ns
               <= (START + ATTACK_START + ATTACK_DURATION + 1) * 1e9]
    require(failures, not outside, f"{len(outside)} attack packets outside the attack window")
    bg_rate = len(background) / DURATION
    require(failures, abs(bg_rate - BACKGROUND_PPS) <= 0.1 * BACKGROUND_PPS,
            f"background rate {bg_rate:.0f} pps, expected about {BACKGROUND_PPS}")
    # Sources: the addresses that send the attack toward the target.
    sources = {p.src for p in attack if p.dst == target}
    require(failures, len(sources) == SOURCES,
            f"{len(sources)} distinct sources, expected {SOURCES}")
    return name, failures


def check_background(runner):
    """No attack: web sessions on 80 and 443, DNS and NTP exchanges, varied TTLs and sizes."""
    failures = []
    path = runner.generate("background", base_args(TARGET4, None, background_pps=1000))
    require(failures, not runner.bad_packets(path, None), "tshark reports bad packets")
    packets = runner.packets(path, None)
    rate = len(packets) / DURATION
    require(failures, abs(rate - 1000) <= 100, f"background rate {rate:.0f} pps")
    require(failures, all(is_background(p) for p in packets), "unexpected addresses")
    syn = [p for p in packets if p.int("tcp.flags") == 0x002]
    require(failures, {p.int("tcp.dstport") for p in syn} == {80, 443}, "web ports")
    require(failures, len({p.src for p in syn}) == 50, "50 clients")
    ttls = {p.ttl() for p in syn}
    require(failures, any(48 <= t <= 64 for t in ttls) and any(110 <= t <= 128 for t in ttls),
            f"client TTLs {sorted(ttls)}")
    gets = [hex_text(p.first("tcp.payload")) for p in packets
            if p.int("tcp.dstport") == 80 and p.int("tcp.len", 0) > 0]
    require(failures, gets and all(g == "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n"
                                   for g in gets), "HTTP requests")
    answers = [p.int("tcp.len") for p in packets if p.int("tcp.srcport") in (80, 443)
               and p.int("tcp.len", 0) > 0]
    require(failures, answers and all(1000 <= n <= 1400 for n in answers)
            and len(set(answers)) > 50, "server answers of 1000-1400 bytes")
    tls = [p.int("tcp.len") for p in packets if p.int("tcp.dstport") == 443
           and p.int("tcp.len", 0) > 0]
    require(failures, tls and set(tls) == {200}, "200-byte requests on 443")
    queries = [p for p in packets if p.dst == "192.0.2.53" and p.int("udp.dstport") == 53]
    responses = [p for p in packets if p.src == "192.0.2.53" and p.int("dns.count.answers") == 1
                 and p.int("dns.flags.response") == 1]
    require(failures, queries and abs(len(queries) - len(responses)) <= 2, "DNS exchanges")
    ntp = [p.int("ntp.flags.mode") for p in packets if "192.0.2.123" in (p.src, p.dst)]
    require(failures, ntp and abs(ntp.count(3) - ntp.count(4)) <= 2
            and all(p.int("udp.length") == 56 for p in packets if "192.0.2.123" in (p.src, p.dst)),
            "NTP mode 3/4 exchanges of 48 bytes")
    synacks = {(p.dst, p.int("tcp.dstport")) for p in packets if p.int("tcp.flags") == 0x012}
    require(failures, {(p.src, p.int("tcp.srcport")) for p in syn} <= synacks,
            "unanswered client SYN")
    return "background", failures


def check_flash_crowd(runner):
    failures = []
    duration = 6.0
    path = runner.generate("flash_crowd", ["--duration", duration, "--background-pps", 600,
                                           "--flash-crowd", 10, "--clients", 50])
    require(failures, not runner.bad_packets(path, None), "tshark reports bad packets")
    packets = runner.packets(path, None)
    third = duration / 3 * 1e9
    begin = START * 1e9
    syns = [p for p in packets if p.int("tcp.flags") == 0x002]
    counts = [sum(1 for p in syns if begin + i * third <= p.ts_ns < begin + (i + 1) * third)
              for i in range(3)]
    ratio = counts[1] / max((counts[0] + counts[2]) / 2, 1)
    require(failures, 9 <= ratio <= 11, f"handshakes per third {counts}: ratio {ratio:.1f}")
    middle = {p.src for p in syns if begin + third <= p.ts_ns < begin + 2 * third}
    require(failures, len(middle) == 500, f"{len(middle)} distinct clients in the middle third")
    synacks = {(p.dst, p.int("tcp.dstport")) for p in packets if p.int("tcp.flags") == 0x012}
    unanswered = [p for p in syns if (p.src, p.int("tcp.srcport")) not in synacks]
    require(failures, not unanswered, f"{len(unanswered)} client SYNs unanswered")
    finished = sum(1 for p in packets if p.int("tcp.flags") == 0x011 and p.int("tcp.srcport")
                   in (80, 443))
    require(failures, finished == len(syns), f"{finished} closed of {len(syns)} sessions")
    return "flash_crowd", failures


def check_spoofed_and_carpet(runner):
    failures = []
    for vector in ("syn_flood", "udp_flood", "amplification"):
        path = runner.generate(f"spoofed_{vector}",
                               base_args(TARGET4, vector, spoofed=True,
                                         service="ntp") if vector == "amplification"
                               else base_args(TARGET4, vector, spoofed=True))
        attack = [p for p in runner.packets(path, set()) if not is_background(p)]
        distinct = len({p.src for p in attack})
        require(failures, distinct >= 0.99 * len(attack),
                f"spoofed {vector}: {distinct} sources for {len(attack)} packets")
    path = runner.generate("carpet", base_args("198.51.100.0/24", "syn_flood"))
    attack = [p for p in runner.packets(path, set()) if not is_background(p)]
    net = ipaddress.ip_network("198.51.100.0/24")
    hosts = {p.dst for p in attack}
    require(failures, all(ipaddress.ip_address(h) in net for h in hosts) and len(hosts) > 240
            and "198.51.100.0" not in hosts and "198.51.100.255" not in hosts,
            f"carpet bombing hit {len(hosts)} hosts")
    path = runner.generate("carpet6", base_args("2001:db8:1::/120", "udp_flood"))
    attack = [p for p in runner.packets(path, set()) if not is_background(p)]
    net = ipaddress.ip_network("2001:db8:1::/120")
    hosts = {p.dst for p in attack}
    require(failures, all(ipaddress.ip_address(h) in net for h in hosts) and len(hosts) > 240,
            f"IPv6 carpet bombing hit {len(hosts)} hosts")
    return "spoofed_and_carpet", failures


def check_determinism(runner):
    failures = []

    def digest_of(name, args):
        return digest(runner.generate(name, args))

    def http(seed):
        return base_args("198.51.100.0/28", "http_flood", seed=seed, flash_crowd=3)

    a, b, c = (digest_of("seed_a", http(7)), digest_of("seed_b", http(7)),
               digest_of("seed_c", http(8)))
    require(failures, a == b, "the same seed wrote different files")
    require(failures, a != c, "another seed wrote the same file")
    for vector in ("amplification", "gre_eth_flood"):
        args = base_args(TARGET6, vector, seed=3, service="dns")
        same = digest_of(f"det_{vector}_1", args) == digest_of(f"det_{vector}_2", args)
        require(failures, same, f"{vector}: the same seed wrote different files")
    return "determinism", failures


def check_cli_errors(runner):
    failures = []
    out = os.path.join(runner.workdir, "never.pcap")
    for args, needle in ((["--vector", "syn_flod"], "syn_flood"),
                         (["--vector", "amplification", "--service", "dnss"], "memcached"),
                         (["--target", "not-an-address"], "--target")):
        result = subprocess.run([runner.gen, "scenario", "--out", out] + args,
                                capture_output=True, text=True)
        require(failures, result.returncode != 0 and needle in result.stderr,
                f"{args}: exit {result.returncode}, stderr {result.stderr!r}")
    require(failures, not os.path.exists(out), "a failed run wrote a file")
    return "cli_errors", failures


def main():
    args = parse_args(__doc__, jobs=True)
    gen = os.path.abspath(args.gen)

    with tempfile.TemporaryDirectory(prefix="rampart-scenarios-") as tmp:
        workdir = args.keep or tmp
        os.makedirs(workdir, exist_ok=True)
        runner = Runner(gen, workdir)
        jobs = [(check_vector, (runner, v)) for v in VECTORS if v != "amplification"]
        jobs += [(check_vector, (runner, "amplification", s)) for s in SERVICES]
        jobs += [(check_vector, (runner, v, None, True)) for v in VECTORS
                 if v != "amplification"]
        jobs += [(check_vector, (runner, "amplification", s, True)) for s in ("dns", "ntp", "ssdp")]
        jobs += [(check_background, (runner,)), (check_flash_crowd, (runner,)),
                 (check_spoofed_and_carpet, (runner,)), (check_determinism, (runner,)),
                 (check_cli_errors, (runner,))]
        started = time.monotonic()
        passed = failed = 0
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(args.jobs, 1)) as pool:
            futures = [pool.submit(fn, *fn_args) for fn, fn_args in jobs]
            for future in futures:
                try:
                    name, failures = future.result()
                except AssertionError as e:
                    name, failures = "?", [str(e)]
                if failures:
                    failed += 1
                    print(f"FAIL {name}")
                    for failure in failures:
                        print(f"    {failure}")
                else:
                    passed += 1
                    print(f"ok   {name}")
                sys.stdout.flush()
        print(f"({time.monotonic() - started:.1f} s)")
        print(f"{passed} passed, {failed} failed")
        return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
