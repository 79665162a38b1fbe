#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "config/config.h"
#include "core/ip_address.h"
#include "core/timestamp.h"

namespace rampart {

struct AttackVector {
  Vector vector = Vector::kSynFlood;
  std::string service;   // amplification only: "dns", "ntp", … or "udp/PORT"
  uint64_t packets = 0;  // the evidence that selected it
};

template <typename Key>
struct Counted {
  Key key{};
  uint64_t count = 0;
};

//! One detected attack, as `rampart analyze --json` reports it under `attacks` (docs/report.md).
struct AttackRecord {
  uint32_t id = 0;
  std::string target;                // an address, or a prefix for carpet bombing
  std::string target_kind = "host";  // "host", "prefix" or "group"
  Direction direction = Direction::kIncoming;
  std::string policy;                 // "default" or the hostgroup's name
  std::vector<AttackVector> vectors;  // dominant first
  TimestampNs start = 0;              // the first packet of the first second over a threshold
  TimestampNs detected_at = 0;        // packet time when the rule fired for long enough
  TimestampNs end = 0;                // start of the quiet period that ended it, or the last packet
  bool ongoing = false;               // still over at the end of the data
  double peak_pps = 0;
  double peak_bps = 0;
  uint64_t packets = 0;
  uint64_t bytes = 0;
  double distinct_sources = 0;  // estimate
  std::vector<Counted<IpAddress>> top_sources;
  std::vector<Counted<uint16_t>> top_source_ports;
  std::vector<Counted<uint16_t>> top_destination_ports;
  uint8_t ttl_min = 0;
  uint8_t ttl_max = 0;
  std::vector<Counted<uint8_t>> top_ttls;
  uint32_t size_min = 0;
  uint32_t size_max = 0;
  double size_mean = 0;
  std::vector<Counted<uint16_t>> top_sizes;
  std::string reason;

  double DurationSeconds() const;
  double MeanPps() const;
  double MeanBps() const;
};

}  // namespace rampart
