#include "flow/sflow_decoder.h"

#include <algorithm>

#include "capture/link_type.h"
#include "capture/raw_packet.h"
#include "core/byte_order.h"
#include "decode/packet_decoder.h"
#include "decode/packet_meta.h"

namespace rampart::flow {
namespace {

// Data formats: enterprise in the top 20 bits, format in the low 12 (enterprise 0 = sflow.org).
namespace sample_format {
constexpr uint32_t kFlow = 1;
constexpr uint32_t kCounter = 2;
constexpr uint32_t kExpandedFlow = 3;
constexpr uint32_t kExpandedCounter = 4;
}  // namespace sample_format

namespace record_format {
constexpr uint32_t kRawHeader = 1;
constexpr uint32_t kSampledIpv4 = 3;
constexpr uint32_t kSampledIpv6 = 4;
}  // namespace record_format

namespace header_protocol {
constexpr uint32_t kEthernet = 1;  // ETHERNET-ISO88023
constexpr uint32_t kIpv4 = 11;
constexpr uint32_t kIpv6 = 12;
}  // namespace header_protocol

constexpr uint32_t kFlowSampleFixed = 32;          // seq … output, record count
constexpr uint32_t kExpandedFlowSampleFixed = 44;  // seq, source id ×2, … output ×2, count
constexpr uint32_t kRawHeaderFixed = 16;           // protocol, frame length, stripped, length
constexpr uint32_t kSampledIpv4Size = 32;
constexpr uint32_t kSampledIpv6Size = 56;
constexpr uint32_t kUnknownInterface = 0x3fffffff;  // compact format: "not known"

//! A bounded reader over big-endian 32-bit words: every read checks what is left first.
class Cursor {
 public:
  Cursor(const uint8_t* p, size_t len) : p_(p), left_(len) {}
  size_t left() const { return left_; }
  const uint8_t* here() const { return p_; }
  bool U32(uint32_t& v) {
    if (left_ < 4) {
      return false;
    }
    v = LoadBe32(p_);
    Advance(4);
    return true;
  }
  bool Skip(size_t n) {
    if (n > left_) {
      return false;
    }
    Advance(n);
    return true;
  }

 private:
  void Advance(size_t n) {
    p_ += n;
    left_ -= n;
  }
  const uint8_t* p_;
  size_t left_;
};

//! What a flow sample's header says, shared by its records.
struct SampleHead {
  uint32_t sampling_rate = 1;
  uint32_t input_if = 0;
  uint32_t output_if = 0;
  uint32_t record_count = 0;
};

//! The datagram's facts every record carries.
struct DatagramContext {
  const IpAddress& exporter;
  TimestampNs ts;
  uint32_t sub_agent;
};

//! A record's base, before the sampled packet's fields.
FlowRecord BaseRecord(const DatagramContext& dgram, const SampleHead& head, uint32_t length) {
  FlowRecord rec;
  rec.protocol = FlowProtocol::kSflowV5;
  rec.exporter = dgram.exporter;
  rec.observation_domain = dgram.sub_agent;
  rec.packet_size = static_cast<uint16_t>(std::min<uint32_t>(length, 0xffff));
  rec.packets = head.sampling_rate;
  rec.bytes = uint64_t{length} * head.sampling_rate;
  rec.sampling_rate = head.sampling_rate;
  rec.start_ns = dgram.ts;
  rec.end_ns = dgram.ts;
  rec.input_if = head.input_if;
  rec.output_if = head.output_if;
  return rec;
}

//! The type-of-service byte (IPv6: traffic class) of the first IP header in a sampled header
//! that is raw IP or Ethernet with up to kMaxVlanTags 802.1Q/802.1ad tags; 0 when not found.
uint8_t FirstIpTos(const uint8_t* p, uint32_t len, LinkType link) {
  uint32_t offset = 0;
  if (link == LinkType::kEthernet) {
    offset = 12;
    for (uint8_t tags = 0;; ++tags) {
      if (offset + 2 > len) {
        return 0;
      }
      const uint16_t type = LoadBe16(p + offset);
      if (type == 0x0800 || type == 0x86dd) {
        offset += 2;
        break;
      }
      if ((type != 0x8100 && type != 0x88a8) || tags == kMaxVlanTags) {
        return 0;
      }
      offset += 4;
    }
  }
  if (offset + 2 > len) {
    return 0;
  }
  switch (p[offset] >> 4) {
    case 4:
      return p[offset + 1];
    case 6:
      return static_cast<uint8_t>((p[offset] << 4) | (p[offset + 1] >> 4));
    default:
      return 0;
  }
}

//! Ports for a record: TCP/UDP ports, or ICMP type << 8 | code in the destination port.
void SetPortsFromMeta(const PacketMeta& meta, FlowRecord& rec) {
  if (meta.Has(meta_flag::kHasPorts)) {
    rec.src_port = meta.src_port;
    rec.dst_port = meta.dst_port;
    return;
  }
  const bool icmp = meta.ip_proto == ip_proto::kIcmp || meta.ip_proto == ip_proto::kIcmpv6;
  if (icmp && !meta.Has(meta_flag::kL4Truncated)) {
    rec.dst_port = static_cast<uint16_t>(meta.icmp_type << 8 | meta.icmp_code);
  }
}

//! Sampled IPv4/IPv6 record ports are 32-bit words; for ICMP the agent puts the type in the
//! source port and the code in the destination port ("or equivalent").
void SetPortsFromWords(uint8_t protocol, uint32_t src_port, uint32_t dst_port, FlowRecord& rec) {
  if (protocol == ip_proto::kIcmp || protocol == ip_proto::kIcmpv6) {
    rec.dst_port = static_cast<uint16_t>((src_port & 0xff) << 8 | (dst_port & 0xff));
    return;
  }
  rec.src_port = static_cast<uint16_t>(src_port);
  rec.dst_port = static_cast<uint16_t>(dst_port);
}

class DatagramDecoder {
 public:
  DatagramDecoder(const DatagramContext& dgram, DecodeStats& header_stats, FlowDecodeStats& stats)
      : dgram_(dgram), header_stats_(header_stats), stats_(stats) {}

