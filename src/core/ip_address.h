#pragma once
#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace rampart {

enum class IpFamily : uint8_t { kNone = 0, kV4 = 4, kV6 = 6 };

//! An IPv4 or IPv6 address. IPv4 keeps its 4 bytes at the front and zeros after, so that an
//! IPv4-mapped IPv6 address (::ffff:a.b.c.d) stays a distinct IPv6 address, as tshark counts it.
struct IpAddress {
  std::array<uint8_t, 16> bytes{};
  IpFamily family = IpFamily::kNone;

  static IpAddress V4(const uint8_t* four_bytes) {
    IpAddress a;
    std::memcpy(a.bytes.data(), four_bytes, 4);
    a.family = IpFamily::kV4;
    return a;
  }
  static IpAddress V4(uint32_t host_order) {
    const uint8_t b[4] = {static_cast<uint8_t>(host_order >> 24),
                          static_cast<uint8_t>(host_order >> 16),
                          static_cast<uint8_t>(host_order >> 8), static_cast<uint8_t>(host_order)};
    return V4(b);
  }
  static IpAddress V6(const uint8_t* sixteen_bytes) {
    IpAddress a;
    std::memcpy(a.bytes.data(), sixteen_bytes, 16);
    a.family = IpFamily::kV6;
    return a;
  }
  //! Sets this address in place from packet bytes. Whole-word stores: building a temporary
  //! with narrow stores and copying it costs a store-forwarding stall per address.
  void AssignV4(const uint8_t* four_bytes) {
    uint64_t lo = 0;
    std::memcpy(&lo, four_bytes, 4);
    const uint64_t hi = 0;
    std::memcpy(bytes.data(), &lo, 8);
    std::memcpy(bytes.data() + 8, &hi, 8);
    family = IpFamily::kV4;
  }
  void AssignV6(const uint8_t* sixteen_bytes) {
    std::memcpy(bytes.data(), sixteen_bytes, 16);
    family = IpFamily::kV6;
  }
  //! Parses "192.0.2.1" or "2001:db8::1"; nullopt when it is neither.
  static std::optional<IpAddress> Parse(std::string_view text);

  bool IsV4() const { return family == IpFamily::kV4; }
  bool IsV6() const { return family == IpFamily::kV6; }
  bool IsSet() const { return family != IpFamily::kNone; }
  std::string ToString() const;

  friend bool operator==(const IpAddress& a, const IpAddress& b) {
    return a.family == b.family && a.bytes == b.bytes;
  }
  //! Orders IPv4 before IPv6, then numerically.
  friend bool operator<(const IpAddress& a, const IpAddress& b) {
    if (a.family != b.family) {
      return a.family < b.family;
    }
    return a.bytes < b.bytes;
  }
};

}  // namespace rampart
