#include "capture/capture_set.h"

namespace rampart {

bool CaptureSet::Open(const std::vector<std::string>& paths, std::string* error) {
  for (const std::string& path : paths) {
    auto reader = std::make_unique<CaptureReader>();
    std::string reason;
    if (!reader->Open(path, &reason)) {
      error->assign(path).append(": ").append(reason);
      return false;
    }
    readers_.push_back(std::move(reader));
  }
  pending_.resize(readers_.size());
  has_pending_.assign(readers_.size(), false);
  return !readers_.empty();
}

bool CaptureSet::NextMerged(RawPacket& packet) {
  if (!primed_) {
    for (size_t i = 0; i < readers_.size(); ++i) {
      has_pending_[i] = readers_[i]->Next(pending_[i]);
    }
    primed_ = true;
  } else if (refill_ != SIZE_MAX) {
    has_pending_[refill_] = readers_[refill_]->Next(pending_[refill_]);
  }
  size_t best = SIZE_MAX;
  for (size_t i = 0; i < readers_.size(); ++i) {
    if (has_pending_[i] && (best == SIZE_MAX || pending_[i].ts_ns < pending_[best].ts_ns)) {
      best = i;
    }
  }
  refill_ = best;
  if (best == SIZE_MAX) {
    return false;
  }
  packet = pending_[best];
  return true;
}

uint64_t CaptureSet::BytesConsumed() const {
  uint64_t total = 0;
  for (const auto& reader : readers_) {
    total += reader->BytesConsumed();
  }
  return total;
}

uint64_t CaptureSet::TotalBytes() const {
  uint64_t total = 0;
  for (const auto& reader : readers_) {
    total += reader->facts().file_size;
  }
  return total;
}

}  // namespace rampart
