// Byte-level tests of DecodePacket, network layer: IPv4 and IPv6 (options, fragments, extension
// headers), each with a good, a truncated and a malformed frame.
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

}  // namespace
}  // namespace rampart::decode_test
