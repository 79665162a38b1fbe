// Byte-level tests of DecodePacket, tunnels: GRE and IP in IP, each with a good, a truncated and
// a malformed frame.
#include "decode/packet_decoder.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "packet_decoder_test_util.h"
#include "scenario/packet_builder.h"

namespace rampart::decode_test {
namespace {

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

}  // namespace
}  // namespace rampart::decode_test
