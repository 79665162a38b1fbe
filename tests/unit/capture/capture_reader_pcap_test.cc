// CaptureReader on classic pcap files written byte by byte (every magic, both byte orders), in
// memory and in temporary files, and on files that are not captures at all.
#include "capture/capture_reader.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <string>
#include <vector>

#include "capture_test_util.h"

namespace rampart::capture_test {
namespace {

// ---------------------------------------------------------------------------------------------
// pcap

struct PcapVariant {
  uint32_t magic;
  bool big_endian;
  const char* format;
  int64_t fraction_ns;  // nanoseconds per unit of the record's fraction field
};

class PcapVariantTest : public ::testing::TestWithParam<PcapVariant> {};

TEST_P(PcapVariantTest, ReadsRecordsInMemoryAndFromAFile) {
  const PcapVariant v = GetParam();
  const std::vector<Record> records = {
      {1700000000, 123456, Pattern(60, 1), 0},
      {1700000001, 999999, Pattern(1514, 2), 0},
      {1700000002, 0, Pattern(1, 3), 0},
  };
  const std::vector<uint8_t> file = PcapFile(v.magic, v.big_endian, 1, records, 262144);

  TempDir dir;
  const std::string path = dir.Write("variant.pcap", file);
  for (const bool from_file : {false, true}) {
    SCOPED_TRACE(from_file ? "Open" : "OpenMemory");
    CaptureReader reader;
    std::string error;
    ASSERT_TRUE(from_file ? reader.Open(path, &error)
                          : reader.OpenMemory(file.data(), file.size(), &error))
        << error;
    const std::vector<Packet> packets = ReadAll(reader);
    ASSERT_EQ(packets.size(), records.size());
    for (size_t i = 0; i < records.size(); ++i) {
      SCOPED_TRACE(i);
      EXPECT_EQ(packets[i].ts_ns, static_cast<int64_t>(records[i].seconds) * kNanosPerSecond +
                                      records[i].fraction * v.fraction_ns);
      EXPECT_EQ(packets[i].data, records[i].data);
      EXPECT_EQ(packets[i].wire_len, records[i].data.size());
      EXPECT_EQ(packets[i].link_type, 1);
      EXPECT_EQ(packets[i].interface_id, 0u);
    }
    const CaptureFileFacts& facts = reader.facts();
    EXPECT_EQ(facts.path, from_file ? path : "<memory>");
    EXPECT_EQ(facts.format, v.format);
    EXPECT_EQ(facts.big_endian, v.big_endian);
    EXPECT_EQ(facts.snaplen, 262144u);
    EXPECT_EQ(facts.link_types, std::vector<uint16_t>{1});
    EXPECT_EQ(facts.interfaces, 1u);
    EXPECT_EQ(facts.sections, 1u);
    EXPECT_EQ(facts.packets, 3u);
    EXPECT_EQ(facts.wire_bytes, 60u + 1514u + 1u);
    EXPECT_EQ(facts.captured_bytes, 60u + 1514u + 1u);
    EXPECT_EQ(facts.cut_by_snaplen, 0u);
    EXPECT_EQ(facts.file_size, file.size());
    EXPECT_EQ(facts.damage.status, CaptureStatus::kOk);
    EXPECT_EQ(reader.BytesConsumed(), file.size());
    RawPacket raw;
    EXPECT_FALSE(reader.Next(raw));  // stays at the end
  }
}

INSTANTIATE_TEST_SUITE_P(
    Pcap, PcapVariantTest,
    ::testing::Values(PcapVariant{kMagicMicro, false, "pcap", 1000},
                      PcapVariant{kMagicMicro, true, "pcap", 1000},
                      PcapVariant{kMagicNano, false, "pcap-nsec", 1},
                      PcapVariant{kMagicNano, true, "pcap-nsec", 1},
                      PcapVariant{kMagicModified, false, "pcap-modified", 1000},
                      PcapVariant{kMagicModified, true, "pcap-modified", 1000}),
    [](const ::testing::TestParamInfo<PcapVariant>& variant) {
      const std::string magic = variant.param.magic == kMagicMicro  ? "Micro"
                                : variant.param.magic == kMagicNano ? "Nano"
                                                                    : "Modified";
      return magic + (variant.param.big_endian ? "BigEndian" : "LittleEndian");
    });

TEST(PcapReader, LinkTypeUpperBitsAreIgnored) {
  const std::vector<uint8_t> file =
      PcapFile(kMagicMicro, false, 0x10000000u | 113, {{1, 0, Pattern(20, 0), 0}});
  CaptureReader reader;
  std::string error;
  ASSERT_TRUE(reader.OpenMemory(file.data(), file.size(), &error)) << error;
  const std::vector<Packet> packets = ReadAll(reader);
  ASSERT_EQ(packets.size(), 1u);
  EXPECT_EQ(packets[0].link_type, 113);
  EXPECT_EQ(reader.facts().link_types, std::vector<uint16_t>{113});
}

TEST(PcapReader, SnaplenCutRecord) {
  const std::vector<uint8_t> file = PcapFile(kMagicNano, kHostBigEndian, 1,
                                             {{5, 6, Pattern(96, 1), 1514},
                                              {5, 7, Pattern(60, 2), 0},
                                              {5, 8, Pattern(80, 3), 40}},  // orig < incl
                                             96);
  CaptureReader reader;
  std::string error;
  ASSERT_TRUE(reader.OpenMemory(file.data(), file.size(), &error)) << error;
  const std::vector<Packet> packets = ReadAll(reader);
  ASSERT_EQ(packets.size(), 3u);
  EXPECT_EQ(packets[0].data.size(), 96u);
  EXPECT_EQ(packets[0].wire_len, 1514u);
  EXPECT_EQ(packets[1].wire_len, 60u);
  EXPECT_EQ(packets[2].wire_len, 80u);  // a wire length below the captured one is not trusted
  EXPECT_EQ(packets[2].data.size(), 80u);
  const CaptureFileFacts& facts = reader.facts();
  EXPECT_EQ(facts.cut_by_snaplen, 1u);
  EXPECT_EQ(facts.wire_bytes, 1514u + 60u + 80u);
  EXPECT_EQ(facts.captured_bytes, 96u + 60u + 80u);
  EXPECT_EQ(facts.snaplen, 96u);
  EXPECT_EQ(facts.damage.status, CaptureStatus::kOk);
}

TEST(PcapReader, TruncatedRecordHeader) {
  std::vector<uint8_t> file =
      PcapFile(kMagicMicro, false, 1, {{1, 0, Pattern(60, 1), 0}, {2, 0, Pattern(70, 2), 0}});
  const size_t cut_at = 24 + 16 + 60 + 16 + 70 + 10;  // 10 bytes of a third record header
  file.resize(cut_at, 0xee);
  CaptureReader reader;
  std::string error;
  ASSERT_TRUE(reader.OpenMemory(file.data(), file.size(), &error)) << error;
  EXPECT_EQ(ReadAll(reader).size(), 2u);
  const CaptureDamage& damage = reader.facts().damage;
  EXPECT_EQ(damage.status, CaptureStatus::kTruncated);
  EXPECT_EQ(damage.byte_offset, 24u + 16 + 60 + 16 + 70);
  EXPECT_EQ(damage.packet_index, 2u);
  EXPECT_FALSE(damage.reason.empty());
  EXPECT_EQ(reader.facts().packets, 2u);
}

TEST(PcapReader, TruncatedRecordData) {
  for (const bool big_endian : {false, true}) {
    SCOPED_TRACE(big_endian);
    std::vector<uint8_t> file =
        PcapFile(kMagicNano, big_endian, 1, {{1, 0, Pattern(60, 1), 0}, {2, 0, Pattern(50, 2), 0}});
    file.resize(file.size() - 30);  // 20 of the second record's 50 bytes remain
    CaptureReader reader;
    std::string error;
    ASSERT_TRUE(reader.OpenMemory(file.data(), file.size(), &error)) << error;
    const std::vector<Packet> packets = ReadAll(reader);
    ASSERT_EQ(packets.size(), 1u);
    EXPECT_EQ(packets[0].data, Pattern(60, 1));
    const CaptureDamage& damage = reader.facts().damage;
    EXPECT_EQ(damage.status, CaptureStatus::kTruncated);
    EXPECT_EQ(damage.byte_offset, 24u + 16 + 60);
    EXPECT_EQ(damage.packet_index, 1u);
    EXPECT_NE(damage.reason.find("20 of 50"), std::string::npos) << damage.reason;
  }
}

TEST(PcapReader, RecordLongerThanTheMaximumIsCorrupt) {
  Bytes out = PcapHeader(kMagicMicro, false, 65535, 1);
  AppendRecord(out, kMagicMicro, {1, 0, Pattern(60, 1), 0});
  out.U32(2).U32(0).U32(262145).U32(262145);  // over the 256 KiB limit, no data follows
  CaptureReader reader;
  std::string error;
  ASSERT_TRUE(reader.OpenMemory(out.data().data(), out.size(), &error)) << error;
  EXPECT_EQ(ReadAll(reader).size(), 1u);
  const CaptureDamage& damage = reader.facts().damage;
  EXPECT_EQ(damage.status, CaptureStatus::kCorrupt);
  EXPECT_EQ(damage.byte_offset, 24u + 16 + 60);
  EXPECT_EQ(damage.packet_index, 1u);
  EXPECT_NE(damage.reason.find("262145"), std::string::npos) << damage.reason;
}

TEST(PcapReader, LargeSnaplenRaisesTheMaximum) {
  const std::vector<uint8_t> file =
      PcapFile(kMagicMicro, false, 1, {{1, 0, Pattern(300000, 1), 0}}, 400000);
  CaptureReader reader;
  std::string error;
  ASSERT_TRUE(reader.OpenMemory(file.data(), file.size(), &error)) << error;
  const std::vector<Packet> packets = ReadAll(reader);
  ASSERT_EQ(packets.size(), 1u);
  EXPECT_EQ(packets[0].data.size(), 300000u);
  EXPECT_EQ(reader.facts().damage.status, CaptureStatus::kOk);
}

TEST(CaptureReaderOpen, EmptyAndNonCaptureFilesFailWithOneLine) {
  TempDir dir;
  struct Case {
    const char* name;
    std::vector<uint8_t> bytes;
    const char* expect;  // a part of the error
  };
  const std::string text = "GET / HTTP/1.1\r\nHost: example\r\n\r\n";
  const std::vector<Case> cases = {
      {"empty.pcap", {}, "empty"},
      {"text.pcap", std::vector<uint8_t>(text.begin(), text.end()), "not a pcap or pcapng"},
      {"short.pcap", {0xd4, 0xc3}, "too short"},
      {"header_cut.pcap", {0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0}, "cut short"},
      {"bad_bom.pcapng", {0x0a, 0x0d, 0x0d, 0x0a, 28, 0, 0, 0, 1, 2, 3, 4}, "byte-order"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const std::string path = dir.Write(c.name, c.bytes);
    CaptureReader reader;
    std::string error;
    EXPECT_FALSE(reader.Open(path, &error));
    EXPECT_FALSE(error.empty());
    EXPECT_EQ(error.find('\n'), std::string::npos) << error;
    EXPECT_NE(error.find(c.expect), std::string::npos) << error;

    CaptureReader memory;
    std::string memory_error;
    EXPECT_FALSE(memory.OpenMemory(c.bytes.data(), c.bytes.size(), &memory_error));
    EXPECT_NE(memory_error.find(c.expect), std::string::npos) << memory_error;
  }

  CaptureReader missing;
  std::string error;
  EXPECT_FALSE(
      missing.Open((std::filesystem::temp_directory_path() / "no/such/file").string(), &error));
  EXPECT_NE(error.find("cannot open"), std::string::npos) << error;
  EXPECT_EQ(error.find('\n'), std::string::npos) << error;
}

}  // namespace
}  // namespace rampart::capture_test
