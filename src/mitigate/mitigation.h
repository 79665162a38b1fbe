#pragma once
// What the ban manager asks of the routers and tools operators already run (docs/mitigation.md):
// a blackhole route for the victim (RFC 7999 BLACKHOLE community), a FlowSpec rule built from
// the attack's signature (RFC 8955), or nftables set entries on this box. Backends (GoBGP over
// gRPC, ExaBGP's process API, BIRD, nftables) implement Backend; the ban manager never talks to
// a router itself. Control path only: nothing here runs per packet.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ip_address.h"
#include "core/prefix.h"

namespace rampart::mitigate {

enum class ActionKind : uint8_t {
  kBlackhole,      // the victim's /32 or /128 with the blackhole community, to the BGP speakers
  kFlowspec,       // a FlowSpec rule (discard or rate-limit) to the speakers that support it
  kNftDrop,        // the attack's sources into an nftables drop set on this box
  kNftQuarantine,  // an infected inside device's outgoing traffic dropped on this box
};
std::string_view ActionName(ActionKind kind);  // "blackhole", "flowspec", "nft_drop", …
std::optional<ActionKind> ActionFromName(std::string_view name);

//! A FlowSpec rule (RFC 8955 components). Unset parts match everything.
struct FlowspecRule {
  Prefix destination;                       // type 1 (always set: the victim)
  std::optional<Prefix> source;             // type 2
  std::vector<uint8_t> protocols;           // type 3, IP protocol numbers, any of
  std::vector<uint16_t> destination_ports;  // type 5, any of
  std::vector<uint16_t> source_ports;       // type 6, any of
  //! type 9, TCP flags: match when (flags & mask) == value (e.g. SYN without ACK: 0x02/0x12).
  uint8_t tcp_flags_value = 0;
  uint8_t tcp_flags_mask = 0;
  uint16_t packet_length_min = 0;  // type 10, inclusive; 0/0 = any
  uint16_t packet_length_max = 0;
  bool fragments_only = false;  // type 12: is-fragment
  enum class Action : uint8_t { kDiscard, kRateLimit } action = Action::kDiscard;
  double rate_limit_bps = 0;  // bits per second; backends send bytes/s (RFC 8955 traffic-rate)
  double coverage = 0;        // share of the attack's packets the rule matches (estimate)
  //! "dst 198.51.100.10/32 proto 6 dport 80,443 tcp-flags SYN/SYN,ACK len 40-60 -> discard"
  std::string ToText() const;
};

//! One thing a backend announces and later withdraws. `key` identifies it across restarts.
struct Announcement {
  std::string key;  // "ban-<id>-<action>"
  ActionKind kind = ActionKind::kBlackhole;
  Prefix prefix;                         // blackhole: the victim; nft: unused (see addresses)
  std::vector<std::string> communities;  // "65535:666"
  std::string next_hop;  // "192.0.2.1" or "100::1" (the RTBH discard next hop of the family)
  std::optional<FlowspecRule> flowspec;
  std::vector<IpAddress> addresses;  // nft drop: attack sources; nft quarantine: the device
  //! One line for logs and dry-run: exactly what would be announced.
  std::string ToText() const;
};

//! A router or tool rampart can ask to stop traffic. Each backend is used from the control
//! thread only; a call may block briefly (a gRPC call, a birdc run), never on the hot path.
class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::string_view name() const = 0;
  virtual bool Supports(ActionKind kind) const = 0;
  //! Announces (idempotent: announcing what is already there is not an error).
  virtual bool Announce(const Announcement& announcement, std::string* error) = 0;
  //! Withdraws (idempotent: withdrawing what is not there is not an error).
  virtual bool Withdraw(const Announcement& announcement, std::string* error) = 0;
};

}  // namespace rampart::mitigate
