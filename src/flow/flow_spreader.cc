#include "flow/flow_spreader.h"

#include <algorithm>

namespace rampart::flow {

PacketMeta FlowMeta(const FlowRecord& record, TimestampNs ts, uint64_t packets, uint64_t bytes) {
  PacketMeta m;
  m.Reset();
  m.ts_ns = ts;
  m.outer_src = record.src;
  m.outer_dst = record.dst;
  m.inner_src = record.src;
  m.inner_dst = record.dst;
  m.l3 = record.src.IsV6() ? Layer3::kIpv6 : Layer3::kIpv4;
  m.ip_layers = 1;
  m.ip_proto = record.ip_protocol;
  m.ttl = record.ttl;
  m.tcp_flags = record.tcp_flags;
  m.src_port = record.src_port;
  m.dst_port = record.dst_port;
  if (record.ip_protocol == ip_proto::kTcp || record.ip_protocol == ip_proto::kUdp) {
    m.flags |= meta_flag::kHasPorts;
  }
  if (record.ip_protocol == ip_proto::kIcmp || record.ip_protocol == ip_proto::kIcmpv6) {
    m.icmp_type = static_cast<uint8_t>(record.dst_port >> 8);
    m.icmp_code = static_cast<uint8_t>(record.dst_port);
  }
  if (record.is_fragment) {
    m.flags |= meta_flag::kFragment;
  }
  m.flow_weight = static_cast<uint32_t>(std::min<uint64_t>(packets, UINT32_MAX));
  m.flow_bytes = bytes;
  // The mean packet size stands in for one packet's length (the shape rules read it).
  const uint64_t mean = packets == 0 ? 0 : bytes / packets;
  m.wire_len = static_cast<uint32_t>(std::min<uint64_t>(mean, UINT32_MAX));
  m.ip_total_len = static_cast<uint16_t>(
      std::min<uint64_t>(record.packet_size != 0 ? record.packet_size : mean, UINT16_MAX));
  return m;
}

void FlowSpreader::Push(const PacketMeta& meta) {
  held_.push(Chunk{meta, order_++});
  stats_.chunks++;
}

void FlowSpreader::Add(const FlowRecord& record, TimestampNs arrival_ns) {
  if (record.packets == 0) {
    return;
  }
  stats_.flows++;
  TimestampNs start = record.start_ns != 0 ? record.start_ns : arrival_ns;
  TimestampNs end = record.end_ns != 0 ? record.end_ns : start;
  if (end < start) {
    std::swap(start, end);
  }
  constexpr TimestampNs kSecond = 1'000'000'000;
  const TimestampNs longest = static_cast<TimestampNs>(options_.max_seconds) * kSecond;
  start = std::max(start, end - longest);
  // One chunk a second of the flow's life, the packets and bytes shared out exactly (the
  // remainder goes to the first seconds).
  uint64_t seconds = static_cast<uint64_t>((end - start) / kSecond) + 1;
  seconds = std::min<uint64_t>(seconds, record.packets);
  if (held_.size() + seconds > options_.max_chunks) {
    seconds = 1;
    stats_.unspread_flows++;
  }
  const uint64_t packets_each = record.packets / seconds;
  const uint64_t packets_left = record.packets % seconds;
  const uint64_t bytes_each = record.bytes / seconds;
  const uint64_t bytes_left = record.bytes % seconds;
  const TimestampNs step = seconds > 1 ? (end - start) / static_cast<TimestampNs>(seconds - 1) : 0;
  for (uint64_t i = 0; i < seconds; ++i) {
    const uint64_t packets = packets_each + (i < packets_left ? 1 : 0);
    const uint64_t bytes = bytes_each + (i < bytes_left ? 1 : 0);
    Push(FlowMeta(record, seconds == 1 ? end : start + static_cast<TimestampNs>(i) * step, packets,
                  bytes));
  }
}

}  // namespace rampart::flow
