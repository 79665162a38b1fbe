#pragma once
// Rampart's configuration: the protected networks, hostgroups with their thresholds, whitelists,
// and the detection settings. Loaded from YAML (docs/configuration.md); with no file, every
// address is protected and the documented defaults apply (DefaultConfig()).
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/prefix.h"

namespace rampart {

//! Attack vector names: a closed set, documented in docs/detection.md. Add, never rename.
enum class Vector : uint8_t {
  kSynFlood,
  kAckFlood,
  kRstFlood,
  kTcpStomp,
  kTcpReflection,
  kUdpFlood,
  kUdpPlainFlood,
  kVseFlood,
  kGreIpFlood,
  kGreEthFlood,
  kIcmpFlood,
  kIpFragmentFlood,
  kHttpFlood,
  kDnsWaterTorture,
  kAmplification,
  kCount
};
constexpr size_t kVectorCount = static_cast<size_t>(Vector::kCount);
//! "syn_flood", "amplification", …
std::string_view VectorName(Vector vector);
std::optional<Vector> VectorFromName(std::string_view name);

//! Rate thresholds for one direction. 0 means "no threshold of this kind". Units: packets per
//! second (pps), bits per second (bps), new flows per second (flows_per_s).
struct Thresholds {
  double pps = 0;
  double bps = 0;
  double flows_per_s = 0;
  double tcp_pps = 0;
  double udp_pps = 0;
  double icmp_pps = 0;
  double gre_pps = 0;
  double syn_pps = 0;
  double fragment_pps = 0;
  std::array<double, kVectorCount> vector_pps{};  // per vector; 0 = none
};

enum class Direction : uint8_t { kIncoming, kOutgoing };

//! The thresholds and timing for a set of addresses: the defaults, or one hostgroup.
struct Policy {
  std::string name;  // "default" or the hostgroup's name
  Thresholds incoming;
  Thresholds outgoing;
  double hold_s = 1.0;    // a rate must stay over its threshold this long to start an attack
  double quiet_s = 10.0;  // and stay under it this long for the attack to end
  bool baseline = true;   // adaptive baseline alerts for this group
};

struct Hostgroup {
  Policy policy;
  std::vector<Prefix> prefixes;
};

struct Config {
  //! Protected prefixes. Empty = every address is protected (incoming); for the outgoing
  //! direction, empty means RFC 1918 and ULA space counts as inside.
  std::vector<Prefix> networks;
  //! Local addresses that are never reported or banned.
  std::vector<Prefix> whitelist_local;
  //! Remote addresses whose traffic does not count toward an attack.
  std::vector<Prefix> whitelist_remote;
  Policy defaults;
  //! Matched by longest prefix among all hostgroups' prefixes; a group's unset thresholds take
  //! the defaults' values.
  std::vector<Hostgroup> hostgroups;
  //! Carpet bombing: traffic summed per prefix of these lengths, with its own thresholds.
  uint8_t prefix_length_v4 = 24;
  uint8_t prefix_length_v6 = 64;
  Thresholds prefix_incoming;
  //! Adaptive baseline: EWMA weight per second, warm-up, floor and the number of standard
  //! deviations that counts as "far above normal".
  double baseline_alpha = 0.05;
  double baseline_warmup_s = 60;
  double baseline_floor_pps = 5000;
  double baseline_sigmas = 6;
};

struct ConfigError {
  int line = 0;    // 1-based; 0 when not tied to a line
  int column = 0;  // 1-based
  std::string message;
  std::string ToString() const;  // "line 7, column 5: unknown key 'ppss' in incoming"
};

//! The configuration used when no file is given (every threshold documented in
//! docs/configuration.md).
Config DefaultConfig();

//! Parses YAML text. Collects every error it can find (unknown keys, bad prefixes, thresholds
//! without a unit or with the wrong one, bad values) with line numbers; returns nullopt if there
//! was any. Never throws.
std::optional<Config> ParseConfig(std::string_view yaml, std::vector<ConfigError>* errors);
//! Reads and parses a file; a file that cannot be read is one error with line 0.
std::optional<Config> LoadConfig(const std::string& path, std::vector<ConfigError>* errors);

}  // namespace rampart
