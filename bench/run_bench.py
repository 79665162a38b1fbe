#!/usr/bin/env python3
"""`make bench`: rampart's read+decode+count next to tcpdump and a plain libpcap loop, on one
core, over the same generated captures; then the per-component micro-benchmarks.

Writes a Markdown table to stdout and to OUT/results.md (copy it into docs/performance.md).
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import time

CORE = "1"  # pin every run to the same core


def ensure_capture(gen, path, packets, sources):
    expected = 24 + packets * 76
    if os.path.exists(path) and os.path.getsize(path) == expected:
        return
    print(f"generating {path} ({packets} packets, sources={sources})", file=sys.stderr)
    subprocess.run([gen, "flood", "--packets", str(packets), "--sources", sources, "--out", path],
                   check=True)


def pinned(cmd):
    return ["taskset", "-c", CORE, *cmd] if shutil.which("taskset") else cmd


def pipeline(bench, path, repeat, memcap_mib):
    rows = []
    # One process per stage: peak RSS is a process-wide figure.
    for stage in ("read,decode", "libpcap", "count", "detect", "full"):
        out = subprocess.run(pinned([bench, path, str(repeat), str(memcap_mib), stage]),
                             check=True, capture_output=True, text=True).stdout
        rows += [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    return rows


def time_command(cmd, repeat):
    subprocess.run(cmd, check=True, capture_output=True)  # warm the page cache
    best = 1e100
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(pinned(cmd), check=True, capture_output=True)
        best = min(best, time.perf_counter() - start)
    return best


def iot_overhead(gen, bench, args):
    """The IoT taps' cost on ordinary traffic: web sessions (HTTP and TLS), DNS and NTP from
    `rampart-gen scenario`, the whole pipeline with and without them, alternated, medians."""
    path = os.path.join(args.out, "ordinary_web_dns_ntp.pcap")
    if not os.path.exists(path):
        subprocess.run([gen, "scenario", "--background-pps", "100000", "--duration", "30",
                        "--clients", "2000", "--out", path], check=True)
    runs = {"full": [], "noiot": []}
    for _ in range(5):
        for stage in ("full", "noiot"):
            out = subprocess.run(pinned([bench, path, str(args.repeat), str(args.memcap_mib),
                                         stage]),
                                 check=True, capture_output=True, text=True).stdout
            runs[stage] += [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    median = {k: sorted(r["ns_per_packet"] for r in v)[len(v) // 2] for k, v in runs.items()}
    rss = {k: v[0]["max_rss_mib"] for k, v in runs.items()}
    packets = runs["full"][0]["packets"]
    return ("| pipeline (1 core, median of 5) | ns/packet | packets/s | peak RSS |\n"
            "|---|---:|---:|---:|\n"
            f"| without the IoT taps | {median['noiot']:.1f} | {1e3 / median['noiot']:.2f} M | "
            f"{rss['noiot']} MiB |\n"
            f"| with the IoT taps | {median['full']:.1f} | {1e3 / median['full']:.2f} M | "
            f"{rss['full']} MiB |\n"
            f"| cost of the taps | {median['full'] - median['noiot']:.1f} "
            f"({(median['full'] / median['noiot'] - 1) * 100:.0f}%) | | |\n\n"
            f"{packets:,} packets: 70% web sessions (HTTP/80 and TLS/443, every handshake "
            f"completed), 20% DNS, 10% NTP, 2,000 clients.\n")


def root_bench(args, script, name, needs):
    """A benchmark script that needs root (`needs`: what for), its results.md; skipped, saying
    how to run it, otherwise."""
    if os.geteuid() != 0:
        return f"Skipped: needs root ({needs}). Run as root:\n" \
               f"`sudo python3 bench/{script} --build {args.build}`.\n"
    out = os.path.join(args.out, name)
    subprocess.run([sys.executable, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                 script),
                    "--build", args.build, "--out", out],
                   check=True, capture_output=True, text=True)
    with open(os.path.join(out, "results.md")) as f:
        return f.read()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default="build/release")
    parser.add_argument("--out", default="build/bench")
    parser.add_argument("--packets", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--memcap-mib", type=int, default=1024)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    gen = os.path.join(args.build, "rampart-gen")
    bench = os.path.join(args.build, "bench", "pipeline_bench")
    rampart = os.path.join(args.build, "rampart")
    scenarios = [
        ("every source new (10M spoofed)", "random",
         os.path.join(args.out, f"flood_{args.packets}_random.pcap")),
        ("65,536-source pool", "65536", os.path.join(args.out, f"flood_{args.packets}_pool.pcap")),
    ]
    lines = ["| capture | what runs | packets/s (1 core) | ns/packet | peak RSS |",
             "|---|---|---:|---:|---:|"]
    for label, sources, path in scenarios:
        ensure_capture(gen, path, args.packets, sources)
        for row in pipeline(bench, path, args.repeat, args.memcap_mib):
            lines.append(f"| {label} | {row['stage']} | {row['mpps']:.1f} M | "
                         f"{row['ns_per_packet']:.1f} | {row['max_rss_mib']} MiB |")
        whole = time_command([rampart, "analyze", "--json", "--hosts", "20", "--no-progress", path],
                             args.repeat)
        lines.append(f"| {label} | `rampart analyze --json` (whole process) | "
                     f"{args.packets / whole / 1e6:.1f} M | {whole * 1e9 / args.packets:.1f} | |")
        if shutil.which("tcpdump"):
            secs = time_command(["tcpdump", "-n", "-r", path, "-w", "/dev/null"], args.repeat)
            lines.append(f"| {label} | `tcpdump -r FILE -w /dev/null` | "
                         f"{args.packets / secs / 1e6:.1f} M | {secs * 1e9 / args.packets:.1f} | |")
    table = "\n".join(lines)
    iot_table = iot_overhead(gen, bench, args)
    flow_rows = subprocess.run(pinned([os.path.join(args.build, "bench", "flow_bench")]),
                               check=True, capture_output=True, text=True).stdout
    flow_lines = ["| decoder | records/s | ns/record |", "|---|---:|---:|"]
    for line in flow_rows.splitlines():
        row = json.loads(line)
        flow_lines.append(f"| {row['decoder']} | {row['records_per_s'] / 1e6:.2f} M | "
                          f"{row['ns_per_record']:.0f} |")
    dns_rows = subprocess.run(pinned([os.path.join(args.build, "bench", "dns_bench")]),
                              check=True, capture_output=True, text=True).stdout
    dns_lines = ["| case | DNS messages | ns/message | zones tracked / evicted | detector memory |",
                 "|---|---:|---:|---:|---:|"]
    for line in dns_rows.splitlines():
        row = json.loads(line)
        dns_lines.append(f"| {row['case']} | {row['messages']:,} | {row['ns_per_message']:.0f} | "
                         f"{row['zones']:,} / {row['zones_evicted']:,} | "
                         f"{row['detector_mib']:.1f} MiB |")
    latency = subprocess.run([os.path.join(args.build, "bench", "detection_latency_bench")],
                             check=True, capture_output=True, text=True).stdout
    latency_lines = ["| flood vs syn_flood threshold | detected | mean latency | worst latency |",
                     "|---|---:|---:|---:|"]
    for line in latency.splitlines():
        row = json.loads(line)
        latency_lines.append(f"| {row['multiplier']:.2f}x | {row['detected']}/{row['runs']} | "
                             f"{row['mean_latency_s']:.3f} s | {row['max_latency_s']:.3f} s |")
    micro = subprocess.run(pinned([os.path.join(args.build, "bench", "micro_bench"),
                                   "--benchmark_min_time=0.2"]),
                           check=True, capture_output=True, text=True).stdout
    # `rampart run` next to FastNetMon on a veth and a flow burst; detected_at to BIRD's table.
    sensor = root_bench(args, "sensor_bench.py", "sensor", "network namespaces, AF_PACKET")
    bans = root_bench(args, "mitigation_bench.py", "mitigation", "network namespace")
    report = (f"## Pipeline, {args.packets:,} minimum-size (60-byte) frames, best of "
              f"{args.repeat}\n\n{table}\n\n## Detection latency (packet time, onset at 10 "
              f"phases of a second)\n\n" + "\n".join(latency_lines) +
              f"\n\n## IoT taps on ordinary traffic\n\n{iot_table}" +
              "\n## DNS water-torture detector\n\n" + "\n".join(dns_lines) +
              "\n\n## Flow decoding\n\n" + "\n".join(flow_lines) +
              f"\n\n## Live sensor\n\n{sensor}" +
              f"\n## Mitigation latency\n\n{bans}" +
              f"\n## Components (Google Benchmark)\n\n```\n{micro}```\n")
    with open(os.path.join(args.out, "results.md"), "w") as f:
        f.write(report)
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
