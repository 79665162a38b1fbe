#!/usr/bin/env python3
"""NetFlow v5/v9 and IPFIX decoding checked against tshark, record by record.

For every NetFlow/IPFIX capture in the flow test data, `flow_dump` (our decoder) and tshark's
cflow dissector (PDML) are run, and per frame every record tshark decodes with an address must be
found among ours with the same source and destination address, ports, IP protocol, raw packets
and raw bytes (ours divided by the sampling rate we applied: tshark shows the exporter's raw
counters), TCP flags and ToS where tshark shows them, and start/end times where tshark shows them
as absolute times or relative to the header's sysUptime. Any other difference fails.

Where the two decoders legitimately differ, our counters for that frame must say why, and the
difference is printed, never skipped silently:
  - tshark has no template for a data set ("no template found"): we must have held exactly as
    many sets (netflow.data_sets_held); records we decode from held sets later are allowed only
    as many as netflow.held_records_decoded says;
  - tshark decodes records of a datagram we drop as invalid (v5 count over 30 or past the
    datagram, IPFIX length past the datagram): our counter for it must have moved;
  - tshark stops at the v9 header's record count (we walk the sets: netflow_v9.count_mismatch),
    or at a field it finds malformed (_ws.malformed): our extra records are listed as unverified;
  - records without any address are compared by count: options data (netflow.options_records)
    and other tables (flow.records_without_address). Packet samples (a dataLinkFrameSection and
    no address fields) are compared with what tshark dissects of the sampled frame: the first IP
    header's addresses, the transport's ports (ICMP type/code) and TCP flags, one packet of
    dataLinkFrameSize bytes.

sFlow v5 (udp/6343): for every sFlow capture, each flow sample tshark dissects must match our
record for it, in order, in every field: sampling rate (0 or over 1,000,000 taken as 1), packets,
bytes (frame length x rate) and packet size, interfaces, sub-agent, exporter, time, and from the
sampled header tshark dissects (not the datagram's own IP header): the first IP header's addresses
and ToS, the TTL/protocol/fragment of the innermost IP header our decoder reaches, and the ports,
TCP flags or ICMP type/code after it; without a raw header, the sampled IPv4/IPv6 record. Flow
samples without any IP and counter samples must match our counters by number.
"""
import argparse
import calendar
import collections
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from testlib import check, finish  # noqa: E402

# Ports tshark does not decode as cflow by itself (tests/data/captures/SOURCES.md).
DECODE_AS = [9990, 9991, 9992, 2057, 2100, 8096, 4739]
DROP_COUNTERS = ("netflow_v5.bad_count", "netflow_v5.bad_length", "ipfix.bad_length",
                 "flow.datagram_too_short")
MONTHS = {m: i for i, m in enumerate(calendar.month_abbr) if m}


def run(cmd):
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}: {proc.stderr.strip()}")
    return proc.stdout


def ours(flow_dump, path):
    """({frame: datagram line}, {frame: [record]}, totals) from flow_dump."""
    datagrams, records, totals = {}, collections.defaultdict(list), {}
    for line in run([flow_dump, path]).splitlines():
        item = json.loads(line)
        if "totals" in item:
            totals = item["totals"]
        elif "datagram" in item:
            datagrams[item["frame"]] = item
        else:
            records[item["frame"]].append(item)
    return datagrams, records, totals


def abs_time_ns(text):
    """'Jun  4, 2023 08:39:53.216000000 UTC' -> ns since the epoch."""
    m = re.match(r"(\w{3})\s+(\d+), (\d+) (\d+):(\d+):(\d+)(?:\.(\d+))? UTC", text)
    if not m:
        return None
    mon, day, year, hh, mm, ss, frac = m.groups()
    secs = calendar.timegm((int(year), MONTHS[mon], int(day), int(hh), int(mm), int(ss)))
    return secs * 10**9 + int((frac or "0").ljust(9, "0")[:9])


def seconds_ms(text):
    """'2874324.123000000' (tshark relative time) -> integer milliseconds."""
    whole, _, frac = text.partition(".")
    return int(whole) * 1000 + int((frac or "0").ljust(3, "0")[:3])


