#pragma once
// BGP communities as the configuration spells them, parsed once for every backend: checked
// because the text ends up in gRPC messages, BIRD's configuration and ExaBGP's command lines,
// where anything unexpected would change their meaning.
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace rampart::mitigate {

struct Community {
  bool large = false;               // RFC 8092 large community (three 32-bit parts)
  std::array<uint32_t, 3> parts{};  // standard: ASN, VALUE (16 bits each)
  //! Standard only: (ASN << 16) | VALUE, as BGP carries it.
  uint32_t Packed() const { return (parts[0] << 16) | parts[1]; }
};

//! "65535:666", "1:2:3", or the well-known names "blackhole", "no-export", "no-advertise";
//! nullopt for anything else.
std::optional<Community> ParseCommunity(std::string_view text);

}  // namespace rampart::mitigate
