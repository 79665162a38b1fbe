#!/usr/bin/env python3
"""End-to-end detection: scenarios written by `rampart-gen scenario`, analyzed by `rampart`.

Every vector at 2x its default threshold over benign background is detected and named right;
a 10x flash crowd and plain background stay silent; carpet bombing is one prefix attack; an
IPv6 target works; `--samples` writes the attack's packets.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import unittest

ARGS = None

# Default per-vector thresholds, packets/s: DefaultConfig() in src/config/config.cc.
THRESHOLD = {
    "syn_flood": 10000, "ack_flood": 20000, "rst_flood": 10000, "tcp_stomp": 10000,
    "tcp_reflection": 5000, "udp_flood": 20000, "udp_plain_flood": 20000, "vse_flood": 5000,
    "gre_ip_flood": 5000, "gre_eth_flood": 5000, "icmp_flood": 5000,
    "ip_fragment_flood": 5000, "http_flood": 5000, "amplification": 5000,
}
# Packets the generator writes per packet of the vector's evidence (handshakes, responses,
# fragments): the rate is raised so that the evidence itself runs at 2x its threshold.
EVIDENCE_SHARE = {"http_flood": 0.25, "tcp_stomp": 0.9}


class Vectors(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()

    def scenario(self, name, *args, background="300"):
        path = os.path.join(self.tmp.name, name + ".pcap")
        subprocess.run([ARGS.gen, "scenario", "--out", path, "--seed", "7", "--duration", "8",
                        "--background-pps", background, "--attack-start", "2", *args],
                       check=True, capture_output=True)
        return path

    def analyze(self, path, *args):
        proc = subprocess.run([ARGS.rampart, "analyze", "--json", "--hosts", "0", *args, path],
                              capture_output=True, text=True)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        return json.loads(proc.stdout)["attacks"]

    def check_vector(self, vector, expected, target="198.51.100.10", service=None, extra=()):
        pps = 2 * THRESHOLD[vector] / EVIDENCE_SHARE.get(vector, 1.0)
        args = ["--vector", vector, "--attack-pps", str(int(pps)), "--attack-duration", "3",
                "--sources", "2000", "--target", target, *extra]
        if service:
            args += ["--service", service]
        attacks = self.analyze(self.scenario(f"{vector}-{service}-{target}".replace(":", "_"),
                                             *args))
        on_target = [a for a in attacks if a["target"] == target]
        self.assertEqual(len(on_target), 1, json.dumps(attacks)[:2000])
        attack = on_target[0]
        self.assertEqual(attack["direction"], "incoming")
        self.assertEqual(attack["vectors"][0]["name"], expected, attack["vectors"])
        if service:
            self.assertEqual(attack["vectors"][0]["service"], service)
        self.assertLessEqual(attack["detection_latency_s"], 1.0, attack)
        self.assertGreaterEqual(attack["packets"], 2 * THRESHOLD[vector])
        return attack

    def test_every_vector_at_twice_its_threshold(self):
        for vector in THRESHOLD:
            if vector == "amplification":
                continue
            with self.subTest(vector=vector):
                self.check_vector(vector, vector)

    def test_every_amplification_service(self):
        for service in ("dns", "ntp", "ssdp", "memcached", "cldap", "snmp", "chargen", "bacnet",
                        "ws_discovery", "isakmp"):
            with self.subTest(service=service):
                self.check_vector("amplification", "amplification", service=service)

    def test_ipv6_target(self):
        for vector in ("syn_flood", "udp_flood", "icmp_flood"):
            with self.subTest(vector=vector):
                self.check_vector(vector, vector, target="2001:db8::10")

    def test_spoofed_syn_flood_names_no_top_sources(self):
        attack = self.check_vector("syn_flood", "syn_flood", extra=["--spoofed"])
        self.assertEqual(attack["top_sources"], [])
        self.assertGreater(attack["distinct_sources"], 40000)

    def test_background_and_flash_crowd_are_silent(self):
        self.assertEqual(self.analyze(self.scenario("background")), [])
        crowd = self.scenario("crowd", "--flash-crowd", "10", "--clients", "200",
                              background="2000")
        self.assertEqual(self.analyze(crowd), [])

    def test_carpet_bombing_is_one_prefix_attack(self):
        path = self.scenario("carpet", "--target", "198.51.100.0/24", "--vector", "amplification",
                             "--service", "ntp", "--attack-pps", "20000", "--attack-duration", "3",
                             "--sources", "500")
        attacks = self.analyze(path)
        self.assertEqual([a["target"] for a in attacks], ["198.51.100.0/24"], attacks)
        self.assertEqual(attacks[0]["target_kind"], "prefix")
        self.assertEqual(attacks[0]["vectors"][0]["service"], "ntp")

    def test_nested_hostgroups_from_the_example_config(self):
        # tests/data/config/example.yaml: defaults syn_flood 10k pps, web-servers /28 20k pps,
        # dns-servers /32 inside that /28 takes the defaults' 10k; hold 2 s.
        config = os.path.join(ARGS.data, "config", "example.yaml")
        expected = {"198.51.100.49": None, "198.51.100.53": "dns-servers",
                    "198.51.100.10": "default", "192.0.2.10": None}
        for target, policy in expected.items():
            with self.subTest(target=target):
                path = self.scenario(f"nested-{target}", "--target", target, "--vector",
                                     "syn_flood", "--attack-pps", "15000", "--attack-duration",
                                     "4", "--sources", "20")  # few sources: volume rules only
                attacks = [a for a in self.analyze(path, "--config", config)
                           if a["target"] == target]
                if policy is None:
                    self.assertEqual(attacks, [])
                else:
                    self.assertEqual(len(attacks), 1)
                    self.assertEqual(attacks[0]["policy"], policy)
                    # hold 2s: the second full second over the threshold decides.
                    self.assertGreater(attacks[0]["detection_latency_s"], 1.0)
                    self.assertLessEqual(attacks[0]["detection_latency_s"], 2.0)

    def write(self, name, text):
        path = os.path.join(self.tmp.name, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def test_real_attack_captures(self):
        attacks_dir = os.path.join(ARGS.data, "captures", "attacks")
        # With the defaults every real attack capture is too small to be a DDoS (the largest is
        # 10,000 DHCP requests in one second, to the broadcast address).
        for name in sorted(os.listdir(attacks_dir)):
            with self.subTest(capture=name):
                self.assertEqual(self.analyze(os.path.join(attacks_dir, name)), [])
        # Under thresholds below their rates they are found and named right.
        syn = self.analyze(os.path.join(attacks_dir, "sv_syn_flood_200pkts_synthetic.pcap"),
                           "--config", self.write("syn.yaml", "thresholds:\n  incoming:\n"
                                                  "    syn: 150 pps\n"))
        self.assertEqual([(a["target"], a["vectors"][0]["name"]) for a in syn],
                         [("198.51.100.5", "syn_flood")])
        self.assertEqual(syn[0]["top_sources"][0]["address"], "192.0.2.10")
        dhcp = self.analyze(os.path.join(attacks_dir, "sv_dhcp_request_flood.pcap"), "--config",
                            self.write("udp.yaml", "thresholds:\n  incoming:\n    udp: 5k pps\n"))
        self.assertEqual([(a["target"], a["vectors"][0]["name"]) for a in dhcp],
                         [("255.255.255.255", "udp_plain_flood")])

    def test_samples_hold_the_attack(self):
        path = self.scenario("samples", "--vector", "vse_flood", "--attack-pps", "10000",
                             "--attack-duration", "2", "--sources", "100")
        folder = os.path.join(self.tmp.name, "samples")
        attacks = self.analyze(path, "--samples", folder)
        self.assertEqual(len(attacks), 1)
        sample = os.path.join(folder, f"attack-{attacks[0]['id']}.pcap")
        fields = subprocess.run(["tshark", "-r", sample, "-T", "fields", "-e", "ip.dst", "-e",
                                 "udp.dstport"], capture_output=True, text=True, check=True).stdout
        rows = [line.split("\t") for line in fields.splitlines()]
        self.assertEqual(len(rows), 1000)
        self.assertTrue(all(r[0] == "198.51.100.10" for r in rows))
        self.assertGreater(sum(r[1] == "27015" for r in rows), 900)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--rampart", required=True)
    parser.add_argument("--gen", required=True)
    parser.add_argument("--data", required=True)
    ARGS, rest = parser.parse_known_args()
    unittest.main(argv=[sys.argv[0], *rest])
