#pragma once
#include <cstdint>

#include "core/timestamp.h"
#include "decode/dns.h"
#include "decode/packet_meta.h"

namespace rampart {

struct PacketByteCount {
  uint64_t packets = 0;
  uint64_t bytes = 0;
  void Add(uint64_t p, uint64_t b) {
    packets += p;
    bytes += b;
  }
  void Merge(const PacketByteCount& other) { Add(other.packets, other.bytes); }
};

//! The protocol mix of everything counted: network layer, transport, encapsulations, and a few
//! TCP and DNS facts. Plain counters owned by one worker; Merge() combines workers.
struct TrafficSummary {
  PacketByteCount total;
  // Network layer of the outermost header.
  PacketByteCount ipv4, ipv6, arp, other_l3, undecoded;
  // Transport of the innermost IP datagram.
  PacketByteCount tcp, udp, icmp, icmpv6, gre, other_l4;
  // Encapsulation and IP facts.
  PacketByteCount fragments, vlan, mpls, pppoe, gre_tunneled, gre_ethernet, ip_in_ip;
  // TCP control packets.
  uint64_t tcp_syn = 0, tcp_syn_ack = 0, tcp_rst = 0, tcp_fin = 0;
  // DNS over UDP (port 53 and mDNS 5353).
  uint64_t dns_queries = 0, dns_responses = 0, dns_malformed = 0;
  uint64_t dns_noerror = 0, dns_nxdomain = 0, dns_servfail = 0, dns_refused = 0,
           dns_other_rcode = 0;
  TimestampNs first_ts = 0;
  TimestampNs last_ts = 0;
  uint64_t out_of_order = 0;  // packets older than one already seen

  void Count(const PacketMeta& meta);
  void CountDns(const DnsMessage& message);
  void Merge(const TrafficSummary& other);
};

//! True for UDP datagrams to or from the DNS and mDNS ports.
inline bool IsDnsCandidate(const PacketMeta& meta) {
  if (meta.ip_proto != ip_proto::kUdp || !meta.Has(meta_flag::kHasPorts) ||
      meta.Has(meta_flag::kFragment)) {
    return false;
  }
  return meta.src_port == 53 || meta.dst_port == 53 || meta.src_port == 5353 ||
         meta.dst_port == 5353;
}

}  // namespace rampart
