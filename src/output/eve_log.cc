#include "output/eve_log.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>

namespace rampart {
namespace {
using Json = nlohmann::ordered_json;

Json Event(const Json& timestamp, const char* type, const Json& body) {
  return Json{{"timestamp", timestamp}, {"event_type", type}, {type, body}};
}

//! The record's own time field, or the capture's end when it has none.
Json TimeOf(const Json& record, const char* field, const Json& fallback) {
  const auto it = record.find(field);
  return it != record.end() && it->is_string() ? *it : fallback;
}

//! A field as text: strings as they are, numbers and the rest as JSON.
std::string Field(const Json& body, const char* name) {
  const auto it = body.find(name);
  if (it == body.end()) {
    return "";
  }
  return it->is_string() ? it->get<std::string>() : it->dump();
}

}  // namespace

std::string EveEventKey(const Json& event) {
  const std::string type = event.value("event_type", "");
  const auto body_it = event.find(type);
  if (type.empty() || body_it == event.end()) {
    return "";
  }
  return EveRecordKey(type, *body_it);
}

std::string EveRecordKey(std::string_view type, const Json& b) {
  if (!b.is_object()) {
    return "";
  }
  if (type == "attack") {
    return "attack/" + (b.contains("uid") ? Field(b, "uid") : Field(b, "id"));
  }
  if (type == "scan") {
    return "scan/" + Field(b, "scanner") + "/" + Field(b, "kind");
  }
  if (type == "brute_force") {
    return "brute_force/" + Field(b, "source") + "/" + Field(b, "service");
  }
  if (type == "default_credentials") {
    return "default_credentials/" + Field(b, "device") + "/" + Field(b, "service") + "/" +
           Field(b, "port") + "/" + Field(b, "user");
  }
  if (type == "dns_attack") {
    return "dns_attack/" + Field(b, "kind") + "/" + Field(b, "zone") + "/" + Field(b, "start");
  }
  if (type == "infected_device") {
    return "infected_device/" + Field(b, "address");
  }
  if (type == "ban") {
    return "ban/" + Field(b, "id");
  }
  return "";
}

std::vector<Json> EveEvents(const Json& report) {
  std::vector<Json> events;
  const Json& capture = report.at("capture");
  const Json end = capture.contains("last_timestamp") ? capture.at("last_timestamp") : Json();
  for (const Json& attack : report.at("attacks")) {
    Json start = attack;
    start["state"] = "start";
    events.push_back(Event(TimeOf(attack, "detected_at", end), "attack", start));
    if (!attack.value("ongoing", false)) {
      Json over = attack;
      over["state"] = "end";
      events.push_back(Event(TimeOf(attack, "end", end), "attack", over));
    }
  }
  const struct {
    const char* array;
    const char* event;
    const char* time;
  } kinds[] = {{"scans", "scan", "first_seen"},
               {"brute_force", "brute_force", "first_seen"},
               {"default_credentials", "default_credentials", "first_seen"},
               {"dns_attacks", "dns_attack", "start"},
               {"infected_devices", "infected_device", "last_seen"}};
  for (const auto& kind : kinds) {
    if (!report.contains(kind.array)) {
      continue;
    }
    for (const Json& record : report.at(kind.array)) {
      events.push_back(Event(TimeOf(record, kind.time, end), kind.event, record));
    }
  }
  // ISO 8601 with a fixed width sorts as text; a stable sort keeps an attack's start first.
  std::stable_sort(events.begin(), events.end(), [](const Json& a, const Json& b) {
    const std::string ta = a["timestamp"].is_string() ? a["timestamp"].get<std::string>() : "";
    const std::string tb = b["timestamp"].is_string() ? b["timestamp"].get<std::string>() : "";
    return ta < tb;
  });
  Json stats = capture;
  stats.erase("files");
  events.push_back(Event(end, "stats", stats));
  return events;
}

bool WriteEve(const Json& report, const std::string& path, std::string* error) {
  std::ofstream out(path, std::ios::trunc);
  if (!out) {
    *error = path + ": " + std::strerror(errno);
    return false;
  }
  for (const Json& event : EveEvents(report)) {
    out << event.dump() << '\n';
  }
  out.flush();
  if (!out) {
    *error = path + ": write failed";
    return false;
  }
  return true;
}

}  // namespace rampart
