// Byte-level tests of DecodePacket: every layer with a good, a truncated and a malformed frame.
#include "decode/packet_decoder.h"

#include <gtest/gtest.h>

#include <cstring>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "capture/link_type.h"
#include "scenario/packet_builder.h"

namespace rampart {
namespace {

using scenario::IpSpec;
using scenario::PacketBuilder;
using scenario::TcpSpec;

constexpr uint16_t kEtherIpv4 = 0x0800;
constexpr uint16_t kEtherIpv6 = 0x86dd;
constexpr uint16_t kEtherArp = 0x0806;
constexpr uint16_t kEtherVlan = 0x8100;
constexpr uint16_t kEtherQinQ = 0x88a8;
constexpr uint16_t kEtherQinQOld = 0x9100;
constexpr uint16_t kEtherMpls = 0x8847;
constexpr uint16_t kEtherPppoe = 0x8864;
constexpr uint16_t kEtherTeb = 0x6558;

constexpr uint32_t kEth = 14;
constexpr uint32_t kIp4 = 20;
constexpr uint32_t kIp6 = 40;
constexpr uint32_t kUdp = 8;
constexpr uint32_t kTcp = 20;

constexpr uint16_t kLinkEthernet = static_cast<uint16_t>(LinkType::kEthernet);

IpAddress Addr(const char* text) {
  return IpAddress::Parse(text).value();
}

IpSpec V4Spec() {
  IpSpec spec;
  spec.src = Addr("192.0.2.1");
  spec.dst = Addr("198.51.100.2");
  spec.ttl = 61;
  spec.id = 0x1234;
  return spec;
}

IpSpec V4Spec(const char* src, const char* dst) {
  IpSpec spec = V4Spec();
  spec.src = Addr(src);
  spec.dst = Addr(dst);
  return spec;
}

IpSpec V6Spec() {
  IpSpec spec;
  spec.src = Addr("2001:db8::1");
  spec.dst = Addr("2001:db8::2");
  spec.ttl = 55;
  return spec;
}

IpSpec V6Spec(const char* src, const char* dst) {
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
Decoded Decode(const std::vector<uint8_t>& frame, uint16_t link_type = kLinkEthernet,
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
std::string Events(const DecodeStats& stats) {
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

std::vector<uint8_t> Cut(const std::vector<uint8_t>& frame, size_t len) {
  return std::vector<uint8_t>(frame.begin(), frame.begin() + static_cast<std::ptrdiff_t>(len));
}

void Set16(std::vector<uint8_t>& frame, size_t at, uint16_t value) {
  frame[at] = static_cast<uint8_t>(value >> 8);
  frame[at + 1] = static_cast<uint8_t>(value);
}

uint16_t Get16(const std::vector<uint8_t>& frame, size_t at) {
  return static_cast<uint16_t>(frame[at] << 8 | frame[at + 1]);
}

std::vector<uint8_t> Concat(std::vector<uint8_t> head, const std::vector<uint8_t>& tail) {
  head.insert(head.end(), tail.begin(), tail.end());
  return head;
}

//! The transport payload the decoder points at.
std::string PayloadOf(const std::vector<uint8_t>& frame, const PacketMeta& meta) {
  if (static_cast<size_t>(meta.payload_offset) + meta.payload_len > frame.size()) {
    return "<out of frame>";
  }
  return std::string(frame.begin() + meta.payload_offset,
                     frame.begin() + meta.payload_offset + meta.payload_len);
}

std::vector<uint8_t> Ipv4Udp(std::string_view payload = "hello") {
  return PacketBuilder()
      .Ethernet(kEtherIpv4)
      .Ip(V4Spec(), ip_proto::kUdp)
      .Udp(40000, 53)
      .Payload(payload)
      .Finish();
}

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
// IPv4

TEST(DecodeIpv4, OptionsSetFlagAndShiftTransport) {
  std::vector<uint8_t> frame = Ipv4Udp("data");
  const uint8_t router_alert[] = {0x94, 0x04, 0x00, 0x00};
  frame.insert(frame.begin() + kEth + kIp4, router_alert, router_alert + 4);
  frame[kEth] = 0x46;
  Set16(frame, kEth + 2, static_cast<uint16_t>(Get16(frame, kEth + 2) + 4));
  const Decoded d = Decode(frame);
  EXPECT_EQ(Events(d.stats), "");
  EXPECT_TRUE(d.meta.Has(meta_flag::kIpOptions));
  EXPECT_EQ(d.meta.ip_total_len, 24 + kUdp + 4);
  EXPECT_EQ(d.meta.src_port, 40000);
  EXPECT_EQ(d.meta.dst_port, 53);
  EXPECT_EQ(d.meta.payload_offset, kEth + 24 + kUdp);
  EXPECT_EQ(PayloadOf(frame, d.meta), "data");

  // The same frame cut inside its options.
  const Decoded cut = Decode(Cut(frame, kEth + 22));
  EXPECT_EQ(Events(cut.stats), "ipv4.truncated");
  EXPECT_EQ(cut.meta.l3, Layer3::kNone);

  const Decoded plain = Decode(Ipv4Udp());
  EXPECT_FALSE(plain.meta.Has(meta_flag::kIpOptions));
}

TEST(DecodeIpv4, FirstFragmentDecodesPorts) {
  IpSpec spec = V4Spec();
  spec.more_fragments = true;
  spec.id = 0x4242;
  const std::vector<uint8_t> frame = PacketBuilder()
                                         .Ethernet(kEtherIpv4)
                                         .Ip(spec, ip_proto::kUdp)
                                         .Udp(5353, 5353)
                                         .Payload("first")
                                         .Finish();
  const Decoded d = Decode(frame);
  EXPECT_EQ(Events(d.stats), "");
  EXPECT_TRUE(d.meta.Has(meta_flag::kFragment));
  EXPECT_TRUE(d.meta.Has(meta_flag::kMoreFragments));
  EXPECT_FALSE(d.meta.Has(meta_flag::kDontFragment));
  EXPECT_EQ(d.meta.frag_offset, 0);
  EXPECT_EQ(d.meta.ip_id, 0x4242);
  EXPECT_TRUE(d.meta.Has(meta_flag::kHasPorts));
  EXPECT_EQ(d.meta.src_port, 5353);
  EXPECT_EQ(PayloadOf(frame, d.meta), "first");
}

TEST(DecodeIpv4, LaterFragmentHasOffsetAndNoPorts) {
  IpSpec spec = V4Spec();
  spec.fragment_offset = 1480;
  const std::vector<uint8_t> frame = PacketBuilder()
                                         .Ethernet(kEtherIpv4)
                                         .Ip(spec, ip_proto::kUdp)
                                         .Payload("later fragment bytes!")
                                         .Finish();
  const Decoded d = Decode(frame);
  EXPECT_EQ(Events(d.stats), "");
  EXPECT_TRUE(d.meta.Has(meta_flag::kFragment));
  EXPECT_FALSE(d.meta.Has(meta_flag::kMoreFragments));
  EXPECT_EQ(d.meta.frag_offset, 1480);
  EXPECT_EQ(d.meta.ip_proto, ip_proto::kUdp);
  EXPECT_FALSE(d.meta.Has(meta_flag::kHasPorts));
  EXPECT_EQ(d.meta.src_port, 0);
  EXPECT_EQ(d.meta.dst_port, 0);
  EXPECT_EQ(d.meta.payload_offset, kEth + kIp4);
  EXPECT_EQ(PayloadOf(frame, d.meta), "later fragment bytes!");

  spec.more_fragments = true;  // a middle fragment
  const Decoded middle =
      Decode(PacketBuilder().Ethernet(kEtherIpv4).Ip(spec, ip_proto::kTcp).Zeros(40).Finish());
  EXPECT_TRUE(middle.meta.Has(meta_flag::kFragment));
  EXPECT_TRUE(middle.meta.Has(meta_flag::kMoreFragments));
  EXPECT_EQ(middle.meta.frag_offset, 1480);
  EXPECT_FALSE(middle.meta.Has(meta_flag::kHasPorts));
  EXPECT_EQ(Events(middle.stats), "");
}

// A first fragment's UDP length field describes the whole reassembled datagram, so it exceeds
// what this fragment carries; that is not a malformed UDP header.
TEST(DecodeIpv4, FirstFragmentOfALargeUdpDatagramIsNotABadLength) {
  IpSpec spec = V4Spec();
  spec.more_fragments = true;
  const std::string body(1472, 'r');
  std::vector<uint8_t> frame = PacketBuilder()
                                   .Ethernet(kEtherIpv4)
                                   .Ip(spec, ip_proto::kUdp)
                                   .Udp(53, 40000)
                                   .Payload(body)
                                   .Finish();
  Set16(frame, kEth + kIp4 + 4, 3008);
  const Decoded d = Decode(frame);
  EXPECT_EQ(Events(d.stats), "");
  EXPECT_TRUE(d.meta.Has(meta_flag::kFragment));
  EXPECT_TRUE(d.meta.Has(meta_flag::kHasPorts));
  EXPECT_EQ(d.meta.src_port, 53);
  EXPECT_EQ(PayloadOf(frame, d.meta), body);
}

TEST(DecodeIpv4, DontFragmentIsNotAFragment) {
  IpSpec spec = V4Spec();
  spec.dont_fragment = true;
  const Decoded d =
      Decode(PacketBuilder().Ethernet(kEtherIpv4).Ip(spec, ip_proto::kUdp).Udp(1, 2).Finish());
  EXPECT_EQ(Events(d.stats), "");
  EXPECT_TRUE(d.meta.Has(meta_flag::kDontFragment));
  EXPECT_FALSE(d.meta.Has(meta_flag::kFragment));
  EXPECT_FALSE(d.meta.Has(meta_flag::kMoreFragments));
  EXPECT_TRUE(d.meta.Has(meta_flag::kHasPorts));
}

TEST(DecodeIpv4, TotalLenZeroIsSegmentationOffload) {
  TcpSpec tcp;
  tcp.src_port = 80;
  tcp.dst_port = 33000;
  tcp.flags = tcp_flag::kAck | tcp_flag::kPsh;
  const std::string body(100, 'x');
  std::vector<uint8_t> frame = PacketBuilder()
                                   .Ethernet(kEtherIpv4)
                                   .Ip(V4Spec(), ip_proto::kTcp)
                                   .Tcp(tcp)
                                   .Payload(body)
                                   .Finish();
  Set16(frame, kEth + 2, 0);
  const Decoded d = Decode(frame);
  EXPECT_EQ(Events(d.stats), "");
  EXPECT_EQ(d.meta.l3, Layer3::kIpv4);
  EXPECT_EQ(d.meta.ip_total_len, frame.size() - kEth);
  EXPECT_EQ(d.meta.src_port, 80);
  EXPECT_EQ(PayloadOf(frame, d.meta), body);
}

TEST(DecodeIpv4, BadVersion) {
  std::vector<uint8_t> frame = Ipv4Udp();
  frame[kEth] = 0x55;
  const Decoded d = Decode(frame);
  EXPECT_EQ(Events(d.stats), "ipv4.bad_version");
  EXPECT_EQ(d.meta.l3, Layer3::kNone);
  EXPECT_EQ(d.meta.ip_layers, 0);
}

TEST(DecodeIpv4, HeaderLengthBelowFive) {
  std::vector<uint8_t> frame = Ipv4Udp();
  frame[kEth] = 0x44;
  const Decoded d = Decode(frame);
  EXPECT_EQ(Events(d.stats), "ipv4.bad_header_len");
  EXPECT_EQ(d.meta.l3, Layer3::kNone);
  EXPECT_FALSE(d.meta.outer_src.IsSet());
}

TEST(DecodeIpv4, TotalLenBelowHeaderLen) {
  std::vector<uint8_t> frame = Ipv4Udp();
  Set16(frame, kEth + 2, 19);
  const Decoded d = Decode(frame);
  EXPECT_EQ(Events(d.stats), "ipv4.bad_total_len");
  EXPECT_EQ(d.meta.l3, Layer3::kNone);
  EXPECT_FALSE(d.meta.outer_src.IsSet());
}

TEST(DecodeIpv4, TotalLenExceedingFrameStillSetsAddresses) {
  std::vector<uint8_t> frame = Ipv4Udp("hello");
  Set16(frame, kEth + 2, 1500);
  const Decoded d = Decode(frame);
  EXPECT_EQ(Events(d.stats), "ipv4.total_len_exceeds_frame");
  EXPECT_EQ(d.meta.l3, Layer3::kIpv4);
  EXPECT_EQ(d.meta.outer_src.ToString(), "192.0.2.1");
  EXPECT_EQ(d.meta.outer_dst.ToString(), "198.51.100.2");
  EXPECT_EQ(d.meta.ip_total_len, 1500);
  EXPECT_EQ(d.meta.dst_port, 53);
}

TEST(DecodeIpv4, HeaderCutLeavesLayerUnset) {
  const Decoded d = Decode(Cut(Ipv4Udp(), kEth + 19));
  EXPECT_EQ(Events(d.stats), "ipv4.truncated");
  EXPECT_EQ(d.meta.l3, Layer3::kNone);
  EXPECT_EQ(d.meta.ip_layers, 0);
  EXPECT_FALSE(d.meta.outer_src.IsSet());
  EXPECT_FALSE(d.meta.IsIp());
}

// ---------------------------------------------------------------------------------------------
// IPv6

TEST(DecodeIpv6, UdpDatagram) {
  const std::vector<uint8_t> frame = PacketBuilder()
                                         .Ethernet(kEtherIpv6)
                                         .Ip(V6Spec(), ip_proto::kUdp)
                                         .Udp(1000, 2000)
                                         .Payload("v6")
                                         .Finish();
  const Decoded d = Decode(frame);
  EXPECT_EQ(Events(d.stats), "");
  EXPECT_EQ(d.meta.l3, Layer3::kIpv6);
  EXPECT_EQ(d.meta.outer_src.ToString(), "2001:db8::1");
  EXPECT_EQ(d.meta.outer_dst.ToString(), "2001:db8::2");
  EXPECT_EQ(d.meta.inner_src, d.meta.outer_src);
  EXPECT_EQ(d.meta.ttl, 55);
  EXPECT_EQ(d.meta.ip_total_len, kIp6 + kUdp + 2);
  EXPECT_EQ(d.meta.ip_proto, ip_proto::kUdp);
  EXPECT_EQ(d.meta.src_port, 1000);
  EXPECT_FALSE(d.meta.Has(meta_flag::kIpOptions));
  EXPECT_FALSE(d.meta.Has(meta_flag::kFragment));
  EXPECT_EQ(d.meta.payload_offset, kEth + kIp6 + kUdp);
  EXPECT_EQ(PayloadOf(frame, d.meta), "v6");
}

TEST(DecodeIpv6, HopByHopDestinationAndFragmentHeaderChain) {
  const uint8_t hop_by_hop[] = {60, 0, 1, 4, 0, 0, 0, 0};  // next: destination options
  const uint8_t dest_opts[] = {44, 0, 1, 4, 0, 0, 0, 0};   // next: fragment
  const uint8_t fragment[] = {17, 0, 0x00, 0x01, 0x00, 0x01, 0xbe, 0xef};  // offset 0, M=1
  const std::vector<uint8_t> frame = PacketBuilder()
                                         .Ethernet(kEtherIpv6)
                                         .Ip(V6Spec(), 0)
                                         .Payload(hop_by_hop, 8)
                                         .Payload(dest_opts, 8)
                                         .Payload(fragment, 8)
                                         .Udp(1111, 2222)
                                         .Payload("chain")
                                         .Finish();
  const Decoded d = Decode(frame);
  EXPECT_EQ(Events(d.stats), "");
  EXPECT_EQ(d.meta.l3, Layer3::kIpv6);
  EXPECT_TRUE(d.meta.Has(meta_flag::kIpOptions));
  EXPECT_TRUE(d.meta.Has(meta_flag::kFragment));
  EXPECT_TRUE(d.meta.Has(meta_flag::kMoreFragments));
  EXPECT_EQ(d.meta.frag_offset, 0);
  EXPECT_EQ(d.meta.ip_id, 0xbeef);
  EXPECT_EQ(d.meta.ip_proto, ip_proto::kUdp);
  EXPECT_TRUE(d.meta.Has(meta_flag::kHasPorts));
  EXPECT_EQ(d.meta.src_port, 1111);
  EXPECT_EQ(d.meta.dst_port, 2222);
  EXPECT_EQ(d.meta.payload_offset, kEth + kIp6 + 24 + kUdp);
  EXPECT_EQ(PayloadOf(frame, d.meta), "chain");
}

TEST(DecodeIpv6, NonFirstFragment) {
  const uint8_t fragment[] = {6, 0, 0x05, 0xc8, 0x00, 0x00, 0x00, 0x07};  // offset 1480, M=0
  const std::vector<uint8_t> frame = PacketBuilder()
                                         .Ethernet(kEtherIpv6)
                                         .Ip(V6Spec(), 44)
                                         .Payload(fragment, 8)
                                         .Payload("rest of a tcp segment")
                                         .Finish();
  const Decoded d = Decode(frame);
  EXPECT_EQ(Events(d.stats), "");
  EXPECT_TRUE(d.meta.Has(meta_flag::kFragment));
  EXPECT_FALSE(d.meta.Has(meta_flag::kMoreFragments));
  EXPECT_EQ(d.meta.frag_offset, 1480);
  EXPECT_EQ(d.meta.ip_id, 7);
  EXPECT_EQ(d.meta.ip_proto, ip_proto::kTcp);
  EXPECT_FALSE(d.meta.Has(meta_flag::kHasPorts));
  EXPECT_EQ(d.meta.src_port, 0);
  EXPECT_EQ(d.meta.payload_offset, kEth + kIp6 + 8);
  EXPECT_EQ(PayloadOf(frame, d.meta), "rest of a tcp segment");
}

TEST(DecodeIpv6, FirstFragmentOfALargeUdpDatagramIsNotABadLength) {
  const uint8_t fragment[] = {17, 0, 0x00, 0x01, 0x00, 0x00, 0x00, 0x09};  // offset 0, M=1
  const std::string body(1000, 'f');
  std::vector<uint8_t> frame = PacketBuilder()
                                   .Ethernet(kEtherIpv6)
                                   .Ip(V6Spec(), 44)
                                   .Payload(fragment, 8)
                                   .Udp(4500, 4500)
                                   .Payload(body)
                                   .Finish();
  Set16(frame, kEth + kIp6 + 8 + 4, 3000);  // the UDP length of the reassembled datagram
  const Decoded d = Decode(frame);
  EXPECT_EQ(Events(d.stats), "");
  EXPECT_TRUE(d.meta.Has(meta_flag::kFragment));
  EXPECT_TRUE(d.meta.Has(meta_flag::kHasPorts));
  EXPECT_EQ(d.meta.dst_port, 4500);
  EXPECT_EQ(PayloadOf(frame, d.meta), body);
}

TEST(DecodeIpv6, PayloadLenZeroIsOffload) {
  TcpSpec tcp;
  tcp.src_port = 443;
  tcp.dst_port = 50123;
  tcp.flags = tcp_flag::kAck;
  const std::string body(30, 'o');
  std::vector<uint8_t> frame = PacketBuilder()
                                   .Ethernet(kEtherIpv6)
                                   .Ip(V6Spec(), ip_proto::kTcp)
                                   .Tcp(tcp)
                                   .Payload(body)
                                   .Finish();
  Set16(frame, kEth + 4, 0);
  const Decoded d = Decode(frame);
  EXPECT_EQ(Events(d.stats), "");
  EXPECT_EQ(d.meta.ip_total_len, frame.size() - kEth);
  EXPECT_EQ(d.meta.src_port, 443);
  EXPECT_EQ(PayloadOf(frame, d.meta), body);
}

std::vector<uint8_t> Ipv6WithDestOpts(int headers) {
  PacketBuilder builder;
  builder.Ethernet(kEtherIpv6).Ip(V6Spec(), 60);
  for (int i = 0; i < headers; ++i) {
    const uint8_t next = i + 1 < headers ? 60 : 59;  // the last says "no next header"
    const uint8_t ext[] = {next, 0, 1, 4, 0, 0, 0, 0};
    builder.Payload(ext, sizeof ext);
  }
  return builder.Finish();
}

TEST(DecodeIpv6, EightExtensionHeadersDecodeNineAreTooMany) {
  const Decoded d8 = Decode(Ipv6WithDestOpts(8));
  EXPECT_EQ(Events(d8.stats), "");
  EXPECT_EQ(d8.meta.ip_proto, 59);
  EXPECT_TRUE(d8.meta.Has(meta_flag::kIpOptions));

  const Decoded d9 = Decode(Ipv6WithDestOpts(9));
  EXPECT_EQ(Events(d9.stats), "ipv6.too_many_ext_headers");
  EXPECT_EQ(d9.meta.l3, Layer3::kIpv6);
  EXPECT_EQ(d9.meta.outer_src.ToString(), "2001:db8::1");
}

TEST(DecodeIpv6, ExtensionHeaderTruncated) {
  // Hop-by-hop claiming 16 bytes where the datagram holds 8.
  const uint8_t long_hbh[] = {17, 1, 1, 4, 0, 0, 0, 0};
  const Decoded d =
      Decode(PacketBuilder().Ethernet(kEtherIpv6).Ip(V6Spec(), 0).Payload(long_hbh, 8).Finish());
  EXPECT_EQ(Events(d.stats), "ipv6.ext_header_truncated");
  EXPECT_EQ(d.meta.l3, Layer3::kIpv6);
  EXPECT_FALSE(d.meta.Has(meta_flag::kHasPorts));

  // A fragment header of 3 bytes.
  const uint8_t short_fragment[] = {17, 0, 0};
  const Decoded f = Decode(
      PacketBuilder().Ethernet(kEtherIpv6).Ip(V6Spec(), 44).Payload(short_fragment, 3).Finish());
  EXPECT_EQ(Events(f.stats), "ipv6.ext_header_truncated");
  EXPECT_EQ(f.meta.l3, Layer3::kIpv6);

  // An extension header's first two bytes cut off by the capture.
  const std::vector<uint8_t> frame =
      PacketBuilder().Ethernet(kEtherIpv6).Ip(V6Spec(), 0).Payload(long_hbh, 8).Zeros(8).Finish();
  const Decoded cut =
      Decode(Cut(frame, kEth + kIp6 + 1), kLinkEthernet, static_cast<uint32_t>(frame.size()));
  EXPECT_EQ(Events(cut.stats), "ipv6.ext_header_truncated");
}

TEST(DecodeIpv6, PayloadLenExceedsFrame) {
  std::vector<uint8_t> frame = PacketBuilder()
                                   .Ethernet(kEtherIpv6)
                                   .Ip(V6Spec(), ip_proto::kUdp)
                                   .Udp(1000, 2000)
                                   .Payload("v6")
                                   .Finish();
  Set16(frame, kEth + 4, 1000);
  const Decoded d = Decode(frame);
  EXPECT_EQ(Events(d.stats), "ipv6.payload_len_exceeds_frame");
  EXPECT_EQ(d.meta.l3, Layer3::kIpv6);
  EXPECT_EQ(d.meta.outer_src.ToString(), "2001:db8::1");
  EXPECT_EQ(d.meta.ip_total_len, 1040);
  EXPECT_EQ(d.meta.src_port, 1000);
}

TEST(DecodeIpv6, TruncatedAndBadVersion) {
  const std::vector<uint8_t> frame =
      PacketBuilder().Ethernet(kEtherIpv6).Ip(V6Spec(), ip_proto::kUdp).Udp(1, 2).Finish();
  const Decoded cut = Decode(Cut(frame, kEth + 39));
  EXPECT_EQ(Events(cut.stats), "ipv6.truncated");
  EXPECT_EQ(cut.meta.l3, Layer3::kNone);
  EXPECT_FALSE(cut.meta.outer_src.IsSet());

  std::vector<uint8_t> bad = frame;
  bad[kEth] = 0x45;
  const Decoded d = Decode(bad);
  EXPECT_EQ(Events(d.stats), "ipv6.bad_version");
  EXPECT_EQ(d.meta.l3, Layer3::kNone);
}

// ---------------------------------------------------------------------------------------------
// TCP

TEST(DecodeTcp, HeaderFieldsAndOptions) {
  TcpSpec tcp;
  tcp.src_port = 51000;
  tcp.dst_port = 443;
  tcp.seq = 0x01020304;
  tcp.ack = 0xa0b0c0d0;
  tcp.flags = tcp_flag::kSyn | tcp_flag::kAck;
  tcp.window = 64240;
  tcp.options = {2,    4,    0x05, 0xb4,              // MSS 1460
                 4,    2,                             // SACK permitted
                 8,    10,   0x00, 0x00, 0x12, 0x34,  // timestamps: TSval
                 0xde, 0xad, 0xbe, 0xef,              // TSecr
                 1,                                   // NOP
                 3,    3,    7};                      // window scale 7
  const std::vector<uint8_t> frame = PacketBuilder()
                                         .Ethernet(kEtherIpv4)
                                         .Ip(V4Spec(), ip_proto::kTcp)
                                         .Tcp(tcp)
                                         .Payload("GET /")
                                         .Finish();
  const Decoded d = Decode(frame);
  EXPECT_EQ(Events(d.stats), "");
  const PacketMeta& m = d.meta;
  EXPECT_EQ(m.ip_proto, ip_proto::kTcp);
  EXPECT_EQ(m.src_port, 51000);
  EXPECT_EQ(m.dst_port, 443);
  EXPECT_EQ(m.tcp_seq, 0x01020304u);
  EXPECT_EQ(m.tcp_ack, 0xa0b0c0d0u);
  EXPECT_EQ(m.tcp_flags, tcp_flag::kSyn | tcp_flag::kAck);
  EXPECT_EQ(m.tcp_window, 64240);
  EXPECT_TRUE(m.Has(meta_flag::kHasPorts));
  EXPECT_TRUE(m.Has(meta_flag::kTcpMss));
  EXPECT_EQ(m.tcp_mss, 1460);
  EXPECT_TRUE(m.Has(meta_flag::kTcpSackPermitted));
  EXPECT_TRUE(m.Has(meta_flag::kTcpTimestamps));
  EXPECT_EQ(m.tcp_tsval, 0x1234u);
  EXPECT_EQ(m.tcp_tsecr, 0xdeadbeefu);
  EXPECT_TRUE(m.Has(meta_flag::kTcpWindowScale));
  EXPECT_EQ(m.tcp_wscale, 7);
  EXPECT_FALSE(m.Has(meta_flag::kL4Truncated));
  EXPECT_EQ(m.payload_offset, kEth + kIp4 + 40);
  EXPECT_EQ(PayloadOf(frame, m), "GET /");

  TcpSpec all = tcp;
  all.options.clear();
  all.flags = tcp_flag::kFin | tcp_flag::kRst | tcp_flag::kPsh | tcp_flag::kUrg;
  const Decoded plain =
      Decode(PacketBuilder().Ethernet(kEtherIpv4).Ip(V4Spec(), ip_proto::kTcp).Tcp(all).Finish());
  EXPECT_EQ(plain.meta.tcp_flags, 0x2d);
  EXPECT_FALSE(plain.meta.Has(meta_flag::kTcpMss));
  EXPECT_EQ(plain.meta.payload_offset, kEth + kIp4 + kTcp);
  EXPECT_EQ(plain.meta.payload_len, 0);
}

TEST(DecodeTcp, DataOffsetBelowFive) {
  TcpSpec tcp;
  tcp.src_port = 1;
  tcp.dst_port = 2;
  std::vector<uint8_t> frame = PacketBuilder()
                                   .Ethernet(kEtherIpv4)
                                   .Ip(V4Spec(), ip_proto::kTcp)
                                   .Tcp(tcp)
                                   .Payload("abc")
                                   .Finish();
  frame[kEth + kIp4 + 12] = 0x40;
  const Decoded d = Decode(frame);
  EXPECT_EQ(Events(d.stats), "tcp.bad_header_len");
  EXPECT_EQ(d.meta.l3, Layer3::kIpv4);
  EXPECT_EQ(d.meta.src_port, 1);
  EXPECT_EQ(d.meta.payload_len, 0);
}

TEST(DecodeTcp, DataOffsetBeyondTheSegmentButNotBeyondASnaplenCut) {
  TcpSpec tcp;
  tcp.src_port = 7;
  tcp.dst_port = 8;
  std::vector<uint8_t> frame =
      PacketBuilder().Ethernet(kEtherIpv4).Ip(V4Spec(), ip_proto::kTcp).Tcp(tcp).Finish();
  frame.resize(kEth + kIp4 + kTcp);  // no Ethernet padding: the segment is exactly 20 bytes
  frame[kEth + kIp4 + 12] = 0xf0;    // data offset 15 words = 60 bytes
  const Decoded d = Decode(frame);
  EXPECT_EQ(Events(d.stats), "tcp.bad_header_len");
  EXPECT_EQ(d.meta.src_port, 7);

  // A real 60-byte header whose options the snap length cut off is not malformed.
  TcpSpec with_options = tcp;
  with_options.options.assign(40, 1);  // 40 bytes of NOPs
  std::vector<uint8_t> full =
      PacketBuilder().Ethernet(kEtherIpv4).Ip(V4Spec(), ip_proto::kTcp).Tcp(with_options).Finish();
  RawPacket raw;
  raw.data = full.data();
  raw.cap_len = kEth + kIp4 + kTcp;
  raw.wire_len = static_cast<uint32_t>(full.size());
  raw.link_type = kLinkEthernet;
  PacketMeta meta;
  DecodeStats stats;
  DecodePacket(raw, meta, stats);
  EXPECT_EQ(Events(stats), "");
  EXPECT_EQ(meta.dst_port, 8);
  EXPECT_TRUE(meta.Has(meta_flag::kCutBySnaplen));
}

TEST(DecodeTcp, BadOptions) {
  TcpSpec tcp;
  tcp.src_port = 1;
  tcp.dst_port = 2;
  tcp.options = {2, 0, 0x05, 0xb4};  // length 0
  Decoded d = Decode(PacketBuilder()
                         .Ethernet(kEtherIpv4)
                         .Ip(V4Spec(), ip_proto::kTcp)
                         .Tcp(tcp)
                         .Payload("x")
                         .Finish());
  EXPECT_EQ(Events(d.stats), "tcp.bad_option");
  EXPECT_FALSE(d.meta.Has(meta_flag::kTcpMss));
  EXPECT_TRUE(d.meta.Has(meta_flag::kHasPorts));
  EXPECT_EQ(d.meta.payload_len, 1);

  tcp.options = {1, 1, 8, 10};  // timestamps overflowing the 4 bytes of options
  d = Decode(PacketBuilder().Ethernet(kEtherIpv4).Ip(V4Spec(), ip_proto::kTcp).Tcp(tcp).Finish());
  EXPECT_EQ(Events(d.stats), "tcp.bad_option");
  EXPECT_FALSE(d.meta.Has(meta_flag::kTcpTimestamps));

  tcp.options = {1, 1, 1, 2};  // kind in the last byte, no room for its length
  d = Decode(PacketBuilder().Ethernet(kEtherIpv4).Ip(V4Spec(), ip_proto::kTcp).Tcp(tcp).Finish());
  EXPECT_EQ(Events(d.stats), "tcp.bad_option");

  tcp.options = {0, 0, 0, 0, 2, 4, 0x05, 0xb4};  // end of list before an MSS option
  d = Decode(PacketBuilder().Ethernet(kEtherIpv4).Ip(V4Spec(), ip_proto::kTcp).Tcp(tcp).Finish());
  EXPECT_EQ(Events(d.stats), "");
  EXPECT_FALSE(d.meta.Has(meta_flag::kTcpMss));
}

TEST(DecodeTcp, HeaderCut) {
  const std::vector<uint8_t> frame =
      PacketBuilder().Ethernet(kEtherIpv4).Ip(V4Spec(), ip_proto::kTcp).Zeros(19).Finish();
  const Decoded d = Decode(frame);
  EXPECT_EQ(Events(d.stats), "tcp.truncated");
  EXPECT_EQ(d.meta.l3, Layer3::kIpv4);
  EXPECT_EQ(d.meta.ip_proto, ip_proto::kTcp);
  EXPECT_TRUE(d.meta.Has(meta_flag::kL4Truncated));
  EXPECT_FALSE(d.meta.Has(meta_flag::kHasPorts));
  EXPECT_EQ(d.meta.src_port, 0);
}

// ---------------------------------------------------------------------------------------------
// UDP

TEST(DecodeUdp, LengthFieldLimitsPayload) {
  std::vector<uint8_t> frame = Ipv4Udp("hello");
  Set16(frame, kEth + kIp4 + 4, kUdp + 2);  // the datagram carries 3 trailing bytes
  const Decoded d = Decode(frame);
  EXPECT_EQ(Events(d.stats), "");
  EXPECT_EQ(d.meta.payload_len, 2);
  EXPECT_EQ(PayloadOf(frame, d.meta), "he");
}

TEST(DecodeUdp, BadLengthField) {
  std::vector<uint8_t> frame = Ipv4Udp("hello");
  Set16(frame, kEth + kIp4 + 4, 4);  // below the header size
  Decoded d = Decode(frame);
  EXPECT_EQ(Events(d.stats), "udp.bad_length");
  EXPECT_TRUE(d.meta.Has(meta_flag::kHasPorts));
  EXPECT_EQ(d.meta.src_port, 40000);
  EXPECT_EQ(PayloadOf(frame, d.meta), "hello");  // the IP datagram bounds the payload instead

  Set16(frame, kEth + kIp4 + 4, 2000);  // beyond the IP datagram
  d = Decode(frame);
  EXPECT_EQ(Events(d.stats), "udp.bad_length");
  EXPECT_EQ(PayloadOf(frame, d.meta), "hello");
}

TEST(DecodeUdp, HeaderCut) {
  const Decoded d =
      Decode(PacketBuilder().Ethernet(kEtherIpv4).Ip(V4Spec(), ip_proto::kUdp).Zeros(7).Finish());
  EXPECT_EQ(Events(d.stats), "udp.truncated");
  EXPECT_TRUE(d.meta.Has(meta_flag::kL4Truncated));
  EXPECT_FALSE(d.meta.Has(meta_flag::kHasPorts));
  EXPECT_EQ(d.meta.l3, Layer3::kIpv4);
}

// ---------------------------------------------------------------------------------------------
// ICMP and ICMPv6

TEST(DecodeIcmp, TypeAndCode) {
  const std::vector<uint8_t> frame = PacketBuilder()
                                         .Ethernet(kEtherIpv4)
                                         .Ip(V4Spec(), ip_proto::kIcmp)
                                         .Icmp(3, 13)
                                         .Payload("ping")
                                         .Finish();
  const Decoded d = Decode(frame);
  EXPECT_EQ(Events(d.stats), "");
  EXPECT_EQ(d.meta.ip_proto, ip_proto::kIcmp);
  EXPECT_EQ(d.meta.icmp_type, 3);
  EXPECT_EQ(d.meta.icmp_code, 13);
  EXPECT_FALSE(d.meta.Has(meta_flag::kHasPorts));
  EXPECT_EQ(d.meta.payload_offset, kEth + kIp4 + 4);
  EXPECT_EQ(d.meta.payload_len, 4 + 4);  // identifier, sequence, then the data
}

TEST(DecodeIcmp, Truncated) {
  const Decoded d =
      Decode(PacketBuilder().Ethernet(kEtherIpv4).Ip(V4Spec(), ip_proto::kIcmp).Zeros(3).Finish());
  EXPECT_EQ(Events(d.stats), "icmp.truncated");
  EXPECT_TRUE(d.meta.Has(meta_flag::kL4Truncated));
  EXPECT_EQ(d.meta.icmp_type, 0);
}

TEST(DecodeIcmp, TotalLenShorterThanIcmpHeader) {
  std::vector<uint8_t> frame =
      PacketBuilder().Ethernet(kEtherIpv4).Ip(V4Spec(), ip_proto::kIcmp).Icmp(8, 0).Finish();
  Set16(frame, kEth + 2, kIp4 + 2);  // the frame holds more, the datagram says 2 bytes
  const Decoded d = Decode(frame);
  EXPECT_EQ(Events(d.stats), "icmp.truncated");
  EXPECT_EQ(d.meta.icmp_type, 0);
}

TEST(DecodeIcmpv6, TypeCodeAndTruncation) {
  const std::vector<uint8_t> frame =
      PacketBuilder().Ethernet(kEtherIpv6).Ip(V6Spec(), ip_proto::kIcmpv6).Icmp(128, 0).Finish();
  const Decoded d = Decode(frame);
  EXPECT_EQ(Events(d.stats), "");
  EXPECT_EQ(d.meta.ip_proto, ip_proto::kIcmpv6);
  EXPECT_EQ(d.meta.icmp_type, 128);
  EXPECT_EQ(d.meta.icmp_code, 0);

  const Decoded cut =
      Decode(Cut(frame, kEth + kIp6 + 3), kLinkEthernet, static_cast<uint32_t>(frame.size()));
  EXPECT_EQ(Events(cut.stats), "icmpv6.truncated");
  EXPECT_TRUE(cut.meta.Has(meta_flag::kL4Truncated));

  std::vector<uint8_t> short_payload = frame;
  Set16(short_payload, kEth + 4, 2);  // payload length says 2 bytes
  const Decoded bad = Decode(short_payload);
  EXPECT_EQ(Events(bad.stats), "icmpv6.truncated");
  EXPECT_EQ(bad.meta.icmp_type, 0);
}

// ---------------------------------------------------------------------------------------------
// GRE

TEST(DecodeGre, InnerIpv4) {
  const std::vector<uint8_t> frame = PacketBuilder()
                                         .Ethernet(kEtherIpv4)
                                         .Ip(V4Spec("203.0.113.1", "203.0.113.2"), ip_proto::kGre)
                                         .Gre(kEtherIpv4)
                                         .Ip(V4Spec("10.0.0.1", "10.0.0.2"), ip_proto::kUdp)
                                         .Udp(500, 4500)
                                         .Payload("gre")
                                         .Finish();
  const Decoded d = Decode(frame);
  EXPECT_EQ(Events(d.stats), "");
  const PacketMeta& m = d.meta;
  EXPECT_TRUE(m.Has(meta_flag::kGre));
  EXPECT_FALSE(m.Has(meta_flag::kGreEthernet));
  EXPECT_EQ(m.ip_layers, 2);
  EXPECT_EQ(m.l3, Layer3::kIpv4);
  EXPECT_EQ(m.outer_src.ToString(), "203.0.113.1");
  EXPECT_EQ(m.outer_dst.ToString(), "203.0.113.2");
  EXPECT_EQ(m.inner_src.ToString(), "10.0.0.1");
  EXPECT_EQ(m.inner_dst.ToString(), "10.0.0.2");
  EXPECT_EQ(m.ip_proto, ip_proto::kUdp);
  EXPECT_EQ(m.src_port, 500);
  EXPECT_EQ(m.dst_port, 4500);
  EXPECT_EQ(m.payload_offset, kEth + kIp4 + 4 + kIp4 + kUdp);
  EXPECT_EQ(PayloadOf(frame, m), "gre");
}

TEST(DecodeGre, InnerIpv6WithKey) {
  TcpSpec tcp;
  tcp.src_port = 22;
  tcp.dst_port = 60000;
  tcp.flags = tcp_flag::kAck;
  const std::vector<uint8_t> frame = PacketBuilder()
                                         .Ethernet(kEtherIpv4)
                                         .Ip(V4Spec(), ip_proto::kGre)
                                         .Gre(kEtherIpv6, true)
                                         .Ip(V6Spec("fd00::1", "fd00::2"), ip_proto::kTcp)
                                         .Tcp(tcp)
                                         .Payload("key")
                                         .Finish();
  const Decoded d = Decode(frame);
  EXPECT_EQ(Events(d.stats), "");
  EXPECT_TRUE(d.meta.Has(meta_flag::kGre));
  EXPECT_EQ(d.meta.l3, Layer3::kIpv4);
  EXPECT_EQ(d.meta.outer_src.ToString(), "192.0.2.1");
  EXPECT_EQ(d.meta.inner_src.ToString(), "fd00::1");
  EXPECT_EQ(d.meta.inner_dst.ToString(), "fd00::2");
  EXPECT_EQ(d.meta.ip_proto, ip_proto::kTcp);
  EXPECT_EQ(d.meta.ttl, 55);  // the innermost header's hop limit
  EXPECT_EQ(d.meta.src_port, 22);
  EXPECT_EQ(d.meta.payload_offset, kEth + kIp4 + 8 + kIp6 + kTcp);
  EXPECT_EQ(PayloadOf(frame, d.meta), "key");
}

TEST(DecodeGre, ChecksumAndSequenceFieldsAreSkipped) {
  // C and S bits: checksum + reserved, then a sequence number, before the payload.
  const uint8_t header[] = {0x90, 0x00, 0x08, 0x00, 0xab, 0xcd, 0x00, 0x00, 0x00, 0x00, 0x00, 0x2a};
  const std::vector<uint8_t> frame = PacketBuilder()
                                         .Ethernet(kEtherIpv4)
                                         .Ip(V4Spec(), ip_proto::kGre)
                                         .Payload(header, sizeof header)
                                         .Ip(V4Spec("10.3.3.1", "10.3.3.2"), ip_proto::kUdp)
                                         .Udp(1701, 1701)
                                         .Payload("seq")
                                         .Finish();
  const Decoded d = Decode(frame);
  EXPECT_EQ(Events(d.stats), "");
  EXPECT_TRUE(d.meta.Has(meta_flag::kGre));
  EXPECT_EQ(d.meta.inner_src.ToString(), "10.3.3.1");
  EXPECT_EQ(d.meta.src_port, 1701);
  EXPECT_EQ(d.meta.payload_offset, kEth + kIp4 + 12 + kIp4 + kUdp);
  EXPECT_EQ(PayloadOf(frame, d.meta), "seq");
}

TEST(DecodeGre, TransparentEthernetBridging) {
  const std::vector<uint8_t> frame = PacketBuilder()
                                         .Ethernet(kEtherIpv4)
                                         .Ip(V4Spec("203.0.113.1", "203.0.113.2"), ip_proto::kGre)
                                         .Gre(kEtherTeb)
                                         .Ethernet(kEtherIpv4, 0x020000000005, 0x020000000006)
                                         .Ip(V4Spec("172.16.0.1", "172.16.0.2"), ip_proto::kUdp)
                                         .Udp(67, 68)
                                         .Payload("teb")
                                         .Finish();
  const Decoded d = Decode(frame);
  EXPECT_EQ(Events(d.stats), "");
  EXPECT_TRUE(d.meta.Has(meta_flag::kGre));
  EXPECT_TRUE(d.meta.Has(meta_flag::kGreEthernet));
  EXPECT_EQ(d.meta.ip_layers, 2);
  EXPECT_EQ(d.meta.outer_src.ToString(), "203.0.113.1");
  EXPECT_EQ(d.meta.outer_dst.ToString(), "203.0.113.2");
  EXPECT_EQ(d.meta.inner_src.ToString(), "172.16.0.1");
  EXPECT_EQ(d.meta.inner_dst.ToString(), "172.16.0.2");
  EXPECT_EQ(d.meta.dst_port, 68);
  EXPECT_EQ(d.meta.payload_offset, kEth + kIp4 + 4 + kEth + kIp4 + kUdp);
  EXPECT_EQ(PayloadOf(frame, d.meta), "teb");
}

std::vector<uint8_t> GreNest(int ip_layers) {
  PacketBuilder builder;
  builder.Ethernet(kEtherIpv4);
  for (int i = 1; i < ip_layers; ++i) {
    const std::string src = "10.0." + std::to_string(i) + ".1";
    const std::string dst = "10.0." + std::to_string(i) + ".2";
    builder.Ip(V4Spec(src.c_str(), dst.c_str()), ip_proto::kGre).Gre(kEtherIpv4);
  }
  const std::string src = "10.0." + std::to_string(ip_layers) + ".1";
  const std::string dst = "10.0." + std::to_string(ip_layers) + ".2";
  return builder.Ip(V4Spec(src.c_str(), dst.c_str()), ip_proto::kUdp).Udp(1, 2).Finish();
}

TEST(DecodeGre, NestingDepthLimit) {
  const Decoded four = Decode(GreNest(kMaxIpLayers));
  EXPECT_EQ(Events(four.stats), "");
  EXPECT_EQ(four.meta.ip_layers, kMaxIpLayers);
  EXPECT_EQ(four.meta.outer_src.ToString(), "10.0.1.1");
  EXPECT_EQ(four.meta.inner_src.ToString(), "10.0.4.1");
  EXPECT_EQ(four.meta.dst_port, 2);

  const Decoded five = Decode(GreNest(kMaxIpLayers + 1));
  EXPECT_EQ(Events(five.stats), "decode.too_many_layers");
  EXPECT_EQ(five.meta.ip_layers, kMaxIpLayers);
  EXPECT_EQ(five.meta.outer_src.ToString(), "10.0.1.1");
  EXPECT_EQ(five.meta.inner_src.ToString(), "10.0.4.1");
  EXPECT_EQ(five.meta.ip_proto, ip_proto::kGre);
  EXPECT_FALSE(five.meta.Has(meta_flag::kHasPorts));
}

TEST(DecodeGre, UnknownPayloadTruncatedAndBadVersion) {
  Decoded d = Decode(PacketBuilder()
                         .Ethernet(kEtherIpv4)
                         .Ip(V4Spec(), ip_proto::kGre)
                         .Gre(0x88b5)
                         .Zeros(20)
                         .Finish());
  EXPECT_EQ(Events(d.stats), "gre.unknown_payload");
  EXPECT_TRUE(d.meta.Has(meta_flag::kGre));
  EXPECT_EQ(d.meta.ip_layers, 1);
  EXPECT_EQ(d.meta.ip_proto, ip_proto::kGre);

  d = Decode(PacketBuilder().Ethernet(kEtherIpv4).Ip(V4Spec(), ip_proto::kGre).Zeros(3).Finish());
  EXPECT_EQ(Events(d.stats), "gre.truncated");
  EXPECT_TRUE(d.meta.Has(meta_flag::kL4Truncated));
  EXPECT_FALSE(d.meta.Has(meta_flag::kGre));

  const uint8_t key_cut[] = {0x20, 0x00, 0x08, 0x00, 0x12};  // key flag, 1 of 4 key bytes
  d = Decode(PacketBuilder()
                 .Ethernet(kEtherIpv4)
                 .Ip(V4Spec(), ip_proto::kGre)
                 .Payload(key_cut, sizeof key_cut)
                 .Finish());
  EXPECT_EQ(Events(d.stats), "gre.truncated");
  EXPECT_EQ(d.meta.ip_layers, 1);

  const uint8_t version2[] = {0x00, 0x02, 0x08, 0x00};
  d = Decode(PacketBuilder()
                 .Ethernet(kEtherIpv4)
                 .Ip(V4Spec(), ip_proto::kGre)
                 .Payload(version2, sizeof version2)
                 .Zeros(20)
                 .Finish());
  EXPECT_EQ(Events(d.stats), "gre.unsupported_version");
  EXPECT_EQ(d.meta.ip_layers, 1);
}

// ---------------------------------------------------------------------------------------------
// IP in IP

TEST(DecodeIpInIp, Ipv4InIpv4) {
  TcpSpec tcp;
  tcp.src_port = 179;
  tcp.dst_port = 40000;
  const std::vector<uint8_t> frame =
      PacketBuilder()
          .Ethernet(kEtherIpv4)
          .Ip(V4Spec("203.0.113.10", "203.0.113.20"), ip_proto::kIpInIp)
          .Ip(V4Spec("10.9.9.1", "10.9.9.2"), ip_proto::kTcp)
          .Tcp(tcp)
          .Finish();
  const Decoded d = Decode(frame);
  EXPECT_EQ(Events(d.stats), "");
  EXPECT_TRUE(d.meta.Has(meta_flag::kIpInIp));
  EXPECT_FALSE(d.meta.Has(meta_flag::kGre));
  EXPECT_EQ(d.meta.ip_layers, 2);
  EXPECT_EQ(d.meta.outer_src.ToString(), "203.0.113.10");
  EXPECT_EQ(d.meta.inner_src.ToString(), "10.9.9.1");
  EXPECT_EQ(d.meta.inner_dst.ToString(), "10.9.9.2");
  EXPECT_EQ(d.meta.ip_proto, ip_proto::kTcp);
  EXPECT_EQ(d.meta.src_port, 179);
}

TEST(DecodeIpInIp, Ipv6InIpv4) {
  const std::vector<uint8_t> frame =
      PacketBuilder()
          .Ethernet(kEtherIpv4)
          .Ip(V4Spec("203.0.113.10", "203.0.113.20"), ip_proto::kIpv6InIp)
          .Ip(V6Spec("2001:db8:6::1", "2001:db8:6::2"), ip_proto::kUdp)
          .Udp(53, 53)
          .Finish();
  const Decoded d = Decode(frame);
  EXPECT_EQ(Events(d.stats), "");
  EXPECT_TRUE(d.meta.Has(meta_flag::kIpInIp));
  EXPECT_EQ(d.meta.l3, Layer3::kIpv4);
  EXPECT_EQ(d.meta.ip_layers, 2);
  EXPECT_EQ(d.meta.outer_dst.ToString(), "203.0.113.20");
  EXPECT_EQ(d.meta.inner_src.ToString(), "2001:db8:6::1");
  EXPECT_EQ(d.meta.inner_dst.ToString(), "2001:db8:6::2");
  EXPECT_EQ(d.meta.dst_port, 53);
}

TEST(DecodeIpInIp, InnerHeaderTruncatedOrMalformed) {
  Decoded d = Decode(
      PacketBuilder().Ethernet(kEtherIpv4).Ip(V4Spec(), ip_proto::kIpInIp).Zeros(10).Finish());
  EXPECT_EQ(Events(d.stats), "ipv4.truncated");
  EXPECT_TRUE(d.meta.Has(meta_flag::kIpInIp));
  EXPECT_EQ(d.meta.ip_layers, 1);
  EXPECT_EQ(d.meta.l3, Layer3::kIpv4);
  EXPECT_EQ(d.meta.inner_src, d.meta.outer_src);

  d = Decode(PacketBuilder()
                 .Ethernet(kEtherIpv4)
                 .Ip(V4Spec(), ip_proto::kIpv6InIp)
                 .Ip(V4Spec("10.0.0.1", "10.0.0.2"), ip_proto::kUdp)
                 .Udp(1, 2)
                 .Zeros(20)
                 .Finish());  // protocol 41 announcing IPv6, carrying IPv4
  EXPECT_EQ(Events(d.stats), "ipv6.bad_version");
  EXPECT_EQ(d.meta.ip_layers, 1);
  EXPECT_EQ(d.meta.inner_src, d.meta.outer_src);
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

// ---------------------------------------------------------------------------------------------
// Snap length

TEST(DecodeSnaplen, CutFrameDecodesWhatIsPresent) {
  TcpSpec tcp;
  tcp.src_port = 8080;
  tcp.dst_port = 40404;
  tcp.seq = 77;
  tcp.flags = tcp_flag::kAck;
  std::string body;
  for (int i = 0; i < 10; ++i) {
    body += "0123456789";
  }
  const std::vector<uint8_t> frame = PacketBuilder()
                                         .Ethernet(kEtherIpv4)
                                         .Ip(V4Spec(), ip_proto::kTcp)
                                         .Tcp(tcp)
                                         .Payload(body)
                                         .Finish();
  const uint32_t wire = static_cast<uint32_t>(frame.size());
  ASSERT_EQ(wire, kEth + kIp4 + kTcp + 100);

  const Decoded whole = Decode(frame);
  EXPECT_FALSE(whole.meta.Has(meta_flag::kCutBySnaplen));
  EXPECT_EQ(PayloadOf(frame, whole.meta), body);

  const std::vector<uint8_t> snapped = Cut(frame, kEth + kIp4 + kTcp + 10);
  const Decoded d = Decode(snapped, kLinkEthernet, wire);
  EXPECT_EQ(Events(d.stats), "");
  EXPECT_TRUE(d.meta.Has(meta_flag::kCutBySnaplen));
  EXPECT_EQ(d.meta.wire_len, wire);
  EXPECT_EQ(d.meta.ip_total_len, kIp4 + kTcp + 100);
  EXPECT_EQ(d.meta.src_port, 8080);
  EXPECT_EQ(d.meta.tcp_seq, 77u);
  EXPECT_EQ(d.meta.payload_offset, kEth + kIp4 + kTcp);
  EXPECT_EQ(d.meta.payload_len, 10);
  EXPECT_EQ(PayloadOf(snapped, d.meta), "0123456789");

  const Decoded in_tcp = Decode(Cut(frame, kEth + kIp4 + 10), kLinkEthernet, wire);
  EXPECT_EQ(Events(in_tcp.stats), "tcp.truncated");
  EXPECT_TRUE(in_tcp.meta.Has(meta_flag::kCutBySnaplen));
  EXPECT_TRUE(in_tcp.meta.Has(meta_flag::kL4Truncated));
  EXPECT_EQ(in_tcp.meta.l3, Layer3::kIpv4);
  EXPECT_EQ(in_tcp.meta.outer_src.ToString(), "192.0.2.1");

  const Decoded in_ip = Decode(Cut(frame, kEth + 10), kLinkEthernet, wire);
  EXPECT_EQ(Events(in_ip.stats), "ipv4.truncated");
  EXPECT_TRUE(in_ip.meta.Has(meta_flag::kCutBySnaplen));
  EXPECT_EQ(in_ip.meta.l3, Layer3::kNone);
}

TEST(DecodeSnaplen, CutUdpAndIpv6) {
  const std::string body(200, 'u');
  const std::vector<uint8_t> frame = PacketBuilder()
                                         .Ethernet(kEtherIpv6)
                                         .Ip(V6Spec(), ip_proto::kUdp)
                                         .Udp(53, 33333)
                                         .Payload(body)
                                         .Finish();
  const uint32_t wire = static_cast<uint32_t>(frame.size());
  const std::vector<uint8_t> snapped = Cut(frame, 96);
  const Decoded d = Decode(snapped, kLinkEthernet, wire);
  EXPECT_EQ(Events(d.stats), "");
  EXPECT_TRUE(d.meta.Has(meta_flag::kCutBySnaplen));
  EXPECT_EQ(d.meta.ip_total_len, kIp6 + kUdp + 200);
  EXPECT_EQ(d.meta.src_port, 53);
  EXPECT_EQ(d.meta.payload_offset, kEth + kIp6 + kUdp);
  EXPECT_EQ(d.meta.payload_len, 96 - (kEth + kIp6 + kUdp));
  EXPECT_EQ(PayloadOf(snapped, d.meta), std::string(96 - (kEth + kIp6 + kUdp), 'u'));
}

}  // namespace
}  // namespace rampart
