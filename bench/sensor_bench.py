#!/usr/bin/env python3
"""The live sensor (`rampart run`) next to FastNetMon 1.2.4, in one run (issue 6).

  sensor_bench.py --build build/release --out build/bench/sensor [--repeat 3]

1. Live capture: two network namespaces joined by a veth pair (names unique to this run, IPv6
   off, no addresses, nothing routed). Captures written by `rampart-gen scenario` are replayed
   with tcpreplay from one namespace into the other, where `rampart run` (AF_PACKET, one worker)
   or FastNetMon (AF_PACKET, with and without connection tracking) or both at once read the
   veth. Reported: tcpreplay's achieved rate, the packets each engine saw, its drops, and its
   CPU time (utime+stime of the whole process from /proc/PID/stat, before and after the replay)
   per packet seen. Then `--pps` steps for rampart alone: the highest rate with zero
   kernel_drops; and a stalled reader (SIGSTOP for 0.1/0.3/1 s during a 100 kpps replay): what
   each engine's ring absorbs, and whether rampart's frames_read + kernel_drops add up.
2. Flow collector burst: softflowd reads a 40-second capture (`-r`) and sends every flow as
   NetFlow v9 to 127.0.0.1 inside the receiving namespace in a burst of well under a second;
   records and datagrams sent (softflowd's own counts) against those the collector got
   (rampart's stats event; FastNetMon's Prometheus counters) and the UDP socket's drops
   (/proc/PID/net/udp).

Needs root. Everything runs inside the two namespaces (FastNetMon's /var/log is a private bind
mount of a temporary directory); namespaces and processes are removed on the way out, also on
failure. Writes OUT/results.md (Markdown tables, also printed) and OUT/results.json.
"""
import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

TAG = f"rb{os.getpid() % 100000}"
NS_SEND, NS_RECV = f"{TAG}s", f"{TAG}r"
VETH_SEND, VETH_RECV = f"{TAG}a", f"{TAG}b"
VICTIM_NET = "198.51.100.0/24"  # rampart-gen scenario's default target is 198.51.100.10
FLOW_PORT = 2055  # on the receiving namespace's loopback
FNM_PROMETHEUS = "127.0.0.1:9209"  # likewise
FASTNETMON = "/usr/sbin/fastnetmon"
CLK_TCK = os.sysconf("SC_CLK_TCK")

PROCS = []  # every process started here, stopped by pid on the way out


# ---------------------------------------------------------------------------------------------
# Plumbing


def sh(*cmd, ns=None, check=True, **kw):
    full = (["ip", "netns", "exec", ns] if ns else []) + [str(c) for c in cmd]
    return subprocess.run(full, check=check, capture_output=True, text=True, **kw)


def make_namespaces():
    sh("ip", "netns", "add", NS_SEND)
    sh("ip", "netns", "add", NS_RECV)
    sh("ip", "link", "add", VETH_SEND, "type", "veth", "peer", "name", VETH_RECV)
    sh("ip", "link", "set", VETH_SEND, "netns", NS_SEND)
    sh("ip", "link", "set", VETH_RECV, "netns", NS_RECV)
    for ns, dev in ((NS_SEND, VETH_SEND), (NS_RECV, VETH_RECV)):
        # No IPv6 (router solicitations, MLD) and no addresses (no ARP): the only frames on
        # the link are the replayed ones.
        sh("sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1", ns=ns)
        sh("sysctl", "-qw", f"net.ipv6.conf.{dev}.disable_ipv6=1", ns=ns)
        sh("ip", "link", "set", dev, "up", ns=ns)
        sh("ip", "link", "set", "lo", "up", ns=ns)


def remove_namespaces():
    for ns in (NS_SEND, NS_RECV):
        subprocess.run(["ip", "netns", "del", ns], capture_output=True)


def stop(proc, sig=signal.SIGTERM, timeout=15):
    if proc.poll() is not None:
        return proc.returncode
    proc.send_signal(sig)
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.wait()


def stop_all():
    for proc in PROCS:
        stop(proc)


def cpu_seconds(pid):
    """utime + stime of the whole process (every thread, also the finished ones)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def peak_rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def udp_socket(pid, port):
    """(receive queue bytes, drops) of the UDP socket bound to `port`, in pid's namespace."""
    with open(f"/proc/{pid}/net/udp") as f:
        next(f)
        for line in f:
            parts = line.split()
            if int(parts[1].split(":")[1], 16) == port:
                return int(parts[4].split(":")[1], 16), int(parts[-1])
    return 0, 0


