#pragma once
// sFlow version 5 datagrams (sflow.org, sflow_version_5.txt) into flow records: one record per
// flow sample, from its raw packet header (decoded by the packet decoder) or, without one, from
// its sampled IPv4/IPv6 record, with the sampling rate applied (docs/flow.md).
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/ip_address.h"
#include "core/timestamp.h"
#include "decode/decode_events.h"
#include "flow/flow_record.h"
#include "flow/flow_stats.h"

namespace rampart::flow {

//! Samples looked at in one datagram (a full 64 KiB datagram holds at most ~800 useful ones).
constexpr uint32_t kSflowMaxSamplesPerDatagram = 1024;
//! Records one datagram may append to `out`.
constexpr uint32_t kSflowMaxRecordsPerDatagram = 1024;
//! Flow records looked at in one flow sample (agents send 1 to 5).
constexpr uint32_t kSflowMaxRecordsPerSample = 64;
//! A sampling rate above this (or 0) is taken as damage: counted as flow.absurd_sampling_rate,
//! and 1 used instead (the bound NetFlow's records get too).
constexpr uint32_t kSflowMaxSamplingRate = 1'000'000;

//! Decodes sFlow v5 datagrams; its counters are the sflow.* ones of FlowDecodeStats.
//! Hand-written rather than generated from the XDR or driven by a table: the format is a fixed
//! chain of 32-bit words with a handful of record kinds, and a bounded cursor over it keeps every
//! read checked, allocates nothing, and hands the sampled header's bytes to DecodePacket in place,
//! at collector rates of millions of samples a second. Holds only the packet decoder's counters for
//! the sampled headers; one instance per worker.
class SflowDecoder {
 public:
  //! Appends one FlowRecord per usable flow sample of the datagram in `data` (the UDP payload
  //! sent by `agent_from_udp`, received at `ts`) to `out`, at most kSflowMaxRecordsPerDatagram.
  //! Lengths and counts in the datagram are never trusted; damage is counted in `stats` and ends
  //! decoding at that level (the datagram, the sample or the record). Never throws.
  void Decode(const IpAddress& agent_from_udp, TimestampNs ts, const uint8_t* data, size_t len,
              std::vector<FlowRecord>& out, FlowDecodeStats& stats);

  //! Anomalies the packet decoder met in sampled headers (ipv4.truncated, …).
  const DecodeStats& header_stats() const { return header_stats_; }

 private:
  DecodeStats header_stats_;
};

}  // namespace rampart::flow
