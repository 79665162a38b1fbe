#include "dnsmon/dns_monitor.h"

#include <algorithm>
#include <bit>
#include <cstring>

#include <fmt/format.h>

#include "core/address_hash.h"
#include "core/hash.h"
#include "dnsmon/zone_name.h"
#include "track/open_addressing.h"

namespace rampart::dnsmon {
namespace {

constexpr uint32_t kNone = UINT32_MAX;
constexpr size_t kMaxEvidence = 1024;
constexpr size_t kZoneNameMax = 80;  // kept for the report; longer zones are cut
constexpr size_t kSampleNames = 5;
constexpr size_t kEvictionSample = 8;
constexpr uint32_t kCalmWindowsToEnd = 2;
constexpr uint32_t kTunnelEvidenceAt = 5;        // tunnel-shaped queries before evidence
constexpr uint64_t kTunnelMinQueries = 20;       // for a dns_tunnel_suspected finding
constexpr uint32_t kEarlyCheckEvery = 256;       // queries between mid-window checks
constexpr size_t kBloomWords = size_t{1} << 17;  // 2^23 bits, 1 MiB per filter
constexpr TimestampNs kBloomPeriodNs = 300'000'000'000;

//! Seeded hash of a name's bytes: 8 bytes a round (names are short; no library needed here).
uint64_t HashText(std::string_view text, uint64_t seed) {
  uint64_t h = seed ^ (text.size() * 0x9e3779b97f4a7c15ULL);
  size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    uint64_t word = 0;
    std::memcpy(&word, text.data() + i, 8);
    h = MixMultiply(h ^ word, 0xa0761d6478bd642fULL);
  }
  uint64_t tail = 0;
  std::memcpy(&tail, text.data() + i, text.size() - i);
  return MixMultiply(h ^ tail ^ 0xe7037ed1a0b428dbULL, 0x8ebc6af09c88c6e3ULL ^ seed);
}

//! The part of a sample name in front of its zone (all of it for the invalid-TLD zone).
std::string_view ChildPart(std::string_view name, std::string_view zone) {
  if (zone == kInvalidTldZone || name.size() <= zone.size()) {
    return name;
  }
  return name.substr(0, name.size() - zone.size());
}

bool UnderSuffix(std::string_view name, std::string_view suffix) {
  return name == suffix || (name.size() > suffix.size() && name.ends_with(suffix) &&
                            name[name.size() - suffix.size() - 1] == '.');
}

}  // namespace

struct DnsMonitor::Zone {
  uint64_t hash = 0;
  bool live = false;
  bool ignore = false;
  uint8_t name_len = 0;
  char name[kZoneNameMax] = {};
  double min_qps = 0;
  uint32_t evidence = kNone;
  TimestampNs window_start = 0;
  // This window.
  uint32_t queries = 0;
  uint32_t fresh = 0;  // names never seen before
  uint32_t responses = 0;
  uint32_t nx = 0;
  uint32_t noerror = 0;
  uint32_t mirai = 0;
  uint32_t random = 0;
  uint32_t calm_windows = 0;
  uint64_t total_queries = 0;
  uint64_t tunnel_queries = 0;
  LinearCounter names;

  std::string_view Name() const { return {name, name_len}; }
};

struct DnsMonitor::Evidence {
  HyperLogLog names;
  HyperLogLog sources;
  SpaceSaving<IpAddress, 32> top_sources;
  SpaceSaving<IpAddress, 4> servers;
  // Inside clients alone: at a resolver, the local resolver's forwarded copies are half the
  // queries and would crowd the bots out of `top_sources`.
  SpaceSaving<IpAddress, 64> inside_sources;
  std::array<std::array<char, 254>, kSampleNames> samples{};
  std::array<uint8_t, kSampleNames> sample_len{};
  uint8_t samples_used = 0;
  bool active = false;  // a water torture is under way
  TimestampNs start = 0;
  TimestampNs detected_at = 0;
  TimestampNs first_ns = 0;  // the first query recorded
  TimestampNs last_ns = 0;   // the zone's last query
  double peak_qps = 0;
  uint64_t queries = 0;
  uint64_t bytes = 0;
  uint64_t fresh = 0;
  uint64_t responses = 0;
  uint64_t nx = 0;
  uint64_t noerror = 0;
  uint64_t mirai = 0;
  uint64_t random = 0;
  uint64_t label_len_sum = 0;
  std::string reason;  // of the first verdict
};

