#include "iot/scan_tracker.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "core/address_hash.h"
#include "core/hash.h"

namespace rampart::iot {
namespace {

constexpr uint64_t kPortTag = 0x9e3779b97f4a7c15ULL;
constexpr size_t kEvictionSample = 8;
constexpr size_t kMaxEvictedFindings = 4096;

}  // namespace

ScanTracker::ScanTracker(Protocol protocol, IotSettings settings, uint32_t max_sources,
                         uint64_t seed)
    : protocol_(protocol),
      settings_(std::move(settings)),
      seed_(seed),
      max_sources_(max_sources),
      index_(max_sources, seed ^ 0x5ca7),
      max_totals_(std::max<uint32_t>(64, max_sources / 16)) {
  sources_.reserve(64);
}

uint32_t ScanTracker::SourceId(const IpAddress& source, TimestampNs ts) {
  const uint64_t hash = index_.Hash(source);
  bool inserted = false;
  uint32_t id = index_.FindOrInsert(source, hash, &inserted);
  if (id == AddressIndex::kNone) {
    Evict(hash);
    id = index_.FindOrInsert(source, hash, &inserted);
    if (id == AddressIndex::kNone) {
      return id;
    }
  }
  if (id >= sources_.size()) {
    // Grown as sources arrive (ids are handed out from 0 up), so an idle tracker costs no
    // memory; a few doublings in all, up to max_sources.
    sources_.resize(std::min<size_t>(max_sources_, std::max<size_t>(id + 1, sources_.size() * 2)));
  }
  if (inserted) {
    Source& state = sources_[id];
    state = Source{};
    state.live = true;
    state.first_ns = ts;
    state.window_start_ns = ts;
  }
  return id;
}

void ScanTracker::Probe(const IpAddress& source, const IpAddress& target, uint16_t port,
                        TimestampNs ts, bool mirai) {
  const uint32_t id = SourceId(source, ts);
  if (id == AddressIndex::kNone) {
    return;
  }
  Source& state = sources_[id];
  if (state.probes == 0) {
    state.first_target = target;
  }
  const auto window_ns = static_cast<TimestampNs>(settings_.scan_window_s * 1e9);
  if (ts - state.window_start_ns > window_ns) {
    CloseWindow(state);
    state.window_targets.Clear();
    state.window_ports.Clear();
    state.window_target_bits = 0;
    state.window_port_bits = 0;
    state.window_start_ns = ts;
  }
  state.last_ns = std::max(state.last_ns, ts);
  state.probes++;
  if (mirai) {
    state.mirai_probes++;
    state.mirai_23 += port == 23 ? 1 : 0;
    state.mirai_2323 += port == 2323 ? 1 : 0;
  }
  // A client whose handshakes are mostly answered cannot meet the scan rules (they need most
  // probes unanswered): past its first few SYNs, count and skip the distinct counting, which is
  // most of the cost of an ordinary client's SYN. Tracking resumes if answers fall behind.
  if (state.probes > kAlwaysCounted && state.answered * 2 >= state.probes) {
    return;
  }
  const uint64_t target_hash = HashAddress(target, seed_);
  state.window_target_bits += state.window_targets.AddNew(target_hash) ? 1 : 0;
  const uint64_t port_hash = HashKey128(port, 0, kPortTag, seed_);
  if (protocol_ == Protocol::kTcp) {
    state.window_port_bits += state.window_ports.AddNew(port_hash) ? 1 : 0;
    state.ports.Add(port);
  }
  if (state.hll == kNoHll &&
      (state.window_target_bits >= kPromoteAt || state.window_port_bits >= kPromoteAt)) {
    if (!free_totals_.empty()) {
      state.hll = free_totals_.back();
      free_totals_.pop_back();
      totals_[state.hll] = Totals{};
    } else if (totals_.size() < max_totals_) {
      state.hll = static_cast<uint32_t>(totals_.size());
      totals_.emplace_back();
    }
  }
  if (state.hll != kNoHll) {
    Totals& totals = totals_[state.hll];
    totals.targets.Add(target_hash);
    if (protocol_ == Protocol::kTcp) {
      totals.ports.Add(port_hash);
    }
  }
}

void ScanTracker::Answer(const IpAddress& source) {
  const uint64_t hash = index_.Hash(source);
  const uint32_t id = index_.Find(source, hash);
  if (id != AddressIndex::kNone) {
    sources_[id].answered++;
  }
}

void ScanTracker::CloseWindow(Source& state) const {
  state.window_targets_max =
      std::max(state.window_targets_max, static_cast<float>(state.window_targets.Estimate()));
  state.window_ports_max =
      std::max(state.window_ports_max, static_cast<float>(state.window_ports.Estimate()));
  state.flagged = state.flagged || Qualifies(state);
}

bool ScanTracker::Qualifies(const Source& state) const {
  if (state.mirai_probes >= settings_.mirai_min_probes) {
    return true;
  }
  if (protocol_ == Protocol::kIcmp) {
    return state.window_targets_max >= static_cast<float>(settings_.ping_sweep_min_targets);
  }
  // Mostly unanswered: a busy client completes its handshakes, a scanner mostly does not.
  if (state.answered * 2 >= state.probes) {
    return false;
  }
  return state.window_targets_max >= static_cast<float>(settings_.scan_min_targets) ||
         state.window_ports_max >= static_cast<float>(settings_.scan_min_ports);
}

void ScanTracker::Evict(uint64_t hash) {
  uint32_t victim = AddressIndex::kNone;
  for (size_t step = 0; step < kEvictionSample; ++step) {
    const uint32_t id = index_.IdNear(hash, step);
    if (id == AddressIndex::kNone) {
      continue;
    }
    if (victim == AddressIndex::kNone) {
      victim = id;
      continue;
    }
    const Source& a = sources_[id];
    const Source& b = sources_[victim];
    // Keep scanners; among the rest, drop the least active, then the longest idle.
    if (a.flagged != b.flagged
            ? !a.flagged
            : (a.probes != b.probes ? a.probes < b.probes : a.last_ns < b.last_ns)) {
      victim = id;
    }
  }
  if (victim == AddressIndex::kNone) {
    return;
  }
  Source& state = sources_[victim];
  CloseWindow(state);
  if (state.flagged) {
    if (evicted_findings_.size() < kMaxEvictedFindings) {
      evicted_findings_.push_back(MakeFinding(victim, state));
    }
  }
  if (state.hll != kNoHll) {
    free_totals_.push_back(state.hll);
  }
  const IpAddress address = index_.AddressOf(victim);
  index_.Erase(address, index_.Hash(address));
  state = Source{};
  evicted_++;
}

void ScanTracker::Collect(std::vector<ScanFinding>& out) const {
  out.insert(out.end(), evicted_findings_.begin(), evicted_findings_.end());
  for (uint32_t id = 0; id < sources_.size(); ++id) {
    Source state = sources_[id];
    if (!state.live) {
      continue;
    }
    CloseWindow(state);
    if (state.flagged) {
      out.push_back(MakeFinding(id, state));
    }
  }
}

ScanFinding ScanTracker::MakeFinding(uint32_t id, const Source& state) const {
  ScanFinding f;
  f.scanner = index_.AddressOf(id);
  f.first_target = state.first_target;
  f.protocol = protocol_ == Protocol::kTcp ? "tcp" : "icmp";
  f.distinct_targets = state.window_targets_max;
  f.distinct_ports = state.window_ports_max;
  if (state.hll != kNoHll) {
    // The whole-capture HyperLogLogs (which missed the few items before the source earned
    // them), unless a window's linear counter is larger and still in its accurate range (it
    // saturates past a few thousand).
    constexpr float kLinearAccurate = 1500;
    const auto best = [](float window, double total) {
      return window <= kLinearAccurate ? std::max<double>(window, total) : total;
    };
    f.distinct_targets = best(state.window_targets_max, totals_[state.hll].targets.Estimate());
    f.distinct_ports = best(state.window_ports_max, totals_[state.hll].ports.Estimate());
  }
  const bool wide = f.distinct_targets >= settings_.scan_min_targets;
  const bool deep = f.distinct_ports >= settings_.scan_min_ports;
  f.kind = protocol_ == Protocol::kIcmp ? "ping_sweep"
           : wide && deep               ? "block"
           : deep                       ? "vertical"
                                        : "horizontal";
  size_t used = 0;
  const auto sorted = state.ports.Sorted(&used);
  for (size_t i = 0; i < used; ++i) {
    f.ports.push_back(PortCount{sorted[i].key, sorted[i].count});
  }
  f.probes = state.probes;
  f.answered = state.answered;
  f.first_seen = state.first_ns;
  f.last_seen = state.last_ns;
  const double seconds = std::max(1.0, static_cast<double>(state.last_ns - state.first_ns) / 1e9);
  f.rate_pps = static_cast<double>(state.probes) / seconds;
  f.mirai_probes = state.mirai_probes;
  f.mirai_fingerprint = state.mirai_probes >= settings_.mirai_min_probes;
  const uint64_t classic = state.mirai_23 + state.mirai_2323;
  f.mirai_2323_share =
      classic == 0 ? 0 : static_cast<double>(state.mirai_2323) / static_cast<double>(classic);
  return f;
}

}  // namespace rampart::iot
