#pragma once
// Shared by the configuration parser's sections: the key lists, value readers with units, and
// error reporting with line, column and suggestions. Internal to the config module.
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <exception>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "config/config.h"
#include "config/yaml_input.h"

namespace rampart::config_internal {

using KeyList = std::span<const std::string_view>;

inline constexpr std::string_view kTopKeys[] = {
    "networks", "whitelist", "detection", "thresholds", "hostgroups", "iot", "dns"};
inline constexpr std::string_view kDnsKeys[] = {"enabled",
                                                "window",
                                                "min_qps",
                                                "min_names",
                                                "max_queries_per_name",
                                                "min_new_share",
                                                "min_failure_ratio",
                                                "min_responses",
                                                "min_random_share",
                                                "no_response_factor",
                                                "max_zones",
                                                "exclude_suffixes",
                                                "zones"};
inline constexpr std::string_view kDnsZoneKeys[] = {"zone", "min_qps", "ignore"};
inline constexpr std::string_view kIotKeys[] = {"enabled",
                                                "scans",
                                                "brute_force",
                                                "ports",
                                                "sessions",
                                                "default_credentials",
                                                "default_credentials_file",
                                                "local_resolvers"};
inline constexpr std::string_view kIotScanKeys[] = {"min_targets", "min_ports", "window",
                                                    "mirai_min_probes", "ping_sweep_min_targets"};
inline constexpr std::string_view kIotBruteKeys[] = {"min_failures", "min_sessions", "window"};
inline constexpr std::string_view kIotPortKeys[] = {"telnet", "ftp",  "http",
                                                    "pop3",   "imap", "encrypted"};
inline constexpr std::string_view kIotSessionKeys[] = {"max", "bytes"};
inline constexpr std::string_view kCredentialKeys[] = {"user", "password"};
inline constexpr std::string_view kWhitelistKeys[] = {"local", "remote"};
inline constexpr std::string_view kDetectionKeys[] = {"hold", "quiet", "prefix_length",
                                                      "prefix_thresholds", "baseline"};
inline constexpr std::string_view kPrefixLengthKeys[] = {"ipv4", "ipv6"};
inline constexpr std::string_view kBaselineKeys[] = {"enabled", "alpha", "warmup", "floor",
                                                     "sigmas"};
inline constexpr std::string_view kDirectionKeys[] = {"incoming", "outgoing"};
inline constexpr std::string_view kThresholdKeys[] = {
    "pps", "bps", "flows", "tcp", "udp", "icmp", "gre", "syn", "fragments", "vectors"};
inline constexpr std::string_view kHostgroupKeys[] = {"name",     "prefixes", "hold",    "quiet",
                                                      "baseline", "incoming", "outgoing"};

inline constexpr double kMaxHoldSeconds =
    86'400;  // the detector counts hold and quiet in uint32 seconds

enum class RateKind : uint8_t { kPackets, kBits, kFlows };

struct RateSpec {
  std::string_view what;     // "a packet rate"
  std::string_view units;    // as listed in messages
  std::string_view example;  // "100k pps"
  std::array<std::string_view, 2> accepted;
};

inline const RateSpec& Spec(RateKind kind) {
  static const RateSpec kPackets{"a packet rate", "pps", "100k pps", {"pps", "pps"}};
  static const RateSpec kBits{"a bit rate", "bps, kbps, Mbps, Gbps", "1 Gbps", {"bps", "bps"}};
  static const RateSpec kFlows{"a flow rate", "flows/s, fps", "20k flows/s", {"flows/s", "fps"}};
  switch (kind) {
    case RateKind::kBits:
      return kBits;
    case RateKind::kFlows:
      return kFlows;
    case RateKind::kPackets:
      break;
  }
  return kPackets;
}

struct ThresholdKey {
  std::string_view name;
  RateKind kind;
  double Thresholds::*field;
};
inline constexpr ThresholdKey kThresholdFields[] = {
    {"pps", RateKind::kPackets, &Thresholds::pps},
    {"bps", RateKind::kBits, &Thresholds::bps},
    {"flows", RateKind::kFlows, &Thresholds::flows_per_s},
    {"tcp", RateKind::kPackets, &Thresholds::tcp_pps},
    {"udp", RateKind::kPackets, &Thresholds::udp_pps},
    {"icmp", RateKind::kPackets, &Thresholds::icmp_pps},
    {"gre", RateKind::kPackets, &Thresholds::gre_pps},
    {"syn", RateKind::kPackets, &Thresholds::syn_pps},
    {"fragments", RateKind::kPackets, &Thresholds::fragment_pps},
};

inline KeyList VectorKeys() {
  static const std::array<std::string_view, kVectorCount> kNames = [] {
    std::array<std::string_view, kVectorCount> names{};
    for (size_t i = 0; i < kVectorCount; ++i) {
      names[i] = VectorName(static_cast<Vector>(i));
    }
    return names;
  }();
  return kNames;
}

//! Where each key may appear: points a misplaced key to its section.
struct Section {
  std::string_view label;
  KeyList keys;
};
inline std::span<const Section> Sections() {
  static const Section kSections[] = {
      {"the top level", kTopKeys},
      {"whitelist", kWhitelistKeys},
      {"detection", kDetectionKeys},
      {"detection.prefix_length", kPrefixLengthKeys},
      {"detection.baseline", kBaselineKeys},
      {"thresholds", kDirectionKeys},
      {"a threshold map (thresholds.incoming, thresholds.outgoing, "
       "detection.prefix_thresholds, a hostgroup's incoming or outgoing)",
       kThresholdKeys},
      {"a hostgroup", kHostgroupKeys},
      {"vectors", VectorKeys()},
      {"iot", kIotKeys},
      {"iot.scans", kIotScanKeys},
      {"iot.brute_force", kIotBruteKeys},
      {"iot.ports", kIotPortKeys},
      {"iot.sessions", kIotSessionKeys},
      {"an iot.default_credentials entry", kCredentialKeys},
      {"dns", kDnsKeys},
      {"a dns.zones entry", kDnsZoneKeys},
  };
  return kSections;
}

inline std::string Lower(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return lower;
}

//! Optimal string alignment distance (a transposition counts as one edit), ignoring case.
inline size_t EditDistance(std::string_view a_text, std::string_view b_text) {
  const std::string a = Lower(a_text);
  const std::string b = Lower(b_text);
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) {
    d[i][0] = i;
  }
  for (size_t j = 0; j <= b.size(); ++j) {
    d[0][j] = j;
  }
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

//! The known key nearest to `word`, when one is within two edits.
inline std::optional<std::string_view> Closest(std::string_view word, KeyList keys) {
  constexpr size_t kMaxDistance = 2;
  if (word.size() > 64) {
    return std::nullopt;
  }
  std::optional<std::string_view> best;
  size_t best_distance = kMaxDistance + 1;
  for (const std::string_view key : keys) {
    const size_t distance = EditDistance(word, key);
    if (distance < best_distance) {
      best = key;
      best_distance = distance;
    }
  }
  return best;
}

inline std::string Join(KeyList keys) {
  return fmt::format("{}", fmt::join(keys, ", "));
}

//! User text for a message: the first line, cut at 60 characters.
inline std::string Quote(std::string_view text) {
  constexpr size_t kMax = 60;
  const size_t newline = text.find('\n');
  const bool cut = newline != std::string_view::npos || text.size() > kMax;
  text = text.substr(0, std::min(newline, kMax));
  return fmt::format("'{}{}'", text, cut ? "..." : "");
}

inline std::string Describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a map";
    case YAML::NodeType::Scalar:
      return Quote(node.Scalar());
    default:
      return "nothing";
  }
}

