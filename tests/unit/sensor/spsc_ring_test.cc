#include "sensor/spsc_ring.h"

#include <gtest/gtest.h>

#include <thread>

#include "sensor/shard_router.h"

namespace rampart::sensor {
namespace {

TEST(SpscRing, FullAndEmpty) {
  SpscRing<int> ring(3);  // rounded up to 4
  EXPECT_EQ(ring.capacity(), 4u);
  EXPECT_EQ(ring.Front(), nullptr);
  for (int i = 0; i < 4; ++i) {
    int* slot = ring.Reserve();
    ASSERT_NE(slot, nullptr);
    *slot = i;
    ring.Commit();
  }
  EXPECT_EQ(ring.Reserve(), nullptr);
  for (int i = 0; i < 4; ++i) {
    const int* item = ring.Front();
    ASSERT_NE(item, nullptr);
    EXPECT_EQ(*item, i);
    ring.Pop();
  }
  EXPECT_EQ(ring.Front(), nullptr);
}

TEST(SpscRing, TwoThreadsKeepOrderAndLoseNothing) {
  SpscRing<uint64_t> ring(64);
  constexpr uint64_t kItems = 1'000'000;
  std::thread producer([&ring] {
    for (uint64_t i = 0; i < kItems;) {
      if (uint64_t* slot = ring.Reserve()) {
        *slot = i++;
        ring.Commit();
      }
    }
  });
  uint64_t expected = 0;
  uint64_t sum = 0;
  while (expected < kItems) {
    if (const uint64_t* item = ring.Front()) {
      ASSERT_EQ(*item, expected);
      sum += *item;
      ++expected;
      ring.Pop();
    }
  }
  producer.join();
  EXPECT_EQ(sum, kItems * (kItems - 1) / 2);
}

PacketMeta Meta(const char* src, const char* dst) {
  PacketMeta meta;
  meta.outer_src = *IpAddress::Parse(src);
  meta.outer_dst = *IpAddress::Parse(dst);
  meta.inner_src = meta.outer_src;
  meta.inner_dst = meta.outer_dst;
  meta.l3 = meta.outer_src.family == IpFamily::kV4 ? Layer3::kIpv4 : Layer3::kIpv6;
  return meta;
}

TEST(ShardRouter, InsideHostAndDestinationPrefixStayTogether) {
  Config config = DefaultConfig();
  config.networks = {*Prefix::Parse("192.0.2.0/24"), *Prefix::Parse("198.51.100.0/24")};
  const ShardRouter router(config, 4, 12345);
  // Every packet to a /24 (a carpet-bombed prefix) goes to one shard, whatever the source.
  const uint32_t victim = router.ShardOf(Meta("203.0.113.1", "198.51.100.7"), 9);
  for (int i = 0; i < 50; ++i) {
    const std::string src = "203.0.113." + std::to_string(i);
    const std::string dst = "198.51.100." + std::to_string(i * 5);
    EXPECT_EQ(router.ShardOf(Meta(src.c_str(), dst.c_str()), 9), victim);
  }
  // An inside host's traffic to the outside and the answers to it share a shard.
  const uint32_t device = router.ShardOf(Meta("192.0.2.10", "8.8.8.8"), 9);
  EXPECT_EQ(router.ShardOf(Meta("8.8.8.8", "192.0.2.10"), 9), device);
  EXPECT_EQ(router.ShardOf(Meta("192.0.2.10", "1.1.1.1"), 9), device);
  // Other /24s spread over the shards.
  std::vector<int> used(4, 0);
  for (int i = 0; i < 200; ++i) {
    const std::string dst = "10." + std::to_string(i) + ".0.1";
    used[router.ShardOf(Meta("203.0.113.1", dst.c_str()), 9)]++;
  }
  for (int n : used) {
    EXPECT_GT(n, 20);
  }
  // Not IP: stays where it was read.
  EXPECT_EQ(router.ShardOf(PacketMeta{}, 3), 3u);
}

}  // namespace
}  // namespace rampart::sensor