def builders_running():
    """Compilers of another user of the machine: numbers taken meanwhile are under load."""
    out = subprocess.run(["pgrep", "-f", "ninja|cc1plus"], capture_output=True, text=True).stdout
    return len(out.split())


def loadavg():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def wait_quiet(max_wait_s):
    """Waits (up to max_wait_s) until nobody builds; returns how many builder processes remain."""
    deadline = time.time() + max_wait_s
    n = builders_running()
    while n and time.time() < deadline:
        time.sleep(10)
        n = builders_running()
    return n


def capture_packets(path):
    out = subprocess.run(["capinfos", "-c", "-M", path], check=True, capture_output=True,
                         text=True).stdout
    return int(out.split()[-1])


def generate(gen, path, args_):
    """rampart-gen scenario, once per argument set (a stamp file next to the capture)."""
    stamp = path + ".args"
    wanted = " ".join(args_)
    if os.path.exists(path) and os.path.exists(stamp) and open(stamp).read() == wanted:
        return
    print(f"generating {path}", file=sys.stderr)
    subprocess.run([gen, "scenario", "--out", path, *args_], check=True, capture_output=True)
    with open(stamp, "w") as f:
        f.write(wanted)


# ---------------------------------------------------------------------------------------------
# The engines


class Rampart:
    """`rampart run` in the receiving namespace, its EVE stats events read back."""

    def __init__(self, binary, workdir, name, sensor):
        self.dir = os.path.join(workdir, name)
        os.makedirs(self.dir, exist_ok=True)
        self.eve = os.path.join(self.dir, "eve.json")
        self.log = os.path.join(self.dir, "run.log")
        config = {"sensor": sensor, "outputs": {"eve": self.eve, "stats_interval": "1s"}}
        path = os.path.join(self.dir, "rampart.yaml")
        with open(path, "w") as f:
            json.dump(config, f)  # JSON is YAML
        self.proc = subprocess.Popen(["ip", "netns", "exec", NS_RECV, binary, "run", "--config",
                                      path], stdout=subprocess.DEVNULL,
                                     stderr=open(self.log, "w"))
        PROCS.append(self.proc)
        self.pid = self.proc.pid  # ip netns exec execs the command: this is rampart's pid
        deadline = time.time() + 15
        while "rampart run:" not in open(self.log).read():
            if self.proc.poll() is not None or time.time() > deadline:
                raise RuntimeError(f"rampart run did not start: {open(self.log).read()[-800:]}")
            time.sleep(0.1)
        self.wait_stats(lambda s: True, 5)

    def stats(self):
        last = {}
        if os.path.exists(self.eve):
            with open(self.eve) as f:
                for line in f:
                    if '"event_type":"stats"' not in line:
                        continue
                    try:
                        last = json.loads(line)["stats"]
                    except json.JSONDecodeError:  # a line being written
                        pass
        return last

    def wait_stats(self, predicate, timeout):
        deadline = time.time() + timeout
        while time.time() < deadline:
            s = self.stats()
            if s and predicate(s):
                return s
            time.sleep(0.2)
        return self.stats()

    def frames(self):
        s = self.stats()
        return s.get("capture", {}).get("frames_read", 0), s

    def attacks(self):
        """'vector target' of every attack the daemon started."""
        found = []
        if os.path.exists(self.eve):
            with open(self.eve) as f:
                for line in f:
                    if '"event_type":"attack"' not in line:
                        continue
                    try:
                        a = json.loads(line)["attack"]
                    except json.JSONDecodeError:
                        continue
                    what = f"{a['vectors'][0]['name']} {a['target']}"
                    if a.get("state") == "start" and what not in found:
                        found.append(what)
        return found

    def stop(self):
        return stop(self.proc)


