#pragma once
// Named counters of the flow decoders: every datagram, record, malformed or dropped case has one
// (docs/flow.md lists them). Plain integers owned by one worker, merged on the tick. Names are
// part of the report contract: add new ones, never rename.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace rampart::flow {

// X(member, "report name"). NetFlow v5, v9 and IPFIX (src/flow/netflow_decoder.cc).
#define RAMPART_NETFLOW_STATS(X)                                                                   \
  X(datagram_too_short, "flow.datagram_too_short")     /* shorter than its version's header */     \
  X(bad_version, "flow.bad_version")                   /* not 5, 9 or 10 (sFlow lands here) */     \
  X(records_over_cap, "flow.records_over_cap")         /* past the per-datagram record cap */      \
  X(absurd_sampling_rate, "flow.absurd_sampling_rate") /* 0 or > 1,000,000: kept with rate 1 */    \
  X(records_without_address, "flow.records_without_address") /* no source or destination */        \
  X(v5_datagrams, "netflow_v5.datagrams")                                                          \
  X(v5_records, "netflow_v5.records")                                                              \
  X(v5_bad_count, "netflow_v5.bad_count")   /* count 0 or > 30: datagram dropped */                \
  X(v5_bad_length, "netflow_v5.bad_length") /* shorter than 24 + 48 * count: dropped */            \
  X(v9_datagrams, "netflow_v9.datagrams")                                                          \
  X(v9_records, "netflow_v9.records")                                                              \
  X(v9_count_mismatch, "netflow_v9.count_mismatch") /* header count differs (decoded anyway) */    \
  X(ipfix_datagrams, "ipfix.datagrams")                                                            \
  X(ipfix_records, "ipfix.records")                                                                \
  X(ipfix_bad_length, "ipfix.bad_length")         /* message length < 16 or past the datagram */   \
  X(ipfix_trailing_bytes, "ipfix.trailing_bytes") /* datagram longer than the message */           \
  X(ipfix_biflow_reverse_records, "ipfix.biflow_reverse_records") /* RFC 5103 reverse */           \
  X(set_too_short, "netflow.set_too_short") /* set length < 4: rest of datagram dropped */         \
  X(set_beyond_datagram, "netflow.set_beyond_datagram")     /* rest of datagram dropped */         \
  X(set_reserved_id, "netflow.set_reserved_id")             /* skipped */                          \
  X(datagram_zero_padding, "netflow.datagram_zero_padding") /* zero bytes after the last set */    \
  X(template_bad_id, "netflow.template_bad_id")             /* id < 256: rest of set dropped */    \
  X(template_truncated, "netflow.template_truncated")       /* fields past the set's end */        \
  X(template_field_count_absurd, "netflow.template_field_count_absurd") /* > 512 fields */         \
  X(template_too_long, "netflow.template_too_long")       /* records longer than a set */          \
  X(template_zero_length, "netflow.template_zero_length") /* records of 0 bytes: ignored */        \
  X(template_field_bad_length, "netflow.template_field_bad_length") /* known id, odd length */     \
  X(templates_learned, "netflow.templates_learned")                                                \
  X(templates_replaced, "netflow.templates_replaced") /* same id, new definition */                \
  X(templates_withdrawn, "netflow.templates_withdrawn")                                            \
  X(template_withdraw_unknown, "netflow.template_withdraw_unknown")                                \
  X(template_table_full, "netflow.template_table_full") /* a template evicted to make room */      \
  X(options_templates, "netflow.options_templates")                                                \
  X(options_records, "netflow.options_records")                                                    \
  X(options_table_full, "netflow.options_table_full") /* a sampler or exporter fact evicted */     \
  X(enterprise_fields, "netflow.enterprise_fields")   /* in templates; skipped, not RFC 5103 */    \
  X(variable_length_fields, "netflow.variable_length_fields") /* in templates; skipped */          \
  X(record_truncated, "netflow.record_truncated") /* variable-length field past the set's end */   \
  X(data_sets_held, "netflow.data_sets_held")     /* template unknown: held for later */           \
  X(held_sets_decoded, "netflow.held_sets_decoded")                                                \
  X(held_records_decoded, "netflow.held_records_decoded")                                          \
  X(held_sets_expired, "netflow.held_sets_expired")         /* no template within the hold time */ \
  X(held_sets_dropped_cap, "netflow.held_sets_dropped_cap") /* held count or bytes at cap */       \
  X(sampler_unknown, "netflow.sampler_unknown") /* sampler id without an options record */         \
  X(packet_sections, "netflow.packet_sections") /* records built from a sampled packet */          \
  X(packet_section_not_ip, "netflow.packet_section_not_ip") /* no IP header in it */

