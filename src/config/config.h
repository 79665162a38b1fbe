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

//! One extra default credential from the config (`iot.default_credentials`).
struct CredentialEntry {
  std::string user;
  std::string password;
};

//! The IoT-botnet taps (docs/iot.md): scans, cleartext logins, brute force, infected devices.
struct IotSettings {
  bool enabled = true;
  //! A source that probes at least this many distinct destinations (horizontal) or ports
  //! (vertical) within `scan_window_s`, mostly unanswered, is a scanner (Zeek's scan.zeek
  //! defaults: 25 hosts, 15 ports, 5 minutes).
  uint32_t scan_min_targets = 25;
  uint32_t scan_min_ports = 15;
  double scan_window_s = 300;
  //! Echo requests to this many distinct addresses within the window are a ping sweep,
  //! answered or not (a sweep of a live LAN is mostly answered).
  uint32_t ping_sweep_min_targets = 16;
  //! Mirai fingerprint SYNs (sequence number = destination address) that make a scanner on
  //! their own.
  uint32_t mirai_min_probes = 3;
  //! Failed cleartext logins, or short sessions to an encrypted login service, from one source
  //! within `brute_force_window_s` that make a brute force.
  uint32_t brute_force_min_failures = 5;
  uint32_t brute_force_min_sessions = 20;
  double brute_force_window_s = 300;
  //! Server ports whose sessions are reassembled and parsed (and watched for brute force).
  std::vector<uint16_t> telnet_ports = {23, 2323};
  std::vector<uint16_t> ftp_ports = {21};
  std::vector<uint16_t> http_ports = {80, 81, 8000, 8080, 8081, 8888};
  std::vector<uint16_t> pop3_ports = {110};
  std::vector<uint16_t> imap_ports = {143};
  std::vector<uint16_t> encrypted_login_ports = {22, 992, 3389};
  //! Bounded reassembly: at most this many sessions, and this many bytes per direction.
  uint32_t max_sessions = 16384;
  uint32_t session_bytes = 4096;
  //! Credentials added to the shipped list, inline and from a file in its format.
  std::vector<CredentialEntry> default_credentials;
  std::string default_credentials_file;
  //! The resolvers inside hosts must use; DNS from an inside host to any other outside address
  //! is evidence. Empty: the rule is off.
  std::vector<Prefix> local_resolvers;
};

//! Per-zone overrides of the DNS detector (`dns.zones`).
struct DnsZoneOverride {
  std::string zone;     // registrable domain, lower case
  double min_qps = 0;   // 0 = the default
  bool ignore = false;  // never judged (a known disposable-name zone)
};

//! DNS water torture and tunnel detection (docs/dns.md). Defaults follow PowerDNS Defender's
//! PRSD module (mirai-facts.md §4.1) where it has one.
struct DnsSettings {
  bool enabled = true;
  double window_s = 5;              // each zone is judged at the end of every window
  double min_qps = 100;             // queries per second for the zone
  uint32_t min_names = 50;          // distinct names in the window
  double max_queries_per_name = 2;  // more is the same names asked again: a retry storm
  double min_new_share = 0.5;       // share of queries for names never seen before
  double min_failure_ratio = 0.8;   // queries not resolved (NXDOMAIN, SERVFAIL, unanswered)
  uint32_t min_responses = 20;      // responses needed to judge the NXDOMAIN share
  //! Without responses (a capture of one direction), random-looking labels must make this share
  //! of the queries and the rate must be this many times min_qps.
  double min_random_share = 0.8;
  double no_response_factor = 5;
  uint32_t max_zones = 65536;                 // zones tracked at once (least active evicted)
  std::vector<std::string> exclude_suffixes;  // names under these are never judged
  std::vector<DnsZoneOverride> zones;
};

