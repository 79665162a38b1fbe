#pragma once
// Builds well-formed frames byte by byte for the scenario generator and the tests. Checksums are
// computed so that tshark and other tools accept what we write.
#include <cstdint>
#include <string_view>
#include <vector>

#include "core/ip_address.h"

namespace rampart::scenario {

struct TcpSpec {
  uint16_t src_port = 0;
  uint16_t dst_port = 0;
  uint32_t seq = 0;
  uint32_t ack = 0;
  uint8_t flags = 0;
  uint16_t window = 0;
  std::vector<uint8_t> options = {};  // raw, padded to 4 bytes by the builder
};

struct IpSpec {
  IpAddress src;
  IpAddress dst;
  uint8_t ttl = 64;
  uint16_t id = 0;
  bool dont_fragment = false;
  bool more_fragments = false;
  uint16_t fragment_offset = 0;  // bytes, multiple of 8
};

//! A frame under construction: layers are appended outside-in, and lengths and checksums of the
//! IP headers are fixed up by Finish().
class PacketBuilder {
 public:
  PacketBuilder& Ethernet(uint16_t ethertype, uint64_t src_mac = 0x020000000001,
                          uint64_t dst_mac = 0x020000000002);
  PacketBuilder& Vlan(uint16_t vlan_id, uint16_t inner_ethertype);
  PacketBuilder& Mpls(uint32_t label, bool bottom);
  //! IPv4 or IPv6 by the addresses' family; `protocol` is the next header.
  PacketBuilder& Ip(const IpSpec& spec, uint8_t protocol);
  PacketBuilder& Tcp(const TcpSpec& spec);
  PacketBuilder& Udp(uint16_t src_port, uint16_t dst_port);
  PacketBuilder& Icmp(uint8_t type, uint8_t code) { return Icmp(type, code, 1, 1); }
  //! ICMP or ICMPv6 (by the IP layer's family) with the echo identifier and sequence number.
  PacketBuilder& Icmp(uint8_t type, uint8_t code, uint16_t id, uint16_t seq);
  PacketBuilder& Gre(uint16_t protocol, bool with_key = false);
  PacketBuilder& Payload(const uint8_t* data, size_t len);
  PacketBuilder& Payload(std::string_view text);
  PacketBuilder& Zeros(size_t len);

  //! Fixes length fields and checksums; pads Ethernet frames to 60 bytes.
  std::vector<uint8_t> Finish();

 private:
  struct IpLayer {
    size_t offset;
    bool v6;
    uint8_t protocol;
  };
  struct L4Layer {
    size_t offset;
    uint8_t protocol;
    size_t ip_index;
  };
  std::vector<uint8_t> bytes_;
  std::vector<IpLayer> ips_;
  std::vector<L4Layer> l4s_;
  std::vector<size_t> udp_lengths_;
  bool ethernet_ = false;
};

//! A DNS query (recursion desired) for `name` with `qtype`, as a UDP payload.
std::vector<uint8_t> DnsQuery(uint16_t id, std::string_view name, uint16_t qtype);

}  // namespace rampart::scenario
