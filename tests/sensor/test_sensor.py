#!/usr/bin/env python3
"""`rampart run` end to end, with the real parts (docs/sensor.md).

  test_sensor.py --rampart BIN --gen BIN --data DIR

Two network namespaces joined by a veth pair (names unique to this run): captures are replayed
with tcpreplay from one into the other, where the daemon captures (AF_PACKET with two workers, and
libpcap), and the attacks it reports are compared with `rampart analyze` of the same capture.
softflowd exports a capture as NetFlow v9 and as IPFIX to the daemon on 127.0.0.1. The daemon's
operations: notify script and webhook, SQLite history (also after kill -9), SIGHUP with a bad and
a good configuration, SIGTERM, pid file, privilege drop, bad flow datagrams counted and logged
once. Needs root (namespaces, AF_PACKET), as CI has.
"""
import argparse
import http.server
import json
import os
import pwd
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from testlib import FAILURES, analyze, check, finish  # noqa: E402
from livelib import Daemon, Namespaces, attack_set, last_stats, live_attacks, sh  # noqa: E402

NETNS = Namespaces("rp")
NS_SEND, NS_RECV = NETNS.send, NETNS.recv
VETH_SEND, VETH_RECV = NETNS.veth_send, NETNS.veth_recv


def test_af_packet_and_pcap(args, work, captures):
    """The same attacks live (two AF_PACKET workers; libpcap) as offline."""
    for method, workers in (("af_packet", 2), ("pcap", 1)):
        for name, path in captures:
            expected = attack_set(analyze(args.rampart, path)["attacks"])
            daemon = Daemon(args.rampart, work, f"{method}-{name}",
                            {"sensor": {"interfaces": [VETH_RECV], "capture": method,
                                        "workers": workers}}, ns=NS_RECV)
            NETNS.replay(path)
            daemon.wait_for(lambda: len(live_attacks(daemon, "end")) >= len(expected), 20)
            check(daemon.stop() == 0, f"{method}/{name}: exit code")
            started = live_attacks(daemon, "start")
            ended = live_attacks(daemon, "end")
            check(attack_set(started) == expected,
                  f"{method}/{name}: live {attack_set(started)} != analyze {expected}")
            check(attack_set(ended) == expected, f"{method}/{name}: every attack ended")
            stats = last_stats(daemon)
            packets = int(subprocess.run(["capinfos", "-c", "-M", path], capture_output=True,
                                         text=True).stdout.split()[-1])
            check(stats.get("capture", {}).get("frames_read") == packets,
                  f"{method}/{name}: frames read {stats.get('capture')} != {packets} in the file")
            check(stats["capture"]["kernel_drops"] == 0 and stats["capture"]["queue_drops"] == 0,
                  f"{method}/{name}: drops {stats['capture']}")
            if workers > 1:
                check(stats["capture"]["passed_between_workers"] > 0,
                      f"{method}/{name}: nothing crossed between the shards: {stats['capture']}")
            for a in started:
                check(a["detection_latency_s"] <= 2.0,
                      f"{method}/{name}: detected {a['detection_latency_s']} s after the start")
            print(f"{method} x{workers} {name}: {attack_set(started)}")


TUN_HOLDER = """
import fcntl, os, struct, subprocess, sys, time
fd = os.open("/dev/net/tun", os.O_RDWR)
fcntl.ioctl(fd, 0x400454CA, struct.pack("16sH", sys.argv[1].encode(), 0x0001 | 0x1000))
subprocess.run(["ip", "addr", "add", "10.77.0.1/24", "dev", sys.argv[1]], check=True)
subprocess.run(["ip", "link", "set", sys.argv[1], "up"], check=True)
print("ready", flush=True)
sys.stdin.read()
"""


