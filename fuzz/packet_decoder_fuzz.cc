// Fuzzes the packet decoder. Input: 1 byte choosing the link type, 1 byte of extra wire length
// (so cut-by-snaplen frames are covered), then the frame.
#include "fuzz_target.h"

#include <cstddef>
#include <cstdint>

#include "capture/link_type.h"
#include "decode/dns.h"
#include "decode/packet_decoder.h"
#include "track/traffic_summary.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static constexpr uint16_t kLinkTypes[] = {1, 0, 101, 12, 14, 108, 113, 228, 229, 276, 147};
  if (size < 2) {
    return 0;
  }
  rampart::RawPacket packet;
  packet.link_type = kLinkTypes[data[0] % (sizeof kLinkTypes / sizeof kLinkTypes[0])];
  packet.data = data + 2;
  packet.cap_len = static_cast<uint32_t>(size - 2);
  packet.wire_len = packet.cap_len + data[1];
  rampart::PacketMeta meta;
  rampart::DecodeStats stats;
  rampart::DecodePacket(packet, meta, stats);
  // The payload view must lie inside the captured bytes.
  if (static_cast<size_t>(meta.payload_offset) + meta.payload_len > packet.cap_len) {
    __builtin_trap();
  }
  if (rampart::IsDnsCandidate(meta)) {
    rampart::DnsMessage message;
    rampart::ParseDns(packet.data + meta.payload_offset, meta.payload_len, message, stats);
  }
  return 0;
}
