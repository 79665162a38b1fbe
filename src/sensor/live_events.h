#pragma once
// Turns the shards' once-a-second snapshots into the live EVE stream (docs/sensor.md): an attack
// gets `start` when first seen, `update` at most every `update_interval` while its figures grow,
// and `end` once; scans, brute force, default credentials, DNS attacks and infected devices get
// an event when first seen and again when their record changed, at most once per interval.
// Attack ids are renumbered across shards into one sequence, and each gets a `uid` unique across
// restarts. Control thread only.
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/timestamp.h"

namespace rampart::sensor {

//! An attack change, for the notifications (FastNetMon's ban / attack_details / unban).
struct AttackChange {
  std::string action;  // "ban" (start), "attack_details" (first update), "unban" (end)
  nlohmann::ordered_json attack;
};

class LiveEvents {
 public:
  //! `run_id` prefixes the attacks' uids (the sensor's start time).
  LiveEvents(std::string run_id, double update_interval_s);

  //! One shard's snapshot report (its `attacks`, `scans`, … arrays); the events it causes are
  //! appended to `events`, attack changes to `changes`. `now` is the shard's packet clock, the
  //! time of events whose records have none.
  //! `final`: the shard's analyzer is done (stop or reload); its ids will be reused.
  void Apply(uint32_t shard, const nlohmann::ordered_json& report, TimestampNs now, bool final,
             std::vector<nlohmann::ordered_json>* events, std::vector<AttackChange>* changes);

  //! Attacks started and not yet ended.
  size_t active_attacks() const { return active_; }
  uint64_t attacks_started() const { return next_id_ - 1; }

 private:
  struct Seen {
    std::string body;            // the record as last emitted (without volatile fields)
    TimestampNs emitted_at = 0;  // packet time of that event
    bool ended = false;
    bool detailed = false;  // attack_details sent
  };
  //! Returns the attack's id in the sensor's sequence.
  uint32_t Attack(uint32_t shard, nlohmann::ordered_json attack, TimestampNs now,
                  std::vector<nlohmann::ordered_json>* events, std::vector<AttackChange>* changes);
  void Finding(const char* type, const nlohmann::ordered_json& record, TimestampNs now,
               std::vector<nlohmann::ordered_json>* events);
  void Prune(TimestampNs now);

  std::string run_id_;
  TimestampNs update_interval_ns_;
  uint32_t next_id_ = 1;
  size_t active_ = 0;
  //! "shard/id" (detector) or "shard/dns/target/start" (water torture) -> the sensor's id.
  struct AttackId {
    uint32_t id = 0;
    TimestampNs ended_at = 0;  // packet time its end was emitted; 0 while it runs
  };
  std::map<std::string, AttackId> attack_ids_;
  std::unordered_map<std::string, Seen> seen_;  // by EveEventKey
  TimestampNs last_prune_ = 0;
};

}  // namespace rampart::sensor
