// A finished (or running) attack's record: which vectors its packets name, its heavy hitters,
// its TTL and size profile. Runs when the report is made, never per packet.
#include <fmt/format.h>

#include <algorithm>

#include "detect/ddos_detector.h"
#include "detect/detector_state.h"

namespace rampart {
namespace detect_internal {

PacketClass VectorClass(Vector vector) {
  switch (vector) {
    case Vector::kSynFlood:
      return PacketClass::kTcpSyn;
    case Vector::kAckFlood:
      return PacketClass::kTcpAck;
    case Vector::kRstFlood:
      return PacketClass::kTcpRst;
    case Vector::kTcpStomp:
      return PacketClass::kTcpPshAck;
    case Vector::kTcpReflection:
      return PacketClass::kTcpSynAck;
    case Vector::kUdpFlood:
    case Vector::kUdpPlainFlood:
      return PacketClass::kUdp;
    case Vector::kVseFlood:
      return PacketClass::kUdpVse;
    case Vector::kGreIpFlood:
      return PacketClass::kGreIp;
    case Vector::kGreEthFlood:
      return PacketClass::kGreEth;
    case Vector::kIcmpFlood:
      return PacketClass::kIcmp;
    case Vector::kIpFragmentFlood:
      return PacketClass::kFragment;
    case Vector::kHttpFlood:
      return PacketClass::kHttpRequest;
    case Vector::kAmplification:
      return PacketClass::kUdpAmpResponse;
    case Vector::kDnsWaterTorture:
    case Vector::kCount:
      break;
  }
  return PacketClass::kCount;
}

}  // namespace detect_internal

using detect_internal::kReflectionMinSources;
using detect_internal::kVectorMinShare;
using detect_internal::VectorClass;

double AttackRecord::DurationSeconds() const {
  return std::max(1.0, static_cast<double>(end - start) / 1e9);
}
double AttackRecord::MeanPps() const {
  return static_cast<double>(packets) / DurationSeconds();
}
double AttackRecord::MeanBps() const {
  return static_cast<double>(bytes) * 8 / DurationSeconds();
}

AttackRecord DdosDetector::Finalize(const LiveAttack& live) const {
  AttackRecord r = live.record;
  const Evidence* ev = live.snapshot.get();
  if (ev == nullptr && live.evidence >= 0) {
    ev = evidence_[live.evidence].get();
  }
  std::array<uint64_t, kPacketClassCount> classes = live.classes;
  const auto at = [&classes](PacketClass cls) -> uint64_t& {
    return classes[static_cast<size_t>(cls)];
  };
  // Fold evidence that belongs to another vector: fragments of amplified responses, RSTs among
  // reflected handshakes, handshakes under an HTTP flood.
  // Only when the absorbing class is a real share (5%) of what it absorbs: a few DNS answers in
  // the background must not turn a fragment flood into amplification.
  const auto absorbs = [&at](PacketClass big, PacketClass small) {
    return at(big) > 0 && at(big) * 20 >= at(small);
  };
  if (absorbs(PacketClass::kUdpAmpResponse, PacketClass::kFragment)) {
    at(PacketClass::kUdpAmpResponse) += at(PacketClass::kFragment);
    at(PacketClass::kFragment) = 0;
  }
  if (absorbs(PacketClass::kTcpSynAck, PacketClass::kTcpRst)) {
    at(PacketClass::kTcpSynAck) += at(PacketClass::kTcpRst);
    at(PacketClass::kTcpRst) = 0;
  }
  uint64_t total = 0;
  for (const uint64_t n : classes) {
    total += n;
  }
  if (total > 0 && static_cast<double>(at(PacketClass::kHttpRequest)) / total >= 0.05) {
    for (const PacketClass cls : {PacketClass::kTcpSyn, PacketClass::kTcpAck,
                                  PacketClass::kTcpPshAck, PacketClass::kTcpOther}) {
      at(PacketClass::kHttpRequest) += at(cls);
      at(cls) = 0;
    }
  }
  std::vector<AttackVector> vectors;
  const auto add = [&](Vector v, PacketClass cls, std::string service = {}) {
    const uint64_t n = at(cls);
    if (total > 0 && static_cast<double>(n) / total >= kVectorMinShare) {
      vectors.push_back(AttackVector{v, std::move(service), n});
    }
  };
  std::string amp_service = "udp";
  if (ev != nullptr) {
    size_t count = 0;
    const auto ports = ev->udp_src_ports.Sorted(&count);
    for (size_t i = 0; i < count; ++i) {
      if (const auto name = AmplificationService(ports[i].key)) {
        amp_service = std::string(*name);
        break;
      }
    }
  }
  add(Vector::kSynFlood, PacketClass::kTcpSyn);
  add(Vector::kTcpReflection, PacketClass::kTcpSynAck);
  add(Vector::kRstFlood, PacketClass::kTcpRst);
  add(Vector::kAckFlood, PacketClass::kTcpAck);
  add(Vector::kTcpStomp, PacketClass::kTcpPshAck);
  add(Vector::kHttpFlood, PacketClass::kHttpRequest);
  add(Vector::kAmplification, PacketClass::kUdpAmpResponse, amp_service);
  add(Vector::kVseFlood, PacketClass::kUdpVse);
  add(Vector::kIcmpFlood, PacketClass::kIcmp);
  add(Vector::kGreIpFlood, PacketClass::kGreIp);
  add(Vector::kGreEthFlood, PacketClass::kGreEth);
  add(Vector::kIpFragmentFlood, PacketClass::kFragment);
  // Plain UDP: a service port below 1024 dominating from many (reflecting) sources is
  // amplification from a service we do not know; one flow per source is udp_plain_flood; random
  // ports are udp_flood.
  Vector udp_vector = Vector::kUdpFlood;
  std::string udp_service;
  if (ev != nullptr) {
    size_t count = 0;
    const auto ports = ev->udp_src_ports.Sorted(&count);
    const double flows = ev->udp_flows.Estimate();
    const double sources = std::max(1.0, ev->udp_sources.Estimate());
    if (count > 0 && ports[0].key < 1024 && sources >= kReflectionMinSources &&
        static_cast<double>(ports[0].count) >=
            0.8 * static_cast<double>(ev->udp_src_ports.Total())) {
      udp_vector = Vector::kAmplification;
      udp_service = fmt::format("udp/{}", ports[0].key);
    } else if (flows / sources <= 2.0 &&
               static_cast<double>(ev->udp_packets) / std::max(1.0, flows) >= 10.0) {
      // Each source keeps to one 5-tuple and sends many packets on it: Mirai's udpplain.
      // (A spoofed flood also has one flow per source, but one packet per flow.)
      udp_vector = Vector::kUdpPlainFlood;
    }
  }
  add(udp_vector, PacketClass::kUdp, udp_service);
  std::stable_sort(
      vectors.begin(), vectors.end(),
      [](const AttackVector& a, const AttackVector& b) { return a.packets > b.packets; });
  if (vectors.empty() && total > 0) {
    // Nothing reached 10%: name the largest class that maps to a vector.
    Vector best = Vector::kUdpFlood;
    uint64_t best_count = 0;
    for (size_t i = 0; i < kVectorCount; ++i) {
      const PacketClass cls = VectorClass(static_cast<Vector>(i));
      if (cls != PacketClass::kCount && at(cls) > best_count) {
        best_count = at(cls);
        best = static_cast<Vector>(i);
      }
    }
    vectors.push_back(
        AttackVector{best, best == Vector::kAmplification ? amp_service : "", best_count});
  }
  r.vectors = std::move(vectors);
  r.distinct_sources = live.max_second_sources;
  if (ev != nullptr) {
    r.distinct_sources = std::max(r.distinct_sources, ev->sources.Estimate());
    size_t count = 0;
    const auto sources = ev->top_sources.Sorted(&count);
    // Space-Saving over-counts by at most `error`: report what is guaranteed, so a spoofed
    // flood shows no "top source" at all rather than invented ones.
    // And a heavy hitter must carry at least 0.5% of the sampled packets: in a spoofed flood
    // no source does, and listing single sampled packets would only mislead.
    const uint64_t floor = ev->size_count / 200;
    // The evidence also counted the seconds before the attack began and after it ended (and
    // past kFullEvidencePackets a second it samples one packet in 64, weighted): its counts are
    // reported as shares of the attack's own packets, so no entry exceeds them.
    const double scale = ev->size_count > r.packets && ev->size_count > 0
                             ? static_cast<double>(r.packets) / static_cast<double>(ev->size_count)
                             : 1.0;
    const auto guaranteed = [floor, scale](const auto& entry) {
      const uint64_t sure = entry.count - entry.error;
      return sure > floor ? static_cast<uint64_t>(static_cast<double>(sure) * scale) : uint64_t{0};
    };
    for (size_t i = 0; i < count && r.top_sources.size() < 10; ++i) {
      if (guaranteed(sources[i]) > 0) {
        r.top_sources.push_back({sources[i].key, guaranteed(sources[i])});
      }
    }
    const auto sports = ev->src_ports.Sorted(&count);
    for (size_t i = 0; i < count && r.top_source_ports.size() < 5; ++i) {
      if (guaranteed(sports[i]) > 0) {
        r.top_source_ports.push_back({sports[i].key, guaranteed(sports[i])});
      }
    }
    const auto dports = ev->dst_ports.Sorted(&count);
    for (size_t i = 0; i < count && r.top_destination_ports.size() < 5; ++i) {
      if (guaranteed(dports[i]) > 0) {
        r.top_destination_ports.push_back({dports[i].key, guaranteed(dports[i])});
      }
    }
    const auto ttls = ev->ttls.Sorted(&count);
    for (size_t i = 0; i < count; ++i) {
      if (guaranteed(ttls[i]) > 0) {
        r.top_ttls.push_back({ttls[i].key, guaranteed(ttls[i])});
      }
    }
    const auto sizes = ev->sizes.Sorted(&count);
    for (size_t i = 0; i < count; ++i) {
      if (guaranteed(sizes[i]) > 0) {
        r.top_sizes.push_back({sizes[i].key, guaranteed(sizes[i])});
      }
    }
    if (ev->size_count > 0) {
      r.ttl_min = ev->ttl_min;
      r.ttl_max = ev->ttl_max;
      r.size_min = ev->size_min;
      r.size_max = ev->size_max;
      r.size_mean = static_cast<double>(ev->size_sum) / static_cast<double>(ev->size_count);
    }
  }
  return r;
}

std::vector<AttackRecord> DdosDetector::Attacks() const {
  std::vector<AttackRecord> out;
  out.reserve(attacks_.size());
  for (const LiveAttack& live : attacks_) {
    out.push_back(Finalize(live));
  }
  return out;
}

}  // namespace rampart
