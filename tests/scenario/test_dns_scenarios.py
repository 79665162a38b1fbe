#!/usr/bin/env python3
"""Checks `rampart-gen dns` captures with tshark.

Every behaviour is written at both vantage points (amplification at one), and `all` at both.
tshark reads each capture once, with IP and UDP checksums checked. The checks:
  - No packet is malformed or has expert info of severity error. Reassembled fragments are
    fine.
  - The file is a nanosecond pcap of Ethernet frames with sorted timestamps. Local hosts have
    their own MAC and remote ones the router's.
  - Every response follows a query with the same addresses, ports, ID, name and type, and has
    QR set: AA from authoritative servers, RA from 10.0.0.53. NXDOMAIN has the zone's SOA in the
    authority section, and NOERROR has answers.
  - benign: ~200 queries/s, Zipf-like repetition, A/AAAA/MX/TXT/HTTPS, more than 95 % NOERROR,
    a few NXDOMAIN typos, and a cache at the resolver.
  - water_torture: every name is ^[a-w0-8]{12}\\.<zone>$, qtype A, and the rate is within 5 %
    of --rate in the 10-40 s window. At the authoritative server, ~30 % of the queries are
    unanswered and retried 1 s later (same port, ID and name, at most 3 tries), and every answer
    is NXDOMAIN. At the resolver, the bots send Mirai's shape (RD only, no EDNS, TTL 64), and
    each query is forwarded to 192.0.2.53 and relayed back.
  - retry_storm: at most 200 distinct names, the rate, half of the queries unanswered at the
    server, NOERROR.
  - cdn_random: 16-hex labels, all answered NOERROR with A records.
  - tunnel: long base32 labels and TXT answers.
  - amplification: fragmented responses from port 53 of ~300 resolvers to random ports of
    198.51.100.77, 3000-4000 bytes, and no query from the victim.
  - The same seed writes byte-identical files, and another seed a different file.

Usage: test_dns_scenarios.py --gen build/release/rampart-gen [--keep DIR]
"""
import collections
import ipaddress
import os
import re
import struct
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tshark_util import (  # noqa: E402  (the folder is on the path first)
    Checker, bad_packets, check_file, digest, epoch_seconds, finish, generate as generate_capture,
    parse_args, pcap_records, to_int, tshark_fields, work_folder)

START = 1477040400
SERVER = "198.51.100.53"
RESOLVER = "10.0.0.53"
VICTIM = "198.51.100.77"
ROUTER_MAC = "02:00:00:00:00:01"
WELL_KNOWN = {"8.8.8.8", "8.8.4.4", "1.1.1.1", "9.9.9.9"}
POOL = {f"203.0.113.{i}" for i in range(10, 50)} | WELL_KNOWN
BOTS = {f"10.1.5.{i}" for i in range(10, 30)}
SPECIAL_ZONES = ("busy-example.com", "cdn-example.net", "tunnel-example.org")
CHECKSUMS = ["-o", "udp.check_checksum:TRUE", "-o", "ip.check_checksum:TRUE"]
FIELDS = [
    "frame.time_epoch", "eth.src", "eth.dst", "ip.src", "ip.dst", "ip.ttl", "ip.flags.df",
    "ip.flags.mf", "ip.frag_offset", "udp.srcport", "udp.dstport", "udp.length", "dns.id",
    "dns.flags.response", "dns.flags.rcode", "dns.flags.authoritative", "dns.flags.recdesired",
    "dns.flags.recavail", "dns.qry.name", "dns.qry.type", "dns.count.answers",
    "dns.count.auth_rr", "dns.count.add_rr", "dns.resp.type", "dns.resp.name", "dns.soa.mname",
    "dns.a", "dns.txt", "_ws.expert.severity", "_ws.expert.message", "_ws.malformed",
]
NOERROR, NXDOMAIN = 0, 3
A, SOA, MX, TXT, AAAA, HTTPS, ANY = 1, 6, 15, 16, 28, 65, 255


INDEX = {field: i for i, field in enumerate(FIELDS)}


class Packet:
    __slots__ = ("raw", "ts", "src", "dst", "name", "is_dns", "response")

    def __init__(self, values):
        self.raw = values + [""] * (len(FIELDS) - len(values))
        self.ts = epoch_seconds(self["frame.time_epoch"])
        self.src = self["ip.src"]
        self.dst = self["ip.dst"]
        self.name = self["dns.qry.name"]
        self.is_dns = bool(self["dns.id"])
        self.response = self["dns.flags.response"] in ("1", "True")

    def __getitem__(self, field):
        return self.raw[INDEX[field]]

    def int(self, field, default=None):
        return to_int(self[field].split("|")[0], default)

    def flag(self, field):
        return self[field] in ("1", "True")

    def types(self):
        return [int(t) for t in self["dns.resp.type"].split("|") if t]


