// NetFlow v9 / IPFIX template and options template sets: templates are parsed with a bounds check
// before every read, compiled into the fields rampart reads, stored (bounded), replaced and
// withdrawn; the data held for them is released (docs/flow.md).
#include <cstddef>
#include <cstdint>
#include <utility>

#include "core/byte_order.h"
#include "flow/netflow_state.h"

namespace rampart::flow::netflow {
namespace {

uint64_t MixDefinition(uint64_t h, uint64_t v) {
  return MixMultiply(h ^ v, 0x9fb21c651e98df25ULL) + 0x2545f4914f6cdd1dULL;
}

struct RawField {
  uint16_t id = 0;
  uint16_t length = 0;
  uint32_t enterprise = 0;
  bool has_enterprise = false;
  bool v9_scope = false;  // v9 scope types (1-5) are not information elements
};

//! Compiles and stores a template (replacing one with the same key), then releases held data.
void LearnTemplate(Pass& pass, const DatagramContext& ctx, uint16_t id, const RawField* raw,
                   size_t count, bool options) {
  CompiledTemplate t;
  t.options = options;
  t.fields.reserve(count);
  uint64_t definition = options ? 1 : 2;
  uint64_t enterprise_fields = 0;
  uint64_t variable_fields = 0;
  uint64_t bad_lengths = 0;
  uint32_t offset = 0;
  for (size_t i = 0; i < count; ++i) {
    const RawField& f = raw[i];
    definition =
        MixDefinition(definition, uint64_t{f.id} << 48 | uint64_t{f.length} << 32 | f.enterprise);
    definition = MixDefinition(definition, uint64_t{f.has_enterprise} << 1 | f.v9_scope);
    FieldKind kind = f.v9_scope ? FieldKind::kSkip : KindOf(f.id, f.enterprise);
    enterprise_fields += f.has_enterprise ? 1 : 0;
    if (f.length == kVariableLength) {
      variable_fields++;
      t.variable = true;
      if (!LengthFits(kind, kVariableLength)) {
        kind = FieldKind::kSkip;  // only packet sections are read at a variable length
      }
      offset += 1;
    } else {
      if (!LengthFits(kind, f.length)) {
        bad_lengths++;
        kind = FieldKind::kSkip;
      }
      if (kind != FieldKind::kSkip && offset <= kMaxRecordLen) {
        t.program.push_back(FixedField{static_cast<uint16_t>(offset), f.length, kind});
      }
      offset += f.length;
    }
    t.fields.push_back(FieldSpec{f.length, kind});
  }
  if (offset > kMaxRecordLen) {
    pass.stats.template_too_long++;
    return;
  }
  if (offset == 0) {
    pass.stats.template_zero_length++;
    return;
  }
  t.min_record_len = offset;
  t.definition = definition;
  if (t.variable) {
    t.program.clear();
  }

  const TemplateKey key = KeyOf(ctx, id);
  bool inserted = false;
  bool evicted = false;
  CompiledTemplate& slot = pass.state.templates.Upsert(key, inserted, evicted);
  if (evicted) {
    pass.stats.template_table_full++;
  }
  const bool changed = inserted || slot.definition != definition;
  if (changed) {
    if (inserted) {
      pass.stats.templates_learned++;
    } else {
      pass.stats.templates_replaced++;
    }
    if (options) {
      pass.stats.options_templates++;
    }
    pass.stats.enterprise_fields += enterprise_fields;
    pass.stats.variable_length_fields += variable_fields;
    pass.stats.template_field_bad_length += bad_lengths;
    slot = std::move(t);
  }
  ReleaseHeld(pass, key, slot);
}

void Withdraw(Pass& pass, const DatagramContext& ctx, uint16_t id, bool options_set) {
  // Template id 2 in a template set withdraws every template of the domain; 3 in an options
  // template set every options template (RFC 7011 §8.1).
  const uint16_t all_id = options_set ? 3 : 2;
  if (id == all_id) {
    const uint8_t version = VersionOf(ctx.protocol);
    pass.stats.templates_withdrawn +=
        pass.state.templates.EraseIf([&](const TemplateKey& k, const CompiledTemplate& t) {
          return k.domain == ctx.domain && k.version == version && k.exporter == ctx.exporter &&
                 t.options == options_set;
        });
    return;
  }
  if (id < kMinDataSetId) {
    pass.stats.template_bad_id++;
    return;
  }
  if (pass.state.templates.Erase(KeyOf(ctx, id))) {
    pass.stats.templates_withdrawn++;
  } else {
    pass.stats.template_withdraw_unknown++;
  }
}

//! Reads `count` field specifiers at p[off..n). False (counted) when they run past the end.
bool ReadFields(Pass& pass, const uint8_t* p, size_t n, size_t& off, size_t count, bool ipfix,
                size_t v9_scope_fields, RawField* fields) {
  for (size_t i = 0; i < count; ++i) {
    if (n - off < 4) {
      pass.stats.template_truncated++;
      return false;
    }
    RawField& f = fields[i];
    f = RawField{};
    f.id = LoadBe16(p + off);
    f.length = LoadBe16(p + off + 2);
    off += 4;
    f.v9_scope = i < v9_scope_fields;
    if (ipfix && (f.id & 0x8000) != 0) {
      if (n - off < 4) {
        pass.stats.template_truncated++;
        return false;
      }
      f.id &= 0x7fff;
      f.has_enterprise = true;
      f.enterprise = LoadBe32(p + off);
      off += 4;
    }
  }
  return true;
}

}  // namespace

//! A template set (v9 id 0, IPFIX id 2) or options template set (v9 id 1, IPFIX id 3).
void ParseTemplateSet(Pass& pass, const DatagramContext& ctx, const uint8_t* p, size_t n,
                      bool options_set) {
  const bool ipfix = ctx.protocol == FlowProtocol::kIpfix;
  RawField fields[kMaxTemplateFields];
  size_t off = 0;
  while (n - off >= 4) {
    const uint16_t id = LoadBe16(p + off);
    const uint16_t second = LoadBe16(p + off + 2);
    if (id == 0 && second == 0) {
      break;  // zero padding up to the set's end
    }
    size_t count = 0;
    size_t v9_scope = 0;
    size_t header = 4;
    if (!ipfix && options_set) {
      // v9 options template: id, scope length and option length in bytes (RFC 3954 §6.1).
      if (n - off < 6) {
        break;  // padding
      }
      const uint16_t scope_len = LoadBe16(p + off + 2);
      const uint16_t option_len = LoadBe16(p + off + 4);
      if (scope_len % 4 != 0 || option_len % 4 != 0) {
        pass.stats.template_truncated++;
        return;
      }
      v9_scope = scope_len / 4u;
      count = v9_scope + option_len / 4u;
      header = 6;
    } else {
      count = second;
      if (count == 0) {
        pass.records_seen++;
        if (ipfix) {
          Withdraw(pass, ctx, id, options_set);
        } else {
          pass.stats.template_zero_length++;
        }
        off += 4;
        continue;
      }
      if (ipfix && options_set) {
        if (n - off < 6) {
          pass.stats.template_truncated++;
          return;
        }
        const uint16_t scope_count = LoadBe16(p + off + 4);
        if (scope_count == 0 || scope_count > count) {
          pass.stats.template_truncated++;
          return;
        }
        header = 6;
      }
    }
    if (id < kMinDataSetId) {
      pass.stats.template_bad_id++;
      return;
    }
    if (count > kMaxTemplateFields) {
      pass.stats.template_field_count_absurd++;
      return;
    }
    if (count == 0) {
      pass.stats.template_zero_length++;
      off += header;
      continue;
    }
    off += header;
    if (!ReadFields(pass, p, n, off, count, ipfix, v9_scope, fields)) {
      return;
    }
    pass.records_seen++;
    LearnTemplate(pass, ctx, id, fields, count, options_set);
  }
}

}  // namespace rampart::flow::netflow
