// TrafficSummary: which bucket each record lands in, the time range, and Merge.
#include "track/traffic_summary.h"

#include <gtest/gtest.h>

#include <vector>

#include "capture/raw_packet.h"
#include "decode/packet_decoder.h"
#include "scenario/packet_builder.h"

namespace rampart {
namespace {

PacketMeta Ip(Layer3 l3, uint8_t protocol, uint32_t wire_len, TimestampNs ts = 1) {
  PacketMeta meta;
  meta.l3 = l3;
  const bool v4 = l3 == Layer3::kIpv4;
  meta.outer_src = v4 ? IpAddress::V4(0xc0000201u) : IpAddress::Parse("2001:db8::1").value();
  meta.outer_dst = v4 ? IpAddress::V4(0xc0000202u) : IpAddress::Parse("2001:db8::2").value();
  meta.inner_src = meta.outer_src;
  meta.inner_dst = meta.outer_dst;
  meta.ip_layers = 1;
  meta.ip_proto = protocol;
  meta.wire_len = wire_len;
  meta.ts_ns = ts;
  return meta;
}

PacketMeta Tcp(uint8_t tcp_flags, uint32_t wire_len) {
  PacketMeta meta = Ip(Layer3::kIpv4, ip_proto::kTcp, wire_len);
  meta.flags |= meta_flag::kHasPorts;
  meta.src_port = 40000;
  meta.dst_port = 80;
  meta.tcp_flags = tcp_flags;
  return meta;
}

PacketMeta NonIp(Layer3 l3, uint32_t wire_len) {
  PacketMeta meta;
  meta.l3 = l3;
  meta.wire_len = wire_len;
  meta.ts_ns = 1;
  return meta;
}

void ExpectCount(const PacketByteCount& count, uint64_t packets, uint64_t bytes) {
  EXPECT_EQ(count.packets, packets);
  EXPECT_EQ(count.bytes, bytes);
}

TEST(TrafficSummary, NetworkLayerBuckets) {
  TrafficSummary s;
  s.Count(Ip(Layer3::kIpv4, ip_proto::kUdp, 100));
  s.Count(Ip(Layer3::kIpv4, ip_proto::kUdp, 101));
  s.Count(Ip(Layer3::kIpv6, ip_proto::kUdp, 200));
  s.Count(NonIp(Layer3::kArp, 60));
  s.Count(NonIp(Layer3::kOther, 70));
  s.Count(NonIp(Layer3::kNone, 80));
  ExpectCount(s.total, 6, 100 + 101 + 200 + 60 + 70 + 80);
  ExpectCount(s.ipv4, 2, 201);
  ExpectCount(s.ipv6, 1, 200);
  ExpectCount(s.arp, 1, 60);
  ExpectCount(s.other_l3, 1, 70);
  ExpectCount(s.undecoded, 1, 80);
  ExpectCount(s.udp, 3, 401);  // non-IP records have no transport
  ExpectCount(s.other_l4, 0, 0);
}

TEST(TrafficSummary, TransportBuckets) {
  TrafficSummary s;
  s.Count(Tcp(tcp_flag::kAck, 54));
  s.Count(Ip(Layer3::kIpv4, ip_proto::kUdp, 80));
  s.Count(Ip(Layer3::kIpv4, ip_proto::kIcmp, 98));
  s.Count(Ip(Layer3::kIpv6, ip_proto::kIcmpv6, 118));
  s.Count(Ip(Layer3::kIpv4, ip_proto::kGre, 150));
  s.Count(Ip(Layer3::kIpv6, 132, 90));  // SCTP
  ExpectCount(s.tcp, 1, 54);
  ExpectCount(s.udp, 1, 80);
  ExpectCount(s.icmp, 1, 98);
  ExpectCount(s.icmpv6, 1, 118);
  ExpectCount(s.gre, 1, 150);
  ExpectCount(s.other_l4, 1, 90);
  ExpectCount(s.total, 6, 54 + 80 + 98 + 118 + 150 + 90);
}

TEST(TrafficSummary, TcpControlPackets) {
  TrafficSummary s;
  s.Count(Tcp(tcp_flag::kSyn, 60));
  s.Count(Tcp(tcp_flag::kSyn, 60));
  s.Count(Tcp(tcp_flag::kSyn | tcp_flag::kAck, 60));
  s.Count(Tcp(tcp_flag::kRst, 54));
  s.Count(Tcp(tcp_flag::kRst | tcp_flag::kAck, 54));
  s.Count(Tcp(tcp_flag::kFin | tcp_flag::kAck, 54));
  s.Count(Tcp(tcp_flag::kAck | tcp_flag::kPsh, 500));
  PacketMeta weighted = Tcp(tcp_flag::kSyn, 60);
  weighted.flow_weight = 10;
  s.Count(weighted);
  // Without a decoded TCP header (a later fragment) the flag byte means nothing.
  PacketMeta fragment = Tcp(tcp_flag::kSyn, 60);
  fragment.flags = meta_flag::kFragment;
  s.Count(fragment);

  EXPECT_EQ(s.tcp_syn, 2u + 10u);
  EXPECT_EQ(s.tcp_syn_ack, 1u);
  EXPECT_EQ(s.tcp_rst, 2u);
  EXPECT_EQ(s.tcp_fin, 1u);
  ExpectCount(s.tcp, 18, 60 * 3 + 54 * 3 + 500 + 600 + 60);
}

TEST(TrafficSummary, EncapsulationAndFragmentBuckets) {
  TrafficSummary s;
  PacketMeta fragment = Ip(Layer3::kIpv4, ip_proto::kUdp, 1514);
  fragment.flags |= meta_flag::kFragment | meta_flag::kMoreFragments;
  s.Count(fragment);

  PacketMeta vlan = Ip(Layer3::kIpv6, ip_proto::kUdp, 100);
  vlan.flags |= meta_flag::kVlan;
  vlan.vlan_tags = 1;
  s.Count(vlan);

  PacketMeta vlan_arp = NonIp(Layer3::kArp, 64);  // counted by VLAN even when not IP
  vlan_arp.flags |= meta_flag::kVlan;
  s.Count(vlan_arp);

  PacketMeta gre = Ip(Layer3::kIpv4, ip_proto::kTcp, 200);
  gre.flags |= meta_flag::kGre;
  gre.ip_layers = 2;
  s.Count(gre);

  PacketMeta gre_eth = Ip(Layer3::kIpv4, ip_proto::kUdp, 300);
  gre_eth.flags |= meta_flag::kGre | meta_flag::kGreEthernet;
  s.Count(gre_eth);

  PacketMeta ipip = Ip(Layer3::kIpv4, ip_proto::kIcmp, 120);
  ipip.flags |= meta_flag::kIpInIp;
  s.Count(ipip);

  PacketMeta mpls = Ip(Layer3::kIpv4, ip_proto::kUdp, 90);
  mpls.flags |= meta_flag::kMpls;
  s.Count(mpls);

  PacketMeta pppoe = NonIp(Layer3::kOther, 70);
  pppoe.flags |= meta_flag::kPppoe;
  s.Count(pppoe);

  ExpectCount(s.fragments, 1, 1514);
  ExpectCount(s.vlan, 2, 164);
  ExpectCount(s.gre_tunneled, 2, 500);
  ExpectCount(s.gre_ethernet, 1, 300);
  ExpectCount(s.ip_in_ip, 1, 120);
  ExpectCount(s.mpls, 1, 90);
  ExpectCount(s.pppoe, 1, 70);
  ExpectCount(s.gre, 0, 0);  // the inner protocol is what counts as transport
  ExpectCount(s.total, 8, 1514 + 100 + 64 + 200 + 300 + 120 + 90 + 70);
}

TEST(TrafficSummary, FlowWeightMultiplies) {
  TrafficSummary s;
  PacketMeta flow = Ip(Layer3::kIpv4, ip_proto::kUdp, 500);
  flow.flow_weight = 1000;
  s.Count(flow);
  ExpectCount(s.total, 1000, 500'000);
  ExpectCount(s.ipv4, 1000, 500'000);
  ExpectCount(s.udp, 1000, 500'000);
}

TEST(TrafficSummary, FirstLastAndOutOfOrder) {
  TrafficSummary s;
  for (const TimestampNs ts : {100, 200, 150, 50, 300, 300}) {
    s.Count(Ip(Layer3::kIpv4, ip_proto::kUdp, 60, ts));
  }
  EXPECT_EQ(s.first_ts, 50);
  EXPECT_EQ(s.last_ts, 300);
  EXPECT_EQ(s.out_of_order, 2u);  // 150 after 200, 50 after 200; an equal time is in order

  TrafficSummary single;
  single.Count(Ip(Layer3::kIpv4, ip_proto::kUdp, 60, 777));
  EXPECT_EQ(single.first_ts, 777);
  EXPECT_EQ(single.last_ts, 777);
  EXPECT_EQ(single.out_of_order, 0u);
}

TEST(TrafficSummary, CountsDecodedFrames) {
  using scenario::IpSpec;
  using scenario::PacketBuilder;
  IpSpec spec;
  spec.src = IpAddress::Parse("192.0.2.1").value();
  spec.dst = IpAddress::Parse("192.0.2.2").value();
  scenario::TcpSpec syn;
  syn.src_port = 1234;
  syn.dst_port = 80;
  syn.flags = tcp_flag::kSyn;
  const std::vector<std::vector<uint8_t>> frames = {
      PacketBuilder().Ethernet(0x0800).Ip(spec, ip_proto::kTcp).Tcp(syn).Finish(),
      PacketBuilder()
          .Ethernet(0x8100)
          .Vlan(5, 0x0800)
          .Ip(spec, ip_proto::kUdp)
          .Udp(53, 53)
          .Finish(),
      PacketBuilder().Ethernet(0x0806).Zeros(28).Finish(),
  };
  TrafficSummary s;
  DecodeStats stats;
  TimestampNs ts = 1000;
  for (const std::vector<uint8_t>& frame : frames) {
    RawPacket raw;
    raw.ts_ns = ts++;
    raw.data = frame.data();
    raw.cap_len = raw.wire_len = static_cast<uint32_t>(frame.size());
    raw.link_type = 1;
    PacketMeta meta;
    DecodePacket(raw, meta, stats);
    s.Count(meta);
  }
  ExpectCount(s.total, 3, 60 + 60 + 60);
  EXPECT_EQ(s.ipv4.packets, 2u);
  EXPECT_EQ(s.arp.packets, 1u);
  EXPECT_EQ(s.tcp.packets, 1u);
  EXPECT_EQ(s.udp.packets, 1u);
  EXPECT_EQ(s.vlan.packets, 1u);
  EXPECT_EQ(s.tcp_syn, 1u);
  EXPECT_EQ(s.first_ts, 1000);
  EXPECT_EQ(s.last_ts, 1002);
}

TEST(TrafficSummary, CountDnsRcodes) {
  TrafficSummary s;
  DnsMessage message;
  s.CountDns(message);  // a query
  message.is_response = true;
  for (const uint8_t rcode : {0, 0, 2, 3, 3, 3, 5, 4}) {
    message.rcode = rcode;
    s.CountDns(message);
  }
  EXPECT_EQ(s.dns_queries, 1u);
  EXPECT_EQ(s.dns_responses, 8u);
  EXPECT_EQ(s.dns_noerror, 2u);
  EXPECT_EQ(s.dns_servfail, 1u);
  EXPECT_EQ(s.dns_nxdomain, 3u);
  EXPECT_EQ(s.dns_refused, 1u);
  EXPECT_EQ(s.dns_other_rcode, 1u);
}

TEST(TrafficSummary, Merge) {
  TrafficSummary a;
  a.Count(Tcp(tcp_flag::kSyn, 60));
  a.Count(Ip(Layer3::kIpv6, ip_proto::kUdp, 100, 500));
  a.Count(Ip(Layer3::kIpv4, ip_proto::kUdp, 100, 400));  // out of order
  a.dns_queries = 2;
  TrafficSummary b;
  PacketMeta gre = Ip(Layer3::kIpv4, ip_proto::kIcmp, 90, 50);
  gre.flags |= meta_flag::kGre;
  b.Count(gre);
  b.Count(NonIp(Layer3::kArp, 42));  // ts 1
  b.Count(Tcp(tcp_flag::kRst, 54));
  b.Count(Ip(Layer3::kIpv4, ip_proto::kUdp, 10, 900));
  b.dns_responses = 3;
  b.dns_nxdomain = 3;

  TrafficSummary merged = a;
  merged.Merge(b);
  ExpectCount(merged.total, 7, 60 + 100 + 100 + 90 + 42 + 54 + 10);
  ExpectCount(merged.ipv4, 5, 60 + 100 + 90 + 54 + 10);
  ExpectCount(merged.ipv6, 1, 100);
  ExpectCount(merged.arp, 1, 42);
  ExpectCount(merged.tcp, 2, 114);
  ExpectCount(merged.udp, 3, 210);
  ExpectCount(merged.icmp, 1, 90);
  ExpectCount(merged.gre_tunneled, 1, 90);
  EXPECT_EQ(merged.tcp_syn, 1u);
  EXPECT_EQ(merged.tcp_rst, 1u);
  EXPECT_EQ(merged.dns_queries, 2u);
  EXPECT_EQ(merged.dns_responses, 3u);
  EXPECT_EQ(merged.dns_nxdomain, 3u);
  EXPECT_EQ(merged.first_ts, 1);
  EXPECT_EQ(merged.last_ts, 900);
  EXPECT_EQ(merged.out_of_order, a.out_of_order + b.out_of_order);
  EXPECT_EQ(a.out_of_order, 1u);

  // Merging an empty summary changes nothing; merging into an empty one copies the range.
  TrafficSummary unchanged = merged;
  unchanged.Merge(TrafficSummary{});
  EXPECT_EQ(unchanged.first_ts, 1);
  EXPECT_EQ(unchanged.last_ts, 900);
  ExpectCount(unchanged.total, 7, merged.total.bytes);

  TrafficSummary empty;
  empty.Merge(b);
  EXPECT_EQ(empty.first_ts, 1);
  EXPECT_EQ(empty.last_ts, 900);
  ExpectCount(empty.total, 4, 90 + 42 + 54 + 10);
}

}  // namespace
}  // namespace rampart