DnsMonitor::DnsMonitor(const Config& config, uint64_t seed)
    : settings_(config.dns),
      seed_(seed != 0 ? seed : RandomSeed()),
      zone_cache_(seed_ ^ 0x7a6f6e65),
      window_ns_(static_cast<TimestampNs>(std::max(1.0, config.dns.window_s) * 1e9)) {
  for (const Prefix& prefix : InsidePrefixes(config)) {
    inside_.Insert(prefix, true);
  }
  for (const DnsZoneOverride& zone : settings_.zones) {
    overrides_[zone.zone] = zone;
  }
  const uint32_t max = std::max<uint32_t>(16, settings_.max_zones);
  settings_.max_zones = max;
  const size_t slots = std::bit_ceil(size_t{max} * 2);
  slots_.assign(slots, Slot{0, 0, 0});
  mask_ = slots - 1;
  free_ids_.reserve(max);
  for (uint32_t id = max; id > 0; --id) {
    free_ids_.push_back(id - 1);
  }
  zones_.reserve(64);
  bloom_now_.assign(kBloomWords, 0);
  bloom_before_.assign(kBloomWords, 0);
}

DnsMonitor::~DnsMonitor() = default;

bool DnsMonitor::SeenBefore(uint64_t name_hash, TimestampNs ts) {
  if (ts - bloom_rotated_ns_ > kBloomPeriodNs) {
    bloom_before_.swap(bloom_now_);
    std::fill(bloom_now_.begin(), bloom_now_.end(), 0);
    bloom_rotated_ns_ = ts;
  }
  bool seen_now = true;
  bool seen_before = true;
  for (int k = 0; k < 3; ++k) {
    const uint64_t bit = (name_hash >> (k * 21)) & (kBloomWords * 64 - 1);
    const uint64_t mask = uint64_t{1} << (bit & 63);
    seen_now = seen_now && (bloom_now_[bit >> 6] & mask) != 0;
    seen_before = seen_before && (bloom_before_[bit >> 6] & mask) != 0;
    bloom_now_[bit >> 6] |= mask;
  }
  return seen_now || seen_before;
}

uint32_t DnsMonitor::ZoneId(std::string_view zone, uint64_t hash, TimestampNs ts, bool insert) {
  size_t slot = hash & mask_;
  while (slots_[slot].family != 0) {
    if (slots_[slot].hash == hash) {
      return slots_[slot].id;
    }
    slot = (slot + 1) & mask_;
  }
  if (!insert) {
    return kNone;
  }
  if (free_ids_.empty()) {
    EvictOne(hash);
    if (free_ids_.empty()) {
      return kNone;
    }
    return ZoneId(zone, hash, ts, insert);
  }
  const uint32_t id = free_ids_.back();
  free_ids_.pop_back();
  if (id >= zones_.size()) {
    zones_.resize(
        std::min<size_t>(settings_.max_zones, std::max<size_t>(id + 1, zones_.size() * 2)));
  }
  slots_[slot] = Slot{hash, id, 1};
  Zone& z = zones_[id];
  z = Zone{};
  z.hash = hash;
  z.live = true;
  z.window_start = ts;
  z.name_len = static_cast<uint8_t>(std::min(zone.size(), kZoneNameMax));
  std::memcpy(z.name, zone.data(), z.name_len);
  z.min_qps = settings_.min_qps;
  const auto found = overrides_.find(std::string(zone));
  if (found != overrides_.end()) {
    z.ignore = found->second.ignore;
    if (found->second.min_qps > 0) {
      z.min_qps = found->second.min_qps;
    }
  }
  stats_.zones++;
  return id;
}