inline std::string_view Trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())) != 0) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())) != 0) {
    text.remove_suffix(1);
  }
  return text;
}

struct LeadingNumber {
  double value = 0;
  std::string_view rest;  // what follows the number, leading spaces skipped
};
//! The finite decimal number `text` starts with; nullopt when it does not start with one.
inline std::optional<LeadingNumber> ReadNumber(std::string_view text) {
  LeadingNumber number;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number.value);
  if (ec != std::errc() || !std::isfinite(number.value)) {
    return std::nullopt;
  }
  number.rest = text.substr(static_cast<size_t>(end - text.data()));
  if (!number.rest.empty() && (number.rest.front() == '.' ||
                               std::isdigit(static_cast<unsigned char>(number.rest.front())))) {
    return std::nullopt;  // "1.2.3"
  }
  number.rest = Trim(number.rest);
  return number;
}

//! The smaller prefix lies inside the larger one (or they are equal).
inline bool Overlap(const Prefix& a, const Prefix& b) {
  const Prefix& wide = a.length <= b.length ? a : b;
  const Prefix& narrow = a.length <= b.length ? b : a;
  return wide.Contains(narrow.address);
}

//! A key and its value, as met in a map (or a list entry, which is its own key).
struct Field {
  std::string name;
  YAML::Node key;
  YAML::Node value;
};

struct PrefixAt {
  Prefix prefix;
  YAML::Mark mark;
};

//! Reads values and reports errors; each section parser builds on it.
class ParserBase;
//! The `iot` section (config_parser_iot.cc).
void ParseIotSection(ParserBase& parser, const Field& section, IotSettings& iot);
//! The `dns` section (config_parser_dns.cc).
void ParseDnsSection(ParserBase& parser, const Field& section, DnsSettings& dns);

class ParserBase {
 public:
  explicit ParserBase(std::vector<ConfigError>* errors) : errors_(errors) {}