def run_tshark(path):
    return [Packet(values) for values in tshark_fields(path, FIELDS, CHECKSUMS)]


def local(address):
    return address.startswith("10.") or address.startswith("198.51.100.")


def mac_of(address):
    if not local(address):
        return ROUTER_MAC
    return "02:00:" + ":".join("%02x" % int(o) for o in address.split("."))


def in_zone(name, zone):
    return name == zone or name.endswith("." + zone)


def near(value, want, tolerance):
    return abs(value - want) <= tolerance * want


# ---------------------------------------------------------------------------------------------

class Capture:
    """A capture's packets, its DNS queries and responses, and the response of each query."""

    def __init__(self, path):
        self.path = path
        self.packets = run_tshark(path)
        self.dns = [p for p in self.packets if p.is_dns]
        self.queries = [p for p in self.dns if not p.response]
        self.responses = [p for p in self.dns if p.response]
        self.answer_of = {}  # id(query) -> response
        self.unmatched = []
        pending = collections.defaultdict(list)
        for p in self.dns:
            if not p.response:
                pending[(p.src, p["udp.srcport"], p.dst, p["dns.id"], p.name)].append(p)
                continue
            if p.src != SERVER and p.dst == VICTIM:
                continue  # amplification: no queries
            waiting = pending.get((p.dst, p["udp.dstport"], p.src, p["dns.id"], p.name))
            if not waiting:
                self.unmatched.append(p)
                continue
            query = waiting.pop()  # a retry's answer belongs to the last try
            waiting.clear()
            self.answer_of[id(query)] = (query, p)

    def answer(self, query):
        pair = self.answer_of.get(id(query))
        return pair[1] if pair else None


def check_common(c, cap, vantage):
    check_file(c, cap.path, START)
    bad = bad_packets(cap.packets)
    c.require(not bad, f"{len(bad)} malformed/expert-error packets, first: "
              + (f"{bad[0].src}->{bad[0].dst} {bad[0]['_ws.expert.message']}" if bad else ""))
    wrong_mac = [p for p in cap.packets
                 if p["eth.src"] != mac_of(p.src) or p["eth.dst"] != mac_of(p.dst)]
    c.require(not wrong_mac, f"{len(wrong_mac)} frames with wrong MACs, first "
              + (f"{wrong_mac[0].src} {wrong_mac[0]['eth.src']}" if wrong_mac else ""))
    servers = {SERVER} if vantage == "authoritative" else {RESOLVER}
    strays = [p for p in cap.queries if p.dst not in servers
              and not (vantage == "resolver" and p.src == RESOLVER)]
    c.require(not strays, f"{len(strays)} queries to unexpected servers, first "
              + (f"{strays[0].src}->{strays[0].dst}" if strays else ""))
    c.require(not cap.unmatched, f"{len(cap.unmatched)} responses without their query, first "
              + (f"{cap.unmatched[0].src}->{cap.unmatched[0].dst} id {cap.unmatched[0]['dns.id']}"
                 f" {cap.unmatched[0].name}" if cap.unmatched else ""))
    problems = collections.Counter()
    for query, response in cap.answer_of.values():
        if response["dns.qry.type"] != query["dns.qry.type"]:
            problems["question not echoed"] += 1
        if response.ts < query.ts:
            problems["answer before the query"] += 1
        if response.src == RESOLVER:
            if not response.flag("dns.flags.recavail") or response.flag("dns.flags.authoritative"):
                problems["resolver answer without RA or with AA"] += 1
        elif not response.flag("dns.flags.authoritative"):
            problems["authoritative answer without AA"] += 1
        if response.flag("dns.flags.recdesired") != query.flag("dns.flags.recdesired"):
            problems["RD not copied"] += 1
        if (query.int("dns.count.add_rr") > 0) != (response.int("dns.count.add_rr") > 0):
            problems["OPT not echoed"] += 1
        rcode = response.int("dns.flags.rcode")
        if rcode == NXDOMAIN:
            zone = response["dns.resp.name"].split("|")[-2 if query.int("dns.count.add_rr") else -1]
            if SOA not in response.types() or response.int("dns.count.auth_rr") != 1 \
                    or response["dns.soa.mname"] != "ns1." + zone or not in_zone(query.name, zone):
                problems["NXDOMAIN without the zone's SOA"] += 1
        elif rcode == NOERROR:
            if response.int("dns.count.answers", 0) < 1:
                problems["NOERROR without answers"] += 1
            if query.int("dns.qry.type") == A and not response["dns.a"]:
                problems["A query without A records"] += 1
        else:
            problems[f"rcode {rcode}"] += 1
    c.require(not problems, f"responses: {dict(problems)}")