def test_tun_interface(args, work):
    """A tun device (raw IP, no Ethernet header) through AF_PACKET: decoded as IP."""
    ns, dev = f"{NS_RECV}t", f"{VETH_RECV}t"
    sh("ip", "netns", "add", ns)
    try:
        holder = subprocess.Popen(["ip", "netns", "exec", ns, sys.executable, "-c", TUN_HOLDER,
                                   dev], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        check(holder.stdout.readline().strip() == "ready", "tun device not created")
        daemon = Daemon(args.rampart, work, "tun", {"sensor": {"interfaces": [dev]}}, ns=ns)
        subprocess.run(["ip", "netns", "exec", ns, "ping", "-c", "5", "-i", "0.2", "-W", "1",
                        "10.77.0.2"], capture_output=True)
        time.sleep(1.5)
        check(daemon.stop() == 0, "tun: exit code")
        protocols = last_stats(daemon).get("protocols", {})
        check(protocols.get("ipv4", 0) >= 5 and protocols.get("icmp", 0) >= 5 and
              protocols.get("undecoded", 1) == 0, f"tun frames not decoded as IP: {protocols}")
        holder.stdin.close()
        holder.wait(timeout=5)
    finally:
        subprocess.run(["ip", "netns", "del", ns], capture_output=True)


def test_real_capture_findings(args, work):
    """A real home-LAN capture with an inside telnet scanner, replayed at top speed."""
    path = os.path.join(args.data, "captures/benign/slips_test7_home_lan_mixed.pcap")
    offline = {s["scanner"] for s in analyze(args.rampart, path)["scans"]}
    check("192.168.2.16" in offline, "analyze no longer finds the home-LAN scanner")
    daemon = Daemon(args.rampart, work, "real-lan",
                    {"sensor": {"interfaces": [VETH_RECV]}}, ns=NS_RECV)
    NETNS.replay(path, topspeed=True)
    daemon.wait_for(lambda: daemon.events("scan"), 10)
    daemon.stop()
    live = {e["scan"]["scanner"] for e in daemon.events("scan")}
    check(live == offline, f"real capture: live scanners {live} != analyze {offline}")
    devices = {e["infected_device"]["address"] for e in daemon.events("infected_device")}
    check("192.168.2.16" in devices, f"real capture: the scanner is not an infected device: {devices}")


class Hook(http.server.BaseHTTPRequestHandler):
    posts = []
    fail_first = True

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if Hook.fail_first:
            Hook.fail_first = False
            self.send_response(503)
            self.end_headers()
            return
        Hook.posts.append(json.loads(body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *_):
        pass


def test_operations(args, work, flood):
    """Notify script, webhook, history, pid file, privilege drop, SIGHUP, SIGTERM."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    ops = os.path.join(work, "ops")
    os.makedirs(ops, exist_ok=True)
    os.chmod(ops, 0o777)
    calls = os.path.join(ops, "calls.txt")
    script = os.path.join(ops, "notify.sh")
    with open(script, "w") as f:
        f.write(f"#!/bin/sh\necho \"$1 $2 $3 $4 $(cat | head -c 200)\" >> {calls}\n")
    os.chmod(script, 0o755)
    history = os.path.join(ops, "history.db")
    pid_file = os.path.join(ops, "rampart.pid")
    # The namespaces' veth is in another netns: the ops daemon listens to flows on loopback and
    # reads the flood through its NetFlow export, which is enough to drive an attack.
    config = {"sensor": {"flow_listen": ["127.0.0.1:19955"], "pid_file": pid_file,
                         "user": "nobody"},
              "outputs": {"history": history, "notify_script": script,
                          "webhook": {"url": f"http://127.0.0.1:{server.server_port}/hook",
                                      "timeout": "2s", "retries": 2}}}
    daemon = Daemon(args.rampart, work, "ops", config)
    pid = daemon.proc.pid
    check(open(pid_file).read().strip() == str(pid), "pid file holds the daemon's pid")
    uid = [line.split()[1] for line in open(f"/proc/{pid}/status") if line.startswith("Uid:")][0]
    check(int(uid) == pwd.getpwnam("nobody").pw_uid, f"privileges not dropped: uid {uid}")
    second = subprocess.run([args.rampart, "run", "--config", daemon.config_path],
                            capture_output=True, text=True, timeout=20)
    check(second.returncode == 2 and "already runs" in second.stderr,
          f"a second instance on the same pid file was not refused: {second.stderr}")

    subprocess.run(["softflowd", "-r", flood, "-n", "127.0.0.1:19955", "-v", "9", "-c", "none",
                    "-d"], check=True, capture_output=True)
    check(daemon.wait_for(lambda: live_attacks(daemon, "end"), 20), "ops: no attack ended")
    # A bad configuration is refused and the daemon goes on; a good one is applied.
    good = open(daemon.config_path).read()
    with open(daemon.config_path, "w") as f:
        f.write("sensor:\n  workers: many\n")
    daemon.proc.send_signal(signal.SIGHUP)
    daemon.wait_for_log("configuration refused")
    check(daemon.proc.poll() is None, "a bad configuration on SIGHUP stopped the daemon")
    with open(daemon.config_path, "w") as f:
        f.write(good)
    daemon.proc.send_signal(signal.SIGHUP)
    daemon.wait_for_log("reloaded")
    daemon.wait_for(lambda: last_stats(daemon).get("reloads") == 1, 5)
    stats = last_stats(daemon)
    check(stats.get("reloads") == 1 and stats.get("reloads_refused") == 1,
          f"reload counters: {stats.get('reloads')}, {stats.get('reloads_refused')}")
    check(daemon.stop() == 0, "ops: SIGTERM exit code")
    check(not os.path.exists(pid_file) or open(pid_file).read().strip() != str(pid),
          "pid file left behind")  # removal may be refused after the privilege drop

    lines = open(calls).read().splitlines() if os.path.exists(calls) else []
    actions = [line.split()[3] for line in lines]
    check(len(lines) >= 2 and lines[0].startswith("198.51.100.10 incoming ") and
          actions[0] == "ban" and "unban" in actions,
          f"notify script calls: {lines}")
    check(all(line.split()[2].isdigit() and '"target":"198.51.100.10"' in line for line in lines),
          f"notify script arguments or stdin: {lines}")
    check(any(p["action"] == "ban" and p["ip"] == "198.51.100.10" and
              p["record"]["vectors"][0]["name"] == "syn_flood" for p in Hook.posts),
          f"webhook (after one 503) got no ban: {Hook.posts}")
    check(any(p["action"] == "unban" for p in Hook.posts), "webhook got no unban")
    server.shutdown()

    db = sqlite3.connect(history)
    check(db.execute("PRAGMA integrity_check").fetchone()[0] == "ok", "history integrity")
    rows = db.execute("SELECT target, vector, state FROM attacks").fetchall()
    check(("198.51.100.10", "syn_flood", "end") in rows, f"history attacks: {rows}")
    history_cli = subprocess.run([args.rampart, "history", "--db", history, "--json"],
                                 capture_output=True, text=True)
    check(history_cli.returncode == 0 and "198.51.100.10" in history_cli.stdout,
          f"rampart history: {history_cli.stderr}")


def test_kill9_history(args, work, flood):
    """History survives kill -9: committed events are there and the file is sound."""
    history = os.path.join(work, "kill9.db")
    daemon = Daemon(args.rampart, work, "kill9",
                    {"sensor": {"flow_listen": ["127.0.0.1:19956"]},
                     "outputs": {"history": history}})
    subprocess.run(["softflowd", "-r", flood, "-n", "127.0.0.1:19956", "-v", "10", "-c", "none",
                    "-d"], check=True, capture_output=True)
    daemon.wait_for(lambda: live_attacks(daemon, "start"), 20)
    time.sleep(1.5)  # the start event is in a committed transaction by the next tick
    daemon.stop(signal.SIGKILL)
    db = sqlite3.connect(history)
    check(db.execute("PRAGMA integrity_check").fetchone()[0] == "ok", "kill -9: integrity")
    starts = db.execute("SELECT count(*) FROM events WHERE event_type='attack'").fetchone()[0]
    check(starts >= 1, "kill -9: the attack's start event was lost")


def test_flows(args, work, flood):
    """softflowd's NetFlow v9 and IPFIX exports; garbage counted and logged once."""
    expected = attack_set(analyze(args.rampart, flood)["attacks"])
    for version in ("9", "10"):
        daemon = Daemon(args.rampart, work, f"flows-v{version}",
                        {"sensor": {"flow_listen": ["127.0.0.1:19957", "[::1]:19957"]}})
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        for garbage in (b"\x00\x09\x00\x05" + b"\xff" * 40, b"\x00\x0a\x00\x08junk", b"x"):
            for _ in range(3):
                sock.sendto(garbage, ("127.0.0.1", 19957))
        subprocess.run(["softflowd", "-r", flood, "-n", "127.0.0.1:19957", "-v", version,
                        "-c", "none", "-d"], check=True, capture_output=True)
        daemon.wait_for(lambda: live_attacks(daemon, "end"), 20)
        daemon.stop()
        got = attack_set(live_attacks(daemon, "start"))
        check(got == expected, f"flows v{version}: {got} != {expected}")
        flows = last_stats(daemon).get("flows", {})
        check(flows.get("records", 0) > 1000 and flows.get("socket_drops") == 0 and
              flows.get("queue_drops") == 0, f"flows v{version}: {flows}")
        check(flows.get("malformed", 0) >= 3, f"flows v{version}: garbage not counted: {flows}")
        logged = daemon.log_text().count("flow exporter 127.0.0.1: bad input")
        check(logged == 1, f"flows v{version}: bad input logged {logged} times, not once")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rampart", required=True)
    parser.add_argument("--gen", required=True)
    parser.add_argument("--data", required=True)
    args = parser.parse_args()
    if os.geteuid() != 0:
        print("test_sensor.py needs root (network namespaces, AF_PACKET)")
        return 1
    for tool in ("tcpreplay", "softflowd", "capinfos"):
        if shutil.which(tool) is None:
            print(f"{tool} is missing: run `make deps`")
            return 1
    work = tempfile.mkdtemp(prefix="rampart-sensor-")
    os.chmod(work, 0o755)
    flood = os.path.join(work, "syn.pcap")
    subprocess.run([args.gen, "scenario", "--out", flood, "--duration", "10", "--vector",
                    "syn_flood", "--attack-pps", "20000", "--attack-start", "3",
                    "--attack-duration", "4", "--sources", "3000"], check=True)
    amp = os.path.join(work, "amp.pcap")
    subprocess.run([args.gen, "scenario", "--out", amp, "--duration", "10", "--vector",
                    "amplification", "--service", "ntp", "--attack-pps", "15000",
                    "--attack-start", "3", "--attack-duration", "4", "--sources", "500"],
                   check=True)
    NETNS.create()
    try:
        test_af_packet_and_pcap(args, work, [("syn", flood), ("ntp-amp", amp)])
        test_real_capture_findings(args, work)
        test_tun_interface(args, work)
        test_flows(args, work, flood)
        test_operations(args, work, flood)
        test_kill9_history(args, work, flood)
    finally:
        NETNS.remove()
    if not FAILURES:
        shutil.rmtree(work, ignore_errors=True)
    return finish("sensor")


if __name__ == "__main__":
    sys.exit(main())
