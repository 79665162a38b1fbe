// CaptureReader and CaptureSet on capture files written byte by byte, in memory, in temporary
// files and through a pipe, plus the pcapng test files shipped in both byte orders.
#include "capture/capture_reader.h"

#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "capture/capture_set.h"
#include "capture/pcap_writer.h"

namespace rampart {
namespace {

constexpr uint32_t kMagicMicro = 0xa1b2c3d4;
constexpr uint32_t kMagicNano = 0xa1b23c4d;
constexpr uint32_t kMagicModified = 0xa1b2cd34;
constexpr bool kHostBigEndian = __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__;

//! Bytes in a chosen byte order.
class Bytes {
 public:
  explicit Bytes(bool big_endian) : big_endian_(big_endian) {}

  Bytes& U8(uint8_t v) {
    data_.push_back(v);
    return *this;
  }
  Bytes& U16(uint16_t v) { return Int(v, 2); }
  Bytes& U32(uint32_t v) { return Int(v, 4); }
  Bytes& U64(uint64_t v) { return Int(v, 8); }
  Bytes& Raw(const std::vector<uint8_t>& bytes) {
    data_.insert(data_.end(), bytes.begin(), bytes.end());
    return *this;
  }
  Bytes& PadTo4() {
    while (data_.size() % 4 != 0) {
      data_.push_back(0);
    }
    return *this;
  }
  bool big_endian() const { return big_endian_; }
  size_t size() const { return data_.size(); }
  const std::vector<uint8_t>& data() const { return data_; }

 private:
  Bytes& Int(uint64_t v, int width) {
    for (int i = 0; i < width; ++i) {
      const int shift = big_endian_ ? 8 * (width - 1 - i) : 8 * i;
      data_.push_back(static_cast<uint8_t>(v >> shift));
    }
    return *this;
  }

  bool big_endian_;
  std::vector<uint8_t> data_;
};

//! `n` bytes that differ from packet to packet: seed, seed+1, …
std::vector<uint8_t> Pattern(size_t n, uint8_t seed) {
  std::vector<uint8_t> out(n);
  for (size_t i = 0; i < n; ++i) {
    out[i] = static_cast<uint8_t>(seed + i * 7);
  }
  return out;
}

struct Record {
  uint32_t seconds = 0;
  uint32_t fraction = 0;  // micro- or nanoseconds, as the magic says
  std::vector<uint8_t> data;
  uint32_t wire_len = 0;  // 0: the data's size
};

Bytes PcapHeader(uint32_t magic, bool big_endian, uint32_t snaplen, uint32_t link_type) {
  Bytes out(big_endian);
  out.U32(magic).U16(2).U16(4).U32(0).U32(0).U32(snaplen).U32(link_type);
  return out;
}

void AppendRecord(Bytes& out, uint32_t magic, const Record& record) {
  const auto cap_len = static_cast<uint32_t>(record.data.size());
  out.U32(record.seconds).U32(record.fraction).U32(cap_len);
  out.U32(record.wire_len == 0 ? cap_len : record.wire_len);
  if (magic == kMagicModified) {
    out.U32(3).U16(0x0800).U8(0).U8(0);  // ifindex, protocol, packet type, padding
  }
  out.Raw(record.data);
}

std::vector<uint8_t> PcapFile(uint32_t magic, bool big_endian, uint32_t link_type,
                              const std::vector<Record>& records, uint32_t snaplen = 65535) {
  Bytes out = PcapHeader(magic, big_endian, snaplen, link_type);
  for (const Record& record : records) {
    AppendRecord(out, magic, record);
  }
  return out.data();
}

struct Packet {
  TimestampNs ts_ns = 0;
  std::vector<uint8_t> data;
  uint32_t wire_len = 0;
  uint16_t link_type = 0;
  uint32_t interface_id = 0;

  friend bool operator==(const Packet& a, const Packet& b) {
    return a.ts_ns == b.ts_ns && a.data == b.data && a.wire_len == b.wire_len &&
           a.link_type == b.link_type && a.interface_id == b.interface_id;
  }
};

template <typename Reader>
std::vector<Packet> ReadAll(Reader& reader) {
  std::vector<Packet> packets;
  RawPacket raw;
  while (reader.Next(raw)) {
    Packet p;
    p.ts_ns = raw.ts_ns;
    p.data.assign(raw.data, raw.data + raw.cap_len);
    p.wire_len = raw.wire_len;
    p.link_type = raw.link_type;
    p.interface_id = raw.interface_id;
    packets.push_back(std::move(p));
  }
  return packets;
}

//! A temporary directory removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "rampart_capture_test_XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
      ADD_FAILURE() << "mkdtemp: " << std::strerror(errno);
    }
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string Write(const std::string& name, const std::vector<uint8_t>& bytes) const {
    const std::string path = (path_ / name).string();
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
    EXPECT_TRUE(out.good()) << path;
    return path;
  }

