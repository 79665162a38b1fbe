// Byte-level tests of DecodePacket, link layers: Ethernet, VLAN tags, MPLS, PPPoE and the other
// link types, each with a good, a truncated and a malformed frame.
#include "decode/packet_decoder.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "packet_decoder_test_util.h"
#include "scenario/packet_builder.h"

namespace rampart::decode_test {
namespace {

// ---------------------------------------------------------------------------------------------
// Ethernet

TEST(DecodeEthernet, Ipv4UdpFrame) {
  const std::vector<uint8_t> frame = Ipv4Udp("hello");
  ASSERT_EQ(frame.size(), 60u);  // 47 bytes padded to the Ethernet minimum
  const Decoded d = Decode(frame);
  EXPECT_EQ(Events(d.stats), "");
  const PacketMeta& m = d.meta;
  EXPECT_EQ(m.ts_ns, 1234567);
  EXPECT_EQ(m.wire_len, 60u);
  EXPECT_EQ(m.l3, Layer3::kIpv4);
  EXPECT_EQ(m.outer_src.ToString(), "192.0.2.1");
  EXPECT_EQ(m.outer_dst.ToString(), "198.51.100.2");
  EXPECT_EQ(m.inner_src, m.outer_src);
  EXPECT_EQ(m.inner_dst, m.outer_dst);
  EXPECT_EQ(m.ip_layers, 1);
  EXPECT_EQ(m.ip_proto, ip_proto::kUdp);
  EXPECT_EQ(m.ttl, 61);
  EXPECT_EQ(m.ip_id, 0x1234);
  EXPECT_EQ(m.ip_total_len, kIp4 + kUdp + 5);
  EXPECT_EQ(m.src_port, 40000);
  EXPECT_EQ(m.dst_port, 53);
  EXPECT_EQ(m.flags, meta_flag::kHasPorts);
  EXPECT_EQ(m.vlan_tags, 0);
  EXPECT_EQ(m.mpls_labels, 0);
  EXPECT_EQ(m.payload_offset, kEth + kIp4 + kUdp);
  EXPECT_EQ(m.payload_len, 5);  // the Ethernet padding is not payload
  EXPECT_EQ(PayloadOf(frame, m), "hello");
}

TEST(DecodeEthernet, TruncatedHeader) {
  const Decoded d = Decode(Cut(Ipv4Udp(), 13));
  EXPECT_EQ(Events(d.stats), "ethernet.truncated");
  EXPECT_EQ(d.meta.l3, Layer3::kNone);
  EXPECT_EQ(d.meta.wire_len, 13u);
  EXPECT_EQ(d.meta.ip_layers, 0);
  EXPECT_FALSE(d.meta.outer_src.IsSet());

  const Decoded empty = Decode({});
  EXPECT_EQ(Events(empty.stats), "ethernet.truncated");
}

TEST(DecodeEthernet, LengthFieldArpAndUnknownTypeAreNotIp) {
  std::vector<uint8_t> frame = Ipv4Udp();
  Set16(frame, 12, 0x002e);  // an 802.3 length field: LLC follows, not IP
  Decoded d = Decode(frame);
  EXPECT_EQ(Events(d.stats), "");
  EXPECT_EQ(d.meta.l3, Layer3::kOther);
  EXPECT_EQ(d.meta.ip_layers, 0);
  EXPECT_FALSE(d.meta.outer_src.IsSet());

  Set16(frame, 12, kEtherArp);
  d = Decode(frame);
  EXPECT_EQ(Events(d.stats), "");
  EXPECT_EQ(d.meta.l3, Layer3::kArp);

  Set16(frame, 12, 0x88cc);  // LLDP
  d = Decode(frame);
  EXPECT_EQ(Events(d.stats), "");
  EXPECT_EQ(d.meta.l3, Layer3::kOther);
  EXPECT_FALSE(d.meta.IsIp());
}

TEST(DecodeEthernet, MetaIsResetBetweenFrames) {
  TcpSpec tcp;
  tcp.src_port = 1;
  tcp.dst_port = 2;
  tcp.flags = tcp_flag::kSyn;
  tcp.options = {2, 4, 0x05, 0xb4};
  const std::vector<uint8_t> first = PacketBuilder()
                                         .Ethernet(kEtherVlan)
                                         .Vlan(7, kEtherIpv4)
                                         .Ip(V4Spec(), ip_proto::kTcp)
                                         .Tcp(tcp)
                                         .Finish();
  std::vector<uint8_t> arp = Ipv4Udp();
  Set16(arp, 12, kEtherArp);

  PacketMeta meta;
  DecodeStats stats;
  RawPacket raw;
  raw.data = first.data();
  raw.cap_len = raw.wire_len = static_cast<uint32_t>(first.size());
  raw.link_type = kLinkEthernet;
  DecodePacket(raw, meta, stats);
  ASSERT_TRUE(meta.Has(meta_flag::kTcpMss));
  raw.data = arp.data();
  raw.cap_len = raw.wire_len = static_cast<uint32_t>(arp.size());
  DecodePacket(raw, meta, stats);
  EXPECT_EQ(meta.l3, Layer3::kArp);
  EXPECT_EQ(meta.flags, 0u);
  EXPECT_EQ(meta.vlan_tags, 0);
  EXPECT_EQ(meta.tcp_mss, 0);
  EXPECT_EQ(meta.src_port, 0);
  EXPECT_FALSE(meta.outer_src.IsSet());
  EXPECT_EQ(Events(stats), "");
}

// ---------------------------------------------------------------------------------------------
// 802.1Q and 802.1ad

TEST(DecodeVlan, SingleTag) {
  std::vector<uint8_t> frame = PacketBuilder()
                                   .Ethernet(kEtherVlan)
                                   .Vlan(100, kEtherIpv4)
                                   .Ip(V4Spec(), ip_proto::kUdp)
                                   .Udp(1, 2)
                                   .Payload("vlan")
                                   .Finish();
  frame[14] |= 0xe0;  // priority bits are not part of the VLAN id
  const Decoded d = Decode(frame);
  EXPECT_EQ(Events(d.stats), "");
  EXPECT_EQ(d.meta.vlan_id, 100);
  EXPECT_EQ(d.meta.vlan_tags, 1);
  EXPECT_TRUE(d.meta.Has(meta_flag::kVlan));
  EXPECT_EQ(d.meta.l3, Layer3::kIpv4);
  EXPECT_EQ(d.meta.outer_src.ToString(), "192.0.2.1");
  EXPECT_EQ(d.meta.src_port, 1);
  EXPECT_EQ(d.meta.dst_port, 2);
  EXPECT_EQ(d.meta.payload_offset, kEth + 4 + kIp4 + kUdp);
  EXPECT_EQ(PayloadOf(frame, d.meta), "vlan");
}

TEST(DecodeVlan, StackedQinQKeepsOuterTag) {
  const std::vector<uint8_t> frame = PacketBuilder()
                                         .Ethernet(kEtherQinQ)
                                         .Vlan(200, kEtherVlan)
                                         .Vlan(100, kEtherIpv6)
                                         .Ip(V6Spec(), ip_proto::kUdp)
                                         .Udp(3, 4)
                                         .Finish();
  const Decoded d = Decode(frame);
  EXPECT_EQ(Events(d.stats), "");
  EXPECT_EQ(d.meta.vlan_id, 200);
  EXPECT_EQ(d.meta.vlan_tags, 2);
  EXPECT_TRUE(d.meta.Has(meta_flag::kVlan));
  EXPECT_EQ(d.meta.l3, Layer3::kIpv6);
  EXPECT_EQ(d.meta.outer_dst.ToString(), "2001:db8::2");
  EXPECT_EQ(d.meta.dst_port, 4);

  const std::vector<uint8_t> old = PacketBuilder()
                                       .Ethernet(kEtherQinQOld)
                                       .Vlan(300, kEtherVlan)
                                       .Vlan(301, kEtherIpv4)
                                       .Ip(V4Spec(), ip_proto::kUdp)
                                       .Udp(3, 4)
                                       .Finish();
  const Decoded d_old = Decode(old);
  EXPECT_EQ(Events(d_old.stats), "");
  EXPECT_EQ(d_old.meta.vlan_id, 300);
  EXPECT_EQ(d_old.meta.vlan_tags, 2);
  EXPECT_EQ(d_old.meta.l3, Layer3::kIpv4);
}

TEST(DecodeVlan, TruncatedTag) {
  const std::vector<uint8_t> frame =
      PacketBuilder().Ethernet(kEtherVlan).Vlan(100, kEtherIpv4).Finish();
  const Decoded d = Decode(Cut(frame, kEth + 3));
  EXPECT_EQ(Events(d.stats), "vlan.truncated");
  EXPECT_EQ(d.meta.vlan_tags, 0);
  EXPECT_FALSE(d.meta.Has(meta_flag::kVlan));
  EXPECT_EQ(d.meta.l3, Layer3::kNone);
}

TEST(DecodeVlan, EightTagsDecodeNineAreTooMany) {
  PacketBuilder eight;
  eight.Ethernet(kEtherVlan);
  for (uint16_t i = 1; i <= 8; ++i) {
    eight.Vlan(i, i < 8 ? kEtherVlan : kEtherIpv4);
  }
  const Decoded d8 = Decode(eight.Ip(V4Spec(), ip_proto::kUdp).Udp(5, 6).Finish());
  EXPECT_EQ(Events(d8.stats), "");
  EXPECT_EQ(d8.meta.vlan_tags, 8);
  EXPECT_EQ(d8.meta.vlan_id, 1);
  EXPECT_EQ(d8.meta.l3, Layer3::kIpv4);
  EXPECT_EQ(d8.meta.dst_port, 6);

  PacketBuilder nine;
  nine.Ethernet(kEtherVlan);
  for (uint16_t i = 1; i <= 9; ++i) {
    nine.Vlan(static_cast<uint16_t>(10 + i), i < 9 ? kEtherVlan : kEtherIpv4);
  }
  const Decoded d9 = Decode(nine.Ip(V4Spec(), ip_proto::kUdp).Udp(5, 6).Finish());
  EXPECT_EQ(Events(d9.stats), "vlan.too_many_tags");
  EXPECT_EQ(d9.meta.vlan_tags, 8);
  EXPECT_EQ(d9.meta.vlan_id, 11);
  EXPECT_EQ(d9.meta.l3, Layer3::kNone);
  EXPECT_FALSE(d9.meta.outer_src.IsSet());
}

// ---------------------------------------------------------------------------------------------
// MPLS

TEST(DecodeMpls, LabelStackToIpv4) {
  const std::vector<uint8_t> frame = PacketBuilder()
                                         .Ethernet(kEtherMpls)
                                         .Mpls(100, false)
                                         .Mpls(200, true)
                                         .Ip(V4Spec(), ip_proto::kUdp)
                                         .Udp(7, 8)
                                         .Payload("mpls")
                                         .Finish();
  const Decoded d = Decode(frame);
  EXPECT_EQ(Events(d.stats), "");
  EXPECT_TRUE(d.meta.Has(meta_flag::kMpls));
  EXPECT_EQ(d.meta.mpls_labels, 2);
  EXPECT_EQ(d.meta.l3, Layer3::kIpv4);
  EXPECT_EQ(d.meta.outer_src.ToString(), "192.0.2.1");
  EXPECT_EQ(d.meta.src_port, 7);
  EXPECT_EQ(d.meta.payload_offset, kEth + 8 + kIp4 + kUdp);
  EXPECT_EQ(PayloadOf(frame, d.meta), "mpls");
}

TEST(DecodeMpls, LabelToIpv6) {
  TcpSpec tcp;
  tcp.src_port = 443;
  tcp.dst_port = 50000;
  tcp.flags = tcp_flag::kAck;
  const std::vector<uint8_t> frame = PacketBuilder()
                                         .Ethernet(kEtherMpls)
                                         .Mpls(300, true)
                                         .Ip(V6Spec(), ip_proto::kTcp)
                                         .Tcp(tcp)
                                         .Finish();
  const Decoded d = Decode(frame);
  EXPECT_EQ(Events(d.stats), "");
  EXPECT_EQ(d.meta.mpls_labels, 1);
  EXPECT_EQ(d.meta.l3, Layer3::kIpv6);
  EXPECT_EQ(d.meta.outer_src.ToString(), "2001:db8::1");
  EXPECT_EQ(d.meta.ip_proto, ip_proto::kTcp);
  EXPECT_EQ(d.meta.src_port, 443);
}

TEST(DecodeMpls, PseudowireControlWordThenEthernet) {
  const std::vector<uint8_t> frame = PacketBuilder()
                                         .Ethernet(kEtherMpls)
                                         .Mpls(16, true)
                                         .Zeros(4)  // control word
                                         .Ethernet(kEtherIpv4, 0x020000000003, 0x020000000004)
                                         .Ip(V4Spec("10.1.1.1", "10.2.2.2"), ip_proto::kUdp)
                                         .Udp(9, 10)
                                         .Payload("pw")
                                         .Finish();
  const Decoded d = Decode(frame);
  EXPECT_EQ(Events(d.stats), "");
  EXPECT_TRUE(d.meta.Has(meta_flag::kMpls));
  EXPECT_EQ(d.meta.mpls_labels, 1);
  EXPECT_EQ(d.meta.l3, Layer3::kIpv4);
  EXPECT_EQ(d.meta.outer_src.ToString(), "10.1.1.1");
  EXPECT_EQ(d.meta.outer_dst.ToString(), "10.2.2.2");
  EXPECT_EQ(d.meta.dst_port, 10);
  EXPECT_EQ(d.meta.payload_offset, kEth + 4 + 4 + kEth + kIp4 + kUdp);
  EXPECT_EQ(PayloadOf(frame, d.meta), "pw");

  // A control word cut short.
  const Decoded cut = Decode(Cut(frame, kEth + 4 + 2));
  EXPECT_EQ(Events(cut.stats), "mpls.truncated");
  EXPECT_EQ(cut.meta.l3, Layer3::kNone);
}

TEST(DecodeMpls, SixteenLabelsDecodeSeventeenAreTooMany) {
  PacketBuilder sixteen;
  sixteen.Ethernet(kEtherMpls);
  for (uint32_t i = 0; i < 16; ++i) {
    sixteen.Mpls(1000 + i, i == 15);
  }
  const Decoded d16 = Decode(sixteen.Ip(V4Spec(), ip_proto::kUdp).Udp(1, 2).Finish());
  EXPECT_EQ(Events(d16.stats), "");
  EXPECT_EQ(d16.meta.mpls_labels, 16);
  EXPECT_EQ(d16.meta.l3, Layer3::kIpv4);

  PacketBuilder seventeen;
  seventeen.Ethernet(kEtherMpls);
  for (uint32_t i = 0; i < 17; ++i) {
    seventeen.Mpls(1000 + i, i == 16);
  }
  const Decoded d17 = Decode(seventeen.Ip(V4Spec(), ip_proto::kUdp).Udp(1, 2).Finish());
  EXPECT_EQ(Events(d17.stats), "mpls.too_many_labels");
  EXPECT_EQ(d17.meta.mpls_labels, 16);
  EXPECT_TRUE(d17.meta.Has(meta_flag::kMpls));
  EXPECT_EQ(d17.meta.l3, Layer3::kNone);
}

TEST(DecodeMpls, TruncatedLabelAndMissingPayload) {
  const std::vector<uint8_t> frame = PacketBuilder()
                                         .Ethernet(kEtherMpls)
                                         .Mpls(100, false)
                                         .Mpls(200, true)
                                         .Ip(V4Spec(), ip_proto::kUdp)
                                         .Udp(1, 2)
                                         .Finish();
  const Decoded label_cut = Decode(Cut(frame, kEth + 4 + 2));
  EXPECT_EQ(Events(label_cut.stats), "mpls.truncated");
  EXPECT_EQ(label_cut.meta.mpls_labels, 1);
  EXPECT_TRUE(label_cut.meta.Has(meta_flag::kMpls));
  EXPECT_EQ(label_cut.meta.l3, Layer3::kNone);

  const Decoded nothing_after = Decode(Cut(frame, kEth + 8));
  EXPECT_EQ(Events(nothing_after.stats), "mpls.truncated");
  EXPECT_EQ(nothing_after.meta.mpls_labels, 2);

  const Decoded ip_cut = Decode(Cut(frame, kEth + 8 + 10));
  EXPECT_EQ(Events(ip_cut.stats), "ipv4.truncated");
  EXPECT_EQ(ip_cut.meta.l3, Layer3::kNone);
}

TEST(DecodeMpls, UnknownPayload) {
  const uint8_t junk[] = {0x5a, 0x00, 0x00, 0x00};
  const std::vector<uint8_t> frame =
      PacketBuilder().Ethernet(kEtherMpls).Mpls(100, true).Payload(junk, sizeof junk).Finish();
  const Decoded d = Decode(frame);
  EXPECT_EQ(Events(d.stats), "mpls.unknown_payload");
  EXPECT_EQ(d.meta.mpls_labels, 1);
  EXPECT_TRUE(d.meta.Has(meta_flag::kMpls));
  EXPECT_FALSE(d.meta.IsIp());
}

// ---------------------------------------------------------------------------------------------
// PPPoE session

std::vector<uint8_t> PppoeHeader(uint16_t ppp_protocol) {
  return {0x11,
          0x00,
          0x12,
          0x34,
          0x00,
          0x00,
          static_cast<uint8_t>(ppp_protocol >> 8),
          static_cast<uint8_t>(ppp_protocol)};
}

TEST(DecodePppoe, SessionIpv4AndIpv6) {
  const std::vector<uint8_t> h4 = PppoeHeader(0x0021);
  const std::vector<uint8_t> frame = PacketBuilder()
                                         .Ethernet(kEtherPppoe)
                                         .Payload(h4.data(), h4.size())
                                         .Ip(V4Spec(), ip_proto::kUdp)
                                         .Udp(11, 12)
                                         .Payload("ppp")
                                         .Finish();
  const Decoded d = Decode(frame);
  EXPECT_EQ(Events(d.stats), "");
  EXPECT_TRUE(d.meta.Has(meta_flag::kPppoe));
  EXPECT_EQ(d.meta.l3, Layer3::kIpv4);
  EXPECT_EQ(d.meta.outer_dst.ToString(), "198.51.100.2");
  EXPECT_EQ(d.meta.src_port, 11);
  EXPECT_EQ(d.meta.payload_offset, kEth + 8 + kIp4 + kUdp);
  EXPECT_EQ(PayloadOf(frame, d.meta), "ppp");

  const std::vector<uint8_t> h6 = PppoeHeader(0x0057);
  const Decoded d6 = Decode(PacketBuilder()
                                .Ethernet(kEtherPppoe)
                                .Payload(h6.data(), h6.size())
                                .Ip(V6Spec(), ip_proto::kUdp)
                                .Udp(13, 14)
                                .Finish());
  EXPECT_EQ(Events(d6.stats), "");
  EXPECT_TRUE(d6.meta.Has(meta_flag::kPppoe));
  EXPECT_EQ(d6.meta.l3, Layer3::kIpv6);
  EXPECT_EQ(d6.meta.dst_port, 14);
}

TEST(DecodePppoe, Truncated) {
  const std::vector<uint8_t> h4 = PppoeHeader(0x0021);
  const std::vector<uint8_t> frame = PacketBuilder()
                                         .Ethernet(kEtherPppoe)
                                         .Payload(h4.data(), h4.size())
                                         .Ip(V4Spec(), ip_proto::kUdp)
                                         .Udp(11, 12)
                                         .Finish();
  const Decoded d = Decode(Cut(frame, kEth + 7));
  EXPECT_EQ(Events(d.stats), "pppoe.truncated");
  EXPECT_FALSE(d.meta.Has(meta_flag::kPppoe));
  EXPECT_EQ(d.meta.l3, Layer3::kNone);
}

TEST(DecodePppoe, NonIpPppProtocolIsOther) {
  const std::vector<uint8_t> lcp = PppoeHeader(0xc021);
  const Decoded d = Decode(
      PacketBuilder().Ethernet(kEtherPppoe).Payload(lcp.data(), lcp.size()).Zeros(20).Finish());
  EXPECT_EQ(Events(d.stats), "");
  EXPECT_TRUE(d.meta.Has(meta_flag::kPppoe));
  EXPECT_EQ(d.meta.l3, Layer3::kOther);
  EXPECT_FALSE(d.meta.outer_src.IsSet());
}

// ---------------------------------------------------------------------------------------------
// Link types

std::vector<uint8_t> BareIpv4Udp(std::string_view payload = "link") {
  return PacketBuilder().Ip(V4Spec(), ip_proto::kUdp).Udp(1234, 5678).Payload(payload).Finish();
}

std::vector<uint8_t> BareIpv6Udp() {
  return PacketBuilder().Ip(V6Spec(), ip_proto::kUdp).Udp(1234, 5678).Payload("link6").Finish();
}

void ExpectIpv4Udp(const Decoded& d, const char* trace) {
  SCOPED_TRACE(trace);
  EXPECT_EQ(Events(d.stats), "");
  EXPECT_EQ(d.meta.l3, Layer3::kIpv4);
  EXPECT_EQ(d.meta.outer_src.ToString(), "192.0.2.1");
  EXPECT_EQ(d.meta.outer_dst.ToString(), "198.51.100.2");
  EXPECT_EQ(d.meta.src_port, 1234);
  EXPECT_EQ(d.meta.dst_port, 5678);
}

void ExpectIpv6Udp(const Decoded& d, const char* trace) {
  SCOPED_TRACE(trace);
  EXPECT_EQ(Events(d.stats), "");
  EXPECT_EQ(d.meta.l3, Layer3::kIpv6);
  EXPECT_EQ(d.meta.outer_src.ToString(), "2001:db8::1");
  EXPECT_EQ(d.meta.dst_port, 5678);
}

TEST(DecodeLink, LinuxSll) {
  const std::vector<uint8_t> header = {0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0, 0x08, 0x00};
  const std::vector<uint8_t> frame = Concat(header, BareIpv4Udp("sll"));
  const uint16_t sll = static_cast<uint16_t>(LinkType::kLinuxSll);
  const Decoded d = Decode(frame, sll);
  ExpectIpv4Udp(d, "sll");
  EXPECT_EQ(d.meta.payload_offset, 16 + kIp4 + kUdp);
  EXPECT_EQ(PayloadOf(frame, d.meta), "sll");

  const Decoded cut = Decode(Cut(frame, 15), sll);
  EXPECT_EQ(Events(cut.stats), "link.truncated");
  EXPECT_EQ(cut.meta.l3, Layer3::kNone);

  std::vector<uint8_t> arp = frame;
  Set16(arp, 14, kEtherArp);
  EXPECT_EQ(Decode(arp, sll).meta.l3, Layer3::kArp);
}

TEST(DecodeLink, LinuxSll2) {
  const std::vector<uint8_t> header = {0x86, 0xdd, 0, 0, 0, 0, 0, 2, 0, 1,
                                       0,    6,    2, 0, 0, 0, 0, 1, 0, 0};
  const std::vector<uint8_t> frame = Concat(header, BareIpv6Udp());
  const uint16_t sll2 = static_cast<uint16_t>(LinkType::kLinuxSll2);
  const Decoded d = Decode(frame, sll2);
  ExpectIpv6Udp(d, "sll2");
  EXPECT_EQ(d.meta.payload_offset, 20 + kIp6 + kUdp);
  EXPECT_EQ(PayloadOf(frame, d.meta), "link6");

  const Decoded cut = Decode(Cut(frame, 19), sll2);
  EXPECT_EQ(Events(cut.stats), "link.truncated");
  EXPECT_EQ(cut.meta.l3, Layer3::kNone);

  std::vector<uint8_t> unknown = frame;
  Set16(unknown, 0, 0x88cc);
  const Decoded other = Decode(unknown, sll2);
  EXPECT_EQ(Events(other.stats), "");
  EXPECT_EQ(other.meta.l3, Layer3::kOther);
}

TEST(DecodeLink, RawIpv4AndIpv6) {
  for (const LinkType type : {LinkType::kRaw, LinkType::kRawAlt12, LinkType::kRawAlt14}) {
    const uint16_t link = static_cast<uint16_t>(type);
    const std::string name = "raw " + std::to_string(link);
    const std::vector<uint8_t> v4 = BareIpv4Udp();
    const Decoded d4 = Decode(v4, link);
    ExpectIpv4Udp(d4, name.c_str());
    EXPECT_EQ(d4.meta.payload_offset, kIp4 + kUdp);
    EXPECT_EQ(PayloadOf(v4, d4.meta), "link");
    ExpectIpv6Udp(Decode(BareIpv6Udp(), link), name.c_str());
  }
  ExpectIpv4Udp(Decode(BareIpv4Udp(), static_cast<uint16_t>(LinkType::kIpv4)), "ipv4");
  ExpectIpv6Udp(Decode(BareIpv6Udp(), static_cast<uint16_t>(LinkType::kIpv6)), "ipv6");
}

TEST(DecodeLink, RawEmptyAndUnknownVersion) {
  const uint16_t raw = static_cast<uint16_t>(LinkType::kRaw);
  const Decoded empty = Decode({}, raw);
  EXPECT_EQ(Events(empty.stats), "link.truncated");
  EXPECT_EQ(empty.meta.l3, Layer3::kNone);

  std::vector<uint8_t> v5 = BareIpv4Udp();
  v5[0] = 0x55;
  const Decoded other = Decode(v5, raw);
  EXPECT_EQ(Events(other.stats), "");
  EXPECT_EQ(other.meta.l3, Layer3::kOther);

  // LINKTYPE_IPV4 does not look at the version nibble.
  const Decoded v6_as_v4 = Decode(BareIpv6Udp(), static_cast<uint16_t>(LinkType::kIpv4));
  EXPECT_EQ(Events(v6_as_v4.stats), "ipv4.bad_version");

  const Decoded cut = Decode(Cut(BareIpv4Udp(), 12), raw);
  EXPECT_EQ(Events(cut.stats), "ipv4.truncated");
}

TEST(DecodeLink, BsdNullBothByteOrders) {
  const uint16_t null = static_cast<uint16_t>(LinkType::kNull);
  ExpectIpv4Udp(Decode(Concat({2, 0, 0, 0}, BareIpv4Udp()), null), "null AF_INET little-endian");
  ExpectIpv4Udp(Decode(Concat({0, 0, 0, 2}, BareIpv4Udp()), null), "null AF_INET big-endian");
  for (const uint8_t family : {10, 24, 28, 30}) {
    const std::string le = "null family " + std::to_string(family) + " little-endian";
    ExpectIpv6Udp(Decode(Concat({family, 0, 0, 0}, BareIpv6Udp()), null), le.c_str());
    const std::string be = "null family " + std::to_string(family) + " big-endian";
    ExpectIpv6Udp(Decode(Concat({0, 0, 0, family}, BareIpv6Udp()), null), be.c_str());
  }
  const std::vector<uint8_t> frame = Concat({2, 0, 0, 0}, BareIpv4Udp());
  const Decoded d = Decode(frame, null);
  EXPECT_EQ(d.meta.payload_offset, 4 + kIp4 + kUdp);
  EXPECT_EQ(PayloadOf(frame, d.meta), "link");
}

TEST(DecodeLink, BsdNullUnknownFamilyAndTruncated) {
  const uint16_t null = static_cast<uint16_t>(LinkType::kNull);
  const Decoded unknown = Decode(Concat({99, 0, 0, 0}, BareIpv4Udp()), null);
  EXPECT_EQ(Events(unknown.stats), "link.unknown_family");
  EXPECT_EQ(unknown.meta.l3, Layer3::kOther);
  EXPECT_FALSE(unknown.meta.outer_src.IsSet());

  const Decoded cut = Decode({2, 0, 0}, null);
  EXPECT_EQ(Events(cut.stats), "link.truncated");
  EXPECT_EQ(cut.meta.l3, Layer3::kNone);
}

TEST(DecodeLink, OpenBsdLoop) {
  const uint16_t loop = static_cast<uint16_t>(LinkType::kLoop);
  ExpectIpv4Udp(Decode(Concat({0, 0, 0, 2}, BareIpv4Udp()), loop), "loop AF_INET");
  ExpectIpv6Udp(Decode(Concat({0, 0, 0, 24}, BareIpv6Udp()), loop), "loop AF_INET6");

  // Loop is always network byte order: a little-endian family is not recognized.
  const Decoded swapped = Decode(Concat({2, 0, 0, 0}, BareIpv4Udp()), loop);
  EXPECT_EQ(Events(swapped.stats), "link.unknown_family");
  EXPECT_EQ(swapped.meta.l3, Layer3::kOther);

  const Decoded cut = Decode({0, 0, 0}, loop);
  EXPECT_EQ(Events(cut.stats), "link.truncated");
}

TEST(DecodeLink, UnsupportedLinkTypeIsCounted) {
  const Decoded d = Decode(Ipv4Udp(), 147);
  EXPECT_EQ(Events(d.stats), "link.unsupported_type");
  EXPECT_EQ(d.meta.l3, Layer3::kNone);
  EXPECT_EQ(d.meta.wire_len, 60u);
  EXPECT_FALSE(d.meta.outer_src.IsSet());
}

}  // namespace
}  // namespace rampart::decode_test