def fields_of(elem):
    """{field name: [show, ...]} of every descendant field; RFC 5103 reverse elements (tshark
    names them like the forward ones, "(Reverse Type ...)" in the label) get a "@rev" suffix."""
    out = collections.defaultdict(list)
    for f in elem.iter("field"):
        name = f.get("name")
        if name:
            if "(Reverse Type" in f.get("showname", ""):
                name += "@rev"
            out[name].append(f.get("show", ""))
    return out


def sampled_packet(rec):
    """What tshark dissects of a record's dataLinkFrameSection (a packet sample): the first IP
    header's addresses (in document order, so the outer one of a tunnel) and the transport."""
    out = {}
    for f in rec.iter("field"):
        name = f.get("name")
        if name in ("ip.src", "ipv6.src", "ip.dst", "ipv6.dst"):
            out.setdefault(name.split(".")[1], f.get("show"))
        elif name in ("tcp.srcport", "tcp.dstport", "udp.srcport", "udp.dstport", "icmp.type",
                      "icmp.code", "icmpv6.type", "icmpv6.code", "tcp.flags", "ip.proto",
                      "ipv6.nxt"):
            out.setdefault(name, int(f.get("show"), 0))
    return out


class TsharkFrame:
    def __init__(self):
        self.records = []          # data records (fields dicts) with an address
        self.addressless = 0       # data records without any address
        self.options_records = 0
        self.no_template_sets = 0
        self.definitions = 0       # template and options template records
        self.malformed = False
        self.header = {}
        self.version = 0


def tshark(path):
    """{frame: TsharkFrame} from tshark's PDML of the cflow dissector."""
    cmd = ["tshark", "-n", "-r", path, "-T", "pdml"]
    for port in DECODE_AS:
        cmd += ["-d", f"udp.port=={port},cflow"]
    root = ET.fromstring(run(cmd))
    frames = {}
    options_ids = collections.defaultdict(set)  # exporter -> options template ids
    for packet in root.iter("packet"):
        number = int(fields_of(packet.find("proto[@name='frame']"))["frame.number"][0])
        ip_src = None
        for proto in packet.findall("proto"):
            if proto.get("name") in ("ip", "ipv6"):
                ip_src = fields_of(proto).get(proto.get("name") + ".src", [None])[0]
        cflow = packet.find("proto[@name='cflow']")
        if cflow is None:
            continue
        frame = TsharkFrame()
        frame.malformed = any(p.get("name") == "_ws.malformed" for p in packet.iter("proto")) or \
            any(f.get("name") == "_ws.malformed" for f in packet.iter("field"))
        for f in cflow.findall("field"):
            if f.get("name", "").startswith("cflow."):
                frame.header[f.get("name")] = f.get("show", "")
                for sub in f.findall("field"):
                    frame.header[sub.get("name")] = sub.get("show", "")
        frame.version = int(frame.header.get("cflow.version", "0"))
        for child in cflow.findall("field"):
            show = child.get("show", "")
            if show.startswith("pdu "):
                frame.records.append(fields_of(child))
                continue
            if not (show.startswith("FlowSet ") or show.startswith("Set ")):
                continue
            set_id = int(fields_of(child).get("cflow.flowset_id", ["-1"])[0])
            if set_id < 256:
                for f in child.iter("field"):
                    s = f.get("show", "")
                    m = re.match(r"Options Template \(Id = (\d+)\)", s)
                    if m:
                        options_ids[ip_src].add(int(m.group(1)))
                        frame.definitions += 1
                        continue
                    m = re.match(r"Template \(Id = (\d+)", s)
                    if m:
                        options_ids[ip_src].discard(int(m.group(1)))
                        frame.definitions += 1
                continue
            if any(f.get("name") == "cflow.no_template_found" for f in child.iter("field")):
                frame.no_template_sets += 1
                continue
            for rec in child.findall("field"):
                if not re.match(r"Flow \d+\b", rec.get("show", "")):
                    continue
                fields = fields_of(rec)
                if set_id in options_ids[ip_src]:
                    frame.options_records += 1
                elif any(k in fields for k in ("cflow.srcaddr", "cflow.dstaddr",
                                                "cflow.srcaddrv6", "cflow.dstaddrv6")):
                    frame.records.append(fields)
                elif "cflow.data_link_frame_section" in fields and \
                        ("ip.src" in fields or "ipv6.src" in fields):
                    fields["@sampled"] = sampled_packet(rec)
                    frame.records.append(fields)
                else:
                    frame.addressless += 1
        frames[number] = frame
    return frames


