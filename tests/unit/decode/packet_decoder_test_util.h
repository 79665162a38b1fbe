#pragma once
// What the packet decoder tests share: a few EtherType and header-size constants, IP specs, and
// Decode(), which runs DecodePacket on an exact-size copy of a frame.
#include <cstddef>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "capture/link_type.h"
#include "decode/packet_decoder.h"
#include "scenario/packet_builder.h"

namespace rampart::decode_test {

using scenario::IpSpec;
using scenario::PacketBuilder;
using scenario::TcpSpec;

inline constexpr uint16_t kEtherIpv4 = 0x0800;
inline constexpr uint16_t kEtherIpv6 = 0x86dd;
inline constexpr uint16_t kEtherArp = 0x0806;
inline constexpr uint16_t kEtherVlan = 0x8100;
inline constexpr uint16_t kEtherQinQ = 0x88a8;
inline constexpr uint16_t kEtherQinQOld = 0x9100;
inline constexpr uint16_t kEtherMpls = 0x8847;
inline constexpr uint16_t kEtherPppoe = 0x8864;
inline constexpr uint16_t kEtherTeb = 0x6558;

inline constexpr uint32_t kEth = 14;
inline constexpr uint32_t kIp4 = 20;
inline constexpr uint32_t kIp6 = 40;
inline constexpr uint32_t kUdp = 8;
inline constexpr uint32_t kTcp = 20;

inline constexpr uint16_t kLinkEthernet = static_cast<uint16_t>(LinkType::kEthernet);

inline IpAddress Addr(const char* text) {
  return IpAddress::Parse(text).value();
}

inline IpSpec V4Spec() {
  IpSpec spec;
  spec.src = Addr("192.0.2.1");
  spec.dst = Addr("198.51.100.2");
  spec.ttl = 61;
  spec.id = 0x1234;
  return spec;
}

inline IpSpec V4Spec(const char* src, const char* dst) {
  IpSpec spec = V4Spec();
  spec.src = Addr(src);
  spec.dst = Addr(dst);
  return spec;
}

inline IpSpec V6Spec() {
  IpSpec spec;
  spec.src = Addr("2001:db8::1");
  spec.dst = Addr("2001:db8::2");
  spec.ttl = 55;
  return spec;
}

inline IpSpec V6Spec(const char* src, const char* dst) {
  IpSpec spec = V6Spec();
  spec.src = Addr(src);
  spec.dst = Addr(dst);
  return spec;
}

struct Decoded {
  PacketMeta meta;
  DecodeStats stats;
};

//! Decodes `frame` as captured (cap_len = its size). The bytes are copied into an allocation of
//! exactly that size so that AddressSanitizer reports any read past the captured bytes.
inline Decoded Decode(const std::vector<uint8_t>& frame, uint16_t link_type = kLinkEthernet,
                      uint32_t wire_len = 0) {
  std::unique_ptr<uint8_t[]> copy(new uint8_t[frame.size()]);
  if (!frame.empty()) {
    std::memcpy(copy.get(), frame.data(), frame.size());
  }
  RawPacket raw;
  raw.ts_ns = 1234567;
  raw.data = copy.get();
  raw.cap_len = static_cast<uint32_t>(frame.size());
  raw.wire_len = wire_len == 0 ? raw.cap_len : wire_len;
  raw.link_type = link_type;
  Decoded decoded;
  DecodePacket(raw, decoded.meta, decoded.stats);
  return decoded;
}

//! The counted events as "name" (or "name*N"), space separated, in enum order; "" for none.
inline std::string Events(const DecodeStats& stats) {
  std::string out;
  for (size_t i = 0; i < kDecodeEventCount; ++i) {
    const uint64_t n = stats.events[i];
    if (n == 0) {
      continue;
    }
    if (!out.empty()) {
      out += ' ';
    }
    out += DecodeEventName(static_cast<DecodeEvent>(i));
    if (n > 1) {
      out += '*' + std::to_string(n);
    }
  }
  return out;
}

inline std::vector<uint8_t> Cut(const std::vector<uint8_t>& frame, size_t len) {
  return std::vector<uint8_t>(frame.begin(), frame.begin() + static_cast<std::ptrdiff_t>(len));
}

inline void Set16(std::vector<uint8_t>& frame, size_t at, uint16_t value) {
  frame[at] = static_cast<uint8_t>(value >> 8);
  frame[at + 1] = static_cast<uint8_t>(value);
}

inline uint16_t Get16(const std::vector<uint8_t>& frame, size_t at) {
  return static_cast<uint16_t>(frame[at] << 8 | frame[at + 1]);
}

inline std::vector<uint8_t> Concat(std::vector<uint8_t> head, const std::vector<uint8_t>& tail) {
  head.insert(head.end(), tail.begin(), tail.end());
  return head;
}

//! The transport payload the decoder points at.
inline std::string PayloadOf(const std::vector<uint8_t>& frame, const PacketMeta& meta) {
  if (static_cast<size_t>(meta.payload_offset) + meta.payload_len > frame.size()) {
    return "<out of frame>";
  }
  return std::string(frame.begin() + meta.payload_offset,
                     frame.begin() + meta.payload_offset + meta.payload_len);
}

inline std::vector<uint8_t> Ipv4Udp(std::string_view payload = "hello") {
  return PacketBuilder()
      .Ethernet(kEtherIpv4)
      .Ip(V4Spec(), ip_proto::kUdp)
      .Udp(40000, 53)
      .Payload(payload)
      .Finish();
}

}  // namespace rampart::decode_test
