#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/hash.h"
#include "core/ip_address.h"

namespace rampart {

//! Maps addresses to small stable integers (slots in a caller-owned array of per-address state),
//! with a fixed maximum, a random seed, and eviction of the caller's choice at the maximum.
//!
//! Hand-written for the per-packet path: open addressing with linear probing over 32-byte
//! entries, backward-shift deletion (no tombstones). Ids are stable until Erase(), so per-second
//! "touched" lists can hold them across table growth.
class AddressIndex {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;

  AddressIndex(uint32_t max_ids, uint64_t seed);
  ~AddressIndex();
  AddressIndex(const AddressIndex&) = delete;
  AddressIndex& operator=(const AddressIndex&) = delete;

  uint64_t Hash(const IpAddress& address) const;
  //! The id of `address`, or kNone.
  uint32_t Find(const IpAddress& address, uint64_t hash) const;
  //! The id of `address`, inserting it when new; `inserted` tells which. kNone when the index
  //! is full (the caller evicts with Erase() and tries again).
  uint32_t FindOrInsert(const IpAddress& address, uint64_t hash, bool* inserted);
  //! Removes `address`; its id becomes free for reuse.
  void Erase(const IpAddress& address, uint64_t hash);
  //! The address an id stands for.
  const IpAddress& AddressOf(uint32_t id) const { return addresses_[id]; }

  uint32_t Size() const { return size_; }
  uint32_t MaxIds() const { return max_ids_; }
  //! The id at slot position `i` of a sampled window starting at the hash's home, for eviction
  //! sampling: kNone for an empty slot.
  uint32_t IdNear(uint64_t hash, size_t step) const;

 private:
  struct Slot {
    uint64_t key_lo;
    uint64_t key_hi;
    uint64_t hash;
    uint32_t id;
    uint8_t family;  // 0 = empty
    uint8_t pad[3];
  };
  static_assert(sizeof(Slot) == 32, "two slots a cache line");

  size_t ProbeStart(uint64_t hash) const { return hash & mask_; }
  //! The slot holding `address`, or the empty slot where it would go.
  size_t Probe(const IpAddress& address, uint64_t hash) const;

  Slot* slots_ = nullptr;
  size_t mask_ = 0;
  uint32_t size_ = 0;
  uint32_t max_ids_ = 0;
  uint64_t seed_ = 0;
  std::vector<IpAddress> addresses_;
  std::vector<uint32_t> free_ids_;
};

}  // namespace rampart
