#include "decode/packet_decoder.h"

#include <algorithm>

#include "capture/link_type.h"
#include "core/byte_order.h"

namespace rampart {
namespace {

namespace ethertype {
constexpr uint16_t kIpv4 = 0x0800;
constexpr uint16_t kArp = 0x0806;
constexpr uint16_t kTransparentEthernet = 0x6558;
constexpr uint16_t kVlan = 0x8100;
constexpr uint16_t kQinQ = 0x88a8;
constexpr uint16_t kQinQOld1 = 0x9100;
constexpr uint16_t kQinQOld2 = 0x9200;
constexpr uint16_t kIpv6 = 0x86dd;
constexpr uint16_t kMplsUnicast = 0x8847;
constexpr uint16_t kMplsMulticast = 0x8848;
constexpr uint16_t kPppoeSession = 0x8864;
constexpr uint16_t kErspan2 = 0x88be;
}  // namespace ethertype

//! State for one frame's walk down the layers.
struct Walk {
  PacketMeta& meta;
  DecodeStats& stats;
  const uint8_t* frame;
  uint32_t wire_len;

  uint32_t Offset(const uint8_t* p) const { return static_cast<uint32_t>(p - frame); }
  //! Bytes the wire held from `p` on (what length fields are checked against).
  uint32_t WireLeft(const uint8_t* p) const {
    const uint32_t offset = Offset(p);
    return wire_len > offset ? wire_len - offset : 0;
  }
};

void DecodeEthernet(Walk& walk, const uint8_t* p, uint32_t len);
void DecodeEtherType(Walk& walk, uint16_t type, const uint8_t* p, uint32_t len);
void DecodeIpv4(Walk& walk, const uint8_t* p, uint32_t len);
void DecodeIpv6(Walk& walk, const uint8_t* p, uint32_t len);

void SetPayload(Walk& walk, const uint8_t* p, uint32_t len) {
  walk.meta.payload_offset = static_cast<uint16_t>(std::min<uint32_t>(walk.Offset(p), 0xffff));
  walk.meta.payload_len = static_cast<uint16_t>(std::min<uint32_t>(len, 0xffff));
}

void DecodeTcpOptions(Walk& walk, const uint8_t* p, uint32_t len) {
  PacketMeta& meta = walk.meta;
  uint32_t pos = 0;
  while (pos < len) {
    const uint8_t kind = p[pos];
    if (kind == 0) {  // end of option list
      return;
    }
    if (kind == 1) {  // no-operation
      ++pos;
      continue;
    }
    if (pos + 1 >= len) {
      walk.stats.Count(DecodeEvent::kTcpBadOption);
      return;
    }
    const uint8_t opt_len = p[pos + 1];
    if (opt_len < 2 || pos + opt_len > len) {
      walk.stats.Count(DecodeEvent::kTcpBadOption);
      return;
    }
    const uint8_t* value = p + pos + 2;
    switch (kind) {
      case 2:
        if (opt_len == 4) {
          meta.tcp_mss = LoadBe16(value);
          meta.flags |= meta_flag::kTcpMss;
        }
        break;
      case 3:
        if (opt_len == 3) {
          meta.tcp_wscale = value[0];
          meta.flags |= meta_flag::kTcpWindowScale;
        }
        break;
      case 4:
        meta.flags |= meta_flag::kTcpSackPermitted;
        break;
      case 8:
        if (opt_len == 10) {
          meta.tcp_tsval = LoadBe32(value);
          meta.tcp_tsecr = LoadBe32(value + 4);
          meta.flags |= meta_flag::kTcpTimestamps;
        }
        break;
      default:
        break;
    }
    pos += opt_len;
  }
}

void DecodeTcp(Walk& walk, const uint8_t* p, uint32_t len, uint32_t wire_len) {
  PacketMeta& meta = walk.meta;
  if (len < 20) {
    walk.stats.Count(DecodeEvent::kTcpTruncated);
    meta.flags |= meta_flag::kL4Truncated;
    return;
  }
  meta.src_port = LoadBe16(p);
  meta.dst_port = LoadBe16(p + 2);
  meta.tcp_seq = LoadBe32(p + 4);
  meta.tcp_ack = LoadBe32(p + 8);
  meta.tcp_flags = p[13];
  meta.tcp_window = LoadBe16(p + 14);
  meta.flags |= meta_flag::kHasPorts;
  const uint32_t header_len = static_cast<uint32_t>(p[12] >> 4) * 4;
  // Below 20, or longer than the segment the IP header says was sent (a snaplen cut is not
  // malformed: that is checked against the wire length, not the captured bytes).
  const bool fragment = meta.Has(meta_flag::kFragment);
  if (header_len < 20 || (header_len > wire_len && !fragment)) {
    walk.stats.Count(DecodeEvent::kTcpBadHeaderLen);
    return;
  }
  if (header_len > 20) {
    DecodeTcpOptions(walk, p + 20, std::min(header_len, len) - 20);
  }
  if (len >= header_len) {
    SetPayload(walk, p + header_len, len - header_len);
  }
}

void DecodeUdp(Walk& walk, const uint8_t* p, uint32_t len, uint32_t wire_len) {
  PacketMeta& meta = walk.meta;
  if (len < 8) {
    walk.stats.Count(DecodeEvent::kUdpTruncated);
    meta.flags |= meta_flag::kL4Truncated;
    return;
  }
  meta.src_port = LoadBe16(p);
  meta.dst_port = LoadBe16(p + 2);
  meta.flags |= meta_flag::kHasPorts;
  const uint32_t udp_len = LoadBe16(p + 4);
  uint32_t payload_end = len;
  // A first fragment's UDP length covers the whole datagram, not this fragment.
  const bool first_fragment = walk.meta.Has(meta_flag::kMoreFragments);
  if (udp_len < 8 || (udp_len > wire_len && !first_fragment)) {
    walk.stats.Count(DecodeEvent::kUdpBadLength);
  } else {
    payload_end = std::min(len, udp_len);
  }
  SetPayload(walk, p + 8, payload_end - 8);
}

void DecodeIcmp(Walk& walk, const uint8_t* p, uint32_t len, DecodeEvent truncated) {
  if (len < 4) {
    walk.stats.Count(truncated);
    walk.meta.flags |= meta_flag::kL4Truncated;
    return;
  }
  walk.meta.icmp_type = p[0];
  walk.meta.icmp_code = p[1];
  SetPayload(walk, p + 4, len - 4);
}

void DecodeGre(Walk& walk, const uint8_t* p, uint32_t len) {
  if (len < 4) {
    walk.stats.Count(DecodeEvent::kGreTruncated);
    walk.meta.flags |= meta_flag::kL4Truncated;
    return;
  }
  const uint16_t flags = LoadBe16(p);
  const uint16_t protocol = LoadBe16(p + 2);
  const uint16_t version = flags & 0x7;
  uint32_t header_len = 4;
  if (version == 1) {
    return;  // enhanced GRE (PPTP) carries PPP: counted as GRE, payload not decoded
  }
  if (version != 0) {
    walk.stats.Count(DecodeEvent::kGreUnsupportedVersion);
    return;
  }
  header_len += (flags & 0xc000) != 0 ? 4 : 0;  // checksum (and routing offset)
  header_len += (flags & 0x2000) != 0 ? 4 : 0;  // key
  header_len += (flags & 0x1000) != 0 ? 4 : 0;  // sequence number
  if (len < header_len) {
    walk.stats.Count(DecodeEvent::kGreTruncated);
    return;
  }
  walk.meta.flags |= meta_flag::kGre;
  const uint8_t* inner = p + header_len;
  const uint32_t inner_len = len - header_len;
  switch (protocol) {
    case ethertype::kIpv4:
      DecodeIpv4(walk, inner, inner_len);
      return;
    case ethertype::kIpv6:
      DecodeIpv6(walk, inner, inner_len);
      return;
    case ethertype::kTransparentEthernet:
      walk.meta.flags |= meta_flag::kGreEthernet;
      DecodeEthernet(walk, inner, inner_len);
      return;
    case ethertype::kErspan2:
      if (inner_len < 8) {
        walk.stats.Count(DecodeEvent::kGreTruncated);
        return;
      }
      DecodeEthernet(walk, inner + 8, inner_len - 8);
      return;
    default:
      walk.stats.Count(DecodeEvent::kGreUnknownPayload);
      return;
  }
}

//! The upper-layer protocol of an IP datagram; `wire_len` is what its IP header says it carries.
void DecodeTransport(Walk& walk, uint8_t protocol, const uint8_t* p, uint32_t len,
                     uint32_t wire_len) {
  switch (protocol) {
    case ip_proto::kTcp:
      DecodeTcp(walk, p, len, wire_len);
      return;
    case ip_proto::kUdp:
      DecodeUdp(walk, p, len, wire_len);
      return;
    case ip_proto::kIcmp:
      DecodeIcmp(walk, p, len, DecodeEvent::kIcmpTruncated);
      return;
    case ip_proto::kIcmpv6:
      DecodeIcmp(walk, p, len, DecodeEvent::kIcmpv6Truncated);
      return;
    case ip_proto::kGre:
      DecodeGre(walk, p, len);
      return;
    case ip_proto::kIpInIp:
      walk.meta.flags |= meta_flag::kIpInIp;
      DecodeIpv4(walk, p, len);
      return;
    case ip_proto::kIpv6InIp:
      walk.meta.flags |= meta_flag::kIpInIp;
      DecodeIpv6(walk, p, len);
      return;
    default:
      SetPayload(walk, p, len);
      return;
  }
}

//! Records a decoded IP header's addresses (4 or 16 bytes each, at `src` and `dst`): the first
//! header gives the outer pair, every header the inner pair.
void EnterIpLayer(Walk& walk, const uint8_t* src, const uint8_t* dst, Layer3 l3) {
  PacketMeta& meta = walk.meta;
  const bool v4 = l3 == Layer3::kIpv4;
  if (meta.ip_layers == 0) {
    if (v4) {
      meta.outer_src.AssignV4(src);
      meta.outer_dst.AssignV4(dst);
    } else {
      meta.outer_src.AssignV6(src);
      meta.outer_dst.AssignV6(dst);
    }
    meta.l3 = l3;
  }
  if (v4) {
    meta.inner_src.AssignV4(src);
    meta.inner_dst.AssignV4(dst);
  } else {
    meta.inner_src.AssignV6(src);
    meta.inner_dst.AssignV6(dst);
  }
  meta.ip_layers++;
  if (meta.ip_layers > 1) {
    // A tunnel's inner datagram replaces the outer's transport facts.
    meta.src_port = meta.dst_port = 0;
    meta.tcp_flags = 0;
    meta.flags &= ~(meta_flag::kHasPorts | meta_flag::kFragment | meta_flag::kMoreFragments |
                    meta_flag::kDontFragment | meta_flag::kL4Truncated);
  }
}

bool CheckDepth(Walk& walk) {
  if (walk.meta.ip_layers >= kMaxIpLayers) {
    walk.stats.Count(DecodeEvent::kTooManyLayers);
    return false;
  }
  return true;
}

void DecodeIpv4(Walk& walk, const uint8_t* p, uint32_t len) {
  if (!CheckDepth(walk)) {
    return;
  }
  if (len < 20) {
    walk.stats.Count(DecodeEvent::kIpv4Truncated);
    return;
  }
  if ((p[0] >> 4) != 4) {
    walk.stats.Count(DecodeEvent::kIpv4BadVersion);
    return;
  }
  const uint32_t header_len = static_cast<uint32_t>(p[0] & 0x0f) * 4;
  if (header_len < 20) {
    walk.stats.Count(DecodeEvent::kIpv4BadHeaderLen);
    return;
  }
  if (len < header_len) {
    walk.stats.Count(DecodeEvent::kIpv4Truncated);
    return;
  }
  const uint32_t wire_left = walk.WireLeft(p);
  uint32_t total_len = LoadBe16(p + 2);
  if (total_len == 0) {
    total_len = wire_left;  // segmentation offload on the capturing host leaves it zero
  }
  if (total_len < header_len) {
    walk.stats.Count(DecodeEvent::kIpv4BadTotalLen);
    return;
  }
  if (total_len > wire_left) {
    walk.stats.Count(DecodeEvent::kIpv4TotalLenExceedsFrame);
  }
  EnterIpLayer(walk, p + 12, p + 16, Layer3::kIpv4);
  PacketMeta& meta = walk.meta;
  const uint16_t fragment = LoadBe16(p + 6);
  meta.ip_total_len = static_cast<uint16_t>(total_len);
  meta.ip_id = LoadBe16(p + 4);
  meta.ttl = p[8];
  meta.ip_proto = p[9];
  meta.frag_offset = static_cast<uint16_t>((fragment & 0x1fff) * 8);
  meta.flags |= (fragment & 0x4000) != 0 ? meta_flag::kDontFragment : 0;
  if ((fragment & 0x2000) != 0 || meta.frag_offset != 0) {
    meta.flags |= meta_flag::kFragment;
    meta.flags |= (fragment & 0x2000) != 0 ? meta_flag::kMoreFragments : 0;
  }
  if (header_len > 20) {
    meta.flags |= meta_flag::kIpOptions;
  }
  const uint32_t datagram_len = std::min(len, total_len);  // drops Ethernet padding
  if (meta.frag_offset != 0) {
    SetPayload(walk, p + header_len, datagram_len - header_len);
    return;  // only the first fragment carries the transport header
  }
  DecodeTransport(walk, meta.ip_proto, p + header_len, datagram_len - header_len,
                  total_len - header_len);
}

void DecodeIpv6(Walk& walk, const uint8_t* p, uint32_t len) {
  if (!CheckDepth(walk)) {
    return;
  }
  if (len < 40) {
    walk.stats.Count(DecodeEvent::kIpv6Truncated);
    return;
  }
  if ((p[0] >> 4) != 6) {
    walk.stats.Count(DecodeEvent::kIpv6BadVersion);
    return;
  }
  const uint32_t wire_left = walk.WireLeft(p);
  uint32_t payload_len = LoadBe16(p + 4);
  if (payload_len == 0) {
    payload_len = wire_left > 40 ? wire_left - 40 : 0;  // jumbogram or offload
  }
  if (40 + payload_len > wire_left) {
    walk.stats.Count(DecodeEvent::kIpv6PayloadLenExceedsFrame);
  }
  EnterIpLayer(walk, p + 8, p + 24, Layer3::kIpv6);
  PacketMeta& meta = walk.meta;
  meta.ttl = p[7];
  meta.ip_total_len = static_cast<uint16_t>(std::min<uint32_t>(40 + payload_len, 0xffff));
  uint8_t next = p[6];
  uint32_t offset = 40;
  const uint32_t end = std::min(len, 40 + payload_len);
  constexpr int kMaxExtensionHeaders = 8;
  for (int count = 0;; ++count) {
    bool extension = true;
    uint32_t ext_len = 0;
    switch (next) {
      case 0:    // hop-by-hop options
      case 43:   // routing
      case 60:   // destination options
      case 135:  // mobility
      case 139:  // host identity protocol
      case 140:  // shim6
        if (offset + 2 > end) {
          walk.stats.Count(DecodeEvent::kIpv6ExtHeaderTruncated);
          return;
        }
        ext_len = (static_cast<uint32_t>(p[offset + 1]) + 1) * 8;
        break;
      case 51:  // authentication header
        if (offset + 2 > end) {
          walk.stats.Count(DecodeEvent::kIpv6ExtHeaderTruncated);
          return;
        }
        ext_len = (static_cast<uint32_t>(p[offset + 1]) + 2) * 4;
        break;
      case 44:  // fragment
        if (offset + 8 > end) {
          walk.stats.Count(DecodeEvent::kIpv6ExtHeaderTruncated);
          return;
        }
        ext_len = 8;
        meta.frag_offset = LoadBe16(p + offset + 2) & 0xfff8;
        meta.ip_id = static_cast<uint16_t>(LoadBe32(p + offset + 4));
        meta.flags |= meta_flag::kFragment;
        meta.flags |= (p[offset + 3] & 1) != 0 ? meta_flag::kMoreFragments : 0;
        break;
      default:
        extension = false;
        break;
    }
    if (!extension) {
      break;
    }
    if (count >= kMaxExtensionHeaders) {
      walk.stats.Count(DecodeEvent::kIpv6TooManyExtHeaders);
      return;
    }
    if (offset + ext_len > end) {
      walk.stats.Count(DecodeEvent::kIpv6ExtHeaderTruncated);
      return;
    }
    meta.flags |= meta_flag::kIpOptions;
    next = p[offset];
    offset += ext_len;
    if (meta.frag_offset != 0) {
      meta.ip_proto = next;
      SetPayload(walk, p + offset, end - offset);
      return;  // a non-first fragment: no transport header here
    }
  }
  meta.ip_proto = next;
  if (next == 59) {  // no next header
    return;
  }
  const uint32_t wire_payload = 40 + payload_len > offset ? 40 + payload_len - offset : 0;
  DecodeTransport(walk, next, p + offset, end - offset, wire_payload);
}

void DecodeMpls(Walk& walk, const uint8_t* p, uint32_t len) {
  walk.meta.flags |= meta_flag::kMpls;
  for (;;) {
    if (len < 4) {
      walk.stats.Count(DecodeEvent::kMplsTruncated);
      return;
    }
    if (walk.meta.mpls_labels >= kMaxMplsLabels) {
      walk.stats.Count(DecodeEvent::kMplsTooManyLabels);
      return;
    }
    walk.meta.mpls_labels++;
    const bool bottom = (p[2] & 0x01) != 0;
    p += 4;
    len -= 4;
    if (bottom) {
      break;
    }
  }
  if (len < 1) {
    walk.stats.Count(DecodeEvent::kMplsTruncated);
    return;
  }
  switch (p[0] >> 4) {
    case 4:
      DecodeIpv4(walk, p, len);
      return;
    case 6:
      DecodeIpv6(walk, p, len);
      return;
    case 0:  // pseudowire control word, then an Ethernet frame
      if (len < 4) {
        walk.stats.Count(DecodeEvent::kMplsTruncated);
        return;
      }
      DecodeEthernet(walk, p + 4, len - 4);
      return;
    default:
      walk.stats.Count(DecodeEvent::kMplsUnknownPayload);
      return;
  }
}

void DecodeEtherType(Walk& walk, uint16_t type, const uint8_t* p, uint32_t len) {
  PacketMeta& meta = walk.meta;
  for (;;) {
    switch (type) {
      case ethertype::kIpv4:
        DecodeIpv4(walk, p, len);
        return;
      case ethertype::kIpv6:
        DecodeIpv6(walk, p, len);
        return;
      case ethertype::kVlan:
      case ethertype::kQinQ:
      case ethertype::kQinQOld1:
      case ethertype::kQinQOld2:
        if (len < 4) {
          walk.stats.Count(DecodeEvent::kVlanTruncated);
          return;
        }
        if (meta.vlan_tags >= kMaxVlanTags) {
          walk.stats.Count(DecodeEvent::kVlanTooManyTags);
          return;
        }
        if (meta.vlan_tags == 0) {
          meta.vlan_id = LoadBe16(p) & 0x0fff;
        }
        meta.vlan_tags++;
        meta.flags |= meta_flag::kVlan;
        type = LoadBe16(p + 2);
        p += 4;
        len -= 4;
        continue;
      case ethertype::kMplsUnicast:
      case ethertype::kMplsMulticast:
        DecodeMpls(walk, p, len);
        return;
      case ethertype::kPppoeSession: {
        if (len < 8) {
          walk.stats.Count(DecodeEvent::kPppoeTruncated);
          return;
        }
        meta.flags |= meta_flag::kPppoe;
        const uint16_t ppp = LoadBe16(p + 6);
        if (ppp == 0x0021) {
          DecodeIpv4(walk, p + 8, len - 8);
        } else if (ppp == 0x0057) {
          DecodeIpv6(walk, p + 8, len - 8);
        } else if (meta.ip_layers == 0) {
          meta.l3 = Layer3::kOther;
        }
        return;
      }
      case ethertype::kArp:
        if (meta.ip_layers == 0) {
          meta.l3 = Layer3::kArp;
        }
        return;
      default:
        if (meta.ip_layers == 0) {
          meta.l3 = Layer3::kOther;
        }
        return;
    }
  }
}

void DecodeEthernet(Walk& walk, const uint8_t* p, uint32_t len) {
  if (len < 14) {
    walk.stats.Count(DecodeEvent::kEthernetTruncated);
    return;
  }
  const uint16_t type = LoadBe16(p + 12);
  if (type < 0x0600) {  // an 802.3 length field: LLC/SNAP, not IP
    if (walk.meta.ip_layers == 0) {
      walk.meta.l3 = Layer3::kOther;
    }
    return;
  }
  DecodeEtherType(walk, type, p + 14, len - 14);
}

void DecodeByVersion(Walk& walk, const uint8_t* p, uint32_t len) {
  if (len < 1) {
    walk.stats.Count(DecodeEvent::kLinkTruncated);
    return;
  }
  switch (p[0] >> 4) {
    case 4:
      DecodeIpv4(walk, p, len);
      return;
    case 6:
      DecodeIpv6(walk, p, len);
      return;
    default:
      walk.meta.l3 = Layer3::kOther;
      return;
  }
}

void DecodeNullFamily(Walk& walk, uint32_t family, const uint8_t* p, uint32_t len) {
  switch (family) {
    case 2:  // AF_INET everywhere
      DecodeIpv4(walk, p, len);
      return;
    case 10:  // AF_INET6 on Linux
    case 24:  // NetBSD, OpenBSD
    case 28:  // FreeBSD
    case 30:  // macOS
      DecodeIpv6(walk, p, len);
      return;
    default:
      walk.stats.Count(DecodeEvent::kLinkUnknownFamily);
      walk.meta.l3 = Layer3::kOther;
      return;
  }
}

}  // namespace

void DecodePacket(const RawPacket& raw, PacketMeta& meta, DecodeStats& stats) {
  meta.Reset();
  meta.ts_ns = raw.ts_ns;
  meta.wire_len = raw.wire_len;
  if (raw.cap_len < raw.wire_len) {
    meta.flags |= meta_flag::kCutBySnaplen;
  }
  Walk walk{meta, stats, raw.data, raw.wire_len};
  const uint8_t* p = raw.data;
  const uint32_t len = raw.cap_len;
  switch (static_cast<LinkType>(raw.link_type)) {
    case LinkType::kEthernet:
      DecodeEthernet(walk, p, len);
      return;
    case LinkType::kRaw:
    case LinkType::kRawAlt12:
    case LinkType::kRawAlt14:
      DecodeByVersion(walk, p, len);
      return;
    case LinkType::kIpv4:
      DecodeIpv4(walk, p, len);
      return;
    case LinkType::kIpv6:
      DecodeIpv6(walk, p, len);
      return;
    case LinkType::kLinuxSll:
      if (len < 16) {
        stats.Count(DecodeEvent::kLinkTruncated);
        return;
      }
      DecodeEtherType(walk, LoadBe16(p + 14), p + 16, len - 16);
      return;
    case LinkType::kLinuxSll2:
      if (len < 20) {
        stats.Count(DecodeEvent::kLinkTruncated);
        return;
      }
      DecodeEtherType(walk, LoadBe16(p), p + 20, len - 20);
      return;
    case LinkType::kNull: {
      if (len < 4) {
        stats.Count(DecodeEvent::kLinkTruncated);
        return;
      }
      // The family is in the capturing host's byte order: a value above 0xffff is the other one.
      uint32_t family = LoadLe32(p);
      if (family > 0xffff) {
        family = LoadBe32(p);
      }
      DecodeNullFamily(walk, family, p + 4, len - 4);
      return;
    }
    case LinkType::kLoop:
      if (len < 4) {
        stats.Count(DecodeEvent::kLinkTruncated);
        return;
      }
      DecodeNullFamily(walk, LoadBe32(p), p + 4, len - 4);
      return;
  }
  stats.Count(DecodeEvent::kLinkUnsupportedType);
}

}  // namespace rampart
