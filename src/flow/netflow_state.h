#pragma once
// Internal to the NetFlow v9 / IPFIX decoder: the template and options tables, held data and the
// per-call state shared by netflow_decoder.cc (sets, records, held data) and
// netflow_templates.cc (template sets).
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <deque>
#include <vector>

#include "core/hash.h"
#include "flow/bounded_map.h"
#include "flow/netflow_decoder.h"
#include "flow/netflow_fields.h"

namespace rampart::flow::netflow {

constexpr size_t kSetHeaderLen = 4;
constexpr uint16_t kMinDataSetId = 256;
//! A record cannot be longer than a set's body can ever be.
constexpr uint32_t kMaxRecordLen = 65535 - kSetHeaderLen;

struct TemplateKey {
  IpAddress exporter;
  uint32_t domain = 0;
  uint16_t id = 0;
  uint8_t version = 0;
  friend bool operator==(const TemplateKey& a, const TemplateKey& b) {
    return a.id == b.id && a.domain == b.domain && a.version == b.version &&
           a.exporter == b.exporter;
  }
};

//! What options data taught about an exporter (per address, domain and version).
enum class OptionKind : uint8_t { kSamplerRate, kExporterRate, kSystemInit };

struct OptionsKey {
  IpAddress exporter;
  uint32_t domain = 0;
  uint8_t version = 0;
  OptionKind kind = OptionKind::kSamplerRate;
  uint64_t id = 0;  // sampler / selector id for kSamplerRate
  friend bool operator==(const OptionsKey& a, const OptionsKey& b) {
    return a.id == b.id && a.kind == b.kind && a.domain == b.domain && a.version == b.version &&
           a.exporter == b.exporter;
  }
};

inline uint64_t AddressWord(const IpAddress& a, size_t at) {
  uint64_t w = 0;
  std::memcpy(&w, a.bytes.data() + at, sizeof w);
  return w;
}

struct TemplateKeyHash {
  uint64_t seed = 0;
  size_t operator()(const TemplateKey& k) const {
    const uint64_t tag = uint64_t{k.domain} << 32 | uint64_t{k.id} << 16 |
                         uint64_t{k.version} << 8 | static_cast<uint64_t>(k.exporter.family);
    return HashKey128(AddressWord(k.exporter, 0), AddressWord(k.exporter, 8), tag, seed);
  }
};

struct OptionsKeyHash {
  uint64_t seed = 0;
  size_t operator()(const OptionsKey& k) const {
    const uint64_t tag = uint64_t{k.domain} << 32 | uint64_t{k.version} << 16 |
                         static_cast<uint64_t>(k.kind) << 8 |
                         static_cast<uint64_t>(k.exporter.family);
    return HashKey128(AddressWord(k.exporter, 0) ^ (k.id * 0x9e3779b97f4a7c15ULL),
                      AddressWord(k.exporter, 8), tag, seed);
  }
};

struct FieldSpec {
  uint16_t length = 0;  // kVariableLength: 1 or 3 length bytes precede the value
  FieldKind kind = FieldKind::kSkip;
};

struct FixedField {
  uint16_t offset = 0;
  uint16_t length = 0;
  FieldKind kind = FieldKind::kSkip;
};

//! A template compiled for decoding: fixed-length templates keep only the fields rampart reads,
//! with their offsets; templates with variable-length fields are walked field by field.
struct CompiledTemplate {
  std::vector<FieldSpec> fields;
  std::vector<FixedField> program;
  uint64_t definition = 0;  // hash of the raw definition, to tell a refresh from a replacement
  uint32_t min_record_len = 0;
  bool variable = false;
  bool options = false;
};

struct HeldSet {
  TemplateKey key;
  DatagramContext ctx;
  TimestampNs held_at = 0;
  std::vector<uint8_t> body;  // the set without its header
};

inline uint8_t VersionOf(FlowProtocol protocol) {
  return protocol == FlowProtocol::kIpfix ? 10 : 9;
}

inline TemplateKey KeyOf(const DatagramContext& ctx, uint16_t id) {
  return TemplateKey{ctx.exporter, ctx.domain, id, VersionOf(ctx.protocol)};
}

inline OptionsKey OptionsKeyOf(const DatagramContext& ctx, OptionKind kind, uint64_t id) {
  return OptionsKey{ctx.exporter, ctx.domain, VersionOf(ctx.protocol), kind, id};
}

struct DecoderState {
  explicit DecoderState(const NetflowLimits& limits, uint64_t seed)
      : templates(limits.max_templates, TemplateKeyHash{seed}),
        options(limits.max_options_entries, OptionsKeyHash{seed ^ 0x5bd1e995u}) {}

  BoundedMap<TemplateKey, CompiledTemplate, TemplateKeyHash> templates;
  BoundedMap<OptionsKey, uint64_t, OptionsKeyHash> options;
  std::deque<HeldSet> held;
  size_t held_bytes = 0;
  SectionScratch section;  // packet sections are decoded here (FinishRecord)
};

//! One Decode() call: where records go and how many more may.
struct Pass {
  netflow::DecoderState& state;
  const NetflowLimits& limits;
  std::vector<FlowRecord>& out;
  FlowDecodeStats& stats;
  TimestampNs ts = 0;
  uint32_t emitted = 0;
  uint32_t records_seen = 0;  // template, options and data records (the v9 header's count)
  bool held_any = false;
};

//! Template and options template sets (v9 sets 0 and 1, IPFIX sets 2 and 3): learns, replaces
//! and withdraws templates, and releases the data held for them (netflow_templates.cc).
void ParseTemplateSet(Pass& pass, const DatagramContext& ctx, const uint8_t* p, size_t n,
                      bool options_set);

//! Decodes the held sets that were waiting for `key`, oldest first (netflow_decoder.cc).
void ReleaseHeld(Pass& pass, const TemplateKey& key, const CompiledTemplate& t);

}  // namespace rampart::flow::netflow
