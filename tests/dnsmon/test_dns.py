#!/usr/bin/env python3
"""The DNS water-torture detector end to end: `rampart analyze` on `rampart-gen dns` captures
(addresses in tools/scenario/dns_scenario.h) and the real DNS tunnel captures.

  - water torture at several rates and zone shapes (example.com-like, a multi-label public
    suffix, a deeper name), at the authoritative server and at an ISP's resolver: one attack of
    vector dns_water_torture on the right zone and server, detected within 2 s, ended within a
    window of the attack's end; at the resolver the inside bots are infected devices and the
    resolver itself is not;
  - below the rate threshold: nothing;
  - a resolver retry storm, random-label CDN traffic, benign DNS: no attack;
  - DNS tunnels (generated, and the nDPI captures): dns_tunnel_suspected, not an attack;
  - DNS amplification (fragmented answers to a victim that did not ask): amplification/dns;
  - everything in one capture (`all`): exactly the water torture and the tunnel.

Usage: test_dns.py --rampart build/release/rampart --gen build/release/rampart-gen --data tests/data
"""
import argparse
import datetime
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from testlib import analyze, check, finish  # noqa: E402

START = 1477040400




def generate(gen, tmp, behaviour, *extra):
    path = os.path.join(tmp, f"{behaviour}_{'_'.join(extra).replace('-', '')}.pcap")
    subprocess.run([gen, "dns", "--behaviour", behaviour, "--out", path, *extra], check=True,
                   capture_output=True)
    return path


def seconds(iso):
    stamp = datetime.datetime.strptime(iso[:26], "%Y-%m-%dT%H:%M:%S.%f")
    return stamp.replace(tzinfo=datetime.timezone.utc).timestamp() - START


def torture(report):
    return [d for d in report["dns_attacks"] if d["kind"] == "water_torture"]


def test_water_torture(rampart, gen, tmp):
    cases = [("victim-example.com", "victim-example.com", 2000),
             ("victim.co.uk", "victim.co.uk", 500),
             ("www.victim-example.com", "victim-example.com", 5000)]
    for zone, registrable, rate in cases:
        for vantage in ("authoritative", "resolver"):
            label = f"water torture {zone} {rate} qps at the {vantage}"
            path = generate(gen, tmp, "water_torture", "--zone", zone, "--rate", str(rate),
                            "--vantage", vantage)
            report = analyze(rampart, path)
            found = torture(report)
            check(len(found) == 1, f"{label}: {len(found)} water tortures")
            if not found:
                continue
            d = found[0]
            check(d["zone"] == registrable, f"{label}: zone {d['zone']}")
            check(d["mirai_label_share"] > 0.9, f"{label}: mirai share {d['mirai_label_share']}")
            check(d["failure_ratio"] is not None and d["failure_ratio"] > 0.8,
                  f"{label}: failure ratio {d['failure_ratio']}")
            check(abs(d["peak_qps"] - rate) <= 0.15 * rate, f"{label}: peak {d['peak_qps']}")
            check(seconds(d["detected_at"]) - 10 <= 2.0,
                  f"{label}: detected at {seconds(d['detected_at']):.2f} s (attack from 10 s)")
            check(abs(seconds(d["end"]) - 40) <= 5.5, f"{label}: end {seconds(d['end']):.2f} s")
            attacks = [a for a in report["attacks"] if a["id"] == d["attack_id"]]
            check(len(attacks) == 1 and attacks[0]["vectors"][0]["name"] == "dns_water_torture",
                  f"{label}: attack record {attacks}")
            server = "198.51.100.53" if vantage == "authoritative" else "10.0.0.53"
            check(attacks and attacks[0]["target"] == server,
                  f"{label}: target {attacks[0]['target'] if attacks else None}")
            others = [a for a in report["attacks"] if a["id"] != d["attack_id"]]
            check(others == [], f"{label}: other attacks {[a['vectors'] for a in others]}")
            devices = {x["address"] for x in report["infected_devices"]}
            if vantage == "resolver":
                bots = {f"10.1.5.{i}" for i in range(10, 30)}
                check(set(d["inside_clients"]) == bots,
                      f"{label}: inside clients {sorted(d['inside_clients'])}")
                check(bots <= devices and "10.0.0.53" not in devices,
                      f"{label}: infected devices {sorted(devices)}")
            else:
                check(d["inside_clients"] == [], f"{label}: inside clients {d['inside_clients']}")