 private:
  std::filesystem::path path_;
};

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

// ---------------------------------------------------------------------------------------------
// pcapng

//! Writes pcapng blocks in the byte order of the current section.
class PcapngWriter {
 public:
  explicit PcapngWriter(bool big_endian) : big_endian_(big_endian) {}

  //! Starts a section in `big_endian` order.
  PcapngWriter& Section(bool big_endian) {
    big_endian_ = big_endian;
    Bytes body(big_endian_);
    body.U32(0x1A2B3C4D).U16(1).U16(0).U64(~0ull);
    return Block(0x0A0D0D0A, body);
  }
  PcapngWriter& Section() { return Section(big_endian_); }

  //! An interface; `tsresol` < 0 leaves the default (microseconds), `tsoffset` 0 is omitted.
  PcapngWriter& Interface(uint16_t link_type, uint32_t snaplen = 0, int tsresol = -1,
                          int64_t tsoffset = 0) {
    Bytes body(big_endian_);
    body.U16(link_type).U16(0).U32(snaplen);
    body.U16(2).U16(4).Raw({'e', 't', 'h', '0'});  // if_name, an option rampart skips
    if (tsresol >= 0) {
      body.U16(9).U16(1).U8(static_cast<uint8_t>(tsresol)).PadTo4();
    }
    if (tsoffset != 0) {
      body.U16(14).U16(8).U64(static_cast<uint64_t>(tsoffset));
    }
    body.U16(0).U16(0);
    return Block(1, body);
  }

  PcapngWriter& Enhanced(uint32_t interface_id, uint64_t units, const std::vector<uint8_t>& data,
                         uint32_t wire_len = 0) {
    Bytes body(big_endian_);
    body.U32(interface_id).U32(static_cast<uint32_t>(units >> 32));
    body.U32(static_cast<uint32_t>(units)).U32(static_cast<uint32_t>(data.size()));
    body.U32(wire_len == 0 ? static_cast<uint32_t>(data.size()) : wire_len);
    body.Raw(data).PadTo4();
    return Block(6, body);
  }

  PcapngWriter& Obsolete(uint16_t interface_id, uint64_t units, const std::vector<uint8_t>& data) {
    Bytes body(big_endian_);
    body.U16(interface_id).U16(0).U32(static_cast<uint32_t>(units >> 32));
    body.U32(static_cast<uint32_t>(units)).U32(static_cast<uint32_t>(data.size()));
    body.U32(static_cast<uint32_t>(data.size()));
    body.Raw(data).PadTo4();
    return Block(2, body);
  }

  PcapngWriter& Simple(const std::vector<uint8_t>& data, uint32_t wire_len = 0) {
    Bytes body(big_endian_);
    body.U32(wire_len == 0 ? static_cast<uint32_t>(data.size()) : wire_len);
    body.Raw(data).PadTo4();
    return Block(3, body);
  }

  //! A block of `type` with `body` (already padded), framed by its lengths.
  PcapngWriter& Block(uint32_t type, const Bytes& body) {
    block_offsets_.push_back(out_.size());
    Bytes block(big_endian_);
    const auto length = static_cast<uint32_t>(12 + body.size());
    block.U32(type).U32(length).Raw(body.data()).U32(length);
    out_.insert(out_.end(), block.data().begin(), block.data().end());
    return *this;
  }

  //! Where the i-th block written starts.
  size_t BlockOffset(size_t i) const { return block_offsets_[i]; }
  std::vector<uint8_t>& bytes() { return out_; }

 private:
  bool big_endian_;
  std::vector<uint8_t> out_;
  std::vector<size_t> block_offsets_;
};

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

// ---------------------------------------------------------------------------------------------
// Streaming from a pipe

//! Writes `bytes` into a pipe from another thread, in pieces of `chunk` bytes, while the caller
//! reads it as "/dev/fd/N" (which InputBuffer cannot map).
class PipeFeed {
 public:
  PipeFeed(std::vector<uint8_t> bytes, size_t chunk) : bytes_(std::move(bytes)) {
    if (pipe2(fds_, O_CLOEXEC) != 0) {
      ADD_FAILURE() << "pipe2: " << std::strerror(errno);
      return;
    }
    writer_ = std::thread([this, chunk] {
      size_t done = 0;
      while (done < bytes_.size()) {
        const size_t n = std::min(chunk, bytes_.size() - done);
        const ssize_t wrote = ::write(fds_[1], bytes_.data() + done, n);
        if (wrote < 0 && errno == EINTR) {
          continue;
        }
        if (wrote <= 0) {
          break;
        }
        done += static_cast<size_t>(wrote);
      }
      ::close(fds_[1]);
    });
  }
  ~PipeFeed() {
    if (writer_.joinable()) {
      // Drain whatever the reader left so the writer can finish, then wait for it.
      uint8_t sink[65536];
      while (::read(fds_[0], sink, sizeof sink) > 0) {
      }
      writer_.join();
    }
    ::close(fds_[0]);
  }
  PipeFeed(const PipeFeed&) = delete;
  PipeFeed& operator=(const PipeFeed&) = delete;

