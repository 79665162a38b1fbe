#!/usr/bin/env python3
"""Mitigation end to end, with the real speakers (docs/mitigation.md).

  test_mitigation.py --rampart BIN --gen BIN

In a network namespace of its own (names unique to the run): gobgpd and BIRD peered over the
namespace's loopback, BIRD importing routes with the BLACKHOLE community as blackholes. Captures
are replayed with tcpreplay into the namespace, where `rampart run` captures them and bans
through gobgpd's gRPC API (and, in a second run, through ExaBGP's process API). Checks: the
blackhole route with its community reaches BIRD's table (time from detected_at measured), it is
withdrawn when the ban ends, an amplification gets a FlowSpec rule in gobgpd's flowspec table, a
whitelisted target is never announced, dry-run announces nothing, and a restart after kill -9
announces the active bans again. Needs root, as CI has.
"""
import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from testlib import FAILURES, check, finish  # noqa: E402
from livelib import Daemon, Namespaces, live_attacks, sh  # noqa: E402

NETNS = Namespaces("rm")
BGP_PORT, API_PORT = 1179, 50051  # inside the test's own namespace
VICTIM, AMP_VICTIM, WHITELISTED = "198.51.100.10", "198.51.100.30", "198.51.100.20"


class Speakers:
    """gobgpd and BIRD in the receiving namespace, peered over its loopback."""

    def __init__(self, work):
        self.work = work
        self.procs = []
        self.bird_sock = os.path.join(work, "bird.ctl")
        self.bird_include = os.path.join(work, "rampart-bird.conf")

    def start(self):
        with open(os.path.join(self.work, "gobgpd.toml"), "w") as f:
            f.write(f"""[global.config]
  as = 65000
  router-id = "127.0.0.1"
  port = {BGP_PORT}
  local-address-list = ["127.0.0.1"]
[[neighbors]]
  [neighbors.config]
    neighbor-address = "127.0.0.3"
    peer-as = 65002
  [neighbors.transport.config]
    passive-mode = true
    local-address = "127.0.0.1"
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "ipv4-unicast"
[[neighbors]]
  [neighbors.config]
    neighbor-address = "127.0.0.2"
    peer-as = 65001
  [neighbors.transport.config]
    passive-mode = true
    local-address = "127.0.0.1"
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "ipv4-unicast"
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "ipv4-flowspec"
""")
        open(self.bird_include, "w").close()
        with open(os.path.join(self.work, "bird.conf"), "w") as f:
            f.write(f"""router id 127.0.0.3;
protocol device {{}}
# In the test's own namespace only: blackholes reach that namespace's kernel table.
protocol kernel {{ ipv4 {{ export where dest = RTD_BLACKHOLE; }}; }}
include "{self.bird_include}";
protocol bgp gobgp {{
  local 127.0.0.3 as 65002;
  neighbor 127.0.0.1 port {BGP_PORT} as 65000;
  multihop;
  ipv4 {{
    import filter {{ if (65535,666) ~ bgp_community then {{ dest = RTD_BLACKHOLE; accept; }} reject; }};
    export none;
  }};
}}
""")
        for cmd in (["gobgpd", "-f", os.path.join(self.work, "gobgpd.toml"), "--api-hosts",
                     f"127.0.0.1:{API_PORT}", "--pprof-disable", "-l", "warn"],
                    ["bird", "-f", "-c", os.path.join(self.work, "bird.conf"), "-s",
                     self.bird_sock, "-P", os.path.join(self.work, "bird.pid")]):
            log = open(os.path.join(self.work, os.path.basename(cmd[0]) + ".log"), "w")
            self.procs.append(subprocess.Popen(["ip", "netns", "exec", NETNS.recv, *cmd],
                                               stdout=log, stderr=log))
        deadline = time.time() + 30
        while time.time() < deadline:
            if "Established" in self.birdc("show protocols gobgp"):
                return True
            time.sleep(0.2)
        check(False, f"BIRD never peered with gobgpd: {self.birdc('show protocols all gobgp')}")
        return False

    def birdc(self, *command):
        out = subprocess.run(["ip", "netns", "exec", NETNS.recv, "birdc", "-s", self.bird_sock,
                              *command], capture_output=True, text=True)
        return out.stdout + out.stderr

    def gobgp(self, *args):
        out = subprocess.run(["ip", "netns", "exec", NETNS.recv, "gobgp", "-p", str(API_PORT),
                              *args], capture_output=True, text=True)
        return out.stdout + out.stderr

    def bird_has(self, prefix):
        return f"{prefix}/32" in self.birdc("show route", f"{prefix}/32", "all")

    def stop(self):
        for p in self.procs:
            p.terminate()
        for p in self.procs:
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                p.kill()


