#pragma once
// A counter one thread writes and others read: a relaxed load and store instead of an atomic
// read-modify-write, which would cost a locked instruction per packet on the hot path.
#include <atomic>
#include <cstdint>

namespace rampart::sensor {

//! Adds `n` to a counter only the calling thread writes.
inline void Bump(std::atomic<uint64_t>& counter, uint64_t n = 1) {
  counter.store(counter.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
}

}  // namespace rampart::sensor
