#include "sensor/live_events.h"

#include <fmt/format.h>

#include "output/eve_log.h"

namespace rampart::sensor {
namespace {

using Json = nlohmann::ordered_json;

constexpr TimestampNs kForgetEndedAfterNs = 3600 * kNanosPerSecond;

Json Event(const Json& timestamp, const char* type, const Json& body) {
  return Json{{"timestamp", timestamp}, {"event_type", type}, {type, body}};
}

//! The record's own time field as the event's time, else the shard's clock.
Json TimeOf(const Json& record, const char* field, TimestampNs now) {
  const auto it = record.find(field);
  if (it != record.end() && it->is_string()) {
    return *it;
  }
  return FormatIso8601(now);
}

TimestampNs NsOf(const Json& record, const char* field) {
  const auto it = record.find(field);
  return it != record.end() && it->is_number() ? it->get<TimestampNs>() : 0;
}

}  // namespace

LiveEvents::LiveEvents(std::string run_id, double update_interval_s)
    : run_id_(std::move(run_id)),
      update_interval_ns_(static_cast<TimestampNs>(update_interval_s * 1e9)) {}

void LiveEvents::Apply(uint32_t shard, const Json& report, TimestampNs now, bool final,
                       std::vector<Json>* events, std::vector<AttackChange>* changes) {
  std::map<uint64_t, uint32_t> local_ids;  // this snapshot's ids -> the sensor's
  if (const auto it = report.find("attacks"); it != report.end()) {
    for (const Json& attack : *it) {
      const uint64_t local = attack.value("id", uint64_t{0});
      local_ids[local] = Attack(shard, attack, now, events, changes);
    }
  }
  const struct {
    const char* array;
    const char* event;
  } kinds[] = {{"scans", "scan"},
               {"brute_force", "brute_force"},
               {"default_credentials", "default_credentials"},
               {"dns_attacks", "dns_attack"},
               {"infected_devices", "infected_device"}};
  for (const auto& kind : kinds) {
    const auto it = report.find(kind.array);
    if (it == report.end()) {
      continue;
    }
    for (Json record : *it) {
      if (const auto id = record.find("attack_id"); id != record.end() && id->is_number()) {
        const auto mapped = local_ids.find(id->get<uint64_t>());
        *id = mapped != local_ids.end() ? mapped->second : 0;
      }
      Finding(kind.event, record, now, events);
    }
  }
  if (final) {
    // The shard's next analyzer numbers its attacks from 1 again.
    const std::string prefix = fmt::format("{}/", shard);
    for (auto it = attack_ids_.begin(); it != attack_ids_.end();) {
      it = it->first.rfind(prefix, 0) == 0 ? attack_ids_.erase(it) : std::next(it);
    }
  }
  Prune(now);
}

uint32_t LiveEvents::Attack(uint32_t shard, Json attack, TimestampNs now, std::vector<Json>* events,
                            std::vector<AttackChange>* changes) {
  // A detector attack keeps its id; a water torture is renumbered in every report, so it is
  // known by its target and start.
  const std::string local = attack.value("policy", "") == "dns"
                                ? fmt::format("{}/dns/{}/{}", shard, attack.value("target", ""),
                                              attack.value("start", ""))
                                : fmt::format("{}/{}", shard, attack.value("id", uint64_t{0}));
  auto [it, inserted] = attack_ids_.emplace(local, AttackId{next_id_, 0});
  if (inserted) {
    ++next_id_;
  }
  const uint32_t id = it->second.id;
  const bool running = attack.value("active", false);
  attack.erase("active");
  attack["id"] = id;
  attack["uid"] = fmt::format("{}-{}", run_id_, id);
  Seen& seen = seen_[EveRecordKey("attack", attack)];
  if (seen.ended) {
    return id;
  }
  const std::string body =
      fmt::format("{}/{}", attack.value("packets", uint64_t{0}), attack.value("peak_pps", 0.0));
  if (seen.body.empty()) {
    Json start = attack;
    start["state"] = "start";
    events->push_back(Event(TimeOf(attack, "detected_at", now), "attack", start));
    changes->push_back({"ban", start});
    seen.body = body;
    seen.emitted_at = now;
    ++active_;
  } else if (running && body != seen.body && now - seen.emitted_at >= update_interval_ns_) {
    Json update = attack;
    update["state"] = "update";
    events->push_back(Event(FormatIso8601(now), "attack", update));
    if (!seen.detailed) {
      changes->push_back({"attack_details", update});
      seen.detailed = true;
    }
    seen.body = body;
    seen.emitted_at = now;
  }
  if (!running) {
    Json end = attack;
    end["state"] = "end";
    const TimestampNs end_ns = NsOf(attack, "end_ns");
    events->push_back(Event(TimeOf(attack, "end", end_ns != 0 ? end_ns : now), "attack", end));
    changes->push_back({"unban", end});
    seen.ended = true;
    seen.emitted_at = now;
    --active_;
    it->second.ended_at = now;  // forgotten an hour later (Prune): memory stays bounded
  }
  return id;
}

void LiveEvents::Finding(const char* type, const Json& record, TimestampNs now,
                         std::vector<Json>* events) {
  const std::string key = EveRecordKey(type, record);
  if (key.empty()) {
    return;
  }
  Json stable = record;
  stable.erase("last_seen");  // moves with every packet; the counts say whether it grew
  const std::string body = stable.dump();
  Seen& seen = seen_[key];
  if (seen.body == body || (!seen.body.empty() && now - seen.emitted_at < update_interval_ns_)) {
    return;
  }
  const char* time_field = std::string_view(type) == "dns_attack" ? "start" : "first_seen";
  Json event = Event(seen.body.empty() ? TimeOf(record, time_field, now) : Json(FormatIso8601(now)),
                     type, record);
  event[type]["state"] = seen.body.empty() ? "new" : "update";
  events->push_back(std::move(event));
  seen.body = body;
  seen.emitted_at = now;
}

void LiveEvents::Prune(TimestampNs now) {
  if (now - last_prune_ < 60 * kNanosPerSecond) {
    return;
  }
  last_prune_ = now;
  // Ended attacks and quiet findings are forgotten after an hour: memory stays bounded.
  for (auto it = seen_.begin(); it != seen_.end();) {
    const bool old = now - it->second.emitted_at > kForgetEndedAfterNs;
    const bool attack = it->first.rfind("attack/", 0) == 0;
    it = old && (!attack || it->second.ended) ? seen_.erase(it) : std::next(it);
  }
  for (auto it = attack_ids_.begin(); it != attack_ids_.end();) {
    const bool old = it->second.ended_at != 0 && now - it->second.ended_at > kForgetEndedAfterNs;
    it = old ? attack_ids_.erase(it) : std::next(it);
  }
}

}  // namespace rampart::sensor
