// NetFlow v5 / v9 / IPFIX datagram walking, templates, options and held data (docs/flow.md).
// Every read is preceded by a bounds check on the datagram; counts and lengths in it are never
// trusted; every loop advances by at least one byte of the datagram or is bounded by a table cap.
#include "flow/netflow_decoder.h"

#include <cstring>
#include <deque>
#include <optional>
#include <utility>
#include <vector>

#include "core/byte_order.h"
#include "flow/netflow_state.h"

namespace rampart::flow {

using netflow::CompiledTemplate;
using netflow::DatagramContext;
using netflow::FieldKind;
using netflow::FieldSpec;
using netflow::FixedField;
using netflow::HeldSet;
using netflow::kMinDataSetId;
using netflow::kSetHeaderLen;
using netflow::OptionKind;
using netflow::Pass;
using netflow::RecordScratch;
using netflow::TemplateKey;

namespace {

constexpr size_t kV5HeaderLen = 24;
constexpr size_t kV5RecordLen = 48;
constexpr uint16_t kV5MaxCount = 30;
constexpr size_t kV9HeaderLen = 20;
constexpr size_t kIpfixHeaderLen = 16;

void Emit(Pass& pass, const FlowRecord& record) {
  if (pass.emitted >= pass.limits.max_records_per_datagram) {
    pass.stats.records_over_cap++;
    return;
  }
  pass.out.push_back(record);
  pass.emitted++;
  if (record.protocol == FlowProtocol::kIpfix) {
    pass.stats.ipfix_records++;
  } else if (record.protocol == FlowProtocol::kNetflowV9) {
    pass.stats.v9_records++;
  } else {
    pass.stats.v5_records++;
  }
}

std::optional<uint64_t> LookupOption(Pass& pass, const DatagramContext& ctx, OptionKind kind,
                                     uint64_t id) {
  const uint64_t* v = pass.state.options.Find(OptionsKeyOf(ctx, kind, id));
  return v != nullptr ? std::optional<uint64_t>(*v) : std::nullopt;
}

void StoreOption(Pass& pass, const DatagramContext& ctx, OptionKind kind, uint64_t id,
                 uint64_t value) {
  bool inserted = false;
  bool evicted = false;
  pass.state.options.Upsert(OptionsKeyOf(ctx, kind, id), inserted, evicted) = value;
  if (evicted) {
    pass.stats.options_table_full++;
  }
}

//! An options data record: sampler rates (with a sampler or selector id), the exporter-wide rate
//! (without one) and the system init time.
void ApplyOptionsRecord(Pass& pass, const DatagramContext& ctx, const RecordScratch& s) {
  pass.stats.options_records++;
  const std::optional<uint64_t> rate = netflow::RecordSamplingRate(s);
  if (rate) {
    if (s.Has(FieldKind::kSamplerId)) {
      StoreOption(pass, ctx, OptionKind::kSamplerRate, s.Get(FieldKind::kSamplerId), *rate);
    } else {
      StoreOption(pass, ctx, OptionKind::kExporterRate, 0, *rate);
    }
  }
  if (s.Has(FieldKind::kSystemInitMs)) {
    StoreOption(pass, ctx, OptionKind::kSystemInit, 0, s.Get(FieldKind::kSystemInitMs));
  }
}

//! A data record: its own rate, else its sampler's, else the exporter's, else 1.
void FinishDataRecord(Pass& pass, const DatagramContext& ctx, const RecordScratch& s,
                      bool from_held) {
  std::optional<uint64_t> rate = netflow::RecordSamplingRate(s);
  if (!rate && s.Has(FieldKind::kSamplerId)) {
    rate = LookupOption(pass, ctx, OptionKind::kSamplerRate, s.Get(FieldKind::kSamplerId));
    if (!rate) {
      pass.stats.sampler_unknown++;
    }
  }
  if (!rate) {
    rate = LookupOption(pass, ctx, OptionKind::kExporterRate, 0);
  }
  std::optional<uint64_t> system_init;
  if (s.Has(FieldKind::kSystemInitMs)) {
    system_init = s.Get(FieldKind::kSystemInitMs);
  } else if (!ctx.has_uptime && (s.Has(FieldKind::kFirstUptime) || s.Has(FieldKind::kLastUptime))) {
    system_init = LookupOption(pass, ctx, OptionKind::kSystemInit, 0);
  }
  FlowRecord records[2];
  const int made =
      netflow::FinishRecord(s, ctx, rate, system_init, pass.state.section, records, pass.stats);
  for (int i = 0; i < made; ++i) {
    if (from_held && pass.emitted < pass.limits.max_records_per_datagram) {
      pass.stats.held_records_decoded++;
    }
    Emit(pass, records[i]);
  }
}

//! Decodes the records of one data set with its template.
void DecodeRecords(Pass& pass, const DatagramContext& ctx, const CompiledTemplate& t,
                   const uint8_t* p, size_t n, bool from_held) {
  RecordScratch scratch;
  size_t off = 0;
  // Fewer bytes than a record left: padding (RFC 7011 §3.3.1, RFC 3954 §5.3).
  while (n - off >= t.min_record_len) {
    scratch.Reset();
    if (!t.variable) {
      const uint8_t* record = p + off;
      for (const FixedField& f : t.program) {
        netflow::ApplyField(f.kind, record + f.offset, f.length, scratch);
      }
      off += t.min_record_len;
    } else {
      size_t at = off;
      bool truncated = false;
      for (const FieldSpec& f : t.fields) {
        size_t length = f.length;
        if (f.length == netflow::kVariableLength) {
          if (n - at < 1) {
            truncated = true;
            break;
          }
          length = p[at++];
          if (length == 255) {
            if (n - at < 2) {
              truncated = true;
              break;
            }
            length = LoadBe16(p + at);
            at += 2;
          }
        }
        if (n - at < length) {
          truncated = true;
          break;
        }
        netflow::ApplyField(f.kind, p + at, static_cast<uint16_t>(length), scratch);
        at += length;
      }
      if (truncated) {
        pass.stats.record_truncated++;
        return;
      }
      off = at;
    }
    pass.records_seen++;
    if (t.options) {
      ApplyOptionsRecord(pass, ctx, scratch);
    } else {
      FinishDataRecord(pass, ctx, scratch, from_held);
    }
  }
}

void DropHeldFront(Pass& pass) {
  pass.state.held_bytes -= pass.state.held.front().body.size();
  pass.state.held.pop_front();
  pass.stats.held_sets_dropped_cap++;
}

//! Keeps a data set whose template has not come yet (bounded; the oldest goes first).
void Hold(Pass& pass, const DatagramContext& ctx, uint16_t id, const uint8_t* p, size_t n) {
  pass.stats.data_sets_held++;
  pass.held_any = true;
  netflow::DecoderState& st = pass.state;
  if (n > pass.limits.max_held_bytes || pass.limits.max_held_sets == 0) {
    pass.stats.held_sets_dropped_cap++;
    return;
  }
  while (!st.held.empty() && (st.held.size() >= pass.limits.max_held_sets ||
                              st.held_bytes + n > pass.limits.max_held_bytes)) {
    DropHeldFront(pass);
  }
  HeldSet& h = st.held.emplace_back();
  h.key = KeyOf(ctx, id);
  h.ctx = ctx;
  h.held_at = pass.ts;
  h.body.assign(p, p + n);
  st.held_bytes += n;
}

}  // namespace

void netflow::ReleaseHeld(Pass& pass, const TemplateKey& key, const CompiledTemplate& t) {
  netflow::DecoderState& st = pass.state;
  for (auto it = st.held.begin(); it != st.held.end();) {
    if (!(it->key == key)) {
      ++it;
      continue;
    }
    HeldSet h = std::move(*it);
    it = st.held.erase(it);
    st.held_bytes -= h.body.size();
    pass.stats.held_sets_decoded++;
    DecodeRecords(pass, h.ctx, t, h.body.data(), h.body.size(), true);
  }
}

namespace {

void ParseDataSet(Pass& pass, const DatagramContext& ctx, uint16_t id, const uint8_t* p, size_t n) {
  const CompiledTemplate* t = pass.state.templates.Find(KeyOf(ctx, id));
  if (t == nullptr) {
    Hold(pass, ctx, id, p, n);
    return;
  }
  DecodeRecords(pass, ctx, *t, p, n, false);
}

bool AllZero(const uint8_t* p, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (p[i] != 0) {
      return false;
    }
  }
  return true;
}

//! The sets of a v9 / IPFIX message in p[begin..end).
void WalkSets(Pass& pass, const DatagramContext& ctx, const uint8_t* p, size_t begin, size_t end) {
  const bool ipfix = ctx.protocol == FlowProtocol::kIpfix;
  size_t off = begin;
  while (end - off >= kSetHeaderLen) {
    const uint16_t id = LoadBe16(p + off);
    const uint16_t length = LoadBe16(p + off + 2);
    if (length < kSetHeaderLen) {
      if (AllZero(p + off, end - off)) {
        pass.stats.datagram_zero_padding++;
      } else {
        pass.stats.set_too_short++;
      }
      return;
    }
    if (length > end - off) {
      pass.stats.set_beyond_datagram++;
      return;
    }
    const uint8_t* body = p + off + kSetHeaderLen;
    const size_t body_len = length - kSetHeaderLen;
    const uint16_t template_set = ipfix ? 2 : 0;
    const uint16_t options_set = ipfix ? 3 : 1;
    if (id == template_set || id == options_set) {
      netflow::ParseTemplateSet(pass, ctx, body, body_len, id == options_set);
    } else if (id >= kMinDataSetId) {
      ParseDataSet(pass, ctx, id, body, body_len);
    } else {
      pass.stats.set_reserved_id++;
    }
    off += length;
  }
  if (off < end && !AllZero(p + off, end - off)) {
    pass.stats.set_too_short++;
  }
}

void DecodeV5(Pass& pass, const IpAddress& exporter, const uint8_t* p, size_t len) {
  if (len < kV5HeaderLen) {
    pass.stats.datagram_too_short++;
    return;
  }
  const uint16_t count = LoadBe16(p + 2);
  if (count == 0 || count > kV5MaxCount) {
    pass.stats.v5_bad_count++;
    return;
  }
  if (len < kV5HeaderLen + size_t{count} * kV5RecordLen) {
    pass.stats.v5_bad_length++;
    return;
  }
  pass.stats.v5_datagrams++;
  const uint32_t uptime = LoadBe32(p + 4);
  const TimestampNs export_ns = static_cast<TimestampNs>(LoadBe32(p + 8)) * kNanosPerSecond +
                                LoadBe32(p + 12) % 1'000'000'000u;
  // Sampling: the top two bits are the mode (0 = none), the low 14 the interval.
  const uint16_t sampling = LoadBe16(p + 22);
  std::optional<uint64_t> rate;
  if ((sampling >> 14) != 0) {
    rate = sampling & 0x3fffu;
  }
  uint64_t applied = 1;
  if (rate && (*rate == 0 || *rate > kMaxSamplingRate)) {
    pass.stats.absurd_sampling_rate += count;
  } else if (rate) {
    applied = *rate;
  }
  for (uint16_t i = 0; i < count; ++i) {
    const uint8_t* r = p + kV5HeaderLen + size_t{i} * kV5RecordLen;
    FlowRecord record;
    record.protocol = FlowProtocol::kNetflowV5;
    record.exporter = exporter;
    record.observation_domain = uint32_t{p[20]} << 8 | p[21];  // engine type, engine id
    record.src.AssignV4(r);
    record.dst.AssignV4(r + 4);
    record.input_if = LoadBe16(r + 12);
    record.output_if = LoadBe16(r + 14);
    record.packets = uint64_t{LoadBe32(r + 16)} * applied;
    record.bytes = uint64_t{LoadBe32(r + 20)} * applied;
    const auto first_ago = static_cast<int32_t>(uptime - LoadBe32(r + 24));
    const auto last_ago = static_cast<int32_t>(uptime - LoadBe32(r + 28));
    record.start_ns = export_ns - int64_t{first_ago} * 1'000'000;
    record.end_ns = export_ns - int64_t{last_ago} * 1'000'000;
    record.src_port = LoadBe16(r + 32);
    record.dst_port = LoadBe16(r + 34);
    record.tcp_flags = r[37];
    record.ip_protocol = r[38];
    record.tos = r[39];
    record.sampling_rate = static_cast<uint32_t>(applied);
    Emit(pass, record);
  }
}

void DecodeV9(Pass& pass, const IpAddress& exporter, const uint8_t* p, size_t len) {
  if (len < kV9HeaderLen) {
    pass.stats.datagram_too_short++;
    return;
  }
  pass.stats.v9_datagrams++;
  DatagramContext ctx;
  ctx.protocol = FlowProtocol::kNetflowV9;
  ctx.exporter = exporter;
  ctx.domain = LoadBe32(p + 16);
  ctx.export_ns = static_cast<TimestampNs>(LoadBe32(p + 8)) * kNanosPerSecond;
  ctx.sys_uptime_ms = LoadBe32(p + 4);
  ctx.has_uptime = true;
  WalkSets(pass, ctx, p, kV9HeaderLen, len);
  // The count is the datagram's records of every kind; unknown when a set was held.
  if (!pass.held_any && pass.records_seen != LoadBe16(p + 2)) {
    pass.stats.v9_count_mismatch++;
  }
}

void DecodeIpfix(Pass& pass, const IpAddress& exporter, const uint8_t* p, size_t len) {
  if (len < kIpfixHeaderLen) {
    pass.stats.datagram_too_short++;
    return;
  }
  const uint16_t length = LoadBe16(p + 2);
  if (length < kIpfixHeaderLen || length > len) {
    pass.stats.ipfix_bad_length++;
    return;
  }
  if (length < len) {
    // One message per datagram (RFC 7011 §10.3.3); what follows is not read.
    pass.stats.ipfix_trailing_bytes++;
  }
  pass.stats.ipfix_datagrams++;
  DatagramContext ctx;
  ctx.protocol = FlowProtocol::kIpfix;
  ctx.exporter = exporter;
  ctx.domain = LoadBe32(p + 12);
  ctx.export_ns = static_cast<TimestampNs>(LoadBe32(p + 4)) * kNanosPerSecond;
  WalkSets(pass, ctx, p, kIpfixHeaderLen, length);
}

}  // namespace

