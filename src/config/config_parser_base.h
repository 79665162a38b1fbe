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
    "networks", "whitelist", "detection", "thresholds", "hostgroups",
    "iot",      "dns",       "sensor",    "outputs",    "mitigation"};
inline constexpr std::string_view kMitigationKeys[] = {
    "dry_run", "ban_time",       "unban_quiet", "max_bans", "whitelist", "blackhole", "flowspec",
    "rules",   "control_socket", "gobgp",       "exabgp",   "bird",      "nftables"};
inline constexpr std::string_view kBlackholeKeys[] = {"communities", "next_hop", "next_hop_v6"};
inline constexpr std::string_view kFlowspecKeys[] = {"action", "rate", "min_coverage"};
inline constexpr std::string_view kMitigationRuleKeys[] = {"hostgroup", "vectors", "actions"};
inline constexpr std::string_view kGobgpKeys[] = {"api", "timeout"};
inline constexpr std::string_view kExabgpKeys[] = {"pipe"};
inline constexpr std::string_view kBirdKeys[] = {"include_file", "birdc", "socket", "protocol"};
inline constexpr std::string_view kNftKeys[] = {"enabled", "table", "netns"};
inline constexpr std::string_view kSensorKeys[] = {
    "interfaces", "capture",     "workers",     "ring_mib",
    "snaplen",    "promiscuous", "flow_listen", "flow_socket_buffer_mib",
    "pid_file",   "user",        "log_file",    "log_level"};
inline constexpr std::string_view kOutputKeys[] = {
    "eve",     "stats_interval", "attack_update_interval",
    "history", "notify_script",  "notify_timeout",
    "webhook"};
inline constexpr std::string_view kWebhookKeys[] = {"url", "timeout", "retries"};
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

const RateSpec& Spec(RateKind kind);

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

KeyList VectorKeys();

//! Where each key may appear: points a misplaced key to its section.
struct Section {
  std::string_view label;
  KeyList keys;
};
std::span<const Section> Sections();

std::string Lower(std::string_view text);

//! Optimal string alignment distance (a transposition counts as one edit), ignoring case.
size_t EditDistance(std::string_view a_text, std::string_view b_text);

//! The known key nearest to `word`, when one is within two edits.
std::optional<std::string_view> Closest(std::string_view word, KeyList keys);

std::string Join(KeyList keys);

//! User text for a message: the first line, cut at 60 characters.
std::string Quote(std::string_view text);

std::string Describe(const YAML::Node& node);

std::string_view Trim(std::string_view text);

struct LeadingNumber {
  double value = 0;
  std::string_view rest;  // what follows the number, leading spaces skipped
};
//! The finite decimal number `text` starts with; nullopt when it does not start with one.
std::optional<LeadingNumber> ReadNumber(std::string_view text);

//! The smaller prefix lies inside the larger one (or they are equal).
bool Overlap(const Prefix& a, const Prefix& b);

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
//! The `sensor` and `outputs` sections (config_parser_sensor.cc).
void ParseSensorSection(ParserBase& parser, const Field& section, SensorSettings& sensor);
void ParseOutputSection(ParserBase& parser, const Field& section, OutputSettings& outputs);
//! The `mitigation` section (config_parser_mitigation.cc).
void ParseMitigationSection(ParserBase& parser, const Field& section, MitigationSettings& m);

class ParserBase {
 public:
  explicit ParserBase(std::vector<ConfigError>* errors) : errors_(errors) {}

  void Error(const YAML::Mark& mark, std::string message);
  //! At the value; at the key when there is no value (a null's mark is where the next token is).
  void Error(const Field& f, std::string message);

  std::string UnknownKey(std::string_view name, std::string_view path, KeyList keys,
                         bool is_vector);

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
  std::optional<std::string_view> Text(const Field& f, std::string_view expected);

  //! "<number>[ ][k|K|M|G]<unit>", the unit fitting `kind`.
  std::optional<double> Rate(const Field& f, RateKind kind);

  //! "<number>[ ]<ms|s|m|h>", in seconds.
  std::optional<double> Duration(const Field& f, double max_seconds = HUGE_VAL);

  std::optional<double> Number(const Field& f);

  std::optional<bool> Bool(const Field& f);
  //! A whole number in [low, high].
  std::optional<uint32_t> Whole(const Field& f, double low, double high);

  //! A list of prefixes; a bare address is a /32 or /128. No value is an empty list.
  std::vector<PrefixAt> Prefixes(const Field& f, size_t* entries = nullptr);

 protected:
  std::vector<ConfigError>* errors_;
};

}  // namespace rampart::config_internal
