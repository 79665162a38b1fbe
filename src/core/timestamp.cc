#include "core/timestamp.h"

#include <fmt/format.h>

#include <ctime>

namespace rampart {

std::string FormatIso8601(TimestampNs ts) {
  int64_t seconds = ts / kNanosPerSecond;
  int64_t nanos = ts % kNanosPerSecond;
  if (nanos < 0) {
    nanos += kNanosPerSecond;
    seconds -= 1;
  }
  const auto t = static_cast<time_t>(seconds);
  struct tm parts {};
  gmtime_r(&t, &parts);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:09}Z", parts.tm_year + 1900,
                     parts.tm_mon + 1, parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec,
                     nanos);
}

}  // namespace rampart
