// Fuzzes the FTP, POP3 and IMAP login parsers (the first byte picks the service, modulo 3),
// checking the sink's invariants (login_fuzz.h).
#include <cstddef>
#include <cstdint>

#include "fuzz_target.h"
#include "login_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) {
    return 0;
  }
  using rampart::iot::LoginService;
  constexpr LoginService kServices[] = {LoginService::kFtp, LoginService::kPop3,
                                        LoginService::kImap};
  rampart::iot::fuzz::RunSession(kServices[data[0] % 3], data + 1, size - 1);
  return 0;
}