  //! Decodes one flow sample's body (`expanded`: format 3). True when `rec` was filled.
  bool FlowSample(const uint8_t* p, uint32_t len, bool expanded, FlowRecord& rec) {
    SampleHead head;
    if (!ReadSampleHead(p, len, expanded, head)) {
      stats_.sflow_sample_truncated++;
      return false;
    }
    const uint32_t fixed = expanded ? kExpandedFlowSampleFixed : kFlowSampleFixed;
    Cursor cur(p + fixed, len - fixed);
    bool have_header = false;
    bool have_sampled_ip = false;
    FlowRecord sampled_ip;
    uint32_t seen = 0;
    for (; seen < head.record_count && cur.left() > 0; ++seen) {
      if (seen == kSflowMaxRecordsPerSample) {
        stats_.sflow_too_many_flow_records++;
        break;
      }
      uint32_t format = 0;
      uint32_t rec_len = 0;
      if (!cur.U32(format) || !cur.U32(rec_len) || rec_len > cur.left()) {
        stats_.sflow_record_truncated++;
        return Finish(have_header, have_sampled_ip, sampled_ip, rec);
      }
      const uint8_t* body = cur.here();
      cur.Skip(rec_len);
      if ((format >> 12) != 0) {
        stats_.sflow_skipped_records++;
        continue;
      }
      switch (format & 0xfff) {
        case record_format::kRawHeader:
          if (!have_header) {
            have_header = RawHeader(body, rec_len, head, rec);
          }
          break;
        case record_format::kSampledIpv4:
          if (!have_sampled_ip) {
            have_sampled_ip = SampledIpv4(body, rec_len, head, sampled_ip);
          }
          break;
        case record_format::kSampledIpv6:
          if (!have_sampled_ip) {
            have_sampled_ip = SampledIpv6(body, rec_len, head, sampled_ip);
          }
          break;
        default:
          stats_.sflow_skipped_records++;
          break;
      }
    }
    if (seen < head.record_count && seen < kSflowMaxRecordsPerSample) {
      stats_.sflow_record_count_mismatch++;  // the sample ended before its count
    } else if (seen == head.record_count && cur.left() > 0) {
      stats_.sflow_record_count_mismatch++;  // bytes after the last counted record
    }
    return Finish(have_header, have_sampled_ip, sampled_ip, rec);
  }

 private:
  bool Finish(bool have_header, bool have_sampled_ip, const FlowRecord& sampled_ip,
              FlowRecord& rec) {
    if (have_header) {
      return true;
    }
    if (have_sampled_ip) {
      rec = sampled_ip;
      return true;
    }
    stats_.sflow_sample_without_ip++;
    return false;
  }

