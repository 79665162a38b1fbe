#pragma once
// What kind of packet this is, for attack-vector evidence: one switch per packet on facts the
// decoder already has, plus the first bytes of the payload for two vectors (VSE, HTTP).
#include <cstdint>
#include <optional>
#include <string_view>

#include "decode/packet_meta.h"

namespace rampart {

enum class PacketClass : uint8_t {
  kOther,
  kTcpSyn,     // SYN without ACK
  kTcpSynAck,  // SYN+ACK: a reflected handshake when nobody asked
  kTcpRst,
  kTcpAck,     // ACK (with or without payload), no SYN/RST/PSH
  kTcpPshAck,  // ACK+PSH with payload that is not an HTTP request
  kTcpOther,
  kHttpRequest,     // TCP payload starting with an HTTP method
  kUdpAmpResponse,  // UDP from a known amplification service port
  kUdpVse,          // Source-engine query to 27015
  kUdpDnsQuery,     // UDP to port 53 (water torture's detector is the DNS issue's)
  kUdp,
  kIcmp,
  kGreIp,
  kGreEth,
  kFragment,  // a non-first IP fragment
  kCount
};
constexpr size_t kPacketClassCount = static_cast<size_t>(PacketClass::kCount);

//! The amplification service a UDP source port belongs to ("dns", "ntp", …), or nullopt.
std::optional<std::string_view> AmplificationService(uint16_t source_port);

//! Classifies one decoded packet; `frame` is its captured bytes (for the payload peek).
PacketClass ClassifyPacket(const PacketMeta& meta, const uint8_t* frame, uint32_t cap_len);

}  // namespace rampart
