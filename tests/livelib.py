"""Helpers of the live tests (sensor, mitigation): network namespaces joined by a veth pair, and
`rampart run` driven from a config dict with its EVE events read back. Needs root."""
import json
import os
import signal
import subprocess
import time

from testlib import check


class Namespaces:
    """Two namespaces joined by a veth pair, names unique to the run (`prefix` + pid)."""

    def __init__(self, prefix):
        tag = f"{prefix}{os.getpid() % 100000}"
        self.send, self.recv = f"{tag}s", f"{tag}r"
        self.veth_send, self.veth_recv = f"{tag}a", f"{tag}b"

    def create(self):
        sh("ip", "netns", "add", self.send)
        sh("ip", "netns", "add", self.recv)
        sh("ip", "link", "add", self.veth_send, "type", "veth", "peer", "name", self.veth_recv)
        sh("ip", "link", "set", self.veth_send, "netns", self.send)
        sh("ip", "link", "set", self.veth_recv, "netns", self.recv)
        for ns, dev in ((self.send, self.veth_send), (self.recv, self.veth_recv)):
            # No IPv6 on the test link: its router solicitations would be frames not in the file.
            sh("sysctl", "-qw", f"net.ipv6.conf.{dev}.disable_ipv6=1", ns=ns)
            sh("ip", "link", "set", dev, "up", ns=ns)
            sh("ip", "link", "set", "lo", "up", ns=ns)

    def remove(self):
        for ns in (self.send, self.recv):
            subprocess.run(["ip", "netns", "del", ns], capture_output=True)

    def replay_async(self, path):
        """tcpreplay at the capture's own rate, in the background (poll while it plays)."""
        return subprocess.Popen(["ip", "netns", "exec", self.send, "tcpreplay", "-q", "-i",
                                 self.veth_send, path], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)

    def replay(self, path, topspeed=False):
        speed = ["--topspeed"] if topspeed else []
        out = sh("tcpreplay", "-q", *speed, "-i", self.veth_send, path, ns=self.send)
        return out.stdout + out.stderr



def sh(*cmd, ns=None, **kw):
    full = (["ip", "netns", "exec", ns] if ns else []) + list(cmd)
    return subprocess.run(full, check=True, capture_output=True, text=True, **kw)


class Daemon:
    """`rampart run` with a config written from a dict; its EVE events read back."""

    def __init__(self, rampart, workdir, name, config, ns=None):
        self.dir = os.path.join(workdir, name)
        os.makedirs(self.dir, exist_ok=True)
        os.chmod(self.dir, 0o777)
        self.eve = os.path.join(self.dir, "eve.json")
        self.log = os.path.join(self.dir, "run.log")
        config.setdefault("outputs", {})
        config["outputs"].setdefault("eve", self.eve)
        config["outputs"].setdefault("stats_interval", "1s")
        self.config_path = os.path.join(self.dir, "rampart.yaml")
        self.write_config(config)
        cmd = (["ip", "netns", "exec", ns] if ns else []) + [rampart, "run", "--config",
                                                           self.config_path]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL,
                                     stderr=open(self.log, "w"))
        self.wait_for_log("rampart run:")

    def write_config(self, config):
        with open(self.config_path, "w") as f:
            json.dump(config, f)  # JSON is YAML

    def wait_for_log(self, text, timeout=10):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if text in self.log_text():
                return True
            if self.proc.poll() is not None:
                break
            time.sleep(0.1)
        check(False, f"{self.dir}: log never said {text!r}: {self.log_text()[-500:]}")
        return False

    def log_text(self):
        with open(self.log) as f:
            return f.read()

    def events(self, event_type=None):
        if not os.path.exists(self.eve):
            return []
        out = []
        with open(self.eve) as f:
            for line in f:
                event = json.loads(line)
                if event_type is None or event["event_type"] == event_type:
                    out.append(event)
        return out

    def wait_for(self, predicate, timeout=15):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if predicate():
                return True
            time.sleep(0.2)
        return False

    def stop(self, sig=signal.SIGTERM):
        self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            check(False, f"{self.dir}: no exit within 20 s of signal {sig}")
            return None


def attack_set(attacks):
    """(target, first vector, direction) of each attack: what must match between analyze and run."""
    return sorted({(a["target"], a["vectors"][0]["name"], a["direction"]) for a in attacks})


def live_attacks(daemon, state):
    return [e["attack"] for e in daemon.events("attack") if e["attack"]["state"] == state]


def last_stats(daemon):
    stats = daemon.events("stats")
    return stats[-1]["stats"] if stats else {}
