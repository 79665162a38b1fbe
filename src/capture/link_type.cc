#include "capture/link_type.h"

namespace rampart {

std::string LinkTypeName(uint16_t link_type) {
  switch (static_cast<LinkType>(link_type)) {
    case LinkType::kNull:
      return "null";
    case LinkType::kEthernet:
      return "ethernet";
    case LinkType::kRaw:
    case LinkType::kRawAlt12:
    case LinkType::kRawAlt14:
      return "raw";
    case LinkType::kLoop:
      return "loop";
    case LinkType::kLinuxSll:
      return "linux_sll";
    case LinkType::kIpv4:
      return "ipv4";
    case LinkType::kIpv6:
      return "ipv6";
    case LinkType::kLinuxSll2:
      return "linux_sll2";
  }
  return "linktype_" + std::to_string(link_type);
}

bool IsSupportedLinkType(uint16_t link_type) {
  return LinkTypeName(link_type).rfind("linktype_", 0) != 0;
}

}  // namespace rampart
