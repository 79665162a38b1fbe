#pragma once
// The one place the live sensor reads the wall clock: idle ticks and output pacing. Engine logic
// itself runs on packet time (docs/architecture.md); the wall clock only says how much packet
// time has passed when no packet arrives.
#include "core/timestamp.h"

namespace rampart::sensor {

//! CLOCK_REALTIME in nanoseconds: the base AF_PACKET and libpcap stamp packets with.
TimestampNs WallNowNs();
//! CLOCK_MONOTONIC in nanoseconds: intervals that must not jump when the clock is set.
TimestampNs MonotonicNowNs();

}  // namespace rampart::sensor
