#pragma once
// Attack scenarios for testing the detectors: benign background traffic (web sessions, DNS,
// NTP), an optional flash crowd and an optional attack of one vector, written to a capture file.
// Nothing is ever sent: the generator only writes files.
//
// Every packet of the attack has the shape the Mirai sources give for its vector
// (shared/guide/mirai-facts.md §2); vectors Mirai does not have (rst_flood, tcp_reflection,
// icmp_flood, ip_fragment_flood, amplification) have the shape of the common tools. Where
// Mirai's bytes would not decode (tcp_stomp's 12 "option" bytes are random payload), they are
// written as well-formed values of the same size (NOP, NOP, timestamps of random values).
//
// Timing: every part of the scenario is a stream of packets spread evenly at its own rate, from
// its start time; the streams are merged by timestamp. Sessions under way when a stream ends
// are finished (web, DNS, NTP) or closed (http_flood) just after its end.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "core/ip_address.h"
#include "scenario/capture_options.h"

namespace rampart::scenario {

//! Reflectors abused by the amplification vector.
enum class AmplificationService : uint8_t {
  kDns,          // 53, 3000-4000 B ANY responses, IP fragments
  kNtp,          // 123, mode-7 monlist responses (468-byte IPv4 packets)
  kSsdp,         // 1900, 300 B HTTP/1.1 200 OK
  kMemcached,    // 11211, 1400 B stats
  kCldap,        // 389, about 3000 B rootDSE, IP fragments
  kSnmp,         // 161, 1400 B GetBulk response
  kChargen,      // 19, 1000 B
  kBacnet,       // 47808, ReadProperty(object-list) ACK
  kWsDiscovery,  // 3702, ProbeMatches
  kIsakmp,       // 500, IKE main-mode response
  kCount
};
//! "dns", "ntp", "ssdp", "memcached", "cldap", "snmp", "chargen", "bacnet", "ws_discovery",
//! "isakmp".
std::string_view AmplificationServiceName(AmplificationService service);
std::optional<AmplificationService> AmplificationServiceFromName(std::string_view name);
//! The UDP port the reflector answers from.
uint16_t AmplificationServicePort(AmplificationService service);

struct ScenarioOptions : CaptureOptions {
  double duration_s = 60;  // background (and flash crowd) length

  //! The protected address. With `target_prefix_len` below 32 (IPv4) or 128 (IPv6) the attack
  //! hits a random host of that prefix per packet (carpet bombing); the background server is
  //! then the prefix's first host.
  IpAddress target = IpAddress::V4(0xc633640a);  // 198.51.100.10
  uint8_t target_prefix_len = 32;

  //! Benign traffic, about this many packets per second in all: 70% web sessions (HTTP/80 and
  //! TLS/443 from `clients` clients), 20% DNS from the target to its resolver, 10% NTP.
  //! 0 = no background at all.
  double background_pps = 1000;
  uint32_t clients = 50;
  //! Above 1: the web traffic rate is multiplied by this factor in the middle third of the
  //! duration, with clients * factor distinct clients (every handshake completed). IPv4
  //! clients are 203.0.113.1-254, then random public addresses.
  double flash_crowd_factor = 1;

  //! The attack; none when unset.
  std::optional<Vector> vector;
  double attack_pps = 10000;   // packets per second of the attack (both directions for
                               // http_flood and tcp_stomp, whose handshakes count)
  double attack_start_s = 10;  // seconds after start_s
  double attack_duration_s = 30;
  uint32_t sources = 1000;  // distinct attacking (or reflecting) addresses, at most 2 million
  bool spoofed = false;     // a new random source per packet (stateless vectors only:
                            // http_flood and tcp_stomp always use `sources` bots)
  AmplificationService service = AmplificationService::kDns;
  std::string zone = "example.com";  // dns_water_torture's zone and http_flood's Host
};

//! Checks the options; false with `error` when they cannot make a scenario.
bool ValidateScenario(const ScenarioOptions& options, std::string* error);

//! Writes the scenario as a nanosecond pcap with Ethernet frames, packets in timestamp order.
//! False with `error` on invalid options or a write failure.
bool WriteScenario(const ScenarioOptions& options, std::string* error);

}  // namespace rampart::scenario
