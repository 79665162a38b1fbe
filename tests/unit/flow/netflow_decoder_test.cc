// NetflowDecoder on hand-built NetFlow v5, v9 and IPFIX datagrams: fields, times, sampling,
// templates (held data, replacement, withdrawal), options.
#include "flow/netflow_decoder.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "netflow_test_util.h"

namespace rampart::flow {
namespace {

using test::Collector;
using test::Datagram;
using test::Ip;
using test::kExportSecs;
using test::kSecond;

constexpr TimestampNs kExportNs = TimestampNs{kExportSecs} * kSecond;

// ---- NetFlow v5 ----

std::vector<uint8_t> V5(uint16_t count, uint16_t sampling, uint16_t records) {
  Datagram d;
  d.U16(5).U16(count).U32(100'000).U32(kExportSecs).U32(500'000'000).U32(7);
  d.U8(1).U8(2).U16(sampling);
  for (uint16_t i = 0; i < records; ++i) {
    d.Raw({198, 51, 100, static_cast<uint8_t>(i + 1)}).Ip4("203.0.113.9").Ip4("0.0.0.0");
    d.U16(3).U16(4).U32(10).U32(1500).U32(90'000).U32(99'000);
    d.U16(1234).U16(80).U8(0).U8(0x12).U8(6).U8(0x10).U16(64500).U16(64501);
    d.U8(24).U8(24).U16(0);
  }
  return d.Finish();
}

TEST(NetflowV5, DecodesRecordsWithSamplingAndUptimeRelativeTimes) {
  Collector c;
  // Mode 01 (deterministic), interval 100.
  const auto out = c.Decode(V5(2, 0x4000 | 100, 2));
  ASSERT_EQ(out.size(), 2u);
  const FlowRecord& r = out[1];
  EXPECT_EQ(r.protocol, FlowProtocol::kNetflowV5);
  EXPECT_EQ(r.exporter, Ip("192.0.2.1"));
  EXPECT_EQ(r.observation_domain, 0x0102u);  // engine type, engine id
  EXPECT_EQ(r.src, Ip("198.51.100.2"));
  EXPECT_EQ(r.dst, Ip("203.0.113.9"));
  EXPECT_EQ(r.src_port, 1234);
  EXPECT_EQ(r.dst_port, 80);
  EXPECT_EQ(r.ip_protocol, 6);
  EXPECT_EQ(r.tcp_flags, 0x12);
  EXPECT_EQ(r.tos, 0x10);
  EXPECT_EQ(r.input_if, 3u);
  EXPECT_EQ(r.output_if, 4u);
  EXPECT_EQ(r.sampling_rate, 100u);
  EXPECT_EQ(r.packets, 1000u);
  EXPECT_EQ(r.bytes, 150'000u);
  // Export at +0.5 s; first switched 10 s before sysUptime, last 1 s before.
  EXPECT_EQ(r.start_ns, kExportNs + kSecond / 2 - 10 * kSecond);
  EXPECT_EQ(r.end_ns, kExportNs + kSecond / 2 - 1 * kSecond);
  EXPECT_EQ(c.stats.v5_datagrams, 1u);
  EXPECT_EQ(c.stats.v5_records, 2u);
}

TEST(NetflowV5, SamplingModeZeroMeansUnsampledAndIntervalZeroIsAbsurd) {
  Collector c;
  EXPECT_EQ(c.Decode(V5(1, 100, 1))[0].sampling_rate, 1u);  // mode bits 00
  EXPECT_EQ(c.stats.absurd_sampling_rate, 0u);
  const auto out = c.Decode(V5(1, 0x8000, 1));  // mode 10, interval 0
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].sampling_rate, 1u);
  EXPECT_EQ(out[0].packets, 10u);
  EXPECT_EQ(c.stats.absurd_sampling_rate, 1u);
}

TEST(NetflowV5, BadCountsAndShortDatagramsAreDropped) {
  Collector c;
  EXPECT_TRUE(c.Decode(V5(0, 0, 0)).empty());
  EXPECT_TRUE(c.Decode(V5(31, 0, 31)).empty());
  EXPECT_EQ(c.stats.v5_bad_count, 2u);
  EXPECT_TRUE(c.Decode(V5(3, 0, 2)).empty());  // count says 3, 2 present
  EXPECT_EQ(c.stats.v5_bad_length, 1u);
  EXPECT_EQ(c.stats.v5_records, 0u);
}

// ---- NetFlow v9 ----

// Template 300: src, dst, ports, protocol, flags, tos, octets, packets, first/last switched,
// interfaces, minimum TTL and one field rampart does not read (3 bytes).
void AddTemplate300(Datagram& d) {
  d.OpenSet(0).Template(300, {{8, 4},
                              {12, 4},
                              {7, 2},
                              {11, 2},
                              {4, 1},
                              {6, 1},
                              {5, 1},
                              {1, 4},
                              {2, 4},
                              {22, 4},
                              {21, 4},
                              {10, 2},
                              {14, 2},
                              {52, 1},
                              {99, 3}});
  d.CloseSet();
}

void AddRecord300(Datagram& d, uint8_t last_octet, uint32_t packets = 5) {
  d.Raw({10, 1, 1, last_octet}).Ip4("198.51.100.7").U16(40000).U16(443).U8(6).U8(0x02).U8(0);
  d.U32(packets * 60).U32(packets).U32(95'000).U32(99'500).U16(7).U16(8).U8(52).U8(1).U16(2);
}

std::vector<uint8_t> Data300(uint32_t source_id, int records, uint32_t packets = 5) {
  Datagram d;
  d.V9Header(static_cast<uint16_t>(records), source_id);
  d.OpenSet(300);
  for (int i = 0; i < records; ++i) {
    AddRecord300(d, static_cast<uint8_t>(i + 1), packets);
  }
  d.Zeros(2).CloseSet();  // padding
  return d.Finish();
}

std::vector<uint8_t> Template300(uint32_t source_id) {
  Datagram d;
  d.V9Header(1, source_id);
  AddTemplate300(d);
  return d.Finish();
}

TEST(NetflowV9, TemplateThenData) {
  Collector c;
  EXPECT_TRUE(c.Decode(Template300(1)).empty());
  EXPECT_EQ(c.stats.templates_learned, 1u);
  const auto out = c.Decode(Data300(1, 2));
  ASSERT_EQ(out.size(), 2u);
  const FlowRecord& r = out[0];
  EXPECT_EQ(r.protocol, FlowProtocol::kNetflowV9);
  EXPECT_EQ(r.observation_domain, 1u);
  EXPECT_EQ(r.src, Ip("10.1.1.1"));
  EXPECT_EQ(r.dst, Ip("198.51.100.7"));
  EXPECT_EQ(r.src_port, 40000);
  EXPECT_EQ(r.dst_port, 443);
  EXPECT_EQ(r.ip_protocol, 6);
  EXPECT_EQ(r.tcp_flags, 0x02);
  EXPECT_EQ(r.packets, 5u);
  EXPECT_EQ(r.bytes, 300u);
  EXPECT_EQ(r.sampling_rate, 1u);
  EXPECT_EQ(r.ttl, 52);
  EXPECT_EQ(r.input_if, 7u);
  EXPECT_EQ(r.output_if, 8u);
  EXPECT_EQ(r.start_ns, kExportNs - 5 * kSecond);  // uptime 100 s, first 95 s
  EXPECT_EQ(r.end_ns, kExportNs - kSecond / 2);    // last 99.5 s
  EXPECT_EQ(out[1].src, Ip("10.1.1.2"));
  EXPECT_EQ(c.stats.v9_datagrams, 2u);
  EXPECT_EQ(c.stats.v9_records, 2u);
  EXPECT_EQ(c.stats.v9_count_mismatch, 0u);
  EXPECT_EQ(c.stats.data_sets_held, 0u);
}

TEST(NetflowV9, TemplatesAreKeyedByExporterAndSourceId) {
  Collector c;
  c.Decode(Template300(1));
  EXPECT_TRUE(c.Decode(Data300(2, 1)).empty());                   // other source id
  EXPECT_TRUE(c.Decode(Data300(1, 1), 0, "192.0.2.99").empty());  // other exporter
  EXPECT_EQ(c.stats.data_sets_held, 2u);
  EXPECT_EQ(c.Decode(Data300(1, 1)).size(), 1u);
}

TEST(NetflowV9, DataBeforeTemplateIsHeldThenDecoded) {
  Collector c;
  EXPECT_TRUE(c.Decode(Data300(1, 3), 1 * kSecond).empty());
  EXPECT_EQ(c.stats.data_sets_held, 1u);
  EXPECT_EQ(c.decoder.held_sets(), 1u);
  const auto out = c.Decode(Template300(1), 2 * kSecond);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[2].src, Ip("10.1.1.3"));
  EXPECT_EQ(out[0].start_ns, kExportNs - 5 * kSecond);  // the held datagram's own header
  EXPECT_EQ(c.stats.held_sets_decoded, 1u);
  EXPECT_EQ(c.stats.held_records_decoded, 3u);
  EXPECT_EQ(c.decoder.held_sets(), 0u);
  EXPECT_EQ(c.decoder.held_bytes(), 0u);
}

TEST(NetflowV9, DataBeforeTemplateInTheSameDatagram) {
  Collector c;
  Datagram d;
  d.V9Header(2, 1);
  d.OpenSet(300);
  AddRecord300(d, 9);
  d.CloseSet();
  AddTemplate300(d);
  const auto out = c.Decode(d.Finish());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].src, Ip("10.1.1.9"));
  EXPECT_EQ(c.stats.data_sets_held, 1u);
  EXPECT_EQ(c.stats.held_sets_decoded, 1u);
}

