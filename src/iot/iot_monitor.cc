#include "iot/iot_monitor.h"

#include <fmt/format.h>

#include "core/hash.h"

namespace rampart::iot {
namespace {

constexpr uint32_t kMaxScanSources = 32768;
constexpr uint32_t kMaxPingSources = 8192;

PrefixTrie<bool> InsideTrie(const Config& config) {
  PrefixTrie<bool> trie;
  for (const Prefix& prefix : InsidePrefixes(config)) {
    trie.Insert(prefix, true);
  }
  return trie;
}

uint64_t Seed(uint64_t seed) {
  return seed != 0 ? seed : RandomSeed();
}

//! Mirai's scanner fingerprint: a SYN whose sequence number is the destination IPv4 address.
bool MiraiFingerprint(const PacketMeta& meta) {
  if (!meta.inner_dst.IsV4()) {
    return false;
  }
  const uint8_t* d = meta.inner_dst.bytes.data();
  const uint32_t dst =
      (uint32_t{d[0]} << 24) | (uint32_t{d[1]} << 16) | (uint32_t{d[2]} << 8) | uint32_t{d[3]};
  return meta.tcp_seq == dst;
}

}  // namespace

IotMonitor::IotMonitor(const Config& config, CredentialList credentials, uint64_t seed)
    : credentials_(std::move(credentials)),
      inside_(InsideTrie(config)),
      evidence_(),
      ledger_(&credentials_, config.iot, &evidence_),
      tcp_scans_(ScanTracker::Protocol::kTcp, config.iot, kMaxScanSources, Seed(seed)),
      icmp_scans_(ScanTracker::Protocol::kIcmp, config.iot, kMaxPingSources, Seed(seed) ^ 1),
      sessions_(config.iot, &credentials_, &inside_, &ledger_, &evidence_, &stats_, Seed(seed)),
      signals_(config.iot, &inside_, &evidence_, &stats_, Seed(seed)) {}

void IotMonitor::OnSyn(const PacketMeta& meta) {
  stats_.syns++;
  const bool mirai = MiraiFingerprint(meta);
  stats_.mirai_fingerprint_syns += mirai ? 1 : 0;
  tcp_scans_.Probe(meta.inner_src, meta.inner_dst, meta.dst_port, meta.ts_ns, mirai);
  if (!mirai) {
    signals_.Syn(meta);
  }
}

void IotMonitor::OnSynAck(const PacketMeta& meta) {
  tcp_scans_.Answer(meta.inner_dst);
  signals_.SynAck(meta);
}

void IotMonitor::OnIcmp(const PacketMeta& meta) {
  if (meta.Has(meta_flag::kL4Truncated) || meta.Has(meta_flag::kFragment)) {
    return;
  }
  const bool v6 = meta.ip_proto == ip_proto::kIcmpv6;
  if (meta.icmp_type == (v6 ? 128 : 8)) {
    icmp_scans_.Probe(meta.inner_src, meta.inner_dst, 0, meta.ts_ns, false);
  } else if (meta.icmp_type == (v6 ? 129 : 0)) {
    icmp_scans_.Answer(meta.inner_dst);
  }
}

void IotMonitor::Finish() {
  sessions_.Finish();
  signals_.Finish();
}

IotFindings IotMonitor::Findings(const std::vector<AttackRecord>& attacks,
                                 const std::vector<ExtraEvidence>& extra) const {
  IotFindings out;
  tcp_scans_.Collect(out.scans);
  icmp_scans_.Collect(out.scans);
  ledger_.Collect(out);
  DeviceEvidence evidence = evidence_;
  // A flood with spoofed sources on random ports makes every source a one-target "vertical
  // scan" of the victim; those are the attack's, not scanners.
  uint64_t in_attacks = 0;
  std::erase_if(out.scans, [&](const ScanFinding& scan) {
    if (inside_.Contains(scan.scanner) || scan.kind != "vertical" || scan.mirai_fingerprint) {
      return false;
    }
    for (const AttackRecord& attack : attacks) {
      if (attack.direction == Direction::kIncoming && attack.target_kind == "host" &&
          attack.target == scan.first_target.ToString() &&
          scan.first_seen + kNanosPerSecond >= attack.start &&
          (attack.end == 0 || scan.first_seen <= attack.end)) {
        ++in_attacks;
        return true;
      }
    }
    return false;
  });
  for (ScanFinding& scan : out.scans) {
    scan.inside = inside_.Contains(scan.scanner);
    if (!scan.inside) {
      continue;
    }
    if (scan.mirai_fingerprint) {
      evidence.Add(scan.scanner, EvidenceKind::kMiraiScanFingerprint, scan.first_seen,
                   fmt::format("{} SYNs with sequence number = destination address ({:.0f}% to "
                               "port 2323)",
                               scan.mirai_probes, scan.mirai_2323_share * 100));
    }
    if (!scan.mirai_fingerprint) {
      evidence.Add(
          scan.scanner, EvidenceKind::kScanning, scan.first_seen,
          fmt::format("{} {} scan: {} probes to ~{:.0f} targets at {:.1f}/s", scan.protocol,
                      scan.kind, scan.probes, scan.distinct_targets, scan.rate_pps));
    }
  }
  for (const AttackRecord& attack : attacks) {
    if (attack.direction != Direction::kOutgoing || attack.target_kind != "host") {
      continue;
    }
    const auto address = IpAddress::Parse(attack.target);
    if (!address || !inside_.Contains(*address)) {
      continue;
    }
    evidence.Add(
        *address, EvidenceKind::kOutgoingFlood, attack.start,
        fmt::format("sent {} at up to {:.0f} pps (attack #{})",
                    attack.vectors.empty() ? std::string("a flood")
                                           : std::string(VectorName(attack.vectors[0].vector)),
                    attack.peak_pps, attack.id));
  }
  for (const ExtraEvidence& e : extra) {
    if (inside_.Contains(e.device)) {
      evidence.Add(e.device, e.kind, e.ts, e.detail);
    }
  }
  out.infected_devices = evidence.Devices();
  out.stats = stats_;
  out.stats.scan_sources_evicted = tcp_scans_.evicted() + icmp_scans_.evicted();
  out.stats.scans_in_attacks = in_attacks;
  out.stats.table_full_drops += ledger_.dropped() + evidence.dropped();
  return out;
}

}  // namespace rampart::iot
