#include "core/prefix.h"

#include <algorithm>
#include <charconv>
#include <cstring>

namespace rampart {
namespace {
// Word-wise: this runs per packet for the carpet-bombing prefix of every destination.
IpAddress Mask(const IpAddress& address, uint8_t length) {
  IpAddress masked = address;
  uint64_t words[2];
  std::memcpy(words, address.bytes.data(), 16);
  for (int i = 0; i < 2; ++i) {
    const int keep = std::clamp(static_cast<int>(length) - i * 64, 0, 64);
    const uint64_t big_endian_mask = keep == 0 ? 0 : ~uint64_t{0} << (64 - keep);
    words[i] &= __builtin_bswap64(big_endian_mask);
  }
  std::memcpy(masked.bytes.data(), words, 16);
  return masked;
}
}  // namespace

std::optional<Prefix> Prefix::Parse(std::string_view text) {
  const size_t slash = text.find('/');
  const auto address = IpAddress::Parse(text.substr(0, slash));
  if (!address) {
    return std::nullopt;
  }
  const unsigned max = address->IsV4() ? 32 : 128;
  unsigned length = max;
  if (slash != std::string_view::npos) {
    const std::string_view digits = text.substr(slash + 1);
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), length);
    if (ec != std::errc() || end != digits.data() + digits.size() || digits.empty() ||
        length > max) {
      return std::nullopt;
    }
  }
  return Of(*address, static_cast<uint8_t>(length));
}

Prefix Prefix::Of(const IpAddress& address, uint8_t length) {
  Prefix prefix;
  prefix.length = length;
  prefix.address = Mask(address, length);
  return prefix;
}

bool Prefix::Contains(const IpAddress& other) const {
  return other.family == address.family && Mask(other, length) == address;
}

std::string Prefix::ToString() const {
  return address.ToString() + "/" + std::to_string(length);
}

}  // namespace rampart
