#pragma once
// Longest-prefix match over IPv4 and IPv6 prefixes: a binary trie per family, nodes in one
// vector. Used to find a destination's network, hostgroup and whitelist entry; lookups happen
// once per new address (the result is kept with the address), not per packet.
#include <cstdint>
#include <optional>
#include <vector>

#include "core/prefix.h"

namespace rampart {

template <typename Value>
class PrefixTrie {
 public:
  //! Adds or replaces the value at `prefix`.
  void Insert(const Prefix& prefix, Value value) {
    uint32_t node = Root(prefix.address.family);
    for (uint8_t bit = 0; bit < prefix.length; ++bit) {
      const int side = Bit(prefix.address, bit);
      if (nodes_[node].child[side] == 0) {
        nodes_[node].child[side] = static_cast<uint32_t>(nodes_.size());
        nodes_.emplace_back();
      }
      node = nodes_[node].child[side];
    }
    nodes_[node].value = std::move(value);
    ++size_;
  }

  //! The value of the longest prefix containing `address`, or nullptr.
  const Value* Lookup(const IpAddress& address) const {
    if (!address.IsSet() || nodes_.empty()) {
      return nullptr;
    }
    uint32_t node = address.IsV4() ? 0 : 1;
    const Value* best = nodes_[node].value ? &*nodes_[node].value : nullptr;
    const uint8_t max = address.IsV4() ? 32 : 128;
    for (uint8_t bit = 0; bit < max; ++bit) {
      node = nodes_[node].child[Bit(address, bit)];
      if (node == 0) {
        break;
      }
      if (nodes_[node].value) {
        best = &*nodes_[node].value;
      }
    }
    return best;
  }

  //! The longest matching prefix's length too (for reporting which entry matched).
  bool Contains(const IpAddress& address) const { return Lookup(address) != nullptr; }
  size_t Size() const { return size_; }

 private:
  struct Node {
    uint32_t child[2] = {0, 0};  // 0 = none (node 0 is a root, never a child)
    std::optional<Value> value;
  };

  static int Bit(const IpAddress& address, uint8_t bit) {
    return (address.bytes[bit / 8] >> (7 - bit % 8)) & 1;
  }
  uint32_t Root(IpFamily family) {
    if (nodes_.empty()) {
      nodes_.resize(2);  // 0: IPv4 root, 1: IPv6 root
    }
    return family == IpFamily::kV4 ? 0 : 1;
  }

  std::vector<Node> nodes_;
  size_t size_ = 0;
};

}  // namespace rampart
