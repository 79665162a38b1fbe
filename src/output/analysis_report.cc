#include "output/analysis_report.h"

#include <algorithm>

namespace rampart {

bool AnalysisReport::Damaged() const {
  return std::any_of(files.begin(), files.end(), [](const CaptureFileFacts& f) {
    return f.damage.status != CaptureStatus::kOk;
  });
}

std::vector<HostEntry> TopHosts(std::vector<HostEntry> entries, size_t limit) {
  const auto order = [](const HostEntry& a, const HostEntry& b) {
    const uint64_t pa = a.counters.Packets();
    const uint64_t pb = b.counters.Packets();
    if (pa != pb) {
      return pa > pb;
    }
    const uint64_t ba = a.counters.rx_bytes + a.counters.tx_bytes;
    const uint64_t bb = b.counters.rx_bytes + b.counters.tx_bytes;
    if (ba != bb) {
      return ba > bb;
    }
    return a.address < b.address;
  };
  if (limit < entries.size()) {
    std::partial_sort(entries.begin(), entries.begin() + static_cast<std::ptrdiff_t>(limit),
                      entries.end(), order);
    entries.resize(limit);
  } else {
    std::sort(entries.begin(), entries.end(), order);
  }
  return entries;
}

}  // namespace rampart