//! Where the live sensor (`rampart run`) reads traffic and how it runs as a daemon
//! (docs/sensor.md). `rampart analyze` ignores this section.
enum class CaptureMethod : uint8_t { kAfPacket, kPcap };
struct FlowListen {
  std::string address;  // "0.0.0.0", "::", "127.0.0.1"
  uint16_t port = 0;
};
struct SensorSettings {
  std::vector<std::string> interfaces;
  CaptureMethod method = CaptureMethod::kAfPacket;
  uint32_t workers = 1;     // engine shards; each owns a fanout socket per interface
  uint32_t ring_mib = 64;   // AF_PACKET ring per socket; libpcap buffer
  uint32_t snaplen = 2048;  // bytes kept of each frame (the taps need headers and logins)
  bool promiscuous = true;
  std::vector<FlowListen> flow_listen;  // UDP collectors: NetFlow v5/v9, IPFIX, sFlow
  uint32_t flow_socket_buffer_mib = 32;
  std::string pid_file;
  std::string user;  // drop to this user after opening sockets; empty keeps the current one
  std::string log_file;
  std::string log_level = "info";
};
//! Where findings go (docs/sensor.md): EVE lines, the SQLite history, the notify script and a
//! webhook.
struct OutputSettings {
  std::string eve;
  double stats_interval_s = 60;
  double attack_update_interval_s = 10;
  std::string history;
  std::string notify_script;
  double notify_timeout_s = 10;
  std::string webhook_url;
  double webhook_timeout_s = 5;
  uint32_t webhook_retries = 3;
};

//! Mitigation (docs/mitigation.md): which actions an attack on a hostgroup gets, per vector;
//! for how long; what may never be announced; and the speakers and tools that carry it out.
struct MitigationRule {
  std::string hostgroup = "default";  // a hostgroup's name, or "default" for the defaults policy
  std::vector<std::string> vectors;   // vector names; empty = every vector
  std::vector<std::string> actions;   // "blackhole", "flowspec", "nft_drop", "nft_quarantine"
};
struct GobgpSettings {
  std::string api;  // "127.0.0.1:50051"; empty = not used
  double timeout_s = 2;
};
struct ExabgpSettings {
  std::string pipe;  // the FIFO an ExaBGP `process` reads commands from; empty = not used
};
struct BirdSettings {
  std::string include_file;  // written with static routes, then `birdc configure`
  std::string birdc = "birdc";
  std::string socket;                // birdc -s; empty = BIRD's default
  std::string protocol = "rampart";  // name of the generated static protocols
};
struct NftSettings {
  bool enabled = false;
  std::string table = "rampart";  // family inet; created with its sets and chains when missing
  std::string netns;              // run nft in this network namespace (tests); empty = ours
};
struct MitigationSettings {
  bool enabled = false;  // a `mitigation` section turns the ban manager on
  bool dry_run = true;   // the default until the operator turns it off: log, announce nothing
  double ban_time_s = 600;
  double unban_quiet_s = 120;  // the attack must have been quiet this long before an unban
  uint32_t max_bans = 100;
  std::vector<Prefix> whitelist;  // never banned (whitelist.local never is either)
  std::vector<std::string> communities = {"65535:666"};  // RFC 7999 BLACKHOLE
  std::string next_hop = "192.0.2.1";                    // RTBH discard next hop (IPv4)
  std::string next_hop_v6 = "100::1";                    // and IPv6 (RFC 6666 discard prefix)
  bool flowspec_rate_limit = false;  // discard unless set; then rate-limit to flowspec_rate_bps
  double flowspec_rate_bps = 0;
  double flowspec_min_coverage = 0.5;  // a narrower rule must still cover this share
  std::vector<MitigationRule> rules;   // first match wins; none = blackhole for every attack
  std::string control_socket = "/run/rampart/control.sock";
  GobgpSettings gobgp;
  ExabgpSettings exabgp;
  BirdSettings bird;
  NftSettings nftables;
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
  IotSettings iot;
  DnsSettings dns;
  SensorSettings sensor;
  OutputSettings outputs;
  MitigationSettings mitigation;
};

struct ConfigError {
  int line = 0;    // 1-based; 0 when not tied to a line
  int column = 0;  // 1-based
  std::string message;
  std::string ToString() const;  // "line 7, column 5: unknown key 'ppss' in incoming"
};

//! The addresses that count as inside (devices to watch, the outgoing direction): `networks`,
//! or RFC 1918 and ULA space when none is configured.
std::vector<Prefix> InsidePrefixes(const Config& config);

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
