#pragma once
#include <chrono>
#include <cstdint>

namespace rampart {

//! A progress bar on stderr, drawn only when stderr is a terminal and the input size is known.
//! It reads the wall clock to limit redraws; that is display, not engine logic.
class ProgressBar {
 public:
  explicit ProgressBar(uint64_t total_bytes);
  ~ProgressBar();
  void Update(uint64_t done_bytes);
  void Finish();

 private:
  uint64_t total_ = 0;
  bool enabled_ = false;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_{};
};

}  // namespace rampart
