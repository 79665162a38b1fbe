#pragma once
// EVE-style JSON lines (one event an line, as Suricata writes them): what `rampart analyze
// --eve FILE` writes, and the format the live sensor will stream (docs/report.md#eve).
#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "output/analysis_report.h"

namespace rampart {

//! The events of a finished report, in time order: `attack` (state start at detected_at, end at
//! its end), `scan`, `brute_force`, `default_credentials`, `dns_attack`, `infected_device` and a
//! closing `stats`. Each is {"timestamp", "event_type", "<event_type>": {the report's record}}.
std::vector<nlohmann::ordered_json> EveEvents(const nlohmann::ordered_json& report);

//! What one event is about, stable across its updates: "attack/<uid or id>", "scan/<scanner>/
//! <kind>", "brute_force/<source>/<service>", "default_credentials/<device>/<service>/<port>/
//! <user>", "dns_attack/<kind>/<zone>/<start>", "infected_device/<address>"; "" for stats and
//! unknown types. The live sensor diffs its snapshots by it and the history keys its rows by it.
std::string EveEventKey(const nlohmann::ordered_json& event);
//! The same key from the event's type and record, without building the event.
std::string EveRecordKey(std::string_view type, const nlohmann::ordered_json& record);

//! Writes EveEvents(report) to `path`, one per line. False with `error` when it cannot.
bool WriteEve(const nlohmann::ordered_json& report, const std::string& path, std::string* error);

}  // namespace rampart
