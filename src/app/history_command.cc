#include "app/history_command.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <string_view>
#include <vector>

#include "app/analyze_command.h"
#include "history/history_db.h"
#include "output/eve_log.h"

namespace rampart {
namespace {
using Json = nlohmann::ordered_json;

constexpr std::string_view kFindingKinds[] = {"scan", "brute_force", "default_credentials",
                                              "dns_attack", "infected_device"};

//! A field as table text: strings as they are, null or absent as "-", the rest as JSON.
std::string Text(const Json& object, const char* field) {
  const auto it = object.find(field);
  if (it == object.end() || it->is_null()) {
    return "-";
  }
  return it->is_string() ? it->get<std::string>() : it->dump();
}

//! "2026-11-24T10:00:01.123456Z" as "2026-11-24 10:00:01": a table has no room for fractions.
std::string Time(const Json& object, const char* field) {
  std::string text = Text(object, field);
  if (text.size() >= 19 && text[10] == 'T') {
    text = text.substr(0, 10) + " " + text.substr(11, 8);
  }
  return text;
}

//! A rate with an SI prefix: 1234567 → "1.2M".
std::string Rate(const Json& object, const char* field) {
  const auto it = object.find(field);
  if (it == object.end() || !it->is_number()) {
    return "-";
  }
  const double value = it->get<double>();
  constexpr const char* kPrefixes[] = {"", "k", "M", "G", "T"};
  double scaled = value;
  size_t prefix = 0;
  while (scaled >= 1000 && prefix + 1 < std::size(kPrefixes)) {
    scaled /= 1000;
    ++prefix;
  }
  return prefix == 0 ? fmt::format("{:.0f}", scaled)
                     : fmt::format("{:.1f}{}", scaled, kPrefixes[prefix]);
}

//! Prints rows as aligned columns; the columns listed in `right` are right-aligned (numbers).
void PrintTable(const std::vector<std::string>& header,
                const std::vector<std::vector<std::string>>& rows,
                const std::vector<size_t>& right) {
  std::vector<size_t> widths(header.size());
  for (size_t c = 0; c < header.size(); ++c) {
    widths[c] = header[c].size();
    for (const auto& row : rows) {
      widths[c] = std::max(widths[c], row[c].size());
    }
  }
  const auto print_row = [&](const std::vector<std::string>& row) {
    std::string line;
    for (size_t c = 0; c < row.size(); ++c) {
      const bool align_right = std::find(right.begin(), right.end(), c) != right.end();
      line += align_right ? fmt::format("{:>{}}", row[c], widths[c])
                          : fmt::format("{:<{}}", row[c], widths[c]);
      line += c + 1 < row.size() ? "  " : "";
    }
    line.erase(line.find_last_not_of(' ') + 1);
    fmt::print("{}\n", line);
  };
  print_row(header);
  for (const auto& row : rows) {
    print_row(row);
  }
}

std::string FirstVector(const Json& attack) {
  const auto it = attack.find("vectors");
  if (it == attack.end() || !it->is_array() || it->empty() || !it->front().is_object()) {
    return "-";
  }
  const Json& vector = it->front();
  std::string name = vector.contains("vector") ? Text(vector, "vector") : Text(vector, "name");
  if (vector.contains("service") && vector["service"].is_string()) {
    name += "/" + vector["service"].get<std::string>();
  }
  return it->size() > 1 ? fmt::format("{} (+{})", name, it->size() - 1) : name;
}

void PrintAttacks(const std::vector<Json>& attacks) {
  std::vector<std::vector<std::string>> rows;
  for (const Json& a : attacks) {
    rows.push_back({Text(a, "id"), Text(a, "state"), Text(a, "target"), Text(a, "direction"),
                    FirstVector(a), Time(a, "start"), Time(a, "end"), Rate(a, "peak_pps"),
                    Rate(a, "peak_bps"), Text(a, "packets")});
  }
  PrintTable({"id", "state", "target", "direction", "vector", "start", "end", "peak pps",
              "peak bps", "packets"},
             rows, {0, 7, 8, 9});
}

//! The one field that tells findings of a kind apart at a glance.
std::string FindingDetail(const Json& finding) {
  const Json& record = finding["record"];
  if (!record.is_object()) {
    return "-";
  }
  const std::string kind = Text(finding, "kind");
  if (kind == "scan" || kind == "dns_attack") {
    return Text(record, "kind");
  }
  if (kind == "brute_force") {
    return Text(record, "service");
  }
  if (kind == "default_credentials") {
    return Text(record, "service") + " " + Text(record, "user");
  }
  if (kind == "infected_device") {
    return "score " + Text(record, "score");
  }
  return "-";
}

void PrintFindings(const std::vector<Json>& findings) {
  std::vector<std::vector<std::string>> rows;
  for (const Json& f : findings) {
    rows.push_back({Text(f, "kind"), Text(f, "subject"), FindingDetail(f), Time(f, "first_seen"),
                    Time(f, "last_seen"), Text(f, "updates")});
  }
  PrintTable({"kind", "subject", "detail", "first seen", "last seen", "updates"}, rows, {5});
}

void PrintEvents(const std::vector<Json>& events) {
  std::vector<std::vector<std::string>> rows;
  for (const Json& e : events) {
    const std::string type = Text(e, "event_type");
    const Json record = e.contains(type) ? e[type] : Json();
    rows.push_back({Text(e, "timestamp"), type,
                    record.is_object() && record.contains("state") ? Text(record, "state") : "-",
                    type == "stats" ? "-" : EveEventKey(e)});
  }
  PrintTable({"timestamp", "event type", "state", "about"}, rows, {});
}

}  // namespace

int RunHistory(const HistoryOptions& options) {
  std::string kind = options.findings_kind;
  if (options.view == HistoryOptions::View::kFindings) {
    if (kind == "all") {
      kind.clear();
    } else if (std::find(std::begin(kFindingKinds), std::end(kFindingKinds), kind) ==
               std::end(kFindingKinds)) {
      fmt::print(stderr,
                 "rampart history: --findings takes scan, brute_force, default_credentials, "
                 "dns_attack, infected_device or all, not '{}'\n",
                 kind);
      return exit_code::kUsage;
    }
  }
  std::string error;
  const auto db = history::HistoryDb::OpenReadOnly(options.db_path, &error);
  if (!db) {
    fmt::print(stderr, "rampart history: {}\n", error);
    return exit_code::kUsage;
  }
  std::vector<Json> rows;
  switch (options.view) {
    case HistoryOptions::View::kAttacks:
      rows = db->Attacks(options.limit);
      break;
    case HistoryOptions::View::kFindings:
      rows = db->Findings(kind, options.limit);
      break;
    case HistoryOptions::View::kEvents:
      rows = db->Events(options.since, options.limit);
      break;
  }
  if (options.json) {
    for (const Json& row : rows) {
      fmt::print("{}\n", row.dump(-1, ' ', false, Json::error_handler_t::replace));
    }
    return exit_code::kOk;
  }
  switch (options.view) {
    case HistoryOptions::View::kAttacks:
      PrintAttacks(rows);
      break;
    case HistoryOptions::View::kFindings:
      PrintFindings(rows);
      break;
    case HistoryOptions::View::kEvents:
      PrintEvents(rows);
      break;
  }
  return exit_code::kOk;
}

}  // namespace rampart
