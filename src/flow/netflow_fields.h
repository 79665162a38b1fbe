#pragma once
// Internal to the NetFlow v9 / IPFIX decoder: the information elements rampart reads, what a
// template compiles to, and the per-record scratch that fields are applied to
// (netflow_fields.cc). v9 field types below 128 are IPFIX's element ids, and v9 exporters use
// IPFIX ids above that too (e.g. 152/153), so one table serves both.
#include <array>
#include <cstdint>
#include <optional>

#include "core/ip_address.h"
#include "core/timestamp.h"
#include "decode/decode_events.h"
#include "decode/packet_meta.h"
#include "flow/flow_record.h"
#include "flow/flow_stats.h"

namespace rampart::flow::netflow {

//! What a field means to rampart. Everything else is kSkip.
enum class FieldKind : uint8_t {
  kSkip,
  kSrcV4,
  kDstV4,
  kSrcV6,
  kDstV6,
  kSrcPort,
  kDstPort,
  kProtocol,
  kTcpFlags,
  kTos,
  kOctets,
  kPackets,
  kOctetsTotal,
  kPacketsTotal,
  kOutOctets,
  kOutPackets,
  kInitiatorOctets,
  kInitiatorPackets,
  kFirstUptime,
  kLastUptime,
  kStartSec,
  kEndSec,
  kStartMs,
  kEndMs,
  kStartUs,
  kEndUs,
  kStartNs,
  kEndNs,
  kStartDeltaUs,
  kEndDeltaUs,
  kSystemInitMs,
  kIcmpTypeCodeV4,
  kIcmpTypeCodeV6,
  kIcmpTypeV4,
  kIcmpCodeV4,
  kIcmpTypeV6,
  kIcmpCodeV6,
  kInputIf,
  kOutputIf,
  kInputPhysIf,
  kOutputPhysIf,
  kIpTtl,
  kMinTtl,
  kMaxTtl,
  kSamplingRate,
  kPacketInterval,
  kPacketSpace,
  kSamplingSize,
  kSamplingPopulation,
  kSamplerId,
  kRevOctets,  // RFC 5103 reverse direction of a biflow (enterprise 29305)
  kRevPackets,
  kRevOctetsTotal,
  kRevPacketsTotal,
  kRevTcpFlags,
  kDataLinkFrameSize,
  kDataLinkSection,  // a sampled packet's frame from its link layer on (315)
  kIpSection,        // a sampled packet from its IP header on (313)
  kCount
};
static_assert(static_cast<int>(FieldKind::kCount) <= 64, "presence is one 64-bit mask");

constexpr uint16_t kVariableLength = 0xffff;

constexpr uint32_t kReverseEnterprise = 29305;  // RFC 5103 reverse information elements

//! The kind of information element `id` of `enterprise` (0 = IANA).
FieldKind KindOf(uint16_t id, uint32_t enterprise);
//! Whether a field of `kind` can be read from `length` bytes (addresses exactly, integers with
//! reduced-size encoding 1..8, NTP timestamps 8, packet sections any length, variable too).
bool LengthFits(FieldKind kind, uint16_t length);

//! How a datagram's records are placed in time and attributed.
struct DatagramContext {
  FlowProtocol protocol = FlowProtocol::kNetflowV9;
  IpAddress exporter;
  uint32_t domain = 0;
  TimestampNs export_ns = 0;   // the header's export time
  uint32_t sys_uptime_ms = 0;  // v9 and v5 headers only
  bool has_uptime = false;
};

//! The fields of one data record as they are read; reset per record.
struct RecordScratch {
  uint64_t present = 0;  // bit per FieldKind
  std::array<uint64_t, static_cast<size_t>(FieldKind::kCount)> value{};
  IpAddress src;
  IpAddress dst;
  const uint8_t* section = nullptr;  // a packet section (into the datagram or held set)
  uint16_t section_len = 0;
  bool section_is_ip = false;

  void Reset() {
    present = 0;
    src.family = IpFamily::kNone;
    dst.family = IpFamily::kNone;
    section = nullptr;
  }
  bool Has(FieldKind kind) const { return (present >> static_cast<unsigned>(kind)) & 1u; }
  uint64_t Get(FieldKind kind) const { return value[static_cast<size_t>(kind)]; }
};

//! Reads one field into the scratch. `length` fits `kind` (checked when the template compiled).
//! The first occurrence of a kind wins (templates that repeat an element put the main one
//! first), and an all-zero address gives way to a later non-zero one (templates with both IPv4
//! and IPv6 fields fill the other family with zeros).
void ApplyField(FieldKind kind, const uint8_t* p, uint16_t length, RecordScratch& scratch);

//! The sampling rate the record itself carries (samplingInterval, samplerRandomInterval,
//! samplingPacketInterval/Space, samplingSize/Population); nullopt when none. May be 0 or absurd.
std::optional<uint64_t> RecordSamplingRate(const RecordScratch& scratch);

//! Where a packet section is decoded (by DecodePacket), kept by the decoder.
struct SectionScratch {
  PacketMeta meta;
  DecodeStats stats;  // anomalies of the sections' headers (ipv4.truncated, ...)
};

//! Builds the flow record(s) into `records` and returns how many: 0 (counted) when the record
//! has neither address, 2 for an RFC 5103 biflow with reverse traffic (the second is the
//! reverse direction), else 1. A record without addresses but with a packet section (a packet
//! sample: dataLinkFrameSection, ipHeaderPacketSection) takes addresses, ports, protocol, TCP
//! flags and TTL from the sampled packet, decoded in `section`. `rate` is the sampling rate found
//! for it (nullopt: none, 1 used); `system_init_ms` the exporter's systemInitTimeMilliseconds
//! when known (IPFIX uptime fields).
int FinishRecord(const RecordScratch& scratch, const DatagramContext& ctx,
                 std::optional<uint64_t> rate, std::optional<uint64_t> system_init_ms,
                 SectionScratch& section, FlowRecord (&records)[2], FlowDecodeStats& stats);

//! Big-endian unsigned integer of 0..8 bytes.
inline uint64_t ReadUint(const uint8_t* p, uint16_t length) {
  uint64_t v = 0;
  for (uint16_t i = 0; i < length && i < 8; ++i) {
    v = (v << 8) | p[i];
  }
  return v;
}

}  // namespace rampart::flow::netflow