void DnsMonitor::EvictOne(uint64_t hash) {
  Zone* victim = nullptr;
  for (size_t k = 0; k < kEvictionSample * 4; ++k) {
    const Slot& near = slots_[(hash + k) & mask_];
    if (near.family == 0) {
      continue;
    }
    Zone& candidate = zones_[near.id];
    // Zones holding evidence (an attack or a tunnel under way) stay; among the rest the least
    // active goes.
    if (candidate.evidence != kNone) {
      continue;
    }
    if (victim == nullptr || candidate.total_queries < victim->total_queries) {
      victim = &candidate;
    }
    if (k >= kEvictionSample && victim != nullptr) {
      break;
    }
  }
  if (victim == nullptr) {
    return;
  }
  stats_.zones_evicted++;
  Release(*victim);
}

void DnsMonitor::Release(Zone& zone) {
  size_t slot = zone.hash & mask_;
  const auto id = static_cast<uint32_t>(&zone - zones_.data());
  while (slots_[slot].family != 0 && slots_[slot].id != id) {
    slot = (slot + 1) & mask_;
  }
  if (slots_[slot].family != 0) {
    BackwardShiftErase(slots_.data(), mask_, slot);
  }
  if (zone.evidence != kNone) {
    free_evidence_.push_back(zone.evidence);
  }
  zone.live = false;
  zone.evidence = kNone;
  free_ids_.push_back(id);
}

uint32_t DnsMonitor::AcquireEvidence(Zone& zone) {
  if (zone.evidence != kNone) {
    return zone.evidence;
  }
  uint32_t index = kNone;
  if (!free_evidence_.empty()) {
    index = free_evidence_.back();
    free_evidence_.pop_back();
  } else if (evidence_.size() < kMaxEvidence) {
    index = static_cast<uint32_t>(evidence_.size());
    evidence_.emplace_back();
  } else {
    stats_.evidence_exhausted++;
    return kNone;
  }
  evidence_[index] = Evidence{};
  zone.evidence = index;
  return index;
}

void DnsMonitor::Observe(const PacketMeta& meta, const DnsMessage& message) {
  if (!message.has_question || message.opcode != 0) {
    return;
  }
  const std::string_view name = message.Name();
  const std::string_view zone_of = zone_cache_.ZoneOf(name);
  const std::string_view zone_name = zone_of.empty() ? kInvalidTldZone : zone_of;
  for (const std::string& suffix : settings_.exclude_suffixes) {
    if (UnderSuffix(name, suffix)) {
      return;
    }
  }
  const uint64_t zone_hash = HashText(zone_name, seed_);
  if (message.is_response) {
    stats_.responses++;
    const uint32_t id = ZoneId(zone_name, zone_hash, meta.ts_ns, false);
    if (id != kNone) {
      Zone& z = zones_[id];
      if (z.evidence != kNone && IsServer(evidence_[z.evidence], meta.inner_dst)) {
        return;  // the answer to a resolver's copy: its client gets the answer that counts
      }
      z.responses++;
      z.nx += message.rcode == 3 ? 1 : 0;
      z.noerror += message.rcode == 0 ? 1 : 0;
      if (z.evidence != kNone) {
        Evidence& ev = evidence_[z.evidence];
        ev.responses++;
        ev.nx += message.rcode == 3 ? 1 : 0;
        ev.noerror += message.rcode == 0 ? 1 : 0;
      }
    }
    return;
  }
  stats_.queries++;
  const uint32_t id = ZoneId(zone_name, zone_hash, meta.ts_ns, true);
  if (id == kNone) {
    return;
  }
  Zone& z = zones_[id];
  if (z.ignore) {
    return;
  }
  if (meta.ts_ns - z.window_start >= window_ns_) {
    CloseWindow(z, meta.ts_ns);
  }
  // At a resolver the capture holds both legs: a client's query, then the resolver's copy to
  // the zone's server. A query from one of the zone's servers is such a copy: counted once.
  if (z.evidence != kNone && IsServer(evidence_[z.evidence], meta.inner_src)) {
    stats_.forwarded_queries++;
    return;
  }
  const uint64_t name_hash = HashText(name, seed_ ^ 0x6e616d65);
  const bool fresh = !SeenBefore(name_hash, meta.ts_ns);
  const LabelShape shape = ShapeOf(name, zone_of);
  z.queries++;
  z.total_queries++;
  z.fresh += fresh ? 1 : 0;
  z.mirai += shape.mirai ? 1 : 0;
  z.random += shape.random || shape.mirai ? 1 : 0;
  z.names.Add(name_hash);
  if (shape.tunnel && ++z.tunnel_queries == kTunnelEvidenceAt) {
    AcquireEvidence(z);
  }
  // A zone on its way to a candidate's rate gets evidence early, so the attack's first
  // seconds are in it.
  if (z.evidence == kNone && static_cast<double>(z.queries) >= z.min_qps * settings_.window_s / 4) {
    AcquireEvidence(z);
  }
  if (z.evidence != kNone) {
    Record(z, meta, name, name_hash, fresh, shape.mirai, shape.random || shape.mirai,
           shape.first_len);
    Evidence& ev = evidence_[z.evidence];
    if (!ev.active && z.queries % kEarlyCheckEvery == 0 &&
        meta.ts_ns - z.window_start >= 1'000'000'000) {
      Judge(z, meta.ts_ns, false);
    }
  }
}

