#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/ip_address.h"

namespace rampart {

//! An IPv4 or IPv6 prefix ("10.0.0.0/8", "2001:db8::/32"); host bits are cleared on parse.
struct Prefix {
  IpAddress address;
  uint8_t length = 0;

  //! "a.b.c.d/n", "x::y/n", or a bare address (a /32 or /128). Host bits set in the text are
  //! cleared. nullopt when malformed or the length is out of range.
  static std::optional<Prefix> Parse(std::string_view text);
  //! The prefix of `length` bits that contains `address`.
  static Prefix Of(const IpAddress& address, uint8_t length);

  uint8_t MaxLength() const { return address.IsV4() ? 32 : 128; }
  bool Contains(const IpAddress& other) const;
  std::string ToString() const;

  friend bool operator==(const Prefix& a, const Prefix& b) {
    return a.length == b.length && a.address == b.address;
  }
};

}  // namespace rampart
