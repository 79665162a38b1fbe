#pragma once
// Shared by the NetFlow v9 (and v5) and IPFIX fuzz targets: the input is a series of datagrams
// from two exporters, decoded by one NetflowDecoder with small limits, so that templates, options,
// held data, expiry and every cap interact across datagrams. Each datagram is framed as
//   control byte, length (2 bytes, little-endian), that many bytes (fewer at the end),
// with the control byte's bit 0 choosing the exporter and bits 1-6 advancing packet time by
// quarter seconds (up to ~16 s: past the hold time). The caller forces the version (and, for
// IPFIX, the message length) so that the fuzzer does not spend its time on them.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "flow/netflow_decoder.h"

namespace rampart::flow::fuzz {

inline NetflowLimits SmallLimits() {
  NetflowLimits limits;
  limits.max_templates = 16;
  limits.max_options_entries = 16;
  limits.max_held_sets = 8;
  limits.max_held_bytes = 4096;
  limits.max_records_per_datagram = 64;
  limits.hash_seed = 1;
  return limits;
}

//! Runs every framed datagram through one decoder; `shape(control, bytes)` writes the version
//! (and whatever else the target forces) into each datagram before it is decoded. Traps when an
//! invariant breaks: records over the cap, a record without address or with an unusable rate,
//! held data or templates over their caps.
template <typename Shape>
void RunDatagrams(const uint8_t* data, size_t size, Shape&& shape) {
  const NetflowLimits limits = SmallLimits();
  NetflowDecoder decoder(limits);
  FlowDecodeStats stats;
  const IpAddress exporters[2] = {IpAddress::V4(0xc0000201u), IpAddress::V4(0xc0000202u)};
  std::vector<FlowRecord> out;
  std::vector<uint8_t> datagram;
  TimestampNs ts = 1'000 * kNanosPerSecond;
  size_t at = 0;
  while (size - at >= 3) {
    const uint8_t control = data[at];
    size_t len = data[at + 1] | static_cast<size_t>(data[at + 2]) << 8;
    at += 3;
    if (len > size - at) {
      len = size - at;
    }
    datagram.assign(2, 0);
    datagram.insert(datagram.end(), data + at, data + at + len);
    at += len;
    shape(control, datagram);
    ts += ((control >> 1) & 0x3f) * (kNanosPerSecond / 4);
    out.clear();
    decoder.Decode(exporters[control & 1], 2055, ts, datagram.data(), datagram.size(), out, stats);
    if (out.size() > limits.max_records_per_datagram) {
      __builtin_trap();
    }
    for (const FlowRecord& r : out) {
      if (r.sampling_rate < 1 || r.sampling_rate > kMaxSamplingRate ||
          (!r.src.IsSet() && !r.dst.IsSet()) || !(r.exporter == exporters[control & 1])) {
        __builtin_trap();
      }
    }
    if (decoder.held_bytes() > limits.max_held_bytes ||
        decoder.held_sets() > limits.max_held_sets || decoder.templates() > limits.max_templates) {
      __builtin_trap();
    }
  }
}

}  // namespace rampart::flow::fuzz
