// CaptureReader on pcapng files written block by block, plus the pcapng test files shipped in
// both byte orders.
#include "capture/capture_reader.h"

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "capture_test_util.h"

namespace rampart::capture_test {
namespace {

// ---------------------------------------------------------------------------------------------
// pcapng

constexpr int64_t kTsOffsetSeconds = 100;

std::vector<uint8_t> TwoInterfaceFile(bool big_endian) {
  PcapngWriter w(big_endian);
  w.Section()
      .Interface(1, 0, 9)                              // Ethernet, nanoseconds
      .Interface(101, 0, 0x80 | 10, kTsOffsetSeconds)  // raw IP, 2^-10 s, +100 s
      .Enhanced(0, 1'500'000'000'123'456'789ull, Pattern(60, 1))
      .Block(4, Bytes(big_endian).U16(0).U16(0))  // a name resolution block: skipped
      .Enhanced(1, (5ull << 10) + 512, Pattern(40, 2), 1500)
      .Block(0x40000bad, Bytes(big_endian).U32(7))  // a custom block: skipped
      .Interface(1)                                 // default resolution: microseconds
      .Enhanced(2, 2'000'000, Pattern(61, 3));
  return w.bytes();
}

TEST(PcapngReader, InterfacesResolutionsOffsetsAndSkippedBlocks) {
  for (const bool big_endian : {false, true}) {
    SCOPED_TRACE(big_endian ? "big-endian" : "little-endian");
    const std::vector<uint8_t> file = TwoInterfaceFile(big_endian);
    CaptureReader reader;
    std::string error;
    ASSERT_TRUE(reader.OpenMemory(file.data(), file.size(), &error)) << error;
    const std::vector<Packet> packets = ReadAll(reader);
    ASSERT_EQ(packets.size(), 3u);

    EXPECT_EQ(packets[0].ts_ns, 1'500'000'000'123'456'789);
    EXPECT_EQ(packets[0].link_type, 1);
    EXPECT_EQ(packets[0].interface_id, 0u);
    EXPECT_EQ(packets[0].data, Pattern(60, 1));
    EXPECT_EQ(packets[0].wire_len, 60u);

    EXPECT_EQ(packets[1].ts_ns, 5'500'000'000 + kTsOffsetSeconds * kNanosPerSecond);
    EXPECT_EQ(packets[1].link_type, 101);
    EXPECT_EQ(packets[1].interface_id, 1u);
    EXPECT_EQ(packets[1].data, Pattern(40, 2));
    EXPECT_EQ(packets[1].wire_len, 1500u);

    EXPECT_EQ(packets[2].ts_ns, 2'000'000'000);
    EXPECT_EQ(packets[2].interface_id, 2u);

    const CaptureFileFacts& facts = reader.facts();
    EXPECT_EQ(facts.format, "pcapng");
    EXPECT_EQ(facts.big_endian, big_endian);
    EXPECT_EQ(facts.sections, 1u);
    EXPECT_EQ(facts.interfaces, 3u);
    EXPECT_EQ(facts.link_types, (std::vector<uint16_t>{1, 101}));
    EXPECT_EQ(facts.skipped_blocks, 2u);
    EXPECT_EQ(facts.packets, 3u);
    EXPECT_EQ(facts.cut_by_snaplen, 1u);
    EXPECT_EQ(facts.wire_bytes, 60u + 1500u + 61u);
    EXPECT_EQ(facts.captured_bytes, 60u + 40u + 61u);
    EXPECT_EQ(facts.damage.status, CaptureStatus::kOk);
    EXPECT_EQ(reader.BytesConsumed(), file.size());
  }
}

TEST(PcapngReader, DecimalResolutionsAboveNanoseconds) {
  PcapngWriter w(false);
  w.Section()
      .Interface(1, 0, 3)   // milliseconds
      .Interface(1, 0, 12)  // picoseconds
      .Enhanced(0, 1'234, Pattern(10, 1))
      .Enhanced(1, 5'000'000'000'007ull, Pattern(10, 2));
  CaptureReader reader;
  std::string error;
  ASSERT_TRUE(reader.OpenMemory(w.bytes().data(), w.bytes().size(), &error)) << error;
  const std::vector<Packet> packets = ReadAll(reader);
  ASSERT_EQ(packets.size(), 2u);
  EXPECT_EQ(packets[0].ts_ns, 1'234'000'000);
  EXPECT_EQ(packets[1].ts_ns, 5'000'000'000);
}

TEST(PcapngReader, SimplePacketBlockKeepsThePreviousTime) {
  PcapngWriter w(false);
  w.Section().Interface(1, 0, 9).Enhanced(0, 42'000'000'000, Pattern(60, 1)).Simple(Pattern(5, 2));
  CaptureReader reader;
  std::string error;
  ASSERT_TRUE(reader.OpenMemory(w.bytes().data(), w.bytes().size(), &error)) << error;
  const std::vector<Packet> packets = ReadAll(reader);
  ASSERT_EQ(packets.size(), 2u);
  EXPECT_EQ(packets[1].ts_ns, 42'000'000'000);
  EXPECT_EQ(packets[1].data, Pattern(5, 2));  // not the block's padding
  EXPECT_EQ(packets[1].wire_len, 5u);
  EXPECT_EQ(packets[1].interface_id, 0u);
  EXPECT_EQ(packets[1].link_type, 1);
  EXPECT_EQ(reader.facts().damage.status, CaptureStatus::kOk);

  // The interface's snap length bounds a simple packet.
  PcapngWriter snapped(true);
  snapped.Section().Interface(1, 4).Simple(Pattern(5, 2));
  CaptureReader cut_reader;
  ASSERT_TRUE(cut_reader.OpenMemory(snapped.bytes().data(), snapped.bytes().size(), &error))
      << error;
  const std::vector<Packet> cut = ReadAll(cut_reader);
  ASSERT_EQ(cut.size(), 1u);
  EXPECT_EQ(cut[0].data, Pattern(4, 2));
  EXPECT_EQ(cut[0].wire_len, 5u);
  EXPECT_EQ(cut_reader.facts().cut_by_snaplen, 1u);

  // A simple packet needs an interface.
  PcapngWriter orphan(false);
  orphan.Section().Simple(Pattern(5, 2));
  CaptureReader orphan_reader;
  ASSERT_TRUE(orphan_reader.OpenMemory(orphan.bytes().data(), orphan.bytes().size(), &error));
  EXPECT_TRUE(ReadAll(orphan_reader).empty());
  EXPECT_EQ(orphan_reader.facts().damage.status, CaptureStatus::kCorrupt);
  EXPECT_EQ(orphan_reader.facts().damage.byte_offset, orphan.BlockOffset(1));
}

TEST(PcapngReader, ObsoletePacketBlock) {
  for (const bool big_endian : {false, true}) {
    SCOPED_TRACE(big_endian);
    PcapngWriter w(big_endian);
    w.Section().Interface(1).Interface(113, 0, 6).Obsolete(1, 7'000'001, Pattern(33, 4));
    CaptureReader reader;
    std::string error;
    ASSERT_TRUE(reader.OpenMemory(w.bytes().data(), w.bytes().size(), &error)) << error;
    const std::vector<Packet> packets = ReadAll(reader);
    ASSERT_EQ(packets.size(), 1u);
    EXPECT_EQ(packets[0].ts_ns, 7'000'001'000);
    EXPECT_EQ(packets[0].interface_id, 1u);
    EXPECT_EQ(packets[0].link_type, 113);
    EXPECT_EQ(packets[0].data, Pattern(33, 4));
    EXPECT_EQ(reader.facts().damage.status, CaptureStatus::kOk);
  }
}

TEST(PcapngReader, SectionsWithDifferentByteOrders) {
  PcapngWriter w(false);
  w.Section(false).Interface(1, 0, 9).Enhanced(0, 1'000, Pattern(60, 1));
  w.Section(true).Interface(101, 0, 9).Enhanced(0, 2'000, Pattern(44, 2));
  CaptureReader reader;
  std::string error;
  ASSERT_TRUE(reader.OpenMemory(w.bytes().data(), w.bytes().size(), &error)) << error;
  const std::vector<Packet> packets = ReadAll(reader);
  ASSERT_EQ(packets.size(), 2u);
  EXPECT_EQ(packets[0].ts_ns, 1'000);
  EXPECT_EQ(packets[0].link_type, 1);
  EXPECT_EQ(packets[0].data, Pattern(60, 1));
  EXPECT_EQ(packets[1].ts_ns, 2'000);
  EXPECT_EQ(packets[1].link_type, 101);
  EXPECT_EQ(packets[1].interface_id, 0u);
  EXPECT_EQ(packets[1].data, Pattern(44, 2));
  const CaptureFileFacts& facts = reader.facts();
  EXPECT_EQ(facts.sections, 2u);
  EXPECT_EQ(facts.interfaces, 2u);
  EXPECT_EQ(facts.link_types, (std::vector<uint16_t>{1, 101}));
  EXPECT_EQ(facts.damage.status, CaptureStatus::kOk);
}

TEST(PcapngReader, PacketNamingAnUndefinedInterfaceIsCorrupt) {
  PcapngWriter w(false);
  w.Section().Interface(1).Enhanced(0, 1, Pattern(60, 1)).Enhanced(1, 2, Pattern(60, 2));
  CaptureReader reader;
  std::string error;
  ASSERT_TRUE(reader.OpenMemory(w.bytes().data(), w.bytes().size(), &error)) << error;
  EXPECT_EQ(ReadAll(reader).size(), 1u);
  const CaptureDamage& damage = reader.facts().damage;
  EXPECT_EQ(damage.status, CaptureStatus::kCorrupt);
  EXPECT_EQ(damage.byte_offset, w.BlockOffset(3));
  EXPECT_EQ(damage.packet_index, 1u);

  // Interface ids are per section: the second section has only interface 0.
  PcapngWriter two(false);
  two.Section().Interface(1).Interface(1).Section(true).Interface(1).Enhanced(1, 2, Pattern(9, 1));
  CaptureReader second;
  ASSERT_TRUE(second.OpenMemory(two.bytes().data(), two.bytes().size(), &error)) << error;
  EXPECT_TRUE(ReadAll(second).empty());
  EXPECT_EQ(second.facts().damage.status, CaptureStatus::kCorrupt);
  EXPECT_EQ(second.facts().damage.byte_offset, two.BlockOffset(5));
}

TEST(PcapngReader, BadTrailerLengthIsCorrupt) {
  PcapngWriter w(true);
  w.Section().Interface(1).Enhanced(0, 1, Pattern(60, 1)).Enhanced(0, 2, Pattern(60, 2));
  std::vector<uint8_t>& bytes = w.bytes();
  bytes[bytes.size() - 1] ^= 0x04;  // the last block's trailing length (big-endian low byte)
  CaptureReader reader;
  std::string error;
  ASSERT_TRUE(reader.OpenMemory(bytes.data(), bytes.size(), &error)) << error;
  EXPECT_EQ(ReadAll(reader).size(), 1u);
  const CaptureDamage& damage = reader.facts().damage;
  EXPECT_EQ(damage.status, CaptureStatus::kCorrupt);
  EXPECT_EQ(damage.byte_offset, w.BlockOffset(3));
  EXPECT_EQ(damage.packet_index, 1u);
  EXPECT_NE(damage.reason.find("trailer"), std::string::npos) << damage.reason;
}

TEST(PcapngReader, BlockLengthNotAMultipleOfFourIsCorrupt) {
  PcapngWriter w(false);
  w.Section().Interface(1).Enhanced(0, 1, Pattern(60, 1));
  std::vector<uint8_t>& bytes = w.bytes();
  bytes[w.BlockOffset(2) + 4] += 2;  // little-endian block length
  CaptureReader reader;
  std::string error;
  ASSERT_TRUE(reader.OpenMemory(bytes.data(), bytes.size(), &error)) << error;
  EXPECT_TRUE(ReadAll(reader).empty());
  EXPECT_EQ(reader.facts().damage.status, CaptureStatus::kCorrupt);
  EXPECT_EQ(reader.facts().damage.byte_offset, w.BlockOffset(2));
}

TEST(PcapngReader, TruncatedBlock) {
  for (const size_t keep : {size_t{6}, size_t{40}}) {  // in the block header, in the block
    SCOPED_TRACE(keep);
    PcapngWriter w(false);
    w.Section().Interface(1).Enhanced(0, 1, Pattern(60, 1)).Enhanced(0, 2, Pattern(60, 2));
    std::vector<uint8_t>& bytes = w.bytes();
    bytes.resize(w.BlockOffset(3) + keep);
    CaptureReader reader;
    std::string error;
    ASSERT_TRUE(reader.OpenMemory(bytes.data(), bytes.size(), &error)) << error;
    EXPECT_EQ(ReadAll(reader).size(), 1u);
    const CaptureDamage& damage = reader.facts().damage;
    EXPECT_EQ(damage.status, CaptureStatus::kTruncated);
    EXPECT_EQ(damage.byte_offset, w.BlockOffset(3));
    EXPECT_EQ(damage.packet_index, 1u);
  }
}

TEST(PcapngReader, ShippedTest005IsTheSameInBothByteOrders) {
  const std::string base = std::string(RAMPART_SOURCE_DIR) + "/tests/data/captures/pcapng/";
  std::vector<Packet> by_order[2];
  for (const int big : {0, 1}) {
    const std::string path = base + (big == 1 ? "be" : "le") + "/test005.pcapng";
    SCOPED_TRACE(path);
    CaptureReader reader;
    std::string error;
    ASSERT_TRUE(reader.Open(path, &error)) << error;
    by_order[big] = ReadAll(reader);
    const CaptureFileFacts& facts = reader.facts();
    EXPECT_EQ(facts.damage.status, CaptureStatus::kOk) << facts.damage.reason;
    EXPECT_EQ(facts.big_endian, big == 1);
    EXPECT_EQ(facts.format, "pcapng");
    EXPECT_EQ(facts.interfaces, 2u);
    EXPECT_EQ(facts.packets, 4u);
    EXPECT_EQ(facts.cut_by_snaplen, 4u);
  }
  ASSERT_EQ(by_order[0].size(), 4u);
  ASSERT_EQ(by_order[1].size(), by_order[0].size());
  for (size_t i = 0; i < by_order[0].size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_TRUE(by_order[0][i] == by_order[1][i]);
    EXPECT_EQ(by_order[0][i].ts_ns, by_order[1][i].ts_ns);
    EXPECT_EQ(by_order[0][i].data, by_order[1][i].data);
  }
  // What tshark reports for these files.
  const int64_t first = 1'340'954'905'298'858'000;
  const uint32_t wire[] = {314, 342, 314, 342};
  const size_t captured[] = {96, 128, 96, 128};
  for (size_t i = 0; i < 4; ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(by_order[0][i].ts_ns, first + static_cast<int64_t>(i) * 1'000'000);
    EXPECT_EQ(by_order[0][i].wire_len, wire[i]);
    EXPECT_EQ(by_order[0][i].data.size(), captured[i]);
    EXPECT_EQ(by_order[0][i].interface_id, i % 2);
    EXPECT_EQ(by_order[0][i].link_type, 1);
  }
}

}  // namespace
}  // namespace rampart::capture_test