  void Error(const YAML::Mark& mark, std::string message) {
    errors_->push_back(ErrorAt(mark, std::move(message)));
  }
  //! At the value; at the key when there is no value (a null's mark is where the next token is).
  void Error(const Field& f, std::string message) {
    const bool at_key = f.value.IsNull() || f.value.Mark().is_null();
    Error(at_key ? f.key.Mark() : f.value.Mark(), std::move(message));
  }

  std::string UnknownKey(std::string_view name, std::string_view path, KeyList keys,
                         bool is_vector) {
    const std::string where = path.empty() ? "at the top level" : fmt::format("in {}", path);
    const std::string_view noun = is_vector ? "vector" : "key";
    std::string message = fmt::format("unknown {} {} {}", noun, Quote(name), where);
    if (const auto closest = Closest(name, keys)) {
      message += fmt::format(" (did you mean '{}'?)", *closest);
      if (is_vector) {
        message += fmt::format("; vectors: {}", Join(keys));
      }
      return message;
    }
    if (is_vector) {
      return message + fmt::format("; vectors: {}", Join(keys));
    }
    std::vector<std::string_view> elsewhere;
    for (const Section& section : Sections()) {
      if (section.keys.data() != keys.data() &&
          std::find(section.keys.begin(), section.keys.end(), name) != section.keys.end()) {
        elsewhere.push_back(section.label);
      }
    }
    if (!elsewhere.empty()) {
      return message + fmt::format(" ('{}' goes in {})", name, fmt::join(elsewhere, " or "));
    }
    return message + fmt::format(" (known keys: {})", Join(keys));
  }

  //! Visits the known keys of a map in file order; reports a value that is not a map, and
  //! unknown or repeated keys. No value (`detection:` alone) is an empty map.
  template <typename Visit>
  void ForEachKey(const Field& section, std::string_view path, KeyList keys, Visit&& visit,
                  bool is_vector = false) {
    const YAML::Node& node = section.value;
    if (node.IsNull()) {
      return;
    }
    if (!node.IsMap()) {
      const std::string expected = is_vector ? "of vector names to rates, e.g. {syn_flood: 10k pps}"
                                             : fmt::format("({})", Join(keys));
      Error(section,
            fmt::format("'{}' takes a map {}, not {}", section.name, expected, Describe(node)));
      return;
    }
    std::vector<std::pair<std::string, int>> seen;  // key, line
    for (const auto& entry : node) {
      // Copies: the iterator hands out temporaries.
      const YAML::Node key = entry.first;
      const YAML::Node value = entry.second;
      if (!key.IsScalar()) {
        Error(key.Mark(),
              fmt::format("keys {} are names, not {}",
                          path.empty() ? "at the top level" : fmt::format("in {}", path),
                          Describe(key)));
        continue;
      }
      const std::string& name = key.Scalar();
      if (std::find(keys.begin(), keys.end(), name) == keys.end()) {
        Error(key.Mark(), UnknownKey(name, path, keys, is_vector));
        continue;
      }
      const auto previous = std::find_if(seen.begin(), seen.end(),
                                         [&name](const auto& s) { return s.first == name; });
      if (previous != seen.end()) {
        Error(key.Mark(),
              fmt::format("'{}' appears twice {} (first at line {})", name,
                          path.empty() ? "at the top level" : fmt::format("in {}", path),
                          previous->second));
        continue;
      }
      seen.emplace_back(name, key.Mark().line + 1);
      visit(Field{name, key, value});
    }
  }

  //! The value's text; reports a missing value or one that is not a scalar.
  std::optional<std::string_view> Text(const Field& f, std::string_view expected) {
    if (f.value.IsNull()) {
      Error(f, fmt::format("'{}' has no value; it takes {}", f.name, expected));
      return std::nullopt;
    }
    if (!f.value.IsScalar()) {
      Error(f, fmt::format("'{}' takes {}, not {}", f.name, expected, Describe(f.value)));
      return std::nullopt;
    }
    return Trim(f.value.Scalar());
  }

