#pragma once
// The options every capture generator has (scenario.h, iot_scenario.h, dns_scenario.h).
#include <cstdint>
#include <string>

namespace rampart::scenario {

struct CaptureOptions {
  std::string out;               // capture file to write ("-" = standard output)
  uint64_t seed = 1;             // same seed, same options: byte-identical file
  int64_t start_s = 1477040400;  // first packet's time (2016-10-21 09:00 UTC)
};

}  // namespace rampart::scenario
