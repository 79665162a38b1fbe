#pragma once
// What the capture reader tests share: pcap and pcapng files written byte by byte (in either
// byte order), ReadAll() to collect a reader's packets, and a temporary directory.
#include <gtest/gtest.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "capture/capture_reader.h"

namespace rampart::capture_test {

inline constexpr uint32_t kMagicMicro = 0xa1b2c3d4;
inline constexpr uint32_t kMagicNano = 0xa1b23c4d;
inline constexpr uint32_t kMagicModified = 0xa1b2cd34;
inline constexpr bool kHostBigEndian = __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__;

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
inline std::vector<uint8_t> Pattern(size_t n, uint8_t seed) {
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

inline Bytes PcapHeader(uint32_t magic, bool big_endian, uint32_t snaplen, uint32_t link_type) {
  Bytes out(big_endian);
  out.U32(magic).U16(2).U16(4).U32(0).U32(0).U32(snaplen).U32(link_type);
  return out;
}

inline void AppendRecord(Bytes& out, uint32_t magic, const Record& record) {
  const auto cap_len = static_cast<uint32_t>(record.data.size());
  out.U32(record.seconds).U32(record.fraction).U32(cap_len);
  out.U32(record.wire_len == 0 ? cap_len : record.wire_len);
  if (magic == kMagicModified) {
    out.U32(3).U16(0x0800).U8(0).U8(0);  // ifindex, protocol, packet type, padding
  }
  out.Raw(record.data);
}

inline std::vector<uint8_t> PcapFile(uint32_t magic, bool big_endian, uint32_t link_type,
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

}  // namespace rampart::capture_test
