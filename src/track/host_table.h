#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/hash.h"
#include "core/ip_address.h"
#include "decode/packet_meta.h"

namespace rampart {

struct HostCounters {
  uint64_t rx_packets = 0;
  uint64_t rx_bytes = 0;
  uint64_t tx_packets = 0;
  uint64_t tx_bytes = 0;

  void Add(const HostCounters& other) {
    rx_packets += other.rx_packets;
    rx_bytes += other.rx_bytes;
    tx_packets += other.tx_packets;
    tx_bytes += other.tx_bytes;
  }
  uint64_t Packets() const { return rx_packets + tx_packets; }
};

struct HostEntry {
  IpAddress address;
  HostCounters counters;
};

//! Exact per-address packet and byte counters, owned by one worker.
//!
//! Hand-written because this is the per-packet hot path: open addressing with linear probing
//! over 64-byte (one cache line) slots, a random hash seed so spoofed sources cannot be aimed at
//! one bucket, batch updates that prefetch every slot before touching any, and a memory cap.
//! The table doubles at half full until the cap, fills to 3/4 there, and then a new address evicts
//! the least active of the first 8 entries found from its home slot (a sampled LFU: heavy hitters
//! survive a spoofed flood), and the evicted counters are kept in an aggregate so totals still
//! balance. Deletion is by backward shift, so no tombstones accumulate.
class HostTable {
 public:
  static constexpr size_t kSlotBytes = 64;
  static constexpr size_t kMinMemcap = kSlotBytes * 1024;

  explicit HostTable(size_t memcap_bytes, uint64_t seed = RandomSeed());
  ~HostTable();
  HostTable(const HostTable&) = delete;
  HostTable& operator=(const HostTable&) = delete;

  //! Counts every IP packet in the batch: its outer source sends, its outer destination receives,
  //! each by `wire_len` bytes times the record's weight.
  void CountBatch(const PacketMeta* metas, size_t count);
  void AddTx(const IpAddress& address, uint64_t packets, uint64_t bytes);
  void AddRx(const IpAddress& address, uint64_t packets, uint64_t bytes);
  //! Grows now, up to the cap, to hold `expected_hosts` without rehashing as they arrive.
  void Reserve(size_t expected_hosts);
  //! Adds another table's entries and evictions into this one (the tick merge).
  void Merge(const HostTable& other);

  size_t Size() const { return size_; }
  size_t Capacity() const { return mask_ + 1; }
  size_t MaxEntries() const { return max_capacity_ / 4 * 3; }
  size_t MemoryBytes() const { return Capacity() * kSlotBytes; }
  uint64_t EvictedHosts() const { return evicted_hosts_; }
  const HostCounters& EvictedCounters() const { return evicted_; }
  //! A copy of every entry, in table order (for reports; not for the hot path).
  std::vector<HostEntry> Entries() const;
  //! Calls `visit(const HostEntry&)` for every entry, in table order, without copying the table.
  template <typename Visit>
  void ForEach(Visit&& visit) const {
    for (size_t i = 0; i <= mask_; ++i) {
      if (slots_[i].family != 0) {
        visit(EntryAt(i));
      }
    }
  }

 private:
  struct alignas(64) Slot {
    uint64_t key_lo;
    uint64_t key_hi;
    uint64_t hash;
    uint8_t family;  // 0 marks an empty slot
    uint8_t pad[7];
    HostCounters counters;
  };
  static_assert(sizeof(Slot) == kSlotBytes, "a slot is one cache line");

  HostEntry EntryAt(size_t index) const;
  uint64_t Hash(const IpAddress& address) const;
  HostCounters& Find(const IpAddress& address, uint64_t hash);
  void Grow();
  void EvictNear(size_t home);
  void EraseAt(size_t index);
  Slot* Allocate(size_t slots);
  void Release(Slot* slots, size_t count);

  Slot* slots_ = nullptr;
  size_t mask_ = 0;
  size_t size_ = 0;
  size_t max_capacity_ = 0;
  uint64_t seed_ = 0;
  uint64_t evicted_hosts_ = 0;
  HostCounters evicted_;
};

}  // namespace rampart