  //! "<number>[ ][k|K|M|G]<unit>", the unit fitting `kind`.
  std::optional<double> Rate(const Field& f, RateKind kind) {
    const RateSpec& spec = Spec(kind);
    const auto text = Text(f, fmt::format("{} like '{}'", spec.what, spec.example));
    if (!text) {
      return std::nullopt;
    }
    const auto number = ReadNumber(*text);
    if (!number) {
      Error(f, fmt::format("{} is not a rate; '{}' takes a number and a unit, e.g. '{}'",
                           Quote(*text), f.name, spec.example));
      return std::nullopt;
    }
    if (number->value < 0) {
      Error(f, fmt::format("'{}' must not be negative ({})", f.name, Quote(*text)));
      return std::nullopt;
    }
    std::string_view unit = number->rest;
    double scale = 1;
    if (!unit.empty()) {
      switch (unit.front()) {
        case 'k':
        case 'K':
          scale = 1e3;
          break;
        case 'M':
          scale = 1e6;
          break;
        case 'G':
          scale = 1e9;
          break;
        default:
          break;
      }
      if (scale != 1) {
        unit = Trim(unit.substr(1));
      }
    }
    if (unit.empty()) {
      Error(f, fmt::format("threshold '{}' needs a unit, e.g. '{}'", f.name, spec.example));
      return std::nullopt;
    }
    if (std::find(spec.accepted.begin(), spec.accepted.end(), unit) == spec.accepted.end()) {
      Error(f,
            fmt::format("'{}' takes {} ({}), not {}", f.name, spec.what, spec.units, Quote(unit)));
      return std::nullopt;
    }
    return number->value * scale;
  }

  //! "<number>[ ]<ms|s|m|h>", in seconds.
  std::optional<double> Duration(const Field& f, double max_seconds = HUGE_VAL) {
    const auto text = Text(f, "a duration like '1s' or '500ms'");
    if (!text) {
      return std::nullopt;
    }
    const auto number = ReadNumber(*text);
    if (!number) {
      Error(f, fmt::format("{} is not a duration; '{}' takes a number and a unit (ms, s, m, h), "
                           "e.g. '1s'",
                           Quote(*text), f.name));
      return std::nullopt;
    }
    if (number->value < 0) {
      Error(f, fmt::format("'{}' must not be negative ({})", f.name, Quote(*text)));
      return std::nullopt;
    }
    const std::string_view unit = number->rest;
    if (unit.empty()) {
      Error(f, fmt::format("duration '{}' needs a unit, e.g. '1s' or '500ms'", f.name));
      return std::nullopt;
    }
    double scale = 0;
    if (unit == "ms") {
      scale = 1e-3;
    } else if (unit == "s") {
      scale = 1;
    } else if (unit == "m") {
      scale = 60;
    } else if (unit == "h") {
      scale = 3600;
    } else {
      Error(f, fmt::format("'{}' takes a duration (ms, s, m, h), not {}", f.name, Quote(unit)));
      return std::nullopt;
    }
    const double seconds = number->value * scale;
    if (seconds > max_seconds) {
      Error(f, fmt::format("'{}' must be at most {}h, not {}", f.name, max_seconds / 3600,
                           Quote(*text)));
      return std::nullopt;
    }
    return seconds;
  }

  std::optional<double> Number(const Field& f) {
    const auto text = Text(f, "a number");
    if (!text) {
      return std::nullopt;
    }
    const auto number = ReadNumber(*text);
    if (!number || !number->rest.empty()) {
      Error(f, fmt::format("'{}' takes a number, not {}", f.name, Quote(*text)));
      return std::nullopt;
    }
    return number->value;
  }

  std::optional<bool> Bool(const Field& f) {
    const auto text = Text(f, "true or false");
    if (!text) {
      return std::nullopt;
    }
    const std::string lower = Lower(*text);  // YAML 1.1 spellings, in any case
    if (lower == "true" || lower == "yes" || lower == "on") {
      return true;
    }
    if (lower == "false" || lower == "no" || lower == "off") {
      return false;
    }
    Error(f, fmt::format("'{}' takes true or false, not {}", f.name, Quote(*text)));
    return std::nullopt;
  }

  //! A list of prefixes; a bare address is a /32 or /128. No value is an empty list.
  std::vector<PrefixAt> Prefixes(const Field& f, size_t* entries = nullptr) {
    std::vector<PrefixAt> prefixes;
    if (entries != nullptr) {
      *entries = 0;
    }
    if (f.value.IsNull()) {
      return prefixes;
    }
    if (!f.value.IsSequence()) {
      Error(f, fmt::format("'{}' takes a list of prefixes, e.g. [198.51.100.0/24], not {}", f.name,
                           Describe(f.value)));
      return prefixes;
    }
    for (const YAML::Node& entry : f.value) {
      if (entries != nullptr) {
        ++*entries;
      }
      const YAML::Mark mark = entry.Mark().is_null() ? f.value.Mark() : entry.Mark();
      if (!entry.IsScalar()) {
        Error(mark, fmt::format("each entry of '{}' is a prefix like '198.51.100.0/24', not {}",
                                f.name, Describe(entry)));
        continue;
      }
      const std::string_view text = Trim(entry.Scalar());
      const auto prefix = Prefix::Parse(text);
      if (!prefix) {
        Error(mark, fmt::format("{} is not a valid prefix", Quote(text)));
        continue;
      }
      prefixes.push_back({*prefix, mark});
    }
    return prefixes;
  }

 protected:
  std::vector<ConfigError>* errors_;
};

}  // namespace rampart::config_internal
