// Byte-level tests of DecodePacket, transport layer: TCP, UDP, ICMP and ICMPv6, each with a good,
// a truncated and a malformed frame; and frames cut by the snap length.
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
}  // namespace rampart::decode_test
