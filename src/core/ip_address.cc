#include "core/ip_address.h"

#include <arpa/inet.h>

namespace rampart {

std::optional<IpAddress> IpAddress::Parse(std::string_view text) {
  if (text.size() >= INET6_ADDRSTRLEN) {
    return std::nullopt;
  }
  char buffer[INET6_ADDRSTRLEN] = {};
  std::memcpy(buffer, text.data(), text.size());
  uint8_t raw[16];
  if (inet_pton(AF_INET, buffer, raw) == 1) {
    return V4(raw);
  }
  if (inet_pton(AF_INET6, buffer, raw) == 1) {
    return V6(raw);
  }
  return std::nullopt;
}

std::string IpAddress::ToString() const {
  char buffer[INET6_ADDRSTRLEN] = {};
  switch (family) {
    case IpFamily::kV4:
      inet_ntop(AF_INET, bytes.data(), buffer, sizeof buffer);
      return buffer;
    case IpFamily::kV6:
      inet_ntop(AF_INET6, bytes.data(), buffer, sizeof buffer);
      return buffer;
    case IpFamily::kNone:
      break;
  }
  return "-";
}

}  // namespace rampart
