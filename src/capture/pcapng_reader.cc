#include "capture/pcapng_reader.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/byte_order.h"
#include "core/int128.h"

namespace rampart {
namespace {
constexpr uint32_t kSectionHeader = 0x0A0D0D0A;
constexpr uint32_t kInterfaceDescription = 0x00000001;
constexpr uint32_t kObsoletePacket = 0x00000002;
constexpr uint32_t kSimplePacket = 0x00000003;
constexpr uint32_t kEnhancedPacket = 0x00000006;
constexpr uint32_t kByteOrderMagic = 0x1A2B3C4D;
constexpr uint32_t kMaxBlockLen = 64u << 20;
constexpr uint16_t kOptEnd = 0;
constexpr uint16_t kOptIfTsresol = 9;
constexpr uint16_t kOptIfTsoffset = 14;

uint32_t Pad4(uint32_t n) {
  return (n + 3u) & ~3u;
}
}  // namespace

bool PcapngReader::Sniff(const uint8_t* first4) {
  return LoadLe32(first4) == kSectionHeader;
}

bool PcapngReader::Open(InputBuffer* input, CaptureFileFacts* facts, std::string* error) {
  input_ = input;
  facts_ = facts;
  facts->format = "pcapng";
  const uint8_t* head = input->Peek(12);
  if (head == nullptr || LoadLe32(head) != kSectionHeader) {
    *error = "pcapng section header cut short";
    return false;
  }
  const uint32_t order = LoadLe32(head + 8);
  if (order != kByteOrderMagic && order != __builtin_bswap32(kByteOrderMagic)) {
    *error = fmt::format("pcapng section header has a bad byte-order magic 0x{:08x}", order);
    return false;
  }
  return true;  // the section header itself is read by Next() like any block
}

bool PcapngReader::Damage(CaptureStatus status, std::string reason) {
  facts_->damage.status = status;
  facts_->damage.byte_offset = input_->Offset();
  facts_->damage.packet_index = facts_->packets;
  facts_->damage.reason = std::move(reason);
  done_ = true;
  return false;
}

TimestampNs PcapngReader::ToNanos(const Interface& interface, uint64_t units) const {
  Int128 ns = static_cast<Int128>(units) * interface.multiply;
  ns /= interface.divide;
  ns >>= interface.shift;
  return static_cast<TimestampNs>(ns) + interface.offset_ns;
}

bool PcapngReader::ReadSectionHeader(const uint8_t* block, uint32_t length) {
  if (length < 28) {
    return Damage(CaptureStatus::kCorrupt,
                  fmt::format("section header block of {} bytes is shorter than 28", length));
  }
  const uint16_t major = Load16(block + 12, swapped_);
  if (major != 1) {
    return Damage(CaptureStatus::kCorrupt,
                  fmt::format("unsupported pcapng major version {}", major));
  }
  facts_->sections++;
  facts_->big_endian = swapped_ == (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__);
  interfaces_.clear();  // interface ids are per section
  return true;
}

bool PcapngReader::ReadInterface(const uint8_t* block, uint32_t length) {
  if (length < 20) {
    return Damage(
        CaptureStatus::kCorrupt,
        fmt::format("interface description block of {} bytes is shorter than 20", length));
  }
  Interface interface;
  interface.link_type = Load16(block + 8, swapped_);
  interface.snaplen = Load32(block + 12, swapped_);
  // Options: code, length, value padded to 4, until opt_endofopt or the block's end.
  uint32_t pos = 16;
  const uint32_t options_end = length - 4;
  while (pos + 4 <= options_end) {
    const uint16_t code = Load16(block + pos, swapped_);
    const uint16_t len = Load16(block + pos + 2, swapped_);
    if (code == kOptEnd) {
      break;
    }
    if (pos + 4 + len > options_end) {
      break;  // a bad option ends option parsing; the interface itself is still usable
    }
    const uint8_t* value = block + pos + 4;
    if (code == kOptIfTsresol && len >= 1) {
      const uint8_t resolution = value[0];
      const uint32_t exponent = resolution & 0x7f;
      interface.multiply = kNanosPerSecond;
      interface.divide = 1;
      interface.shift = 0;
      if ((resolution & 0x80) != 0) {
        interface.shift = std::min<uint32_t>(exponent, 63);  // units of 2^-exponent seconds
      } else if (exponent <= 9) {
        interface.multiply = 1;
        for (uint32_t i = exponent; i < 9; ++i) {
          interface.multiply *= 10;
        }
      } else {
        interface.multiply = 1;
        for (uint32_t i = 9; i < std::min<uint32_t>(exponent, 27); ++i) {
          interface.divide *= 10;
        }
      }
    } else if (code == kOptIfTsoffset && len >= 8) {
      interface.offset_ns = static_cast<int64_t>(Load64(value, swapped_)) * kNanosPerSecond;
    }
    pos += 4 + Pad4(len);
  }
  interfaces_.push_back(interface);
  facts_->interfaces++;
  if (facts_->snaplen == 0) {
    facts_->snaplen = interface.snaplen;
  }
  facts_->NoteLinkType(interface.link_type);
  return true;
}

bool PcapngReader::EmitPacket(RawPacket& packet, uint32_t interface_id, uint64_t units,
                              const uint8_t* data, uint32_t cap_len, uint32_t wire_len) {
  if (interface_id >= interfaces_.size()) {
    return Damage(CaptureStatus::kCorrupt,
                  fmt::format("packet names interface {} but the section defines {}", interface_id,
                              interfaces_.size()));
  }
  const Interface& interface = interfaces_[interface_id];
  packet.ts_ns = ToNanos(interface, units);
  last_ts_ = packet.ts_ns;
  packet.data = data;
  packet.cap_len = cap_len;
  packet.wire_len = std::max(wire_len, cap_len);
  packet.link_type = interface.link_type;
  packet.interface_id = interface_id;
  facts_->packets++;
  facts_->wire_bytes += packet.wire_len;
  facts_->captured_bytes += cap_len;
  facts_->cut_by_snaplen += cap_len < wire_len ? 1 : 0;
  return true;
}

bool PcapngReader::ReadPacketBlock(RawPacket& packet, const uint8_t* block, uint32_t length,
                                   bool enhanced) {
  // Enhanced and obsolete packet blocks share a layout but for the interface id's width (the
  // obsolete block spends the other 16 bits on a drop count).
  const char* name = enhanced ? "enhanced packet block" : "packet block";
  if (length < 32) {
    return Damage(CaptureStatus::kCorrupt,
                  fmt::format("{} of {} bytes is shorter than 32", name, length));
  }
  const uint32_t cap_len = Load32(block + 20, swapped_);
  if (cap_len > length - 32) {
    return Damage(CaptureStatus::kCorrupt,
                  fmt::format("{} claims {} bytes in a {}-byte block", name, cap_len, length));
  }
  const uint32_t interface_id =
      enhanced ? Load32(block + 8, swapped_) : Load16(block + 8, swapped_);
  const uint64_t units =
      (static_cast<uint64_t>(Load32(block + 12, swapped_)) << 32) | Load32(block + 16, swapped_);
  return EmitPacket(packet, interface_id, units, block + 28, cap_len, Load32(block + 24, swapped_));
}

bool PcapngReader::Next(RawPacket& packet) {
  while (!done_) {
    const uint8_t* head = input_->Peek(12);
    if (head == nullptr) {
      const size_t left = input_->Buffered();
      done_ = true;
      if (left == 0) {
        return false;
      }
      return Damage(CaptureStatus::kTruncated,
                    fmt::format("block header cut short ({} bytes left)", left));
    }
    uint32_t type = Load32(head, swapped_);
    if (type == kSectionHeader || LoadLe32(head) == kSectionHeader) {
      // Each section declares its own byte order.
      type = kSectionHeader;
      const uint32_t order = LoadLe32(head + 8);
      if (order == kByteOrderMagic) {
        swapped_ = false;
      } else if (order == __builtin_bswap32(kByteOrderMagic)) {
        swapped_ = true;
      } else {
        return Damage(CaptureStatus::kCorrupt,
                      fmt::format("section header has a bad byte-order magic 0x{:08x}", order));
      }
    }
    const uint32_t length = Load32(head + 4, swapped_);
    if (length < 12 || length % 4 != 0 || length > kMaxBlockLen) {
      return Damage(CaptureStatus::kCorrupt,
                    fmt::format("block type 0x{:08x} has an invalid length {}", type, length));
    }
    const uint8_t* block = input_->Peek(length);
    if (block == nullptr) {
      return Damage(CaptureStatus::kTruncated,
                    fmt::format("block of {} bytes cut short ({} bytes present)", length,
                                input_->Buffered()));
    }
    if (Load32(block + length - 4, swapped_) != length) {
      return Damage(CaptureStatus::kCorrupt,
                    fmt::format("block trailer length {} does not match its header length {}",
                                Load32(block + length - 4, swapped_), length));
    }
    bool emitted = false;
    switch (type) {
      case kSectionHeader:
        if (!ReadSectionHeader(block, length)) {
          return false;
        }
        break;
      case kInterfaceDescription:
        if (!ReadInterface(block, length)) {
          return false;
        }
        break;
      case kEnhancedPacket:
      case kObsoletePacket:
        if (!ReadPacketBlock(packet, block, length, type == kEnhancedPacket)) {
          return false;
        }
        emitted = true;
        break;
      case kSimplePacket: {
        if (length < 16) {
          return Damage(CaptureStatus::kCorrupt,
                        fmt::format("simple packet block of {} bytes is shorter than 16", length));
        }
        if (interfaces_.empty()) {
          return Damage(CaptureStatus::kCorrupt, "simple packet block before any interface");
        }
        const uint32_t wire_len = Load32(block + 8, swapped_);
        uint32_t cap_len = std::min(wire_len, length - 16);
        if (interfaces_[0].snaplen != 0) {
          cap_len = std::min(cap_len, interfaces_[0].snaplen);
        }
        // A simple packet has no timestamp: it keeps the timeline at the previous packet's time.
        const TimestampNs keep = last_ts_;
        if (!EmitPacket(packet, 0, 0, block + 12, cap_len, wire_len)) {
          return false;
        }
        packet.ts_ns = keep;
        last_ts_ = keep;
        emitted = true;
        break;
      }
      default:
        facts_->skipped_blocks++;
        break;
    }
    input_->Advance(length);
    if (emitted) {
      return true;
    }
  }
  return false;
}

}  // namespace rampart