def zone_queries(cap, zone, vantage):
    """Queries for `zone` that reach the capture's server (the client leg at the resolver)."""
    server = SERVER if vantage == "authoritative" else RESOLVER
    return [q for q in cap.queries if q.dst == server and in_zone(q.name, zone)]


def window(queries, lo=10, hi=40):
    return [q for q in queries if START + lo <= q.ts < START + hi]


def check_rate(c, what, queries, rate, lo, hi):
    inside = window(queries, lo, hi)
    c.require(len(inside) == len(queries), f"{what}: {len(queries) - len(inside)} queries "
              f"outside {lo}-{hi} s")
    measured = len(inside) / (hi - lo)
    c.require(near(measured, rate, 0.05), f"{what}: {measured:.1f} per second, not {rate}")
    per_second = collections.Counter(int(q.ts - START) for q in inside)
    worst = max((abs(n - rate) / rate for n in per_second.values()), default=1)
    c.require(worst <= 0.05, f"{what}: a second is {worst:.1%} off {rate}")


def benign_zone(name):
    return not any(in_zone(name, z) for z in SPECIAL_ZONES) and ".example." in "." + name


def check_benign(c, cap, vantage, duration):
    server = SERVER if vantage == "authoritative" else RESOLVER
    queries = [q for q in cap.queries if q.dst == server and benign_zone(q.name)]
    rate = len(queries) / duration
    c.require(near(rate, 200, 0.05), f"benign: {rate:.1f} queries/s, not 200")
    names = collections.Counter(q.name for q in queries)
    top = sum(n for _, n in names.most_common(10))
    c.require(top >= 0.3 * len(queries), f"benign: the top 10 names are {top} of {len(queries)}")
    types = collections.Counter(q.int("dns.qry.type") for q in queries)
    c.require({A, AAAA, MX, TXT, HTTPS} <= set(types), f"benign: qtypes {dict(types)}")
    answers = [cap.answer(q) for q in queries]
    c.require(all(answers), f"benign: {answers.count(None)} queries unanswered")
    codes = collections.Counter(a.int("dns.flags.rcode") for a in answers if a)
    c.require(codes[NOERROR] > 0.95 * len(queries) and codes[NXDOMAIN] > 0,
              f"benign: rcodes {dict(codes)}")
    found = {q.name for q, a in zip(queries, answers) if a and a.int("dns.flags.rcode") == 0}
    c.require(200 <= len(found) <= 350, f"benign: {len(found)} distinct names answered")
    if vantage == "resolver":
        upstream = [q for q in cap.queries if q.src == RESOLVER and benign_zone(q.name)]
        c.require(0 < len(upstream) < 0.3 * len(queries),
                  f"benign: {len(upstream)} of {len(queries)} lookups went upstream (no cache?)")
        servers = {q.dst for q in upstream}
        c.require(all(s.startswith("192.0.2.") and 100 <= int(s.split(".")[3]) <= 149
                      for s in servers), f"benign: upstream servers {sorted(servers)[:5]}")


