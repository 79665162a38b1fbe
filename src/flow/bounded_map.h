#pragma once
// A map with a fixed capacity for the flow decoders' tables (templates, options facts): past the
// capacity an insert evicts a least recently used entry, chosen by a clock hand (second chance),
// so a flood of spoofed exporters or template ids costs O(1) per insert and never grows memory.
// Inserts allocate (a hash node); lookups do not. Not for the per-record path: it is used once
// per set.
#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <utility>
#include <vector>

namespace rampart::flow {

template <typename Key, typename Value, typename Hash>
class BoundedMap {
 public:
  BoundedMap(size_t capacity, Hash hash)
      : capacity_(capacity == 0 ? 1 : capacity), index_(16, std::move(hash)) {}

  //! The value of `key`, or null. Marks the entry as recently used.
  Value* Find(const Key& key) {
    const auto it = index_.find(key);
    if (it == index_.end()) {
      return nullptr;
    }
    Slot& slot = slots_[it->second];
    slot.referenced = true;
    return &slot.value;
  }

  //! The value of `key`, inserted as Value{} when absent (`inserted`), evicting another entry when
  //! the map is full (`evicted`).
  Value& Upsert(const Key& key, bool& inserted, bool& evicted) {
    inserted = false;
    evicted = false;
    const auto it = index_.find(key);
    if (it != index_.end()) {
      Slot& slot = slots_[it->second];
      slot.referenced = true;
      return slot.value;
    }
    uint32_t at = 0;
    if (!free_.empty()) {
      at = free_.back();
      free_.pop_back();
    } else if (slots_.size() < capacity_) {
      at = static_cast<uint32_t>(slots_.size());
      slots_.emplace_back();
    } else {
      at = Victim();
      index_.erase(slots_[at].key);
      evicted = true;
    }
    Slot& slot = slots_[at];
    slot.key = key;
    slot.value = Value{};
    slot.live = true;
    slot.referenced = true;
    index_.emplace(key, at);
    inserted = true;
    return slot.value;
  }

  bool Erase(const Key& key) {
    const auto it = index_.find(key);
    if (it == index_.end()) {
      return false;
    }
    Release(it->second);
    index_.erase(it);
    return true;
  }

  //! Erases every entry for which `pred(key, value)` holds; returns how many.
  template <typename Pred>
  size_t EraseIf(Pred&& pred) {
    size_t erased = 0;
    for (uint32_t i = 0; i < slots_.size(); ++i) {
      if (slots_[i].live && pred(slots_[i].key, slots_[i].value)) {
        index_.erase(slots_[i].key);
        Release(i);
        ++erased;
      }
    }
    return erased;
  }

  size_t size() const { return index_.size(); }
  size_t capacity() const { return capacity_; }

 private:
  struct Slot {
    Key key{};
    Value value{};
    bool live = false;
    bool referenced = false;
  };

  void Release(uint32_t at) {
    slots_[at].live = false;
    slots_[at].value = Value{};  // frees what the value owns
    free_.push_back(at);
  }

  //! Second chance: the first entry not used since the hand last passed it. Every slot is live
  //! here (the free list is empty), so two turns always find one.
  uint32_t Victim() {
    for (size_t step = 0; step < 2 * slots_.size(); ++step) {
      const uint32_t at = static_cast<uint32_t>(hand_);
      hand_ = (hand_ + 1) % slots_.size();
      if (!slots_[at].referenced) {
        return at;
      }
      slots_[at].referenced = false;
    }
    return static_cast<uint32_t>(hand_);
  }

  size_t capacity_;
  std::unordered_map<Key, uint32_t, Hash> index_;
  std::vector<Slot> slots_;
  std::vector<uint32_t> free_;
  size_t hand_ = 0;
};

}  // namespace rampart::flow
