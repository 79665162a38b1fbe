#pragma once
#include <memory>
#include <string>
#include <vector>

#include "capture/capture_reader.h"

namespace rampart {

//! Several capture files read as one timeline: packets come out in timestamp order across files
//! (ties go to the earlier file), each file keeping its own order.
class CaptureSet {
 public:
  //! Opens every file. False with "PATH: reason" in `error` at the first that cannot be read.
  bool Open(const std::vector<std::string>& paths, std::string* error);

  bool Next(RawPacket& packet) {
    if (readers_.size() == 1) {
      return readers_[0]->Next(packet);
    }
    return NextMerged(packet);
  }

  const std::vector<std::unique_ptr<CaptureReader>>& readers() const { return readers_; }
  //! Bytes consumed and total bytes known, for progress reporting.
  uint64_t BytesConsumed() const;
  uint64_t TotalBytes() const;

 private:
  bool NextMerged(RawPacket& packet);

  std::vector<std::unique_ptr<CaptureReader>> readers_;
  std::vector<RawPacket> pending_;
  std::vector<bool> has_pending_;
  size_t refill_ = SIZE_MAX;  // reader whose pending packet was handed out last
  bool primed_ = false;
};

}  // namespace rampart
