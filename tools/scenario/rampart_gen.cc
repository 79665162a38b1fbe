// rampart-gen: writes synthetic capture files. It never sends a packet anywhere.
//
//   rampart-gen flood --packets 10000000 --sources random --out flood.pcap
//   rampart-gen layers --out-dir tests/data/generated
//   rampart-gen scenario --vector syn_flood --attack-pps 20000 --out syn.pcap
//   rampart-gen iot --behaviour mirai_scan,public_dns --out iot.pcap
//   rampart-gen dns --behaviour water_torture --vantage resolver --out dns.pcap
//
// The flood scenario writes minimum-size (60-byte) Ethernet/IPv4/UDP frames at a fixed packet
// rate, from uniformly random sources (or a pool of N), to a few destinations. It is the input
// of `make bench`.
//
// The scenario subcommand writes benign background traffic (web, DNS, NTP), an optional flash
// crowd and an optional attack of one vector with Mirai's packet shapes (scenario/scenario.h).
//
// The iot subcommand writes IoT-botnet behaviours (Mirai scanning, telnet brute force, logins
// with default credentials, report-back, C2 beacons, ...) among normal LAN traffic
// (scenario/iot_scenario.h).
//
// The dns subcommand writes DNS traffic seen at an authoritative server or at a recursive
// resolver: benign lookups, Mirai's water torture and its look-alikes (retry storms, CDN
// hashes, a tunnel), and DNS amplification (scenario/dns_scenario.h).
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "capture/link_type.h"
#include "capture/pcap_writer.h"
#include "core/prefix.h"
#include "scenario/dns_scenario.h"
#include "scenario/iot_scenario.h"
#include "scenario/layer_zoo.h"
#include "scenario/packet_builder.h"
#include "scenario/scenario.h"

