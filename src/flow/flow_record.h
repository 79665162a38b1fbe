#pragma once
// What the flow collectors decode from NetFlow v5/v9, IPFIX and sFlow v5 datagrams: one record
// per flow (or per sampled packet, for sFlow), with sampling already applied, for the same
// detectors that packets feed (docs/flow.md).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/ip_address.h"
#include "core/timestamp.h"

namespace rampart::flow {

enum class FlowProtocol : uint8_t { kNetflowV5, kNetflowV9, kIpfix, kSflowV5 };
//! "netflow_v5", "netflow_v9", "ipfix", "sflow_v5".
std::string_view FlowProtocolName(FlowProtocol protocol);

struct FlowRecord {
  FlowProtocol protocol = FlowProtocol::kNetflowV5;
  IpAddress exporter;               // the datagram's sender
  uint32_t observation_domain = 0;  // v9 source id, IPFIX observation domain, sFlow sub-agent
  IpAddress src;
  IpAddress dst;
  uint16_t src_port = 0;  // TCP/UDP ports; for ICMP, type << 8 | code in dst_port
  uint16_t dst_port = 0;
  uint8_t ip_protocol = 0;
  uint8_t tcp_flags = 0;  // OR of the flow's TCP flags
  uint8_t tos = 0;
  uint8_t ttl = 0;             // 0 = not exported (sFlow headers carry it)
  uint16_t packet_size = 0;    // sFlow: the sampled frame's length; 0 for flows
  uint64_t packets = 0;        // sampling applied
  uint64_t bytes = 0;          // sampling applied (IP bytes as the exporter counts them)
  uint32_t sampling_rate = 1;  // the rate that was applied (1 = unsampled or unknown)
  TimestampNs start_ns = 0;    // absolute UTC; the datagram's time when not exported
  TimestampNs end_ns = 0;
  uint32_t input_if = 0;
  uint32_t output_if = 0;
  bool is_fragment = false;  // sFlow header showed an IP fragment
};

}  // namespace rampart::flow
