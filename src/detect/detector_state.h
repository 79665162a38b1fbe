#pragma once
// The detector's internal state shared by its two source files: ddos_detector.cc (the packet
// path and the tick) and attack_summary.cc (turning a finished attack into its record). Not an
// interface: nothing outside src/detect/ includes this.
#include <array>
#include <cstdint>
#include <memory>

#include "decode/packet_meta.h"
#include "detect/ddos_detector.h"
#include "detect/sketches.h"

namespace rampart {
namespace detect_internal {

constexpr double kReflectionMinSources = 50;  // unsolicited service responses from many reflectors
constexpr double kVectorMinShare = 0.10;      // a vector must carry 10% of an attack's packets

//! Which packet class is each vector's evidence (udp_flood and udp_plain_flood share UDP);
//! kCount for a vector with no class of its own.
PacketClass VectorClass(Vector vector);

}  // namespace detect_internal

struct SecondCounters {
  uint64_t bytes = 0;
  uint32_t packets = 0;
  uint32_t tcp = 0;
  uint32_t udp = 0;
  uint32_t icmp = 0;
  uint32_t gre = 0;
  uint32_t syn = 0;
  uint32_t fragments = 0;
  uint32_t max_member_packets = 0;  // prefixes and groups: the busiest host's packets
  uint32_t same_ttl = 0;            // packets with the second's first TTL
  uint32_t same_size = 0;           // … and its first IP length
  uint16_t first_size = 0;
  uint8_t first_ttl = 0;
  std::array<uint32_t, kPacketClassCount> classes{};
  LinearCounter sources;
  LinearCounter flows;
  LinearCounter dst_ports;
};

struct DdosDetector::Evidence {
  HyperLogLog sources;
  HyperLogLog udp_flows;
  HyperLogLog udp_sources;
  SpaceSaving<IpAddress, 16> top_sources;
  SpaceSaving<uint16_t, 8> src_ports;
  SpaceSaving<uint16_t, 8> dst_ports;
  SpaceSaving<uint16_t, 4> udp_src_ports;
  SpaceSaving<uint8_t, 4> ttls;
  SpaceSaving<uint16_t, 4> sizes;
  uint8_t ttl_min = 255;
  uint8_t ttl_max = 0;
  uint32_t size_min = UINT32_MAX;
  uint32_t size_max = 0;
  uint64_t size_sum = 0;
  uint64_t size_count = 0;

  //! Distinct counts see every packet (an HLL update is a few instructions).
  void Count(PacketClass cls, uint64_t source_hash, uint64_t flow_hash, uint64_t weight) {
    sources.Add(source_hash);
    if (cls == PacketClass::kUdp || cls == PacketClass::kUdpAmpResponse) {
      udp_flows.Add(flow_hash);
      udp_sources.Add(source_hash);
      udp_packets += weight;
    }
  }
  //! Heavy hitters and profiles: every packet up to kFullEvidencePackets a second, then a
  //! weighted sample (Space-Saving's update is a scan of its K counters).
  void Sample(const PacketMeta& meta, PacketClass cls, uint64_t weight) {
    top_sources.Add(meta.outer_src, weight);
    if (meta.Has(meta_flag::kHasPorts)) {
      src_ports.Add(meta.src_port, weight);
      dst_ports.Add(meta.dst_port, weight);
    }
    if (cls == PacketClass::kUdp || cls == PacketClass::kUdpAmpResponse) {
      udp_src_ports.Add(meta.src_port, weight);
    }
    ttls.Add(meta.ttl, weight);
    sizes.Add(meta.ip_total_len, weight);
    ttl_min = std::min(ttl_min, meta.ttl);
    ttl_max = std::max(ttl_max, meta.ttl);
    size_min = std::min<uint32_t>(size_min, meta.ip_total_len);
    size_max = std::max<uint32_t>(size_max, meta.ip_total_len);
    size_sum += static_cast<uint64_t>(meta.ip_total_len) * weight;
    size_count += weight;
  }
  uint64_t udp_packets = 0;
};

struct DdosDetector::LiveAttack {
  AttackRecord record;
  std::array<uint64_t, kPacketClassCount> classes{};
  double max_second_sources = 0;
  int32_t evidence = -1;               // while active: the target's pool slot
  std::unique_ptr<Evidence> snapshot;  // once ended
  uint64_t ended_seq = 0;              // once ended: the detector's end count at the time
  const Table* table = nullptr;        // while active: where its target is, for live figures
  uint32_t target = 0;
};

}  // namespace rampart
