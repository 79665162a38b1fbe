// Address and TCP option helpers of the scenario generator.
#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include "scenario/scenario_internal.h"

namespace rampart::scenario::internal {

// ---------------------------------------------------------------------------------------------
// Addresses.

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

//! A client's SYN options: Linux (MSS, SACK-permitted, timestamps, NOP, window scale 7) or
//! Windows (MSS, NOP, window scale 8, NOP, NOP, SACK-permitted).
Bytes ClientSynOptions(bool windows, uint16_t mss, uint32_t tsval) {
  if (!windows) {
    return LinuxSynOptions(mss, tsval, 0, 7);
  }
  return {2, 4, static_cast<uint8_t>(mss >> 8), static_cast<uint8_t>(mss), 1, 3, 3, 8, 1, 1, 4, 2};
}

//! A Linux server's SYN-ACK options, with timestamps when the client offered them.
Bytes ServerSynAckOptions(bool timestamps, uint16_t mss, uint32_t tsval, uint32_t tsecr) {
  if (timestamps) {
    return LinuxSynOptions(mss, tsval, tsecr, 7);
  }
  return {2, 4, static_cast<uint8_t>(mss >> 8), static_cast<uint8_t>(mss), 1, 1, 4, 2, 1, 3, 3, 7};
}

}  // namespace rampart::scenario::internal
