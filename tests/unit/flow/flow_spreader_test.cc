// Flow records into weighted per-second records, in time order, totals kept exactly.
#include <gtest/gtest.h>

#include <vector>

#include "flow/flow_spreader.h"

namespace rampart::flow {
namespace {

constexpr TimestampNs kSecond = 1'000'000'000;

FlowRecord Flow(TimestampNs start, TimestampNs end, uint64_t packets, uint64_t bytes) {
  FlowRecord r;
  r.src = *IpAddress::Parse("203.0.113.5");
  r.dst = *IpAddress::Parse("198.51.100.10");
  r.ip_protocol = 6;
  r.tcp_flags = 0x02;
  r.src_port = 40000;
  r.dst_port = 80;
  r.start_ns = start;
  r.end_ns = end;
  r.packets = packets;
  r.bytes = bytes;
  return r;
}

TEST(FlowSpreader, SpreadsOverTheFlowsSecondsAndKeepsTotals) {
  FlowSpreader spreader;
  spreader.Add(Flow(100 * kSecond, 109 * kSecond, 1003, 1'000'007), 130 * kSecond);
  std::vector<PacketMeta> out;
  spreader.Flush([&](const PacketMeta& m) { out.push_back(m); });
  ASSERT_EQ(out.size(), 10u);
  uint64_t packets = 0;
  uint64_t bytes = 0;
  for (size_t i = 0; i < out.size(); ++i) {
    EXPECT_EQ(out[i].ts_ns, (100 + static_cast<TimestampNs>(i)) * kSecond);
    EXPECT_TRUE(out[i].Has(meta_flag::kHasPorts));
    EXPECT_EQ(out[i].dst_port, 80);
    packets += out[i].flow_weight;
    bytes += out[i].flow_bytes;
  }
  EXPECT_EQ(packets, 1003u);
  EXPECT_EQ(bytes, 1'000'007u);
  // Each chunk's mean packet size stands in for its packets' length.
  EXPECT_EQ(out[0].wire_len, out[0].flow_bytes / out[0].flow_weight);
}

TEST(FlowSpreader, ReleasesInTimeOrderBehindTheWatermark) {
  FlowSpreader::Options options;
  options.lag_ns = 10 * kSecond;
  FlowSpreader spreader(options);
  spreader.Add(Flow(100 * kSecond, 101 * kSecond, 2, 200), 120 * kSecond);
  spreader.Add(Flow(95 * kSecond, 95 * kSecond, 1, 100), 121 * kSecond);
  std::vector<TimestampNs> times;
  const auto emit = [&](const PacketMeta& m) { times.push_back(m.ts_ns); };
  spreader.Release(104 * kSecond, emit);  // watermark 94 s: nothing yet
  EXPECT_TRUE(times.empty());
  spreader.Release(111 * kSecond, emit);  // watermark 101 s: all three, in order
  EXPECT_EQ(times, (std::vector<TimestampNs>{95 * kSecond, 100 * kSecond, 101 * kSecond}));
  // A flow older than what went out already is moved up to it, never back in time.
  spreader.Add(Flow(90 * kSecond, 90 * kSecond, 1, 60), 125 * kSecond);
  spreader.Flush(emit);
  EXPECT_EQ(times.back(), 101 * kSecond);
  EXPECT_EQ(spreader.stats().late_chunks, 1u);
}

TEST(FlowSpreader, BoundedHeldChunks) {
  FlowSpreader::Options options;
  options.max_chunks = 100;
  FlowSpreader spreader(options);
  uint64_t packets = 0;
  const auto count = [&](const PacketMeta& m) { packets += m.flow_weight; };
  for (int i = 0; i < 50; ++i) {
    spreader.Add(Flow(1000 * kSecond, 1059 * kSecond, 1000, 100000), 1060 * kSecond);
    spreader.Release(1060 * kSecond, count);  // the watermark (1030 s) lets none out by time
    EXPECT_LE(spreader.held(), 100u);
  }
  EXPECT_GT(spreader.stats().unspread_flows, 0u);
  EXPECT_GT(spreader.stats().early_chunks, 0u);
  spreader.Flush(count);
  EXPECT_EQ(packets, 50u * 1000);
}

TEST(FlowSpreader, IcmpTypeAndCodeAndFewPackets) {
  FlowSpreader spreader;
  FlowRecord r = Flow(10 * kSecond, 40 * kSecond, 3, 252);
  r.ip_protocol = 1;
  r.dst_port = (8 << 8) | 0;
  spreader.Add(r, 50 * kSecond);
  std::vector<PacketMeta> out;
  spreader.Flush([&](const PacketMeta& m) { out.push_back(m); });
  ASSERT_EQ(out.size(), 3u);  // never more chunks than packets
  EXPECT_EQ(out[0].icmp_type, 8);
  EXPECT_FALSE(out[0].Has(meta_flag::kHasPorts));
  EXPECT_EQ(out[2].ts_ns, 40 * kSecond);
}

}  // namespace
}  // namespace rampart::flow
