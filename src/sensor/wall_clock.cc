#include "sensor/wall_clock.h"

#include <ctime>

namespace rampart::sensor {
namespace {

TimestampNs Read(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return static_cast<TimestampNs>(ts.tv_sec) * kNanosPerSecond +
         static_cast<TimestampNs>(ts.tv_nsec);
}

}  // namespace

TimestampNs WallNowNs() {
  return Read(CLOCK_REALTIME);
}
TimestampNs MonotonicNowNs() {
  return Read(CLOCK_MONOTONIC);
}

}  // namespace rampart::sensor
