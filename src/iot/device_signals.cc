#include "iot/device_signals.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <utility>

#include <fmt/format.h>

#include "core/hash.h"

namespace rampart::iot {
namespace {

constexpr size_t kMaxBeacons = 16384;
constexpr size_t kMaxCalls = 65536;
// A beacon: at least this many steady intervals, a period in [5 s, 1 h], and intervals within
// 10% of their mean. Mirai's heartbeat is 2 bytes every ~60 s.
constexpr uint64_t kMinIntervals = 4;
constexpr double kMinPeriodS = 5;
constexpr double kMaxPeriodS = 3600;
constexpr double kMaxVariation = 0.10;
constexpr double kMinGapS = 1;  // closer beats are retransmissions or replies, not a period
// An unanswered call: this many SYNs over at least this long, to at most kMaxCallTargets
// destinations per source (more is a scan).
constexpr uint64_t kMinCallSyns = 8;
constexpr TimestampNs kMinCallSpanNs = 120'000'000'000;
constexpr size_t kMaxCallTargets = 3;

uint64_t Words(const IpAddress& a, uint64_t* hi) {
  uint64_t lo = 0;
  std::memcpy(&lo, a.bytes.data(), 8);
  std::memcpy(hi, a.bytes.data() + 8, 8);
  return lo;
}

}  // namespace

size_t DeviceSignals::FlowHash::operator()(const FlowKey& key) const {
  uint64_t s_hi = 0;
  uint64_t d_hi = 0;
  const uint64_t s_lo = Words(key.source, &s_hi);
  const uint64_t d_lo = Words(key.destination, &d_hi);
  return HashKey128(s_lo ^ (d_hi * 31), s_hi ^ d_lo, key.port, seed);
}

DeviceSignals::DeviceSignals(IotSettings settings, const PrefixTrie<bool>* inside,
                             DeviceEvidence* evidence, IotStats* stats, uint64_t seed)
    : settings_(std::move(settings)),
      inside_(inside),
      evidence_(evidence),
      stats_(stats),
      beacons_(64, FlowHash{seed}),
      calls_(64, FlowHash{seed ^ 0xc2}) {
  for (const Prefix& prefix : settings_.local_resolvers) {
    resolvers_.Insert(prefix, true);
  }
}

void DeviceSignals::Syn(const PacketMeta& meta) {
  if (!inside_->Contains(meta.inner_src) || inside_->Contains(meta.inner_dst)) {
    return;
  }
  const FlowKey key{meta.inner_src, meta.inner_dst, meta.dst_port};
  auto it = calls_.find(key);
  if (it == calls_.end()) {
    if (calls_.size() >= kMaxCalls) {
      Prune(meta.ts_ns);
      if (calls_.size() >= kMaxCalls) {
        stats_->table_full_drops++;
        return;
      }
    }
    it = calls_.emplace(key, Call{meta.ts_ns, meta.ts_ns, 0}).first;
  }
  it->second.syns++;
  it->second.last_ns = std::max(it->second.last_ns, meta.ts_ns);
}

void DeviceSignals::SynAck(const PacketMeta& meta) {
  if (calls_.empty()) {
    return;
  }
  calls_.erase(FlowKey{meta.inner_dst, meta.inner_src, meta.src_port});
}

void DeviceSignals::Prune(TimestampNs now) {
  // Drop calls that are not becoming C2 calls: few SYNs and silent for five minutes.
  for (auto it = calls_.begin(); it != calls_.end();) {
    if (it->second.syns < 3 && now - it->second.last_ns > 300'000'000'000) {
      it = calls_.erase(it);
    } else {
      ++it;
    }
  }
}

void DeviceSignals::TinyPayload(const PacketMeta& meta) {
  if (!inside_->Contains(meta.inner_src) || inside_->Contains(meta.inner_dst)) {
    return;
  }
  const FlowKey key{meta.inner_src, meta.inner_dst, meta.dst_port};
  auto it = beacons_.find(key);
  if (it == beacons_.end()) {
    if (beacons_.size() >= kMaxBeacons) {
      stats_->table_full_drops++;
      return;
    }
    it = beacons_.emplace(key, Beacon{}).first;
    it->second.first_ns = meta.ts_ns;
    it->second.last_ns = meta.ts_ns;
    it->second.beats = 1;
  } else {
    Beacon& b = it->second;
    const double gap = static_cast<double>(meta.ts_ns - b.last_ns) / 1e9;
    if (gap < kMinGapS) {
      return;
    }
    b.beats++;
    b.intervals++;
    const double delta = gap - b.mean;
    b.mean += delta / static_cast<double>(b.intervals);
    b.m2 += delta * (gap - b.mean);
    b.last_ns = meta.ts_ns;
  }
  Beacon& b = it->second;
  b.min_len = std::min<uint32_t>(b.min_len, meta.payload_len);
  b.max_len = std::max<uint32_t>(b.max_len, meta.payload_len);
}

void DeviceSignals::Dns(const PacketMeta& meta) {
  if (resolvers_.Contains(meta.inner_dst) || !inside_->Contains(meta.inner_src) ||
      inside_->Contains(meta.inner_dst)) {
    return;
  }
  evidence_->Add(
      meta.inner_src, EvidenceKind::kDnsPolicy, meta.ts_ns,
      fmt::format("DNS query to {}, which is not a local resolver", meta.inner_dst.ToString()));
}

void DeviceSignals::Finish() {
  for (const auto& [key, b] : beacons_) {
    if (b.intervals < kMinIntervals || b.mean < kMinPeriodS || b.mean > kMaxPeriodS) {
      continue;
    }
    const double deviation = std::sqrt(b.m2 / static_cast<double>(b.intervals));
    if (deviation > kMaxVariation * b.mean) {
      continue;
    }
    evidence_->Add(
        key.source, EvidenceKind::kC2Beacon, b.first_ns,
        fmt::format("{}-{} byte payloads to {}:{} every {:.1f} s (±{:.1f} s), {} times", b.min_len,
                    b.max_len, key.destination.ToString(), key.port, b.mean, deviation, b.beats));
  }
  // Per source, the destinations it kept calling without an answer.
  std::map<IpAddress, std::vector<std::pair<FlowKey, Call>>> by_source;
  for (const auto& [key, call] : calls_) {
    if (call.syns >= kMinCallSyns && call.last_ns - call.first_ns >= kMinCallSpanNs) {
      by_source[key.source].emplace_back(key, call);
    }
  }
  for (auto& [source, calls] : by_source) {
    if (calls.size() > kMaxCallTargets) {
      continue;
    }
    std::sort(calls.begin(), calls.end(),
              [](const auto& a, const auto& b) { return a.second.first_ns < b.second.first_ns; });
    for (const auto& [key, call] : calls) {
      evidence_->Add(source, EvidenceKind::kC2Unanswered, call.first_ns,
                     fmt::format("{} SYNs to {}:{} over {:.0f} s, none answered", call.syns,
                                 key.destination.ToString(), key.port,
                                 static_cast<double>(call.last_ns - call.first_ns) / 1e9));
    }
  }
}

}  // namespace rampart::iot
