#pragma once
#include <string>

namespace rampart::scenario {

//! Writes small captures covering every encapsulation and link type rampart decodes (QinQ,
//! MPLS, PPPoE, GRE IP/Ethernet, IP-in-IP, IPv6 extension headers, fragments, Linux SLL/SLL2,
//! raw, BSD null/loop, snaplen cuts, malformed DNS) into `dir`. False with `error` on failure.
bool WriteLayerZoo(const std::string& dir, std::string* error);

}  // namespace rampart::scenario
