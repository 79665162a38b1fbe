#pragma once
// The seeded hash of an address that every per-address table uses (HashKey128 of its two
// 8-byte halves, tagged with the family so IPv4 and IPv6 never collide by construction).
#include <cstdint>
#include <cstring>

#include "core/hash.h"
#include "core/ip_address.h"

namespace rampart {

inline uint64_t HashAddress(const IpAddress& address, uint64_t seed) {
  uint64_t lo = 0;
  uint64_t hi = 0;
  std::memcpy(&lo, address.bytes.data(), 8);
  std::memcpy(&hi, address.bytes.data() + 8, 8);
  return HashKey128(lo, hi, static_cast<uint64_t>(address.family), seed);
}

}  // namespace rampart
