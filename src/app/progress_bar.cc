#include "app/progress_bar.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <string>

namespace rampart {

ProgressBar::ProgressBar(uint64_t total_bytes)
    : total_(total_bytes), enabled_(total_bytes > (64u << 20) && isatty(STDERR_FILENO) == 1) {}

ProgressBar::~ProgressBar() {
  Finish();
}

void ProgressBar::Update(uint64_t done_bytes) {
  if (!enabled_) {
    return;
  }
  const auto now = std::chrono::steady_clock::now();
  if (drawn_ && now - last_ < std::chrono::milliseconds(200)) {
    return;
  }
  last_ = now;
  drawn_ = true;
  constexpr int kWidth = 40;
  const double fraction =
      std::min(1.0, static_cast<double>(done_bytes) / static_cast<double>(total_));
  const int filled = static_cast<int>(fraction * kWidth);
  fmt::print(stderr, "\r[{}{}] {:5.1f}%  {} / {} MiB", std::string(filled, '#'),
             std::string(kWidth - filled, ' '), fraction * 100.0, done_bytes >> 20, total_ >> 20);
  std::fflush(stderr);
}

void ProgressBar::Finish() {
  if (enabled_ && drawn_) {
    fmt::print(stderr, "\r{:70}\r", "");
    std::fflush(stderr);
    drawn_ = false;
  }
}

}  // namespace rampart
