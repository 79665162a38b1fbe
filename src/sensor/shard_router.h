#pragma once
// Which shard owns a packet (docs/sensor.md): the inside host's prefix when an inside host talks
// to the outside (its scans, logins, outgoing floods and DNS stay together), else the
// destination's prefix (an attacked host, and a carpet-bombed /24 or /64, stay together). Seeded
// so an attacker cannot aim every packet at one shard.
#include <cstdint>

#include "config/config.h"
#include "core/address_hash.h"
#include "core/prefix_trie.h"
#include "decode/packet_meta.h"

namespace rampart::sensor {

class ShardRouter {
 public:
  ShardRouter(const Config& config, uint32_t shards, uint64_t seed)
      : shards_(shards),
        seed_(seed),
        length_v4_(config.prefix_length_v4),
        length_v6_(config.prefix_length_v6) {
    for (const Prefix& p : InsidePrefixes(config)) {
      inside_.Insert(p, true);
    }
  }

  //! `fallback` for frames without an IP header (they stay where they were read).
  uint32_t ShardOf(const PacketMeta& meta, uint32_t fallback) const {
    if (shards_ == 1) {
      return 0;
    }
    if (!meta.IsIp()) {
      return fallback;
    }
    const bool src_inside = inside_.Lookup(meta.outer_src) != nullptr;
    const bool dst_inside = inside_.Lookup(meta.outer_dst) != nullptr;
    const IpAddress& key = src_inside && !dst_inside ? meta.outer_src : meta.outer_dst;
    const uint8_t length = key.family == IpFamily::kV4 ? length_v4_ : length_v6_;
    return static_cast<uint32_t>(HashAddress(Prefix::Of(key, length).address, seed_) % shards_);
  }

 private:
  uint32_t shards_;
  uint64_t seed_;
  uint8_t length_v4_;
  uint8_t length_v6_;
  PrefixTrie<bool> inside_;
};

}  // namespace rampart::sensor