class FastNetMon:
    """FastNetMon 1.2.4 in the foreground in the receiving namespace, its own config file, its
    /var/log a private bind mount of a temporary directory, bans off, no notify script."""

    def __init__(self, workdir, name, mirror=True, conntrack=True, netflow_port=None):
        self.dir = os.path.join(workdir, name)
        varlog = os.path.join(self.dir, "varlog")
        os.makedirs(varlog, exist_ok=True)
        nets = os.path.join(self.dir, "networks_list")
        white = os.path.join(self.dir, "networks_whitelist")
        with open(nets, "w") as f:
            f.write(VICTIM_NET + "\n")
        open(white, "w").close()
        host, port = FNM_PROMETHEUS.split(":")
        conf = {
            "logging_level": "info",
            "disable_usage_report": "on",
            "enable_ban": "off", "enable_ban_ipv6": "off",
            "networks_list_path": nets, "white_list_path": white,
            "monitor_local_ip_addresses": "off",
            "enable_connection_tracking": "on" if conntrack else "off",
            "mirror_afpacket": "on" if mirror else "off",
            "interfaces": VETH_RECV,
            "pcap": "off", "sflow": "off",
            "netflow": "on" if netflow_port else "off",
            "netflow_port": str(netflow_port or 2055), "netflow_host": "127.0.0.1",
            "notify_script_path": os.path.join(self.dir, "no-such-script"),
            "exabgp": "off", "gobgp": "off", "redis_enabled": "off", "mongodb_enabled": "off",
            "influxdb": "off", "graphite": "off", "kafka_traffic_export": "off",
            "pid_path": os.path.join(self.dir, "fastnetmon.pid"),
            "cli_stats_file_path": os.path.join(self.dir, "fastnetmon.dat"),
            "cli_stats_ipv6_file_path": os.path.join(self.dir, "fastnetmon_ipv6.dat"),
            "enable_api": "off",
            "prometheus": "on", "prometheus_host": host, "prometheus_port": port,
        }
        self.conf = os.path.join(self.dir, "fastnetmon.conf")
        with open(self.conf, "w") as f:
            f.writelines(f"{k} = {v}\n" for k, v in conf.items())
        self.log = os.path.join(self.dir, "fastnetmon.log")
        inner = (f"mount --bind {varlog} /var/log && exec {FASTNETMON} --configuration_file "
                 f"{self.conf} --log_file {self.log} --disable_pid_logic")
        self.proc = subprocess.Popen(["ip", "netns", "exec", NS_RECV, "sh", "-c", inner],
                                     stdout=open(os.path.join(self.dir, "stdout"), "w"),
                                     stderr=subprocess.STDOUT)
        PROCS.append(self.proc)
        self.pid = self.proc.pid  # sh execs fastnetmon
        deadline = time.time() + 20
        while not self.metrics():
            if self.proc.poll() is not None or time.time() > deadline:
                raise RuntimeError(f"fastnetmon did not start; see {self.log}")
            time.sleep(0.2)
        time.sleep(1)  # the capture threads start after the Prometheus endpoint

    def metrics(self):
        out = sh("curl", "-s", "--max-time", "2", f"http://{FNM_PROMETHEUS}/metrics", ns=NS_RECV,
                 check=False).stdout
        values = {}
        for line in out.splitlines():
            m = re.match(r"^(fastnetmon_[a-z0-9_]+) (\d+)$", line)
            if m:
                values[m.group(1)] = int(m.group(2))
        return values

    def frames(self):
        m = self.metrics()
        return m.get("fastnetmon_total_simple_packets_processed", 0), m

    def stop(self):
        return stop(self.proc)


# ---------------------------------------------------------------------------------------------
# 1. Live capture


def tcpreplay(path, loops=1, pps=None, limit=None):
    rate = [f"--pps={pps}"] if pps else ["--topspeed"]
    extra = [f"--limit={limit}"] if limit else []
    out = sh("tcpreplay", "-i", VETH_SEND, *rate, f"--loop={loops}", *extra, path, ns=NS_SEND)
    text = out.stdout + out.stderr
    sent = re.search(r"Actual: (\d+) packets .* sent in ([\d.]+) seconds", text)
    rated = re.search(r"Rated: .*?([\d.]+) pps", text)
    failed = re.search(r"Failed packets:\s+(\d+)", text)
    if not sent:
        raise RuntimeError(f"tcpreplay: {text}")
    return {"sent": int(sent.group(1)), "seconds": float(sent.group(2)),
            "pps": float(rated.group(1)) if rated else 0.0,
            "failed": int(failed.group(1)) if failed else 0}


def settle(engine, target, timeout=30):
    """Polls an engine's packet counter until it reaches `target` or stops moving (2 s)."""
    deadline = time.time() + timeout
    last, since = -1, time.time()
    while time.time() < deadline:
        n, _ = engine.frames()
        if n >= target:
            return
        if n != last:
            last, since = n, time.time()
        elif time.time() - since > 2.5:
            return
        time.sleep(0.2)


