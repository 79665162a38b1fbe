// Fuzzes the sFlow v5 decoder with lengths, counts and sampled headers that lie.
#include "fuzz_target.h"

#include <cstddef>
#include <cstdint>
#include <vector>

#include "flow/sflow_decoder.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using rampart::flow::FlowRecord;
  const rampart::IpAddress kExporter = rampart::IpAddress::V4(0xc0000263u);  // 192.0.2.99
  rampart::flow::SflowDecoder decoder;
  rampart::flow::FlowDecodeStats stats;
  std::vector<FlowRecord> out(1);  // records are appended after what is there
  decoder.Decode(kExporter, 1'000'000'000, data, size, out, stats);
  const size_t added = out.size() - 1;
  if (added > rampart::flow::kSflowMaxRecordsPerDatagram || added != stats.sflow_records) {
    __builtin_trap();
  }
  for (size_t i = 1; i < out.size(); ++i) {
    const FlowRecord& r = out[i];
    // The sampling rate is always usable, applied to the packets, and the addresses set.
    if (r.sampling_rate < 1 || r.sampling_rate > rampart::flow::kSflowMaxSamplingRate ||
        r.packets != r.sampling_rate || r.bytes < r.packet_size || !r.src.IsSet() ||
        r.src.family != r.dst.family || !(r.exporter == kExporter)) {
      __builtin_trap();
    }
  }
  return 0;
}
