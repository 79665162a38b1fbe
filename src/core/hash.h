#pragma once
// A seeded 128-bit-key hash for the hot path. Hand-written because std::hash is unseeded (an
// attacker who picks spoofed sources could aim them all at one bucket) and a general-purpose
// hash library would cost more than the two multiplies this needs.
#include <cstdint>

#include "core/int128.h"

namespace rampart {

inline uint64_t MixMultiply(uint64_t a, uint64_t b) {
  const UInt128 product = static_cast<UInt128>(a) * b;
  return static_cast<uint64_t>(product) ^ static_cast<uint64_t>(product >> 64);
}

//! Hashes a 16-byte key given as two words plus a small tag, under a per-table random seed.
inline uint64_t HashKey128(uint64_t lo, uint64_t hi, uint64_t tag, uint64_t seed) {
  constexpr uint64_t kP0 = 0xa0761d6478bd642fULL;
  constexpr uint64_t kP1 = 0xe7037ed1a0b428dbULL;
  constexpr uint64_t kP2 = 0x8ebc6af09c88c6e3ULL;
  const uint64_t h = MixMultiply(lo ^ seed ^ kP0, hi ^ tag ^ kP1);
  return MixMultiply(h ^ kP2, seed ^ kP0);
}

//! 64 random bits from the kernel, for hash seeds. Falls back to a time-derived value only if
//! getrandom() is unavailable.
uint64_t RandomSeed();

}  // namespace rampart
