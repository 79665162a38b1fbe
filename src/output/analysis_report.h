#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "capture/raw_packet.h"
#include "decode/decode_events.h"
#include "detect/attack.h"
#include "detect/ddos_detector.h"
#include "dnsmon/dns_findings.h"
#include "flow/flow_spreader.h"
#include "flow/flow_stats.h"
#include "iot/iot_findings.h"
#include "track/host_table.h"
#include "track/traffic_summary.h"

namespace rampart {

//! What `--flows` decoded (docs/flow.md).
struct FlowReport {
  uint64_t datagrams = 0;
  uint64_t records = 0;
  flow::FlowDecodeStats decode;
  flow::SpreaderStats spreader;
};

//! Everything `rampart analyze` reports, gathered once at the end (never on the hot path).
struct AnalysisReport {
  std::vector<CaptureFileFacts> files;
  TrafficSummary summary;
  DecodeStats decode;
  std::vector<HostEntry> hosts;  // sorted: most packets first, then bytes, then address
  size_t hosts_seen = 0;         // addresses in the table (before the --hosts limit)
  uint64_t hosts_evicted = 0;    // addresses dropped at the memory cap
  HostCounters evicted_counters;
  size_t host_table_bytes = 0;
  std::vector<AttackRecord> attacks;
  DetectorStats detector;
  std::optional<iot::IotFindings> iot;  // absent when the IoT taps were off
  bool show_default_passwords = false;
  std::optional<std::vector<dnsmon::DnsFinding>> dns;  // absent when the DNS detector was off
  dnsmon::DnsStats dns_stats;
  std::optional<FlowReport> flows;  // set with --flows

  bool Damaged() const;
};

//! The report's host order: most packets first, then most bytes, then the lower address.
bool HostReportOrder(const HostEntry& a, const HostEntry& b);
//! Sorts hosts for the report and keeps the first `limit` (SIZE_MAX = all).
std::vector<HostEntry> TopHosts(std::vector<HostEntry> entries, size_t limit);
//! The first `limit` hosts of a table in report order, keeping only `limit` in memory.
std::vector<HostEntry> TopHosts(const HostTable& table, size_t limit);

}  // namespace rampart
