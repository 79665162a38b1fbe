#include "capture/pcap_reader.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/byte_order.h"

namespace rampart {
namespace {
constexpr uint32_t kMagicMicro = 0xa1b2c3d4;
constexpr uint32_t kMagicNano = 0xa1b23c4d;
constexpr uint32_t kMagicModified = 0xa1b2cd34;
constexpr uint32_t kFileHeaderLen = 24;
// Wireshark's limit for ordinary link types; a larger record length means the file is corrupt.
constexpr uint32_t kStandardMaxRecord = 262144;
constexpr uint32_t kAbsoluteMaxRecord = 64u << 20;

bool MatchMagic(uint32_t le_value, bool* swapped, uint32_t* magic) {
  for (const uint32_t m : {kMagicMicro, kMagicNano, kMagicModified}) {
    if (le_value == m) {
      *swapped = false;
      *magic = m;
      return true;
    }
    if (le_value == __builtin_bswap32(m)) {
      *swapped = true;
      *magic = m;
      return true;
    }
  }
  return false;
}
}  // namespace

bool PcapReader::Sniff(const uint8_t* first4) {
  bool swapped = false;
  uint32_t magic = 0;
  return MatchMagic(LoadLe32(first4), &swapped, &magic);
}

bool PcapReader::Open(InputBuffer* input, CaptureFileFacts* facts, std::string* error) {
  input_ = input;
  facts_ = facts;
  const uint8_t* header = input->Peek(kFileHeaderLen);
  if (header == nullptr) {
    *error = fmt::format("pcap file header cut short ({} of {} bytes)", input->Buffered(),
                         kFileHeaderLen);
    return false;
  }
  uint32_t magic = 0;
  if (!MatchMagic(LoadLe32(header), &swapped_, &magic)) {
    *error = "not a pcap file";
    return false;
  }
  nanosecond_ = magic == kMagicNano;
  record_header_len_ = magic == kMagicModified ? 24 : 16;
  facts->format = magic == kMagicNano       ? "pcap-nsec"
                  : magic == kMagicModified ? "pcap-modified"
                                            : "pcap";
  // The file's byte order is the writer's: a swapped file came from the other endianness.
  facts->big_endian = swapped_ == (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__);
  facts->snaplen = Load32(header + 16, swapped_);
  // Low 16 bits are the link type; the upper bits carry FCS information we do not need.
  link_type_ = static_cast<uint16_t>(Load32(header + 20, swapped_) & 0xffff);
  facts->NoteLinkType(link_type_);
  facts->interfaces = 1;
  facts->sections = 1;
  max_record_len_ = std::min(std::max(kStandardMaxRecord, facts->snaplen), kAbsoluteMaxRecord);
  input->Advance(kFileHeaderLen);
  return true;
}

bool PcapReader::Damage(CaptureStatus status, std::string reason) {
  facts_->damage.status = status;
  facts_->damage.byte_offset = input_->Offset();
  facts_->damage.packet_index = facts_->packets;
  facts_->damage.reason = std::move(reason);
  done_ = true;
  return false;
}

bool PcapReader::Next(RawPacket& packet) {
  if (done_) {
    return false;
  }
  const uint8_t* header = input_->Peek(record_header_len_);
  if (header == nullptr) {
    const size_t left = input_->Buffered();
    done_ = true;
    if (left == 0) {
      return false;  // clean end of file
    }
    return Damage(CaptureStatus::kTruncated, fmt::format("record header cut short ({} of {} bytes)",
                                                         left, record_header_len_));
  }
  const uint32_t seconds = Load32(header, swapped_);
  const uint32_t fraction = Load32(header + 4, swapped_);
  const uint32_t cap_len = Load32(header + 8, swapped_);
  const uint32_t wire_len = Load32(header + 12, swapped_);
  if (cap_len > max_record_len_) {
    return Damage(CaptureStatus::kCorrupt,
                  fmt::format("record length {} exceeds the maximum {}", cap_len, max_record_len_));
  }
  const uint8_t* record = input_->Peek(record_header_len_ + cap_len);
  if (record == nullptr) {
    return Damage(CaptureStatus::kTruncated,
                  fmt::format("packet data cut short ({} of {} bytes)",
                              input_->Buffered() - record_header_len_, cap_len));
  }
  packet.ts_ns = static_cast<int64_t>(seconds) * kNanosPerSecond +
                 static_cast<int64_t>(fraction) * (nanosecond_ ? 1 : 1000);
  packet.data = record + record_header_len_;
  packet.cap_len = cap_len;
  // A writer that records orig_len < incl_len is wrong about the wire; trust what we hold.
  packet.wire_len = std::max(wire_len, cap_len);
  packet.link_type = link_type_;
  packet.interface_id = 0;
  input_->Advance(record_header_len_ + cap_len);
  facts_->packets++;
  facts_->wire_bytes += packet.wire_len;
  facts_->captured_bytes += cap_len;
  facts_->cut_by_snaplen += cap_len < wire_len ? 1 : 0;
  return true;
}

}  // namespace rampart