def wait(predicate, timeout, step=0.005):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return time.time()
        time.sleep(step)
    return None


def config(work, name, **mitigation):
    base = {"dry_run": False, "ban_time": "1s", "unban_quiet": "2s",
            "whitelist": [f"{WHITELISTED}/32"],
            "control_socket": os.path.join(work, f"{name}.sock"),
            "rules": [{"hostgroup": "default", "vectors": ["amplification"],
                       "actions": ["flowspec"]},
                      {"hostgroup": "default", "actions": ["blackhole"]}]}
    base.update(mitigation)
    return {"sensor": {"interfaces": [NETNS.veth_recv]},
            "detection": {"quiet": "2s"},
            "outputs": {"history": os.path.join(work, f"{name}.db")},
            "mitigation": base}


def ban_events(daemon, state=None):
    return [e["ban"] for e in daemon.events("ban") if state is None or e["ban"]["state"] == state]


def notify_config(work, name, **mitigation):
    """config() plus a notify script that appends its arguments to NAME.calls."""
    script = os.path.join(work, f"{name}-notify.sh")
    with open(script, "w") as f:
        f.write(f"#!/bin/sh\necho \"$1 $2 $4\" >> {os.path.join(work, name + '.calls')}\n")
    os.chmod(script, 0o755)
    result = config(work, name, **mitigation)
    result["outputs"]["notify_script"] = script
    return result


