#pragma once
// The ban manager (docs/mitigation.md): turns attack starts and ends, infected devices and the
// operator's commands into bans, and bans into announcements on the configured backends.
// Per hostgroup and vector the rules say which actions; a ban lasts `ban_time` and is lifted
// only once its attack has been quiet for `unban_quiet`; whitelisted targets are never banned;
// at most `max_bans` are active; in dry-run (the default) it logs exactly what it would
// announce and announces nothing. Every decision is a `ban` event with its reason; the events go
// to the history, whose `bans` table gives them back after a restart. Control thread only; bans
// run on wall-clock time (they are operations, not packet analysis).
#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "config/config.h"
#include "core/prefix_trie.h"
#include "core/timestamp.h"
#include "mitigate/mitigation.h"

namespace rampart::mitigate {

//! What the notify script and webhook hear of a ban: FastNetMon's ban / unban.
struct BanNotice {
  std::string action;  // "ban" or "unban"
  nlohmann::ordered_json ban;
};

class BanManager {
 public:
  BanManager(const MitigationSettings& settings, const Config& config,
             std::vector<std::unique_ptr<Backend>> backends);

  //! After a restart: the `bans` rows that were active. Those not yet expired are announced
  //! again; the others are withdrawn (the speakers may still hold them).
  void Restore(const std::vector<nlohmann::ordered_json>& active, TimestampNs now);

  //! An attack event's record (`state` start/update/end).
  void OnAttack(const nlohmann::ordered_json& attack, TimestampNs now);
  //! An infected device's record (quarantine when a rule asks for it).
  void OnInfectedDevice(const nlohmann::ordered_json& device, TimestampNs now);
  //! Lifts bans whose time is up and whose attack has been quiet long enough.
  void Tick(TimestampNs now);

  // The operator's commands (`rampart ban add|remove|list` over the control socket).
  //! A manual ban of `target` (an address or prefix) with `actions` (default: blackhole).
  nlohmann::ordered_json Add(const std::string& target, const std::vector<std::string>& actions,
                             double ban_time_s, const std::string& reason, TimestampNs now);
  //! Lifts ban `id` now, whatever its attack does.
  nlohmann::ordered_json Remove(uint64_t id, TimestampNs now);
  nlohmann::ordered_json List() const;

  //! The `ban` events and notices since the last call.
  std::vector<nlohmann::ordered_json> TakeEvents();
  std::vector<BanNotice> TakeNotices();

  size_t active() const { return bans_.size(); }

 private:
  struct Ban {
    uint64_t id = 0;
    std::string target;
    std::string origin;  // "attack", "device", "manual", "restored"
    std::string attack_uid;
    std::string vector;
    std::string reason;
    TimestampNs created = 0;
    TimestampNs expires = 0;
    TimestampNs quiet_since = 0;  // 0 while its attack is active
    std::vector<Announcement> announcements;
    std::vector<std::string> actions;
    nlohmann::ordered_json attack = nlohmann::ordered_json::object();  // what FlowSpec needs
  };

  std::vector<std::string> ActionsFor(const std::string& policy, const std::string& vector) const;
  //! Why `target` may not be banned, or "" when it may.
  std::string Refusal(const std::string& target) const;
  std::vector<Announcement> Plan(uint64_t id, const Prefix& target,
                                 const std::vector<std::string>& actions,
                                 const nlohmann::ordered_json& attack) const;
  void Lift(std::map<uint64_t, Ban>::iterator it, const std::string& why, TimestampNs now);
  //! Runs every announcement on every backend that supports it (nothing in dry-run).
  std::vector<std::string> Apply(const std::vector<Announcement>& announcements, bool announce);
  nlohmann::ordered_json Record(const Ban& ban, const std::string& state) const;
  void Emit(const Ban& ban, const std::string& state, TimestampNs now,
            const std::vector<std::string>& errors = {});

  MitigationSettings settings_;
  std::vector<Hostgroup> hostgroups_;
  PrefixTrie<bool> whitelist_;
  std::vector<std::unique_ptr<Backend>> backends_;
  std::map<uint64_t, Ban> bans_;               // active, by id
  std::map<std::string, uint64_t> by_attack_;  // attack uid -> ban id
  std::map<std::string, uint64_t> by_target_;  // target -> ban id (one ban a target)
  std::set<std::string> refused_devices_;      // whitelisted devices: asked once
  uint64_t next_id_ = 1;
  std::vector<nlohmann::ordered_json> events_;
  std::vector<BanNotice> notices_;
};

}  // namespace rampart::mitigate
