#!/usr/bin/env python3
"""The IoT-botnet taps end to end: `rampart analyze` on generated behaviours and real captures.

Generated (rampart-gen iot, addresses in tools/scenario/iot_scenario.h):
  - a Mirai-fingerprint scanner among normal traffic is the only scanner, inside, 10% to 2323;
  - a generic nmap-like scanner is found without the fingerprint;
  - a telnet brute force ending in a default login with the busybox check: brute force, the
    default credential (masked), the compromised camera, the report-back;
  - an FTP and an HTTP Basic login with default pairs are reported; a non-default telnet login,
    POP3 and IMAP logins are parsed and never reported;
  - no password that is not on the default list appears in any output, with or without
    --show-default-passwords; a listed one only with it;
  - SSH brute force by short sessions; C2 beacon, dead-C2 calls, DNS to 8.8.8.8 and an outgoing
    flood as evidence against the inside bot.
Real (tests/data/captures): the telnet login uses a non-default pair; the nmap captures are scans
without the Mirai fingerprint; the ICMP capture is a ping sweep; the home-LAN capture holds an
inside host that scans telnet ports without the fingerprint.

Usage: test_iot.py --rampart build/release/rampart --gen build/release/rampart-gen --data tests/data
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from testlib import check, finish  # noqa: E402




def analyze(rampart, path, *extra):
    out = subprocess.run([rampart, "analyze", "--json", "--no-progress", *extra, path],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out), out


def generate(gen, behaviour, out, *extra):
    subprocess.run([gen, "iot", "--behaviour", behaviour, "--out", out, *extra], check=True,
                   capture_output=True)


def device(report, address):
    for d in report["infected_devices"]:
        if d["address"] == address:
            return d
    return None


def kinds(report, address):
    d = device(report, address)
    return {e["kind"] for e in d["evidence"]} if d else set()


def test_mirai_scan(rampart, gen, tmp):
    path = os.path.join(tmp, "mirai_scan.pcap")
    generate(gen, "mirai_scan", path, "--duration", "30")
    report, _ = analyze(rampart, path)
    scans = report["scans"]
    check(len(scans) == 1, f"mirai_scan: one scanner expected, got {[s['scanner'] for s in scans]}")
    s = scans[0] if scans else {}
    check(s.get("scanner") == "192.168.1.23" and s.get("inside"), f"mirai_scan: scanner {s}")
    check(s.get("mirai_fingerprint") is True, "mirai_scan: fingerprint not seen")
    check(abs(s.get("mirai_2323_share", 0) - 0.10) <= 0.01,
          f"mirai_scan: 2323 share {s.get('mirai_2323_share')}")
    probes = s.get("mirai_probes", 0)
    check(abs(probes - 160 * 29.5) <= 160, f"mirai_scan: {probes} fingerprint probes at 160/s")
    check(abs(s.get("distinct_targets", 0) - probes) <= 0.1 * probes,
          f"mirai_scan: distinct targets {s.get('distinct_targets')} for {probes} random probes")
    check(report["capture"]["iot"]["mirai_fingerprint_syns"] == probes,
          "mirai_scan: counter and finding disagree")
    check("mirai_scan_fingerprint" in kinds(report, "192.168.1.23"),
          "mirai_scan: the bot is no infected device")
    check(device(report, "192.168.1.23")["score"] >= 50, "mirai_scan: score below 50")
    # The background's web clients complete their handshakes: none of them is a scanner.
    check(all(d["address"] == "192.168.1.23" for d in report["infected_devices"]),
          f"mirai_scan: other devices flagged: {[d['address'] for d in report['infected_devices']]}")


def test_generic_scan(rampart, gen, tmp):
    path = os.path.join(tmp, "generic_scan.pcap")
    generate(gen, "generic_scan", path)
    report, _ = analyze(rampart, path)
    scans = {s["scanner"]: s for s in report["scans"]}
    s = scans.get("203.0.113.66")
    check(s is not None and len(scans) == 1, f"generic_scan: scanners {list(scans)}")
    if s:
        check(not s["mirai_fingerprint"] and not s["inside"], f"generic_scan: {s}")
        check(s["kind"] == "block", f"generic_scan: kind {s['kind']}")
        check(abs(s["distinct_ports"] - 1024) <= 60, f"generic_scan: ports {s['distinct_ports']}")
        check(abs(s["distinct_targets"] - 254) <= 25, f"generic_scan: targets {s['distinct_targets']}")
    check(report["infected_devices"] == [], "generic_scan: an outside scanner is no inside device")


def test_telnet_bruteforce(rampart, gen, tmp):
    path = os.path.join(tmp, "telnet_bf.pcap")
    generate(gen, "telnet_bruteforce", path)
    report, text = analyze(rampart, path)
    brute = [b for b in report["brute_force"] if b["source"] == "203.0.113.50"]
    check(len(brute) == 1, f"telnet_bruteforce: brute force {report['brute_force']}")
    if brute:
        b = brute[0]
        check((b["service"], b["method"], b["attempts"], b["failures"], b["successes"]) ==
              ("telnet", "logins", 9, 8, 1), f"telnet_bruteforce: {b}")
        check(b["targets"] == ["192.168.1.50"], f"telnet_bruteforce: targets {b['targets']}")
    defaults = report["default_credentials"]
    check(len(defaults) == 1, f"telnet_bruteforce: defaults {defaults}")
    if defaults:
        d = defaults[0]
        check((d["device"], d["service"], d["user"], d["login"], d["entry_source"]) ==
              ("192.168.1.50", "telnet", "root", "success", "mirai"), f"telnet_bruteforce: {d}")
        check(d["password"] == "********", "telnet_bruteforce: password not masked")
        check(d["busybox_shell"] is True, "telnet_bruteforce: busybox answer missed")
        check(d["mac"] == "02:00:00:00:01:32", f"telnet_bruteforce: mac {d['mac']}")
    check("xc3511" not in text, "telnet_bruteforce: default password printed without the flag")
    check({"compromised_login", "default_credentials", "reported_victim"} <=
          kinds(report, "192.168.1.50"), f"telnet_bruteforce: camera {kinds(report, '192.168.1.50')}")
    shown, _ = analyze(rampart, path, "--show-default-passwords")
    check(shown["default_credentials"] and shown["default_credentials"][0]["password"] == "xc3511",
          "telnet_bruteforce: --show-default-passwords did not show it")
    plain = subprocess.run([rampart, "analyze", "--no-progress", "--show-default-passwords", path],
                           check=True, capture_output=True, text=True).stdout
    check("password 'xc3511'" in plain, "telnet_bruteforce: text report lacks the shown password")
    # The refused pairs are no finding, and are never printed either.
    for refused in ("vizxv", "juantech", "54321"):
        check(refused not in plain, f"telnet_bruteforce: refused password {refused} printed")


def test_logins(rampart, gen, tmp):
    path = os.path.join(tmp, "logins.pcap")
    generate(gen, "ftp_default,http_basic_default,telnet_nondefault,pop3_login,imap_login", path)
    outputs = []
    for extra in ([], ["--show-default-passwords"]):
        report, text = analyze(rampart, path, *extra)
        plain = subprocess.run([rampart, "analyze", "--no-progress", *extra, path], check=True,
                               capture_output=True, text=True).stdout
        outputs += [text, plain]
    found = {(d["device"], d["service"], d["user"]) for d in report["default_credentials"]}
    check(found == {("192.168.1.60", "ftp", "admin"), ("192.168.1.51", "http", "admin")},
          f"logins: default findings {found}")
    check(all(d["login"] == "success" for d in report["default_credentials"]),
          "logins: default logins not seen as successful")
    stats = report["capture"]["iot"]
    # ftp, http (only the second request carries Basic credentials), telnet, pop3, imap
    check(stats["logins"] == 5, f"logins: {stats['logins']} logins parsed, 5 expected")
    check(stats["default_logins"] == 2, f"logins: {stats['default_logins']} default logins")
    for secret in ("Tr0ub4dor&3", "s3cret pass", "s3cret"):
        check(all(secret not in out for out in outputs), f"logins: non-default secret {secret!r} printed")
    check(report["brute_force"] == [], f"logins: brute force {report['brute_force']}")


def test_ssh_bruteforce(rampart, gen, tmp):
    path = os.path.join(tmp, "ssh.pcap")
    generate(gen, "ssh_bruteforce", path)
    report, _ = analyze(rampart, path)
    b = report["brute_force"]
    check(len(b) == 1 and b[0]["source"] == "203.0.113.51" and b[0]["service"] == "ssh" and
          b[0]["method"] == "sessions" and b[0]["attempts"] == 30, f"ssh_bruteforce: {b}")


def test_bot_signals(rampart, gen, data, tmp):
    path = os.path.join(tmp, "bot.pcap")
    generate(gen, "c2_beacon,public_dns,infected_reportback,outgoing_flood", path)
    config = os.path.join(data, "config", "iot_lan.yaml")
    report, _ = analyze(rampart, path, "--config", config)
    bot = kinds(report, "192.168.1.23")
    check({"c2_beacon", "dns_policy", "mirai_report_back", "outgoing_flood"} <= bot,
          f"bot signals: {bot}")
    check("c2_unanswered" in kinds(report, "192.168.1.24"),
          f"bot signals: dead C2 caller {kinds(report, '192.168.1.24')}")
    # Without a resolver policy, DNS to 8.8.8.8 is no evidence.
    plain, _ = analyze(rampart, path)
    check("dns_policy" not in kinds(plain, "192.168.1.23"), "bot signals: dns_policy without policy")
    # The background clients are clean.
    others = [d["address"] for d in report["infected_devices"]
              if d["address"] not in ("192.168.1.23", "192.168.1.24")]
    check(others == [], f"bot signals: clean clients flagged: {others}")


def test_eve(rampart, gen, data, tmp):
    """--eve: one JSON event a line, in time order, one per finding (two per ended attack)."""
    path = os.path.join(tmp, "eve.pcap")
    generate(gen, "mirai_scan,telnet_bruteforce,outgoing_flood", path, "--duration", "30")
    eve = os.path.join(tmp, "eve.json")
    config = os.path.join(data, "config", "iot_lan.yaml")
    report, _ = analyze(rampart, path, "--config", config, "--eve", eve)
    with open(eve) as f:
        events = [json.loads(line) for line in f]
    stamps = [e["timestamp"] for e in events]
    check(stamps == sorted(stamps), "eve: events out of time order")
    check(events and events[-1]["event_type"] == "stats", "eve: no closing stats event")
    kinds = [e["event_type"] for e in events]
    for array, kind in (("scans", "scan"), ("brute_force", "brute_force"),
                        ("default_credentials", "default_credentials"),
                        ("infected_devices", "infected_device")):
        check(kinds.count(kind) == len(report[array]) and report[array],
              f"eve: {kinds.count(kind)} {kind} events for {len(report[array])} findings")
    states = [e["attack"]["state"] for e in events if e["event_type"] == "attack"]
    ended = sum(1 for a in report["attacks"] if not a["ongoing"])
    check(states.count("start") == len(report["attacks"]) >= 1 and states.count("end") == ended,
          f"eve: attack states {states}")
    check(all(e[e["event_type"]] is not None for e in events), "eve: an event without its body")


def test_real_captures(rampart, data):
    captures = os.path.join(data, "captures")
    report, _ = analyze(rampart, os.path.join(captures, "benign", "sv_telnet_login.pcap"))
    stats = report["capture"]["iot"]
    check(stats["logins"] == 1 and stats["default_logins"] == 0,
          f"sv_telnet_login: logins {stats['logins']}, default {stats['default_logins']}")
    check(report["default_credentials"] == [], "sv_telnet_login: reported as a default login")
    for name in ("zeek_ftp_ipv4.pcap", "ndpi_ftp.pcap", "sv_ftp_download_passive.pcap"):
        report, _ = analyze(rampart, os.path.join(captures, "benign", name))
        check(report["capture"]["iot"]["logins"] >= 1, f"{name}: FTP login not parsed")
    for name in ("esnet_nmap_80_all.pcap", "slips_test12_icmp_portscan.pcap"):
        report, _ = analyze(rampart, os.path.join(captures, "scans", name))
        check(all(not s["mirai_fingerprint"] for s in report["scans"]),
              f"{name}: Mirai fingerprint claimed")
        check(report["capture"]["iot"]["mirai_fingerprint_syns"] == 0, f"{name}: fingerprint SYNs")
    report, _ = analyze(rampart, os.path.join(captures, "scans", "slips_test12_icmp_portscan.pcap"))
    sweep = [s for s in report["scans"] if s["kind"] == "ping_sweep"]
    check(len(sweep) == 1 and sweep[0]["scanner"] == "192.168.1.109" and
          abs(sweep[0]["distinct_targets"] - 18) <= 2, f"icmp portscan: {report['scans']}")
    report, _ = analyze(rampart, os.path.join(captures, "benign", "slips_test7_home_lan_mixed.pcap"))
    scans = {s["scanner"]: s for s in report["scans"]}
    s = scans.get("192.168.2.16")
    check(s is not None and s["inside"] and not s["mirai_fingerprint"] and s["answered"] == 0 and
          {p["port"] for p in s["ports"]} >= {23, 2323}, f"home LAN telnet scanner: {s}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rampart", required=True)
    parser.add_argument("--gen", required=True)
    parser.add_argument("--data", required=True)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        test_mirai_scan(args.rampart, args.gen, tmp)
        test_generic_scan(args.rampart, args.gen, tmp)
        test_telnet_bruteforce(args.rampart, args.gen, tmp)
        test_logins(args.rampart, args.gen, tmp)
        test_ssh_bruteforce(args.rampart, args.gen, tmp)
        test_bot_signals(args.rampart, args.gen, args.data, tmp)
        test_eve(args.rampart, args.gen, args.data, tmp)
        test_real_captures(args.rampart, args.data)
    return finish("IoT")


if __name__ == "__main__":
    sys.exit(main())
