// Flow records decoded per second on one core: every flow datagram of the test captures
// (NetFlow v5/v9, IPFIX, sFlow v5), decoded again and again by one decoder of each kind, as a
// collector does in a steady state (templates learned once). Prints one JSON line per protocol.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "capture/capture_reader.h"
#include "decode/packet_decoder.h"
#include "flow/flow_collector.h"

namespace {

struct Datagram {
  rampart::IpAddress exporter;
  uint16_t port = 0;
  std::vector<uint8_t> bytes;
  bool sflow = false;
};

}  // namespace

int main(int argc, char** argv) {
  const std::string folder = argc > 1 ? argv[1] : "tests/data/captures/flow";
  std::vector<Datagram> netflow;
  std::vector<Datagram> sflow;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    if (entry.path().extension() != ".pcap" ||
        entry.path().filename().string().find("invalid") != std::string::npos) {
      continue;
    }
    rampart::CaptureReader reader;
    std::string error;
    if (!reader.Open(entry.path().string(), &error)) {
      continue;
    }
    rampart::RawPacket packet;
    rampart::PacketMeta meta;
    rampart::DecodeStats stats;
    while (reader.Next(packet)) {
      rampart::DecodePacket(packet, meta, stats);
      if (meta.ip_proto != rampart::ip_proto::kUdp || meta.payload_len < 4) {
        continue;
      }
      Datagram d;
      d.exporter = meta.inner_src;
      d.port = meta.src_port;
      d.bytes.assign(packet.data + meta.payload_offset,
                     packet.data + meta.payload_offset + meta.payload_len);
      d.sflow = d.bytes[0] == 0 && d.bytes[1] == 0 && d.bytes[2] == 0 && d.bytes[3] == 5;
      (d.sflow ? sflow : netflow).push_back(std::move(d));
    }
  }
  using Clock = std::chrono::steady_clock;
  for (const bool is_sflow : {false, true}) {
    const std::vector<Datagram>& set = is_sflow ? sflow : netflow;
    rampart::flow::NetflowDecoder netflow_decoder;
    rampart::flow::SflowDecoder sflow_decoder;
    rampart::flow::FlowDecodeStats stats;
    std::vector<rampart::flow::FlowRecord> out;
    out.reserve(4096);
    uint64_t records = 0;
    uint64_t datagrams = 0;
    rampart::TimestampNs ts = 1'700'000'000'000'000'000;
    const auto start = Clock::now();
    double seconds = 0;
    while (seconds < 1.0) {
      for (const Datagram& d : set) {
        out.clear();
        if (is_sflow) {
          sflow_decoder.Decode(d.exporter, ts, d.bytes.data(), d.bytes.size(), out, stats);
        } else {
          netflow_decoder.Decode(d.exporter, d.port, ts, d.bytes.data(), d.bytes.size(), out,
                                 stats);
        }
        records += out.size();
        ++datagrams;
        ts += 1000;
      }
      seconds = std::chrono::duration<double>(Clock::now() - start).count();
    }
    std::printf(
        "{\"decoder\":\"%s\",\"datagrams\":%llu,\"records\":%llu,\"records_per_s\":%.0f,"
        "\"ns_per_record\":%.1f}\n",
        is_sflow ? "sflow_v5" : "netflow_v5_v9_ipfix", static_cast<unsigned long long>(datagrams),
        static_cast<unsigned long long>(records), static_cast<double>(records) / seconds,
        seconds * 1e9 / static_cast<double>(records));
  }
  return 0;
}
