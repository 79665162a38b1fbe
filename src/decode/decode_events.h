#pragma once
// Every malformed or unsupported case a decoder can meet has a stable name and a counter.
// Decoders never throw: they count the event and stop at that layer (Suricata's decode events,
// Zeek's weirds). Names are part of the report contract: add new ones, never rename.
#include <array>
#include <cstdint>
#include <string_view>

namespace rampart {

#define RAMPART_DECODE_EVENTS(X)                                   \
  X(kLinkUnsupportedType, "link.unsupported_type")                 \
  X(kLinkTruncated, "link.truncated")                              \
  X(kLinkUnknownFamily, "link.unknown_family")                     \
  X(kEthernetTruncated, "ethernet.truncated")                      \
  X(kVlanTruncated, "vlan.truncated")                              \
  X(kVlanTooManyTags, "vlan.too_many_tags")                        \
  X(kMplsTruncated, "mpls.truncated")                              \
  X(kMplsTooManyLabels, "mpls.too_many_labels")                    \
  X(kMplsUnknownPayload, "mpls.unknown_payload")                   \
  X(kPppoeTruncated, "pppoe.truncated")                            \
  X(kIpv4Truncated, "ipv4.truncated")                              \
  X(kIpv4BadVersion, "ipv4.bad_version")                           \
  X(kIpv4BadHeaderLen, "ipv4.bad_header_len")                      \
  X(kIpv4BadTotalLen, "ipv4.bad_total_len")                        \
  X(kIpv4TotalLenExceedsFrame, "ipv4.total_len_exceeds_frame")     \
  X(kIpv6Truncated, "ipv6.truncated")                              \
  X(kIpv6BadVersion, "ipv6.bad_version")                           \
  X(kIpv6PayloadLenExceedsFrame, "ipv6.payload_len_exceeds_frame") \
  X(kIpv6ExtHeaderTruncated, "ipv6.ext_header_truncated")          \
  X(kIpv6TooManyExtHeaders, "ipv6.too_many_ext_headers")           \
  X(kTcpTruncated, "tcp.truncated")                                \
  X(kTcpBadHeaderLen, "tcp.bad_header_len")                        \
  X(kTcpBadOption, "tcp.bad_option")                               \
  X(kUdpTruncated, "udp.truncated")                                \
  X(kUdpBadLength, "udp.bad_length")                               \
  X(kIcmpTruncated, "icmp.truncated")                              \
  X(kIcmpv6Truncated, "icmpv6.truncated")                          \
  X(kGreTruncated, "gre.truncated")                                \
  X(kGreUnsupportedVersion, "gre.unsupported_version")             \
  X(kGreUnknownPayload, "gre.unknown_payload")                     \
  X(kTooManyLayers, "decode.too_many_layers")                      \
  X(kDnsTruncated, "dns.truncated")                                \
  X(kDnsBadLabelType, "dns.bad_label_type")                        \
  X(kDnsPointerLoop, "dns.pointer_loop")                           \
  X(kDnsPointerOutOfRange, "dns.pointer_out_of_range")             \
  X(kDnsNameTooLong, "dns.name_too_long")

enum class DecodeEvent : uint8_t {
#define RAMPART_ENUM(id, name) id,
  RAMPART_DECODE_EVENTS(RAMPART_ENUM)
#undef RAMPART_ENUM
      kCount
};

constexpr size_t kDecodeEventCount = static_cast<size_t>(DecodeEvent::kCount);

std::string_view DecodeEventName(DecodeEvent event);

//! Per-worker decode counters: plain integers, owned by one thread, merged on the tick.
struct DecodeStats {
  std::array<uint64_t, kDecodeEventCount> events{};

  void Count(DecodeEvent event) { events[static_cast<size_t>(event)]++; }
  uint64_t Get(DecodeEvent event) const { return events[static_cast<size_t>(event)]; }
  void Merge(const DecodeStats& other) {
    for (size_t i = 0; i < kDecodeEventCount; ++i) {
      events[i] += other.events[i];
    }
  }
};

}  // namespace rampart
