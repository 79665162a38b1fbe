#pragma once
// What the DNS detector reports under `dns_attacks` (docs/dns.md).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/ip_address.h"
#include "core/timestamp.h"
#include "detect/attack.h"

namespace rampart::dnsmon {

struct DnsFinding {
  std::string kind;  // "water_torture" or "dns_tunnel_suspected"
  std::string zone;
  uint32_t attack_id = 0;  // water_torture: the `attacks` record (0 until the report numbers it)
  TimestampNs start = 0;
  TimestampNs detected_at = 0;
  TimestampNs end = 0;
  bool ongoing = false;
  double peak_qps = 0;
  uint64_t queries = 0;            // queries for the zone while the finding lasted
  uint64_t bytes = 0;              // their wire bytes
  double distinct_sources = 0;     // estimate
  double distinct_names = 0;       // estimate
  double new_name_share = 0;       // queries for names never seen before
  std::optional<double> nx_ratio;  // NXDOMAIN share of the responses, when responses were seen
  //! Queries that did not resolve (NXDOMAIN, SERVFAIL, other errors, no answer), when
  //! responses were seen at all.
  std::optional<double> failure_ratio;
  uint64_t responses = 0;
  double mirai_label_share = 0;   // leftmost label [a-w0-8]{12}
  double random_label_share = 0;  // leftmost label machine-made
  double mean_label_length = 0;   // leftmost label
  double label_entropy = 0;       // bits per character, of the sample names' child part
  std::vector<Counted<IpAddress>> top_sources;  // resolvers (authoritative view) or clients
  std::vector<Counted<IpAddress>> servers;      // where the queries went
  std::vector<std::string> sample_names;
  std::vector<IpAddress> inside_clients;  // sources inside the network (infected devices)
  std::string reason;
};

struct DnsStats {
  uint64_t queries = 0;
  uint64_t responses = 0;
  uint64_t zones = 0;          // zones tracked over the run
  uint64_t zones_evicted = 0;  // dropped at the zone cap
  uint64_t evidence_exhausted = 0;
  uint64_t retry_storm_windows = 0;       // windows that looked like a retry storm, not an attack
  uint64_t resolving_random_windows = 0;  // random names that resolve (CDN, telemetry)
  uint64_t forwarded_queries = 0;  // a resolver's copies of its clients' queries, counted once
};

}  // namespace rampart::dnsmon
