#pragma once
// Fixed-size sketches for attack evidence. Hand-written because they sit on the per-packet path
// (no allocation, no branches on rare cases) and must stay bounded whatever a spoofing attacker
// sends: memory is fixed at construction, never proportional to the number of sources.
#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace rampart {

//! Linear counting over a 1024-bit bitmap: distinct items in one second, accurate to a few
//! percent up to ~2,000 items and saturating (reported as a lower bound) beyond ~8,000.
class LinearCounter {
 public:
  void Add(uint64_t hash) {
    const auto bit = static_cast<uint32_t>(hash >> 54);  // top 10 bits
    words_[bit >> 6] |= uint64_t{1} << (bit & 63);
  }
  //! Add() that tells whether the item set a new bit: callers that count those know a lower
  //! bound of the distinct items without calling Estimate().
  bool AddNew(uint64_t hash) {
    const auto bit = static_cast<uint32_t>(hash >> 54);
    const uint64_t mask = uint64_t{1} << (bit & 63);
    const bool fresh = (words_[bit >> 6] & mask) == 0;
    words_[bit >> 6] |= mask;
    return fresh;
  }
  void Clear() { words_.fill(0); }
  double Estimate() const {
    uint32_t set = 0;
    for (const uint64_t w : words_) {
      set += static_cast<uint32_t>(std::popcount(w));
    }
    constexpr double kBits = 1024;
    const uint32_t empty = static_cast<uint32_t>(kBits) - set;
    if (empty == 0) {
      return kBits * std::log(kBits);  // saturated: a lower bound
    }
    return -kBits * std::log(static_cast<double>(empty) / kBits);
  }

 private:
  std::array<uint64_t, 16> words_{};
};

//! HyperLogLog with 2^10 one-byte registers (1 KiB, ~3% standard error) for distinct sources
//! over a whole attack.
class HyperLogLog {
 public:
  void Add(uint64_t hash) {
    const auto index = static_cast<uint32_t>(hash >> 54);
    const uint64_t rest = (hash << 10) | (uint64_t{1} << 9);
    const auto rank = static_cast<uint8_t>(std::countl_zero(rest) + 1);
    registers_[index] = std::max(registers_[index], rank);
  }
  void Merge(const HyperLogLog& other) {
    for (size_t i = 0; i < kRegisters; ++i) {
      registers_[i] = std::max(registers_[i], other.registers_[i]);
    }
  }
  double Estimate() const {
    double sum = 0;
    uint32_t zeros = 0;
    for (const uint8_t r : registers_) {
      sum += std::ldexp(1.0, -static_cast<int>(r));
      zeros += r == 0 ? 1 : 0;
    }
    constexpr double m = kRegisters;
    const double alpha = 0.7213 / (1 + 1.079 / m);
    const double raw = alpha * m * m / sum;
    if (raw <= 2.5 * m && zeros > 0) {
      return m * std::log(m / zeros);  // small-range correction (linear counting)
    }
    return raw;
  }

 private:
  static constexpr size_t kRegisters = 1024;
  std::array<uint8_t, kRegisters> registers_{};
};

//! Space-Saving heavy hitters with K counters (Metwally et al.): every item whose true count
//! exceeds total/K is kept, and a kept item's count overestimates by at most `error`.
template <typename Key, size_t K>
class SpaceSaving {
 public:
  struct Entry {
    Key key{};
    uint64_t count = 0;
    uint64_t error = 0;
  };

  void Add(const Key& key, uint64_t weight = 1) {
    total_ += weight;
    size_t smallest = 0;
    for (size_t i = 0; i < used_; ++i) {
      if (entries_[i].key == key) {
        entries_[i].count += weight;
        return;
      }
      if (entries_[i].count < entries_[smallest].count) {
        smallest = i;
      }
    }
    if (used_ < K) {
      entries_[used_++] = Entry{key, weight, 0};
      return;
    }
    Entry& victim = entries_[smallest];
    victim.error = victim.count;
    victim.key = key;
    victim.count += weight;
  }
  void Merge(const SpaceSaving& other) {
    for (size_t i = 0; i < other.used_; ++i) {
      Add(other.entries_[i].key, other.entries_[i].count);
    }
  }
  void Clear() {
    used_ = 0;
    total_ = 0;
  }
  //! Entries, most frequent first.
  std::array<Entry, K> Sorted(size_t* count) const {
    // Insertion sort: K is at most a few dozen (and GCC 12 misreads std::sort's bounds here).
    std::array<Entry, K> out = entries_;
    for (size_t i = 1; i < used_; ++i) {
      const Entry item = out[i];
      size_t j = i;
      while (j > 0 && out[j - 1].count < item.count) {
        out[j] = out[j - 1];
        --j;
      }
      out[j] = item;
    }
    *count = used_;
    return out;
  }
  uint64_t Total() const { return total_; }

 private:
  std::array<Entry, K> entries_{};
  size_t used_ = 0;
  uint64_t total_ = 0;
};

}  // namespace rampart