def first_int(fields, *names):
    """The first of `names` tshark shows (its first occurrence: templates that repeat an element,
    e.g. L4_SRC_PORT then TCP_SRC_PORT, put the main one first), as an integer; None if none."""
    for name in names:
        if name in fields:
            return int(fields[name][0], 0)
    return None


def address(fields, v4_name, v6_name):
    """The first non-zero address of either family (templates with both fill one with zeros)."""
    values = fields.get(v4_name, []) + fields.get(v6_name, [])
    for value in values:
        if value not in ("0.0.0.0", "::"):
            return value
    return values[0] if values else ""


def expected_sampled(fields):
    """A packet-sample record: one packet of the frame's length unless counted otherwise."""
    p = fields["@sampled"]
    proto, sport, dport, extras = p.get("ip.proto", p.get("ipv6.nxt", 0)), 0, 0, {}
    for name, number in (("tcp", 6), ("udp", 17)):
        if f"{name}.srcport" in p:
            proto, sport, dport = number, p[f"{name}.srcport"], p[f"{name}.dstport"]
    for name, number in (("icmp", 1), ("icmpv6", 58)):
        if f"{name}.type" in p:
            proto, dport = number, p[f"{name}.type"] << 8 | p.get(f"{name}.code", 0)
    extras["tcp_flags"] = p.get("tcp.flags", 0) & 0xff
    packets = first_int(fields, "cflow.packets", "cflow.permanent_packets") or 1
    octets = first_int(fields, "cflow.octets", "cflow.permanent_octets",
                       "cflow.data_link_frame_size")
    if octets is None:
        octets = len(fields["cflow.data_link_frame_section"][0].replace(":", "")) // 2
    return [((p["src"], p["dst"], sport, dport, proto, packets, octets), extras)]


def expected(fields, frame):
    """What our record(s) must say, from tshark's fields: [(key, extras)], two for a biflow."""
    if "@sampled" in fields:
        return expected_sampled(fields)
    src = address(fields, "cflow.srcaddr", "cflow.srcaddrv6")
    dst = address(fields, "cflow.dstaddr", "cflow.dstaddrv6")
    proto = first_int(fields, "cflow.protocol") or 0
    sport = first_int(fields, "cflow.srcport") or 0
    dport = first_int(fields, "cflow.dstport") or 0
    if proto in (1, 58):
        v4 = proto == 1
        type_code = first_int(fields, "cflow.icmp_type_code_ipv4") if v4 else None
        t = first_int(fields, "cflow.icmp_ipv4_type" if v4 else "cflow.icmp_ipv6_type")
        c = first_int(fields, "cflow.icmp_ipv4_code" if v4 else "cflow.icmp_ipv6_code")
        if type_code is not None:
            dport = type_code
        elif t is not None or c is not None:
            dport = ((t or 0) & 0xff) << 8 | ((c or 0) & 0xff)
    packets = first_int(fields, "cflow.packets", "cflow.permanent_packets",
                        "cflow.post_packets") or 0
    octets = first_int(fields, "cflow.octets", "cflow.permanent_octets", "cflow.post_octets",
                       "cflow.initiator_octets") or 0
    key = (src, dst, sport, dport, proto, packets, octets)
    extras = {}
    flags = first_int(fields, "cflow.tcpflags")
    if flags is not None:
        extras["tcp_flags"] = flags & 0xff
    tos = first_int(fields, "cflow.tos")
    if tos is not None:
        extras["tos"] = tos
    for end, name in (("start_ns", "cflow.abstimestart"), ("end_ns", "cflow.abstimeend")):
        if name in fields:
            t = abs_time_ns(fields[name][0])
            if t:  # tshark shows 1970 for a start it could not place (LAST before FIRST_SWITCHED)
                extras[end] = t
    if "start_ns" not in extras and frame.version in (5, 9) and "cflow.sysuptime" in frame.header:
        uptime = seconds_ms(frame.header["cflow.sysuptime"])
        export = int(frame.header.get("cflow.unix_secs", "0")) * 10**9
        if frame.version == 5:
            export += int(frame.header.get("cflow.unix_nsecs", "0")) % 10**9
        for end, name in (("start_ns", "cflow.timestart"), ("end_ns", "cflow.timeend")):
            if name in fields and end not in extras:
                ago = (uptime - seconds_ms(fields[name][0])) & 0xffffffff
                if ago >= 1 << 31:
                    ago -= 1 << 32
                extras[end] = export - ago * 10**6
    out = [(key, extras)]
    rev_packets = first_int(fields, "cflow.packets@rev", "cflow.permanent_packets@rev") or 0
    rev_octets = first_int(fields, "cflow.octets@rev", "cflow.permanent_octets@rev") or 0
    if rev_packets or rev_octets:
        icmp = proto in (1, 58)
        rev_key = (dst, src, 0 if icmp else dport, 0 if icmp else sport, proto, rev_packets,
                   rev_octets)
        rev_extras = {k: v for k, v in extras.items() if k in ("start_ns", "end_ns")}
        rev_flags = first_int(fields, "cflow.tcpflags@rev")
        rev_extras["tcp_flags"] = (rev_flags or 0) & 0xff
        out.append((rev_key, rev_extras))
    return out


