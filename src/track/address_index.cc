#include "track/address_index.h"
#include "core/address_hash.h"

#include "track/open_addressing.h"

#include <cstring>
#include <new>

namespace rampart {
namespace {
uint64_t Word(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
}  // namespace

AddressIndex::AddressIndex(uint32_t max_ids, uint64_t seed) : max_ids_(max_ids), seed_(seed) {
  // Slots: the next power of two at or above twice the maximum, so the load stays at most 1/2.
  size_t slots = 16;
  while (slots < size_t{max_ids} * 2) {
    slots *= 2;
  }
  slots_ = static_cast<Slot*>(std::calloc(slots, sizeof(Slot)));
  if (slots_ == nullptr) {
    throw std::bad_alloc();  // set-up only
  }
  mask_ = slots - 1;
  addresses_.resize(max_ids);
  free_ids_.reserve(max_ids);
  for (uint32_t id = max_ids; id > 0; --id) {
    free_ids_.push_back(id - 1);
  }
}

AddressIndex::~AddressIndex() {
  std::free(slots_);
}

uint64_t AddressIndex::Hash(const IpAddress& address) const {
  return HashAddress(address, seed_);
}

size_t AddressIndex::Probe(const IpAddress& address, uint64_t hash) const {
  const uint64_t lo = Word(address.bytes.data());
  const uint64_t hi = Word(address.bytes.data() + 8);
  const auto family = static_cast<uint8_t>(address.family);
  for (size_t i = ProbeStart(hash);; i = (i + 1) & mask_) {
    const Slot& slot = slots_[i];
    if (slot.family == 0 ||
        (slot.hash == hash && slot.key_lo == lo && slot.key_hi == hi && slot.family == family)) {
      return i;
    }
  }
}

uint32_t AddressIndex::Find(const IpAddress& address, uint64_t hash) const {
  const Slot& slot = slots_[Probe(address, hash)];
  return slot.family == 0 ? kNone : slot.id;
}

uint32_t AddressIndex::FindOrInsert(const IpAddress& address, uint64_t hash, bool* inserted) {
  const size_t i = Probe(address, hash);
  *inserted = false;
  if (slots_[i].family != 0) {
    return slots_[i].id;
  }
  if (free_ids_.empty()) {
    return kNone;
  }
  const uint32_t id = free_ids_.back();
  free_ids_.pop_back();
  slots_[i] = Slot{Word(address.bytes.data()),
                   Word(address.bytes.data() + 8),
                   hash,
                   id,
                   static_cast<uint8_t>(address.family),
                   {}};
  addresses_[id] = address;
  ++size_;
  *inserted = true;
  return id;
}

void AddressIndex::Erase(const IpAddress& address, uint64_t hash) {
  const size_t hole = Probe(address, hash);
  if (slots_[hole].family == 0) {
    return;  // not present
  }
  free_ids_.push_back(slots_[hole].id);
  --size_;
  BackwardShiftErase(slots_, mask_, hole);
}

uint32_t AddressIndex::IdNear(uint64_t hash, size_t step) const {
  const Slot& slot = slots_[(ProbeStart(hash) + step) & mask_];
  return slot.family == 0 ? kNone : slot.id;
}

}  // namespace rampart