// sFlow v5 (src/flow/sflow_decoder.cc). It also counts flow.absurd_sampling_rate and
// flow.records_over_cap.
#define RAMPART_SFLOW_STATS(X)                                                                     \
  X(sflow_datagrams, "sflow.datagrams")                                                            \
  X(sflow_truncated, "sflow.truncated")                 /* datagram header cut: dropped */         \
  X(sflow_bad_version, "sflow.bad_version")             /* not 5: dropped */                       \
  X(sflow_bad_agent_address, "sflow.bad_agent_address") /* type not 0/1/2: dropped */              \
  X(sflow_sample_truncated, "sflow.sample_truncated")   /* past the datagram, or short: skipped */ \
  X(sflow_sample_count_mismatch, "sflow.sample_count_mismatch") /* fewer or more than counted */   \
  X(sflow_too_many_samples, "sflow.too_many_samples") /* past kSflowMaxSamplesPerDatagram */       \
  X(sflow_flow_samples, "sflow.flow_samples")         /* flow and expanded flow samples */         \
  X(sflow_counter_samples, "sflow.counter_samples")   /* counted and skipped */                    \
  X(sflow_unknown_samples, "sflow.unknown_samples")   /* other formats or enterprises: skipped */  \
  X(sflow_record_truncated, "sflow.record_truncated") /* past the sample, or short: skipped */     \
  X(sflow_record_count_mismatch, "sflow.record_count_mismatch") /* fewer or more than counted */   \
  X(sflow_too_many_flow_records, "sflow.too_many_flow_records") /* past the per-sample cap */      \
  X(sflow_skipped_records, "sflow.skipped_records") /* extended and unknown flow records */        \
  X(sflow_header_unsupported, "sflow.header_unsupported_protocol") /* not Ethernet/IPv4/IPv6 */    \
  X(sflow_header_not_ip, "sflow.header_not_ip") /* no IP header decoded from a raw header */       \
  X(sflow_sample_without_ip, "sflow.sample_without_ip") /* flow sample gave no record */           \
  X(sflow_records, "sflow.records")

#define RAMPART_FLOW_STATS(X) RAMPART_NETFLOW_STATS(X) RAMPART_SFLOW_STATS(X)

//! Per-worker counters of the flow decoders.
//! Counters that describe normal input (volumes, templates, skipped optional fields, exporter
//! quirks that still decode); every other counter is a malformed or refused case.
inline bool IsInformationalFlowCounter(std::string_view name) {
  constexpr std::string_view kInformational[] = {"netflow_v5.datagrams",
                                                 "netflow_v5.records",
                                                 "netflow_v9.datagrams",
                                                 "netflow_v9.records",
                                                 "netflow_v9.count_mismatch",
                                                 "ipfix.datagrams",
                                                 "ipfix.records",
                                                 "ipfix.biflow_reverse_records",
                                                 "netflow.datagram_zero_padding",
                                                 "netflow.templates_learned",
                                                 "netflow.templates_replaced",
                                                 "netflow.templates_withdrawn",
                                                 "netflow.options_templates",
                                                 "netflow.options_records",
                                                 "netflow.enterprise_fields",
                                                 "netflow.variable_length_fields",
                                                 "netflow.data_sets_held",
                                                 "netflow.held_sets_decoded",
                                                 "netflow.held_records_decoded",
                                                 "netflow.packet_sections",
                                                 "sflow.datagrams",
                                                 "sflow.flow_samples",
                                                 "sflow.counter_samples",
                                                 "sflow.unknown_samples",
                                                 "sflow.skipped_records",
                                                 "sflow.records"};
  for (const std::string_view known : kInformational) {
    if (known == name) {
      return true;
    }
  }
  return false;
}

struct FlowDecodeStats {
#define RAMPART_FLOW_FIELD(member, name) uint64_t member = 0;
  RAMPART_FLOW_STATS(RAMPART_FLOW_FIELD)
#undef RAMPART_FLOW_FIELD

  //! Calls `visit(name, value)` for every counter, in list order.
  template <typename Visit>
  void ForEach(Visit&& visit) const {
#define RAMPART_FLOW_VISIT(member, name) visit(name, member);
    RAMPART_FLOW_STATS(RAMPART_FLOW_VISIT)
#undef RAMPART_FLOW_VISIT
  }
  //! How many counters there are, and their values in list order (no allocation).
#define RAMPART_FLOW_ONE(member, name) +1
  static constexpr size_t kCount = 0 RAMPART_FLOW_STATS(RAMPART_FLOW_ONE);
#undef RAMPART_FLOW_ONE
  std::array<uint64_t, kCount> Values() const {
    std::array<uint64_t, kCount> out{};
    size_t i = 0;
    ForEach([&](const char*, uint64_t value) { out[i++] = value; });
    return out;
  }
  void Merge(const FlowDecodeStats& other) {
#define RAMPART_FLOW_MERGE(member, name) member += other.member;
    RAMPART_FLOW_STATS(RAMPART_FLOW_MERGE)
#undef RAMPART_FLOW_MERGE
  }
};

}  // namespace rampart::flow