TEST(NetflowV9, ReplacedTemplateDecodesWithTheNewLayout) {
  Collector c;
  c.Decode(Template300(1));
  c.Decode(Template300(1));  // the same again: a refresh
  EXPECT_EQ(c.stats.templates_learned, 1u);
  EXPECT_EQ(c.stats.templates_replaced, 0u);
  Datagram t;
  t.V9Header(1, 1);
  t.OpenSet(0).Template(300, {{12, 4}, {8, 4}, {2, 4}}).CloseSet();
  c.Decode(t.Finish());
  EXPECT_EQ(c.stats.templates_replaced, 1u);
  Datagram d;
  d.V9Header(1, 1).OpenSet(300).Ip4("198.51.100.1").Ip4("10.9.9.9").U32(3).CloseSet();
  const auto out = c.Decode(d.Finish());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].src, Ip("10.9.9.9"));
  EXPECT_EQ(out[0].dst, Ip("198.51.100.1"));
  EXPECT_EQ(out[0].packets, 3u);
  EXPECT_EQ(out[0].start_ns, kExportNs);  // no times exported: the export time
}

TEST(NetflowV9, CountMismatchIsCountedAndTheSetsDecodedAnyway) {
  Collector c;
  c.Decode(Template300(1));
  auto bytes = Data300(1, 2);
  bytes[3] = 7;  // header count
  EXPECT_EQ(c.Decode(bytes).size(), 2u);
  EXPECT_EQ(c.stats.v9_count_mismatch, 1u);
}