def measure_replay(engines, path, loops, idle_s=2.0):
    """One replay with `engines` (label -> engine) reading; per engine: packets, drops, CPU."""
    base = {}
    for label, e in engines.items():
        base[label] = (cpu_seconds(e.pid), time.time(), e.frames())
    time.sleep(idle_s)  # the engines' cost when nothing arrives
    start = {}
    for label, e in engines.items():
        cpu0, t0, _ = base[label]
        idle = (cpu_seconds(e.pid) - cpu0) / (time.time() - t0)
        start[label] = (cpu_seconds(e.pid), time.time(), idle, e.frames())
    builders = builders_running()
    load = loadavg()
    replay = tcpreplay(path, loops)
    rows = {}
    for label, e in engines.items():
        cpu1, t1, idle, (frames0, stats0) = start[label]
        settle(e, frames0 + replay["sent"])
        cpu2, t2 = cpu_seconds(e.pid), time.time()
        frames, stats = e.frames()
        seen = frames - frames0
        cpu = cpu2 - cpu1
        row = {"engine": label, "sent": replay["sent"], "replay_pps": replay["pps"],
               "replay_s": replay["seconds"], "seen": seen, "missing": replay["sent"] - seen,
               "cpu_s": cpu, "wall_s": t2 - t1, "idle_cpu_share": idle,
               "cpu_us_per_packet": cpu * 1e6 / seen if seen else None,
               "cpu_us_per_packet_net_of_idle":
                   max(0.0, cpu - idle * (t2 - t1)) * 1e6 / seen if seen else None,
               "peak_rss_mib": peak_rss_mib(e.pid), "builders_running": builders,
               "loadavg": load}
        if isinstance(e, Rampart):
            c0, c1 = stats0.get("capture", {}), stats.get("capture", {})
            row["kernel_drops"] = c1.get("kernel_drops", 0) - c0.get("kernel_drops", 0)
            row["queue_drops"] = c1.get("queue_drops", 0) - c0.get("queue_drops", 0)
            row["ring_freezes"] = c1.get("ring_freezes", 0) - c0.get("ring_freezes", 0)
            row["attacks_started"] = stats.get("attacks", {}).get("started", 0)
            row["attacks"] = e.attacks()
        else:
            row["kernel_drops"] = None  # 1.2.4 has no AF_PACKET drop counters (a stub)
        rows[label] = row
    return rows


def live_capture(args, work, captures):
    """Every engine set over every capture, interleaved, `repeat` times."""
    sets = [("rampart",), ("fnm_ct_on",), ("fnm_ct_off",), ("rampart", "fnm_ct_on")]
    if args.no_fastnetmon:
        sets = [("rampart",)]
    runs = []
    for rep in range(args.repeat):
        for cname, path in captures:
            for engine_set in sets:
                engines = {}
                try:
                    for label in engine_set:
                        name = f"live-{cname}-{'+'.join(engine_set)}-{label}-{rep}"
                        if label == "rampart":
                            engines[label] = Rampart(args.rampart, work, name,
                                                     {"interfaces": [VETH_RECV], "workers": 1})
                        else:
                            engines[label] = FastNetMon(work, name,
                                                        conntrack=label == "fnm_ct_on")
                    rows = measure_replay(engines, path, args.loops)
                finally:
                    for e in engines.values():
                        e.stop()
                together = len(engine_set) > 1
                for label, row in rows.items():
                    row.update({"capture": cname, "together": together, "repeat": rep})
                    runs.append(row)
                    print(f"  {cname} {'+'.join(engine_set)}: {label} saw {row['seen']:,}/"
                          f"{row['sent']:,} at {row['replay_pps']:,.0f} pps, "
                          f"{row['cpu_us_per_packet'] or 0:.3f} us/packet", file=sys.stderr)
    return runs


def rate_steps(args, work, path):
    """rampart alone, one daemon, tcpreplay at fixed rates then at top speed: kernel_drops for
    each step (deltas of the daemon's counters)."""
    steps = []
    daemon = Rampart(args.rampart, work, "steps", {"interfaces": [VETH_RECV], "workers": 1})
    try:
        for pps in [*args.pps_steps, None]:
            frames0, s0 = daemon.frames()
            cpu0 = cpu_seconds(daemon.pid)
            if pps:
                replay = tcpreplay(path, loops=0, pps=pps, limit=int(pps * args.step_seconds))
            else:
                replay = tcpreplay(path, loops=args.loops)
            settle(daemon, frames0 + replay["sent"])
            frames, s1 = daemon.frames()
            c0, c1 = s0.get("capture", {}), s1.get("capture", {})
            seen = frames - frames0
            steps.append({"requested_pps": pps or "topspeed", "sent": replay["sent"],
                          "replay_pps": replay["pps"], "seen": seen,
                          "kernel_drops": c1.get("kernel_drops", 0) - c0.get("kernel_drops", 0),
                          "ring_freezes": c1.get("ring_freezes", 0) - c0.get("ring_freezes", 0),
                          "cpu_us_per_packet": (cpu_seconds(daemon.pid) - cpu0) * 1e6 / seen
                          if seen else None,
                          "builders_running": builders_running()})
            print(f"  step {pps or 'topspeed'}: {steps[-1]}", file=sys.stderr)
    finally:
        daemon.stop()
    return steps


