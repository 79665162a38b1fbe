// Fuzzes the YAML configuration parser: whatever the file says, ParseConfig returns a config or
// errors with line numbers, and never throws or crashes.
#include <string_view>
#include <vector>

#include "config/config.h"
#include "fuzz_target.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<rampart::ConfigError> errors;
  const auto config =
      rampart::ParseConfig(std::string_view(reinterpret_cast<const char*>(data), size), &errors);
  if (!config && errors.empty()) {
    __builtin_trap();  // a refusal must say why
  }
  return 0;
}