// Options template 310: scope System (4 bytes), then sampler id (48, 1 byte) and
// samplerRandomInterval (50, 4 bytes); or, with `with_sampler` false, samplingInterval (34) only.
std::vector<uint8_t> OptionsTemplate(uint32_t source_id, bool with_sampler) {
  Datagram d;
  d.V9Header(1, source_id).OpenSet(1).U16(310).U16(4);
  if (with_sampler) {
    d.U16(8).U16(1).U16(4).U16(48).U16(1).U16(50).U16(4);
  } else {
    d.U16(4).U16(1).U16(4).U16(34).U16(4);
  }
  d.Zeros(2).CloseSet();
  return d.Finish();
}

TEST(NetflowV9, ExporterWideRateFromOptionsData) {
  Collector c;
  c.Decode(Template300(1));
  c.Decode(OptionsTemplate(1, false));
  EXPECT_EQ(c.stats.options_templates, 1u);
  Datagram o;
  o.V9Header(1, 1).OpenSet(310).U32(0).U32(512).CloseSet();
  c.Decode(o.Finish());
  EXPECT_EQ(c.stats.options_records, 1u);
  const auto out = c.Decode(Data300(1, 1));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].sampling_rate, 512u);
  EXPECT_EQ(out[0].packets, 5u * 512);
  EXPECT_EQ(out[0].bytes, 300u * 512);
  // Another source id of the same exporter has no rate.
  c.Decode(Template300(2));
  EXPECT_EQ(c.Decode(Data300(2, 1))[0].sampling_rate, 1u);
}