  std::string Path() const { return "/dev/fd/" + std::to_string(fds_[0]); }

 private:
  std::vector<uint8_t> bytes_;
  int fds_[2] = {-1, -1};
  std::thread writer_;
};

TEST(CaptureReaderPipe, StreamsRecordsLargerThanOneRead) {
  // 200 KiB is more than a pipe holds; 5 MiB is more than the reader's 4 MiB chunk.
  const std::vector<Record> records = {
      {10, 1, Pattern(60, 1), 0},      {10, 2, Pattern(200'000, 2), 0},
      {10, 3, Pattern(5 << 20, 3), 0}, {10, 4, Pattern(70'000, 4), 0},
      {10, 5, Pattern(100, 5), 200},   {10, 6, Pattern(3'000'000, 6), 0},
  };
  const std::vector<uint8_t> file = PcapFile(kMagicNano, true, 1, records, 8 << 20);
  PipeFeed feed(file, 3000);
  CaptureReader reader;
  std::string error;
  ASSERT_TRUE(reader.Open(feed.Path(), &error)) << error;
  const std::vector<Packet> packets = ReadAll(reader);
  ASSERT_EQ(packets.size(), records.size());
  for (size_t i = 0; i < records.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(packets[i].ts_ns, 10 * kNanosPerSecond + records[i].fraction);
    EXPECT_TRUE(packets[i].data == records[i].data);
  }
  const CaptureFileFacts& facts = reader.facts();
  EXPECT_EQ(facts.damage.status, CaptureStatus::kOk) << facts.damage.reason;
  EXPECT_EQ(facts.file_size, 0u);  // a stream has no known size
  EXPECT_EQ(facts.cut_by_snaplen, 1u);
  EXPECT_EQ(facts.format, "pcap-nsec");
  EXPECT_TRUE(facts.big_endian);
  EXPECT_EQ(reader.BytesConsumed(), file.size());
}

TEST(CaptureReaderPipe, TruncatedStreamReportsTheCutRecord) {
  std::vector<Record> records;
  for (uint8_t i = 0; i < 50; ++i) {
    records.push_back({20, i, Pattern(100'000, i), 0});
  }
  std::vector<uint8_t> file = PcapFile(kMagicMicro, false, 1, records, 262144);
  const size_t record_size = 16 + 100'000;
  file.resize(24 + 37 * record_size + 16 + 5'000);  // 5000 bytes of record 37's data
  PipeFeed feed(file, 65536);
  CaptureReader reader;
  std::string error;
  ASSERT_TRUE(reader.Open(feed.Path(), &error)) << error;
  const std::vector<Packet> packets = ReadAll(reader);
  ASSERT_EQ(packets.size(), 37u);
  EXPECT_EQ(packets[36].data, Pattern(100'000, 36));
  const CaptureDamage& damage = reader.facts().damage;
  EXPECT_EQ(damage.status, CaptureStatus::kTruncated);
  EXPECT_EQ(damage.byte_offset, 24 + 37 * record_size);
  EXPECT_EQ(damage.packet_index, 37u);
  EXPECT_NE(damage.reason.find("5000 of 100000"), std::string::npos) << damage.reason;
}

TEST(CaptureReaderPipe, StreamsPcapng) {
  PcapngWriter w(true);
  w.Section().Interface(1, 0, 9);
  for (uint8_t i = 0; i < 8; ++i) {
    w.Enhanced(0, 1'000'000'000ull * i, Pattern(i % 2 == 0 ? 90'000 : 61, i));
  }
  PipeFeed feed(w.bytes(), 4096);
  CaptureReader reader;
  std::string error;
  ASSERT_TRUE(reader.Open(feed.Path(), &error)) << error;
  const std::vector<Packet> packets = ReadAll(reader);
  ASSERT_EQ(packets.size(), 8u);
  for (uint8_t i = 0; i < 8; ++i) {
    SCOPED_TRACE(static_cast<int>(i));
    EXPECT_EQ(packets[i].ts_ns, static_cast<int64_t>(i) * kNanosPerSecond);
    EXPECT_TRUE(packets[i].data == Pattern(i % 2 == 0 ? 90'000 : 61, i));
  }
  EXPECT_EQ(reader.facts().damage.status, CaptureStatus::kOk);
  EXPECT_EQ(reader.BytesConsumed(), w.bytes().size());
}

// ---------------------------------------------------------------------------------------------
// PcapWriter and CaptureSet

TEST(PcapWriter, RoundTripsThroughTheReader) {
  TempDir dir;
  const std::string path = dir.Write("written.pcap", {});
  PcapWriter writer;
  std::string error;
  ASSERT_TRUE(writer.Open(path, 101, 128, &error)) << error;
  const std::vector<uint8_t> a = Pattern(40, 1);
  const std::vector<uint8_t> b = Pattern(128, 2);
  ASSERT_TRUE(writer.Write(3 * kNanosPerSecond + 123'456'789, a.data(), 40));
  ASSERT_TRUE(writer.Write(4 * kNanosPerSecond + 1, b.data(), 128, 1500));
  ASSERT_TRUE(writer.Close());

  CaptureReader reader;
  ASSERT_TRUE(reader.Open(path, &error)) << error;
  const std::vector<Packet> packets = ReadAll(reader);
  ASSERT_EQ(packets.size(), 2u);
  EXPECT_EQ(packets[0].ts_ns, 3 * kNanosPerSecond + 123'456'789);
  EXPECT_EQ(packets[0].data, a);
  EXPECT_EQ(packets[0].link_type, 101);
  EXPECT_EQ(packets[1].ts_ns, 4 * kNanosPerSecond + 1);
  EXPECT_EQ(packets[1].wire_len, 1500u);
  EXPECT_EQ(reader.facts().format, "pcap-nsec");
  EXPECT_EQ(reader.facts().snaplen, 128u);
  EXPECT_EQ(reader.facts().cut_by_snaplen, 1u);
}

std::string WriteCapture(const TempDir& dir, const std::string& name,
                         const std::vector<std::pair<TimestampNs, uint8_t>>& packets) {
  const std::string path = dir.Write(name, {});
  PcapWriter writer;
  std::string error;
  EXPECT_TRUE(writer.Open(path, 1, 65535, &error)) << error;
  for (const auto& [ts, tag] : packets) {
    const std::vector<uint8_t> data = Pattern(60, tag);
    EXPECT_TRUE(writer.Write(ts, data.data(), static_cast<uint32_t>(data.size())));
  }
  EXPECT_TRUE(writer.Close());
  return path;
}

TEST(CaptureSet, MergesFilesInTimestampOrderTiesToTheEarlierFile) {
  TempDir dir;
  const std::string a = WriteCapture(dir, "a.pcap", {{100, 1}, {300, 2}, {500, 3}, {500, 4}});
  const std::string b =
      WriteCapture(dir, "b.pcap", {{200, 11}, {300, 12}, {400, 13}, {500, 14}, {600, 15}});
  CaptureSet set;
  std::string error;
  ASSERT_TRUE(set.Open({a, b}, &error)) << error;
  std::vector<uint8_t> tags;
  std::vector<TimestampNs> times;
  RawPacket raw;
  while (set.Next(raw)) {
    ASSERT_EQ(raw.cap_len, 60u);
    tags.push_back(raw.data[0]);
    times.push_back(raw.ts_ns);
  }
  EXPECT_EQ(tags, (std::vector<uint8_t>{1, 11, 2, 12, 13, 3, 4, 14, 15}));
  EXPECT_EQ(times, (std::vector<TimestampNs>{100, 200, 300, 300, 400, 500, 500, 500, 600}));
  EXPECT_FALSE(set.Next(raw));
  ASSERT_EQ(set.readers().size(), 2u);
  EXPECT_EQ(set.readers()[0]->facts().packets, 4u);
  EXPECT_EQ(set.readers()[1]->facts().packets, 5u);
  EXPECT_EQ(set.TotalBytes(), std::filesystem::file_size(a) + std::filesystem::file_size(b));
  EXPECT_EQ(set.BytesConsumed(), set.TotalBytes());
}

TEST(CaptureSet, OpenFailureNamesTheFile) {
  TempDir dir;
  const std::string a = WriteCapture(dir, "a.pcap", {{1, 1}});
  const std::string bad = dir.Write("bad.pcap", {'n', 'o', 'p', 'e', '!'});
  CaptureSet set;
  std::string error;
  EXPECT_FALSE(set.Open({a, bad}, &error));
  EXPECT_EQ(error.rfind(bad + ": ", 0), 0u) << error;
  EXPECT_EQ(error.find('\n'), std::string::npos) << error;
}

}  // namespace
}  // namespace rampart
