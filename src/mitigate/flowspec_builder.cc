#include "mitigate/flowspec_builder.h"

#include <algorithm>

#include "core/prefix.h"

namespace rampart::mitigate {
namespace {

constexpr size_t kMaxPorts = 8;  // more is not a narrow rule, and routers cap match terms
constexpr uint8_t kFin = 0x01, kSyn = 0x02, kRst = 0x04, kAck = 0x10;

struct Shape {
  uint8_t protocol = 0;  // 0: any
  uint8_t flags_value = 0;
  uint8_t flags_mask = 0;
  bool fragments = false;
};

Shape ShapeOf(const AttackVector& v, bool ipv6) {
  Shape s;
  switch (v.vector) {
    case Vector::kSynFlood:
      return {6, kSyn, static_cast<uint8_t>(kSyn | kAck), false};
    case Vector::kAckFlood:
      return {6, kAck, static_cast<uint8_t>(kSyn | kAck | kRst | kFin), false};
    case Vector::kRstFlood:
      return {6, kRst, kRst, false};
    case Vector::kTcpStomp:
    case Vector::kTcpReflection:
    case Vector::kHttpFlood:
      return {6, 0, 0, false};
    case Vector::kUdpFlood:
    case Vector::kUdpPlainFlood:
    case Vector::kVseFlood:
    case Vector::kAmplification:
    case Vector::kDnsWaterTorture:
      return {17, 0, 0, false};
    case Vector::kGreIpFlood:
    case Vector::kGreEthFlood:
      return {47, 0, 0, false};
    case Vector::kIcmpFlood:
      return {static_cast<uint8_t>(ipv6 ? 58 : 1), 0, 0, false};
    case Vector::kIpFragmentFlood:
      s.fragments = true;
      return s;
    case Vector::kCount:
      break;
  }
  return s;
}

//! The fewest ports (at most kMaxPorts) whose counts reach `share` of `total`; empty if none do.
std::vector<uint16_t> PortsCovering(const std::vector<Counted<uint16_t>>& ports, uint64_t total,
                                    double share, double* covered) {
  std::vector<Counted<uint16_t>> sorted = ports;
  std::sort(sorted.begin(), sorted.end(),
            [](const auto& a, const auto& b) { return a.count > b.count; });
  std::vector<uint16_t> out;
  uint64_t sum = 0;
  for (const auto& p : sorted) {
    if (out.size() == kMaxPorts) {
      break;
    }
    out.push_back(p.key);
    sum += p.count;
    if (total > 0 && static_cast<double>(sum) >= share * static_cast<double>(total)) {
      *covered = std::min(1.0, static_cast<double>(sum) / static_cast<double>(total));
      std::sort(out.begin(), out.end());
      return out;
    }
  }
  return {};
}

}  // namespace

std::optional<FlowspecRule> BuildFlowspec(const AttackRecord& attack,
                                          const FlowspecOptions& options) {
  const auto target = Prefix::Parse(attack.target);
  if (!target || attack.direction != Direction::kIncoming || attack.packets == 0) {
    return std::nullopt;
  }
  FlowspecRule rule;
  rule.destination = *target;
  rule.action =
      options.rate_limit ? FlowspecRule::Action::kRateLimit : FlowspecRule::Action::kDiscard;
  rule.rate_limit_bps = options.rate_bps;
  double coverage = 1.0;
  const double total = static_cast<double>(attack.packets);
  // The dominant vector's packets over the attack's: the protocol and flag narrowing keeps them.
  if (!attack.vectors.empty()) {
    const AttackVector& v = attack.vectors.front();
    const double share = std::min(1.0, static_cast<double>(v.packets) / total);
    if (share >= options.min_coverage) {
      const Shape shape = ShapeOf(v, target->address.family == IpFamily::kV6);
      if (shape.protocol != 0) {
        rule.protocols.push_back(shape.protocol);
      }
      rule.tcp_flags_value = shape.flags_value;
      rule.tcp_flags_mask = shape.flags_mask;
      rule.fragments_only = shape.fragments;
      coverage = share;
    }
  }
  const bool has_ports =
      !rule.protocols.empty() && (rule.protocols.front() == 6 || rule.protocols.front() == 17);
  if (has_ports) {
    // Reflection comes from a service port; a flood at a service goes to its port.
    double covered = 0;
    const uint64_t n = attack.packets;
    auto sources =
        PortsCovering(attack.top_source_ports, n, options.min_coverage / coverage, &covered);
    if (!sources.empty()) {
      rule.source_ports = std::move(sources);
      coverage *= covered;
    } else if (auto dests = PortsCovering(attack.top_destination_ports, n,
                                          options.min_coverage / coverage, &covered);
               !dests.empty()) {
      rule.destination_ports = std::move(dests);
      coverage *= covered;
    }
  }
  // The evidence saw every size in [min, max]: a free narrowing, when it is a narrow band.
  if (attack.size_max > 0 && attack.size_max - attack.size_min <= 512 && !rule.fragments_only) {
    rule.packet_length_min = static_cast<uint16_t>(attack.size_min);
    rule.packet_length_max = static_cast<uint16_t>(std::min<uint32_t>(attack.size_max, 65535));
  }
  rule.coverage = coverage;
  return rule;
}

}  // namespace rampart::mitigate