TEST(NetflowV9, PerSamplerRates) {
  Collector c;
  c.Decode(OptionsTemplate(1, true));
  Datagram o;
  o.V9Header(3, 1).OpenSet(310);
  o.U32(0).U8(1).U32(2000);
  o.U32(0).U8(2).U32(4000);
  o.U32(0).U8(3).U32(0);  // absurd
  o.CloseSet();
  c.Decode(o.Finish());
  EXPECT_EQ(c.stats.options_records, 3u);
  Datagram t;
  t.V9Header(1, 1).OpenSet(0).Template(301, {{8, 4}, {12, 4}, {2, 4}, {48, 1}}).CloseSet();
  c.Decode(t.Finish());
  Datagram d;
  d.V9Header(4, 1).OpenSet(301);
  for (uint8_t sampler = 1; sampler <= 4; ++sampler) {
    d.Ip4("10.0.0.1").Ip4("10.0.0.2").U32(3).U8(sampler);
  }
  d.CloseSet();
  const auto out = c.Decode(d.Finish());
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[0].sampling_rate, 2000u);
  EXPECT_EQ(out[0].packets, 6000u);
  EXPECT_EQ(out[1].sampling_rate, 4000u);
  EXPECT_EQ(out[2].sampling_rate, 1u);  // rate 0: kept, counted
  EXPECT_EQ(out[2].packets, 3u);
  EXPECT_EQ(c.stats.absurd_sampling_rate, 1u);
  EXPECT_EQ(out[3].sampling_rate, 1u);  // sampler 4 never described
  EXPECT_EQ(c.stats.sampler_unknown, 1u);
}

TEST(NetflowV9, RateInTheRecordWinsAndAbsurdRatesAreCounted) {
  Collector c;
  Datagram t;
  t.V9Header(1, 1).OpenSet(0).Template(302, {{8, 4}, {12, 4}, {2, 4}, {34, 4}}).CloseSet();
  c.Decode(t.Finish());
  Datagram d;
  d.V9Header(2, 1).OpenSet(302);
  d.Ip4("10.0.0.1").Ip4("10.0.0.2").U32(2).U32(10);
  d.Ip4("10.0.0.1").Ip4("10.0.0.2").U32(2).U32(2'000'000);
  d.CloseSet();
  const auto out = c.Decode(d.Finish());
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].sampling_rate, 10u);
  EXPECT_EQ(out[0].packets, 20u);
  EXPECT_EQ(out[1].sampling_rate, 1u);
  EXPECT_EQ(c.stats.absurd_sampling_rate, 1u);
}

TEST(NetflowV9, IcmpTypeAndCodeGoToTheDestinationPort) {
  Collector c;
  Datagram t;
  t.V9Header(1, 1).OpenSet(0).Template(303, {{8, 4}, {12, 4}, {4, 1}, {11, 2}, {32, 2}});
  t.CloseSet();
  c.Decode(t.Finish());
  Datagram d;
  d.V9Header(2, 1).OpenSet(303);
  d.Ip4("10.0.0.1").Ip4("10.0.0.2").U8(1).U16(1234).U16(0x0303);  // ICMP: field 32 wins
  d.Ip4("10.0.0.1").Ip4("10.0.0.2").U8(17).U16(53).U16(0x0800);   // UDP: the port stays
  d.CloseSet();
  const auto out = c.Decode(d.Finish());
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].dst_port, 0x0303);
  EXPECT_EQ(out[1].dst_port, 53);
}

TEST(NetflowV9, RecordsWithoutAddressesAreCountedNotEmitted) {
  Collector c;
  Datagram d;
  d.V9Header(2, 1).OpenSet(0).Template(304, {{1, 4}, {2, 4}}).CloseSet();
  d.OpenSet(304).U32(100).U32(1).CloseSet();
  EXPECT_TRUE(c.Decode(d.Finish()).empty());
  EXPECT_EQ(c.stats.records_without_address, 1u);
}

// ---- IPFIX ----