def check_water_torture(c, cap, vantage, rate, zone="victim-example.com",
                        apex="victim-example.com", lo=10, hi=40):
    queries = zone_queries(cap, zone, vantage)
    if not c.require(queries, f"water_torture: no query for {zone}"):
        return
    pattern = re.compile(r"^[a-w0-8]{12}\." + re.escape(zone) + "$")
    bad = [q.name for q in queries if not pattern.match(q.name)]
    c.require(not bad, f"water_torture: {len(bad)} names off the pattern, first "
              + (bad[0] if bad else ""))
    c.require(all(q.int("dns.qry.type") == A for q in queries), "water_torture: not all qtype A")
    check_rate(c, "water_torture", queries, rate, lo, hi)
    answers = [cap.answer(q) for q in queries]
    answered = [a for a in answers if a]
    c.require(all(a.int("dns.flags.rcode") == NXDOMAIN and a["dns.soa.mname"] == "ns1." + apex
                  for a in answered), "water_torture: an answer is not NXDOMAIN with the SOA")
    if vantage == "authoritative":
        c.require({q.src for q in queries} <= POOL, "water_torture: sources outside the pool")
        c.require(all(not q.flag("dns.flags.recdesired") and q.int("dns.count.add_rr") == 1
                      for q in queries), "water_torture: resolvers' queries not RD=0 with EDNS")
        dropped = answers.count(None) / len(queries)
        c.require(near(dropped, 0.3, 0.1), f"water_torture: {dropped:.1%} unanswered, not 30%")
        tries = collections.defaultdict(list)
        for q in queries:
            tries[(q.src, q["udp.srcport"], q["dns.id"], q.name)].append(q)
        retried = [t for t in tries.values() if len(t) > 1]
        c.require(all(len(t) <= 3 for t in tries.values()), "water_torture: more than 3 tries")
        c.require(len(retried) > 0.15 * len(tries), f"water_torture: {len(retried)} of "
                  f"{len(tries)} names retried")
        for t in retried:
            gaps = [b.ts - a.ts for a, b in zip(t, t[1:])]
            if not all(0.999 <= g < 1.1 for g in gaps) or any(cap.answer(q) for q in t[:-1]):
                c.require(False, f"water_torture: retries of {t[0].name} at {gaps} s")
                break
    else:
        c.require({q.src for q in queries} == BOTS, "water_torture: sources are not the 20 bots")
        c.require(all(q.flag("dns.flags.recdesired") and q.int("dns.count.add_rr") == 0
                      and q.int("ip.ttl") == 64 and not q.flag("ip.flags.df") for q in queries),
                  "water_torture: bot queries are not RD-only, no EDNS, TTL 64, no DF")
        c.require(len(answered) == len(queries), f"water_torture: {len(queries) - len(answered)}"
                  " bot queries unanswered")
        upstream = [q for q in cap.queries if q.src == RESOLVER and in_zone(q.name, zone)]
        c.require(len(upstream) == len(queries) and {q.dst for q in upstream} == {"192.0.2.53"},
                  f"water_torture: {len(upstream)} forwarded queries for {len(queries)}")
        c.require(all(cap.answer(q) for q in upstream), "water_torture: upstream unanswered")


def check_retry_storm(c, cap, vantage, rate):
    queries = zone_queries(cap, "busy-example.com", vantage)
    if not c.require(queries, "retry_storm: no query"):
        return
    names = {q.name for q in queries}
    c.require(0 < len(names) <= 200, f"retry_storm: {len(names)} distinct names")
    check_rate(c, "retry_storm", queries, rate, 10, 40)
    answers = [cap.answer(q) for q in queries]
    c.require(all(a.int("dns.flags.rcode") == NOERROR for a in answers if a),
              "retry_storm: an answer is not NOERROR")
    if vantage == "authoritative":
        c.require(len({q.src for q in queries}) == 44, "retry_storm: not the whole pool")
        unanswered = answers.count(None) / len(queries)
        c.require(near(unanswered, 0.5, 0.05), f"retry_storm: {unanswered:.1%} unanswered")
    else:
        c.require(all(answers), "retry_storm: a client got no answer")
        first = [q for q in cap.queries if q.src == RESOLVER and q.dst == "192.0.2.80"]
        second = [q for q in cap.queries if q.src == RESOLVER and q.dst == "192.0.2.81"]
        lost = sum(1 for q in first if not cap.answer(q))
        c.require(near(lost, len(first) / 2, 0.05) and lost == len(second)
                  and all(cap.answer(q) for q in second),
                  f"retry_storm: {lost} of {len(first)} lost upstream, {len(second)} retried")


def check_cdn(c, cap, vantage, duration):
    queries = zone_queries(cap, "cdn-example.net", vantage)
    if not c.require(queries, "cdn_random: no query"):
        return
    c.require(near(len(queries) / duration, 300, 0.05),
              f"cdn_random: {len(queries) / duration:.1f} queries/s, not 300")
    pattern = re.compile(r"^[0-9a-f]{16}\.cdn-example\.net$")
    c.require(all(pattern.match(q.name) for q in queries), "cdn_random: a name is off the pattern")
    c.require(len({q.name for q in queries}) == len(queries), "cdn_random: names repeat")
    answers = [cap.answer(q) for q in queries]
    c.require(all(a and a.int("dns.flags.rcode") == NOERROR and len(a["dns.a"].split("|")) == 2
                  for a in answers), "cdn_random: a query is not answered NOERROR with 2 A")


