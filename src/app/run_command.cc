#include "app/run_command.h"

#include <fmt/format.h>

#include <cstdio>

#include "app/analyze_command.h"

namespace rampart {

int RunSensor(const sensor::RunOptions& options) {
  sensor::Sensor sensor(options);
  std::string error;
  if (!sensor.Start(&error)) {
    fmt::print(stderr, "rampart run: {}\n", error);
    return exit_code::kUsage;
  }
  return sensor.Run();
}

}  // namespace rampart