bool DnsMonitor::IsServer(const Evidence& ev, const IpAddress& address) {
  size_t used = 0;
  const auto servers = ev.servers.Sorted(&used);
  for (size_t i = 0; i < used; ++i) {
    if (servers[i].key == address && servers[i].count * 10 >= ev.queries) {
      return true;
    }
  }
  return false;
}

void DnsMonitor::Record(Zone& zone, const PacketMeta& meta, std::string_view name,
                        uint64_t name_hash, bool fresh, bool mirai, bool random,
                        uint16_t label_len) {
  Evidence& ev = evidence_[zone.evidence];
  ev.names.Add(name_hash);
  ev.sources.Add(HashAddress(meta.inner_src, seed_));
  ev.top_sources.Add(meta.inner_src);
  ev.servers.Add(meta.inner_dst);
  if (inside_.Contains(meta.inner_src)) {
    ev.inside_sources.Add(meta.inner_src);
  }
  if (ev.samples_used < kSampleNames && fresh) {
    const size_t n = std::min(name.size(), ev.samples[0].size());
    std::memcpy(ev.samples[ev.samples_used].data(), name.data(), n);
    ev.sample_len[ev.samples_used] = static_cast<uint8_t>(n);
    ev.samples_used++;
  }
  if (ev.queries == 0) {
    ev.first_ns = meta.ts_ns;
  }
  ev.queries++;
  ev.last_ns = std::max(ev.last_ns, meta.ts_ns);
  ev.bytes += meta.wire_len;
  ev.fresh += fresh ? 1 : 0;
  ev.mirai += mirai ? 1 : 0;
  ev.random += random ? 1 : 0;
  ev.label_len_sum += label_len;
}