namespace {

using rampart::IpAddress;
using rampart::scenario::IpSpec;
using rampart::scenario::PacketBuilder;

struct FloodOptions {
  uint64_t packets = 1000000;
  std::string sources = "random";  // "random" or a pool size
  uint32_t destinations = 4;
  uint64_t rate_pps = 1000000;
  uint64_t seed = 1;
  uint64_t start_s = 1477040400;  // 2016-10-21 09:00 UTC, the first Dyn wave
  std::string out;
};

uint16_t Checksum(const uint8_t* p, size_t len) {
  uint32_t sum = 0;
  for (size_t i = 0; i + 1 < len; i += 2) {
    sum += static_cast<uint32_t>(p[i] << 8 | p[i + 1]);
  }
  while ((sum >> 16) != 0) {
    sum = (sum & 0xffff) + (sum >> 16);
  }
  return static_cast<uint16_t>(~sum);
}

int RunFlood(const FloodOptions& options) {
  rampart::PcapWriter writer;
  std::string error;
  if (!writer.Open(options.out, static_cast<uint16_t>(rampart::LinkType::kEthernet), 65535,
                   &error)) {
    fmt::print(stderr, "rampart-gen: {}\n", error);
    return 1;
  }
  std::mt19937_64 rng(options.seed);
  std::vector<uint32_t> pool;
  if (options.sources != "random") {
    pool.resize(std::stoull(options.sources));
    for (uint32_t& address : pool) {
      address = static_cast<uint32_t>(rng());
    }
  }
  IpSpec spec;
  spec.src = IpAddress::V4(0x0a000001);
  spec.dst = IpAddress::V4(0xc6336401);  // 198.51.100.1 (documentation range)
  std::vector<uint8_t> frame =
      PacketBuilder().Ethernet(0x0800).Ip(spec, 17).Udp(1024, 9).Zeros(18).Finish();
  constexpr size_t kIp = 14;
  const uint64_t interval_ns = 1000000000ull / std::max<uint64_t>(options.rate_pps, 1);
  for (uint64_t i = 0; i < options.packets; ++i) {
    const uint32_t src = pool.empty() ? static_cast<uint32_t>(rng()) : pool[rng() % pool.size()];
    const uint32_t dst = 0xc6336401 + static_cast<uint32_t>(i % options.destinations);
    for (int b = 0; b < 4; ++b) {
      frame[kIp + 12 + b] = static_cast<uint8_t>(src >> (24 - 8 * b));
      frame[kIp + 16 + b] = static_cast<uint8_t>(dst >> (24 - 8 * b));
    }
    const uint16_t sport = static_cast<uint16_t>(1024 + (i % 60000));
    const auto dport = static_cast<uint16_t>(1024 + (rng() % 64000));  // random, as Mirai's udp
    frame[kIp + 20] = static_cast<uint8_t>(sport >> 8);
    frame[kIp + 21] = static_cast<uint8_t>(sport);
    frame[kIp + 22] = static_cast<uint8_t>(dport >> 8);
    frame[kIp + 23] = static_cast<uint8_t>(dport);
    frame[kIp + 4] = static_cast<uint8_t>(i >> 8);  // IP id
    frame[kIp + 5] = static_cast<uint8_t>(i);
    frame[kIp + 10] = frame[kIp + 11] = 0;
    const uint16_t checksum = Checksum(&frame[kIp], 20);
    frame[kIp + 10] = static_cast<uint8_t>(checksum >> 8);
    frame[kIp + 11] = static_cast<uint8_t>(checksum);
    frame[kIp + 26] = frame[kIp + 27] = 0;  // UDP checksum is optional over IPv4
    const int64_t ts =
        static_cast<int64_t>(options.start_s) * 1000000000 + static_cast<int64_t>(i * interval_ns);
    if (!writer.Write(ts, frame.data(), static_cast<uint32_t>(frame.size()))) {
      fmt::print(stderr, "rampart-gen: write failed\n");
      return 1;
    }
  }
  return writer.Close() ? 0 : 1;
}

//! "a, b, c": the names of an enumeration's values 0..count-1.
template <typename E>
std::string JoinNames(size_t count, std::string_view (*name)(E)) {
  std::string names;
  for (size_t i = 0; i < count; ++i) {
    names += (i == 0 ? "" : ", ") + std::string(name(static_cast<E>(i)));
  }
  return names;
}

std::string VectorNames() {
  return JoinNames(rampart::kVectorCount, rampart::VectorName);
}

std::string ServiceNames() {
  using rampart::scenario::AmplificationService;
  return JoinNames(static_cast<size_t>(AmplificationService::kCount),
                   rampart::scenario::AmplificationServiceName);
}

//! The options every generator has: the file, the seed and the first packet's time.
void AddCaptureOptions(CLI::App* cmd, rampart::scenario::CaptureOptions& o) {
  cmd->add_option("--out", o.out, "Output capture file (- for stdout)")->required();
  cmd->add_option("--seed", o.seed, "Random seed: the same seed writes the same file")
      ->capture_default_str();
  cmd->add_option("--start", o.start_s, "Time of the first packet, Unix seconds")
      ->capture_default_str();
}

//! --behaviour: names of `valid`, comma-separated.
void AddBehaviourOption(CLI::App* cmd, std::vector<std::string>& behaviours,
                        const std::string& valid) {
  cmd->add_option("--behaviour", behaviours, "Behaviours, comma-separated: " + valid)
      ->delimiter(',')
      ->required();
}

//! Checks the options, then writes the capture: exit status 2 for options that cannot make a
//! capture, 1 for a failed write.
template <typename Options>
int Generate(const Options& options, bool (*validate)(const Options&, std::string*),
             bool (*write)(const Options&, std::string*)) {
  std::string error;
  if (!validate(options, &error)) {
    fmt::print(stderr, "rampart-gen: {}\n", error);
    return 2;
  }
  if (!write(options, &error)) {
    fmt::print(stderr, "rampart-gen: {}\n", error);
    return 1;
  }
  return 0;
}

//! Adds each behaviour of `names` (--behaviour) to `out` once; "all" adds those of `all`.
//! False, after a message that lists `valid`, for an unknown name.
template <typename E>
bool AddBehaviours(const std::vector<std::string>& names, const std::vector<E>& all,
                   std::optional<E> (*from_name)(std::string_view), const std::string& valid,
                   std::vector<E>* out) {
  const auto add = [out](E b) {
    if (std::find(out->begin(), out->end(), b) == out->end()) {
      out->push_back(b);
    }
  };
  for (const std::string& name : names) {
    if (name == "all") {
      std::for_each(all.begin(), all.end(), add);
      continue;
    }
    const auto behaviour = from_name(name);
    if (!behaviour) {
      fmt::print(stderr, "rampart-gen: unknown behaviour '{}'; valid behaviours: {}\n", name,
                 valid);
      return false;
    }
    add(*behaviour);
  }
  return true;
}

struct ScenarioArgs {
  rampart::scenario::ScenarioOptions options;
  std::string target = "198.51.100.10";
  std::string vector;
  std::string service = "dns";
};

void AddScenarioOptions(CLI::App* cmd, ScenarioArgs& args) {
  rampart::scenario::ScenarioOptions& o = args.options;
  AddCaptureOptions(cmd, o);
  cmd->add_option("--duration", o.duration_s, "Seconds of background traffic")
      ->capture_default_str();
  cmd->add_option("--target", args.target,
                  "Target address, or a prefix (198.51.100.0/24) to carpet-bomb")
      ->capture_default_str();
  cmd->add_option("--background-pps", o.background_pps,
                  "Benign packets per second (web, DNS, NTP); 0 for none")
      ->capture_default_str();
  cmd->add_option("--clients", o.clients, "Distinct benign web clients")->capture_default_str();
  cmd->add_option("--flash-crowd", o.flash_crowd_factor,
                  "Multiply the web traffic and clients by this in the middle third (1 = off)")
      ->capture_default_str();
  cmd->add_option("--vector", args.vector, "Attack vector (none without): " + VectorNames());
  cmd->add_option("--attack-pps", o.attack_pps, "Attack packets per second")->capture_default_str();
  cmd->add_option("--attack-start", o.attack_start_s, "Attack start, seconds after --start")
      ->capture_default_str();
  cmd->add_option("--attack-duration", o.attack_duration_s, "Attack length in seconds")
      ->capture_default_str();
  cmd->add_option("--sources", o.sources, "Distinct attacking (or reflecting) addresses")
      ->capture_default_str();
  cmd->add_flag("--spoofed", o.spoofed,
                "A new random source per packet (not for http_flood and tcp_stomp)");
  cmd->add_option("--service", args.service, "Amplification service: " + ServiceNames())
      ->capture_default_str();
  cmd->add_option("--zone", o.zone, "Zone of dns_water_torture, Host of http_flood")
      ->capture_default_str();
}

int RunScenario(ScenarioArgs& args) {
  rampart::scenario::ScenarioOptions& o = args.options;
  const auto prefix = rampart::Prefix::Parse(args.target);
  if (!prefix) {
    fmt::print(stderr, "rampart-gen: --target: not an address or prefix: '{}'\n", args.target);
    return 2;
  }
  o.target =
      args.target.find('/') == std::string::npos ? *IpAddress::Parse(args.target) : prefix->address;
  o.target_prefix_len = prefix->length;
  if (!args.vector.empty()) {
    o.vector = rampart::VectorFromName(args.vector);
    if (!o.vector) {
      fmt::print(stderr, "rampart-gen: unknown vector '{}'; valid vectors: {}\n", args.vector,
                 VectorNames());
      return 2;
    }
  }
  const auto service = rampart::scenario::AmplificationServiceFromName(args.service);
  if (!service) {
    fmt::print(stderr, "rampart-gen: unknown service '{}'; valid services: {}\n", args.service,
               ServiceNames());
    return 2;
  }
  o.service = *service;
  return Generate(o, rampart::scenario::ValidateScenario, rampart::scenario::WriteScenario);
}

std::string BehaviourNames() {
  using rampart::scenario::IotBehaviour;
  return JoinNames(static_cast<size_t>(IotBehaviour::kCount), rampart::scenario::IotBehaviourName) +
         ", all";
}

struct IotArgs {
  rampart::scenario::IotScenarioOptions options;
  std::vector<std::string> behaviours;
  double duration_s = 0;
  double scan_duration_s = 0;
  CLI::Option* duration = nullptr;
  CLI::Option* scan_duration = nullptr;
  CLI::Option* flood_duration = nullptr;
};

void AddIotOptions(CLI::App* cmd, IotArgs& args) {
  rampart::scenario::IotScenarioOptions& o = args.options;
  AddBehaviourOption(cmd, args.behaviours, BehaviourNames());
  AddCaptureOptions(cmd, o);
  args.duration = cmd->add_option(
      "--duration", args.duration_s,
      "Seconds of background traffic (default 420 with c2_beacon, 100 with ssh_bruteforce, "
      "else 60)");
  cmd->add_option("--background-pps", o.background_pps,
                  "Benign LAN packets per second (web, DNS, NTP); 0 for none")
      ->capture_default_str();
  cmd->add_option("--scan-pps", o.scan_pps, "mirai_scan SYNs per second")->capture_default_str();
  args.scan_duration = cmd->add_option("--scan-duration", args.scan_duration_s,
                                       "mirai_scan seconds (default: the duration; 60 for all)");
  args.flood_duration = cmd->add_option("--flood-duration", o.flood_duration_s,
                                        "outgoing_flood seconds (default 10; 2 for all)");
}

int RunIot(IotArgs& args) {
  using rampart::scenario::IotBehaviour;
  rampart::scenario::IotScenarioOptions& o = args.options;
  std::vector<IotBehaviour> every;
  for (size_t i = 0; i < static_cast<size_t>(IotBehaviour::kCount); ++i) {
    every.push_back(static_cast<IotBehaviour>(i));
  }
  if (!AddBehaviours(args.behaviours, every, rampart::scenario::IotBehaviourFromName,
                     BehaviourNames(), &o.behaviours)) {
    return 2;
  }
  if (std::find(args.behaviours.begin(), args.behaviours.end(), "all") != args.behaviours.end()) {
    // Keeps the capture under 20 MB.
    if (args.scan_duration->count() == 0) {
      o.scan_duration_s = 60;
    }
    if (args.flood_duration->count() == 0) {
      o.flood_duration_s = 2;
    }
  }
  if (args.duration->count() > 0) {
    o.duration_s = args.duration_s;
  }
  if (args.scan_duration->count() > 0) {
    o.scan_duration_s = args.scan_duration_s;
  }
  return Generate(o, rampart::scenario::ValidateIotScenario, rampart::scenario::WriteIotScenario);
}

std::string DnsBehaviourNames() {
  using rampart::scenario::DnsBehaviour;
  return JoinNames(static_cast<size_t>(DnsBehaviour::kCount), rampart::scenario::DnsBehaviourName) +
         ", all (all but amplification)";
}

struct DnsArgs {
  rampart::scenario::DnsScenarioOptions options;
  std::vector<std::string> behaviours;
  std::string vantage = "authoritative";
};

void AddDnsOptions(CLI::App* cmd, DnsArgs& args) {
  rampart::scenario::DnsScenarioOptions& o = args.options;
  AddBehaviourOption(cmd, args.behaviours, DnsBehaviourNames());
  AddCaptureOptions(cmd, o);
  cmd->add_option("--duration", o.duration_s, "Seconds of background traffic")
      ->capture_default_str();
  cmd->add_option("--rate", o.rate,
                  "Queries (amplification: responses) per second of water_torture, retry_storm "
                  "and amplification, from 10 s for 30 s")
      ->capture_default_str();
  cmd->add_option("--zone", o.zone,
                  "Zone of water_torture (victim.co.uk, www.victim-example.com, ...)")
      ->capture_default_str();
  cmd->add_option("--vantage", args.vantage,
                  "Capture point: authoritative (the zone's server) or resolver (an ISP's "
                  "recursive resolver, both legs)")
      ->capture_default_str();
}

int RunDns(DnsArgs& args) {
  using rampart::scenario::DnsBehaviour;
  rampart::scenario::DnsScenarioOptions& o = args.options;
  if (!AddBehaviours(args.behaviours,
                     {DnsBehaviour::kBenign, DnsBehaviour::kWaterTorture, DnsBehaviour::kRetryStorm,
                      DnsBehaviour::kCdnRandom, DnsBehaviour::kTunnel},
                     rampart::scenario::DnsBehaviourFromName, DnsBehaviourNames(), &o.behaviours)) {
    return 2;
  }
  const auto vantage = rampart::scenario::DnsVantageFromName(args.vantage);
  if (!vantage) {
    fmt::print(stderr, "rampart-gen: unknown vantage '{}'; valid: authoritative, resolver\n",
               args.vantage);
    return 2;
  }
  o.vantage = *vantage;
  std::transform(o.zone.begin(), o.zone.end(), o.zone.begin(), [](unsigned char c) {
    return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  });
  if (!o.zone.empty() && o.zone.back() == '.') {
    o.zone.pop_back();
  }
  return Generate(o, rampart::scenario::ValidateDnsScenario, rampart::scenario::WriteDnsScenario);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"rampart-gen: write synthetic captures (never sends anything)"};
  app.require_subcommand(1);
  FloodOptions flood;
  CLI::App* flood_cmd = app.add_subcommand("flood", "Minimum-size UDP frames from many sources");
  flood_cmd->add_option("--packets", flood.packets, "Packets to write");
  flood_cmd->add_option("--sources", flood.sources, "'random' or the size of a source pool");
  flood_cmd->add_option("--destinations", flood.destinations, "Distinct destinations")
      ->check(CLI::Range(1u, 1000000u));
  flood_cmd->add_option("--rate", flood.rate_pps, "Packets per second of packet time");
  flood_cmd->add_option("--seed", flood.seed, "Random seed");
  flood_cmd->add_option("--out", flood.out, "Output file (- for stdout)")->required();
  std::string zoo_dir;
  CLI::App* zoo_cmd =
      app.add_subcommand("layers", "Small captures of every encapsulation and link type");
  zoo_cmd->add_option("--out-dir", zoo_dir, "Folder to write into")->required();
  ScenarioArgs scenario;
  CLI::App* scenario_cmd = app.add_subcommand(
      "scenario", "Background traffic, a flash crowd and an attack of one vector");
  AddScenarioOptions(scenario_cmd, scenario);
  IotArgs iot;
  CLI::App* iot_cmd = app.add_subcommand(
      "iot", "IoT-botnet behaviours (scans, brute force, default logins, C2) among LAN traffic");
  AddIotOptions(iot_cmd, iot);
  DnsArgs dns;
  CLI::App* dns_cmd = app.add_subcommand(
      "dns", "DNS water torture, its look-alikes and DNS amplification among benign lookups");
  AddDnsOptions(dns_cmd, dns);
  CLI11_PARSE(app, argc, argv);
  if (dns_cmd->parsed()) {
    return RunDns(dns);
  }
  if (iot_cmd->parsed()) {
    return RunIot(iot);
  }
  if (scenario_cmd->parsed()) {
    return RunScenario(scenario);
  }
  if (flood_cmd->parsed()) {
    return RunFlood(flood);
  }
  if (zoo_cmd->parsed()) {
    std::string error;
    if (!rampart::scenario::WriteLayerZoo(zoo_dir, &error)) {
      fmt::print(stderr, "rampart-gen: {}\n", error);
      return 1;
    }
    return 0;
  }
  return 2;
}
