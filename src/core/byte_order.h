#pragma once
// Unaligned big/little-endian loads. Packet bytes are untrusted and unaligned, so every multi-byte
// read goes through memcpy (which compiles to a single load) instead of a pointer cast.
#include <cstdint>
#include <cstring>

namespace rampart {

inline uint16_t LoadBe16(const uint8_t* p) {
  uint16_t v;
  std::memcpy(&v, p, sizeof v);
  return __builtin_bswap16(v);
}
inline uint32_t LoadBe32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, sizeof v);
  return __builtin_bswap32(v);
}
inline uint64_t LoadBe64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return __builtin_bswap64(v);
}
inline uint16_t LoadLe16(const uint8_t* p) {
  uint16_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
inline uint32_t LoadLe32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
inline uint64_t LoadLe64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
// Loads in the byte order of a capture file section (`swapped` = opposite of this host's).
inline uint16_t Load16(const uint8_t* p, bool swapped) {
  const uint16_t v = LoadLe16(p);
  return swapped ? __builtin_bswap16(v) : v;
}
inline uint32_t Load32(const uint8_t* p, bool swapped) {
  const uint32_t v = LoadLe32(p);
  return swapped ? __builtin_bswap32(v) : v;
}
inline uint64_t Load64(const uint8_t* p, bool swapped) {
  const uint64_t v = LoadLe64(p);
  return swapped ? __builtin_bswap64(v) : v;
}

}  // namespace rampart