bool DnsMonitor::Judge(Zone& zone, TimestampNs now, bool window_end) {
  const double seconds = window_end
                             ? settings_.window_s
                             : std::max(1.0, static_cast<double>(now - zone.window_start) / 1e9);
  const double queries = zone.queries;
  const double qps = queries / seconds;
  // Distinct names: the linear counter saturates past a few thousand a window; names never
  // seen before (the Bloom filters) are distinct by construction and keep counting.
  const double names = std::max(zone.names.Estimate(), static_cast<double>(zone.fresh));
  const double per_name = names > 0 ? queries / names : 0;
  const double fresh_share = queries > 0 ? zone.fresh / queries : 0;
  const double random_share = queries > 0 ? zone.random / queries : 0;
  // Failures as PowerDNS Defender counts them: NXDOMAIN, SERVFAIL, other errors and queries
  // never answered; only what resolved (NOERROR) is a success.
  const bool responses_seen = zone.responses >= settings_.min_responses;
  const double failure_ratio = queries > 0 ? std::max(0.0, 1.0 - zone.noerror / queries) : 0;
  if (qps < zone.min_qps || names < settings_.min_names) {
    return false;
  }
  if (per_name > settings_.max_queries_per_name || fresh_share < settings_.min_new_share) {
    stats_.retry_storm_windows += window_end ? 1 : 0;  // the same names again and again
    return false;
  }
  if (responses_seen && failure_ratio < settings_.min_failure_ratio) {
    stats_.resolving_random_windows += window_end ? 1 : 0;  // random names that exist: a CDN
    return false;
  }
  if (!responses_seen && (random_share < settings_.min_random_share ||
                          qps < zone.min_qps * settings_.no_response_factor)) {
    return false;
  }
  if (zone.evidence == kNone && AcquireEvidence(zone) == kNone) {
    return false;
  }
  Evidence& ev = evidence_[zone.evidence];
  ev.peak_qps = std::max(ev.peak_qps, qps);
  if (!ev.active) {
    ev.active = true;
    ev.start = zone.window_start;
    ev.detected_at = now;
    // The finding counts from the start of this window: what the evidence gathered before
    // (while the zone was only a candidate) is replaced by the window's own counts.
    const double keep =
        ev.queries > 0 ? std::min(1.0, static_cast<double>(zone.queries) / ev.queries) : 1.0;
    ev.label_len_sum = static_cast<uint64_t>(static_cast<double>(ev.label_len_sum) * keep);
    ev.bytes = static_cast<uint64_t>(static_cast<double>(ev.bytes) * keep);
    ev.queries = zone.queries;
    ev.fresh = zone.fresh;
    ev.mirai = zone.mirai;
    ev.random = zone.random;
    ev.responses = zone.responses;
    ev.nx = zone.nx;
    ev.noerror = zone.noerror;
    const double mirai_share = queries > 0 ? zone.mirai / queries : 0;
    ev.reason = fmt::format(
        "{:.0f} qps with ~{:.0f} distinct names ({:.1f} queries a name), {:.0f}% never seen "
        "before, {}{}",
        qps, names, per_name, fresh_share * 100,
        responses_seen
            ? fmt::format("{:.0f}% failed (NXDOMAIN {}, unanswered or other {})",
                          failure_ratio * 100, zone.nx,
                          zone.queries - std::min(zone.queries, zone.noerror + zone.nx))
            : fmt::format("no responses seen, {:.0f}% machine-made labels", random_share * 100),
        mirai_share >= 0.5
            ? fmt::format(", {:.0f}% Mirai-shaped labels [a-w0-8]{{12}}", mirai_share * 100)
            : std::string());
  }
  return true;
}

void DnsMonitor::CloseWindow(Zone& zone, TimestampNs now) {
  const TimestampNs window_end = zone.window_start + window_ns_;
  const bool attack = Judge(zone, std::min(now, window_end), true);
  // Windows are aligned to the zone's first query; windows without queries are calm ones.
  const TimestampNs elapsed = now - zone.window_start;
  const auto windows = static_cast<uint32_t>(std::max<TimestampNs>(1, elapsed / window_ns_));
  if (zone.evidence != kNone) {
    Evidence& ev = evidence_[zone.evidence];
    if (ev.active) {
      const uint32_t calm = attack ? windows - 1 : zone.calm_windows + windows;
      if (calm >= kCalmWindowsToEnd) {
        // Ended where the first calm window began.
        const TimestampNs first_calm =
            attack ? window_end : zone.window_start - zone.calm_windows * window_ns_;
        Close(zone, false, first_calm);
      } else {
        zone.calm_windows = calm;
      }
    } else if (zone.tunnel_queries < kTunnelEvidenceAt &&
               zone.queries < zone.min_qps * settings_.window_s / 4) {
      // A candidate that calmed down: its evidence goes back to the pool.
      free_evidence_.push_back(zone.evidence);
      zone.evidence = kNone;
    }
  }
  zone.window_start += elapsed - elapsed % window_ns_;
  zone.queries = 0;
  zone.fresh = 0;
  zone.responses = 0;
  zone.nx = 0;
  zone.noerror = 0;
  zone.mirai = 0;
  zone.random = 0;
  zone.names.Clear();
}