  bool ReadSampleHead(const uint8_t* p, uint32_t len, bool expanded, SampleHead& head) {
    if (!expanded) {
      if (len < kFlowSampleFixed) {
        return false;
      }
      // sequence, source id, rate, pool, drops, input, output, record count.
      SetRate(LoadBe32(p + 8), head);
      head.input_if = CompactInterface(LoadBe32(p + 20));
      head.output_if = CompactInterface(LoadBe32(p + 24));
      head.record_count = LoadBe32(p + 28);
      return true;
    }
    if (len < kExpandedFlowSampleFixed) {
      return false;
    }
    // sequence, source id type, source id index, rate, pool, drops, input format, input value,
    // output format, output value, record count.
    SetRate(LoadBe32(p + 12), head);
    head.input_if = LoadBe32(p + 24) == 0 ? LoadBe32(p + 28) : 0;
    head.output_if = LoadBe32(p + 32) == 0 ? LoadBe32(p + 36) : 0;
    head.record_count = LoadBe32(p + 40);
    return true;
  }

  void SetRate(uint32_t rate, SampleHead& head) {
    if (rate == 0 || rate > kSflowMaxSamplingRate) {
      stats_.absurd_sampling_rate++;
      rate = 1;
    }
    head.sampling_rate = rate;
  }

  //! Compact interface words: format in the top 2 bits (0 = ifIndex; 1 = dropped, 2 = several
  //! interfaces give no single index), 0x3fffffff = unknown.
  static uint32_t CompactInterface(uint32_t word) {
    const uint32_t value = word & 0x3fffffff;
    return (word >> 30) == 0 && value != kUnknownInterface ? value : 0;
  }

  //! A raw packet header record: decoded with the packet decoder. True when it held an IP header.
  bool RawHeader(const uint8_t* p, uint32_t len, const SampleHead& head, FlowRecord& rec) {
    if (len < kRawHeaderFixed) {
      stats_.sflow_record_truncated++;
      return false;
    }
    const uint32_t protocol = LoadBe32(p);
    const uint32_t frame_length = LoadBe32(p + 4);
    const uint32_t header_len = LoadBe32(p + 12);
    if (header_len > len - kRawHeaderFixed) {
      stats_.sflow_record_truncated++;
      return false;
    }
    LinkType link = LinkType::kEthernet;
    switch (protocol) {
      case header_protocol::kEthernet:
        link = LinkType::kEthernet;
        break;
      case header_protocol::kIpv4:
      case header_protocol::kIpv6:
        link = LinkType::kRaw;
        break;
      default:
        stats_.sflow_header_unsupported++;
        return false;
    }
    const uint8_t* header = p + kRawHeaderFixed;
    // The decoder checks IP/TCP/UDP length fields against the wire length: the frame length.
    // `stripped` is not subtracted: agents disagree on it (hsflowd: the 4-byte FCS; others: the
    // payload left out, frame length - header length), and it only loosens those checks.
    RawPacket raw;
    raw.ts_ns = dgram_.ts;
    raw.data = header;
    raw.cap_len = header_len;
    raw.wire_len = std::max(frame_length, header_len);
    raw.link_type = static_cast<uint16_t>(link);
    DecodePacket(raw, meta_, header_stats_);
    if (!meta_.IsIp()) {
      stats_.sflow_header_not_ip++;
      return false;
    }
    rec = BaseRecord(dgram_, head, frame_length);
    rec.src = meta_.outer_src;
    rec.dst = meta_.outer_dst;
    rec.ip_protocol = meta_.ip_proto;
    rec.tcp_flags = meta_.ip_proto == ip_proto::kTcp ? meta_.tcp_flags : 0;
    rec.ttl = meta_.ttl;
    rec.tos = FirstIpTos(header, header_len, link);
    rec.is_fragment = meta_.Has(meta_flag::kFragment);
    SetPortsFromMeta(meta_, rec);
    return true;
  }

  bool SampledIpv4(const uint8_t* p, uint32_t len, const SampleHead& head, FlowRecord& rec) {
    if (len < kSampledIpv4Size) {
      stats_.sflow_record_truncated++;
      return false;
    }
    // length, protocol, source, destination, source port, destination port, TCP flags, ToS.
    rec = BaseRecord(dgram_, head, LoadBe32(p));
    rec.ip_protocol = static_cast<uint8_t>(LoadBe32(p + 4));
    rec.src.AssignV4(p + 8);
    rec.dst.AssignV4(p + 12);
    SetPortsFromWords(rec.ip_protocol, LoadBe32(p + 16), LoadBe32(p + 20), rec);
    rec.tcp_flags = static_cast<uint8_t>(LoadBe32(p + 24));
    rec.tos = static_cast<uint8_t>(LoadBe32(p + 28));
    return true;
  }