def our_key(rec):
    rate = rec["sampling_rate"]
    return (rec["src"], rec["dst"], rec["src_port"], rec["dst_port"], rec["ip_protocol"],
            rec["packets"] // rate, rec["bytes"] // rate)


def compare_capture(flow_dump, path):
    name = os.path.basename(path)
    our_datagrams, our_records, totals = ours(flow_dump, path)
    theirs = tshark(path)
    compared = differences = unverified = 0
    notes = []
    options_theirs = addressless_theirs = 0
    for number in sorted(set(theirs) | set(our_datagrams)):
        t = theirs.get(number)
        d = our_datagrams.get(number)
        where = f"{name} frame {number}"
        if t is None or d is None:
            check(False, f"{where}: decoded by {'tshark' if d is None else 'us'} only")
            differences += 1
            continue
        counters = d["counters"]
        mine = list(our_records.get(number, []))
        options_theirs += t.options_records
        addressless_theirs += t.addressless
        for rec in mine:
            check(rec["sampling_rate"] >= 1 and rec["packets"] % rec["sampling_rate"] == 0 and
                  rec["bytes"] % rec["sampling_rate"] == 0,
                  f"{where}: sampling rate {rec['sampling_rate']} not applied evenly")
        dropped = [c for c in DROP_COUNTERS if counters.get(c)]
        if dropped:
            check(not mine, f"{where}: records decoded from a dropped datagram")
            notes.append(f"frame {number}: tshark decoded {len(t.records)} record(s) of a "
                         f"datagram we drop ({', '.join(dropped)})")
            continue
        check(t.no_template_sets == counters.get("netflow.data_sets_held", 0),
              f"{where}: tshark lacks a template for {t.no_template_sets} set(s), we held "
              f"{counters.get('netflow.data_sets_held', 0)}")
        if t.no_template_sets:
            notes.append(f"frame {number}: {t.no_template_sets} set(s) without a template in "
                         f"tshark, held by us")
        held = counters.get("netflow.held_sets_decoded", 0)
        if held == 0 and not t.malformed:  # a malformed record may have lost its addresses
            check(t.addressless == counters.get("flow.records_without_address", 0),
                  f"{where}: tshark has {t.addressless} record(s) without address, we counted "
                  f"{counters.get('flow.records_without_address', 0)}")
        for key, extras in (e for fields in t.records for e in expected(fields, t)):
            match = next((i for i, r in enumerate(mine) if our_key(r) == key), None)
            if match is None:
                differences += 1
                check(False, f"{where}: tshark record {key} not among ours "
                             f"{[our_key(r) for r in mine]}")
                continue
            rec = mine.pop(match)
            compared += 1
            for field, value in extras.items():
                if rec[field] != value:
                    differences += 1
                    check(False, f"{where}: {key}: {field} ours {rec[field]} tshark {value}")
        extra = len(mine)
        from_held = counters.get("netflow.held_records_decoded", 0)
        if extra and from_held:
            notes.append(f"frame {number}: {from_held} record(s) decoded from held sets "
                         "(tshark had no template)")
            extra -= from_held
        stopped_at_count = (counters.get("netflow_v9.count_mismatch") and
                            t.definitions + len(t.records) + t.options_records + t.addressless
                            == int(t.header.get("cflow.count", "-1")))
        if extra > 0 and (t.malformed or stopped_at_count):
            unverified += extra
            why = "malformed in tshark" if t.malformed else "tshark stops at the header count"
            notes.append(f"frame {number}: {extra} record(s) of ours unverified ({why})")
            extra = 0
        check(extra == 0, f"{where}: {extra} record(s) of ours that tshark does not show")
        if extra:
            differences += extra
    if not unverified and not any(d["counters"].get("netflow.held_sets_decoded")
                                  for d in our_datagrams.values()):
        check(totals.get("netflow.options_records", 0) == options_theirs,
              f"{name}: options records ours {totals.get('netflow.options_records', 0)} "
              f"tshark {options_theirs}")
    print(f"{name}: {compared} record(s) compared, {differences} difference(s), "
          f"{unverified} unverified")
    for note in notes:
        print(f"  {note}")
    return compared


# sFlow v5: every flow sample tshark dissects against our record for it, in order.
SFLOW_MAX_RATE = 1_000_000  # kSflowMaxSamplingRate: a rate of 0 or above it is taken as 1
SFLOW_TUNNELS = (4, 41, 47)  # IP-in-IP, 6in4, GRE: our packet decoder goes through these
SFLOW_TRANSPORT = {"tcp": 6, "udp": 17, "icmp": 1, "icmpv6": 58}


def child_fields(elem):
    """{name: show} of the direct child fields of `elem`."""
    return {f.get("name"): f.get("show", "") for f in elem.findall("field") if f.get("name")}


def sflow_interface(word_or_format, value=None):
    """Our input_if/output_if: compact words carry the format in their top 2 bits (0x3fffffff =
    unknown); expanded ones a separate format word. Only format 0 (ifIndex) gives an interface."""
    if value is None:
        fmt, val = word_or_format >> 30, word_or_format & 0x3fffffff
        return val if fmt == 0 and val != 0x3fffffff else 0
    return value if word_or_format == 0 else 0


def sflow_from_header(header):
    """What our record takes from a raw header tshark dissected (the protocols nested in the
    sflow_245.header field): addresses and ToS of the first IP header; TTL, fragment and protocol
    of the innermost one our packet decoder reaches (through IP-in-IP and GRE only, not VXLAN);
    ports, TCP flags or ICMP type/code of the transport header after it. None without IP."""
    ips, transport = [], None
    for proto in header.findall("proto"):
        name = proto.get("name")
        if name in ("ip", "ipv6"):
            fields = fields_of(proto)
            if ips and int(ips[-1][1].get("ip.proto", ips[-1][1].get("ipv6.nxt", ["0"]))[0]) \
                    not in SFLOW_TUNNELS:
                break
            ips.append((name, fields))
        elif name in SFLOW_TRANSPORT and ips:
            transport = (name, child_fields(proto))
            break
    if not ips:
        return None
    first_name, first = ips[0]
    last_name, last = ips[-1]
    v4 = first_name == "ip"
    out = {"src": first[first_name + ".src"][0], "dst": first[first_name + ".dst"][0],
           "tos": int(first["ip.dsfield"][0], 16) if v4 else int(first["ipv6.tclass"][0], 16)}
    if last_name == "ip":
        out["ttl"] = int(last["ip.ttl"][0])
        out["ip_protocol"] = int(last["ip.proto"][0])
        out["is_fragment"] = last.get("ip.flags.mf", ["0"])[0] in ("1", "True") or \
            int(last.get("ip.frag_offset", ["0"])[0]) != 0
    else:
        out["ttl"] = int(last["ipv6.hlim"][0])
        out["ip_protocol"] = int(last["ipv6.nxt"][0])
        out["is_fragment"] = "ipv6.fragment.offset" in last or "ipv6.fraghdr.offset" in last
    out["src_port"] = out["dst_port"] = out["tcp_flags"] = 0
    if transport is not None:
        name, fields = transport
        out["ip_protocol"] = SFLOW_TRANSPORT[name]  # past IPv6 extension headers
        if name in ("tcp", "udp"):
            if name + ".srcport" in fields and name + ".dstport" in fields:
                out["src_port"] = int(fields[name + ".srcport"])
                out["dst_port"] = int(fields[name + ".dstport"])
            if name == "tcp" and "tcp.flags" in fields:
                out["tcp_flags"] = int(fields["tcp.flags"], 16) & 0xff
        elif name + ".type" in fields and name + ".code" in fields:
            out["dst_port"] = int(fields[name + ".type"]) << 8 | int(fields[name + ".code"])
    return out


def sflow_from_sampled_ip(fields):
    """What our record takes from a sampled IPv4/IPv6 record (used when no raw header has IP)."""
    v4 = "sflow_245.ipv4_src" in fields
    out = {"src": fields["sflow_245.ipv4_src" if v4 else "sflow_245.ipv6_src"],
           "dst": fields["sflow_245.ipv4_dst" if v4 else "sflow_245.ipv6_dst"],
           "ip_protocol": int(fields["sflow.ip_protocol"]), "ttl": 0, "is_fragment": False}
    sport = int(fields["sflow_245.ip.source_port"])
    dport = int(fields["sflow.ip.destination_port"])
    if out["ip_protocol"] in (1, 58):
        out["src_port"], out["dst_port"] = 0, (sport & 0xff) << 8 | (dport & 0xff)
    else:
        out["src_port"], out["dst_port"] = sport & 0xffff, dport & 0xffff
    bits = ("fin", "syn", "rst", "psh", "ack", "urg", "ece", "cwr")
    out["tcp_flags"] = sum(1 << i for i, b in enumerate(bits)
                           if fields.get(f"sflow_245.ip.tcp_flag.{b}") in ("1", "True"))
    return out, int(fields["sflow_245.ip.length"])


def sflow_expected(sample, sub_agent, exporter, ts_ns):
    """The record we must produce for one flow sample tshark dissected, or None (no IP)."""
    head = child_fields(sample)
    rate = int(head["sflow.flow_sample.sampling_rate"])
    if rate == 0 or rate > SFLOW_MAX_RATE:
        rate = 1
    if "sflow.flow_sample.input_interface_format" in head:  # expanded
        input_if = sflow_interface(int(head["sflow.flow_sample.input_interface_format"]),
                                   int(head["sflow.flow_sample.input_interface_value"]))
        output_if = sflow_interface(int(head["sflow.flow_sample.output_interface.format"]),
                                    int(head["sflow.flow_sample.output_interface_value"]))
    else:
        input_if = sflow_interface(int(head["sflow.flow_sample.input_interface"]))
        output_if = sflow_interface(int(head["sflow.flow_sample.output_interface"], 0))  # hex
    found = sampled = None
    for record in sample.findall("field"):
        fields = child_fields(record)
        if fields.get("sflow.enterprise", "0") != "0" or "sflow_245.flow_record_format" not in \
                fields:
            continue
        fmt = int(fields["sflow_245.flow_record_format"])
        header = record.find("field[@name='sflow_245.header']")
        if fmt == 1 and found is None and header is not None and \
                fields.get("sflow_245.header_protocol") in ("1", "11", "12"):
            ip = sflow_from_header(header)
            if ip is not None:
                found = (ip, int(fields["sflow_245.header.frame_length"]))
        elif fmt in (3, 4) and sampled is None:
            sampled = sflow_from_sampled_ip(fields)
    found = found or sampled
    if found is None:
        return None
    ip, length = found
    return dict(ip, exporter=exporter, observation_domain=sub_agent, sampling_rate=rate,
                packets=rate, bytes=length * rate, packet_size=min(length, 0xffff),
                input_if=input_if, output_if=output_if, start_ns=ts_ns, end_ns=ts_ns,
                protocol="sflow_v5")


def tshark_sflow(path):
    """{frame: (flow samples' expected records or None, counter samples)} from tshark's PDML."""
    root = ET.fromstring(run(["tshark", "-n", "-r", path, "-T", "pdml"]))
    frames = {}
    for packet in root.iter("packet"):
        frame = fields_of(packet.find("proto[@name='frame']"))
        number = int(frame["frame.number"][0])
        whole, _, frac = frame["frame.time_epoch"][0].partition(".")
        ts_ns = int(whole) * 10**9 + int(frac.ljust(9, "0")[:9])
        # The datagram's IP source: the last IP before the sflow proto (tshark puts some sampled
        # layers, such as VXLAN's payload, after it).
        exporter = None
        for proto in packet.findall("proto"):
            if proto.get("name") == "sflow":
                break
            if proto.get("name") in ("ip", "ipv6"):
                exporter = child_fields(proto).get(proto.get("name") + ".src", exporter)
        sflow = packet.find("proto[@name='sflow']")
        if sflow is None:
            continue
        sub_agent = int(child_fields(sflow)["sflow_245.sub_agent_id"])
        flows, counters = [], 0
        for sample in sflow.findall("field"):
            head = child_fields(sample)
            if "sflow_245.sampletype" not in head or head.get("sflow.enterprise", "0") != "0":
                continue
            kind = int(head["sflow_245.sampletype"])
            if kind in (1, 3):
                flows.append(sflow_expected(sample, sub_agent, exporter, ts_ns))
            elif kind in (2, 4):
                counters += 1
        frames[number] = (flows, counters)
    return frames


def compare_sflow_capture(flow_dump, path):
    name = os.path.basename(path)
    our_datagrams, our_records, totals = ours(flow_dump, path)
    theirs = tshark_sflow(path)
    samples = compared = differences = 0
    notes = []
    for number in sorted(set(theirs) | set(our_datagrams)):
        where = f"{name} frame {number}"
        if number not in theirs or number not in our_datagrams:
            check(False, f"{where}: decoded by {'us' if number in our_datagrams else 'tshark'} "
                         "only")
            differences += 1
            continue
        flows, counter_samples = theirs[number]
        counters = our_datagrams[number]["counters"]
        mine = list(our_records.get(number, []))
        samples += len(flows)
        for what, want in (("sflow.flow_samples", len(flows)),
                           ("sflow.counter_samples", counter_samples),
                           ("sflow.sample_without_ip", sum(1 for f in flows if f is None))):
            if counters.get(what, 0) != want:
                differences += 1
                check(False, f"{where}: {what} ours {counters.get(what, 0)} tshark {want}")
        if counters.get("sflow.sample_count_mismatch"):
            notes.append(f"frame {number}: bytes after the counted samples "
                         "(sflow.sample_count_mismatch; tshark stops at the count too)")
        expected_records = [f for f in flows if f is not None]
        if len(mine) != len(expected_records):
            differences += 1
            check(False, f"{where}: {len(mine)} record(s) of ours, tshark {len(expected_records)}")
        for i, (want, rec) in enumerate(zip(expected_records, mine)):
            compared += 1
            for field, value in want.items():
                if rec[field] != value:
                    differences += 1
                    check(False, f"{where} sample {i}: {field} ours {rec[field]} tshark {value}")
    check(totals.get("sflow.records", 0) == compared,
          f"{name}: sflow.records {totals.get('sflow.records', 0)}, {compared} compared")
    print(f"{name}: {samples} flow sample(s), {compared} record(s) compared field by field, "
          f"{differences} difference(s)")
    for note in notes:
        print(f"  {note}")
    return compared


def is_sflow_capture(path):
    """True when tshark dissects sFlow in it."""
    out = run(["tshark", "-n", "-r", path, "-T", "fields", "-e", "frame.protocols"])
    return any(":sflow" in line for line in out.splitlines())


def is_netflow_capture(path):
    """True when tshark sees cflow in it (sFlow captures are left to the sFlow test)."""
    cmd = ["tshark", "-n", "-r", path, "-T", "fields", "-e", "frame.protocols"]
    for port in DECODE_AS:
        cmd += ["-d", f"udp.port=={port},cflow"]
    return any("cflow" in line for line in run(cmd).splitlines())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--flow-dump", required=True)
    parser.add_argument("--data", required=True, help="folder of flow captures")
    args = parser.parse_args()
    captures = sorted(os.path.join(args.data, f) for f in os.listdir(args.data)
                      if f.endswith((".pcap", ".pcapng")))
    total = sflow_total = 0
    for path in captures:
        if is_netflow_capture(path):
            total += compare_capture(args.flow_dump, path)
        elif is_sflow_capture(path):
            sflow_total += compare_sflow_capture(args.flow_dump, path)
    check(total > 0, "no record compared")
    check(sflow_total > 0, "no sFlow record compared")
    print(f"{total} NetFlow/IPFIX and {sflow_total} sFlow record(s) compared in all")
    return finish("flow tshark")


if __name__ == "__main__":
    sys.exit(main())
