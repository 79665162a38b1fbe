// flow_dump: decodes the NetFlow v5/v9, IPFIX and sFlow v5 datagrams of capture files and prints
// one JSON line per flow record, one per datagram whose decoder counters moved (what changed),
// and the totals at the end. Used by tests/flow/test_flow_tshark.py to compare with tshark.
//
//   flow_dump [--port P]... capture...
//
// Datagrams are UDP to the usual collector ports (NetFlow/IPFIX: 2055, 2056, 2057, 2100, 4739,
// 8096, 9990-9992, 9995; sFlow: 6343) plus any --port given (decoded as NetFlow/IPFIX).
#include <fmt/format.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "capture/capture_set.h"
#include "decode/packet_decoder.h"
#include "flow/flow_record.h"
#include "flow/netflow_decoder.h"
#include "flow/sflow_decoder.h"

namespace rampart::flow {
namespace {

constexpr uint16_t kSflowPort = 6343;

std::string Quote(std::string_view s) {
  std::string q = "\"";
  for (const char c : s) {
    if (c == '"' || c == '\\') {
      q += '\\';
    }
    q += c;
  }
  return q + '"';
}

void PrintRecord(uint64_t frame, const FlowRecord& r) {
  std::fputs(
      fmt::format("{{\"frame\":{},\"protocol\":{},\"exporter\":{},\"observation_domain\":{},"
                  "\"src\":{},\"dst\":{},\"src_port\":{},\"dst_port\":{},\"ip_protocol\":{},"
                  "\"tcp_flags\":{},\"tos\":{},\"ttl\":{},\"packet_size\":{},\"packets\":{},"
                  "\"bytes\":{},\"sampling_rate\":{},\"start_ns\":{},\"end_ns\":{},\"input_if\":{},"
                  "\"output_if\":{},\"is_fragment\":{}}}\n",
                  frame, Quote(FlowProtocolName(r.protocol)), Quote(r.exporter.ToString()),
                  r.observation_domain, Quote(r.src.IsSet() ? r.src.ToString() : ""),
                  Quote(r.dst.IsSet() ? r.dst.ToString() : ""), r.src_port, r.dst_port,
                  r.ip_protocol, r.tcp_flags, r.tos, r.ttl, r.packet_size, r.packets, r.bytes,
                  r.sampling_rate, r.start_ns, r.end_ns, r.input_if, r.output_if,
                  r.is_fragment ? "true" : "false")
          .c_str(),
      stdout);
}

//! `"name":value` for every counter of `now` that differs from `before` (all when `before` is
//! null), comma-separated.
template <typename Stats>
std::string Counters(const Stats& now, const Stats* before) {
  std::vector<uint64_t> old;
  if (before != nullptr) {
    before->ForEach([&](std::string_view, uint64_t v) { old.push_back(v); });
  }
  std::string out;
  size_t i = 0;
  now.ForEach([&](std::string_view name, uint64_t v) {
    const uint64_t was = before != nullptr ? old[i] : 0;
    ++i;
    if (before != nullptr && v == was) {
      return;
    }
    if (!out.empty()) {
      out += ',';
    }
    out += fmt::format("{}:{}", Quote(name), v - was);
  });
  return out;
}

int Run(int argc, char** argv) {
  std::set<uint16_t> netflow_ports = {2055, 2056, 2057, 2100, 4739, 8096, 9990, 9991, 9992, 9995};
  std::vector<std::string> paths;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--port" && i + 1 < argc) {
      netflow_ports.insert(static_cast<uint16_t>(std::strtoul(argv[++i], nullptr, 10)));
    } else {
      paths.emplace_back(arg);
    }
  }
  if (paths.empty()) {
    std::fputs("usage: flow_dump [--port P]... capture...\n", stderr);
    return 2;
  }
  CaptureSet captures;
  std::string error;
  if (!captures.Open(paths, &error)) {
    std::fprintf(stderr, "flow_dump: %s\n", error.c_str());
    return 1;
  }
  NetflowDecoder netflow{NetflowLimits{}};
  SflowDecoder sflow;
  FlowDecodeStats stats;
  DecodeStats decode_stats;
  RawPacket packet;
  PacketMeta meta;
  std::vector<FlowRecord> records;
  uint64_t frame = 0;
  uint64_t skipped_fragments = 0;
  while (captures.Next(packet)) {
    ++frame;
    DecodePacket(packet, meta, decode_stats);
    if (!meta.IsIp() || meta.ip_proto != 17 || !meta.Has(meta_flag::kHasPorts)) {
      continue;
    }
    if (meta.Has(meta_flag::kFragment)) {
      ++skipped_fragments;
      continue;
    }
    const bool is_sflow = meta.dst_port == kSflowPort;
    if (!is_sflow && netflow_ports.count(meta.dst_port) == 0) {
      continue;
    }
    const uint8_t* payload = packet.data + meta.payload_offset;
    records.clear();
    const FlowDecodeStats before = stats;
    if (is_sflow) {
      sflow.Decode(meta.inner_src, packet.ts_ns, payload, meta.payload_len, records, stats);
    } else {
      netflow.Decode(meta.inner_src, meta.src_port, packet.ts_ns, payload, meta.payload_len,
                     records, stats);
    }
    const std::string moved = Counters(stats, &before);
    const std::string_view protocol = is_sflow ? "sflow" : "netflow";
    std::fputs(fmt::format("{{\"frame\":{},\"datagram\":{},\"exporter\":{},\"port\":{},"
                           "\"records\":{},\"counters\":{{{}}}}}\n",
                           frame, Quote(protocol), Quote(meta.inner_src.ToString()), meta.dst_port,
                           records.size(), moved)
                   .c_str(),
               stdout);
    for (const FlowRecord& r : records) {
      PrintRecord(frame, r);
    }
  }
  std::fputs(fmt::format("{{\"totals\":{{{}}},\"frames\":{},"
                         "\"skipped_fragments\":{},\"held_sets\":{},\"templates\":{}}}\n",
                         Counters<FlowDecodeStats>(stats, nullptr), frame, skipped_fragments,
                         netflow.held_sets(), netflow.templates())
                 .c_str(),
             stdout);
  return 0;
}

}  // namespace
}  // namespace rampart::flow

int main(int argc, char** argv) {
  return rampart::flow::Run(argc, argv);
}
