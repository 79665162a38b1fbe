#pragma once
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "core/ip_address.h"
#include "core/timestamp.h"

namespace rampart {

enum class Layer3 : uint8_t { kNone, kIpv4, kIpv6, kArp, kOther };

namespace ip_proto {
constexpr uint8_t kIcmp = 1;
constexpr uint8_t kIpInIp = 4;
constexpr uint8_t kTcp = 6;
constexpr uint8_t kUdp = 17;
constexpr uint8_t kIpv6InIp = 41;
constexpr uint8_t kGre = 47;
constexpr uint8_t kIcmpv6 = 58;
}  // namespace ip_proto

namespace tcp_flag {
constexpr uint8_t kFin = 0x01;
constexpr uint8_t kSyn = 0x02;
constexpr uint8_t kRst = 0x04;
constexpr uint8_t kPsh = 0x08;
constexpr uint8_t kAck = 0x10;
constexpr uint8_t kUrg = 0x20;
}  // namespace tcp_flag

//! Facts that are either present or not, kept in one word.
namespace meta_flag {
constexpr uint32_t kFragment = 1u << 0;  // any fragment of a fragmented datagram
constexpr uint32_t kMoreFragments = 1u << 1;
constexpr uint32_t kDontFragment = 1u << 2;
constexpr uint32_t kIpOptions = 1u << 3;    // IPv4 options or IPv6 extension headers present
constexpr uint32_t kGre = 1u << 4;          // carried through GRE
constexpr uint32_t kGreEthernet = 1u << 5;  // GRE transparent Ethernet bridging (0x6558)
constexpr uint32_t kIpInIp = 1u << 6;       // IPv4/IPv6 directly inside IP
constexpr uint32_t kTcpMss = 1u << 7;
constexpr uint32_t kTcpWindowScale = 1u << 8;
constexpr uint32_t kTcpSackPermitted = 1u << 9;
constexpr uint32_t kTcpTimestamps = 1u << 10;
constexpr uint32_t kHasPorts = 1u << 11;  // TCP or UDP header decoded
constexpr uint32_t kVlan = 1u << 12;
constexpr uint32_t kMpls = 1u << 13;
constexpr uint32_t kPppoe = 1u << 14;
constexpr uint32_t kCutBySnaplen = 1u << 15;  // the capture holds fewer bytes than the wire did
constexpr uint32_t kL4Truncated = 1u << 16;   // transport header absent or cut
}  // namespace meta_flag

//! The one normalized record per packet (or per flow record, weighted) that every later stage
//! reads. Addresses: `outer_*` from the first IP header (what hosts are counted by), `inner_*`
//! from the innermost one when the packet is tunneled (GRE, IP-in-IP), else equal to outer.
//! Transport fields describe the innermost IP header's payload.
//! Two IPv6 address pairs alone take 64 bytes, so the record spans three cache lines; it lives in
//! a small per-worker batch, never in a table.
struct PacketMeta {
  TimestampNs ts_ns = 0;
  IpAddress outer_src;
  IpAddress outer_dst;
  IpAddress inner_src;
  IpAddress inner_dst;

  uint32_t wire_len = 0;  // frame length on the wire
  uint32_t flags = 0;     // meta_flag bits
  uint32_t tcp_seq = 0;
  uint32_t tcp_ack = 0;
  uint32_t tcp_tsval = 0;
  uint32_t tcp_tsecr = 0;
  uint32_t flow_weight = 1;  // packets this record stands for (sampled flows), 1 for packets
  uint64_t flow_bytes = 0;   // a flow chunk's exact bytes; 0 for a packet (wire_len counts)

  uint16_t ip_total_len = 0;  // innermost IP datagram length (IPv6: 40 + payload length)
  uint16_t ip_id = 0;
  uint16_t frag_offset = 0;  // in bytes
  uint16_t src_port = 0;
  uint16_t dst_port = 0;
  uint16_t tcp_window = 0;
  uint16_t tcp_mss = 0;
  uint16_t vlan_id = 0;         // outermost VLAN tag
  uint16_t payload_offset = 0;  // transport payload, as an offset into the captured frame
  uint16_t payload_len = 0;     // bytes of it present in the capture

  Layer3 l3 = Layer3::kNone;
  uint8_t ip_proto = 0;  // innermost IP's protocol / IPv6 upper-layer header
  uint8_t ttl = 0;       // innermost IP's TTL / hop limit
  uint8_t tcp_flags = 0;
  uint8_t tcp_wscale = 0;
  uint8_t icmp_type = 0;
  uint8_t icmp_code = 0;
  uint8_t ip_layers = 0;  // 1 for plain IP, 2+ when tunneled
  uint8_t vlan_tags = 0;
  uint8_t mpls_labels = 0;

  bool Has(uint32_t flag) const { return (flags & flag) != 0; }
  //! Back to the state of a default-constructed record, in whole-line stores.
  //! (GCC turns one memset of this size into `rep stos`, whose start-up cost was most of a
  //! short decode; 16-byte chunks become plain vector stores.)
  void Reset() {
    auto* bytes = reinterpret_cast<unsigned char*>(this);
    constexpr size_t kChunks = sizeof(PacketMeta) / 16;
#pragma GCC unroll 16
    for (size_t i = 0; i < kChunks; ++i) {
      std::memset(bytes + i * 16, 0, 16);
    }
    std::memset(bytes + kChunks * 16, 0, sizeof(PacketMeta) % 16);
    flow_weight = 1;
  }
  bool IsIp() const {
    return l3 == Layer3::kIpv4 || l3 == Layer3::kIpv6;
  }
};

static_assert(std::is_trivially_copyable_v<PacketMeta>, "PacketMeta is reset with memset");
static_assert(sizeof(PacketMeta) <= 192, "PacketMeta stays within three cache lines");

}  // namespace rampart
