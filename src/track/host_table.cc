#include "track/host_table.h"
#include "core/address_hash.h"

#include "track/open_addressing.h"

#include <sys/mman.h>

#include <algorithm>
#include <cstring>
#include <new>

namespace rampart {
namespace {
constexpr size_t kInitialSlots = 1024;
constexpr size_t kEvictionWindow = 8;
constexpr size_t kEvictionScan = 64;
constexpr size_t kBatchMax = 256;
constexpr size_t kHugePage = 2u << 20;

uint64_t LoadWord(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
}  // namespace

HostTable::HostTable(size_t memcap_bytes, uint64_t seed) : seed_(seed) {
  size_t cap = kInitialSlots;
  const size_t limit = std::max(memcap_bytes, kMinMemcap) / kSlotBytes;
  while (cap * 2 <= limit) {
    cap *= 2;
  }
  max_capacity_ = cap;
  const size_t initial = std::min(kInitialSlots, max_capacity_);
  slots_ = Allocate(initial);
  mask_ = initial - 1;
}

HostTable::~HostTable() {
  Release(slots_, mask_ + 1);
}

HostTable::Slot* HostTable::Allocate(size_t slots) {
  const size_t bytes = slots * kSlotBytes;
  // Fresh anonymous pages are already zero, so a new table costs no pass over its memory; pages
  // are faulted in as entries land on them.
  void* memory = mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (memory == MAP_FAILED) {
    throw std::bad_alloc();  // set-up or growth only, never per packet in steady state
  }
  if (bytes >= kHugePage) {
    // Large tables are touched at random: huge pages keep TLB misses off the per-packet cost.
    madvise(memory, bytes, MADV_HUGEPAGE);
  }
  return static_cast<Slot*>(memory);
}

void HostTable::Release(Slot* slots, size_t count) {
  munmap(slots, count * kSlotBytes);
}

void HostTable::Reserve(size_t expected_hosts) {
  size_t capacity = mask_ + 1;
  while (capacity < max_capacity_ && capacity / 2 < expected_hosts) {
    capacity *= 2;
  }
  while (mask_ + 1 < capacity) {
    Grow();
  }
}

uint64_t HostTable::Hash(const IpAddress& address) const {
  return HashAddress(address, seed_);
}

void HostTable::Grow() {
  const size_t old_capacity = mask_ + 1;
  Slot* old = slots_;
  // Past 1M slots, quadruple: each generation's pages must be zeroed by the kernel, and fewer
  // generations halve that cost when a flood of new sources fills the table.
  const size_t factor = old_capacity >= (size_t{1} << 20) ? 4 : 2;
  const size_t capacity = std::min(old_capacity * factor, max_capacity_);
  slots_ = Allocate(capacity);
  mask_ = capacity - 1;
  for (size_t i = 0; i < old_capacity; ++i) {
    if (old[i].family == 0) {
      continue;
    }
    size_t index = old[i].hash & mask_;
    while (slots_[index].family != 0) {
      index = (index + 1) & mask_;
    }
    slots_[index] = old[i];
  }
  Release(old, old_capacity);
}

void HostTable::EraseAt(size_t index) {
  BackwardShiftErase(slots_, mask_, index);
  --size_;
}

void HostTable::EvictNear(size_t home) {
  // Sample the first kEvictionWindow occupied slots from `home` and evict the least active. The
  // scan is bounded; at the cap the table is half full, so it nearly always finds its sample.
  size_t victim = SIZE_MAX;
  uint64_t least = UINT64_MAX;
  size_t sampled = 0;
  for (size_t step = 0; step < kEvictionScan && sampled < kEvictionWindow; ++step) {
    const size_t index = (home + step) & mask_;
    if (slots_[index].family == 0) {
      continue;
    }
    ++sampled;
    if (slots_[index].counters.Packets() < least) {
      least = slots_[index].counters.Packets();
      victim = index;
    }
  }
  for (size_t index = (home + kEvictionScan) & mask_; victim == SIZE_MAX;
       index = (index + 1) & mask_) {
    if (slots_[index].family != 0) {
      victim = index;
    }
  }
  evicted_.Add(slots_[victim].counters);
  ++evicted_hosts_;
  EraseAt(victim);
}

HostCounters& HostTable::Find(const IpAddress& address, uint64_t hash) {
  const uint64_t lo = LoadWord(address.bytes.data());
  const uint64_t hi = LoadWord(address.bytes.data() + 8);
  const auto family = static_cast<uint8_t>(address.family);
  size_t index = hash & mask_;
  for (;;) {
    Slot& slot = slots_[index];
    if (slot.family == 0) {
      break;
    }
    if (slot.hash == hash && slot.key_lo == lo && slot.key_hi == hi && slot.family == family) {
      return slot.counters;
    }
    index = (index + 1) & mask_;
  }
  // A new address: grow at half full below the cap; at the cap fill to 3/4 (probe runs stay
  // short enough) and then evict; insert at the first free slot.
  if ((size_ + 1) * 2 > mask_ + 1 && mask_ + 1 < max_capacity_) {
    Grow();
    index = hash & mask_;
    while (slots_[index].family != 0) {
      index = (index + 1) & mask_;
    }
  } else if ((size_ + 1) * 4 > (mask_ + 1) * 3) {
    EvictNear(hash & mask_);
    index = hash & mask_;
    while (slots_[index].family != 0) {
      index = (index + 1) & mask_;
    }
  }
  Slot& slot = slots_[index];
  slot.key_lo = lo;
  slot.key_hi = hi;
  slot.hash = hash;
  slot.family = family;
  ++size_;
  return slot.counters;
}

void HostTable::CountBatch(const PacketMeta* metas, size_t count) {
  uint64_t hashes[2 * kBatchMax];
  while (count > 0) {
    const size_t n = std::min(count, kBatchMax);
    for (size_t i = 0; i < n; ++i) {
      if (!metas[i].IsIp()) {
        continue;
      }
      hashes[2 * i] = Hash(metas[i].outer_src);
      hashes[2 * i + 1] = Hash(metas[i].outer_dst);
      __builtin_prefetch(&slots_[hashes[2 * i] & mask_], 1);
      __builtin_prefetch(&slots_[hashes[2 * i + 1] & mask_], 1);
    }
    for (size_t i = 0; i < n; ++i) {
      const PacketMeta& meta = metas[i];
      if (!meta.IsIp()) {
        continue;
      }
      const uint64_t bytes =
          (meta.flow_bytes != 0 ? meta.flow_bytes
                                : static_cast<uint64_t>(meta.wire_len) * meta.flow_weight);
      HostCounters& src = Find(meta.outer_src, hashes[2 * i]);
      src.tx_packets += meta.flow_weight;
      src.tx_bytes += bytes;
      HostCounters& dst = Find(meta.outer_dst, hashes[2 * i + 1]);
      dst.rx_packets += meta.flow_weight;
      dst.rx_bytes += bytes;
    }
    metas += n;
    count -= n;
  }
}

void HostTable::AddTx(const IpAddress& address, uint64_t packets, uint64_t bytes) {
  HostCounters& counters = Find(address, Hash(address));
  counters.tx_packets += packets;
  counters.tx_bytes += bytes;
}

void HostTable::AddRx(const IpAddress& address, uint64_t packets, uint64_t bytes) {
  HostCounters& counters = Find(address, Hash(address));
  counters.rx_packets += packets;
  counters.rx_bytes += bytes;
}

void HostTable::Merge(const HostTable& other) {
  for (size_t i = 0; i <= other.mask_; ++i) {
    const Slot& slot = other.slots_[i];
    if (slot.family == 0) {
      continue;
    }
    IpAddress address;
    std::memcpy(address.bytes.data(), &slot.key_lo, 8);
    std::memcpy(address.bytes.data() + 8, &slot.key_hi, 8);
    address.family = static_cast<IpFamily>(slot.family);
    Find(address, Hash(address)).Add(slot.counters);
  }
  evicted_.Add(other.evicted_);
  evicted_hosts_ += other.evicted_hosts_;
}

HostEntry HostTable::EntryAt(size_t index) const {
  const Slot& slot = slots_[index];
  HostEntry entry;
  std::memcpy(entry.address.bytes.data(), &slot.key_lo, 8);
  std::memcpy(entry.address.bytes.data() + 8, &slot.key_hi, 8);
  entry.address.family = static_cast<IpFamily>(slot.family);
  entry.counters = slot.counters;
  return entry;
}

std::vector<HostEntry> HostTable::Entries() const {
  std::vector<HostEntry> entries;
  entries.reserve(size_);
  ForEach([&entries](const HostEntry& entry) { entries.push_back(entry); });
  return entries;
}

}  // namespace rampart
