#include "detect/packet_class.h"

#include <cstring>

namespace rampart {
namespace {
// IP datagram size from which a DNS answer is an amplification candidate: 512 bytes of DNS
// (the classic UDP limit) plus IPv4 and UDP headers.
constexpr uint16_t kLargeDnsAnswer = 540;

struct Service {
  uint16_t port;
  std::string_view name;
};
// UDP services abused for reflection/amplification (US-CERT TA14-017A and later reports).
constexpr Service kServices[] = {
    {53, "dns"},          {123, "ntp"},        {1900, "ssdp"},
    {11211, "memcached"}, {389, "cldap"},      {161, "snmp"},
    {19, "chargen"},      {47808, "bacnet"},   {3702, "ws_discovery"},
    {500, "isakmp"},      {111, "portmap"},    {137, "netbios"},
    {17, "qotd"},         {1434, "mssql"},     {5683, "coap"},
    {5353, "mdns"},       {3283, "ard"},       {69, "tftp"},
    {520, "rip"},         {10001, "ubiquiti"},
};

bool StartsWith(const uint8_t* p, uint32_t len, std::string_view prefix) {
  return p != nullptr && len >= prefix.size() && std::memcmp(p, prefix.data(), prefix.size()) == 0;
}

bool IsHttpRequest(const uint8_t* p, uint32_t len) {
  return StartsWith(p, len, "GET ") || StartsWith(p, len, "POST ") || StartsWith(p, len, "HEAD ") ||
         StartsWith(p, len, "PUT ");
}

}  // namespace

std::optional<std::string_view> AmplificationService(uint16_t source_port) {
  for (const Service& service : kServices) {
    if (service.port == source_port) {
      return service.name;
    }
  }
  return std::nullopt;
}

PacketClass ClassifyPacket(const PacketMeta& meta, const uint8_t* frame, uint32_t cap_len) {
  if (!meta.IsIp()) {
    return PacketClass::kOther;
  }
  if (meta.Has(meta_flag::kGre)) {
    return meta.Has(meta_flag::kGreEthernet) ? PacketClass::kGreEth : PacketClass::kGreIp;
  }
  if (meta.frag_offset != 0) {
    return PacketClass::kFragment;
  }
  const bool payload_ok = meta.payload_len > 0 &&
                          static_cast<uint32_t>(meta.payload_offset) + meta.payload_len <= cap_len;
  const uint8_t* payload = payload_ok ? frame + meta.payload_offset : nullptr;
  const uint32_t payload_len = payload_ok ? meta.payload_len : 0;
  switch (meta.ip_proto) {
    case ip_proto::kTcp: {
      if (!meta.Has(meta_flag::kHasPorts)) {
        return PacketClass::kTcpOther;
      }
      const uint8_t f = meta.tcp_flags;
      if ((f & tcp_flag::kSyn) != 0) {
        return (f & tcp_flag::kAck) != 0 ? PacketClass::kTcpSynAck : PacketClass::kTcpSyn;
      }
      if ((f & tcp_flag::kRst) != 0) {
        return PacketClass::kTcpRst;
      }
      if (payload_len > 0 && IsHttpRequest(payload, payload_len)) {
        return PacketClass::kHttpRequest;
      }
      if ((f & (tcp_flag::kAck | tcp_flag::kPsh)) == (tcp_flag::kAck | tcp_flag::kPsh) &&
          payload_len > 0) {
        return PacketClass::kTcpPshAck;
      }
      if ((f & (tcp_flag::kAck | tcp_flag::kFin)) == tcp_flag::kAck) {
        return PacketClass::kTcpAck;
      }
      return PacketClass::kTcpOther;
    }
    case ip_proto::kUdp:
      if (!meta.Has(meta_flag::kHasPorts)) {
        return PacketClass::kUdp;
      }
      // A response from a service port to a high port; queries to the service are not. A DNS
      // answer counts only when it is large (ANY, TXT, RRSIG answers; over the classic 512-byte
      // limit, or fragmented): a resolver's ordinary answers from many authoritative servers
      // are not an amplification.
      if (meta.dst_port >= 1024 && AmplificationService(meta.src_port).has_value() &&
          (meta.src_port != 53 || meta.ip_total_len >= kLargeDnsAnswer ||
           meta.Has(meta_flag::kFragment))) {
        return PacketClass::kUdpAmpResponse;
      }
      if (meta.dst_port == 27015 && StartsWith(payload, payload_len, "\xff\xff\xff\xffT")) {
        return PacketClass::kUdpVse;
      }
      if (meta.dst_port == 53) {
        return PacketClass::kUdpDnsQuery;
      }
      return PacketClass::kUdp;
    case ip_proto::kIcmp:
    case ip_proto::kIcmpv6:
      return PacketClass::kIcmp;
    default:
      return PacketClass::kOther;
  }
}

}  // namespace rampart
