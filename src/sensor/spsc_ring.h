#pragma once
// A bounded single-producer single-consumer ring: how a capture worker hands a packet to the
// shard that owns its address, and the flow listener its records. Hand-written because it is
// the hot path: no lock, no allocation after construction, one acquire/release pair per item,
// head and tail on their own cache lines so producer and consumer do not share one.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

namespace rampart::sensor {

template <typename T>
class SpscRing {
 public:
  //! `capacity` is rounded up to a power of two.
  explicit SpscRing(size_t capacity) {
    size_t n = 2;
    while (n < capacity) {
      n <<= 1;
    }
    mask_ = n - 1;
    slots_ = std::make_unique<T[]>(n);
  }

  //! A slot to fill, or nullptr when the ring is full; Commit() publishes it.
  T* Reserve() {
    const uint64_t tail = tail_.load(std::memory_order_relaxed);
    if (tail - head_cache_ > mask_) {
      head_cache_ = head_.load(std::memory_order_acquire);
      if (tail - head_cache_ > mask_) {
        return nullptr;
      }
    }
    return &slots_[tail & mask_];
  }
  void Commit() {
    tail_.store(tail_.load(std::memory_order_relaxed) + 1, std::memory_order_release);
  }

  //! The oldest item, or nullptr when empty; Pop() releases it.
  T* Front() {
    const uint64_t head = head_.load(std::memory_order_relaxed);
    if (head == tail_cache_) {
      tail_cache_ = tail_.load(std::memory_order_acquire);
      if (head == tail_cache_) {
        return nullptr;
      }
    }
    return &slots_[head & mask_];
  }
  void Pop() { head_.store(head_.load(std::memory_order_relaxed) + 1, std::memory_order_release); }

  size_t capacity() const { return mask_ + 1; }

 private:
  std::unique_ptr<T[]> slots_;
  size_t mask_ = 0;
  alignas(64) std::atomic<uint64_t> head_{0};  // consumer's
  uint64_t tail_cache_ = 0;                    // consumer's view of tail
  alignas(64) std::atomic<uint64_t> tail_{0};  // producer's
  uint64_t head_cache_ = 0;                    // producer's view of head
};

}  // namespace rampart::sensor
