// SflowDecoder on hand-built sFlow v5 datagrams, well-formed and hostile, and on the two sFlow
// captures of the test data.
#include "flow/sflow_decoder.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "capture/capture_reader.h"
#include "decode/packet_decoder.h"
#include "scenario/packet_builder.h"

namespace rampart::flow {
namespace {

using Bytes = std::vector<uint8_t>;

void Put32(Bytes& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) {
    out.push_back(static_cast<uint8_t>(v >> shift));
  }
}
void Append(Bytes& out, const Bytes& more) {
  out.insert(out.end(), more.begin(), more.end());
}
//! An XDR item: format word, length word, body.
Bytes Item(uint32_t format, const Bytes& body) {
  Bytes out;
  Put32(out, format);
  Put32(out, static_cast<uint32_t>(body.size()));
  Append(out, body);
  return out;
}

Bytes RawHeaderRecord(uint32_t protocol, uint32_t frame_length, uint32_t stripped,
                      const Bytes& header) {
  Bytes body;
  Put32(body, protocol);
  Put32(body, frame_length);
  Put32(body, stripped);
  Put32(body, static_cast<uint32_t>(header.size()));
  Append(body, header);
  body.resize((body.size() + 3) / 4 * 4, 0);  // opaque<> padding
  return Item(1, body);
}

Bytes SampledIpv4Record(uint32_t length, uint32_t protocol, const char* src, const char* dst,
                        uint32_t src_port, uint32_t dst_port, uint32_t flags, uint32_t tos) {
  Bytes body;
  Put32(body, length);
  Put32(body, protocol);
  const IpAddress s = *IpAddress::Parse(src);
  const IpAddress d = *IpAddress::Parse(dst);
  body.insert(body.end(), s.bytes.begin(), s.bytes.begin() + 4);
  body.insert(body.end(), d.bytes.begin(), d.bytes.begin() + 4);
  for (const uint32_t v : {src_port, dst_port, flags, tos}) {
    Put32(body, v);
  }
  return Item(3, body);
}

Bytes SampledIpv6Record(uint32_t length, uint32_t protocol, const char* src, const char* dst,
                        uint32_t src_port, uint32_t dst_port) {
  Bytes body;
  Put32(body, length);
  Put32(body, protocol);
  const IpAddress s = *IpAddress::Parse(src);
  const IpAddress d = *IpAddress::Parse(dst);
  body.insert(body.end(), s.bytes.begin(), s.bytes.end());
  body.insert(body.end(), d.bytes.begin(), d.bytes.end());
  for (const uint32_t v : {src_port, dst_port, 0u, 0u}) {
    Put32(body, v);
  }
  return Item(4, body);
}

//! An extended switch record (1001), which the decoder skips.
Bytes ExtendedSwitchRecord() {
  Bytes body;
  for (const uint32_t v : {10u, 0u, 20u, 0u}) {
    Put32(body, v);
  }
  return Item(1001, body);
}

Bytes FlowSample(uint32_t rate, uint32_t input, uint32_t output,
                 std::initializer_list<Bytes> records,
                 std::optional<uint32_t> count_override = std::nullopt) {
  Bytes body;
  Put32(body, 7);         // sequence
  Put32(body, 3);         // source id
  Put32(body, rate);      // sampling rate
  Put32(body, 7 * rate);  // sample pool
  Put32(body, 0);         // drops
  Put32(body, input);
  Put32(body, output);
  Put32(body, count_override.value_or(static_cast<uint32_t>(records.size())));
  for (const Bytes& r : records) {
    Append(body, r);
  }
  return Item(1, body);
}

Bytes ExpandedFlowSample(uint32_t rate, uint32_t in_format, uint32_t in_value, uint32_t out_format,
                         uint32_t out_value, std::initializer_list<Bytes> records) {
  Bytes body;
  for (const uint32_t v : {9u, 0u, 77u, rate, 9 * rate, 0u, in_format, in_value, out_format,
                           out_value, static_cast<uint32_t>(records.size())}) {
    Put32(body, v);
  }
  for (const Bytes& r : records) {
    Append(body, r);
  }
  return Item(3, body);
}

//! A counter sample (compact 2 or expanded 4) holding one generic-interface-like record.
Bytes CounterSample(uint32_t format) {
  Bytes body;
  Put32(body, 1);  // sequence
  if (format == 4) {
    Put32(body, 0);  // source id type
  }
  Put32(body, 5);  // source id (index)
  Put32(body, 1);  // record count
  Append(body, Item(1, Bytes(88, 0xab)));
  return Item(format, body);
}

Bytes Datagram(std::initializer_list<Bytes> samples, uint32_t sub_agent = 42,
               bool ipv6_agent = false, std::optional<uint32_t> count_override = std::nullopt) {
  Bytes out;
  Put32(out, 5);
  Put32(out, ipv6_agent ? 2 : 1);
  const IpAddress agent = *IpAddress::Parse(ipv6_agent ? "2001:db8::a" : "192.0.2.10");
  out.insert(out.end(), agent.bytes.begin(), agent.bytes.begin() + (ipv6_agent ? 16 : 4));
  Put32(out, sub_agent);
  Put32(out, 1000);    // sequence
  Put32(out, 123456);  // uptime
  Put32(out, count_override.value_or(static_cast<uint32_t>(samples.size())));
  for (const Bytes& s : samples) {
    Append(out, s);
  }
  return out;
}

scenario::IpSpec Ip(const char* src, const char* dst, uint8_t ttl = 64) {
  scenario::IpSpec spec;
  spec.src = *IpAddress::Parse(src);
  spec.dst = *IpAddress::Parse(dst);
  spec.ttl = ttl;
  return spec;
}

//! An Ethernet/IPv4/TCP SYN frame, 60 bytes, ToS 0xb8.
Bytes EthernetTcpSyn() {
  scenario::TcpSpec tcp;
  tcp.src_port = 40001;
  tcp.dst_port = 443;
  tcp.flags = 0x02;
  Bytes frame = scenario::PacketBuilder()
                    .Ethernet(0x0800)
                    .Ip(Ip("203.0.113.7", "198.51.100.20", 57), 6)
                    .Tcp(tcp)
                    .Finish();
  frame[15] = 0xb8;  // ToS (the checksum is not checked)
  return frame;
}

const IpAddress kExporter = *IpAddress::Parse("192.0.2.99");
constexpr TimestampNs kTs = 1'700'000'000'123'456'789;

struct Run {
  std::vector<FlowRecord> records;
  FlowDecodeStats stats;
  SflowDecoder decoder;
};

//! Decodes `datagram` from a heap copy of exactly its size, so that ASan sees any over-read.
std::unique_ptr<Run> Decode(const Bytes& datagram, size_t len = ~size_t{0}) {
  auto run = std::make_unique<Run>();
  len = std::min(len, datagram.size());
  auto copy = std::make_unique<uint8_t[]>(len == 0 ? 1 : len);
  std::copy(datagram.begin(), datagram.begin() + static_cast<std::ptrdiff_t>(len), copy.get());
  run->decoder.Decode(kExporter, kTs, copy.get(), len, run->records, run->stats);
  return run;
}

//! Every counter that says the datagram was damaged.
uint64_t Damage(const FlowDecodeStats& s) {
  return s.sflow_truncated + s.sflow_bad_version + s.sflow_bad_agent_address +
         s.sflow_sample_truncated + s.sflow_sample_count_mismatch + s.sflow_record_truncated +
         s.sflow_record_count_mismatch;
}

TEST(SflowDecoder, RawEthernetIpv4TcpHeader) {
  const Bytes frame = EthernetTcpSyn();
  const auto run = Decode(Datagram(
      {FlowSample(512, 11, 12, {ExtendedSwitchRecord(), RawHeaderRecord(1, 64, 4, frame)})}));
  ASSERT_EQ(run->records.size(), 1u);
  const FlowRecord& r = run->records[0];
  EXPECT_EQ(r.protocol, FlowProtocol::kSflowV5);
  EXPECT_EQ(r.exporter, kExporter);  // the UDP source, not the agent address in the datagram
  EXPECT_EQ(r.observation_domain, 42u);
  EXPECT_EQ(r.src.ToString(), "203.0.113.7");
  EXPECT_EQ(r.dst.ToString(), "198.51.100.20");
  EXPECT_EQ(r.src_port, 40001);
  EXPECT_EQ(r.dst_port, 443);
  EXPECT_EQ(r.ip_protocol, 6);
  EXPECT_EQ(r.tcp_flags, 0x02);
  EXPECT_EQ(r.ttl, 57);
  EXPECT_EQ(r.tos, 0xb8);
  EXPECT_EQ(r.packet_size, 64);
  EXPECT_EQ(r.packets, 512u);
  EXPECT_EQ(r.bytes, 64u * 512u);
  EXPECT_EQ(r.sampling_rate, 512u);
  EXPECT_EQ(r.start_ns, kTs);
  EXPECT_EQ(r.end_ns, kTs);
  EXPECT_EQ(r.input_if, 11u);
  EXPECT_EQ(r.output_if, 12u);
  EXPECT_FALSE(r.is_fragment);
  EXPECT_EQ(run->stats.sflow_datagrams, 1u);
  EXPECT_EQ(run->stats.sflow_flow_samples, 1u);
  EXPECT_EQ(run->stats.sflow_skipped_records, 1u);
  EXPECT_EQ(run->stats.sflow_records, 1u);
  EXPECT_EQ(Damage(run->stats), 0u);
}

TEST(SflowDecoder, RawIpv6UdpHeaderFromAnIpv6Agent) {
  const Bytes packet = scenario::PacketBuilder()
                           .Ip(Ip("2001:db8:1::5", "2001:db8:2::9", 33), 17)
                           .Udp(5353, 53)
                           .Zeros(20)
                           .Finish();
  const auto run = Decode(Datagram(
      {FlowSample(1, 1, 2, {RawHeaderRecord(12, static_cast<uint32_t>(packet.size()), 0, packet)})},
      7, /*ipv6_agent=*/true));
  ASSERT_EQ(run->records.size(), 1u);
  const FlowRecord& r = run->records[0];
  EXPECT_EQ(r.src.ToString(), "2001:db8:1::5");
  EXPECT_EQ(r.dst.ToString(), "2001:db8:2::9");
  EXPECT_EQ(r.ip_protocol, 17);
  EXPECT_EQ(r.src_port, 5353);
  EXPECT_EQ(r.dst_port, 53);
  EXPECT_EQ(r.ttl, 33);
  EXPECT_EQ(r.packet_size, packet.size());
  EXPECT_EQ(r.packets, 1u);
  EXPECT_EQ(r.observation_domain, 7u);
  EXPECT_EQ(Damage(run->stats), 0u);
}

TEST(SflowDecoder, RawIpv4IcmpHeaderPutsTypeAndCodeInTheDestinationPort) {
  const Bytes packet =
      scenario::PacketBuilder().Ip(Ip("192.0.2.1", "192.0.2.2"), 1).Icmp(3, 4).Finish();
  const auto run = Decode(Datagram({FlowSample(2, 0, 0, {RawHeaderRecord(11, 100, 0, packet)})}));
  ASSERT_EQ(run->records.size(), 1u);
  EXPECT_EQ(run->records[0].ip_protocol, 1);
  EXPECT_EQ(run->records[0].src_port, 0);
  EXPECT_EQ(run->records[0].dst_port, 3 << 8 | 4);
  EXPECT_EQ(run->records[0].bytes, 200u);
}

TEST(SflowDecoder, ExpandedSampleWithVlanFragment) {
  scenario::IpSpec ip = Ip("10.1.1.1", "10.2.2.2");
  ip.more_fragments = true;
  const Bytes frame = scenario::PacketBuilder()
                          .Ethernet(0x8100)
                          .Vlan(100, 0x0800)
                          .Ip(ip, 17)
                          .Udp(123, 40000)
                          .Zeros(100)
                          .Finish();
  const auto run = Decode(Datagram({ExpandedFlowSample(4096, 0, 369098852, 0, 369098851,
                                                       {RawHeaderRecord(1, 1518, 4, frame)})}));
  ASSERT_EQ(run->records.size(), 1u);
  const FlowRecord& r = run->records[0];
  EXPECT_EQ(r.src.ToString(), "10.1.1.1");
  EXPECT_EQ(r.src_port, 123);
  EXPECT_TRUE(r.is_fragment);
  EXPECT_EQ(r.sampling_rate, 4096u);
  EXPECT_EQ(r.packets, 4096u);
  EXPECT_EQ(r.bytes, 1518u * 4096u);
  EXPECT_EQ(r.input_if, 369098852u);
  EXPECT_EQ(r.output_if, 369098851u);
  EXPECT_EQ(Damage(run->stats), 0u);
}

TEST(SflowDecoder, InterfaceFormatsOtherThanIfIndexGiveZero) {
  const Bytes frame = EthernetTcpSyn();
  // Compact: 0x40000001 = dropped (reason 1), 0x80000007 = 7 interfaces, 0x3fffffff = unknown.
  const auto run =
      Decode(Datagram({FlowSample(1, 0x3fffffff, 0x40000001, {RawHeaderRecord(1, 64, 4, frame)}),
                       FlowSample(1, 5, 0x80000007, {RawHeaderRecord(1, 64, 4, frame)}),
                       ExpandedFlowSample(1, 2, 3, 1, 9, {RawHeaderRecord(1, 64, 4, frame)})}));
  ASSERT_EQ(run->records.size(), 3u);
  EXPECT_EQ(run->records[0].input_if, 0u);
  EXPECT_EQ(run->records[0].output_if, 0u);
  EXPECT_EQ(run->records[1].input_if, 5u);
  EXPECT_EQ(run->records[1].output_if, 0u);
  EXPECT_EQ(run->records[2].input_if, 0u);
  EXPECT_EQ(run->records[2].output_if, 0u);
}

TEST(SflowDecoder, CounterSamplesAreCountedAndSkipped) {
  const Bytes frame = EthernetTcpSyn();
  const auto run =
      Decode(Datagram({CounterSample(2), FlowSample(8, 1, 2, {RawHeaderRecord(1, 64, 4, frame)}),
                       CounterSample(4), Item(0x0000f001, Bytes(12, 1)), Item(99, Bytes(4, 0))}));
  ASSERT_EQ(run->records.size(), 1u);
  EXPECT_EQ(run->records[0].packets, 8u);
  EXPECT_EQ(run->stats.sflow_counter_samples, 2u);
  EXPECT_EQ(run->stats.sflow_unknown_samples, 2u);  // enterprise 15, and format 99
  EXPECT_EQ(run->stats.sflow_flow_samples, 1u);
  EXPECT_EQ(Damage(run->stats), 0u);
}

TEST(SflowDecoder, SampledIpv4AndIpv6WhenThereIsNoRawHeader) {
  const auto run = Decode(Datagram(
      {FlowSample(100, 1, 2,
                  {SampledIpv4Record(1500, 6, "198.51.100.1", "203.0.113.2", 80, 50000, 0x12, 4)}),
       FlowSample(10, 1, 2, {SampledIpv4Record(84, 1, "198.51.100.1", "203.0.113.2", 8, 0, 0, 0)}),
       FlowSample(3, 1, 2,
                  {SampledIpv6Record(1280, 17, "2001:db8::1", "2001:db8::2", 443, 999)})}));
  ASSERT_EQ(run->records.size(), 3u);
  const FlowRecord& tcp = run->records[0];
  EXPECT_EQ(tcp.src.ToString(), "198.51.100.1");
  EXPECT_EQ(tcp.dst.ToString(), "203.0.113.2");
  EXPECT_EQ(tcp.src_port, 80);
  EXPECT_EQ(tcp.dst_port, 50000);
  EXPECT_EQ(tcp.tcp_flags, 0x12);
  EXPECT_EQ(tcp.tos, 4);
  EXPECT_EQ(tcp.ttl, 0);
  EXPECT_EQ(tcp.packet_size, 1500);
  EXPECT_EQ(tcp.bytes, 150000u);
  const FlowRecord& icmp = run->records[1];
  EXPECT_EQ(icmp.src_port, 0);
  EXPECT_EQ(icmp.dst_port, 8 << 8);  // echo request
  const FlowRecord& v6 = run->records[2];
  EXPECT_EQ(v6.src.ToString(), "2001:db8::1");
  EXPECT_EQ(v6.dst_port, 999);
  EXPECT_EQ(v6.bytes, 3840u);
  EXPECT_EQ(Damage(run->stats), 0u);
}

TEST(SflowDecoder, RawHeaderIsPreferredAndNonIpFallsBack) {
  const Bytes frame = EthernetTcpSyn();
  Bytes arp = scenario::PacketBuilder().Ethernet(0x0806).Zeros(28).Finish();
  const Bytes sampled = SampledIpv4Record(60, 17, "192.0.2.7", "192.0.2.8", 1, 2, 0, 0);
  const auto run = Decode(Datagram({
      FlowSample(1, 0, 0, {sampled, RawHeaderRecord(1, 64, 4, frame)}),  // header wins
      FlowSample(1, 0, 0, {RawHeaderRecord(1, 64, 4, arp), sampled}),    // ARP: sampled used
      FlowSample(1, 0, 0, {RawHeaderRecord(1, 64, 4, arp)}),             // nothing usable
      FlowSample(1, 0, 0, {RawHeaderRecord(7, 64, 0, frame)}),           // PPP: not decoded
  }));
  ASSERT_EQ(run->records.size(), 2u);
  EXPECT_EQ(run->records[0].src.ToString(), "203.0.113.7");
  EXPECT_EQ(run->records[1].src.ToString(), "192.0.2.7");
  EXPECT_EQ(run->stats.sflow_header_not_ip, 2u);
  EXPECT_EQ(run->stats.sflow_header_unsupported, 1u);
  EXPECT_EQ(run->stats.sflow_sample_without_ip, 2u);
  EXPECT_EQ(Damage(run->stats), 0u);
}

TEST(SflowDecoder, SampledHeaderAnomaliesGoToThePacketDecodersCounters) {
  Bytes frame = EthernetTcpSyn();
  frame.resize(14 + 12);  // cut inside the IPv4 header
  const auto run = Decode(Datagram({FlowSample(1, 0, 0, {RawHeaderRecord(1, 1000, 4, frame)})}));
  EXPECT_TRUE(run->records.empty());
  EXPECT_EQ(run->decoder.header_stats().Get(DecodeEvent::kIpv4Truncated), 1u);
  EXPECT_EQ(run->stats.sflow_header_not_ip, 1u);
}

TEST(SflowDecoder, ZeroOrAbsurdSamplingRateCountsAndUsesOne) {
  const Bytes frame = EthernetTcpSyn();
  const auto run = Decode(
      Datagram({FlowSample(0, 0, 0, {RawHeaderRecord(1, 64, 4, frame)}),
                FlowSample(kSflowMaxSamplingRate + 1, 0, 0, {RawHeaderRecord(1, 64, 4, frame)}),
                FlowSample(kSflowMaxSamplingRate, 0, 0, {RawHeaderRecord(1, 64, 4, frame)})}));
  ASSERT_EQ(run->records.size(), 3u);
  EXPECT_EQ(run->records[0].sampling_rate, 1u);
  EXPECT_EQ(run->records[0].packets, 1u);
  EXPECT_EQ(run->records[0].bytes, 64u);
  EXPECT_EQ(run->records[1].sampling_rate, 1u);
  EXPECT_EQ(run->records[2].sampling_rate, kSflowMaxSamplingRate);
  EXPECT_EQ(run->records[2].bytes, uint64_t{64} * kSflowMaxSamplingRate);
  EXPECT_EQ(run->records[2].packets, kSflowMaxSamplingRate);
  EXPECT_EQ(run->stats.absurd_sampling_rate, 2u);
}

TEST(SflowDecoder, BadVersionAndAgentAddressType) {
  Bytes v4 = Datagram({FlowSample(1, 0, 0, {RawHeaderRecord(1, 64, 4, EthernetTcpSyn())})});
  Bytes bad_version = v4;
  bad_version[3] = 4;
  EXPECT_EQ(Decode(bad_version)->stats.sflow_bad_version, 1u);
  Bytes bad_agent = v4;
  bad_agent[7] = 3;
  const auto run = Decode(bad_agent);
  EXPECT_EQ(run->stats.sflow_bad_agent_address, 1u);
  EXPECT_TRUE(run->records.empty());
  // Agent address type 0 (unknown) has no address bytes.
  Bytes unknown_agent = v4;
  unknown_agent[7] = 0;
  unknown_agent.erase(unknown_agent.begin() + 8, unknown_agent.begin() + 12);
  EXPECT_EQ(Decode(unknown_agent)->records.size(), 1u);
}

TEST(SflowDecoder, TruncatedAtEveryLength) {
  const Bytes frame = EthernetTcpSyn();
  const Bytes full = Datagram(
      {CounterSample(2),
       FlowSample(16, 1, 2, {ExtendedSwitchRecord(), RawHeaderRecord(1, 64, 4, frame)}),
       ExpandedFlowSample(16, 0, 1, 0, 2, {RawHeaderRecord(1, 64, 4, frame)}),
       FlowSample(16, 1, 2, {SampledIpv4Record(60, 6, "192.0.2.1", "192.0.2.2", 1, 2, 2, 0)})});
  ASSERT_EQ(Decode(full)->records.size(), 3u);
  for (size_t len = 0; len < full.size(); ++len) {
    const auto run = Decode(full, len);
    EXPECT_LT(run->records.size(), 3u) << len;
    EXPECT_GE(Damage(run->stats), 1u) << "a cut at " << len << " went unnoticed";
    for (const FlowRecord& r : run->records) {
      EXPECT_GE(r.sampling_rate, 1u);
      EXPECT_TRUE(r.src.IsSet());
    }
  }
}

TEST(SflowDecoder, LyingLengths) {
  const Bytes frame = EthernetTcpSyn();
  const Bytes good = FlowSample(1, 0, 0, {RawHeaderRecord(1, 64, 4, frame)});
  {
    // A sample length past the end of the datagram: the sample is not read.
    Bytes lying = good;
    lying[4] = 0x7f;
    const auto run = Decode(Datagram({lying}));
    EXPECT_TRUE(run->records.empty());
    EXPECT_EQ(run->stats.sflow_sample_truncated, 1u);
  }
  {
    // A sample length too short for the flow sample's fixed fields.
    const auto run = Decode(Datagram({Item(1, Bytes(28, 0)), good}));
    EXPECT_EQ(run->stats.sflow_sample_truncated, 1u);
    EXPECT_EQ(run->records.size(), 1u);  // the next sample is still read
  }
  {
    // A record length past the end of its sample.
    Bytes lying = good;
    lying[8 + 32 + 4] = 0x01;  // record length + 16 MiB
    const auto run = Decode(Datagram({lying, good}));
    EXPECT_EQ(run->stats.sflow_record_truncated, 1u);
    EXPECT_EQ(run->records.size(), 1u);
  }
  {
    // A header length past the end of its record.
    Bytes lying = good;
    lying[8 + 32 + 8 + 12 + 2] = 0x10;
    const auto run = Decode(Datagram({lying}));
    EXPECT_EQ(run->stats.sflow_record_truncated, 1u);
    EXPECT_TRUE(run->records.empty());
  }
  {
    // Sampled IPv4/IPv6 records shorter than their fixed size.
    const auto run = Decode(Datagram({FlowSample(1, 0, 0, {Item(3, Bytes(28, 0))}),
                                      FlowSample(1, 0, 0, {Item(4, Bytes(52, 0))})}));
    EXPECT_EQ(run->stats.sflow_record_truncated, 2u);
    EXPECT_EQ(run->stats.sflow_sample_without_ip, 2u);
  }
}

TEST(SflowDecoder, LyingCounts) {
  const Bytes frame = EthernetTcpSyn();
  const Bytes good = FlowSample(1, 0, 0, {RawHeaderRecord(1, 64, 4, frame)});
  {
    const auto run = Decode(Datagram({good}, 1, false, 0xffffffff));
    EXPECT_EQ(run->records.size(), 1u);
    EXPECT_EQ(run->stats.sflow_sample_count_mismatch, 1u);
  }
  {
    const auto run = Decode(Datagram({good, good}, 1, false, 1));  // bytes after the count
    EXPECT_EQ(run->records.size(), 1u);
    EXPECT_EQ(run->stats.sflow_sample_count_mismatch, 1u);
  }
  {
    const auto run = Decode(Datagram({}, 1, false, 0));
    EXPECT_TRUE(run->records.empty());
    EXPECT_EQ(Damage(run->stats), 0u);
  }
  {
    const auto run =
        Decode(Datagram({FlowSample(1, 0, 0, {RawHeaderRecord(1, 64, 4, frame)}, 0xffffffff)}));
    EXPECT_EQ(run->records.size(), 1u);
    EXPECT_EQ(run->stats.sflow_record_count_mismatch, 1u);
  }
  {
    // Records after the counted ones are not read.
    const auto run = Decode(Datagram(
        {FlowSample(1, 0, 0, {ExtendedSwitchRecord(), RawHeaderRecord(1, 64, 4, frame)}, 1)}));
    EXPECT_TRUE(run->records.empty());
    EXPECT_EQ(run->stats.sflow_record_count_mismatch, 1u);
  }
}

TEST(SflowDecoder, RecordsPerSampleAreCapped) {
  Bytes body;
  for (const uint32_t v : {1u, 1u, 1u, 1u, 0u, 0u, 0u, 1000u}) {
    Put32(body, v);
  }
  for (uint32_t i = 0; i < 1000; ++i) {
    Append(body, ExtendedSwitchRecord());
  }
  Append(body, RawHeaderRecord(1, 64, 4, EthernetTcpSyn()));
  const auto run = Decode(Datagram({Item(1, body)}));
  EXPECT_TRUE(run->records.empty());
  EXPECT_EQ(run->stats.sflow_too_many_flow_records, 1u);
  EXPECT_EQ(run->stats.sflow_skipped_records, kSflowMaxRecordsPerSample);
}

TEST(SflowDecoder, SamplesAndRecordsPerDatagramAreCapped) {
  const Bytes sample =
      FlowSample(1, 0, 0, {SampledIpv4Record(60, 17, "192.0.2.1", "192.0.2.2", 1, 2, 0, 0)});
  Bytes datagram = Datagram({}, 1, false, 2000);
  for (int i = 0; i < 2000; ++i) {
    Append(datagram, sample);
  }
  const auto run = Decode(datagram);
  EXPECT_EQ(run->records.size(), kSflowMaxRecordsPerDatagram);
  EXPECT_EQ(run->stats.sflow_too_many_samples, 1u);
  // Empty samples: 8 bytes each, never more than the cap looked at.
  Bytes empties = Datagram({}, 1, false, 100000);
  for (int i = 0; i < 100000; ++i) {
    Append(empties, Item(2, {}));
  }
  const auto empty_run = Decode(empties);
  EXPECT_EQ(empty_run->stats.sflow_counter_samples, kSflowMaxSamplesPerDatagram);
  EXPECT_EQ(empty_run->stats.sflow_too_many_samples, 1u);
}

TEST(SflowDecoder, AppendsToOut) {
  SflowDecoder decoder;
  FlowDecodeStats stats;
  std::vector<FlowRecord> out(2);
  const Bytes d = Datagram({FlowSample(1, 0, 0, {RawHeaderRecord(1, 64, 4, EthernetTcpSyn())})});
  decoder.Decode(kExporter, kTs, d.data(), d.size(), out, stats);
  decoder.Decode(kExporter, kTs, d.data(), d.size(), out, stats);
  EXPECT_EQ(out.size(), 4u);
  EXPECT_EQ(stats.sflow_records, 2u);
  FlowDecodeStats merged;
  merged.Merge(stats);
  merged.Merge(stats);
  EXPECT_EQ(merged.sflow_datagrams, 4u);
  size_t sflow_names = 0;
  merged.ForEach([&](std::string_view name, uint64_t) {
    sflow_names += name.rfind("sflow.", 0) == 0 ? 1 : 0;
  });
  EXPECT_EQ(sflow_names, 18u);
}

//! Every sFlow datagram (UDP port 6343) of a capture in tests/data/captures/flow.
std::unique_ptr<Run> DecodeCapture(const std::string& name) {
  auto run = std::make_unique<Run>();
  CaptureReader reader;
  std::string error;
  const std::string path = std::string(RAMPART_SOURCE_DIR) + "/tests/data/captures/flow/" + name;
  EXPECT_TRUE(reader.Open(path, &error)) << error;
  RawPacket raw;
  DecodeStats stats;
  PacketMeta meta;
  while (reader.Next(raw)) {
    DecodePacket(raw, meta, stats);
    if (meta.ip_proto != 17 || meta.dst_port != 6343 || meta.payload_len == 0) {
      continue;
    }
    run->decoder.Decode(meta.outer_src, meta.ts_ns, raw.data + meta.payload_offset,
                        meta.payload_len, run->records, run->stats);
  }
  return run;
}

TEST(SflowDecoder, AkvoradoCapture) {
  const auto run = DecodeCapture("akvorado_sflow_v5_11samples.pcap");
  EXPECT_EQ(run->stats.sflow_datagrams, 11u);
  EXPECT_EQ(run->stats.sflow_flow_samples, 16u);
  ASSERT_EQ(run->records.size(), 16u);
  // Frames 2, 6 and 7 count 1 sample and carry the 4 more of frame 1 after it.
  EXPECT_EQ(run->stats.sflow_sample_count_mismatch, 3u);
  EXPECT_EQ(Damage(run->stats), 3u);
  EXPECT_EQ(run->decoder.header_stats().Get(DecodeEvent::kIpv4TotalLenExceedsFrame), 0u);
  // Frame 8: an expanded sample, 1 in 4096, of an Ethernet/802.1Q×2/IPv4/TCP header.
  const FlowRecord& r = run->records[11];
  EXPECT_EQ(r.sampling_rate, 4096u);
  EXPECT_EQ(r.observation_domain, 100u);
  EXPECT_EQ(r.exporter.ToString(), "172.17.128.58");
  EXPECT_EQ(r.ip_protocol, 6);
}

TEST(SflowDecoder, NdpiCapture) {
  const auto run = DecodeCapture("ndpi_sflow.pcap");
  EXPECT_EQ(run->stats.sflow_datagrams, 9u);
  EXPECT_EQ(run->stats.sflow_counter_samples, 8u);
  ASSERT_EQ(run->records.size(), 1u);
  EXPECT_EQ(run->records[0].sampling_rate, 2048u);
  EXPECT_EQ(run->records[0].packet_size, 82);
  EXPECT_EQ(run->records[0].ip_protocol, 1);
  EXPECT_EQ(Damage(run->stats), 0u);
}

}  // namespace
}  // namespace rampart::flow
