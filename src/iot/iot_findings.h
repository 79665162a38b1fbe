#pragma once
// What the IoT-botnet taps report (docs/iot.md): scanners, brute forces, logins with factory-
// default credentials and infected inside devices. Built at the end of the data (or of a tick)
// from the trackers' bounded state; plain values, no references into the trackers.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/ip_address.h"
#include "core/timestamp.h"

namespace rampart::iot {

struct PortCount {
  uint16_t port = 0;
  uint64_t count = 0;
};

struct ScanFinding {
  IpAddress scanner;
  std::string kind;              // "horizontal", "vertical", "block" or "ping_sweep"
  std::string protocol;          // "tcp" or "icmp"
  std::vector<PortCount> ports;  // most probed first (TCP only)
  double distinct_targets = 0;   // estimate
  double distinct_ports = 0;     // estimate (TCP only)
  uint64_t probes = 0;           // SYNs without ACK, or ICMP echo requests
  uint64_t answered = 0;         // SYN-ACKs or echo replies seen coming back
  double rate_pps = 0;           // probes over the active time
  TimestampNs first_seen = 0;
  TimestampNs last_seen = 0;
  bool mirai_fingerprint = false;  // SYNs whose sequence number is the destination address
  uint64_t mirai_probes = 0;
  double mirai_2323_share = 0;  // of the fingerprint probes to 23 or 2323, the share to 2323
  bool inside = false;
  IpAddress first_target;  // the first address probed (not reported)
};

struct BruteForceFinding {
  IpAddress source;
  std::string service;  // "telnet", "ftp", "http", "pop3", "imap", "ssh", "rdp", "tcp/PORT"
  std::string method;   // "logins" (parsed failures) or "sessions" (short encrypted sessions)
  std::vector<IpAddress> targets;  // first few
  uint64_t distinct_targets = 0;
  uint64_t attempts = 0;  // logins, or sessions for the "sessions" method
  uint64_t failures = 0;
  uint64_t successes = 0;
  uint64_t default_pairs_tried = 0;  // attempts whose pair is on the default list
  TimestampNs first_seen = 0;
  TimestampNs last_seen = 0;
  bool inside = false;
};

struct DefaultCredentialFinding {
  IpAddress device;             // the server that was logged in to
  std::optional<uint64_t> mac;  // the device's Ethernet address, when seen
  std::string service;
  uint16_t port = 0;
  std::string user;
  std::string password;  // on the default list by construction; masked by the report writer
  uint32_t entry = 0;    // index in the credential list
  std::string entry_source;
  std::string entry_vendor;
  uint64_t attempts = 0;
  uint64_t successes = 0;
  uint64_t failures = 0;
  bool busybox_shell = false;      // the server answered a busybox probe after this login
  std::vector<IpAddress> clients;  // first few
  TimestampNs first_seen = 0;
  TimestampNs last_seen = 0;
  bool inside = false;
};

struct Evidence {
  std::string kind;         // see docs/iot.md: mirai_scan_fingerprint, scanning, brute_force, …
  TimestampNs ts = 0;       // first time
  TimestampNs last_ts = 0;  // last time
  uint64_t count = 1;       // times this kind was seen
  std::string detail;
};

struct InfectedDevice {
  IpAddress address;
  std::optional<uint64_t> mac;
  int score = 0;                   // 0-100, the sum of the weights of its distinct evidence kinds
  std::vector<Evidence> evidence;  // in time order
  TimestampNs first_seen = 0;
  TimestampNs last_seen = 0;
};

//! Counters of what the taps did and where their bounds bit.
struct IotStats {
  uint64_t syns = 0;
  uint64_t mirai_fingerprint_syns = 0;
  uint64_t sessions = 0;          // login sessions tracked
  uint64_t sessions_evicted = 0;  // dropped early because the table was full
  uint64_t segments_out_of_order = 0;
  uint64_t segments_retransmitted = 0;
  uint64_t bytes_parsed = 0;
  uint64_t logins = 0;
  uint64_t default_logins = 0;
  uint64_t scan_sources_evicted = 0;
  //! Vertical "scans" of a host under an incoming flood from outside: the flood's spoofed
  //! sources hitting random ports, counted in the attack instead.
  uint64_t scans_in_attacks = 0;
  uint64_t table_full_drops = 0;  // brute-force, beacon or finding tables at their cap
};

struct IotFindings {
  std::vector<ScanFinding> scans;
  std::vector<BruteForceFinding> brute_force;
  std::vector<DefaultCredentialFinding> default_credentials;
  std::vector<InfectedDevice> infected_devices;
  IotStats stats;
};

}  // namespace rampart::iot