def check_tunnel(c, cap, vantage, duration):
    queries = zone_queries(cap, "t.tunnel-example.org", vantage)
    if not c.require(queries, "tunnel: no query"):
        return
    c.require(near(len(queries) / duration, 5, 0.05), f"tunnel: {len(queries)} queries")
    sender = "203.0.113.33" if vantage == "authoritative" else "10.1.7.7"
    c.require({q.src for q in queries} == {sender}, f"tunnel: senders {({q.src for q in queries})}")
    c.require(all(q.int("dns.qry.type") == TXT for q in queries), "tunnel: not all TXT")
    for q in queries:
        labels = q.name[:-len(".t.tunnel-example.org")].split(".")
        data = "".join(labels)
        if not (re.fullmatch(r"[a-z2-7]{50,180}", data) and all(30 <= len(l) <= 63
                                                                 for l in labels)):
            c.require(False, f"tunnel: name {q.name}")
            break
    answers = [cap.answer(q) for q in queries]
    c.require(all(a and a.int("dns.flags.rcode") == NOERROR
                  and re.fullmatch(r"[a-z2-7]{100,200}", a["dns.txt"]) for a in answers),
              "tunnel: a query is not answered NOERROR with base32 TXT")


def check_amplification(c, cap, rate, lo, hi):
    _, _, records = pcap_records(cap.path)
    datagrams = collections.defaultdict(list)
    for _, frame in records:
        ip = frame[14:]
        src, dst = ".".join(map(str, ip[12:16])), ".".join(map(str, ip[16:20]))
        if dst != VICTIM:
            continue
        flags_offset, = struct.unpack(">H", ip[6:8])
        datagrams[(src, ip[4:6])].append((flags_offset & 0x1fff, flags_offset & 0x2000, ip[20:]))
    c.require(len(datagrams) > 0, "amplification: no datagrams")
    shapes = collections.Counter()
    for parts in datagrams.values():
        first = [p for p in parts if p[0] == 0]
        ok = (len(parts) == 3 and len(first) == 1 and first[0][1]
              and struct.unpack(">H", first[0][2][:2])[0] == 53
              and sum(1 for p in parts if not p[1]) == 1)
        shapes[ok] += 1
    c.require(shapes[False] == 0, f"amplification: {shapes[False]} datagrams not cut in 3 "
              "fragments with the UDP header (source port 53) in the first")
    responses = [p for p in cap.responses if p.dst == VICTIM]
    c.require(len(responses) == len(datagrams), f"amplification: tshark reassembled "
              f"{len(responses)} of {len(datagrams)}")
    check_rate(c, "amplification", responses, rate, lo, hi)
    c.require(all(p.int("udp.srcport") == 53 and p.int("dns.qry.type") == ANY
                  and 3000 <= p.int("udp.length") - 8 <= 4000 for p in responses),
              "amplification: not ANY answers of 3000-4000 bytes from port 53")
    sources = {p.src for p in responses}
    c.require(280 <= len(sources) <= 300, f"amplification: {len(sources)} reflectors")
    c.require(all(ipaddress.ip_address(s).is_global for s in sources),
              "amplification: a reflector is not a public address")
    c.require(len({p.int("udp.dstport") for p in responses}) > 0.9 * len(responses),
              "amplification: victim ports are not random")
    c.require(not [p for p in cap.packets if p.src == VICTIM], "amplification: victim sends")


# ---------------------------------------------------------------------------------------------

def generate(gen, workdir, name, args):
    return generate_capture(gen, "dns", workdir, name, args)


