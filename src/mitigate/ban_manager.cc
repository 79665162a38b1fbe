#include "mitigate/ban_manager.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "core/ip_address.h"
#include "mitigate/flowspec_builder.h"

namespace rampart::mitigate {
namespace {

using Json = nlohmann::ordered_json;

constexpr std::string_view kDefaultAction = "blackhole";

//! The prefix a blackhole names: a host's /32 or /128, a carpet-bombed prefix as it is.
std::optional<Prefix> TargetPrefix(const std::string& target) {
  return Prefix::Parse(target);
}

//! How attacks name a target: a host as its address, anything wider as a prefix.
std::string TargetText(const Prefix& prefix) {
  const uint8_t full = prefix.address.family == IpFamily::kV4 ? 32 : 128;
  return prefix.length == full ? prefix.address.ToString() : prefix.ToString();
}

//! Attack sources as addresses, for the nftables drop set.
std::vector<IpAddress> Sources(const Json& attack) {
  std::vector<IpAddress> out;
  if (const auto it = attack.find("top_sources"); it != attack.end() && it->is_array()) {
    for (const Json& s : *it) {
      const std::string text = s.is_object() ? s.value("address", "") : "";
      if (auto address = IpAddress::Parse(text)) {
        out.push_back(*address);
      }
    }
  }
  return out;
}

//! The report's attack record back into the fields FlowSpec is built from.
AttackRecord AttackFromJson(const Json& a) {
  AttackRecord r;
  r.target = a.value("target", "");
  r.direction =
      a.value("direction", "incoming") == "incoming" ? Direction::kIncoming : Direction::kOutgoing;
  r.packets = a.value("packets", uint64_t{0});
  if (const auto it = a.find("vectors"); it != a.end() && it->is_array()) {
    for (const Json& v : *it) {
      if (const auto vector = VectorFromName(v.value("name", ""))) {
        r.vectors.push_back({*vector, v.value("service", ""), v.value("packets", uint64_t{0})});
      }
    }
  }
  const auto ports = [&a](const char* field, std::vector<Counted<uint16_t>>& out) {
    if (const auto it = a.find(field); it != a.end() && it->is_array()) {
      for (const Json& p : *it) {
        out.push_back({p.value("port", uint16_t{0}), p.value("packets", uint64_t{0})});
      }
    }
  };
  ports("top_source_ports", r.top_source_ports);
  ports("top_destination_ports", r.top_destination_ports);
  if (const auto it = a.find("size"); it != a.end() && it->is_object()) {
    r.size_min = it->value("min", 0u);
    r.size_max = it->value("max", 0u);
  }
  return r;
}

}  // namespace

BanManager::BanManager(const MitigationSettings& settings, const Config& config,
                       std::vector<std::unique_ptr<Backend>> backends)
    : settings_(settings), hostgroups_(config.hostgroups), backends_(std::move(backends)) {
  for (const Prefix& p : settings.whitelist) {
    whitelist_.Insert(p, true);
  }
  for (const Prefix& p : config.whitelist_local) {
    whitelist_.Insert(p, true);
  }
}

std::vector<std::string> BanManager::ActionsFor(const std::string& policy,
                                                const std::string& vector) const {
  for (const MitigationRule& rule : settings_.rules) {
    const bool group = rule.hostgroup == policy;
    const bool vector_matches =
        rule.vectors.empty() ||
        std::find(rule.vectors.begin(), rule.vectors.end(), vector) != rule.vectors.end();
    if (group && vector_matches) {
      return rule.actions;
    }
  }
  if (settings_.rules.empty()) {
    return {std::string(kDefaultAction)};
  }
  return {};
}

std::string BanManager::Refusal(const std::string& target) const {
  const auto prefix = TargetPrefix(target);
  if (!prefix) {
    return fmt::format("{} is not an address or prefix", target);
  }
  // Whitelisted if the target lies in a whitelisted prefix, or covers one (a prefix ban would
  // take the whitelisted address down with it).
  if (whitelist_.Lookup(prefix->address) != nullptr) {
    return fmt::format("{} is whitelisted", target);
  }
  for (const Prefix& w : settings_.whitelist) {
    if (prefix->Contains(w.address)) {
      return fmt::format("{} covers whitelisted {}", target, w.ToString());
    }
  }
  if (bans_.size() >= settings_.max_bans) {
    return fmt::format("{} bans are active, the most max_bans allows", bans_.size());
  }
  return "";
}

std::vector<Announcement> BanManager::Plan(uint64_t id, const Prefix& target,
                                           const std::vector<std::string>& actions,
                                           const Json& attack) const {
  std::vector<Announcement> out;
  for (const std::string& name : actions) {
    const auto kind = ActionFromName(name);
    if (!kind) {
      continue;
    }
    Announcement a;
    a.key = fmt::format("ban-{}-{}", id, name);
    a.kind = *kind;
    a.prefix = target;
    a.communities = settings_.communities;
    a.next_hop =
        target.address.family == IpFamily::kV4 ? settings_.next_hop : settings_.next_hop_v6;
    if (*kind == ActionKind::kFlowspec) {
      FlowspecOptions options;
      options.min_coverage = settings_.flowspec_min_coverage;
      options.rate_limit = settings_.flowspec_rate_limit;
      options.rate_bps = settings_.flowspec_rate_bps;
      a.flowspec = BuildFlowspec(AttackFromJson(attack), options);
      if (!a.flowspec) {
        continue;  // not a target FlowSpec can name
      }
    } else if (*kind == ActionKind::kNftDrop) {
      a.addresses = Sources(attack);
      if (a.addresses.empty()) {
        continue;
      }
    } else if (*kind == ActionKind::kNftQuarantine) {
      a.addresses = {target.address};
    }
    out.push_back(std::move(a));
  }
  return out;
}

std::vector<std::string> BanManager::Apply(const std::vector<Announcement>& announcements,
                                           bool announce) {
  std::vector<std::string> errors;
  for (const Announcement& a : announcements) {
    if (settings_.dry_run) {
      spdlog::info("dry-run: would {} {}", announce ? "announce" : "withdraw", a.ToText());
      continue;
    }
    bool carried = false;
    for (auto& backend : backends_) {
      if (!backend->Supports(a.kind)) {
        continue;
      }
      carried = true;
      std::string error;
      const bool ok = announce ? backend->Announce(a, &error) : backend->Withdraw(a, &error);
      if (ok) {
        spdlog::info("{} {}: {}", backend->name(), announce ? "announced" : "withdrew", a.ToText());
      } else {
        errors.push_back(fmt::format("{}: {}", backend->name(), error));
        spdlog::error("{} could not {} {}: {}", backend->name(), announce ? "announce" : "withdraw",
                      a.ToText(), error);
      }
    }
    if (!carried) {
      errors.push_back(fmt::format("no backend carries {}", ActionName(a.kind)));
    }
  }
  return errors;
}

Json BanManager::Record(const Ban& ban, const std::string& state) const {
  Json announcements = Json::array();
  for (const Announcement& a : ban.announcements) {
    Json entry = {{"action", ActionName(a.kind)}, {"text", a.ToText()}};
    if (a.flowspec) {
      entry["coverage"] = a.flowspec->coverage;
    }
    announcements.push_back(std::move(entry));
  }
  return Json{{"id", ban.id},
              {"state", state},
              {"target", ban.target},
              {"origin", ban.origin},
              {"attack_uid", ban.attack_uid},
              {"vector", ban.vector},
              {"actions", ban.actions},
              {"announcements", announcements},
              {"dry_run", settings_.dry_run},
              {"reason", ban.reason},
              {"created", FormatIso8601(ban.created)},
              {"expires", FormatIso8601(ban.expires)},
              {"created_ns", ban.created},
              {"expires_ns", ban.expires},
              {"attack", ban.attack}};
}

void BanManager::Emit(const Ban& ban, const std::string& state, TimestampNs now,
                      const std::vector<std::string>& errors) {
  Json record = Record(ban, state);
  if (!errors.empty()) {
    record["errors"] = errors;
  }
  events_.push_back(
      Json{{"timestamp", FormatIso8601(now)}, {"event_type", "ban"}, {"ban", record}});
  if (state == "active" || state == "withdrawn") {
    notices_.push_back({state == "active" ? "ban" : "unban", record});
  }
}

void BanManager::OnAttack(const Json& attack, TimestampNs now) {
  const std::string uid = attack.value("uid", "");
  const std::string state = attack.value("state", "");
  if (state == "end") {
    if (const auto it = by_attack_.find(uid); it != by_attack_.end()) {
      const auto ban = bans_.find(it->second);
      if (ban != bans_.end()) {
        ban->second.quiet_since = now;
      }
    }
    return;
  }
  if (state != "start" || by_attack_.count(uid) != 0) {
    return;
  }
  const std::string target = attack.value("target", "");
  std::string vector;
  if (const auto it = attack.find("vectors"); it != attack.end() && !it->empty()) {
    vector = (*it)[0].value("name", "");
  }
  const std::vector<std::string> actions = ActionsFor(attack.value("policy", "default"), vector);
  if (actions.empty() || attack.value("direction", "incoming") != "incoming") {
    return;  // no rule asks for an action (outgoing floods are the device's, see quarantine)
  }
  if (const auto existing = by_target_.find(target);
      existing != by_target_.end() && bans_.count(existing->second) != 0) {
    // The target is banned already (another vector, or by hand): this attack keeps it banned.
    by_attack_[uid] = existing->second;
    bans_[existing->second].quiet_since = 0;
    return;
  }
  Ban ban;
  ban.target = target;
  ban.origin = "attack";
  ban.attack_uid = uid;
  ban.vector = vector;
  ban.actions = actions;
  ban.created = now;
  ban.expires = now + static_cast<TimestampNs>(settings_.ban_time_s * 1e9);
  ban.reason = fmt::format("attack {} ({}) on {}", uid, vector, target);
  const std::string refusal = Refusal(target);
  if (!refusal.empty()) {
    ban.reason += "; refused: " + refusal;
    spdlog::warn("ban of {} refused: {}", target, refusal);
    Emit(ban, "refused", now);
    return;
  }
  ban.id = next_id_++;
  // What a restart needs to plan the same announcements again (FlowSpec, nft sources).
  ban.attack = {{"target", target},
                {"direction", attack.value("direction", "incoming")},
                {"packets", attack.value("packets", uint64_t{0})},
                {"peak_pps", attack.value("peak_pps", 0.0)},
                {"vectors", attack.value("vectors", Json::array())},
                {"top_sources", attack.value("top_sources", Json::array())},
                {"top_source_ports", attack.value("top_source_ports", Json::array())},
                {"top_destination_ports", attack.value("top_destination_ports", Json::array())},
                {"size", attack.value("size", Json::object())}};
  ban.announcements = Plan(ban.id, *TargetPrefix(target), actions, ban.attack);
  const std::vector<std::string> errors = Apply(ban.announcements, true);
  Emit(ban, "active", now, errors);
  by_attack_[uid] = ban.id;
  by_target_[target] = ban.id;
  bans_[ban.id] = std::move(ban);
}

void BanManager::OnInfectedDevice(const Json& device, TimestampNs now) {
  const std::string address = device.value("address", "");
  const std::vector<std::string> actions = ActionsFor("devices", "");
  const bool quarantine =
      std::find(actions.begin(), actions.end(), "nft_quarantine") != actions.end();
  if (!quarantine || address.empty() || by_target_.count(address) != 0 ||
      refused_devices_.count(address) != 0) {
    return;
  }
  Ban ban;
  ban.target = address;
  ban.origin = "device";
  ban.actions = {"nft_quarantine"};
  ban.created = now;
  ban.expires = now + static_cast<TimestampNs>(settings_.ban_time_s * 1e9);
  ban.quiet_since = now;  // nothing to wait for but the ban time
  ban.reason = fmt::format("infected device {} (score {})", address, device.value("score", 0));
  const std::string refusal = Refusal(address);
  if (!refusal.empty()) {
    ban.reason += "; refused: " + refusal;
    Emit(ban, "refused", now);
    refused_devices_.insert(address);  // refused once is enough: not again every update
    return;
  }
  ban.id = next_id_++;
  ban.announcements = Plan(ban.id, *TargetPrefix(address), ban.actions, device);
  const std::vector<std::string> errors = Apply(ban.announcements, true);
  Emit(ban, "active", now, errors);
  by_target_[address] = ban.id;
  bans_[ban.id] = std::move(ban);
}

void BanManager::Lift(std::map<uint64_t, Ban>::iterator it, const std::string& why,
                      TimestampNs now) {
  Ban ban = std::move(it->second);
  bans_.erase(it);
  const std::vector<std::string> errors = Apply(ban.announcements, false);
  ban.reason += "; lifted: " + why;
  Emit(ban, "withdrawn", now, errors);
  by_target_.erase(ban.target);
  for (auto a = by_attack_.begin(); a != by_attack_.end();) {
    a = a->second == ban.id ? by_attack_.erase(a) : std::next(a);
  }
}

void BanManager::Tick(TimestampNs now) {
  const auto quiet_ns = static_cast<TimestampNs>(settings_.unban_quiet_s * 1e9);
  for (auto it = bans_.begin(); it != bans_.end();) {
    const Ban& ban = it->second;
    const bool expired = now >= ban.expires;
    const bool quiet = ban.quiet_since != 0 && now - ban.quiet_since >= quiet_ns;
    auto next = std::next(it);
    if (expired && (quiet || ban.origin == "manual")) {
      Lift(it, ban.origin == "manual" ? "ban time over" : "ban time over and attack quiet", now);
    }
    it = next;
  }
}

void BanManager::Restore(const std::vector<Json>& active, TimestampNs now) {
  for (const Json& record : active) {
    Ban ban;
    ban.id = record.value("id", uint64_t{0});
    ban.target = record.value("target", "");
    ban.origin = record.value("origin", "restored");
    ban.attack_uid = record.value("attack_uid", "");
    ban.vector = record.value("vector", "");
    ban.reason = record.value("reason", "");
    ban.actions = record.value("actions", std::vector<std::string>{});
    ban.created = record.value("created_ns", TimestampNs{0});
    ban.expires = record.value("expires_ns", TimestampNs{0});
    ban.quiet_since = now;  // its attack's state was lost with the restart: count from now
    next_id_ = std::max(next_id_, ban.id + 1);
    const auto prefix = TargetPrefix(ban.target);
    if (ban.id == 0 || !prefix) {
      continue;
    }
    ban.attack = record.value("attack", Json::object());
    ban.announcements = Plan(ban.id, *prefix, ban.actions, ban.attack);
    if (now >= ban.expires) {
      const std::vector<std::string> errors = Apply(ban.announcements, false);
      ban.reason += "; lifted: expired while rampart was down";
      Emit(ban, "withdrawn", now, errors);
      continue;
    }
    const std::vector<std::string> errors = Apply(ban.announcements, true);
    ban.reason += "; restored after a restart";
    Emit(ban, "active", now, errors);
    by_target_[ban.target] = ban.id;
    bans_[ban.id] = std::move(ban);
  }
}

Json BanManager::Add(const std::string& target, const std::vector<std::string>& actions,
                     double ban_time_s, const std::string& reason, TimestampNs now) {
  const auto prefix = TargetPrefix(target);
  if (!prefix) {
    return Json{{"error", fmt::format("{} is not an address or prefix", target)}};
  }
  for (const std::string& name : actions) {
    if (!ActionFromName(name)) {
      return Json{{"error", fmt::format("{} is not an action", name)}};
    }
  }
  if (const auto existing = by_target_.find(TargetText(*prefix)); existing != by_target_.end()) {
    return Json{{"error", fmt::format("{} is banned already (ban {})", target, existing->second)}};
  }
  Ban ban;
  ban.target = TargetText(*prefix);
  ban.origin = "manual";
  ban.actions = actions.empty() ? std::vector<std::string>{std::string(kDefaultAction)} : actions;
  ban.created = now;
  ban.expires =
      now + static_cast<TimestampNs>((ban_time_s > 0 ? ban_time_s : settings_.ban_time_s) * 1e9);
  ban.reason = reason.empty() ? "by hand" : "by hand: " + reason;
  const std::string refusal = Refusal(ban.target);
  if (!refusal.empty()) {
    ban.reason += "; refused: " + refusal;
    Emit(ban, "refused", now);
    return Json{{"error", refusal}};
  }
  ban.id = next_id_++;
  ban.announcements = Plan(ban.id, *prefix, ban.actions, Json::object());
  const std::vector<std::string> errors = Apply(ban.announcements, true);
  Emit(ban, "active", now, errors);
  Json out = Record(ban, "active");
  if (!errors.empty()) {
    out["errors"] = errors;
  }
  by_target_[ban.target] = ban.id;
  bans_[ban.id] = std::move(ban);
  return out;
}

Json BanManager::Remove(uint64_t id, TimestampNs now) {
  const auto it = bans_.find(id);
  if (it == bans_.end()) {
    return Json{{"error", fmt::format("no active ban {}", id)}};
  }
  Json out = Record(it->second, "withdrawn");
  Lift(it, "removed by hand", now);
  return out;
}

Json BanManager::List() const {
  Json out = Json::array();
  for (const auto& [id, ban] : bans_) {
    out.push_back(Record(ban, "active"));
  }
  return out;
}

std::vector<Json> BanManager::TakeEvents() {
  std::vector<Json> out = std::move(events_);
  events_.clear();
  return out;
}

std::vector<BanNotice> BanManager::TakeNotices() {
  std::vector<BanNotice> out = std::move(notices_);
  notices_.clear();
  return out;
}

}  // namespace rampart::mitigate
