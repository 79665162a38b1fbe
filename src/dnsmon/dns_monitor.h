#pragma once
// DNS water torture (random-subdomain) detection per zone, and DNS tunnel suspicion
// (docs/dns.md). Fed every DNS message the Analyzer's DNS tap parsed; driven by packet time.
//
// Per zone (the registrable domain of the query name, by the Public Suffix List) and window:
// queries, responses and NXDOMAINs, distinct names (linear counter), names never seen before (a
// pair of rotating Bloom filters over all names), and the shape of the label in front of the
// zone. A zone busy enough to be a candidate gets an evidence record from a fixed pool:
// HyperLogLogs of names and sources, Space-Saving of sources and servers, sample names.
//
// Hand-written for the per-packet path: a seeded open-addressing index of zones over a table
// that grows to `dns.max_zones` and then evicts the least active of a sample, so an attacker
// who controls the names controls neither the memory nor the buckets.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "config/config.h"
#include "core/prefix_trie.h"
#include "decode/dns.h"
#include "decode/packet_meta.h"
#include "detect/sketches.h"
#include "dnsmon/dns_findings.h"
#include "dnsmon/zone_name.h"

namespace rampart::dnsmon {

class DnsMonitor {
 public:
  DnsMonitor(const Config& config, uint64_t seed);
  ~DnsMonitor();
  DnsMonitor(const DnsMonitor&) = delete;
  DnsMonitor& operator=(const DnsMonitor&) = delete;

  //! One parsed DNS message (query or response) and the packet it came in.
  void Observe(const PacketMeta& meta, const DnsMessage& message);
  //! The data ended at `end`: open windows are judged, ongoing findings marked.
  void Finish(TimestampNs end);

  //! Water tortures and suspected tunnels, in start order.
  const std::vector<DnsFinding>& Findings() const { return findings_; }
  //! The water tortures as attack records (vector dns_water_torture, target the server the
  //! queries went to); ids are 0 until the report numbers them.
  std::vector<AttackRecord> Attacks() const;
  //! A water torture as an attack record (target: the attacked server, else the zone).
  static AttackRecord AttackOf(const DnsFinding& finding);

  // The live sensor's view (docs/sensor.md).
  //! Packet time has reached `ts`: closes the windows of attacked zones that got no query since,
  //! so a torture that stops ends while the resolver is quiet.
  void AdvanceTime(TimestampNs ts);
  //! The findings closed since the last call (moved out, so memory stays bounded), then the
  //! zones under attack or carrying a tunnel now, as ongoing findings.
  std::vector<DnsFinding> TakeLiveFindings();
  const DnsStats& stats() const { return stats_; }

 private:
  struct Zone;
  struct Evidence;
  struct Slot {
    uint64_t hash;
    uint32_t id;
    uint8_t family;  // 0 = empty (the name BackwardShiftErase expects)
  };

  uint32_t ZoneId(std::string_view zone, uint64_t hash, TimestampNs ts, bool insert);
  void EvictOne(uint64_t hash);
  void Release(Zone& zone);
  bool Judge(Zone& zone, TimestampNs now, bool window_end);
  void CloseWindow(Zone& zone, TimestampNs now);
  uint32_t AcquireEvidence(Zone& zone);
  //! Adds a query to the zone's evidence (`name_hash`: the name's hash, computed once).
  void Record(Zone& zone, const PacketMeta& meta, std::string_view name, uint64_t name_hash,
              bool fresh, bool mirai, bool random, uint16_t label_len);
  void Close(Zone& zone, bool ongoing, TimestampNs end);
  //! What every finding reports of a zone's evidence (the caller sets kind, times, reason).
  DnsFinding Describe(const Zone& zone, const Evidence& ev) const;
  bool SeenBefore(uint64_t name_hash, TimestampNs ts);
  //! `address` received at least a tenth of the zone's queries: a server (or resolver) of it.
  static bool IsServer(const Evidence& ev, const IpAddress& address);

  DnsSettings settings_;
  uint64_t seed_;
  ZoneCache zone_cache_;
  TimestampNs window_ns_;
  PrefixTrie<bool> inside_;
  std::unordered_map<std::string, DnsZoneOverride> overrides_;
  std::vector<Slot> slots_;
  size_t mask_ = 0;
  std::vector<Zone> zones_;  // grows to max_zones as ids are handed out
  std::vector<uint32_t> free_ids_;
  std::vector<Evidence> evidence_;  // grows to kMaxEvidence
  std::vector<uint32_t> free_evidence_;
  // Names seen before: two Bloom filters, the older dropped every kBloomPeriod of packet time.
  std::vector<uint64_t> bloom_now_;
  std::vector<uint64_t> bloom_before_;
  TimestampNs bloom_rotated_ns_ = 0;
  std::vector<DnsFinding> findings_;
  DnsStats stats_;
};

}  // namespace rampart::dnsmon