  bool SampledIpv6(const uint8_t* p, uint32_t len, const SampleHead& head, FlowRecord& rec) {
    if (len < kSampledIpv6Size) {
      stats_.sflow_record_truncated++;
      return false;
    }
    // length, next header, source, destination, source port, destination port, TCP flags,
    // priority.
    rec = BaseRecord(dgram_, head, LoadBe32(p));
    rec.ip_protocol = static_cast<uint8_t>(LoadBe32(p + 4));
    rec.src.AssignV6(p + 8);
    rec.dst.AssignV6(p + 24);
    SetPortsFromWords(rec.ip_protocol, LoadBe32(p + 40), LoadBe32(p + 44), rec);
    rec.tcp_flags = static_cast<uint8_t>(LoadBe32(p + 48));
    rec.tos = static_cast<uint8_t>(LoadBe32(p + 52));
    return true;
  }

  const DatagramContext& dgram_;
  DecodeStats& header_stats_;
  FlowDecodeStats& stats_;
  PacketMeta meta_;
};

//! The agent address: a type word, then 0, 4 or 16 bytes. False when the type is unknown (the
//! length of what follows is then unknown too).
bool SkipAgentAddress(Cursor& cur, FlowDecodeStats& stats) {
  uint32_t type = 0;
  if (!cur.U32(type)) {
    stats.sflow_truncated++;
    return false;
  }
  size_t size = 0;
  switch (type) {
    case 0:  // unknown: no address bytes
      break;
    case 1:
      size = 4;
      break;
    case 2:
      size = 16;
      break;
    default:
      stats.sflow_bad_agent_address++;
      return false;
  }
  if (!cur.Skip(size)) {
    stats.sflow_truncated++;
    return false;
  }
  return true;
}

}  // namespace

void SflowDecoder::Decode(const IpAddress& agent_from_udp, TimestampNs ts, const uint8_t* data,
                          size_t len, std::vector<FlowRecord>& out, FlowDecodeStats& stats) {
  stats.sflow_datagrams++;
  Cursor cur(data, len);
  uint32_t version = 0;
  if (!cur.U32(version)) {
    stats.sflow_truncated++;
    return;
  }
  if (version != 5) {
    stats.sflow_bad_version++;
    return;
  }
  if (!SkipAgentAddress(cur, stats)) {
    return;
  }
  uint32_t sub_agent = 0;
  uint32_t sequence = 0;
  uint32_t uptime = 0;
  uint32_t sample_count = 0;
  if (!cur.U32(sub_agent) || !cur.U32(sequence) || !cur.U32(uptime) || !cur.U32(sample_count)) {
    stats.sflow_truncated++;
    return;
  }
  const DatagramContext dgram{agent_from_udp, ts, sub_agent};
  DatagramDecoder decoder(dgram, header_stats_, stats);
  uint32_t seen = 0;
  uint32_t records = 0;
  for (; seen < sample_count && cur.left() > 0; ++seen) {
    if (seen == kSflowMaxSamplesPerDatagram) {
      stats.sflow_too_many_samples++;
      return;
    }
    uint32_t format = 0;
    uint32_t sample_len = 0;
    if (!cur.U32(format) || !cur.U32(sample_len) || sample_len > cur.left()) {
      stats.sflow_sample_truncated++;
      return;
    }
    const uint8_t* body = cur.here();
    cur.Skip(sample_len);
    if ((format >> 12) != 0) {
      stats.sflow_unknown_samples++;
      continue;
    }
    switch (format & 0xfff) {
      case sample_format::kFlow:
      case sample_format::kExpandedFlow: {
        stats.sflow_flow_samples++;
        FlowRecord rec;
        const bool expanded = (format & 0xfff) == sample_format::kExpandedFlow;
        if (!decoder.FlowSample(body, sample_len, expanded, rec)) {
          break;
        }
        if (records == kSflowMaxRecordsPerDatagram) {
          stats.records_over_cap++;
          return;
        }
        out.push_back(rec);
        ++records;
        stats.sflow_records++;
        break;
      }
      case sample_format::kCounter:
      case sample_format::kExpandedCounter:
        stats.sflow_counter_samples++;
        break;
      default:
        stats.sflow_unknown_samples++;
        break;
    }
  }
  if (seen < sample_count || cur.left() > 0) {
    stats.sflow_sample_count_mismatch++;  // fewer samples than counted, or bytes after the last
  }
}

}  // namespace rampart::flow
