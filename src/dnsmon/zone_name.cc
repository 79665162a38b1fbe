#include "dnsmon/zone_name.h"

#include <libpsl.h>

#include <array>
#include <cmath>
#include <string>

namespace rampart::dnsmon {
namespace {

// libpsl's newest list: Debian's /usr/share/publicsuffix data or the library's built-in copy,
// whichever is more recent. Loaded once; libpsl lookups are read-only and thread-safe.
const psl_ctx_t* Psl() {
  static const psl_ctx_t* const psl = [] {
    const psl_ctx_t* latest = psl_latest(nullptr);
    return latest != nullptr ? latest : psl_builtin();
  }();
  return psl;
}

}  // namespace

std::string_view ZoneOf(std::string_view name) {
  if (name.empty() || name == "." || name.size() > 253) {
    return name;
  }
  // libpsl wants a NUL-terminated string; names are at most 253 bytes.
  std::array<char, 256> buffer{};
  name.copy(buffer.data(), name.size());
  const psl_ctx_t* psl = Psl();
  if (psl == nullptr) {
    return name;
  }
  // A top-level label the list does not know (dnscat's direct mode, typos, ".lan"): no zone.
  const size_t last_dot = name.rfind('.');
  const char* tld = buffer.data() + (last_dot == std::string_view::npos ? 0 : last_dot + 1);
  if (psl_is_public_suffix2(psl, tld, PSL_TYPE_ANY | PSL_TYPE_NO_STAR_RULE) == 0) {
    return name.substr(name.size());
  }
  const char* registrable = psl_registrable_domain(psl, buffer.data());
  if (registrable == nullptr) {
    return name;
  }
  return name.substr(static_cast<size_t>(registrable - buffer.data()));
}

ZoneCache::ZoneCache(uint64_t seed) : seed_(seed), entries_(kEntries) {}

std::string_view ZoneCache::ZoneOf(std::string_view name) {
  const size_t dot = name.find('.');
  if (dot == std::string_view::npos || dot + 1 >= name.size()) {
    return dnsmon::ZoneOf(name);
  }
  const std::string_view parent = name.substr(dot + 1);
  // FNV-1a over the parent's bytes, then a seeded mix: names are short.
  uint64_t h = 0xcbf29ce484222325ULL ^ seed_;
  for (const char c : parent) {
    h = (h ^ static_cast<uint8_t>(c)) * 0x100000001b3ULL;
  }
  h ^= h >> 29;
  Entry& e = entries_[h % kEntries];
  if (e.kind != 0 && e.parent_hash == h && e.zone_len <= parent.size()) {
    ++hits_;
    return e.kind == 2 ? name.substr(name.size()) : name.substr(name.size() - e.zone_len);
  }
  ++misses_;
  const std::string_view zone = dnsmon::ZoneOf(name);
  if (zone.empty() || zone.size() <= parent.size()) {
    // The child's label is not part of the answer, so its siblings share it.
    e = Entry{h, static_cast<uint16_t>(zone.size()), static_cast<uint8_t>(zone.empty() ? 2 : 1)};
  }
  return zone;
}

double EntropyBits(std::string_view text) {
  if (text.empty()) {
    return 0;
  }
  std::array<uint16_t, 256> counts{};
  for (const char c : text) {
    counts[static_cast<uint8_t>(c)]++;
  }
  double bits = 0;
  const auto n = static_cast<double>(text.size());
  for (const uint16_t count : counts) {
    if (count != 0) {
      const double p = count / n;
      bits -= p * std::log2(p);
    }
  }
  return bits;
}

LabelShape ShapeOf(std::string_view name, std::string_view zone) {
  LabelShape shape;
  if (!zone.empty() && name.size() <= zone.size() + 1) {
    return shape;
  }
  const std::string_view child =
      zone.empty() ? name : name.substr(0, name.size() - zone.size() - 1);
  shape.child_len = static_cast<uint16_t>(child.size());
  const std::string_view first = child.substr(0, child.find('.'));
  shape.first_len = static_cast<uint16_t>(first.size());
  uint32_t digits = 0;
  uint32_t letters = 0;
  bool mirai_charset = true;
  for (const char c : first) {
    const bool digit = c >= '0' && c <= '9';
    const bool letter = c >= 'a' && c <= 'z';
    digits += digit ? 1 : 0;
    letters += letter ? 1 : 0;
    mirai_charset = mirai_charset && ((c >= 'a' && c <= 'w') || (c >= '0' && c <= '8'));
  }
  shape.mirai = first.size() == 12 && mirai_charset;
  // Machine-made: 8+ characters of letters and digits both, or 10+ with near-uniform use of
  // the alphabet (a word has repeats and no digits).
  if (first.size() >= 8 && digits + letters == first.size()) {
    shape.random =
        (digits >= 1 && letters >= 1) || (first.size() >= 10 && EntropyBits(first) >= 3.0);
  }
  shape.tunnel = (first.size() >= 30 || child.size() >= 40) && EntropyBits(child) >= 3.5;
  return shape;
}

}  // namespace rampart::dnsmon
