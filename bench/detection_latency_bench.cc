// Detection latency: packet time from a flood's first packet to `detected_at`, for SYN floods
// at 1.05x, 1.25x, 2x and 5x the default syn_flood threshold (10,000 pps), over light benign
// background, with the onset placed at ten phases within a second (latency depends on where in
// the 1-second bucket a flood begins). Prints one JSON line per multiplier.
#include <algorithm>
#include <cstdio>
#include <random>
#include <vector>

#include "config/config.h"
#include "detect/ddos_detector.h"

namespace {

using rampart::PacketMeta;

constexpr int64_t kSecond = 1'000'000'000;
constexpr int64_t kStart = 1477040400LL * kSecond;

PacketMeta Packet(int64_t ts, uint32_t src, uint32_t dst, uint8_t flags, uint16_t dport) {
  PacketMeta m;
  m.ts_ns = ts;
  m.l3 = rampart::Layer3::kIpv4;
  m.outer_src = m.inner_src = rampart::IpAddress::V4(src);
  m.outer_dst = m.inner_dst = rampart::IpAddress::V4(dst);
  m.ip_proto = rampart::ip_proto::kTcp;
  m.flags = rampart::meta_flag::kHasPorts;
  m.tcp_flags = flags;
  m.src_port = static_cast<uint16_t>(src);
  m.dst_port = dport;
  m.ip_total_len = 60;
  m.wire_len = 74;
  m.ttl = 64;
  return m;
}

//! Latency in seconds for one run, or -1 when nothing was detected.
double RunOnce(double multiplier, double phase, uint64_t seed) {
  const rampart::Config config = rampart::DefaultConfig();
  const double threshold = config.defaults.incoming.vector_pps[0];  // syn_flood
  rampart::DdosDetector::Options options;
  options.hash_seed = seed;
  rampart::DdosDetector detector(config, options);
  std::mt19937_64 rng(seed);
  const uint32_t victim = 0xc6336414;  // 198.51.100.20
  const int64_t onset = kStart + 10 * kSecond + static_cast<int64_t>(phase * 1e9);
  const double flood_pps = threshold * multiplier;
  // 10 s of background (200 pps of established-session ACKs), then background + flood for 5 s.
  std::vector<PacketMeta> packets;
  for (int64_t ts = kStart; ts < onset + 5 * kSecond; ts += kSecond / 200) {
    packets.push_back(Packet(ts, 0x0a000000u + static_cast<uint32_t>(rng() % 50), victim,
                             rampart::tcp_flag::kAck, 443));
  }
  const auto gap = static_cast<int64_t>(1e9 / flood_pps);
  for (int64_t ts = onset; ts < onset + 5 * kSecond; ts += gap) {
    packets.push_back(Packet(ts, static_cast<uint32_t>(rng()), victim, rampart::tcp_flag::kSyn,
                             static_cast<uint16_t>(rng())));
  }
  std::stable_sort(packets.begin(), packets.end(),
                   [](const PacketMeta& a, const PacketMeta& b) { return a.ts_ns < b.ts_ns; });
  for (const PacketMeta& m : packets) {
    detector.Observe(m, rampart::ClassifyPacket(m, nullptr, 0));
  }
  detector.Finish();
  for (const auto& attack : detector.Attacks()) {
    if (attack.target == "198.51.100.20") {
      return static_cast<double>(attack.detected_at - onset) / 1e9;
    }
  }
  return -1;
}

}  // namespace

int main() {
  for (const double multiplier : {1.05, 1.25, 2.0, 5.0}) {
    double sum = 0;
    double worst = 0;
    int missed = 0;
    constexpr int kPhases = 10;
    for (int i = 0; i < kPhases; ++i) {
      const double latency = RunOnce(multiplier, i / 10.0 + 0.05, 11 + i);
      if (latency < 0) {
        ++missed;
        continue;
      }
      sum += latency;
      worst = std::max(worst, latency);
    }
    const int found = kPhases - missed;
    std::printf(
        "{\"multiplier\":%.2f,\"runs\":%d,\"detected\":%d,\"mean_latency_s\":%.3f,"
        "\"max_latency_s\":%.3f}\n",
        multiplier, kPhases, found, found > 0 ? sum / found : -1.0, worst);
  }
  return 0;
}