NetflowDecoder::NetflowDecoder(const Limits& limits)
    : limits_(limits),
      state_(std::make_unique<netflow::DecoderState>(
          limits, limits.hash_seed != 0 ? limits.hash_seed : RandomSeed())) {}

NetflowDecoder::~NetflowDecoder() = default;

void NetflowDecoder::ExpireHeld(TimestampNs ts, FlowDecodeStats& stats) {
  netflow::DecoderState& st = *state_;
  for (auto it = st.held.begin(); it != st.held.end();) {
    // Unsigned difference: no overflow whatever the two times are.
    const bool expired =
        it->held_at<ts&& static_cast<uint64_t>(ts) -
                    static_cast<uint64_t>(it->held_at)> static_cast<uint64_t>(limits_.hold_ns);
    if (expired) {
      st.held_bytes -= it->body.size();
      it = st.held.erase(it);
      stats.held_sets_expired++;
    } else {
      ++it;
    }
  }
}

// The exporter's UDP port is not part of any key (see the class comment).
void NetflowDecoder::Decode(const IpAddress& exporter, uint16_t /*exporter_port*/, TimestampNs ts,
                            const uint8_t* data, size_t len, std::vector<FlowRecord>& out,
                            FlowDecodeStats& stats) {
  if (!state_->held.empty()) {
    ExpireHeld(ts, stats);
  }
  if (data == nullptr || len < 2) {
    stats.datagram_too_short++;
    return;
  }
  Pass pass{*state_, limits_, out, stats, ts};
  switch (LoadBe16(data)) {
    case 5:
      DecodeV5(pass, exporter, data, len);
      return;
    case 9:
      DecodeV9(pass, exporter, data, len);
      return;
    case 10:
      DecodeIpfix(pass, exporter, data, len);
      return;
    default:
      stats.bad_version++;
      return;
  }
}

const DecodeStats& NetflowDecoder::section_stats() const {
  return state_->section.stats;
}
size_t NetflowDecoder::held_sets() const {
  return state_->held.size();
}
size_t NetflowDecoder::held_bytes() const {
  return state_->held_bytes;
}
size_t NetflowDecoder::templates() const {
  return state_->templates.size();
}

}  // namespace rampart::flow
