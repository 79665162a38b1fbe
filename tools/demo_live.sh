#!/bin/sh
# `make demo`'s live part: `rampart run` collecting IPFIX on 127.0.0.1 while softflowd exports a
# generated SYN-flood capture to it (nothing leaves the machine), then the EVE events it wrote
# (attacks, and the ban manager's dry-run bans: blackhole and a FlowSpec rule) and its SQLite
# history.
set -eu
bin=build/release
dir=build/demo/live
mkdir -p "$dir"
rm -f "$dir"/eve.json "$dir"/history.db*
port=29955
cat > "$dir/rampart.yaml" <<EOF
sensor:
  flow_listen: ["127.0.0.1:$port"]
outputs:
  eve: $dir/eve.json
  history: $dir/history.db
  stats_interval: 1s
  attack_update_interval: 2s
mitigation:                     # dry-run (the default): decides and logs, announces nothing
  ban_time: 5s
  unban_quiet: 2s
  control_socket: $dir/control.sock
  rules:
    - {hostgroup: default, vectors: [syn_flood], actions: [blackhole, flowspec]}
EOF
$bin/rampart-gen scenario --out "$dir/syn.pcap" --duration 12 --vector syn_flood \
  --attack-pps 20000 --attack-start 3 --attack-duration 5 --sources 2000 >/dev/null
$bin/rampart run --config "$dir/rampart.yaml" 2>"$dir/run.log" &
pid=$!
trap 'kill -TERM $pid 2>/dev/null || true' EXIT
sleep 1
softflowd -r "$dir/syn.pcap" -n 127.0.0.1:$port -v 10 -c none -d >/dev/null 2>&1
for _ in $(seq 1 40); do
  grep -q '"state":"withdrawn"' "$dir/eve.json" 2>/dev/null && break
  sleep 0.5
done
kill -TERM $pid
wait $pid
trap - EXIT
echo "--- EVE events ($dir/eve.json):"
echo "(attack times are the flow records' own: softflowd -r dates flows by its own clock)"
python3 - "$dir/eve.json" <<'EOF'
import json, sys
last_stats = None
for line in open(sys.argv[1]):
    e = json.loads(line)
    kind, body = e["event_type"], e[e["event_type"]]
    if kind == "attack":
        v = body["vectors"][0]
        print(f'{e["timestamp"]}  attack {body["state"]:<6} #{body["id"]} {body["target"]} '
              f'{v["name"]}  peak {body["peak_pps"]:.0f} pps, {body["packets"]} packets')
    elif kind == "ban":
        print(f'{e["timestamp"]}  ban    #{body["id"]} {body["state"]:<9} {body["target"]} '
              f'(dry-run: {body["dry_run"]}): {body["reason"]}')
        for a in body["announcements"] if body["state"] == "active" else []:
            cover = f' (covers {a["coverage"]:.0%})' if "coverage" in a else ""
            print(f'{"":34}would announce: {a["text"]}{cover}')
    elif kind == "stats":
        f = body["flows"]
        shown = (f["records"], f["socket_drops"], body["attacks"]["started"])
        if shown == last_stats:
            continue  # one a second: only the changes
        last_stats = shown
        print(f'{e["timestamp"]}  stats  {f["records"]} flow records, {f["socket_drops"]} socket '
              f'drops, {body["attacks"]["started"]} attack(s)')
    else:
        print(e["timestamp"], kind)
EOF
echo "--- rampart history --db $dir/history.db"
$bin/rampart history --db "$dir/history.db" --attacks
