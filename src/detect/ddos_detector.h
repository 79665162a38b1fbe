#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "config/config.h"
#include "core/prefix_trie.h"
#include "decode/packet_meta.h"
#include "detect/attack.h"
#include "detect/packet_class.h"
#include "detect/sketches.h"
#include "track/address_index.h"

namespace rampart {

struct DetectorStats {
  uint64_t table_full = 0;          // packets not tracked: every sampled target was busier
  uint64_t evidence_exhausted = 0;  // suspects that got no evidence slot
  uint64_t evicted_targets = 0;
};

//! Volume, shape and baseline detection of DDoS per target (protected host, carpet-bombed
//! prefix, or inside host sending a flood), on 1-second buckets of packet time.
//!
//! Per packet: one index lookup per tracked role (destination, destination prefix, inside
//! source) and plain counter updates; a check against precomputed limits lets a flood be
//! declared inside its first second, as soon as the bucket's count alone proves the rate. At each
//! second boundary of packet time (the tick) every target touched in that second, and every
//! target under attack, is judged on the whole second. Memory is fixed at construction:
//! `max_targets` per table and `max_evidence` detailed evidence records (top sources, ports,
//! TTL/size profile, distinct sources), whatever the number of spoofed sources.
class DdosDetector {
 public:
  struct Options {
    uint32_t max_targets = 1u << 16;  // incoming hosts; outgoing and prefixes get a quarter
    uint32_t max_evidence = 4096;
    uint64_t hash_seed = 0;  // 0 = random
  };

  DdosDetector(Config config, const Options& options);
  ~DdosDetector();
  DdosDetector(const DdosDetector&) = delete;
  DdosDetector& operator=(const DdosDetector&) = delete;

  //! One decoded packet (or weighted flow record) and its class.
  void Observe(const PacketMeta& meta, PacketClass cls);
  //! Closes the last second at the end of the data; attacks still over are reported ongoing.
  void Finish();

  //! Every attack, in order of detection, with its final figures.
  std::vector<AttackRecord> Attacks() const;

  // The live sensor's view (docs/sensor.md): it reads what changed once a second and lets the
  // detector forget attacks once their end has been published, so memory stays bounded however
  // long it runs.
  //! Packet time has reached `ts` with no packet: closes the seconds before it, so attacks end
  //! while the link is quiet.
  void AdvanceTime(TimestampNs ts);
  //! Attacks still active (end == 0), and those that ended after `*cursor`; moves the cursor.
  std::vector<AttackRecord> ActiveAndEndedSince(uint64_t* cursor) const;
  //! Drops ended attacks up to `cursor` (ids keep counting).
  void ForgetEnded(uint64_t cursor);
  //! The id the next attack will get: a change means an attack started.
  uint32_t next_attack_id() const { return next_attack_id_; }
  const DetectorStats& stats() const { return stats_; }

  //! Protected / inside tests, exposed for tests and the report.
  bool IsProtected(const IpAddress& address) const;
  bool IsInside(const IpAddress& address) const;

 private:
  struct Table;
  struct Target;
  struct Evidence;
  struct Verdict;
  struct LiveAttack;

  void AdvanceTo(int64_t second);
  void Tick();
  void TickTarget(Table& table, uint32_t id);
  //! Counts a packet for one target; returns its id (kNone when it could not be tracked).
  uint32_t Touch(Table& table, const IpAddress& key, const PacketMeta& meta, PacketClass cls,
                 uint64_t source_hash, uint64_t flow_hash, uint32_t member_packets);
  uint32_t Acquire(Table& table, const IpAddress& key);
  void InitTarget(Table& table, Target& target, const IpAddress& key);
  Verdict Judge(const Table& table, const Target& target, bool whole_second) const;
  void Over(Table& table, uint32_t id, const Verdict& verdict, TimestampNs at);
  void StartAttack(Table& table, uint32_t id, const Verdict& verdict, TimestampNs at);
  void EndAttack(Table& table, uint32_t id, TimestampNs end, bool ongoing);
  void AddSecondToAttack(Table& table, Target& target);
  //! The target's open second into the attack's figures.
  static void AddSecond(const Target& target, LiveAttack& live);
  int32_t AllocateEvidence();
  void ReleaseEvidence(Target& target);
  AttackRecord Finalize(const LiveAttack& live) const;
  static IpAddress GroupKey(uint32_t group);
  static uint32_t GroupOf(const IpAddress& key);

  Config config_;
  Options options_;
  PrefixTrie<uint32_t> policies_;  // hostgroup prefix -> index into config_.hostgroups
  PrefixTrie<bool> networks_;
  PrefixTrie<bool> inside_;
  PrefixTrie<bool> whitelist_local_;
  PrefixTrie<bool> whitelist_remote_;
  std::unique_ptr<Table> incoming_;
  std::unique_ptr<Table> outgoing_;
  std::unique_ptr<Table> prefixes_;
  std::unique_ptr<Table> groups_;
  Thresholds no_thresholds_;  // groups: baseline only
  std::vector<std::unique_ptr<Evidence>> evidence_;
  std::vector<int32_t> free_evidence_;
  std::vector<LiveAttack> attacks_;
  uint64_t ended_count_ = 0;  // attacks ended so far: the live sensor's cursor
  uint32_t next_attack_id_ = 1;
  int64_t second_ = INT64_MIN;  // the open bucket
  TimestampNs last_ts_ = 0;
  uint64_t seed_ = 0;
  DetectorStats stats_;
};

}  // namespace rampart