def test_below_threshold(rampart, gen, tmp):
    path = generate(gen, tmp, "water_torture", "--rate", "50")
    check(torture(analyze(rampart, path)) == [], "50 qps water torture reported")


def test_look_alikes(rampart, gen, tmp):
    for behaviour in ("benign", "retry_storm", "cdn_random"):
        for vantage in ("authoritative", "resolver"):
            path = generate(gen, tmp, behaviour, "--vantage", vantage)
            report = analyze(rampart, path)
            check(report["dns_attacks"] == [] and report["attacks"] == [],
                  f"{behaviour} at the {vantage}: {report['dns_attacks']} {report['attacks']}")
            stats = report["capture"]["dns_detector"]
            if behaviour == "retry_storm":
                check(stats["retry_storm_windows"] > 0, f"{behaviour}: not seen as a retry storm")
            if behaviour == "cdn_random":
                check(stats["resolving_random_windows"] > 0, f"{behaviour}: not seen as resolving")


def test_tunnels(rampart, gen, data, tmp):
    for vantage in ("authoritative", "resolver"):
        report = analyze(rampart, generate(gen, tmp, "tunnel", "--vantage", vantage))
        kinds = [(d["kind"], d["zone"]) for d in report["dns_attacks"]]
        check(kinds == [("dns_tunnel_suspected", "tunnel-example.org")],
              f"tunnel at the {vantage}: {kinds}")
        check(report["attacks"] == [], f"tunnel at the {vantage}: attacks {report['attacks']}")
        if vantage == "resolver":
            d = report["dns_attacks"][0] if report["dns_attacks"] else {}
            check("10.1.7.7" in d.get("inside_clients", []), f"tunnel client: {d}")
    captures = os.path.join(data, "captures", "attacks")
    for name, zone in (("ndpi_dns_tunnel_skullseclabs.pcap", "skullseclabs.org"),
                       ("ndpi_dns_tunnel_dnscat_random_subdomains.pcap", "(invalid TLD)")):
        report = analyze(rampart, os.path.join(captures, name))
        kinds = [(d["kind"], d["zone"]) for d in report["dns_attacks"]]
        check(kinds == [("dns_tunnel_suspected", zone)], f"{name}: {kinds}")


def test_amplification(rampart, gen, tmp):
    report = analyze(rampart, generate(gen, tmp, "amplification"))
    amp = [a for a in report["attacks"] if a["target"] == "198.51.100.77"]
    check(len(amp) == 1 and amp[0]["vectors"][0]["name"] == "amplification" and
          amp[0]["vectors"][0].get("service") == "dns", f"amplification: {report['attacks']}")
    check(report["dns_attacks"] == [], f"amplification: dns_attacks {report['dns_attacks']}")


def test_all(rampart, gen, tmp):
    for vantage in ("authoritative", "resolver"):
        report = analyze(rampart, generate(gen, tmp, "all", "--vantage", vantage))
        kinds = sorted((d["kind"], d["zone"]) for d in report["dns_attacks"])
        check(kinds == [("dns_tunnel_suspected", "tunnel-example.org"),
                        ("water_torture", "victim-example.com")], f"all at the {vantage}: {kinds}")
        names = [v["name"] for a in report["attacks"] for v in a["vectors"]]
        check(names == ["dns_water_torture"], f"all at the {vantage}: attacks {names}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rampart", required=True)
    parser.add_argument("--gen", required=True)
    parser.add_argument("--data", required=True)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        test_water_torture(args.rampart, args.gen, tmp)
        test_below_threshold(args.rampart, args.gen, tmp)
        test_look_alikes(args.rampart, args.gen, tmp)
        test_tunnels(args.rampart, args.gen, args.data, tmp)
        test_amplification(args.rampart, args.gen, tmp)
        test_all(args.rampart, args.gen, tmp)
    return finish("DNS")


if __name__ == "__main__":
    sys.exit(main())