def test_gobgp_to_bird(args, work, speakers, captures):
    daemon = Daemon(args.rampart, work, "gobgp",
                    notify_config(work, "gobgp", gobgp={"api": f"127.0.0.1:{API_PORT}"}),
                    ns=NETNS.recv)
    replay = NETNS.replay_async(captures["syn"])
    seen = wait(lambda: speakers.bird_has(VICTIM), 10)
    replay.wait()
    check(seen is not None, f"the blackhole never reached BIRD: {speakers.birdc('show route all')}")
    route = speakers.birdc("show route", f"{VICTIM}/32", "all")
    check("blackhole" in route and "(65535,666)" in route, f"BIRD's route: {route}")
    kernel = wait(lambda: f"blackhole {VICTIM}" in sh("ip", "-n", NETNS.recv, "route").stdout, 5)
    check(kernel is not None, "the blackhole never reached the namespace's kernel table")
    starts = live_attacks(daemon, "start")
    if seen is not None and starts:
        detected = starts[0]["detected_at_ns"] / 1e9
        latency = seen - detected
        print(f"detected_at -> route in BIRD: {latency * 1000:.0f} ms")
        check(latency <= 0.5, f"detected_at to BIRD took {latency:.3f} s (target 0.5 s)")
    # The ban ends once the attack has been quiet for unban_quiet: withdrawn from BIRD.
    gone = wait(lambda: not speakers.bird_has(VICTIM), 30, 0.1)
    check(gone is not None, "the blackhole was never withdrawn from BIRD")
    check(f"blackhole {VICTIM}" not in sh("ip", "-n", NETNS.recv, "route").stdout,
          "the blackhole stayed in the namespace's kernel table")
    states = [b["state"] for b in ban_events(daemon) if b["target"] == VICTIM]
    check(states == ["active", "withdrawn"], f"ban events for {VICTIM}: {states}")
    calls = os.path.join(work, "gobgp.calls")
    wait(lambda: os.path.exists(calls) and "unban" in open(calls).read(), 5, 0.1)
    lines = open(calls).read().splitlines() if os.path.exists(calls) else []
    check(f"{VICTIM} incoming ban" in lines and f"{VICTIM} incoming unban" in lines,
          f"the notify script did not hear the ban and the unban: {lines}")

    # Amplification: a FlowSpec rule, matching the reflected service port.
    NETNS.replay(captures["amp"])
    rule = wait(lambda: AMP_VICTIM in speakers.gobgp("global", "rib", "-a", "ipv4-flowspec"), 10)
    table = speakers.gobgp("global", "rib", "-a", "ipv4-flowspec")
    check(rule is not None and "udp" in table, f"no FlowSpec rule for {AMP_VICTIM}: {table}")
    check("123" in table and "discard" in table, f"FlowSpec match or action: {table}")
    amp_bans = [b for b in ban_events(daemon, "active") if b["target"] == AMP_VICTIM]
    check(amp_bans and amp_bans[0]["announcements"][0]["coverage"] >= 0.5,
          f"FlowSpec coverage missing: {amp_bans}")

    # Whitelisted: refused, never announced.
    NETNS.replay(captures["whitelisted"])
    time.sleep(1.5)
    refused = [b for b in ban_events(daemon, "refused") if b["target"] == WHITELISTED]
    check(refused and "whitelisted" in refused[0]["reason"], f"whitelist: {refused}")
    check(WHITELISTED not in speakers.gobgp("global", "rib"), "a whitelisted target was announced")

    # By hand, then kill -9, the speaker loses the route, a restart announces it again.
    sock = os.path.join(work, "gobgp.sock")
    added = subprocess.run([args.rampart, "ban", "--socket", sock, "add", "198.51.100.88",
                            "--time", "10m", "--reason", "test"], capture_output=True, text=True)
    check(added.returncode == 0, f"rampart ban add: {added.stderr}")
    check(wait(lambda: speakers.bird_has("198.51.100.88"), 5) is not None, "manual ban not in BIRD")
    listed = json.loads(subprocess.run([args.rampart, "ban", "--socket", sock, "--json", "list"],
                                       capture_output=True, text=True).stdout)
    check(any(b["target"] == "198.51.100.88" for b in listed["bans"]), f"ban list: {listed}")
    check(oct(os.stat(sock).st_mode & 0o777) == "0o600", "control socket is not owner-only")
    daemon.stop(signal.SIGKILL)
    speakers.gobgp("global", "rib", "del", "198.51.100.88/32", "-a", "ipv4")
    check(wait(lambda: not speakers.bird_has("198.51.100.88"), 5) is not None,
          "could not take the route away for the restart test")
    again = Daemon(args.rampart, work, "gobgp",
                   config(work, "gobgp", gobgp={"api": f"127.0.0.1:{API_PORT}"}), ns=NETNS.recv)
    check(wait(lambda: speakers.bird_has("198.51.100.88"), 5) is not None,
          "the restart did not announce the active ban again")
    removed = subprocess.run([args.rampart, "ban", "--socket", sock, "remove",
                              str(added_id(ban_events(again, "active"), "198.51.100.88"))],
                             capture_output=True, text=True)
    check(removed.returncode == 0, f"rampart ban remove: {removed.stderr}")
    check(wait(lambda: not speakers.bird_has("198.51.100.88"), 5) is not None,
          "rampart ban remove did not withdraw the route")
    check(again.stop() == 0, "exit code after SIGTERM")


def added_id(bans, target):
    for b in bans:
        if b["target"] == target:
            return b["id"]
    return 0


def test_dry_run(args, work, speakers, captures):
    daemon = Daemon(args.rampart, work, "dry",
                    config(work, "dry", dry_run=True, gobgp={"api": f"127.0.0.1:{API_PORT}"}),
                    ns=NETNS.recv)
    NETNS.replay(captures["syn"])
    daemon.wait_for(lambda: ban_events(daemon, "active"), 5)
    daemon.stop()
    bans = ban_events(daemon, "active")
    check(bans and bans[0]["dry_run"] and "blackhole 198.51.100.10/32" in
          bans[0]["announcements"][0]["text"], f"dry-run ban event: {bans}")
    check(VICTIM not in speakers.gobgp("global", "rib"), "dry-run announced a route")
    check("dry-run: would announce blackhole 198.51.100.10/32" in daemon.log_text(),
          "dry-run did not log what it would announce")


