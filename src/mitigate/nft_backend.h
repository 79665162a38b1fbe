#pragma once
// The nftables backend: attack sources (kNftDrop) and infected inside devices (kNftQuarantine)
// put into nftables sets on this box through libnftables, so their packets are dropped in
// prerouting before conntrack or routing look at them. Everything lives in one table of family
// inet (NftSettings.table, "rampart"), created on first use:
//
//   table inet rampart {
//     set drop4 { type ipv4_addr; flags timeout; }        set drop6 { type ipv6_addr; ... }
//     set quarantine4 { type ipv4_addr; flags timeout; }  set quarantine6 { ... }
//     chain prerouting { type filter hook prerouting priority -300; policy accept;
//       ip saddr @drop4 counter drop             ip6 saddr @drop6 counter drop
//       ip saddr @quarantine4 counter drop       ip6 saddr @quarantine6 counter drop } }
//
// Both actions match the source address: a drop set holds the attackers sending to us, a
// quarantine set the device whose own traffic (to us or routed through us) must stop.
#include <memory>
#include <string>

#include "config/config.h"
#include "mitigate/mitigation.h"

namespace rampart::mitigate {

//! The nft script that creates the table, its four sets and the prerouting chain when missing
//! and (re)writes the chain's rules. Idempotent: set elements already there are kept.
std::string NftSetupCommands(const std::string& table);

//! The nft script for an announcement's addresses: `add element` into the v4 and v6 sets of its
//! kind, or for a withdraw `add element` then `delete element` in the same transaction (nft
//! 1.0.6 has no `destroy`, and deleting an absent element fails the whole batch). Empty with
//! `*error` set when the kind is not an nft one or an address is unset.
std::string NftElementCommands(const std::string& table, const Announcement& announcement,
                               bool announce, std::string* error);

//! Runs an nft script as one transaction, in network namespace `netns` (a name under
//! /var/run/netns) or, when empty, in ours. The namespace is entered on a short-lived thread of
//! its own (setns acts per thread), so no other thread of the process ever changes namespace.
//! `*output` gets what nft prints (listings); false with nft's messages in `*error` on failure.
bool RunNft(const std::string& netns, const std::string& commands, std::string* output,
            std::string* error);

//! The nftables backend (name "nftables"): kNftDrop and kNftQuarantine. Announce adds the
//! addresses to the sets (adding one already there is fine), Withdraw removes them (removing one
//! not there is fine). The table is set up on the first call, and again once when a call fails
//! because someone removed it. Control thread only; not thread-safe.
std::unique_ptr<Backend> MakeNftBackend(const NftSettings& settings);

}  // namespace rampart::mitigate
