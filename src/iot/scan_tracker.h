#pragma once
// Scan detection per source: Mirai's fingerprint (a bare SYN whose sequence number is the
// destination IPv4 address, mirai-facts.md §1.1) and generic horizontal / vertical scans
// (distinct destinations and ports within a window, mostly unanswered), and ICMP ping sweeps.
//
// Hand-written for the per-packet path: one seeded index lookup per bare SYN (or echo request)
// and per SYN-ACK (or echo reply); fixed memory: `max_sources` states of ~400 bytes, and a pool
// of HyperLogLogs for the sources that get far enough to need exact-ish totals.
#include <cstdint>
#include <memory>
#include <vector>

#include "config/config.h"
#include "core/ip_address.h"
#include "core/timestamp.h"
#include "detect/sketches.h"
#include "iot/iot_findings.h"
#include "track/address_index.h"

namespace rampart::iot {

class ScanTracker {
 public:
  enum class Protocol : uint8_t { kTcp, kIcmp };

  ScanTracker(Protocol protocol, IotSettings settings, uint32_t max_sources, uint64_t seed);

  //! A probe: a bare SYN (TCP) or an echo request (ICMP). `mirai` is the fingerprint test.
  void Probe(const IpAddress& source, const IpAddress& target, uint16_t port, TimestampNs ts,
             bool mirai);
  //! A SYN-ACK or echo reply to `source`: the probe was answered.
  void Answer(const IpAddress& source);

  //! The sources that qualify as scanners, as findings (`inside` left false for the caller).
  void Collect(std::vector<ScanFinding>& out) const;
  uint64_t evicted() const { return evicted_; }

 private:
  // Aligned so that what every probe touches (times, counts) sits in one cache line.
  struct alignas(64) Source {
    TimestampNs first_ns = 0;
    TimestampNs last_ns = 0;
    TimestampNs window_start_ns = 0;
    uint64_t probes = 0;
    uint64_t answered = 0;
    uint64_t mirai_probes = 0;
    uint64_t mirai_23 = 0;
    uint64_t mirai_2323 = 0;
    uint32_t hll = kNoHll;            // index into the HyperLogLog pool once the source looks busy
    uint16_t window_target_bits = 0;  // bits the window's counters set: distinct lower bounds
    uint16_t window_port_bits = 0;
    float window_targets_max = 0;
    float window_ports_max = 0;
    bool flagged = false;  // met a scan rule in some window
    bool live = false;
    LinearCounter window_targets;
    LinearCounter window_ports;
    SpaceSaving<uint16_t, 4> ports;
    IpAddress first_target;  // a vertical scan's target, to tell it from a flood's spoofed source
  };
  struct Totals {
    HyperLogLog targets;
    HyperLogLog ports;
  };
  static constexpr uint32_t kNoHll = UINT32_MAX;
  // A source earns a HyperLogLog pair once its window holds this many distinct targets or ports.
  static constexpr uint16_t kPromoteAt = 8;
  // Probes of a source that are always counted in full, answered or not.
  static constexpr uint64_t kAlwaysCounted = 16;

  uint32_t SourceId(const IpAddress& source, TimestampNs ts);
  void CloseWindow(Source& state) const;
  bool Qualifies(const Source& state) const;
  //! The finding for a flagged source (its window closed by the caller).
  ScanFinding MakeFinding(uint32_t id, const Source& state) const;
  void Evict(uint64_t hash);

  Protocol protocol_;
  IotSettings settings_;
  uint64_t seed_;
  uint32_t max_sources_;
  AddressIndex index_;
  std::vector<Source> sources_;
  std::vector<Totals> totals_;
  std::vector<uint32_t> free_totals_;
  uint32_t max_totals_;
  uint64_t evicted_ = 0;
  std::vector<ScanFinding> evicted_findings_;  // qualifying sources pushed out of the table
};

}  // namespace rampart::iot
