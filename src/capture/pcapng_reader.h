#pragma once
#include <string>
#include <vector>

#include "capture/input_buffer.h"
#include "capture/raw_packet.h"

namespace rampart {

//! Reads pcapng: section header, interface description, enhanced, simple and obsolete packet
//! blocks; several sections (each with its own byte order) and interfaces (each with its own link
//! type, snap length, timestamp resolution and offset). Other blocks are skipped and counted.
class PcapngReader {
 public:
  static bool Sniff(const uint8_t* first4);

  bool Open(InputBuffer* input, CaptureFileFacts* facts, std::string* error);
  bool Next(RawPacket& packet);

 private:
  struct Interface {
    uint16_t link_type = 0;
    uint32_t snaplen = 0;
    // Timestamp units -> ns: multiply, divide, or multiply then shift (binary resolutions).
    uint64_t multiply = 1000;
    uint64_t divide = 1;
    uint32_t shift = 0;
    int64_t offset_ns = 0;
  };

  bool ReadSectionHeader(const uint8_t* block, uint32_t length);
  bool ReadInterface(const uint8_t* block, uint32_t length);
  bool ReadPacketBlock(RawPacket& packet, const uint8_t* block, uint32_t length, bool enhanced);
  bool EmitPacket(RawPacket& packet, uint32_t interface_id, uint64_t units, const uint8_t* data,
                  uint32_t cap_len, uint32_t wire_len);
  TimestampNs ToNanos(const Interface& interface, uint64_t units) const;
  bool Damage(CaptureStatus status, std::string reason);

  InputBuffer* input_ = nullptr;
  CaptureFileFacts* facts_ = nullptr;
  bool swapped_ = false;
  bool done_ = false;
  TimestampNs last_ts_ = 0;
  std::vector<Interface> interfaces_;
};

}  // namespace rampart