def start_exabgp(work, speakers):
    """ExaBGP in the namespace, peered with gobgpd, its `rampart` process reading a FIFO."""
    pipe = os.path.join(work, "exabgp.cmd")
    if not os.path.exists(pipe):
        os.mkfifo(pipe, 0o600)
    with open(os.path.join(work, "exabgp.conf"), "w") as f:
        f.write(f"""process rampart {{
  run /bin/sh -c "exec 4<&0; cat <&4 >/dev/null & exec cat {pipe} 3<>{pipe} 4<&-";
  encoder text;
}}
neighbor 127.0.0.1 {{
  router-id 127.0.0.2;
  local-address 127.0.0.2;
  local-as 65001;
  peer-as 65000;
  connect {BGP_PORT};
  api {{ processes [rampart]; }}
  family {{ ipv4 unicast; ipv4 flow; }}
}}
""")
    env = {**os.environ, "exabgp.daemon.user": "root", "exabgp.tcp.bind": "",
           "exabgp.api.cli": "false", "exabgp.log.destination": "stdout",
           "exabgp.daemon.pid": os.path.join(work, "exabgp.pid")}
    log = open(os.path.join(work, "exabgp.log"), "w")
    exabgp = subprocess.Popen(["ip", "netns", "exec", NETNS.recv, "exabgp",
                               os.path.join(work, "exabgp.conf")], env=env, stdout=log,
                              stderr=log, start_new_session=True)
    up = wait(lambda: "establ" in speakers.gobgp("neighbor", "127.0.0.2").lower(), 30, 0.2)
    check(up is not None, f"ExaBGP never peered: {speakers.gobgp('neighbor')}")
    return pipe, exabgp


def stop_exabgp(exabgp, pipe):
    os.killpg(exabgp.pid, signal.SIGTERM)
    exabgp.wait(timeout=10)
    # ExaBGP starts its process in a session of its own: the reader loop is ended by name.
    subprocess.run(["pkill", "-f", pipe], capture_output=True)


def test_exabgp(args, work, speakers, captures):
    pipe, exabgp = start_exabgp(work, speakers)
    try:
        daemon = Daemon(args.rampart, work, "exabgp", config(work, "exabgp", exabgp={"pipe": pipe}),
                        ns=NETNS.recv)
        replay = NETNS.replay_async(captures["syn"])
        seen = wait(lambda: speakers.bird_has(VICTIM), 10)
        replay.wait()
        check(seen is not None, "the blackhole through ExaBGP never reached BIRD")
        gone = wait(lambda: not speakers.bird_has(VICTIM), 30, 0.1)
        check(gone is not None, "the blackhole through ExaBGP was never withdrawn")
        daemon.stop()
    finally:
        stop_exabgp(exabgp, pipe)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rampart", required=True)
    parser.add_argument("--gen", required=True)
    args = parser.parse_args()
    if os.geteuid() != 0:
        print("test_mitigation.py needs root (network namespaces)")
        return 1
    for tool in ("gobgpd", "gobgp", "bird", "birdc", "exabgp", "tcpreplay"):
        if shutil.which(tool) is None:
            print(f"{tool} is missing: run `make deps`")
            return 1
    work = tempfile.mkdtemp(prefix="rampart-mitigation-")
    captures = {}
    for name, target, vector in (("syn", VICTIM, ["--vector", "syn_flood"]),
                                 ("amp", AMP_VICTIM, ["--vector", "amplification", "--service",
                                                      "ntp"]),
                                 ("whitelisted", WHITELISTED, ["--vector", "syn_flood"])):
        captures[name] = os.path.join(work, f"{name}.pcap")
        subprocess.run([args.gen, "scenario", "--out", captures[name], "--duration", "5",
                        "--target", target, *vector, "--attack-pps", "15000", "--attack-start",
                        "1", "--attack-duration", "3", "--sources", "300"], check=True,
                       capture_output=True)
    NETNS.create()
    speakers = Speakers(work)
    try:
        if speakers.start():
            test_gobgp_to_bird(args, work, speakers, captures)
            test_dry_run(args, work, speakers, captures)
            test_exabgp(args, work, speakers, captures)
    finally:
        speakers.stop()
        NETNS.remove()
    if not FAILURES:
        shutil.rmtree(work, ignore_errors=True)
    return finish("mitigation")


if __name__ == "__main__":
    sys.exit(main())
