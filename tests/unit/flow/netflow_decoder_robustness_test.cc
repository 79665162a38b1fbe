// NetflowDecoder on hostile input: every truncation, absurd counts and lengths, and the bounds of
// everything it keeps (held data, templates, records per datagram).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "flow/netflow_decoder.h"
#include "netflow_test_util.h"

namespace rampart::flow {
namespace {

using test::Collector;
using test::Datagram;
using test::kSecond;

//! Counters that say a datagram was damaged or cut.
uint64_t Anomalies(const FlowDecodeStats& s) {
  return s.datagram_too_short + s.bad_version + s.v5_bad_count + s.v5_bad_length +
         s.v9_count_mismatch + s.ipfix_bad_length + s.set_too_short + s.set_beyond_datagram +
         s.template_truncated + s.record_truncated;
}

std::vector<uint8_t> V9TemplateAndData() {
  Datagram d;
  d.V9Header(3, 1);
  d.OpenSet(0).Template(300, {{8, 4}, {12, 4}, {7, 2}, {11, 2}, {4, 1}, {2, 4}, {1, 4}});
  d.CloseSet();
  d.OpenSet(300);
  for (uint8_t i = 1; i <= 2; ++i) {
    d.Raw({10, 0, 0, i}).Ip4("10.0.1.1").U16(1).U16(2).U8(17).U32(3).U32(300);
  }
  d.Zeros(3).CloseSet();
  return d.Finish();
}

std::vector<uint8_t> IpfixWithVariableFields() {
  Datagram d;
  d.IpfixHeader(9).OpenSet(2).U16(400).U16(4);
  d.U16(8).U16(4).U16(12).U16(4).U16(82).U16(65535).U16(0x8000 | 5).U16(65535).U32(3);
  d.CloseSet();
  d.OpenSet(3).U16(401).U16(2).U16(1).U16(302).U16(2).U16(34).U16(4).CloseSet();
  d.OpenSet(401).U16(1).U32(100).CloseSet();
  d.OpenSet(400);
  d.Ip4("10.0.0.1").Ip4("10.0.0.2").U8(2).Raw({'a', 'b'}).U8(255).U16(4).Raw({1, 2, 3, 4});
  d.Ip4("10.0.0.3").Ip4("10.0.0.4").U8(0).U8(1).U8(7);
  d.CloseSet();
  return d.Finish();
}

std::vector<uint8_t> V5Two() {
  Datagram d;
  d.U16(5).U16(2).U32(1000).U32(test::kExportSecs).U32(0).U32(0).U16(0).U16(0);
  for (int i = 0; i < 2; ++i) {
    d.Ip4("10.0.0.1").Ip4("10.0.0.2").Zeros(40);
  }
  return d.Finish();
}

TEST(NetflowRobustness, EveryTruncationIsCountedAndNeverCrashes) {
  const std::vector<std::vector<uint8_t>> datagrams = {V5Two(), V9TemplateAndData(),
                                                       IpfixWithVariableFields()};
  for (size_t which = 0; which < datagrams.size(); ++which) {
    const std::vector<uint8_t>& full = datagrams[which];
    Collector reference;
    const size_t records = reference.Decode(full).size();
    ASSERT_GT(records, 0u) << which;
    ASSERT_EQ(Anomalies(reference.stats), 0u) << which;
    for (size_t len = 0; len < full.size(); ++len) {
      // Copied so that ASan sees a read past the cut.
      const std::vector<uint8_t> cut(full.begin(), full.begin() + static_cast<long>(len));
      Collector c;
      const size_t got = c.Decode(cut).size();
      EXPECT_LE(got, records) << which << " len " << len;
      EXPECT_GT(Anomalies(c.stats), 0u) << which << " len " << len;
      for (const FlowRecord& r : c.all) {
        EXPECT_GE(r.sampling_rate, 1u);
      }
    }
  }
}

TEST(NetflowRobustness, AbsurdLengthsAndCounts) {
  Collector c;
  Datagram huge_set;
  huge_set.V9Header(1, 1).U16(300).U16(0xffff).U32(0);
  c.Decode(huge_set.Finish());
  EXPECT_EQ(c.stats.set_beyond_datagram, 1u);

  Datagram tiny_set;
  tiny_set.V9Header(1, 1).U16(300).U16(2).U32(1);
  c.Decode(tiny_set.Finish());
  EXPECT_EQ(c.stats.set_too_short, 1u);

  Datagram many_fields;
  many_fields.V9Header(1, 1).OpenSet(0).U16(300).U16(0xffff).U32(0).CloseSet();
  c.Decode(many_fields.Finish());
  EXPECT_EQ(c.stats.template_field_count_absurd, 1u);

  Datagram claims_more;
  claims_more.V9Header(1, 1).OpenSet(0).U16(300).U16(10).U16(8).U16(4).CloseSet();
  c.Decode(claims_more.Finish());
  EXPECT_EQ(c.stats.template_truncated, 1u);

  Datagram bad_id;
  bad_id.V9Header(1, 1).OpenSet(0).Template(17, {{8, 4}}).CloseSet();
  c.Decode(bad_id.Finish());
  EXPECT_EQ(c.stats.template_bad_id, 1u);

  // Records longer than any set can hold.
  Datagram too_long;
  too_long.V9Header(1, 1).OpenSet(0).Template(301, {{8, 4}, {200, 40000}, {201, 40000}});
  too_long.CloseSet();
  c.Decode(too_long.Finish());
  EXPECT_EQ(c.stats.template_too_long, 1u);

  // Records of no bytes at all would never advance.
  Datagram empty_record;
  empty_record.V9Header(2, 1).OpenSet(0).Template(302, {{8, 0}, {12, 0}}).CloseSet();
  empty_record.OpenSet(302).Zeros(8).CloseSet();
  c.Decode(empty_record.Finish());
  EXPECT_EQ(c.stats.template_zero_length, 1u);
  EXPECT_EQ(c.stats.data_sets_held, 1u);

  // A known element with a length it cannot have is read as unknown.
  Datagram odd;
  odd.V9Header(2, 1).OpenSet(0).Template(303, {{8, 2}, {12, 4}, {2, 16}}).CloseSet();
  odd.OpenSet(303).U16(1).Ip4("10.0.0.2").Zeros(16).CloseSet();
  const auto out = c.Decode(odd.Finish());
  EXPECT_EQ(c.stats.template_field_bad_length, 2u);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_FALSE(out[0].src.IsSet());
  EXPECT_EQ(out[0].packets, 0u);

  Datagram ipfix_zero;
  ipfix_zero.U16(10).U16(0).U32(0).U32(0).U32(0);
  c.Decode(ipfix_zero.Finish());
  EXPECT_EQ(c.stats.ipfix_bad_length, 1u);

  Datagram reserved;
  reserved.V9Header(1, 1).OpenSet(7).U32(0).CloseSet();
  c.Decode(reserved.Finish());
  EXPECT_EQ(c.stats.set_reserved_id, 1u);

  // A variable-length field that runs past its set.
  Datagram var;
  var.IpfixHeader(1).OpenSet(2).U16(404).U16(2).U16(8).U16(4).U16(82).U16(65535).CloseSet();
  var.OpenSet(404).Ip4("10.0.0.1").U8(255).U16(1000).Zeros(10).CloseSet();
  c.Decode(var.Finish());
  EXPECT_EQ(c.stats.record_truncated, 1u);
}

TEST(NetflowRobustness, HeldSetsAreCappedByCountAndBytes) {
  NetflowLimits limits = Collector::WithSeed();
  limits.max_held_sets = 4;
  limits.max_held_bytes = 1000;
  Collector c(limits);
  for (uint16_t id = 256; id < 262; ++id) {
    Datagram d;
    d.V9Header(1, 1).OpenSet(id).Zeros(100).CloseSet();
    c.Decode(d.Finish(), id * kSecond / 1000);
  }
  EXPECT_EQ(c.stats.data_sets_held, 6u);
  EXPECT_EQ(c.stats.held_sets_dropped_cap, 2u);
  EXPECT_EQ(c.decoder.held_sets(), 4u);
  EXPECT_EQ(c.decoder.held_bytes(), 400u);
  // 700 more bytes push out one more 100-byte set (400 - 100 + 700 = the 1000-byte budget).
  Datagram big;
  big.V9Header(1, 1).OpenSet(300).Zeros(700).CloseSet();
  c.Decode(big.Finish());
  EXPECT_EQ(c.decoder.held_sets(), 4u);
  EXPECT_EQ(c.decoder.held_bytes(), 1000u);
  EXPECT_EQ(c.stats.held_sets_dropped_cap, 3u);
  // A set bigger than the whole budget is dropped on arrival.
  Datagram huge;
  huge.V9Header(1, 1).OpenSet(301).Zeros(1200).CloseSet();
  c.Decode(huge.Finish());
  EXPECT_EQ(c.stats.held_sets_dropped_cap, 4u);
  EXPECT_EQ(c.decoder.held_sets(), 4u);
  EXPECT_LE(c.decoder.held_bytes(), limits.max_held_bytes);
  // The oldest went first: the template of set 256 finds nothing, that of 300 its set.
  Datagram t;
  t.V9Header(2, 1).OpenSet(0).Template(256, {{8, 4}}).Template(300, {{8, 4}}).CloseSet();
  c.Decode(t.Finish());
  EXPECT_EQ(c.stats.held_sets_decoded, 1u);
  EXPECT_EQ(c.stats.held_records_decoded, 175u);  // 700 bytes of 4-byte zero addresses
}

TEST(NetflowRobustness, HeldSetsExpireAfterTheHoldTime) {
  Collector c;
  Datagram d;
  d.V9Header(1, 1).OpenSet(300).Ip4("10.0.0.1").CloseSet();
  c.Decode(d.Finish(), 100 * kSecond);
  EXPECT_EQ(c.decoder.held_sets(), 1u);
  c.decoder.ExpireHeld(105 * kSecond, c.stats);
  EXPECT_EQ(c.decoder.held_sets(), 1u);
  Datagram t;
  t.V9Header(1, 1).OpenSet(0).Template(300, {{8, 4}}).CloseSet();
  EXPECT_TRUE(c.Decode(t.Finish(), 111 * kSecond).empty());  // expired on arrival
  EXPECT_EQ(c.stats.held_sets_expired, 1u);
  EXPECT_EQ(c.stats.held_sets_decoded, 0u);
  EXPECT_EQ(c.decoder.held_bytes(), 0u);
  // Time going backwards never expires anything.
  c.Decode(d.Finish(), 200 * kSecond);
  EXPECT_EQ(c.decoder.held_sets(), 0u);  // template known now: decoded at once
  Datagram other;
  other.V9Header(1, 1).OpenSet(301).Ip4("10.0.0.1").CloseSet();
  c.Decode(other.Finish(), 300 * kSecond);
  c.decoder.ExpireHeld(-5 * kSecond, c.stats);
  EXPECT_EQ(c.decoder.held_sets(), 1u);
}

std::vector<uint8_t> TemplateDatagram(uint16_t id) {
  Datagram d;
  d.V9Header(1, 1).OpenSet(0).Template(id, {{8, 4}, {12, 4}}).CloseSet();
  return d.Finish();
}

std::vector<uint8_t> DataDatagram(uint16_t id) {
  Datagram d;
  d.V9Header(1, 1).OpenSet(id).Ip4("10.0.0.1").Ip4("10.0.0.2").CloseSet();
  return d.Finish();
}

TEST(NetflowRobustness, TemplateTableIsCappedAndEvictsTheLeastRecentlyUsed) {
  NetflowLimits limits = Collector::WithSeed();
  limits.max_templates = 8;
  Collector c(limits);
  for (uint16_t id = 256; id < 264; ++id) {
    c.Decode(TemplateDatagram(id));
  }
  EXPECT_EQ(c.decoder.templates(), 8u);
  EXPECT_EQ(c.stats.template_table_full, 0u);
  c.Decode(TemplateDatagram(264));  // evicts 256 (every entry was equally recent)
  EXPECT_EQ(c.stats.template_table_full, 1u);
  EXPECT_EQ(c.Decode(DataDatagram(257)).size(), 1u);  // 257 used: survives the next eviction
  c.Decode(TemplateDatagram(265));
  EXPECT_EQ(c.decoder.templates(), 8u);
  EXPECT_EQ(c.Decode(DataDatagram(257)).size(), 1u);
  EXPECT_TRUE(c.Decode(DataDatagram(258)).empty());  // evicted instead
  EXPECT_TRUE(c.Decode(DataDatagram(256)).empty());
  for (uint16_t id = 1000; id < 1100; ++id) {
    c.Decode(TemplateDatagram(id));
  }
  EXPECT_EQ(c.decoder.templates(), 8u);
  EXPECT_EQ(c.stats.template_table_full, 102u);
}

TEST(NetflowRobustness, RecordsPerDatagramAreCapped) {
  NetflowLimits limits = Collector::WithSeed();
  limits.max_records_per_datagram = 5;
  Collector c(limits);
  Datagram d;
  d.V9Header(11, 1).OpenSet(0).Template(300, {{8, 4}}).CloseSet().OpenSet(300);
  for (int i = 0; i < 10; ++i) {
    d.Ip4("10.0.0.1");
  }
  d.CloseSet();
  EXPECT_EQ(c.Decode(d.Finish()).size(), 5u);
  EXPECT_EQ(c.stats.records_over_cap, 5u);
  EXPECT_EQ(c.stats.v9_records, 5u);
}

TEST(NetflowRobustness, OptionsTableIsCapped) {
  NetflowLimits limits = Collector::WithSeed();
  limits.max_options_entries = 4;
  Collector c(limits);
  Datagram d;
  d.IpfixHeader(1).OpenSet(3).U16(500).U16(2).U16(1).U16(302).U16(4).U16(34).U16(4).CloseSet();
  d.OpenSet(500);
  for (uint32_t sampler = 0; sampler < 10; ++sampler) {
    d.U32(sampler).U32(100);
  }
  d.CloseSet();
  c.Decode(d.Finish());
  EXPECT_EQ(c.stats.options_records, 10u);
  EXPECT_EQ(c.stats.options_table_full, 6u);
}

}  // namespace
}  // namespace rampart::flow
