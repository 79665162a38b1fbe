#pragma once
// The FlowSpec rule for an attack (RFC 8955), built from its signature: the narrowest rule that
// still covers most of the attack's packets, and how much it covers (docs/mitigation.md).
#include <optional>

#include "detect/attack.h"
#include "mitigate/mitigation.h"

namespace rampart::mitigate {

struct FlowspecOptions {
  double min_coverage = 0.5;  // a narrowing step must keep at least this share of the packets
  bool rate_limit = false;
  double rate_bps = 0;
};

//! Destination (the target), then each narrowing the evidence supports while the estimated
//! coverage stays at or above `min_coverage`: protocol from the dominant vector, TCP flags
//! (SYN without ACK for a SYN flood, …), fragments, the fewest source or destination ports that
//! carry the share, the packet-length range. nullopt for targets FlowSpec cannot name (hostgroup
//! totals, zones).
std::optional<FlowspecRule> BuildFlowspec(const AttackRecord& attack,
                                          const FlowspecOptions& options);

}  // namespace rampart::mitigate
