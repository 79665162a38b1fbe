#include "output/analysis_report.h"

#include <algorithm>

namespace rampart {

bool AnalysisReport::Damaged() const {
  return std::any_of(files.begin(), files.end(), [](const CaptureFileFacts& f) {
    return f.damage.status != CaptureStatus::kOk;
  });
}

bool HostReportOrder(const HostEntry& a, const HostEntry& b) {
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
}

std::vector<HostEntry> TopHosts(std::vector<HostEntry> entries, size_t limit) {
  if (limit < entries.size()) {
    std::partial_sort(entries.begin(), entries.begin() + static_cast<std::ptrdiff_t>(limit),
                      entries.end(), HostReportOrder);
    entries.resize(limit);
  } else {
    std::sort(entries.begin(), entries.end(), HostReportOrder);
  }
  return entries;
}

std::vector<HostEntry> TopHosts(const HostTable& table, size_t limit) {
  if (limit >= table.Size()) {
    return TopHosts(table.Entries(), limit);
  }
  // A heap whose top is the worst host kept so far.
  std::vector<HostEntry> heap;
  heap.reserve(limit + 1);
  if (limit == 0) {
    return heap;
  }
  table.ForEach([&heap, limit](const HostEntry& entry) {
    if (heap.size() < limit) {
      heap.push_back(entry);
      std::push_heap(heap.begin(), heap.end(), HostReportOrder);
    } else if (HostReportOrder(entry, heap.front())) {
      std::pop_heap(heap.begin(), heap.end(), HostReportOrder);
      heap.back() = entry;
      std::push_heap(heap.begin(), heap.end(), HostReportOrder);
    }
  });
  std::sort(heap.begin(), heap.end(), HostReportOrder);
  return heap;
}

}  // namespace rampart
