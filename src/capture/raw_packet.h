#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/timestamp.h"

namespace rampart {

//! One captured frame as a reader hands it over. `data` points into the reader's buffer and is
//! valid until the next call to that reader's Next().
struct RawPacket {
  TimestampNs ts_ns = 0;
  const uint8_t* data = nullptr;
  uint32_t cap_len = 0;   // bytes present in `data`
  uint32_t wire_len = 0;  // length of the frame on the wire (pcap orig_len)
  uint16_t link_type = 0;
  uint32_t interface_id = 0;
};

enum class CaptureStatus : uint8_t { kOk, kTruncated, kCorrupt };
const char* CaptureStatusName(CaptureStatus status);

//! Where and why a capture could not be read to its end.
struct CaptureDamage {
  CaptureStatus status = CaptureStatus::kOk;
  uint64_t byte_offset = 0;   // offset of the record or block that could not be read
  uint64_t packet_index = 0;  // 0-based index of the packet that record would have been
  std::string reason;
};

//! Facts a reader learns about one capture file while reading it.
struct CaptureFileFacts {
  std::string path;
  std::string format;  // "pcap", "pcap-nsec", "pcap-modified", "pcapng"
  bool big_endian = false;
  uint32_t snaplen = 0;
  std::vector<uint16_t> link_types;  // distinct, in order of first appearance
  uint32_t interfaces = 0;           // pcapng interface description blocks (pcap: 1)
  uint32_t sections = 0;             // pcapng section header blocks (pcap: 1)
  uint64_t packets = 0;
  uint64_t wire_bytes = 0;
  uint64_t captured_bytes = 0;
  uint64_t cut_by_snaplen = 0;  // packets with cap_len < wire_len
  uint64_t skipped_blocks = 0;  // pcapng blocks rampart does not use
  uint64_t file_size = 0;       // 0 when reading a stream
  CaptureDamage damage;

  void NoteLinkType(uint16_t link_type) {
    for (const uint16_t seen : link_types) {
      if (seen == link_type) {
        return;
      }
    }
    link_types.push_back(link_type);
  }
};

}  // namespace rampart