DnsFinding DnsMonitor::Describe(const Zone& zone, const Evidence& ev) const {
  DnsFinding f;
  f.zone = std::string(zone.Name());
  f.queries = ev.queries;
  f.bytes = ev.bytes;
  f.distinct_names = ev.names.Estimate();
  f.distinct_sources = ev.sources.Estimate();
  const double q = std::max<double>(1, static_cast<double>(ev.queries));
  f.new_name_share = ev.fresh / q;
  f.responses = ev.responses;
  if (ev.responses >= settings_.min_responses) {
    f.nx_ratio = static_cast<double>(ev.nx) / static_cast<double>(ev.responses);
    f.failure_ratio = std::max(0.0, 1.0 - static_cast<double>(ev.noerror) / q);
  }
  f.mirai_label_share = ev.mirai / q;
  f.random_label_share = ev.random / q;
  f.mean_label_length = ev.label_len_sum / q;
  // Guaranteed Space-Saving counts only (count - error): servers with 1% of the queries,
  // sources with 0.5%.
  const auto guaranteed = [](const auto& e) { return e.count - e.error; };
  size_t used = 0;
  const auto servers = ev.servers.Sorted(&used);
  for (size_t i = 0; i < used; ++i) {
    if (guaranteed(servers[i]) * 100 >= ev.queries) {
      f.servers.push_back({servers[i].key, guaranteed(servers[i])});
    }
  }
  const auto sources = ev.top_sources.Sorted(&used);
  for (size_t i = 0; i < used && f.top_sources.size() < 10; ++i) {
    if (guaranteed(sources[i]) * 200 >= ev.queries) {
      f.top_sources.push_back({sources[i].key, guaranteed(sources[i])});
    }
  }
  // Clients inside the network are infected devices; a source that also received the zone's
  // queries is a resolver forwarding them, not a client.
  const auto inside = ev.inside_sources.Sorted(&used);
  for (size_t i = 0; i < used; ++i) {
    const IpAddress& source = inside[i].key;
    const bool resolver = std::any_of(f.servers.begin(), f.servers.end(),
                                      [&](const auto& s) { return s.key == source; });
    if (!resolver && guaranteed(inside[i]) * 200 >= ev.queries) {
      f.inside_clients.push_back(source);
    }
  }
  std::string joined;
  for (size_t i = 0; i < ev.samples_used; ++i) {
    f.sample_names.emplace_back(ev.samples[i].data(), ev.sample_len[i]);
    joined += ChildPart(f.sample_names.back(), zone.Name());
  }
  f.label_entropy = EntropyBits(joined);
  return f;
}

void DnsMonitor::Close(Zone& zone, bool ongoing, TimestampNs end) {
  Evidence& ev = evidence_[zone.evidence];
  DnsFinding f = Describe(zone, ev);
  f.kind = "water_torture";
  f.start = ev.start;
  f.detected_at = ev.detected_at;
  f.end = end;
  f.ongoing = ongoing;
  f.peak_qps = ev.peak_qps;
  f.reason = ev.reason;
  findings_.push_back(std::move(f));
  ev.active = false;
  zone.calm_windows = 0;
  if (zone.tunnel_queries < kTunnelEvidenceAt) {
    free_evidence_.push_back(zone.evidence);
    zone.evidence = kNone;
  } else {
    ev = Evidence{};
  }
}

