#pragma once
// The BIRD backend: blackhole routes and FlowSpec rules as static routes in a file the
// operator's BIRD 2 configuration includes, applied with `birdc configure`. BIRD's own
// filters then decide which BGP sessions get them; rampart never speaks BGP itself.
//
// The operator's bird.conf (BirdSettings.include_file = /run/rampart/bird.conf):
//
//   flow4 table flowtab4;             # only for FlowSpec: the default flow4 / flow6 tables
//   flow6 table flowtab6;
//   include "/run/rampart/bird.conf";  # must exist before BIRD starts (an empty file will do)
//   protocol bgp upstream { ...; ipv4 { export where proto = "rampart4"; }; ... }
//
// The file holds, for protocol name "rampart":
//
//   protocol static rampart4 {
//     ipv4;
//     route 198.51.100.10/32 blackhole { bgp_community.add((65535,666)); };
//   }
//   protocol static rampart6 { ipv6; }
//   protocol static rampartflow4 {    # only while there are IPv4 FlowSpec rules
//     flow4;
//     route flow4 { dst 198.51.100.10/32; proto = 6; dport = 80; tcp flags 0x02/0x12; }
//       { bgp_ext_community.add((generic, 0x80060000, 0x0)); };
//   }
//
// The discard / rate-limit action is the traffic-rate extended community (RFC 8955, type
// 0x8006, the rate in bytes/s as an IEEE float; 0 discards). The blackhole's next hop is the
// BGP export filter's business (`bgp_next_hop = 192.0.2.1;`): a static blackhole route has none.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "mitigate/mitigation.h"

namespace rampart::mitigate {

//! One static route of the include file.
struct BirdRoute {
  enum class Channel : uint8_t { kIpv4, kIpv6, kFlow4, kFlow6 };
  Channel channel = Channel::kIpv4;
  //! What the route is for BIRD (the prefix, or the flow4/flow6 net): announcing the same net
  //! again replaces the route, as a BGP speaker would.
  std::string net;
  //! "route 198.51.100.10/32 blackhole { bgp_community.add((65535,666)); };"
  std::string statement;
};

//! The route for a kBlackhole or kFlowspec announcement; nullopt with `*error` set when it
//! cannot be expressed (malformed community, no rule, another kind).
std::optional<BirdRoute> MakeBirdRoute(const Announcement& announcement, std::string* error);

//! The include file: the static protocols `<protocol>4` and `<protocol>6` always (empty ones
//! are valid), `<protocol>flow4` / `<protocol>flow6` only while they have routes (BIRD wants a
//! flow table for them, which not every configuration has).
std::string BirdIncludeText(const std::string& protocol, const std::vector<BirdRoute>& routes);

//! The BIRD backend (name "bird"): kBlackhole and kFlowspec. Keeps the current routes in
//! memory; each change rewrites the include file atomically (temporary file + rename, so BIRD
//! never reads half of one) and runs `birdc [-s socket] configure` (no shell, killed after
//! 5 s). "Reconfigured", "Reconfiguration in progress" and "Queueing new configuration" are
//! success; anything else fails the call with birdc's output, and the file goes back to the
//! routes BIRD had. The first call always rewrites the file, which drops whatever an earlier
//! run left there: after a restart the ban manager announces again what is still banned.
//! Control thread only; not thread-safe.
std::unique_ptr<Backend> MakeBirdBackend(const BirdSettings& settings);

}  // namespace rampart::mitigate
