#include <gtest/gtest.h>

#include <set>

#include "core/byte_order.h"
#include "core/hash.h"
#include "core/ip_address.h"
#include "core/timestamp.h"

namespace rampart {
namespace {

TEST(IpAddress, ParsesAndPrintsBothFamilies) {
  const auto v4 = IpAddress::Parse("192.0.2.7");
  ASSERT_TRUE(v4.has_value());
  EXPECT_TRUE(v4->IsV4());
  EXPECT_EQ(v4->ToString(), "192.0.2.7");
  const auto v6 = IpAddress::Parse("2001:db8::7");
  ASSERT_TRUE(v6.has_value());
  EXPECT_TRUE(v6->IsV6());
  EXPECT_EQ(v6->ToString(), "2001:db8::7");
  EXPECT_FALSE(IpAddress::Parse("192.0.2.300").has_value());
  EXPECT_FALSE(IpAddress::Parse("").has_value());
  EXPECT_FALSE(IpAddress::Parse(std::string(100, '1')).has_value());
  EXPECT_EQ(IpAddress().ToString(), "-");
}

TEST(IpAddress, MappedV6IsNotTheV4Address) {
  const IpAddress v4 = *IpAddress::Parse("192.0.2.1");
  const IpAddress mapped = *IpAddress::Parse("::ffff:192.0.2.1");
  EXPECT_FALSE(v4 == mapped);
  EXPECT_TRUE(v4 < mapped);  // IPv4 sorts first
}

TEST(IpAddress, AssignInPlaceMatchesConstructors) {
  const uint8_t four[4] = {10, 1, 2, 3};
  IpAddress a = *IpAddress::Parse("2001:db8::1");  // dirty bytes beyond the first four
  a.AssignV4(four);
  EXPECT_EQ(a, IpAddress::V4(four));
  EXPECT_EQ(a, IpAddress::V4(0x0a010203u));
  EXPECT_EQ(a.ToString(), "10.1.2.3");
}

TEST(ByteOrder, LoadsBothOrders) {
  const uint8_t bytes[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  EXPECT_EQ(LoadBe16(bytes), 0x0102);
  EXPECT_EQ(LoadBe32(bytes), 0x01020304u);
  EXPECT_EQ(LoadBe64(bytes), 0x0102030405060708ull);
  EXPECT_EQ(LoadLe32(bytes), 0x04030201u);
  EXPECT_EQ(Load32(bytes, false), LoadLe32(bytes));
  EXPECT_EQ(Load32(bytes, true), LoadBe32(bytes));
}

TEST(Hash, SeedChangesPlacementAndSpreadsSequentialKeys) {
  std::set<uint64_t> buckets_a;
  std::set<uint64_t> buckets_b;
  size_t same = 0;
  for (uint64_t i = 0; i < 4096; ++i) {
    const uint64_t a = HashKey128(i, 0, 4, 1);
    const uint64_t b = HashKey128(i, 0, 4, 2);
    buckets_a.insert(a & 4095);
    buckets_b.insert(b & 4095);
    same += (a & 4095) == (b & 4095) ? 1 : 0;
  }
  // Sequential addresses spread over most buckets, and another seed places them elsewhere.
  EXPECT_GT(buckets_a.size(), 2400u);
  EXPECT_GT(buckets_b.size(), 2400u);
  EXPECT_LT(same, 40u);
  EXPECT_NE(HashKey128(1, 2, 4, 9), HashKey128(1, 2, 6, 9));  // the family takes part
  EXPECT_NE(RandomSeed(), RandomSeed());
}

TEST(Timestamp, FormatsNanosecondsUtc) {
  EXPECT_EQ(FormatIso8601(1477040400LL * kNanosPerSecond + 5), "2016-10-21T09:00:00.000000005Z");
  EXPECT_EQ(FormatIso8601(0), "1970-01-01T00:00:00.000000000Z");
  EXPECT_EQ(FormatIso8601(-1), "1969-12-31T23:59:59.999999999Z");
}

}  // namespace
}  // namespace rampart

#include "core/prefix.h"
#include "core/prefix_trie.h"

namespace rampart {
namespace {

TEST(Prefix, ParsesMasksAndContains) {
  const auto p = Prefix::Parse("198.51.100.77/24");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->ToString(), "198.51.100.0/24");
  EXPECT_TRUE(p->Contains(*IpAddress::Parse("198.51.100.1")));
  EXPECT_FALSE(p->Contains(*IpAddress::Parse("198.51.101.1")));
  EXPECT_FALSE(p->Contains(*IpAddress::Parse("::ffff:198.51.100.1")));
  EXPECT_EQ(Prefix::Parse("2001:db8:ab:cd::1/50")->ToString(), "2001:db8:ab::/50");
  EXPECT_EQ(Prefix::Parse("2001:db8::1/127")->ToString(), "2001:db8::/127");
  EXPECT_EQ(Prefix::Parse("10.0.0.1")->length, 32);
  EXPECT_EQ(Prefix::Parse("10.1.2.3/0")->ToString(), "0.0.0.0/0");
  EXPECT_EQ(Prefix::Of(*IpAddress::Parse("2001:db8::ffff"), 64).ToString(), "2001:db8::/64");
  for (const char* bad :
       {"10.0.0.0/33", "10.0.0.0/", "10.0.0.0/x", "::/129", "nope/8", "1.2.3/8"}) {
    EXPECT_FALSE(Prefix::Parse(bad).has_value()) << bad;
  }
}

TEST(PrefixTrie, LongestMatchWinsAcrossFamilies) {
  PrefixTrie<int> trie;
  trie.Insert(*Prefix::Parse("198.51.0.0/16"), 16);
  trie.Insert(*Prefix::Parse("198.51.100.0/24"), 24);
  trie.Insert(*Prefix::Parse("198.51.100.53/32"), 32);
  trie.Insert(*Prefix::Parse("2001:db8::/32"), 6);
  EXPECT_EQ(*trie.Lookup(*IpAddress::Parse("198.51.100.53")), 32);
  EXPECT_EQ(*trie.Lookup(*IpAddress::Parse("198.51.100.54")), 24);
  EXPECT_EQ(*trie.Lookup(*IpAddress::Parse("198.51.7.1")), 16);
  EXPECT_EQ(trie.Lookup(*IpAddress::Parse("192.0.2.1")), nullptr);
  EXPECT_EQ(*trie.Lookup(*IpAddress::Parse("2001:db8::9")), 6);
  EXPECT_EQ(trie.Lookup(*IpAddress::Parse("2001:db9::9")), nullptr);
  EXPECT_EQ(trie.Lookup(IpAddress()), nullptr);
  PrefixTrie<int> all;
  all.Insert(*Prefix::Parse("0.0.0.0/0"), 1);
  EXPECT_EQ(*all.Lookup(*IpAddress::Parse("8.8.8.8")), 1);
  EXPECT_EQ(all.Lookup(*IpAddress::Parse("::1")), nullptr);
}

}  // namespace
}  // namespace rampart