TEST(Ipfix, VariableLengthAndEnterpriseFieldsAreSkipped) {
  Collector c;
  Datagram d;
  d.IpfixHeader(77).OpenSet(2).U16(400).U16(11);
  d.U16(8).U16(4).U16(12).U16(4);
  d.U16(0x8000 | 100).U16(4).U32(9);      // enterprise, fixed
  d.U16(82).U16(65535);                   // interfaceName, variable
  d.U16(0x8000 | 200).U16(65535).U32(9);  // enterprise, variable
  d.U16(7).U16(2).U16(11).U16(2).U16(4).U16(1);
  d.U16(152).U16(8).U16(153).U16(8).U16(2).U16(8);
  d.CloseSet();
  d.OpenSet(400);
  // Record 1: 3-byte name, 300-byte enterprise value (255 + 2-byte length).
  d.Ip4("10.2.0.1").Ip4("10.2.0.2").U32(0xdeadbeef).U8(3).Raw({'e', 't', 'h'});
  d.U8(255).U16(300).Zeros(300);
  d.U16(5353)
      .U16(53)
      .U8(17)
      .U64(uint64_t{kExportSecs} * 1000 - 1500)
      .U64(uint64_t{kExportSecs} * 1000 - 250);
  d.U64(9);
  // Record 2: both variable fields empty.
  d.Ip4("10.2.0.3").Ip4("10.2.0.4").U32(0).U8(0).U8(0);
  d.U16(1).U16(2).U8(6).U64(0).U64(0).U64(1);
  d.CloseSet();
  const auto out = c.Decode(d.Finish());
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].protocol, FlowProtocol::kIpfix);
  EXPECT_EQ(out[0].observation_domain, 77u);
  EXPECT_EQ(out[0].src, Ip("10.2.0.1"));
  EXPECT_EQ(out[0].src_port, 5353);
  EXPECT_EQ(out[0].dst_port, 53);
  EXPECT_EQ(out[0].ip_protocol, 17);
  EXPECT_EQ(out[0].packets, 9u);
  EXPECT_EQ(out[0].start_ns, kExportNs - 1500 * 1'000'000);
  EXPECT_EQ(out[0].end_ns, kExportNs - 250 * 1'000'000);
  EXPECT_EQ(out[1].src, Ip("10.2.0.3"));
  EXPECT_EQ(out[1].start_ns, kExportNs);  // zero times are not times
  EXPECT_EQ(c.stats.enterprise_fields, 2u);
  EXPECT_EQ(c.stats.variable_length_fields, 2u);
  EXPECT_EQ(c.stats.ipfix_records, 2u);
}

TEST(Ipfix, Ipv6AndTheOtherTimeEncodings) {
  Collector c;
  Datagram d;
  d.IpfixHeader(1).OpenSet(2);
  d.Template(401, {{27, 16}, {28, 16}, {4, 1}, {139, 2}, {154, 8}, {157, 8}, {2, 4}});
  d.Template(402, {{8, 4}, {12, 4}, {150, 4}, {159, 4}});
  d.CloseSet();
  constexpr uint64_t kNtp = uint64_t{kExportSecs} + 2'208'988'800;
  d.OpenSet(401).Ip6("2001:db8::1").Ip6("2001:db8::2").U8(58).U16(0x8000);
  d.U64(kNtp << 32 | 0x80000000u).U64((kNtp + 1) << 32).U32(4).CloseSet();
  d.OpenSet(402).Ip4("10.0.0.1").Ip4("10.0.0.2").U32(kExportSecs - 30).U32(2'000'000);
  d.CloseSet();
  const auto out = c.Decode(d.Finish());
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].src, Ip("2001:db8::1"));
  EXPECT_EQ(out[0].dst, Ip("2001:db8::2"));
  EXPECT_EQ(out[0].dst_port, 0x8000);  // ICMPv6 echo request
  EXPECT_EQ(out[0].start_ns, kExportNs + kSecond / 2);
  EXPECT_EQ(out[0].end_ns, kExportNs + kSecond);
  EXPECT_EQ(out[1].start_ns, kExportNs - 30 * kSecond);
  EXPECT_EQ(out[1].end_ns, kExportNs - 2 * kSecond);  // flowEndDeltaMicroseconds
}

TEST(Ipfix, PacketIntervalAndSpaceGiveTheRate) {
  Collector c;
  Datagram d;
  d.IpfixHeader(1).OpenSet(2).Template(403, {{8, 4}, {12, 4}, {2, 4}, {305, 4}, {306, 4}});
  d.CloseSet();
  d.OpenSet(403).Ip4("10.0.0.1").Ip4("10.0.0.2").U32(7).U32(1).U32(99).CloseSet();
  const auto out = c.Decode(d.Finish());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].sampling_rate, 100u);
  EXPECT_EQ(out[0].packets, 700u);
}

