#pragma once
#include <cstdint>
#include <string>

namespace rampart {

//! LINKTYPE_* values from the pcap/pcapng registry that rampart decodes.
enum class LinkType : uint16_t {
  kNull = 0,  // BSD loopback: 4-byte address family in the capturing host's byte order
  kEthernet = 1,
  kRaw = 101,      // raw IPv4 or IPv6, told apart by the version nibble
  kRawAlt12 = 12,  // DLT_RAW as some BSDs number it
  kRawAlt14 = 14,  // DLT_RAW as OpenBSD numbers it
  kLoop = 108,     // OpenBSD loopback: family in network byte order
  kLinuxSll = 113,
  kIpv4 = 228,
  kIpv6 = 229,
  kLinuxSll2 = 276,
};

//! "ethernet", "linux_sll", … or "linktype_N" for one rampart does not decode.
std::string LinkTypeName(uint16_t link_type);
bool IsSupportedLinkType(uint16_t link_type);

}  // namespace rampart
