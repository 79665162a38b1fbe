#include <sys/random.h>

#include <chrono>

#include "core/hash.h"

namespace rampart {

uint64_t RandomSeed() {
  uint64_t seed = 0;
  if (getrandom(&seed, sizeof seed, 0) == static_cast<ssize_t>(sizeof seed)) {
    return seed;
  }
  return static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()) *
         0x9e3779b97f4a7c15ULL;
}

}  // namespace rampart
