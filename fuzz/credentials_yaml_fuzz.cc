// Fuzzes the default-credential file loader (operators' files are untrusted input too).
#include "fuzz_target.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "iot/credentials.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  rampart::iot::CredentialList list;
  std::string error;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const bool ok = list.AddYaml(text, "fuzz", &error);
  // Either entries within the documented bounds, or an error message and nothing added.
  if (ok) {
    for (size_t i = 0; i < list.size(); ++i) {
      const auto& entry = list.entry(i);
      if (entry.user.empty() || entry.user.size() > 63 || entry.password.size() > 127 ||
          list.Match(entry.user, entry.password) < 0) {
        __builtin_trap();
      }
    }
  } else if (error.empty() || list.size() != 0) {
    __builtin_trap();
  }
  return 0;
}