TEST(Ipfix, WithdrawalRemovesTemplates) {
  Collector c;
  Datagram t;
  t.IpfixHeader(5).OpenSet(2).Template(410, {{8, 4}, {12, 4}}).Template(411, {{8, 4}, {12, 4}});
  t.CloseSet();
  c.Decode(t.Finish());
  EXPECT_EQ(c.decoder.templates(), 2u);
  Datagram w;
  w.IpfixHeader(5).OpenSet(2).U16(410).U16(0).U16(999).U16(0).CloseSet();
  c.Decode(w.Finish());
  EXPECT_EQ(c.stats.templates_withdrawn, 1u);
  EXPECT_EQ(c.stats.template_withdraw_unknown, 1u);
  Datagram d;
  d.IpfixHeader(5).OpenSet(410).Ip4("10.0.0.1").Ip4("10.0.0.2").CloseSet();
  EXPECT_TRUE(c.Decode(d.Finish()).empty());
  EXPECT_EQ(c.stats.data_sets_held, 1u);
  Datagram all;
  all.IpfixHeader(5).OpenSet(2).U16(2).U16(0).CloseSet();  // withdraw every template
  c.Decode(all.Finish());
  EXPECT_EQ(c.stats.templates_withdrawn, 2u);
  EXPECT_EQ(c.decoder.templates(), 0u);
}

TEST(Ipfix, BiflowReverseDirectionBecomesARecord) {
  Collector c;
  Datagram d;
  d.IpfixHeader(1).OpenSet(2).U16(420).U16(8);
  d.U16(8).U16(4).U16(12).U16(4).U16(7).U16(2).U16(11).U16(2).U16(4).U16(1).U16(2).U16(4);
  d.U16(0x8000 | 2).U16(4).U32(29305).U16(0x8000 | 1).U16(4).U32(29305);
  d.CloseSet();
  d.OpenSet(420).Ip4("10.0.0.1").Ip4("10.0.0.2").U16(5000).U16(53).U8(17).U32(1);
  d.U32(1).U32(512).CloseSet();
  const auto out = c.Decode(d.Finish());
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1].src, Ip("10.0.0.2"));
  EXPECT_EQ(out[1].dst, Ip("10.0.0.1"));
  EXPECT_EQ(out[1].src_port, 53);
  EXPECT_EQ(out[1].dst_port, 5000);
  EXPECT_EQ(out[1].packets, 1u);
  EXPECT_EQ(out[1].bytes, 512u);
  EXPECT_EQ(c.stats.ipfix_biflow_reverse_records, 1u);
}

TEST(Ipfix, OptionsTemplateScopeIsReadAndSelectorRatesApply) {
  Collector c;
  Datagram d;
  // Options template 430: scope selectorId (302), then samplingPacketInterval/Space.
  d.IpfixHeader(1).OpenSet(3).U16(430).U16(3).U16(1);
  d.U16(302).U16(2).U16(305).U16(4).U16(306).U16(4).Zeros(2).CloseSet();
  d.OpenSet(430).U16(7).U32(1).U32(9).CloseSet();
  d.OpenSet(2).Template(431, {{8, 4}, {12, 4}, {2, 4}, {302, 2}}).CloseSet();
  d.OpenSet(431).Ip4("10.0.0.1").Ip4("10.0.0.2").U32(4).U16(7).CloseSet();
  const auto out = c.Decode(d.Finish());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].sampling_rate, 10u);
  EXPECT_EQ(out[0].packets, 40u);
  EXPECT_EQ(c.stats.options_templates, 1u);
  EXPECT_EQ(c.stats.options_records, 1u);
}

