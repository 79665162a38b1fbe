// Fuzzes the HTTP Basic login parser (pipelined requests, bodies, status lines), checking the
// sink's invariants (login_fuzz.h).
#include <cstddef>
#include <cstdint>

#include "fuzz_target.h"
#include "login_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  rampart::iot::fuzz::RunSession(rampart::iot::LoginService::kHttp, data, size);
  return 0;
}