void DnsMonitor::Finish(TimestampNs end) {
  for (Zone& zone : zones_) {
    if (!zone.live || zone.ignore) {
      continue;
    }
    if (zone.queries > 0) {
      CloseWindow(zone, std::max(end, zone.window_start));
    }
    if (zone.evidence == kNone) {
      continue;
    }
    Evidence& ev = evidence_[zone.evidence];
    if (ev.active) {
      // Still over the thresholds in its last windows, or gone quiet before the data ended.
      const bool quiet = end - ev.last_ns >= kCalmWindowsToEnd * window_ns_;
      Close(zone, !quiet, quiet ? ev.last_ns : end);
      continue;
    }
    // A tunnel: long high-entropy names, most of the zone's queries, at a rate below torture.
    if (zone.tunnel_queries >= kTunnelMinQueries && zone.tunnel_queries * 2 >= zone.total_queries) {
      DnsFinding f = Describe(zone, ev);
      f.kind = "dns_tunnel_suspected";
      f.start = ev.first_ns;
      f.end = ev.last_ns;
      f.queries = zone.total_queries;
      f.reason = fmt::format(
          "{} of {} queries carry long high-entropy names (mean leftmost label {:.0f} "
          "characters, {:.1f} bits/character)",
          zone.tunnel_queries, zone.total_queries, f.mean_label_length, f.label_entropy);
      findings_.push_back(std::move(f));
    }
  }
  std::stable_sort(findings_.begin(), findings_.end(),
                   [](const DnsFinding& a, const DnsFinding& b) { return a.start < b.start; });
}

std::vector<AttackRecord> DnsMonitor::Attacks() const {
  std::vector<AttackRecord> out;
  for (const DnsFinding& f : findings_) {
    if (f.kind == "water_torture") {
      out.push_back(AttackOf(f));
    }
  }
  return out;
}

AttackRecord DnsMonitor::AttackOf(const DnsFinding& f) {
  AttackRecord r;
  r.target = f.servers.empty() ? f.zone : f.servers.front().key.ToString();
  r.target_kind = f.servers.empty() ? "zone" : "host";
  r.direction = Direction::kIncoming;
  r.policy = "dns";
  r.vectors.push_back(AttackVector{Vector::kDnsWaterTorture, "dns", f.queries});
  r.start = f.start;
  r.detected_at = f.detected_at;
  r.end = f.end;
  r.ongoing = f.ongoing;
  r.peak_pps = f.peak_qps;
  r.peak_bps = f.queries > 0 ? f.peak_qps * 8.0 * static_cast<double>(f.bytes) /
                                   static_cast<double>(f.queries)
                             : 0;
  r.packets = f.queries;
  r.bytes = f.bytes;
  r.distinct_sources = f.distinct_sources;
  r.top_sources = f.top_sources;
  r.top_destination_ports.push_back({53, f.queries});
  r.reason = "dns_water_torture on " + f.zone + ": " + f.reason;
  return r;
}

void DnsMonitor::AdvanceTime(TimestampNs ts) {
  for (Zone& zone : zones_) {
    if (!zone.live || zone.ignore || zone.evidence == kNone || !evidence_[zone.evidence].active) {
      continue;
    }
    if (ts >= zone.window_start + window_ns_) {
      CloseWindow(zone, ts);
    }
  }
}

std::vector<DnsFinding> DnsMonitor::TakeLiveFindings() {
  std::vector<DnsFinding> out = std::move(findings_);
  findings_.clear();
  for (const Zone& zone : zones_) {
    if (!zone.live || zone.ignore || zone.evidence == kNone) {
      continue;
    }
    const Evidence& ev = evidence_[zone.evidence];
    if (ev.active) {
      DnsFinding f = Describe(zone, ev);
      f.kind = "water_torture";
      f.start = ev.start;
      f.detected_at = ev.detected_at;
      f.end = ev.last_ns;
      f.ongoing = true;
      f.peak_qps = ev.peak_qps;
      f.reason = ev.reason;
      out.push_back(std::move(f));
    } else if (zone.tunnel_queries >= kTunnelMinQueries &&
               zone.tunnel_queries * 2 >= zone.total_queries) {
      DnsFinding f = Describe(zone, ev);
      f.kind = "dns_tunnel_suspected";
      f.start = ev.first_ns;
      f.end = ev.last_ns;
      f.ongoing = true;
      f.queries = zone.total_queries;
      f.reason = fmt::format("{} of {} queries carry long high-entropy names", zone.tunnel_queries,
                             zone.total_queries);
      out.push_back(std::move(f));
    }
  }
  return out;
}

}  // namespace rampart::dnsmon
