#include "mitigate/community.h"

#include <charconv>
#include <vector>

namespace rampart::mitigate {
namespace {

std::optional<uint32_t> Number(std::string_view text, uint32_t max) {
  uint32_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value > max) {
    return std::nullopt;
  }
  return value;
}

}  // namespace

std::optional<Community> ParseCommunity(std::string_view text) {
  if (text == "no-export") {
    text = "65535:65281";
  } else if (text == "no-advertise") {
    text = "65535:65282";
  } else if (text == "blackhole") {
    text = "65535:666";
  }
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (parts.size() <= 3) {
    const size_t colon = text.find(':', start);
    parts.push_back(text.substr(start, colon - start));
    if (colon == std::string_view::npos) {
      break;
    }
    start = colon + 1;
  }
  Community c;
  if (parts.size() == 2) {
    const auto asn = Number(parts[0], 0xFFFF);
    const auto value = Number(parts[1], 0xFFFF);
    if (!asn || !value) {
      return std::nullopt;
    }
    c.parts = {*asn, *value, 0};
    return c;
  }
  if (parts.size() == 3) {
    c.large = true;
    for (size_t i = 0; i < 3; ++i) {
      const auto part = Number(parts[i], UINT32_MAX);
      if (!part) {
        return std::nullopt;
      }
      c.parts[i] = *part;
    }
    return c;
  }
  return std::nullopt;
}

}  // namespace rampart::mitigate
