#include "config/config.h"

#include <fmt/format.h>

namespace rampart {
namespace {
constexpr std::string_view kVectorNames[] = {
    "syn_flood",  "ack_flood",         "rst_flood",  "tcp_stomp",         "tcp_reflection",
    "udp_flood",  "udp_plain_flood",   "vse_flood",  "gre_ip_flood",      "gre_eth_flood",
    "icmp_flood", "ip_fragment_flood", "http_flood", "dns_water_torture", "amplification",
};
static_assert(std::size(kVectorNames) == kVectorCount, "one name per vector");

void SetVector(Thresholds& t, Vector vector, double pps) {
  t.vector_pps[static_cast<size_t>(vector)] = pps;
}
}  // namespace

std::string_view VectorName(Vector vector) {
  const auto index = static_cast<size_t>(vector);
  return index < kVectorCount ? kVectorNames[index] : "unknown";
}

std::optional<Vector> VectorFromName(std::string_view name) {
  for (size_t i = 0; i < kVectorCount; ++i) {
    if (kVectorNames[i] == name) {
      return static_cast<Vector>(i);
    }
  }
  return std::nullopt;
}

std::string ConfigError::ToString() const {
  if (line == 0) {
    return message;
  }
  return fmt::format("line {}, column {}: {}", line, column, message);
}

Config DefaultConfig() {
  Config config;
  Policy& p = config.defaults;
  p.name = "default";
  // Incoming, per protected host. A host taking more than these is under attack on most
  // networks; operators tune them per hostgroup (docs/configuration.md).
  Thresholds& in = p.incoming;
  in.pps = 100'000;
  in.bps = 1e9;
  in.flows_per_s = 20'000;
  in.syn_pps = 10'000;
  in.fragment_pps = 5'000;
  in.icmp_pps = 5'000;
  in.gre_pps = 5'000;
  SetVector(in, Vector::kSynFlood, 10'000);
  SetVector(in, Vector::kAckFlood, 20'000);
  SetVector(in, Vector::kRstFlood, 10'000);
  SetVector(in, Vector::kTcpStomp, 10'000);
  SetVector(in, Vector::kTcpReflection, 5'000);
  SetVector(in, Vector::kUdpFlood, 20'000);
  SetVector(in, Vector::kUdpPlainFlood, 20'000);
  SetVector(in, Vector::kVseFlood, 5'000);
  SetVector(in, Vector::kGreIpFlood, 5'000);
  SetVector(in, Vector::kGreEthFlood, 5'000);
  SetVector(in, Vector::kIcmpFlood, 5'000);
  SetVector(in, Vector::kIpFragmentFlood, 5'000);
  SetVector(in, Vector::kHttpFlood, 5'000);
  SetVector(in, Vector::kAmplification, 5'000);
  // Outgoing, per inside host: an IoT device sending this much is flooding someone.
  Thresholds& out = p.outgoing;
  out.pps = 20'000;
  out.bps = 200e6;
  out.syn_pps = 5'000;
  for (size_t i = 0; i < kVectorCount; ++i) {
    out.vector_pps[i] = in.vector_pps[i] / 2;
  }
  config.prefix_incoming.pps = 200'000;
  config.prefix_incoming.bps = 2e9;
  return config;
}

std::vector<Prefix> InsidePrefixes(const Config& config) {
  if (!config.networks.empty()) {
    return config.networks;
  }
  std::vector<Prefix> prefixes;
  for (const char* text : {"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"}) {
    prefixes.push_back(*Prefix::Parse(text));
  }
  return prefixes;
}

}  // namespace rampart
