#include "track/address_index.h"

#include <gtest/gtest.h>

#include <set>

namespace rampart {
namespace {

TEST(AddressIndex, InsertFindEraseAndReuseIds) {
  AddressIndex index(100, 5);
  std::set<uint32_t> ids;
  for (uint32_t i = 0; i < 100; ++i) {
    const IpAddress a = IpAddress::V4(0x0a000000u + i);
    bool inserted = false;
    const uint32_t id = index.FindOrInsert(a, index.Hash(a), &inserted);
    ASSERT_TRUE(inserted);
    ASSERT_LT(id, 100u);
    ids.insert(id);
    EXPECT_EQ(index.AddressOf(id), a);
  }
  EXPECT_EQ(ids.size(), 100u);
  EXPECT_EQ(index.Size(), 100u);
  // Full: a new address gets no id until one is erased.
  const IpAddress extra = *IpAddress::Parse("2001:db8::1");
  bool inserted = true;
  EXPECT_EQ(index.FindOrInsert(extra, index.Hash(extra), &inserted), AddressIndex::kNone);
  EXPECT_FALSE(inserted);
  // Erase every other address; the rest stay findable (backward shift keeps probe runs whole).
  for (uint32_t i = 0; i < 100; i += 2) {
    const IpAddress a = IpAddress::V4(0x0a000000u + i);
    index.Erase(a, index.Hash(a));
  }
  EXPECT_EQ(index.Size(), 50u);
  for (uint32_t i = 0; i < 100; ++i) {
    const IpAddress a = IpAddress::V4(0x0a000000u + i);
    const uint32_t id = index.Find(a, index.Hash(a));
    if (i % 2 == 0) {
      EXPECT_EQ(id, AddressIndex::kNone) << i;
    } else {
      ASSERT_NE(id, AddressIndex::kNone) << i;
      EXPECT_EQ(index.AddressOf(id), a);
    }
  }
  const uint32_t reused = index.FindOrInsert(extra, index.Hash(extra), &inserted);
  EXPECT_TRUE(inserted);
  EXPECT_LT(reused, 100u);
  EXPECT_EQ(index.Find(extra, index.Hash(extra)), reused);
  index.Erase(extra, index.Hash(extra));  // erasing twice is harmless
  index.Erase(extra, index.Hash(extra));
  EXPECT_EQ(index.Size(), 50u);
}

}  // namespace
}  // namespace rampart
