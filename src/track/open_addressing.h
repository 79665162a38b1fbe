#pragma once
// Shared by the linear-probing tables (HostTable, AddressIndex): deletion without tombstones.
#include <cstddef>

namespace rampart {

//! Empties `slots[hole]` and pulls later entries of the same probe run back into the gap, so
//! every remaining key stays reachable from its home slot. `Slot` has `hash` (home = hash & mask)
//! and `family` (0 = empty).
template <typename Slot>
void BackwardShiftErase(Slot* slots, size_t mask, size_t hole) {
  for (size_t next = (hole + 1) & mask; slots[next].family != 0; next = (next + 1) & mask) {
    const size_t home = slots[next].hash & mask;
    // Move `next` into the hole unless its home lies cyclically in (hole, next].
    if (((next - home) & mask) >= ((next - hole) & mask)) {
      slots[hole] = slots[next];
      hole = next;
    }
  }
  slots[hole] = Slot{};
}

}  // namespace rampart
