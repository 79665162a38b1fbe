#include "track/traffic_summary.h"

namespace rampart {

void TrafficSummary::Count(const PacketMeta& meta) {
  const uint64_t packets = meta.flow_weight;
  const uint64_t bytes =
      (meta.flow_bytes != 0 ? meta.flow_bytes
                            : static_cast<uint64_t>(meta.wire_len) * meta.flow_weight);
  if (total.packets == 0) {
    first_ts = last_ts = meta.ts_ns;
  } else if (meta.ts_ns < last_ts) {
    ++out_of_order;
    first_ts = meta.ts_ns < first_ts ? meta.ts_ns : first_ts;
  } else {
    last_ts = meta.ts_ns;
  }
  total.Add(packets, bytes);
  switch (meta.l3) {
    case Layer3::kIpv4:
      ipv4.Add(packets, bytes);
      break;
    case Layer3::kIpv6:
      ipv6.Add(packets, bytes);
      break;
    case Layer3::kArp:
      arp.Add(packets, bytes);
      break;
    case Layer3::kOther:
      other_l3.Add(packets, bytes);
      break;
    case Layer3::kNone:
      undecoded.Add(packets, bytes);
      break;
  }
  if (meta.Has(meta_flag::kVlan)) {
    vlan.Add(packets, bytes);
  }
  if (meta.Has(meta_flag::kMpls)) {
    mpls.Add(packets, bytes);
  }
  if (meta.Has(meta_flag::kPppoe)) {
    pppoe.Add(packets, bytes);
  }
  if (!meta.IsIp()) {
    return;
  }
  if (meta.Has(meta_flag::kFragment)) {
    fragments.Add(packets, bytes);
  }
  if (meta.Has(meta_flag::kGre)) {
    gre_tunneled.Add(packets, bytes);
  }
  if (meta.Has(meta_flag::kGreEthernet)) {
    gre_ethernet.Add(packets, bytes);
  }
  if (meta.Has(meta_flag::kIpInIp)) {
    ip_in_ip.Add(packets, bytes);
  }
  switch (meta.ip_proto) {
    case ip_proto::kTcp:
      tcp.Add(packets, bytes);
      if (meta.Has(meta_flag::kHasPorts)) {
        const uint8_t f = meta.tcp_flags;
        tcp_syn += (f & (tcp_flag::kSyn | tcp_flag::kAck)) == tcp_flag::kSyn ? packets : 0;
        tcp_syn_ack += (f & (tcp_flag::kSyn | tcp_flag::kAck)) == (tcp_flag::kSyn | tcp_flag::kAck)
                           ? packets
                           : 0;
        tcp_rst += (f & tcp_flag::kRst) != 0 ? packets : 0;
        tcp_fin += (f & tcp_flag::kFin) != 0 ? packets : 0;
      }
      break;
    case ip_proto::kUdp:
      udp.Add(packets, bytes);
      break;
    case ip_proto::kIcmp:
      icmp.Add(packets, bytes);
      break;
    case ip_proto::kIcmpv6:
      icmpv6.Add(packets, bytes);
      break;
    case ip_proto::kGre:
      gre.Add(packets, bytes);
      break;
    default:
      other_l4.Add(packets, bytes);
      break;
  }
}

void TrafficSummary::CountDns(const DnsMessage& message) {
  if (!message.is_response) {
    ++dns_queries;
    return;
  }
  ++dns_responses;
  switch (message.rcode) {
    case 0:
      ++dns_noerror;
      break;
    case 2:
      ++dns_servfail;
      break;
    case 3:
      ++dns_nxdomain;
      break;
    case 5:
      ++dns_refused;
      break;
    default:
      ++dns_other_rcode;
      break;
  }
}

void TrafficSummary::Merge(const TrafficSummary& other) {
  if (other.total.packets == 0) {
    return;
  }
  if (total.packets == 0 || other.first_ts < first_ts) {
    first_ts = other.first_ts;
  }
  if (total.packets == 0 || other.last_ts > last_ts) {
    last_ts = other.last_ts;
  }
  for (auto [mine, theirs] : {std::pair{&total, &other.total},
                              {&ipv4, &other.ipv4},
                              {&ipv6, &other.ipv6},
                              {&arp, &other.arp},
                              {&other_l3, &other.other_l3},
                              {&undecoded, &other.undecoded},
                              {&tcp, &other.tcp},
                              {&udp, &other.udp},
                              {&icmp, &other.icmp},
                              {&icmpv6, &other.icmpv6},
                              {&gre, &other.gre},
                              {&other_l4, &other.other_l4},
                              {&fragments, &other.fragments},
                              {&vlan, &other.vlan},
                              {&mpls, &other.mpls},
                              {&pppoe, &other.pppoe},
                              {&gre_tunneled, &other.gre_tunneled},
                              {&gre_ethernet, &other.gre_ethernet},
                              {&ip_in_ip, &other.ip_in_ip}}) {
    mine->Merge(*theirs);
  }
  tcp_syn += other.tcp_syn;
  tcp_syn_ack += other.tcp_syn_ack;
  tcp_rst += other.tcp_rst;
  tcp_fin += other.tcp_fin;
  dns_queries += other.dns_queries;
  dns_responses += other.dns_responses;
  dns_malformed += other.dns_malformed;
  dns_noerror += other.dns_noerror;
  dns_nxdomain += other.dns_nxdomain;
  dns_servfail += other.dns_servfail;
  dns_refused += other.dns_refused;
  dns_other_rcode += other.dns_other_rcode;
  out_of_order += other.out_of_order;
}

}  // namespace rampart
