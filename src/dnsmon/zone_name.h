#pragma once
// Names as the water-torture detector sees them: the zone a query belongs to (the registrable
// domain by the Public Suffix List, through libpsl and Debian's `publicsuffix` data), and the
// shape of the label that sits in front of the zone.
#include <cstdint>
#include <string_view>
#include <vector>

namespace rampart::dnsmon {

//! The registrable domain of a lower-case presentation name ("abc.victim.co.uk" ->
//! "victim.co.uk"); the name itself when it is a public suffix or has no registrable part;
//! empty when its top-level label is not on the list at all (kInvalidTldZone groups those).
//! A view into `name`.
std::string_view ZoneOf(std::string_view name);

//! ZoneOf() with a memory: libpsl costs ~350 ns a name, and the names of one zone share their
//! parent. The registrable domain found for one child of a parent name holds for its siblings
//! when it does not include the child's own label (a zone under attack has millions of
//! random children and one parent). Direct-mapped, fixed size, seeded; one per worker.
class ZoneCache {
 public:
  explicit ZoneCache(uint64_t seed);
  std::string_view ZoneOf(std::string_view name);
  uint64_t hits() const { return hits_; }
  uint64_t misses() const { return misses_; }

 private:
  struct Entry {
    uint64_t parent_hash = 0;
    uint16_t zone_len = 0;  // the zone's bytes at the end of the name
    uint8_t kind = 0;       // 0 empty, 1 a zone, 2 no zone (unknown top-level label)
  };
  static constexpr size_t kEntries = 4096;
  uint64_t seed_;
  std::vector<Entry> entries_;
  uint64_t hits_ = 0;
  uint64_t misses_ = 0;
};

//! What the part in front of the zone looks like.
struct LabelShape {
  uint16_t child_len = 0;  // bytes in front of the zone (without the dot); 0 = the zone itself
  uint16_t first_len = 0;  // the leftmost label's length
  bool mirai = false;      // exactly 12 characters, all in [a-w0-8] (mirai-facts.md §2.3)
  bool random = false;     // looks machine-made: long, letters and digits mixed, few repeats
  bool tunnel = false;     // long high-entropy data: a leftmost label of 30+ or 40+ in front
};
//! `zone` empty: the whole name is the child part.
LabelShape ShapeOf(std::string_view name, std::string_view zone);

//! The zone that names under unknown top-level labels are counted in.
inline constexpr std::string_view kInvalidTldZone = "(invalid TLD)";

//! Shannon entropy in bits per character of `text` (0 for empty text).
double EntropyBits(std::string_view text);

}  // namespace rampart::dnsmon