def main():
    args = parse_args(__doc__)
    workdir = work_folder(args.keep, "rampart-dns-")
    failures = []

    def case(name, vantage, extra, checks, duration=60):
        c = Checker(f"{name}/{vantage}")
        path = generate(args.gen, workdir, f"{name}-{vantage}",
                        ["--vantage", vantage, "--seed", 7, "--duration", duration] + extra)
        cap = Capture(path)
        check_common(c, cap, vantage)
        check_benign(c, cap, vantage, duration)
        for check in checks:
            check(c, cap)
        print(f"{name}/{vantage}: {len(cap.packets)} packets, {os.path.getsize(path)} bytes, "
              f"{len(c.failures)} failures", flush=True)
        failures.extend(c.failures)
        return path

    for vantage in ("authoritative", "resolver"):
        case("benign", vantage, ["--behaviour", "benign"], [], duration=30)
        case("water_torture", vantage, ["--behaviour", "water_torture"],
             [lambda c, cap, v=vantage: check_water_torture(c, cap, v, 2000)], duration=45)
        case("retry_storm", vantage, ["--behaviour", "retry_storm", "--rate", 1000],
             [lambda c, cap, v=vantage: check_retry_storm(c, cap, v, 1000)], duration=45)
        case("cdn_random", vantage, ["--behaviour", "cdn_random"],
             [lambda c, cap, v=vantage: check_cdn(c, cap, v, 30)], duration=30)
        case("tunnel", vantage, ["--behaviour", "tunnel"],
             [lambda c, cap, v=vantage: check_tunnel(c, cap, v, 60)])
    # Other zones: a multi-label public suffix and a name below the registrable domain.
    case("water_torture.co.uk", "authoritative",
         ["--behaviour", "water_torture", "--zone", "Victim.CO.UK.", "--rate", 500],
         [lambda c, cap: check_water_torture(c, cap, "authoritative", 500, "victim.co.uk",
                                             "victim.co.uk", 10, 20)], duration=20)
    case("water_torture.www", "resolver",
         ["--behaviour", "water_torture", "--zone", "www.victim-example.com", "--rate", 500],
         [lambda c, cap: check_water_torture(c, cap, "resolver", 500, "www.victim-example.com",
                                             "victim-example.com", 10, 20)], duration=20)
    case("amplification", "authoritative", ["--behaviour", "amplification", "--rate", 1500],
         [lambda c, cap: check_amplification(c, cap, 1500, 10, 14.001)], duration=14)
    # Everything at once: the defaults at the authoritative server; half the rate at the
    # resolver, whose capture has twice the packets.
    for vantage, rate in (("authoritative", 2000), ("resolver", 1000)):
        path = case("all", vantage, ["--behaviour", "all", "--rate", rate], [
            lambda c, cap, v=vantage, r=rate: check_water_torture(c, cap, v, r),
            lambda c, cap, v=vantage, r=rate: check_retry_storm(c, cap, v, r),
            lambda c, cap, v=vantage: check_cdn(c, cap, v, 60),
            lambda c, cap, v=vantage: check_tunnel(c, cap, v, 60),
            lambda c, cap: c.require(
                not [q for q in cap.queries if re.match(r"^[a-w0-8]{12}\.", q.name)
                     and not in_zone(q.name, "victim-example.com")],
                "a second water torture"),
        ])
        size = os.path.getsize(path)
        limit = 40_000_000 if vantage == "authoritative" else 60_000_000
        if size > limit:
            failures.append(f"all/{vantage}: {size} bytes")
        if not args.keep:
            os.remove(path)

    # Determinism and usage errors.
    c = Checker("seed")
    a = generate(args.gen, workdir, "seed-a", ["--behaviour", "water_torture,tunnel", "--seed",
                                               11, "--duration", 15, "--rate", 300])
    b = generate(args.gen, workdir, "seed-b", ["--behaviour", "tunnel,water_torture", "--seed",
                                               11, "--duration", 15, "--rate", 300])
    d = generate(args.gen, workdir, "seed-c", ["--behaviour", "water_torture,tunnel", "--seed",
                                               12, "--duration", 15, "--rate", 300])
    c.require(digest(a) == digest(b), "the same seed wrote different files")
    c.require(digest(a) != digest(d), "another seed wrote the same file")
    for bad, message in ((["--behaviour", "nonsense"], "unknown behaviour"),
                         (["--behaviour", "benign", "--vantage", "edge"], "unknown vantage"),
                         (["--behaviour", "water_torture", "--zone", "co.uk"], "public suffix"),
                         (["--behaviour", "water_torture", "--zone", "a..b"], "not a lower-case"),
                         (["--behaviour", "water_torture", "--duration", 5], "above 10")):
        result = subprocess.run([args.gen, "dns", "--out", os.path.join(workdir, "x.pcap")] + [
            str(x) for x in bad], capture_output=True, text=True)
        c.require(result.returncode == 2 and message in result.stderr,
                  f"{bad}: exit {result.returncode}, {result.stderr.strip()}")
    failures += c.failures
    return finish(workdir, args.keep, failures)


if __name__ == "__main__":
    sys.exit(main())