TEST(Ipfix, PacketSectionsAreDecodedAsPacketSamples) {
  Collector c;
  Datagram d;
  d.IpfixHeader(1).OpenSet(2);
  d.Template(450, {{10, 4}, {312, 2}, {315, 65535}});
  d.Template(451, {{313, 60}});
  d.CloseSet();
  d.OpenSet(450);
  // Ethernet, IPv4 (TTL 61, UDP), UDP 5000 -> 53: 42 bytes captured of a 60-byte frame.
  d.U32(7).U16(60).U8(42);
  d.Raw({2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x08, 0x00});
  d.Raw({0x45, 0, 0, 28, 0, 1, 0, 0, 61, 17, 0, 0}).Ip4("10.5.0.1").Ip4("10.5.0.2");
  d.U16(5000).U16(53).U16(8).U16(0);
  // Not IP: an ARP frame.
  d.U32(7).U16(60).U8(14).Raw({2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x08, 0x06});
  d.CloseSet();
  // IPv6 + TCP SYN, from the IP header on.
  d.OpenSet(451).Raw({0x60, 0, 0, 0, 0, 20, 6, 64}).Ip6("2001:db8::a").Ip6("2001:db8::b");
  d.U16(443).U16(80).U32(1).U32(0).U8(0x50).U8(0x02).U16(1024).U32(0).CloseSet();
  const auto out = c.Decode(d.Finish());
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].src, Ip("10.5.0.1"));
  EXPECT_EQ(out[0].dst, Ip("10.5.0.2"));
  EXPECT_EQ(out[0].src_port, 5000);
  EXPECT_EQ(out[0].dst_port, 53);
  EXPECT_EQ(out[0].ip_protocol, 17);
  EXPECT_EQ(out[0].ttl, 61);
  EXPECT_EQ(out[0].input_if, 7u);
  EXPECT_EQ(out[0].packets, 1u);
  EXPECT_EQ(out[0].bytes, 60u);  // dataLinkFrameSize
  EXPECT_EQ(out[0].packet_size, 60);
  EXPECT_EQ(out[1].src, Ip("2001:db8::a"));
  EXPECT_EQ(out[1].ip_protocol, 6);
  EXPECT_EQ(out[1].src_port, 443);
  EXPECT_EQ(out[1].tcp_flags, 0x02);
  EXPECT_EQ(out[1].ttl, 64);
  EXPECT_EQ(out[1].bytes, 60u);  // no frame size: the section's length
  EXPECT_EQ(c.stats.packet_sections, 2u);
  EXPECT_EQ(c.stats.packet_section_not_ip, 1u);
  EXPECT_EQ(c.stats.records_without_address, 1u);
}

TEST(Ipfix, MessageLengthIsChecked) {
  Collector c;
  Datagram d;
  d.IpfixHeader(1).OpenSet(2).Template(440, {{8, 4}, {12, 4}}).CloseSet();
  std::vector<uint8_t> bytes = d.Finish();
  bytes.push_back(0);  // one byte past the message
  c.Decode(bytes);
  EXPECT_EQ(c.stats.ipfix_trailing_bytes, 1u);
  EXPECT_EQ(c.stats.templates_learned, 1u);
  bytes.pop_back();
  bytes.pop_back();  // the message now claims one byte more than the datagram has
  c.Decode(bytes);
  EXPECT_EQ(c.stats.ipfix_bad_length, 1u);
}

TEST(Netflow, OtherVersionsAreCountedAsBadVersion) {
  Collector c;
  const std::vector<uint8_t> sflow = {0, 0, 0, 5, 0, 0, 0, 1};
  EXPECT_TRUE(c.Decode(sflow).empty());
  const std::vector<uint8_t> v7 = {0, 7, 0, 0};
  c.Decode(v7);
  EXPECT_EQ(c.stats.bad_version, 2u);
  c.Decode({});
  c.Decode({0});
  EXPECT_EQ(c.stats.datagram_too_short, 2u);
}

TEST(Netflow, EveryCounterHasAName) {
  FlowDecodeStats stats;
  stats.v9_records = 3;
  size_t named = 0;
  uint64_t v9 = 0;
  stats.ForEach([&](std::string_view name, uint64_t value) {
    EXPECT_FALSE(name.empty());
    ++named;
    if (name == "netflow_v9.records") {
      v9 = value;
    }
  });
  EXPECT_GT(named, 40u);
  EXPECT_EQ(v9, 3u);
  FlowDecodeStats sum;
  sum.Merge(stats);
  sum.Merge(stats);
  EXPECT_EQ(sum.v9_records, 6u);
  EXPECT_EQ(FlowProtocolName(FlowProtocol::kIpfix), "ipfix");
  EXPECT_EQ(FlowProtocolName(FlowProtocol::kNetflowV9), "netflow_v9");
}

}  // namespace
}  // namespace rampart::flow