def stall_test(args, work, path):
    """What a reader's stall costs: tcpreplay at a fixed rate, the engine stopped (SIGSTOP, every
    thread) for a moment in the middle, then let go. A ring buffers the stall or drops; for
    rampart, frames_read + kernel_drops must still add up to the packets sent."""
    rows = []
    engines = ["rampart"] if args.no_fastnetmon else ["rampart", "fnm_ct_on"]
    for label in engines:
        name = f"stall-{label}"
        e = (Rampart(args.rampart, work, name, {"interfaces": [VETH_RECV], "workers": 1})
             if label == "rampart" else FastNetMon(work, name))
        try:
            for stall in args.stalls:
                frames0, s0 = e.frames()
                pps = args.stall_pps
                sender = subprocess.Popen(
                    ["ip", "netns", "exec", NS_SEND, "tcpreplay", "-i", VETH_SEND,
                     f"--pps={pps}", "--loop=0", f"--limit={pps * 5}", path],
                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
                PROCS.append(sender)
                time.sleep(2)
                os.kill(e.pid, signal.SIGSTOP)
                try:
                    time.sleep(stall)
                finally:
                    os.kill(e.pid, signal.SIGCONT)
                text = sender.communicate(timeout=60)[0]
                sent = int(re.search(r"Actual: (\d+) packets", text).group(1))
                settle(e, frames0 + sent)
                time.sleep(2.5)  # rampart reads the kernel's drop counters once a second
                frames, s1 = e.frames()
                row = {"engine": label, "stall_s": stall, "pps": pps, "sent": sent,
                       "builders_running": builders_running(),
                       "seen": frames - frames0, "lost": sent - (frames - frames0)}
                if label == "rampart":
                    row["kernel_drops"] = (s1["capture"]["kernel_drops"] -
                                           s0["capture"]["kernel_drops"])
                    row["accounted"] = row["seen"] + row["kernel_drops"] == sent
                rows.append(row)
                print(f"  stall: {row}", file=sys.stderr)
        finally:
            e.stop()
    return rows


# ---------------------------------------------------------------------------------------------
# 2. Flow collector burst


def softflowd(path, work, port):
    pidfile = os.path.join(work, "softflowd.pid")
    start = time.time()
    out = sh("softflowd", "-r", path, "-n", f"127.0.0.1:{port}", "-v", "9", "-c", "none", "-d",
             "-p", pidfile, ns=NS_RECV)
    seconds = time.time() - start
    text = out.stdout + out.stderr
    m = re.search(r"Flows exported: (\d+) \((\d+) records\) in (\d+) packets \((\d+) failures\)",
                  text)
    if not m:
        raise RuntimeError(f"softflowd: {text}")
    return {"flows": int(m.group(1)), "records": int(m.group(2)), "datagrams": int(m.group(3)),
            "send_failures": int(m.group(4)), "seconds": seconds}


def flow_burst(args, work, path):
    variants = [("rampart", 32), ("rampart", 1), ("fnm", None)]
    if args.no_fastnetmon:
        variants = variants[:2]
    runs = []
    for rep in range(args.repeat):
        for engine, buffer_mib in variants:
            name = f"flows-{engine}{buffer_mib or ''}-{rep}"
            if engine == "rampart":
                e = Rampart(args.rampart, work, name,
                            {"flow_listen": [f"127.0.0.1:{FLOW_PORT}"],
                             "flow_socket_buffer_mib": buffer_mib})
            else:
                e = FastNetMon(work, name, mirror=False, netflow_port=FLOW_PORT)
            try:
                cpu0 = cpu_seconds(e.pid)
                _, drops0 = udp_socket(e.pid, FLOW_PORT)
                builders = builders_running()
                sent = softflowd(path, work, FLOW_PORT)
                row = {"engine": engine, "socket_buffer_mib": buffer_mib, "repeat": rep,
                       "sent_records": sent["records"], "sent_datagrams": sent["datagrams"],
                       "sent_flows": sent["flows"], "burst_s": sent["seconds"],
                       "offered_records_per_s": sent["records"] / sent["seconds"],
                       "builders_running": builders}
                if engine == "rampart":
                    # Everything read, released by the listener (2 s idle) and analyzed.
                    s = e.wait_stats(lambda s: s["flows"]["datagrams"] + s["flows"]["socket_drops"]
                                     >= sent["datagrams"] and s["flows"]["chunks_analyzed"] +
                                     s["flows"]["queue_drops"] >= s["flows"]["chunks"] and
                                     s["flows"]["chunks"] > 0, 30)
                    time.sleep(1.5)
                    s = e.stats()
                    f = s["flows"]
                    row.update({"received_records": f["records"],
                                "received_datagrams": f["datagrams"],
                                "socket_drops": f["socket_drops"],
                                "queue_drops": f["queue_drops"], "malformed": f["malformed"],
                                "chunks": f["chunks"], "chunks_analyzed": f["chunks_analyzed"],
                                "attacks_started": s["attacks"]["started"]})
                else:
                    deadline = time.time() + 10
                    last = -1
                    while time.time() < deadline:  # until its counters stop moving
                        m = e.metrics()
                        n = m.get("fastnetmon_netflow_v9_total_flows", 0)
                        if n == last:
                            break
                        last = n
                        time.sleep(1)
                    row.update({"received_records": m.get("fastnetmon_netflow_v9_total_flows", 0),
                                "received_datagrams": m.get("fastnetmon_netflow_v9_total_packets",
                                                            0)})
                _, drops1 = udp_socket(e.pid, FLOW_PORT)
                row["kernel_socket_drops"] = drops1 - drops0  # /proc/PID/net/udp
                if engine == "fnm":
                    row["socket_drops"] = row["kernel_socket_drops"]
                row["cpu_s"] = cpu_seconds(e.pid) - cpu0
                row["cpu_us_per_record"] = (row["cpu_s"] * 1e6 / row["received_records"]
                                            if row["received_records"] else None)
            finally:
                e.stop()
            runs.append(row)
            print(f"  flows {engine}{buffer_mib or ''}: {row}", file=sys.stderr)
    return runs


# ---------------------------------------------------------------------------------------------
# Report


def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def spread(values, fmt):
    values = [v for v in values if v is not None]
    if not values:
        return "–"
    if len(values) == 1 or min(values) == max(values):
        return fmt.format(values[0])
    return (fmt + " (" + fmt + "–" + fmt + ")").format(statistics.median(values), min(values),
                                                       max(values))


ENGINE_NAMES = {"rampart": "rampart run (1 worker)",
                "fnm_ct_on": "FastNetMon 1.2.4, conntrack on (default)",
                "fnm_ct_off": "FastNetMon 1.2.4, conntrack off"}


def report(results):
    lines = []
    caps = results["captures"]
    lines.append("### Live capture (AF_PACKET on a veth, tcpreplay --topspeed, "
                 f"{results['args']['loops']} loops of each capture)\n")
    lines.append("| capture | engine | alone / together | packets sent | tcpreplay rate | "
                 "seen | drops | CPU µs/packet | idle CPU | peak RSS | attacks rampart reported |")
    lines.append("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---|")
    keys = []
    for r in results["live"]:
        k = (r["capture"], r["engine"], r["together"])
        if k not in keys:
            keys.append(k)
    for cname, engine, together in keys:
        rs = [r for r in results["live"] if (r["capture"], r["engine"], r["together"]) ==
              (cname, engine, together)]
        if engine == "rampart":
            drops = "kernel " + spread([r["kernel_drops"] for r in rs], "{:,}")
            missing = [r["missing"] for r in rs]
            if any(missing):
                drops += f", missing {spread(missing, '{:,}')}"
        else:
            drops = "missing " + spread([r["missing"] for r in rs], "{:,}")
        lines.append(
            f"| {cname} | {ENGINE_NAMES[engine]} | {'together' if together else 'alone'} | "
            f"{spread([r['sent'] for r in rs], '{:,}')} | "
            f"{spread([r['replay_pps'] / 1e3 for r in rs], '{:.0f}')} kpps | "
            f"{spread([r['seen'] for r in rs], '{:,}')} | {drops} | "
            f"{spread([r['cpu_us_per_packet'] for r in rs], '{:.2f}')} | "
            f"{spread([r['idle_cpu_share'] * 100 for r in rs], '{:.1f}')} % | "
            f"{med([r['peak_rss_mib'] for r in rs]):.0f} MiB | "
            f"{', '.join(sorted({a for r in rs for a in r.get('attacks', [])})) or '–'} |")
    lines.append("")
    lines.append("Captures: " + "; ".join(f"`{c['name']}`: {c['packets']:,} packets "
                                            f"({c['what']})" for c in caps) + ".")
    lines.append("")
    if results["steps"]:
        lines.append("### rampart alone, fixed replay rates\n")
        lines.append("| requested | tcpreplay rate | packets sent | seen | kernel_drops | "
                     "CPU µs/packet |")
        lines.append("|---|---:|---:|---:|---:|---:|")
        for s in results["steps"]:
            req = (f"{s['requested_pps'] / 1e3:.0f} kpps" if s["requested_pps"] != "topspeed"
                   else "--topspeed")
            cpu = f"{s['cpu_us_per_packet']:.2f}" if s["cpu_us_per_packet"] else "–"
            lines.append(f"| {req} | {s['replay_pps'] / 1e3:.0f} kpps | {s['sent']:,} | "
                         f"{s['seen']:,} | {s['kernel_drops']:,} | {cpu} |")
        clean = [s["replay_pps"] for s in results["steps"]
                 if s["kernel_drops"] == 0 and s["seen"] >= s["sent"]]
        if clean:
            lines.append(f"\nHighest rate with zero kernel_drops: **{max(clean) / 1e3:.0f} kpps** "
                         "(achieved by tcpreplay).")
    if results.get("stalls"):
        lines.append(f"\n### A stalled reader (SIGSTOP for a moment during a replay at "
                     f"{results['args']['stall_pps'] / 1e3:.0f} kpps)\n")
        lines.append("| engine | stalled for | packets sent | seen | lost | kernel_drops |")
        lines.append("|---|---:|---:|---:|---:|---:|")
        for r in results["stalls"]:
            drops = (f"{r['kernel_drops']:,}" + ("" if r["accounted"] else " (does not add up)")
                     if "kernel_drops" in r else "– (no counter)")
            lines.append(f"| {ENGINE_NAMES[r['engine']]} | {r['stall_s']:.1f} s | {r['sent']:,} | "
                         f"{r['seen']:,} | {r['lost']:,} | {drops} |")
    lines.append("")
    f = results["flows"]
    if f:
        lines.append("### Flow collector burst (softflowd -r, NetFlow v9 to 127.0.0.1)\n")
        lines.append("| collector | UDP receive buffer | records sent | datagrams sent | burst | "
                     "offered | records received | datagrams lost | socket drops | "
                     "queue drops | CPU µs/record |")
        lines.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        seen = []
        for r in f:
            k = (r["engine"], r["socket_buffer_mib"])
            if k in seen:
                continue
            seen.append(k)
            rs = [x for x in f if (x["engine"], x["socket_buffer_mib"]) == k]
            name = "rampart run" if r["engine"] == "rampart" else "FastNetMon 1.2.4"
            buf = (f"{r['socket_buffer_mib']} MiB (flow_socket_buffer_mib)" if r["engine"] ==
                   "rampart" else "kernel default (rmem_default)")
            lost = [100 * (1 - x["received_datagrams"] / x["sent_datagrams"]) for x in rs]
            lines.append(
                f"| {name} | {buf} | {spread([x['sent_records'] for x in rs], '{:,}')} | "
                f"{spread([x['sent_datagrams'] for x in rs], '{:,}')} | "
                f"{spread([x['burst_s'] for x in rs], '{:.2f}')} s | "
                f"{spread([x['offered_records_per_s'] / 1e6 for x in rs], '{:.2f}')} M/s | "
                f"{spread([x['received_records'] for x in rs], '{:,}')} | "
                f"{spread(lost, '{:.1f}')} % | "
                f"{spread([x['socket_drops'] for x in rs], '{:,}')} | "
                f"{spread([x.get('queue_drops') for x in rs], '{:,}')} | "
                f"{spread([x['cpu_us_per_record'] for x in rs], '{:.2f}')} |")
        lines.append("")
    loaded = [r for r in results["live"] + results["steps"] + results.get("stalls", []) +
              results["flows"]
              if r.get("builders_running")]
    if loaded:
        lines.append(f"Note: {len(loaded)} of the measurements above ran while another user's "
                     "compiler was running on the machine (see results.json, "
                     "`builders_running`).\n")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", default="build/release")
    parser.add_argument("--out", default="build/bench/sensor")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measurement")
    parser.add_argument("--loops", type=int, default=3, help="tcpreplay --loop for capture runs")
    parser.add_argument("--pps-steps", default="41000,100000,200000,300000,400000",
                        help="fixed tcpreplay rates for rampart's zero-drop search (41000: the SYN "
                             "capture's own average rate)")
    parser.add_argument("--step-seconds", type=float, default=8)
    parser.add_argument("--no-fastnetmon", action="store_true")
    parser.add_argument("--skip", default="",
                        help="comma list of: live, steps, stall, flows")
    parser.add_argument("--stalls", default="0.1,0.3,1.0",
                        help="seconds the engine is stopped in the stall test")
    parser.add_argument("--stall-pps", type=int, default=100000)
    parser.add_argument("--wait-quiet", type=float, default=0,
                        help="wait up to this many seconds for other builds to finish first")
    args = parser.parse_args()
    args.pps_steps = [int(x) for x in args.pps_steps.split(",") if x]
    args.stalls = [float(x) for x in args.stalls.split(",") if x]
    skip = set(args.skip.split(","))
    if os.geteuid() != 0:
        print("sensor_bench.py needs root (network namespaces, AF_PACKET)", file=sys.stderr)
        return 1
    for tool in ("tcpreplay", "softflowd", "capinfos", "curl"):
        if shutil.which(tool) is None:
            print(f"{tool} is missing: run `make deps`", file=sys.stderr)
            return 1
    if not os.path.exists(FASTNETMON) and not args.no_fastnetmon:
        print(f"{FASTNETMON} is missing (apt-get install fastnetmon); running without it",
              file=sys.stderr)
        args.no_fastnetmon = True
    args.rampart = os.path.abspath(os.path.join(args.build, "rampart"))
    gen = os.path.abspath(os.path.join(args.build, "rampart-gen"))
    os.makedirs(args.out, exist_ok=True)
    out = os.path.abspath(args.out)

    syn = os.path.join(out, "live_syn_flood.pcap")
    generate(gen, syn, ["--duration", "20", "--vector", "syn_flood", "--attack-pps", "50000",
                        "--attack-start", "2", "--attack-duration", "16", "--sources", "5000"])
    spoofed = os.path.join(out, "live_syn_flood_spoofed.pcap")
    generate(gen, spoofed, ["--duration", "20", "--vector", "syn_flood", "--attack-pps", "50000",
                            "--attack-start", "2", "--attack-duration", "16", "--spoofed"])
    background = os.path.join(out, "live_background.pcap")
    generate(gen, background, ["--duration", "20", "--background-pps", "20000",
                               "--clients", "2000"])
    flows = os.path.join(out, "flows_40s.pcap")
    generate(gen, flows, ["--duration", "40", "--vector", "syn_flood", "--attack-pps", "15000",
                          "--attack-start", "5", "--attack-duration", "30", "--sources", "5000",
                          "--background-pps", "2000", "--clients", "2000"])
    captures = [
        {"name": "syn_flood", "path": syn, "packets": capture_packets(syn),
         "what": "rampart-gen scenario, 20 s: SYN flood 50 kpps for 16 s from 5,000 sources to "
                 "198.51.100.10, random ports, plus 1 kpps of web/DNS/NTP"},
        {"name": "syn_flood_spoofed", "path": spoofed, "packets": capture_packets(spoofed),
         "what": "the same with a new random source address for every flood packet"},
        {"name": "background", "path": background, "packets": capture_packets(background),
         "what": "rampart-gen scenario, 20 s of 20 kpps web (HTTP/TLS sessions), DNS and NTP "
                 "from 2,000 clients, no attack"},
    ]
    results = {"args": {k: v for k, v in vars(args).items()}, "tag": TAG,
               "captures": [{k: v for k, v in c.items()} for c in captures],
               "flow_capture": {"path": flows, "packets": capture_packets(flows)},
               "live": [], "steps": [], "flows": []}
    if args.wait_quiet:
        results["builders_at_start"] = wait_quiet(args.wait_quiet)
    work = tempfile.mkdtemp(prefix="rampart-sensor-bench-")
    os.chmod(work, 0o755)

    def on_term(*_):
        raise SystemExit(1)

    signal.signal(signal.SIGTERM, on_term)
    try:
        make_namespaces()
        if "live" not in skip:
            results["live"] = live_capture(args, work,
                                           [(c["name"], c["path"]) for c in captures])
        if "steps" not in skip:
            results["steps"] = rate_steps(args, work, syn)
        if "stall" not in skip:
            results["stalls"] = stall_test(args, work, syn)
        if "flows" not in skip:
            results["flows"] = flow_burst(args, work, flows)
    finally:
        stop_all()
        remove_namespaces()
    table = report(results)
    with open(os.path.join(out, "results.json"), "w") as f:
        json.dump(results, f, indent=1)
    with open(os.path.join(out, "results.md"), "w") as f:
        f.write(table + "\n")
    print(table)
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
