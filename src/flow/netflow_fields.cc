// The information elements rampart reads from NetFlow v9 / IPFIX records, and how a record's
// fields become a FlowRecord (times, counters, ICMP, sampling). Element ids: IANA "IPFIX
// Information Elements" registry; v9 field types: RFC 3954 §8.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>

#include "capture/link_type.h"
#include "capture/raw_packet.h"
#include "decode/packet_decoder.h"
#include "flow/netflow_decoder.h"
#include "flow/netflow_fields.h"

namespace rampart::flow::netflow {
namespace {

constexpr int64_t kNtpToUnixSeconds = 2'208'988'800;  // 1900-01-01 to 1970-01-01
constexpr int64_t kNanosPerMilli = 1'000'000;
constexpr int64_t kNanosPerMicro = 1'000;

std::optional<TimestampNs> FromSeconds(uint64_t s) {
  if (s == 0 || s > static_cast<uint64_t>(std::numeric_limits<int64_t>::max() / kNanosPerSecond)) {
    return std::nullopt;
  }
  return static_cast<TimestampNs>(s) * kNanosPerSecond;
}

std::optional<TimestampNs> FromMillis(uint64_t ms) {
  if (ms == 0 || ms > static_cast<uint64_t>(std::numeric_limits<int64_t>::max() / kNanosPerMilli)) {
    return std::nullopt;
  }
  return static_cast<TimestampNs>(ms) * kNanosPerMilli;
}

//! dateTimeMicroseconds / dateTimeNanoseconds: NTP format, seconds since 1900 and a 32-bit
//! fraction (RFC 7011 §6.1.9-10). The fraction is taken whole for both (the low 11 bits of a
//! microsecond value should be zero; exporters that set them are read as they say, as tshark
//! does).
std::optional<TimestampNs> FromNtp(uint64_t v) {
  if (v == 0) {
    return std::nullopt;
  }
  const auto seconds = static_cast<int64_t>(v >> 32) - kNtpToUnixSeconds;
  const uint64_t fraction = v & 0xffffffffu;
  return seconds * kNanosPerSecond + static_cast<int64_t>((fraction * 1'000'000'000u) >> 32);
}

struct TimeKinds {
  FieldKind ms, sec, us, ns, delta_us, uptime;
};
constexpr TimeKinds kStartKinds{FieldKind::kStartMs,      FieldKind::kStartSec,
                                FieldKind::kStartUs,      FieldKind::kStartNs,
                                FieldKind::kStartDeltaUs, FieldKind::kFirstUptime};
constexpr TimeKinds kEndKinds{FieldKind::kEndMs, FieldKind::kEndSec,     FieldKind::kEndUs,
                              FieldKind::kEndNs, FieldKind::kEndDeltaUs, FieldKind::kLastUptime};

//! The absolute time of one end of the flow, from the most precise kind of field present.
std::optional<TimestampNs> FlowTime(const RecordScratch& s, const DatagramContext& ctx,
                                    std::optional<uint64_t> system_init_ms, const TimeKinds& k) {
  std::optional<TimestampNs> t;
  if (s.Has(k.ms)) {
    t = FromMillis(s.Get(k.ms));
  }
  if (!t && s.Has(k.sec)) {
    t = FromSeconds(s.Get(k.sec));
  }
  if (!t && s.Has(k.us)) {
    t = FromNtp(s.Get(k.us));
  }
  if (!t && s.Has(k.ns)) {
    t = FromNtp(s.Get(k.ns));
  }
  if (!t && s.Has(k.delta_us)) {
    const uint64_t delta = s.Get(k.delta_us);
    if (delta <= static_cast<uint64_t>(std::numeric_limits<int32_t>::max())) {
      t = ctx.export_ns - static_cast<int64_t>(delta) * kNanosPerMicro;
    }
  }
  if (!t && s.Has(k.uptime)) {
    const auto at = static_cast<uint32_t>(s.Get(k.uptime));
    if (ctx.has_uptime) {
      // Milliseconds before the header's sysUptime; the signed difference survives the 49-day
      // wrap of the 32-bit uptime.
      const auto ago = static_cast<int32_t>(ctx.sys_uptime_ms - at);
      t = ctx.export_ns - static_cast<int64_t>(ago) * kNanosPerMilli;
    } else if (system_init_ms) {
      t = FromMillis(*system_init_ms + at);
    }
  }
  return t;
}

//! An address field may be overwritten while it is unset or all zeros.
bool Replaceable(const IpAddress& a) {
  if (!a.IsSet()) {
    return true;
  }
  uint64_t lo = 0;
  uint64_t hi = 0;
  std::memcpy(&lo, a.bytes.data(), 8);
  std::memcpy(&hi, a.bytes.data() + 8, 8);
  return (lo | hi) == 0;
}

uint64_t SaturatingMul(uint64_t a, uint64_t b) {
  uint64_t product = 0;
  if (__builtin_mul_overflow(a, b, &product)) {
    return std::numeric_limits<uint64_t>::max();
  }
  return product;
}

//! The first of `kinds` present in the record, or 0.
template <size_t N>
uint64_t FirstPresent(const RecordScratch& s, const FieldKind (&kinds)[N]) {
  for (const FieldKind kind : kinds) {
    if (s.Has(kind)) {
      return s.Get(kind);
    }
  }
  return 0;
}

}  // namespace

namespace {
//! RFC 5103 reverse elements rampart reads: the reverse direction's counters and flags.
FieldKind ReverseKindOf(uint16_t id) {
  switch (id) {
    case 1:
      return FieldKind::kRevOctets;
    case 2:
      return FieldKind::kRevPackets;
    case 6:
      return FieldKind::kRevTcpFlags;
    case 85:
      return FieldKind::kRevOctetsTotal;
    case 86:
      return FieldKind::kRevPacketsTotal;
    default:
      return FieldKind::kSkip;
  }
}
//! Decodes the record's packet section; the sampled packet's facts, or null (counted) when it
//! holds no IP header. The frame's length is dataLinkFrameSize when exported.
const PacketMeta* DecodeSection(const RecordScratch& s, SectionScratch& section,
                                FlowDecodeStats& stats) {
  RawPacket raw;
  raw.data = s.section;
  raw.cap_len = s.section_len;
  raw.wire_len = s.section_len;
  if (s.Has(FieldKind::kDataLinkFrameSize) && s.Get(FieldKind::kDataLinkFrameSize) > raw.wire_len &&
      s.Get(FieldKind::kDataLinkFrameSize) <= 0xffff) {
    raw.wire_len = static_cast<uint32_t>(s.Get(FieldKind::kDataLinkFrameSize));
  }
  raw.link_type = static_cast<uint16_t>(s.section_is_ip ? LinkType::kRaw : LinkType::kEthernet);
  DecodePacket(raw, section.meta, section.stats);
  if (!section.meta.IsIp()) {
    stats.packet_section_not_ip++;
    return nullptr;
  }
  stats.packet_sections++;
  return &section.meta;
}

//! Addresses (of the first IP header), protocol, ports (ICMP: type << 8 | code), TCP flags,
//! TTL and fragment of a sampled packet.
void FromSampledPacket(const PacketMeta& m, FlowRecord& r) {
  r.src = m.outer_src;
  r.dst = m.outer_dst;
  r.ip_protocol = m.ip_proto;
  r.ttl = m.ttl;
  r.is_fragment = m.Has(meta_flag::kFragment);
  r.tcp_flags = m.ip_proto == ip_proto::kTcp ? m.tcp_flags : 0;
  r.src_port = 0;
  r.dst_port = 0;
  if (m.ip_proto == ip_proto::kIcmp || m.ip_proto == ip_proto::kIcmpv6) {
    r.dst_port = static_cast<uint16_t>(m.icmp_type << 8 | m.icmp_code);
  } else if (m.Has(meta_flag::kHasPorts)) {
    r.src_port = m.src_port;
    r.dst_port = m.dst_port;
  }
}

}  // namespace

FieldKind KindOf(uint16_t id, uint32_t enterprise) {
  if (enterprise != 0) {
    return enterprise == kReverseEnterprise ? ReverseKindOf(id) : FieldKind::kSkip;
  }
  switch (id) {
    case 1:
      return FieldKind::kOctets;  // octetDeltaCount / IN_BYTES
    case 2:
      return FieldKind::kPackets;  // packetDeltaCount / IN_PKTS
    case 4:
      return FieldKind::kProtocol;
    case 5:
      return FieldKind::kTos;
    case 6:
      return FieldKind::kTcpFlags;
    case 7:
      return FieldKind::kSrcPort;
    case 8:
      return FieldKind::kSrcV4;
    case 10:
      return FieldKind::kInputIf;
    case 11:
      return FieldKind::kDstPort;
    case 12:
      return FieldKind::kDstV4;
    case 14:
      return FieldKind::kOutputIf;
    case 21:
      return FieldKind::kLastUptime;  // LAST_SWITCHED / flowEndSysUpTime
    case 22:
      return FieldKind::kFirstUptime;  // FIRST_SWITCHED / flowStartSysUpTime
    case 23:
      return FieldKind::kOutOctets;  // OUT_BYTES / postOctetDeltaCount
    case 24:
      return FieldKind::kOutPackets;
    case 27:
      return FieldKind::kSrcV6;
    case 28:
      return FieldKind::kDstV6;
    case 32:
      return FieldKind::kIcmpTypeCodeV4;
    case 34:
      return FieldKind::kSamplingRate;  // samplingInterval
    case 48:
      return FieldKind::kSamplerId;  // FLOW_SAMPLER_ID / samplerId
    case 50:
      return FieldKind::kSamplingRate;  // samplerRandomInterval
    case 52:
      return FieldKind::kMinTtl;
    case 53:
      return FieldKind::kMaxTtl;
    case 85:
      return FieldKind::kOctetsTotal;
    case 86:
      return FieldKind::kPacketsTotal;
    case 139:
      return FieldKind::kIcmpTypeCodeV6;
    case 150:
      return FieldKind::kStartSec;
    case 151:
      return FieldKind::kEndSec;
    case 152:
      return FieldKind::kStartMs;
    case 153:
      return FieldKind::kEndMs;
    case 154:
      return FieldKind::kStartUs;
    case 155:
      return FieldKind::kEndUs;
    case 156:
      return FieldKind::kStartNs;
    case 157:
      return FieldKind::kEndNs;
    case 158:
      return FieldKind::kStartDeltaUs;
    case 159:
      return FieldKind::kEndDeltaUs;
    case 160:
      return FieldKind::kSystemInitMs;
    case 176:
      return FieldKind::kIcmpTypeV4;
    case 177:
      return FieldKind::kIcmpCodeV4;
    case 178:
      return FieldKind::kIcmpTypeV6;
    case 179:
      return FieldKind::kIcmpCodeV6;
    case 192:
      return FieldKind::kIpTtl;
    case 231:
      return FieldKind::kInitiatorOctets;  // Cisco ASA (NSEL) forward bytes
    case 252:
      return FieldKind::kInputPhysIf;
    case 253:
      return FieldKind::kOutputPhysIf;
    case 298:
      return FieldKind::kInitiatorPackets;
    case 302:
      return FieldKind::kSamplerId;  // selectorId
    case 305:
      return FieldKind::kPacketInterval;
    case 306:
      return FieldKind::kPacketSpace;
    case 309:
      return FieldKind::kSamplingSize;
    case 310:
      return FieldKind::kSamplingPopulation;
    case 312:
      return FieldKind::kDataLinkFrameSize;
    case 313:
      return FieldKind::kIpSection;  // ipHeaderPacketSection
    case 315:
      return FieldKind::kDataLinkSection;  // dataLinkFrameSection
    default:
      return FieldKind::kSkip;
  }
}

bool LengthFits(FieldKind kind, uint16_t length) {
  if (kind == FieldKind::kSkip || kind == FieldKind::kDataLinkSection ||
      kind == FieldKind::kIpSection) {
    return true;
  }
  if (length == kVariableLength) {
    return false;
  }
  switch (kind) {
    case FieldKind::kSrcV4:
    case FieldKind::kDstV4:
      return length == 4;
    case FieldKind::kSrcV6:
    case FieldKind::kDstV6:
      return length == 16;
    case FieldKind::kStartUs:
    case FieldKind::kEndUs:
    case FieldKind::kStartNs:
    case FieldKind::kEndNs:
      return length == 8;
    default:
      return length >= 1 && length <= 8;
  }
}

void ApplyField(FieldKind kind, const uint8_t* p, uint16_t length, RecordScratch& scratch) {
  switch (kind) {
    case FieldKind::kSkip:
      return;
    case FieldKind::kSrcV4:
      if (Replaceable(scratch.src)) {
        scratch.src.AssignV4(p);
      }
      return;
    case FieldKind::kDstV4:
      if (Replaceable(scratch.dst)) {
        scratch.dst.AssignV4(p);
      }
      return;
    case FieldKind::kSrcV6:
      if (Replaceable(scratch.src)) {
        scratch.src.AssignV6(p);
      }
      return;
    case FieldKind::kDstV6:
      if (Replaceable(scratch.dst)) {
        scratch.dst.AssignV6(p);
      }
      return;
    case FieldKind::kDataLinkSection:
    case FieldKind::kIpSection:
      if (scratch.section == nullptr && length > 0) {
        scratch.section = p;
        scratch.section_len = length;
        scratch.section_is_ip = kind == FieldKind::kIpSection;
      }
      return;
    default: {
      const uint64_t bit = uint64_t{1} << static_cast<unsigned>(kind);
      if ((scratch.present & bit) == 0) {
        scratch.value[static_cast<size_t>(kind)] = ReadUint(p, length);
        scratch.present |= bit;
      }
      return;
    }
  }
}

std::optional<uint64_t> RecordSamplingRate(const RecordScratch& s) {
  if (s.Has(FieldKind::kSamplingRate)) {
    return s.Get(FieldKind::kSamplingRate);
  }
  if (s.Has(FieldKind::kPacketInterval)) {
    // One packet in (interval + space) selected: rate = (interval + space) / interval.
    const uint64_t interval = s.Get(FieldKind::kPacketInterval);
    const uint64_t space = s.Has(FieldKind::kPacketSpace) ? s.Get(FieldKind::kPacketSpace) : 0;
    if (interval == 0 || space > std::numeric_limits<uint32_t>::max() ||
        interval > std::numeric_limits<uint32_t>::max()) {
      return 0;
    }
    return (interval + space + interval / 2) / interval;
  }
  if (s.Has(FieldKind::kSamplingPopulation) && s.Has(FieldKind::kSamplingSize)) {
    const uint64_t size = s.Get(FieldKind::kSamplingSize);
    if (size == 0) {
      return 0;
    }
    return (s.Get(FieldKind::kSamplingPopulation) + size / 2) / size;
  }
  return std::nullopt;
}

int FinishRecord(const RecordScratch& s, const DatagramContext& ctx, std::optional<uint64_t> rate,
                 std::optional<uint64_t> system_init_ms, SectionScratch& section,
                 FlowRecord (&records)[2], FlowDecodeStats& stats) {
  const PacketMeta* sampled = nullptr;
  if (!s.src.IsSet() && !s.dst.IsSet() && s.section != nullptr) {
    sampled = DecodeSection(s, section, stats);
  }
  if (!s.src.IsSet() && !s.dst.IsSet() && sampled == nullptr) {
    stats.records_without_address++;
    return 0;
  }
  FlowRecord& r = records[0];
  r = FlowRecord{};
  r.protocol = ctx.protocol;
  r.exporter = ctx.exporter;
  r.observation_domain = ctx.domain;
  r.src = s.src;
  r.dst = s.dst;
  r.src_port = static_cast<uint16_t>(s.Has(FieldKind::kSrcPort) ? s.Get(FieldKind::kSrcPort) : 0);
  r.dst_port = static_cast<uint16_t>(s.Has(FieldKind::kDstPort) ? s.Get(FieldKind::kDstPort) : 0);
  r.ip_protocol =
      static_cast<uint8_t>(s.Has(FieldKind::kProtocol) ? s.Get(FieldKind::kProtocol) : 0);
  r.tcp_flags = static_cast<uint8_t>(s.Has(FieldKind::kTcpFlags) ? s.Get(FieldKind::kTcpFlags) : 0);
  r.tos = static_cast<uint8_t>(s.Has(FieldKind::kTos) ? s.Get(FieldKind::kTos) : 0);
  if (sampled != nullptr) {
    FromSampledPacket(*sampled, r);
  }

  // ICMP type and code go to dst_port as type << 8 | code. Exporters without the ICMP fields
  // (v5, many v9) already put them there; when the fields are exported they win (some exporters
  // put the ICMP identifier in the ports).
  const bool v4 = r.ip_protocol == 1;
  const bool v6 = r.ip_protocol == 58;
  if (v4 || v6) {
    const FieldKind type_code = v4 ? FieldKind::kIcmpTypeCodeV4 : FieldKind::kIcmpTypeCodeV6;
    const FieldKind type = v4 ? FieldKind::kIcmpTypeV4 : FieldKind::kIcmpTypeV6;
    const FieldKind code = v4 ? FieldKind::kIcmpCodeV4 : FieldKind::kIcmpCodeV6;
    std::optional<uint16_t> icmp;
    if (s.Has(type_code)) {
      icmp = static_cast<uint16_t>(s.Get(type_code));
    } else if (s.Has(type) || s.Has(code)) {
      icmp = static_cast<uint16_t>(((s.Has(type) ? s.Get(type) : 0) & 0xff) << 8 |
                                   ((s.Has(code) ? s.Get(code) : 0) & 0xff));
    }
    if (icmp) {
      r.dst_port = *icmp;
    }
  }

  static constexpr FieldKind kTtls[] = {FieldKind::kIpTtl, FieldKind::kMinTtl, FieldKind::kMaxTtl};
  const uint64_t ttl = FirstPresent(s, kTtls);
  if (ttl != 0 || sampled == nullptr) {
    r.ttl = static_cast<uint8_t>(ttl);  // a sampled packet's own TTL unless one is exported
  }
  static constexpr FieldKind kInputs[] = {FieldKind::kInputIf, FieldKind::kInputPhysIf};
  static constexpr FieldKind kOutputs[] = {FieldKind::kOutputIf, FieldKind::kOutputPhysIf};
  r.input_if = static_cast<uint32_t>(FirstPresent(s, kInputs));
  r.output_if = static_cast<uint32_t>(FirstPresent(s, kOutputs));

  // Delta counts first; total counts, post (out) counts and NSEL initiator counts stand in for
  // exporters that send only those.
  static constexpr FieldKind kBytes[] = {FieldKind::kOctets, FieldKind::kOctetsTotal,
                                         FieldKind::kOutOctets, FieldKind::kInitiatorOctets};
  static constexpr FieldKind kPackets[] = {FieldKind::kPackets, FieldKind::kPacketsTotal,
                                           FieldKind::kOutPackets, FieldKind::kInitiatorPackets};
  uint64_t bytes = FirstPresent(s, kBytes);
  uint64_t packets = FirstPresent(s, kPackets);
  if (sampled != nullptr) {
    // One sampled packet, of its frame's length, unless the record counts otherwise.
    r.packet_size = static_cast<uint16_t>(std::min<uint32_t>(sampled->wire_len, 0xffff));
    if (!s.Has(FieldKind::kPackets) && !s.Has(FieldKind::kPacketsTotal)) {
      packets = 1;
    }
    if (!s.Has(FieldKind::kOctets) && !s.Has(FieldKind::kOctetsTotal)) {
      bytes = sampled->wire_len;
    }
  }

  std::optional<TimestampNs> start = FlowTime(s, ctx, system_init_ms, kStartKinds);
  std::optional<TimestampNs> end = FlowTime(s, ctx, system_init_ms, kEndKinds);
  if (!start && !end && s.Has(FieldKind::kFirstUptime) && s.Has(FieldKind::kLastUptime)) {
    // IPFIX uptimes without a known system init time: the flow is taken to end at export.
    const auto span = static_cast<uint32_t>(s.Get(FieldKind::kLastUptime)) -
                      static_cast<uint32_t>(s.Get(FieldKind::kFirstUptime));
    end = ctx.export_ns;
    start = ctx.export_ns -
            static_cast<int64_t>(
                span <= static_cast<uint32_t>(std::numeric_limits<int32_t>::max()) ? span : 0) *
                kNanosPerMilli;
  }
  if (!start && !end) {
    start = end = ctx.export_ns;
  } else if (!start) {
    start = end;
  } else if (!end) {
    end = *start > ctx.export_ns ? *start : ctx.export_ns;
  }
  r.start_ns = *start;
  r.end_ns = *end;

  uint64_t applied = 1;
  if (rate) {
    if (*rate == 0 || *rate > kMaxSamplingRate) {
      stats.absurd_sampling_rate++;
    } else {
      applied = *rate;
    }
  }
  r.sampling_rate = static_cast<uint32_t>(applied);
  r.packets = SaturatingMul(packets, applied);
  r.bytes = SaturatingMul(bytes, applied);

  // RFC 5103 biflow: the reverse direction's traffic becomes a record of its own.
  static constexpr FieldKind kRevBytes[] = {FieldKind::kRevOctets, FieldKind::kRevOctetsTotal};
  static constexpr FieldKind kRevPackets[] = {FieldKind::kRevPackets, FieldKind::kRevPacketsTotal};
  const uint64_t rev_bytes = FirstPresent(s, kRevBytes);
  const uint64_t rev_packets = FirstPresent(s, kRevPackets);
  if (rev_bytes == 0 && rev_packets == 0) {
    return 1;
  }
  FlowRecord& back = records[1];
  back = r;
  back.src = r.dst;
  back.dst = r.src;
  const bool icmp = v4 || v6;  // the reply's type is not exported
  back.src_port = icmp ? 0 : r.dst_port;
  back.dst_port = icmp ? 0 : r.src_port;
  back.tcp_flags =
      static_cast<uint8_t>(s.Has(FieldKind::kRevTcpFlags) ? s.Get(FieldKind::kRevTcpFlags) : 0);
  back.tos = 0;
  back.ttl = 0;
  back.input_if = r.output_if;
  back.output_if = r.input_if;
  back.packets = SaturatingMul(rev_packets, applied);
  back.bytes = SaturatingMul(rev_bytes, applied);
  stats.ipfix_biflow_reverse_records++;
  return 2;
}

}  // namespace rampart::flow::netflow
