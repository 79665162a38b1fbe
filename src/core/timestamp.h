#pragma once
#include <cstdint>
#include <string>

namespace rampart {

//! Nanoseconds since the Unix epoch, taken from the data (packet or flow), never the wall clock.
using TimestampNs = int64_t;

constexpr int64_t kNanosPerSecond = 1'000'000'000;

//! "2016-10-21T11:10:00.123456789Z"
std::string FormatIso8601(TimestampNs ts);

}  // namespace rampart
