#!/usr/bin/env bash
# Runs every libFuzzer target for a bounded time, starting from its checked-in corpus.
# New inputs go to a scratch folder; crashes land in fuzz/artifacts/ and must become regression
# inputs in fuzz/corpus/<target>/ (named crash-<what>), replayed by `make test`.
set -euo pipefail
build="$1"
seconds="${2:-30}"
here="$(cd "$(dirname "$0")" && pwd)"
mkdir -p "$here/artifacts"
status=0
for target in pcap_reader pcapng_reader packet_decoder dns_parser config_parser telnet_login \
    ftp_login http_login credentials_yaml dns_monitor sflow netflow_v9 ipfix control_request; do
  scratch="$(mktemp -d)"
  echo "== fuzz_$target for ${seconds}s"
  if ! "$build/fuzz/fuzz_$target" -max_total_time="$seconds" -rss_limit_mb=2048 \
      -timeout=10 -artifact_prefix="$here/artifacts/$target-" -print_final_stats=1 \
      "$scratch" "$here/corpus/$target" 2>&1 | tail -n 12; then
    status=1
  fi
  rm -rf "$scratch"
done
exit $status
