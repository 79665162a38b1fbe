#include "detect/ddos_detector.h"
#include "detect/detector_state.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "core/hash.h"

namespace rampart {

using detect_internal::kReflectionMinSources;
using detect_internal::VectorClass;

namespace {

// Shape rules: floods below the volume thresholds that no legitimate crowd looks like.
constexpr double kShapeMinPps = 500;        // a spoofed flood shows at a few hundred pps
constexpr double kShapeMinSources = 1000;   // … as thousands of distinct sources
constexpr double kShapeAttackShare = 0.8;   // … almost all of it attack-shaped packets
constexpr double kUniformMinSources = 200;  // one TTL and one size from hundreds of sources
constexpr double kUniformShare = 0.9;
constexpr double kBaselineAttackShare = 0.5;  // a baseline alert needs attack-shaped traffic
constexpr double kSuspectFraction = 0.25;     // evidence is kept from 1/4 of a threshold on
constexpr uint32_t kMinCheckStep = 64;
constexpr double kFloodMinDstPorts = 100;        // ack/rst floods go to random ports
constexpr uint32_t kFullEvidencePackets = 1024;  // per second; past it, a weighted sample of
constexpr uint32_t kSampleEvery = 64;            // one packet in 64 (a power of two)

uint32_t Ceil(double seconds) {
  return std::max<uint32_t>(1, static_cast<uint32_t>(std::ceil(seconds - 1e-9)));
}

bool AttackShaped(PacketClass cls) {
  switch (cls) {
    case PacketClass::kTcpSyn:
    case PacketClass::kTcpSynAck:
    case PacketClass::kTcpRst:
    case PacketClass::kUdpAmpResponse:
    case PacketClass::kUdpVse:
    case PacketClass::kIcmp:
    case PacketClass::kGreIp:
    case PacketClass::kGreEth:
    case PacketClass::kFragment:
      return true;
    default:
      return false;
  }
}

//! The smallest positive packet-count threshold: below it no packet rule can fire.
double MinPacketThreshold(const Thresholds& t) {
  double best = 0;
  const auto take = [&best](double v) {
    if (v > 0 && (best == 0 || v < best)) {
      best = v;
    }
  };
  for (const double v :
       {t.pps, t.tcp_pps, t.udp_pps, t.icmp_pps, t.gre_pps, t.syn_pps, t.fragment_pps}) {
    take(v);
  }
  for (const double v : t.vector_pps) {
    take(v);
  }
  take(kShapeMinPps);
  return best;
}

}  // namespace

struct DdosDetector::Target {
  SecondCounters cur;
  int64_t second = INT64_MIN;
  TimestampNs first_ts_in_second = 0;
  TimestampNs streak_start_ts = 0;
  const Policy* policy = nullptr;
  const Thresholds* thresholds = nullptr;
  uint32_t group = 0;  // 0 = the defaults policy, i + 1 = hostgroup i
  uint32_t hold = 1;
  uint32_t quiet = 10;
  uint32_t over_streak = 0;
  uint32_t quiet_streak = 0;
  uint32_t calm_seconds = 0;
  int32_t attack = -1;
  int32_t evidence = -1;
  uint32_t first_check = 0;
  uint32_t next_check = 0;
  uint64_t next_check_bytes = 0;
  uint32_t suspect_at = 0;
  bool current_over = false;
  bool touched = false;
  // Streak accumulators: the seconds over a threshold before an attack is declared.
  uint64_t streak_packets = 0;
  uint64_t streak_bytes = 0;
  double streak_peak_pps = 0;
  double streak_peak_bps = 0;
  std::array<uint64_t, kPacketClassCount> streak_classes{};
  // Seconds under every threshold during an attack: they count only if it flares up again,
  // since an attack that ends does so where its quiet began.
  uint64_t quiet_packets = 0;
  uint64_t quiet_bytes = 0;
  std::array<uint64_t, kPacketClassCount> quiet_classes{};
  // Adaptive baseline of packets per second: EWMA of mean and variance.
  double mean_pps = 0;
  double var_pps = 0;
  uint32_t baseline_seconds = 0;
  uint64_t activity = 0;
};

struct DdosDetector::Table {
  Table(Direction d, bool p, bool g, uint32_t max_targets, uint64_t seed)
      : direction(d), prefixes(p), groups(g), index(max_targets, seed), targets(max_targets) {}
  Direction direction;
  bool prefixes;  // targets are carpet-bombing prefixes
  bool groups;    // targets are whole hostgroups: only their baseline is judged
  AddressIndex index;
  std::vector<Target> targets;
  std::vector<uint32_t> touched;
  std::vector<uint32_t> attacking;
};

struct DdosDetector::Verdict {
  bool over = false;
  const char* rule = nullptr;
  double value = 0;
  double threshold = 0;
};

DdosDetector::DdosDetector(Config config, const Options& options)
    : config_(std::move(config)), options_(options) {
  seed_ = options.hash_seed != 0 ? options.hash_seed : RandomSeed();
  for (uint32_t i = 0; i < config_.hostgroups.size(); ++i) {
    for (const Prefix& prefix : config_.hostgroups[i].prefixes) {
      policies_.Insert(prefix, i);
    }
  }
  for (const Prefix& prefix : config_.networks) {
    networks_.Insert(prefix, true);
  }
  for (const Prefix& prefix : InsidePrefixes(config_)) {
    inside_.Insert(prefix, true);
  }
  for (const Prefix& prefix : config_.whitelist_local) {
    whitelist_local_.Insert(prefix, true);
  }
  for (const Prefix& prefix : config_.whitelist_remote) {
    whitelist_remote_.Insert(prefix, true);
  }
  incoming_ =
      std::make_unique<Table>(Direction::kIncoming, false, false, options.max_targets, seed_);
  outgoing_ = std::make_unique<Table>(Direction::kOutgoing, false, false, options.max_targets / 4,
                                      seed_ ^ 1);
  prefixes_ = std::make_unique<Table>(Direction::kIncoming, true, false, options.max_targets / 4,
                                      seed_ ^ 2);
  groups_ = std::make_unique<Table>(
      Direction::kIncoming, false, true,
      std::max<uint32_t>(16, static_cast<uint32_t>(config_.hostgroups.size()) + 1), seed_ ^ 3);
  evidence_.resize(options.max_evidence);
  for (uint32_t i = options.max_evidence; i > 0; --i) {
    free_evidence_.push_back(static_cast<int32_t>(i - 1));
  }
}

DdosDetector::~DdosDetector() = default;

IpAddress DdosDetector::GroupKey(uint32_t group) {
  // Groups share the address tables' machinery under keys from 100::/64, the IPv6 discard-only
  // prefix (RFC 6666), which no real packet can carry as a protected destination.
  uint8_t bytes[16] = {0x01, 0x00};
  bytes[12] = static_cast<uint8_t>(group >> 24);
  bytes[13] = static_cast<uint8_t>(group >> 16);
  bytes[14] = static_cast<uint8_t>(group >> 8);
  bytes[15] = static_cast<uint8_t>(group);
  return IpAddress::V6(bytes);
}

uint32_t DdosDetector::GroupOf(const IpAddress& key) {
  return static_cast<uint32_t>(key.bytes[12]) << 24 | static_cast<uint32_t>(key.bytes[13]) << 16 |
         static_cast<uint32_t>(key.bytes[14]) << 8 | key.bytes[15];
}

bool DdosDetector::IsProtected(const IpAddress& address) const {
  return config_.networks.empty() || networks_.Contains(address);
}

bool DdosDetector::IsInside(const IpAddress& address) const {
  return inside_.Contains(address);
}

void DdosDetector::InitTarget(Table& table, Target& target, const IpAddress& key) {
  target = Target{};
  target.policy = &config_.defaults;
  if (table.groups) {
    target.group = GroupOf(key);
    if (target.group > 0) {
      target.policy = &config_.hostgroups[target.group - 1].policy;
    }
  } else if (!table.prefixes) {
    if (const uint32_t* group = policies_.Lookup(key)) {
      target.policy = &config_.hostgroups[*group].policy;
      target.group = *group + 1;
    }
  }
  target.thresholds = table.groups                              ? &no_thresholds_
                      : table.prefixes                          ? &config_.prefix_incoming
                      : table.direction == Direction::kIncoming ? &target.policy->incoming
                                                                : &target.policy->outgoing;
  target.hold = Ceil(target.policy->hold_s);
  target.quiet = Ceil(target.policy->quiet_s);
  const double min_packets = MinPacketThreshold(*target.thresholds);
  target.first_check = static_cast<uint32_t>(std::max(1.0, min_packets));
  target.suspect_at = static_cast<uint32_t>(std::max(16.0, min_packets * kSuspectFraction));
}

uint32_t DdosDetector::Acquire(Table& table, const IpAddress& key) {
  const uint64_t hash = table.index.Hash(key);
  bool inserted = false;
  uint32_t id = table.index.FindOrInsert(key, hash, &inserted);
  if (id == AddressIndex::kNone) {
    // Full: evict the least active of the sampled neighbours that is not under attack, not
    // being watched, and not touched in the open second.
    uint32_t victim = AddressIndex::kNone;
    uint64_t least = UINT64_MAX;
    for (size_t step = 0; step < 32; ++step) {
      const uint32_t candidate = table.index.IdNear(hash, step);
      if (candidate == AddressIndex::kNone) {
        continue;
      }
      const Target& t = table.targets[candidate];
      if (t.attack < 0 && t.evidence < 0 && !t.touched && t.activity < least) {
        least = t.activity;
        victim = candidate;
      }
    }
    if (victim == AddressIndex::kNone) {
      return AddressIndex::kNone;
    }
    const IpAddress old = table.index.AddressOf(victim);
    table.index.Erase(old, table.index.Hash(old));
    ++stats_.evicted_targets;
    id = table.index.FindOrInsert(key, hash, &inserted);
    if (id == AddressIndex::kNone) {
      return id;
    }
  }
  if (inserted) {
    InitTarget(table, table.targets[id], key);
  }
  return id;
}

void DdosDetector::Observe(const PacketMeta& meta, PacketClass cls) {
  if (!meta.IsIp()) {
    return;
  }
  last_ts_ = meta.ts_ns;
  const int64_t second = meta.ts_ns >= 0 ? meta.ts_ns / kNanosPerSecond
                                         : (meta.ts_ns - kNanosPerSecond + 1) / kNanosPerSecond;
  if (second != second_) {
    if (second_ != INT64_MIN && second < second_) {
      // An out-of-order packet: count it in the open second rather than reopen a closed one.
    } else {
      AdvanceTo(second);
    }
  }
  const IpAddress& src = meta.outer_src;
  const IpAddress& dst = meta.outer_dst;
  const uint64_t source_hash = incoming_->index.Hash(src);
  const uint64_t flow_hash =
      HashKey128(source_hash, (static_cast<uint64_t>(meta.src_port) << 16) | meta.dst_port,
                 meta.ip_proto, seed_);
  if (IsProtected(dst) && !whitelist_local_.Contains(dst) && !whitelist_remote_.Contains(src)) {
    const uint32_t host = Touch(*incoming_, dst, meta, cls, source_hash, flow_hash, 0);
    if (host != AddressIndex::kNone) {
      const Target& target = incoming_->targets[host];
      const uint8_t length = dst.IsV4() ? config_.prefix_length_v4 : config_.prefix_length_v6;
      Touch(*prefixes_, Prefix::Of(dst, length).address, meta, cls, source_hash, flow_hash,
            target.cur.packets);
      if (target.policy->baseline) {
        Touch(*groups_, GroupKey(target.group), meta, cls, source_hash, flow_hash,
              target.cur.packets);
      }
    }
  }
  if (IsInside(src) && !whitelist_local_.Contains(src) && !IsInside(dst)) {
    Touch(*outgoing_, src, meta, cls, source_hash, flow_hash, 0);
  }
}

uint32_t DdosDetector::Touch(Table& table, const IpAddress& key, const PacketMeta& meta,
                             PacketClass cls, uint64_t source_hash, uint64_t flow_hash,
                             uint32_t member_packets) {
  const uint32_t id = Acquire(table, key);
  if (id == AddressIndex::kNone) {
    ++stats_.table_full;
    return id;
  }
  Target& t = table.targets[id];
  if (t.second != second_) {
    t.cur = SecondCounters{};
    t.second = second_;
    t.current_over = false;
    t.first_ts_in_second = meta.ts_ns;
    t.next_check = t.first_check;
    t.next_check_bytes = 0;
    const double bps = t.thresholds->bps;
    if (bps > 0) {
      t.next_check_bytes = static_cast<uint64_t>(bps / 8);
    }
  }
  if (!t.touched) {
    t.touched = true;
    table.touched.push_back(id);
  }
  SecondCounters& c = t.cur;
  const uint32_t w = meta.flow_weight;
  if (c.packets == 0) {
    c.first_ttl = meta.ttl;
    c.first_size = meta.ip_total_len;
  }
  c.same_ttl += meta.ttl == c.first_ttl ? w : 0;
  c.same_size += meta.ip_total_len == c.first_size ? w : 0;
  c.packets += w;
  c.bytes += meta.flow_bytes != 0 ? meta.flow_bytes : static_cast<uint64_t>(meta.wire_len) * w;
  c.classes[static_cast<size_t>(cls)] += w;
  switch (meta.ip_proto) {
    case ip_proto::kTcp:
      c.tcp += w;
      c.syn += cls == PacketClass::kTcpSyn ? w : 0;
      break;
    case ip_proto::kUdp:
      c.udp += w;
      break;
    case ip_proto::kIcmp:
    case ip_proto::kIcmpv6:
      c.icmp += w;
      break;
    default:
      break;
  }
  c.max_member_packets = std::max(c.max_member_packets, member_packets);
  c.gre += meta.Has(meta_flag::kGre) ? w : 0;
  c.fragments += meta.Has(meta_flag::kFragment) ? w : 0;
  c.sources.Add(source_hash);
  c.flows.Add(flow_hash);
  if (meta.Has(meta_flag::kHasPorts)) {
    c.dst_ports.Add((meta.dst_port + 1ULL) * 0x9e3779b97f4a7c15ULL);  // top bits spread ports
  }
  t.activity += w;

  if (t.evidence >= 0) {
    Evidence& ev = *evidence_[t.evidence];
    ev.Count(cls, source_hash, flow_hash, w);
    if (c.packets <= kFullEvidencePackets) {
      ev.Sample(meta, cls, w);
    } else if ((c.packets & (kSampleEvery - 1)) == 0) {
      ev.Sample(meta, cls, uint64_t{kSampleEvery} * w);
    }
  } else if (c.packets >= t.suspect_at) {
    t.evidence = AllocateEvidence();
    t.calm_seconds = 0;
  }

  if (!t.current_over &&
      (c.packets >= t.next_check || (t.next_check_bytes > 0 && c.bytes >= t.next_check_bytes))) {
    t.next_check = c.packets + std::max(kMinCheckStep, c.packets / 4);
    if (t.next_check_bytes > 0) {
      t.next_check_bytes = c.bytes + std::max<uint64_t>(c.bytes / 4, uint64_t{64} * 1500);
    }
    const Verdict verdict = Judge(table, t, false);
    if (verdict.over) {
      // The bucket's count alone proves the rate: no need to wait for the tick.
      t.current_over = true;
      if (t.over_streak == 0) {
        t.streak_start_ts = t.first_ts_in_second;
      }
      if (t.attack < 0 && t.over_streak + 1 >= t.hold) {
        StartAttack(table, id, verdict, meta.ts_ns);
      }
    }
  }
  return id;
}

DdosDetector::Verdict DdosDetector::Judge(const Table& table, const Target& t,
                                          bool whole_second) const {
  const Thresholds& th = *t.thresholds;
  const SecondCounters& c = t.cur;
  Verdict v;
  if ((table.prefixes || table.groups) && c.max_member_packets * 2 >= c.packets) {
    return v;  // one host carries half the load: that host's business, not the prefix's/group's
  }
  const auto check = [&v](const char* rule, double value, double threshold) {
    if (!v.over && threshold > 0 && value >= threshold) {
      v = Verdict{true, rule, value, threshold};
    }
  };
  // ACK and RST floods hit random ports; a busy server's own ACKs and RSTs hit its few service
  // ports, so these two vector rules need a wide spread of destination ports.
  const bool port_spread = c.dst_ports.Estimate() >= kFloodMinDstPorts;
  for (size_t i = 0; i < kVectorCount; ++i) {
    const auto vector = static_cast<Vector>(i);
    const PacketClass cls = VectorClass(vector);
    if ((vector == Vector::kAckFlood || vector == Vector::kRstFlood) && !port_spread) {
      continue;
    }
    if (cls != PacketClass::kCount) {
      check(VectorName(static_cast<Vector>(i)).data(), c.classes[static_cast<size_t>(cls)],
            th.vector_pps[i]);
    }
  }
  check("syn_pps", c.syn, th.syn_pps);
  check("fragment_pps", c.fragments, th.fragment_pps);
  check("tcp_pps", c.tcp, th.tcp_pps);
  check("udp_pps", c.udp, th.udp_pps);
  check("icmp_pps", c.icmp, th.icmp_pps);
  check("gre_pps", c.gre, th.gre_pps);
  check("pps", c.packets, th.pps);
  check("bps", static_cast<double>(c.bytes) * 8, th.bps);
  if (!whole_second || v.over) {
    return v;
  }
  check("flows_per_s", c.flows.Estimate(), th.flows_per_s);
  if (v.over || table.direction != Direction::kIncoming || c.packets < kShapeMinPps) {
    return v;
  }
  if (!table.prefixes && !table.groups) {
    // Shape and baseline rules are the prefix's when the load is spread over its hosts.
    const IpAddress& key = table.index.AddressOf(static_cast<uint32_t>(&t - table.targets.data()));
    const uint8_t length = key.IsV4() ? config_.prefix_length_v4 : config_.prefix_length_v6;
    const IpAddress prefix = Prefix::Of(key, length).address;
    const uint32_t pid = prefixes_->index.Find(prefix, prefixes_->index.Hash(prefix));
    if (pid != AddressIndex::kNone && prefixes_->targets[pid].second == t.second &&
        c.packets * 4 < prefixes_->targets[pid].cur.packets) {
      return v;
    }
  }
  uint64_t shaped = 0;
  for (size_t i = 0; i < kPacketClassCount; ++i) {
    shaped += AttackShaped(static_cast<PacketClass>(i)) ? c.classes[i] : 0;
  }
  const double share = static_cast<double>(shaped) / c.packets;
  const double sources = c.sources.Estimate();
  if (table.groups) {
    // A group is judged only against its own baseline: its members have their own rules.
    if (t.baseline_seconds >= config_.baseline_warmup_s &&
        c.packets >= config_.baseline_floor_pps && share >= kBaselineAttackShare) {
      check("group_baseline_pps", c.packets,
            t.mean_pps + config_.baseline_sigmas * std::sqrt(t.var_pps));
    }
    return v;
  }
  if (share >= kShapeAttackShare && sources >= kShapeMinSources) {
    return Verdict{true, "shape: spoofed sources", sources, kShapeMinSources};
  }
  const uint32_t amp = c.classes[static_cast<size_t>(PacketClass::kUdpAmpResponse)];
  if (amp >= kShapeMinPps && sources >= kReflectionMinSources &&
      static_cast<double>(amp + c.fragments) / c.packets >= kShapeAttackShare) {
    return Verdict{true, "shape: unsolicited service responses", sources, kReflectionMinSources};
  }
  // Floods crafted by one tool from many sources share one TTL and one size; a real crowd's
  // packets cross different paths and carry different payloads.
  if (sources >= kUniformMinSources && share >= kBaselineAttackShare &&
      c.same_ttl >= kUniformShare * c.packets && c.same_size >= kUniformShare * c.packets) {
    return Verdict{true, "shape: uniform TTL and size from many sources", sources,
                   kUniformMinSources};
  }
  if (t.policy->baseline && !table.prefixes && t.baseline_seconds >= config_.baseline_warmup_s &&
      c.packets >= config_.baseline_floor_pps && share >= kBaselineAttackShare) {
    const double limit = t.mean_pps + config_.baseline_sigmas * std::sqrt(t.var_pps);
    check("baseline_pps", c.packets, limit);
  }
  return v;
}

int32_t DdosDetector::AllocateEvidence() {
  if (free_evidence_.empty()) {
    ++stats_.evidence_exhausted;
    return -1;
  }
  const int32_t slot = free_evidence_.back();
  free_evidence_.pop_back();
  evidence_[slot] = std::make_unique<Evidence>();  // off the steady path: once per suspect
  return slot;
}

void DdosDetector::ReleaseEvidence(Target& t) {
  if (t.evidence >= 0) {
    evidence_[t.evidence].reset();
    free_evidence_.push_back(t.evidence);
    t.evidence = -1;
  }
}

void DdosDetector::StartAttack(Table& table, uint32_t id, const Verdict& verdict, TimestampNs at) {
  Target& t = table.targets[id];
  const IpAddress& key = table.index.AddressOf(id);
  const uint8_t length = key.IsV4() ? config_.prefix_length_v4 : config_.prefix_length_v6;
  const bool weak_rule = std::string_view(verdict.rule).rfind("shape", 0) == 0 ||
                         std::string_view(verdict.rule).rfind("baseline", 0) == 0;
  if (!table.prefixes && table.direction == Direction::kIncoming && weak_rule) {
    // A host caught only by shape inside a carpet-bombed prefix is part of that attack.
    const IpAddress prefix = Prefix::Of(key, length).address;
    for (const uint32_t p : prefixes_->attacking) {
      if (prefixes_->index.AddressOf(p) == prefix) {
        return;
      }
    }
  }
  if (table.prefixes) {
    // A prefix whose load one attacked host explains is that host's attack, not carpet bombing.
    for (const uint32_t host : incoming_->attacking) {
      if (Prefix::Of(incoming_->index.AddressOf(host), length).address == key) {
        return;
      }
    }
  }
  LiveAttack live;
  AttackRecord& r = live.record;
  r.id = next_attack_id_++;
  r.target_kind = table.groups ? "group" : table.prefixes ? "prefix" : "host";
  r.target = table.groups     ? "group:" + t.policy->name
             : table.prefixes ? Prefix::Of(key, length).ToString()
                              : key.ToString();
  r.direction = table.direction;
  r.policy = t.policy->name;
  r.start = t.streak_start_ts;
  r.detected_at = at;
  r.packets = t.streak_packets;
  r.bytes = t.streak_bytes;
  r.peak_pps = t.streak_peak_pps;
  r.peak_bps = t.streak_peak_bps;
  live.classes = t.streak_classes;
  live.table = &table;
  live.target = id;
  r.reason = fmt::format("{} {:.0f} >= {:.0f} in one second ({} {} policy)", verdict.rule,
                         verdict.value, verdict.threshold, t.policy->name,
                         table.direction == Direction::kIncoming ? "incoming" : "outgoing");
  if (t.evidence < 0) {
    t.evidence = AllocateEvidence();
  }
  live.evidence = t.evidence;
  t.attack = static_cast<int32_t>(attacks_.size());
  attacks_.push_back(std::move(live));
  table.attacking.push_back(id);
}

void DdosDetector::EndAttack(Table& table, uint32_t id, TimestampNs end, bool ongoing) {
  Target& t = table.targets[id];
  LiveAttack& live = attacks_[t.attack];
  live.record.end = end;
  live.record.ongoing = ongoing;
  live.ended_seq = ++ended_count_;
  if (live.evidence >= 0 && evidence_[live.evidence]) {
    live.snapshot = std::make_unique<Evidence>(*evidence_[live.evidence]);
  }
  live.evidence = -1;
  ReleaseEvidence(t);
  t.attack = -1;
  t.over_streak = 0;
  t.quiet_streak = 0;
  t.quiet_packets = t.quiet_bytes = 0;
  t.quiet_classes = {};
  auto& list = table.attacking;
  list.erase(std::remove(list.begin(), list.end(), id), list.end());
}

void DdosDetector::AddSecondToAttack(Table& table, Target& t) {
  (void)table;
  AddSecond(t, attacks_[t.attack]);
}

void DdosDetector::AddSecond(const Target& t, LiveAttack& live) {
  AttackRecord& r = live.record;
  r.packets += t.cur.packets;
  r.bytes += t.cur.bytes;
  r.peak_pps = std::max(r.peak_pps, static_cast<double>(t.cur.packets));
  r.peak_bps = std::max(r.peak_bps, static_cast<double>(t.cur.bytes) * 8);
  for (size_t i = 0; i < kPacketClassCount; ++i) {
    live.classes[i] += t.cur.classes[i];
  }
  live.max_second_sources = std::max(live.max_second_sources, t.cur.sources.Estimate());
}

void DdosDetector::TickTarget(Table& table, uint32_t id) {
  Target& t = table.targets[id];
  t.touched = false;
  if (t.second != second_) {
    t.cur = SecondCounters{};  // no packets this second
    t.current_over = false;
  }
  const Verdict verdict = Judge(table, t, true);
  const bool over = verdict.over || t.current_over;
  const TimestampNs second_start = second_ * kNanosPerSecond;
  if (over) {
    if (t.over_streak == 0) {
      t.streak_start_ts = t.first_ts_in_second;
      t.streak_packets = t.streak_bytes = 0;
      t.streak_peak_pps = t.streak_peak_bps = 0;
      t.streak_classes = {};
    }
    ++t.over_streak;
    t.quiet_streak = 0;
    if (t.attack < 0) {
      t.streak_packets += t.cur.packets;
      t.streak_bytes += t.cur.bytes;
      t.streak_peak_pps = std::max(t.streak_peak_pps, static_cast<double>(t.cur.packets));
      t.streak_peak_bps = std::max(t.streak_peak_bps, static_cast<double>(t.cur.bytes) * 8);
      for (size_t i = 0; i < kPacketClassCount; ++i) {
        t.streak_classes[i] += t.cur.classes[i];
      }
      if (t.over_streak >= t.hold) {
        StartAttack(table, id, verdict.over ? verdict : Verdict{true, "rate", 0, 0},
                    second_start + kNanosPerSecond);
      }
      return;
    }
    if (t.quiet_packets > 0) {
      LiveAttack& live = attacks_[t.attack];
      live.record.packets += t.quiet_packets;
      live.record.bytes += t.quiet_bytes;
      for (size_t i = 0; i < kPacketClassCount; ++i) {
        live.classes[i] += t.quiet_classes[i];
      }
    }
    t.quiet_packets = t.quiet_bytes = 0;
    t.quiet_classes = {};
    AddSecondToAttack(table, t);
    return;
  }
  t.over_streak = 0;
  if (t.attack >= 0) {
    t.quiet_packets += t.cur.packets;
    t.quiet_bytes += t.cur.bytes;
    for (size_t i = 0; i < kPacketClassCount; ++i) {
      t.quiet_classes[i] += t.cur.classes[i];
    }
    if (++t.quiet_streak >= t.quiet) {
      EndAttack(table, id, (second_ - t.quiet_streak + 1) * kNanosPerSecond, false);
    }
    return;
  }
  // Calm: learn the baseline, and let go of evidence once the suspicion has passed.
  const double pps = t.cur.packets;
  if (t.baseline_seconds == 0) {
    t.mean_pps = pps;
  } else {
    const double a = config_.baseline_alpha;
    const double delta = pps - t.mean_pps;
    t.mean_pps += a * delta;
    t.var_pps = (1 - a) * (t.var_pps + a * delta * delta);
  }
  ++t.baseline_seconds;
  if (t.evidence >= 0 && t.cur.packets < t.suspect_at && ++t.calm_seconds >= 3) {
    ReleaseEvidence(t);
  }
}

void DdosDetector::Tick() {
  // Prefixes first: a carpet-bombed prefix must be under attack before its hosts are judged.
  for (Table* table : {prefixes_.get(), incoming_.get(), outgoing_.get(), groups_.get()}) {
    std::vector<uint32_t> ids;
    ids.swap(table->touched);
    for (const uint32_t id : table->attacking) {
      if (!table->targets[id].touched) {
        ids.push_back(id);
      }
    }
    for (const uint32_t id : ids) {
      TickTarget(*table, id);
    }
    table->touched.clear();
  }
}

void DdosDetector::AdvanceTo(int64_t second) {
  if (second_ != INT64_MIN) {
    Tick();
    // Seconds with no packets at all still count toward attacks going quiet.
    for (int64_t s = second_ + 1; s < second; ++s) {
      if (incoming_->attacking.empty() && outgoing_->attacking.empty() &&
          prefixes_->attacking.empty() && groups_->attacking.empty()) {
        break;
      }
      second_ = s;
      Tick();
    }
  }
  second_ = second;
}

void DdosDetector::AdvanceTime(TimestampNs ts) {
  const int64_t second = ts / kNanosPerSecond;
  if (second_ != INT64_MIN && second > second_) {
    AdvanceTo(second);
  }
}

std::vector<AttackRecord> DdosDetector::ActiveAndEndedSince(uint64_t* cursor) const {
  std::vector<AttackRecord> out;
  for (const LiveAttack& live : attacks_) {
    if (live.ended_seq != 0) {
      if (live.ended_seq > *cursor) {
        out.push_back(Finalize(live));
      }
      continue;
    }
    // Active: its figures so far include the open second, which the tick has not added yet (an
    // attack found inside its first second has nothing else).
    LiveAttack now;
    now.record = live.record;
    now.classes = live.classes;
    now.max_second_sources = live.max_second_sources;
    now.evidence = live.evidence;
    const Target& t = live.table->targets[live.target];
    if (t.second == second_) {
      AddSecond(t, now);
    }
    out.push_back(Finalize(now));
  }
  *cursor = ended_count_;
  return out;
}

void DdosDetector::ForgetEnded(uint64_t cursor) {
  const auto forgettable = [cursor](const LiveAttack& live) {
    return live.ended_seq != 0 && live.ended_seq <= cursor;
  };
  if (std::none_of(attacks_.begin(), attacks_.end(), forgettable)) {
    return;
  }
  std::vector<LiveAttack> kept;
  std::vector<int32_t> moved(attacks_.size(), -1);
  for (size_t i = 0; i < attacks_.size(); ++i) {
    if (!forgettable(attacks_[i])) {
      moved[i] = static_cast<int32_t>(kept.size());
      kept.push_back(std::move(attacks_[i]));
    }
  }
  // Active targets point at their attack by index.
  for (Table* table : {incoming_.get(), outgoing_.get(), prefixes_.get(), groups_.get()}) {
    for (const uint32_t id : table->attacking) {
      Target& t = table->targets[id];
      t.attack = moved[static_cast<size_t>(t.attack)];
    }
  }
  attacks_ = std::move(kept);
}

void DdosDetector::Finish() {
  if (second_ == INT64_MIN) {
    return;
  }
  Tick();
  for (Table* table : {incoming_.get(), outgoing_.get(), prefixes_.get(), groups_.get()}) {
    const std::vector<uint32_t> ids = table->attacking;
    for (const uint32_t id : ids) {
      // Already quiet when the data ends: it ended where the quiet began, even though the
      // data is too short to have seen the whole quiet period. Otherwise it is ongoing.
      const uint32_t quiet = table->targets[id].quiet_streak;
      if (quiet > 0) {
        EndAttack(*table, id, (second_ - quiet + 1) * kNanosPerSecond, false);
      } else {
        EndAttack(*table, id, last_ts_, true);
      }
    }
  }
}

}  // namespace rampart
