// HostTable: exact per-address counters, growth, the memory cap and eviction at it, merging.
#include "track/host_table.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace rampart {
namespace {

constexpr uint64_t kSeed = 0x5eed5eed12345678ULL;

IpAddress Addr(const char* text) {
  return IpAddress::Parse(text).value();
}

//! 10.0.0.0 + n.
IpAddress V4(uint32_t n) {
  return IpAddress::V4(0x0a000000u + n);
}

IpAddress V6(uint32_t n) {
  uint8_t bytes[16] = {0x20, 0x01, 0x0d, 0xb8};
  bytes[12] = static_cast<uint8_t>(n >> 24);
  bytes[13] = static_cast<uint8_t>(n >> 16);
  bytes[14] = static_cast<uint8_t>(n >> 8);
  bytes[15] = static_cast<uint8_t>(n);
  return IpAddress::V6(bytes);
}

PacketMeta Meta(const IpAddress& src, const IpAddress& dst, uint32_t wire_len,
                uint32_t flow_weight = 1) {
  PacketMeta meta;
  meta.l3 = src.IsV4() ? Layer3::kIpv4 : Layer3::kIpv6;
  meta.outer_src = meta.inner_src = src;
  meta.outer_dst = meta.inner_dst = dst;
  meta.wire_len = wire_len;
  meta.flow_weight = flow_weight;
  return meta;
}

std::map<std::string, HostCounters> ByAddress(const HostTable& table) {
  std::map<std::string, HostCounters> out;
  for (const HostEntry& entry : table.Entries()) {
    const std::string key = entry.address.ToString();
    EXPECT_EQ(out.count(key), 0u) << "address listed twice: " << key;
    out[key] = entry.counters;
  }
  return out;
}

//! Every entry plus the evicted aggregate.
HostCounters Total(const HostTable& table) {
  HostCounters total = table.EvictedCounters();
  for (const HostEntry& entry : table.Entries()) {
    total.Add(entry.counters);
  }
  return total;
}

void ExpectCounters(const HostCounters& c, uint64_t rx_packets, uint64_t rx_bytes,
                    uint64_t tx_packets, uint64_t tx_bytes) {
  EXPECT_EQ(c.rx_packets, rx_packets);
  EXPECT_EQ(c.rx_bytes, rx_bytes);
  EXPECT_EQ(c.tx_packets, tx_packets);
  EXPECT_EQ(c.tx_bytes, tx_bytes);
}

TEST(HostTable, CountsRxAndTxPerAddress) {
  HostTable table(size_t{16} << 20, kSeed);
  const IpAddress a = Addr("192.0.2.1");
  const IpAddress b = Addr("192.0.2.2");
  const IpAddress v6 = Addr("2001:db8::1");
  const IpAddress mapped = Addr("::ffff:192.0.2.1");
  ASSERT_TRUE(mapped.IsV6());
  const std::vector<PacketMeta> metas = {
      Meta(a, b, 100),      Meta(a, b, 200),
      Meta(b, a, 60),       Meta(v6, mapped, 80),  // IPv6 datagram to the IPv4-mapped form of a
      Meta(mapped, v6, 90),
  };
  table.CountBatch(metas.data(), metas.size());
  EXPECT_EQ(table.Size(), 4u);
  const auto hosts = ByAddress(table);
  ASSERT_EQ(hosts.size(), 4u);
  ExpectCounters(hosts.at("192.0.2.1"), 1, 60, 2, 300);
  ExpectCounters(hosts.at("192.0.2.2"), 2, 300, 1, 60);
  ExpectCounters(hosts.at("2001:db8::1"), 1, 90, 1, 80);
  ExpectCounters(hosts.at("::ffff:192.0.2.1"), 1, 80, 1, 90);
  EXPECT_EQ(table.EvictedHosts(), 0u);
  ExpectCounters(table.EvictedCounters(), 0, 0, 0, 0);
}

TEST(HostTable, AddTxAndAddRx) {
  HostTable table(HostTable::kMinMemcap, kSeed);
  table.AddTx(V4(1), 3, 300);
  table.AddRx(V4(1), 2, 20);
  table.AddRx(V6(1), 1, 10);
  const auto hosts = ByAddress(table);
  ASSERT_EQ(hosts.size(), 2u);
  ExpectCounters(hosts.at("10.0.0.1"), 2, 20, 3, 300);
  ExpectCounters(hosts.at("2001:db8::1"), 1, 10, 0, 0);
}

TEST(HostTable, FlowWeightMultipliesPacketsAndBytes) {
  HostTable table(HostTable::kMinMemcap, kSeed);
  const std::vector<PacketMeta> metas = {Meta(V4(1), V4(2), 1500, 100), Meta(V4(1), V4(2), 40)};
  table.CountBatch(metas.data(), metas.size());
  const auto hosts = ByAddress(table);
  ExpectCounters(hosts.at("10.0.0.1"), 0, 0, 101, 150'040);
  ExpectCounters(hosts.at("10.0.0.2"), 101, 150'040, 0, 0);
}

TEST(HostTable, NonIpRecordsAreIgnored) {
  HostTable table(HostTable::kMinMemcap, kSeed);
  std::vector<PacketMeta> metas;
  for (const Layer3 l3 : {Layer3::kNone, Layer3::kArp, Layer3::kOther}) {
    PacketMeta meta = Meta(V4(1), V4(2), 60);
    meta.l3 = l3;  // addresses set, but not an IP packet
    metas.push_back(meta);
  }
  table.CountBatch(metas.data(), metas.size());
  EXPECT_EQ(table.Size(), 0u);
  EXPECT_TRUE(table.Entries().empty());

  metas.push_back(Meta(V4(3), V4(4), 70));
  metas.push_back(metas[1]);
  table.CountBatch(metas.data(), metas.size());
  const auto hosts = ByAddress(table);
  ASSERT_EQ(hosts.size(), 2u);
  ExpectCounters(hosts.at("10.0.0.3"), 0, 0, 1, 70);
  ExpectCounters(hosts.at("10.0.0.4"), 1, 70, 0, 0);
}

TEST(HostTable, GrowthKeepsCounts) {
  HostTable table(size_t{64} << 20, kSeed);
  const size_t initial_capacity = table.Capacity();
  constexpr uint32_t kHosts = 20'000;
  // More than one batch at a time, and each address seen a different number of times.
  std::vector<PacketMeta> metas;
  for (uint32_t round = 0; round < 3; ++round) {
    for (uint32_t i = 0; i < kHosts; ++i) {
      if (i % 3 >= round) {
        metas.push_back(Meta(i % 2 == 0 ? V4(i) : V6(i), i % 2 == 0 ? V4(1'000'000) : V6(1'000'000),
                             100 + i % 7));
      }
    }
  }
  table.CountBatch(metas.data(), metas.size());
  EXPECT_GT(table.Capacity(), initial_capacity);
  EXPECT_EQ(table.Size(), kHosts + 2);
  EXPECT_EQ(table.EvictedHosts(), 0u);
  const auto hosts = ByAddress(table);
  ASSERT_EQ(hosts.size(), kHosts + 2);
  uint64_t bytes_to_v4 = 0;
  uint64_t packets_to_v4 = 0;
  for (uint32_t i = 0; i < kHosts; ++i) {
    const IpAddress address = i % 2 == 0 ? V4(i) : V6(i);
    const uint64_t packets = i % 3 + 1;
    const HostCounters& c = hosts.at(address.ToString());
    ASSERT_EQ(c.tx_packets, packets) << address.ToString();
    ASSERT_EQ(c.tx_bytes, packets * (100 + i % 7)) << address.ToString();
    ASSERT_EQ(c.rx_packets, 0u);
    if (i % 2 == 0) {
      packets_to_v4 += packets;
      bytes_to_v4 += packets * (100 + i % 7);
    }
  }
  ExpectCounters(hosts.at(V4(1'000'000).ToString()), packets_to_v4, bytes_to_v4, 0, 0);
}

TEST(HostTable, ReserveGrowsAndKeepsCounts) {
  HostTable table(size_t{64} << 20, kSeed);
  table.AddTx(V4(7), 5, 500);
  table.Reserve(3000);
  EXPECT_GE(table.Capacity() / 2, 3000u);
  EXPECT_LE(table.MemoryBytes(), size_t{64} << 20);
  ExpectCounters(ByAddress(table).at("10.0.0.7"), 0, 0, 5, 500);

  HostTable small(HostTable::kMinMemcap, kSeed);
  small.Reserve(1'000'000);  // stops at the cap
  EXPECT_LE(small.MemoryBytes(), HostTable::kMinMemcap);
}

TEST(HostTable, MemcapBoundsTheTable) {
  for (const size_t memcap :
       {HostTable::kMinMemcap, size_t{100'000}, size_t{1} << 20, size_t{3'000'000}}) {
    SCOPED_TRACE(memcap);
    HostTable table(memcap, kSeed);
    const auto addresses = static_cast<uint32_t>(memcap / HostTable::kSlotBytes * 2);
    std::vector<PacketMeta> metas;
    metas.reserve(addresses);
    for (uint32_t i = 0; i < addresses; ++i) {
      metas.push_back(Meta(V4(i), V4(i + 1), 60));
    }
    table.CountBatch(metas.data(), metas.size());
    EXPECT_LE(table.Capacity() * HostTable::kSlotBytes, memcap);
    EXPECT_EQ(table.MemoryBytes(), table.Capacity() * HostTable::kSlotBytes);
    // The cap is used: the next doubling would not fit.
    EXPECT_GT(table.Capacity() * 2 * HostTable::kSlotBytes, memcap);
    EXPECT_LE(table.Size(), table.MaxEntries());
    EXPECT_LE(table.MaxEntries(), table.Capacity());
    EXPECT_GT(table.EvictedHosts(), 0u);
  }

  // Below the minimum, the minimum applies.
  HostTable tiny(0, kSeed);
  for (uint32_t i = 0; i < 5000; ++i) {
    tiny.AddTx(V4(i), 1, 1);
  }
  EXPECT_EQ(tiny.MemoryBytes(), HostTable::kMinMemcap);
}

TEST(HostTable, EvictionAtTheCapKeepsTotals) {
  HostTable table(HostTable::kMinMemcap, kSeed);
  HostCounters expected;
  std::vector<PacketMeta> metas;
  for (uint32_t i = 0; i < 30'000; ++i) {
    const IpAddress src = i % 5 == 0 ? V6(i) : V4(i);
    const IpAddress dst = V4(1'000'000 + i % 4);
    const uint32_t wire = 40 + i % 1400;
    const uint32_t weight = i % 10 == 0 ? 3 : 1;
    metas.push_back(Meta(src, dst, wire, weight));
    expected.tx_packets += weight;
    expected.tx_bytes += uint64_t{wire} * weight;
  }
  expected.rx_packets = expected.tx_packets;
  expected.rx_bytes = expected.tx_bytes;
  table.CountBatch(metas.data(), metas.size());

  EXPECT_GT(table.EvictedHosts(), 0u);
  EXPECT_LE(table.Size(), table.MaxEntries());
  EXPECT_LE(table.MemoryBytes(), HostTable::kMinMemcap);
  EXPECT_EQ(table.Size(), table.Entries().size());
  EXPECT_EQ(table.EvictedHosts() + table.Size(), 30'000u + 4u);  // each address once
  const HostCounters total = Total(table);
  ExpectCounters(total, expected.rx_packets, expected.rx_bytes, expected.tx_packets,
                 expected.tx_bytes);
  // The four busy destinations are still there.
  const auto hosts = ByAddress(table);
  for (uint32_t d = 0; d < 4; ++d) {
    EXPECT_EQ(hosts.count(V4(1'000'000 + d).ToString()), 1u) << d;
  }
}

TEST(HostTable, HeavyHostsSurviveASpoofedFlood) {
  for (const uint64_t seed : {kSeed, uint64_t{1}, uint64_t{0xfeedface}}) {
    SCOPED_TRACE(seed);
    HostTable table(HostTable::kMinMemcap, seed);
    constexpr uint32_t kHeavy = 10;
    constexpr uint32_t kRounds = 100;
    std::vector<PacketMeta> metas;
    for (uint32_t r = 0; r < kRounds; ++r) {
      for (uint32_t h = 0; h < kHeavy; ++h) {
        metas.push_back(Meta(V4(h), V4((h + 1) % kHeavy), 1000));
      }
    }
    table.CountBatch(metas.data(), metas.size());

    // 100k one-packet sources at the cap, all aimed at heavy host 0.
    constexpr uint32_t kFlood = 100'000;
    metas.clear();
    for (uint32_t i = 0; i < kFlood; ++i) {
      metas.push_back(Meta(IpAddress::V4(0x64000000u + i), V4(0), 60));
    }
    table.CountBatch(metas.data(), metas.size());

    EXPECT_GT(table.EvictedHosts(), kFlood / 2);
    const auto hosts = ByAddress(table);
    for (uint32_t h = 0; h < kHeavy; ++h) {
      SCOPED_TRACE(h);
      const auto it = hosts.find(V4(h).ToString());
      ASSERT_NE(it, hosts.end()) << "a heavy host was evicted";
      const uint64_t extra = h == 0 ? kFlood : 0;
      ExpectCounters(it->second, kRounds + extra, kRounds * 1000 + extra * 60, kRounds,
                     kRounds * 1000);
    }
    const HostCounters total = Total(table);
    EXPECT_EQ(total.tx_packets, kHeavy * kRounds + kFlood);
    EXPECT_EQ(total.rx_packets, kHeavy * kRounds + kFlood);
    EXPECT_EQ(total.tx_bytes, uint64_t{kHeavy} * kRounds * 1000 + uint64_t{kFlood} * 60);
  }
}

TEST(HostTable, MergeTablesWithDifferentSeeds) {
  HostTable a(size_t{16} << 20, 1);
  HostTable b(size_t{16} << 20, 2);
  const IpAddress x = Addr("198.51.100.1");
  const IpAddress y = Addr("198.51.100.2");
  const IpAddress z = Addr("2001:db8::9");
  const std::vector<PacketMeta> in_a = {Meta(x, y, 100), Meta(x, y, 100), Meta(x, y, 100)};
  const std::vector<PacketMeta> in_b = {Meta(x, z, 50), Meta(x, z, 50), Meta(z, y, 10)};
  a.CountBatch(in_a.data(), in_a.size());
  b.CountBatch(in_b.data(), in_b.size());
  a.Merge(b);
  const auto hosts = ByAddress(a);
  ASSERT_EQ(hosts.size(), 3u);
  ExpectCounters(hosts.at("198.51.100.1"), 0, 0, 5, 400);
  ExpectCounters(hosts.at("198.51.100.2"), 4, 310, 0, 0);
  ExpectCounters(hosts.at("2001:db8::9"), 2, 100, 1, 10);
  // The source table is unchanged.
  EXPECT_EQ(b.Size(), 3u);
  ExpectCounters(ByAddress(b).at("198.51.100.1"), 0, 0, 2, 100);
}

TEST(HostTable, MergeCarriesEvictionsAndBalances) {
  HostTable small(HostTable::kMinMemcap, 11);
  HostTable big(size_t{64} << 20, 22);
  std::vector<PacketMeta> metas;
  for (uint32_t i = 0; i < 5000; ++i) {
    metas.push_back(Meta(V4(i), V4(100'000), 100));
  }
  small.CountBatch(metas.data(), metas.size());
  ASSERT_GT(small.EvictedHosts(), 0u);
  const uint64_t small_evicted = small.EvictedHosts();

  metas.clear();
  for (uint32_t i = 0; i < 3000; ++i) {
    metas.push_back(Meta(V6(i), V6(100'000), 10));
  }
  big.CountBatch(metas.data(), metas.size());
  ASSERT_EQ(big.EvictedHosts(), 0u);

  // Merging the evicting table into the big one keeps its aggregate.
  HostTable merged(size_t{64} << 20, 33);
  merged.Merge(small);
  merged.Merge(big);
  EXPECT_EQ(merged.EvictedHosts(), small_evicted);
  EXPECT_EQ(merged.Size(), small.Size() + big.Size());
  const HostCounters total = Total(merged);
  ExpectCounters(total, 5000 + 3000, 5000 * 100 + 3000 * 10, 5000 + 3000, 5000 * 100 + 3000 * 10);

  // Merging the big table into the small one evicts at the small one's cap and still balances.
  small.Merge(big);
  EXPECT_LE(small.MemoryBytes(), HostTable::kMinMemcap);
  EXPECT_GT(small.EvictedHosts(), small_evicted);
  const HostCounters small_total = Total(small);
  ExpectCounters(small_total, 5000 + 3000, 5000 * 100 + 3000 * 10, 5000 + 3000,
                 5000 * 100 + 3000 * 10);
}

}  // namespace
}  // namespace rampart
