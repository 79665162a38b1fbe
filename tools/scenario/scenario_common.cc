// Byte, address and frame helpers of the scenario generator.
#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include "scenario/scenario_internal.h"

namespace rampart::scenario::internal {

// ---------------------------------------------------------------------------------------------
// Byte helpers.

void Put16(Bytes& out, uint16_t v) {
  out.push_back(static_cast<uint8_t>(v >> 8));
  out.push_back(static_cast<uint8_t>(v));
}
void Put32(Bytes& out, uint32_t v) {
  Put16(out, static_cast<uint16_t>(v >> 16));
  Put16(out, static_cast<uint16_t>(v));
}
void Set16(Bytes& out, size_t at, uint16_t v) {
  out[at] = static_cast<uint8_t>(v >> 8);
  out[at + 1] = static_cast<uint8_t>(v);
}
void Append(Bytes& out, std::string_view text) {
  out.insert(out.end(), text.begin(), text.end());
}
void Append(Bytes& out, const Bytes& more) {
  out.insert(out.end(), more.begin(), more.end());
}
Bytes FromText(std::string_view text) {
  return Bytes(text.begin(), text.end());
}
std::string RandomText(Rng& rng, size_t len, std::string_view alphabet) {
  std::string out(len, ' ');
  for (char& c : out) {
    c = alphabet[rng.Below(alphabet.size())];
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Addresses.

namespace {

bool IsPublicV4(uint32_t a) {
  const uint32_t o1 = a >> 24;
  const uint32_t o2 = (a >> 16) & 0xff;
  const uint32_t p24 = a >> 8;
  if (o1 == 0 || o1 == 10 || o1 == 127 || o1 >= 224) {
    return false;
  }
  if ((o1 == 100 && (o2 & 0xc0) == 64) || (o1 == 169 && o2 == 254) ||
      (o1 == 172 && (o2 & 0xf0) == 16) || (o1 == 192 && o2 == 168) ||
      (o1 == 198 && (o2 & 0xfe) == 18)) {
    return false;
  }
  // 192.0.0/24 and the documentation ranges (our own background and target addresses).
  return p24 != 0xc00000 && p24 != 0xc00002 && p24 != 0xc63364 && p24 != 0xcb0071;
}

}  // namespace

IpAddress RandomPublicV4(Rng& rng) {
  while (true) {
    const uint32_t a = rng.U32();
    if (IsPublicV4(a)) {
      return IpAddress::V4(a);
    }
  }
}

IpAddress RandomPublicV6(Rng& rng) {
  std::array<uint8_t, 16> b{};
  while (true) {
    rng.Fill(b.data(), b.size());
    b[0] = static_cast<uint8_t>(0x20 | (b[0] & 0x0f));
    if (b[0] == 0x20 && (b[1] == 0x01 || b[1] == 0x02)) {
      continue;
    }
    return IpAddress::V6(b.data());
  }
}

IpAddress RandomPublic(Rng& rng, bool v6) {
  return v6 ? RandomPublicV6(rng) : RandomPublicV4(rng);
}

IpAddress ParseAddress(const char* text) {
  return *IpAddress::Parse(text);
}

uint32_t V4Value(const IpAddress& a) {
  return static_cast<uint32_t>(a.bytes[0]) << 24 | static_cast<uint32_t>(a.bytes[1]) << 16 |
         static_cast<uint32_t>(a.bytes[2]) << 8 | a.bytes[3];
}

int AddressBits(const IpAddress& a) {
  return a.IsV4() ? 32 : 128;
}

IpAddress MixHost(const IpAddress& base, uint8_t len, const uint8_t* random) {
  IpAddress out = base;
  const int bytes = AddressBits(base) / 8;
  for (int k = 0; k < bytes; ++k) {
    const int net_bits = std::clamp(static_cast<int>(len) - 8 * k, 0, 8);
    const auto keep = static_cast<uint8_t>(net_bits == 0 ? 0 : 0xff << (8 - net_bits));
    const uint8_t host = random == nullptr ? 0 : random[k];
    out.bytes[static_cast<size_t>(k)] =
        static_cast<uint8_t>((base.bytes[static_cast<size_t>(k)] & keep) | (host & ~keep));
  }
  return out;
}

namespace {

bool HostBitsAre(const IpAddress& a, uint8_t len, bool ones) {
  const IpAddress masked = MixHost(a, len, nullptr);
  if (!ones) {
    return masked == a;
  }
  std::array<uint8_t, 16> all{};
  all.fill(0xff);
  return MixHost(a, len, all.data()) == a;
}

}  // namespace

//! A random host of the prefix: never the network address, nor an IPv4 broadcast address.
IpAddress RandomHost(const IpAddress& base, uint8_t len, Rng& rng) {
  const int bits = AddressBits(base);
  if (len >= bits) {
    return base;
  }
  std::array<uint8_t, 16> random{};
  for (int attempt = 0; attempt < 64; ++attempt) {
    rng.Fill(random.data(), random.size());
    IpAddress host = MixHost(base, len, random.data());
    if (bits - len < 2 ||
        (!HostBitsAre(host, len, false) && (base.IsV6() || !HostBitsAre(host, len, true)))) {
      return host;
    }
  }
  return base;
}

//! The prefix's first host (the background server of a carpet-bombed prefix).
IpAddress FirstHost(const IpAddress& base, uint8_t len) {
  IpAddress out = MixHost(base, len, nullptr);
  if (len < AddressBits(base)) {
    out.bytes[static_cast<size_t>(AddressBits(base) / 8 - 1)] |= 1;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Frames.

PacketBuilder Start(bool v6, bool inbound) {
  PacketBuilder b;
  b.Ethernet(v6 ? 0x86dd : 0x0800, inbound ? kRouterMac : kServerMac,
             inbound ? kServerMac : kRouterMac);
  return b;
}

IpSpec Spec(const IpAddress& src, const IpAddress& dst, uint8_t ttl, uint16_t id, bool df) {
  IpSpec spec;
  spec.src = src;
  spec.dst = dst;
  spec.ttl = ttl;
  spec.id = id;
  spec.dont_fragment = df;
  return spec;
}

void PutTimestamps(Bytes& o, uint32_t value, uint32_t echo) {
  o.push_back(8);
  o.push_back(10);
  Put32(o, value);
  Put32(o, echo);
}

//! A client's SYN options: Linux (MSS, SACK-permitted, timestamps, NOP, window scale 7) or
//! Windows (MSS, NOP, window scale 8, NOP, NOP, SACK-permitted).
Bytes ClientSynOptions(bool windows, uint16_t mss, uint32_t tsval) {
  Bytes o = {2, 4, static_cast<uint8_t>(mss >> 8), static_cast<uint8_t>(mss)};
  if (windows) {
    const Bytes rest = {1, 3, 3, 8, 1, 1, 4, 2};
    Append(o, rest);
    return o;
  }
  o.push_back(4);
  o.push_back(2);
  PutTimestamps(o, tsval, 0);
  const Bytes rest = {1, 3, 3, 7};
  Append(o, rest);
  return o;
}

//! A Linux server's SYN-ACK options, with timestamps when the client offered them.
Bytes ServerSynAckOptions(bool timestamps, uint16_t mss, uint32_t tsval, uint32_t tsecr) {
  Bytes o = {2, 4, static_cast<uint8_t>(mss >> 8), static_cast<uint8_t>(mss)};
  if (timestamps) {
    o.push_back(4);
    o.push_back(2);
    PutTimestamps(o, tsval, tsecr);
    const Bytes rest = {1, 3, 3, 7};
    Append(o, rest);
  } else {
    const Bytes rest = {1, 1, 4, 2, 1, 3, 3, 7};
    Append(o, rest);
  }
  return o;
}

Frame UdpFrame(bool inbound, const IpSpec& spec, uint16_t sport, uint16_t dport,
               const Bytes& payload) {
  return Start(spec.src.IsV6(), inbound)
      .Ip(spec, 17)
      .Udp(sport, dport)
      .Payload(payload.data(), payload.size())
      .Finish();
}

//! A UDP datagram, cut into IP fragments when it does not fit a 1500-byte MTU (the first
//! fragment carries the UDP header; checksums cover the whole datagram).
std::vector<Frame> UdpDatagram(bool inbound, const IpSpec& spec, uint16_t sport, uint16_t dport,
                               const Bytes& payload, uint32_t fragment_id) {
  const bool v6 = spec.src.IsV6();
  const size_t max_l4 = v6 ? 1452 : 1480;
  if (payload.size() + 8 <= max_l4) {
    return {UdpFrame(inbound, spec, sport, dport, payload)};
  }
  const Frame whole = PacketBuilder()
                          .Ip(spec, 17)
                          .Udp(sport, dport)
                          .Payload(payload.data(), payload.size())
                          .Finish();
  const size_t header = v6 ? 40 : 20;
  const size_t l4_len = whole.size() - header;
  const size_t chunk = v6 ? 1448 : 1480;
  std::vector<Frame> frames;
  for (size_t offset = 0; offset < l4_len; offset += chunk) {
    const size_t n = std::min(chunk, l4_len - offset);
    const bool more = offset + n < l4_len;
    const uint8_t* data = whole.data() + header + offset;
    if (v6) {
      Bytes fragment = {17, 0};
      Put16(fragment, static_cast<uint16_t>((offset / 8) << 3 | (more ? 1 : 0)));
      Put32(fragment, fragment_id);
      frames.push_back(Start(true, inbound)
                           .Ip(spec, 44)
                           .Payload(fragment.data(), fragment.size())
                           .Payload(data, n)
                           .Finish());
    } else {
      IpSpec part = spec;
      part.dont_fragment = false;
      part.more_fragments = more;
      part.fragment_offset = static_cast<uint16_t>(offset);
      frames.push_back(Start(false, inbound).Ip(part, 17).Payload(data, n).Finish());
    }
  }
  return frames;
}

}  // namespace rampart::scenario::internal
