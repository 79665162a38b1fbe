// Fuzzes the DNS parser with names, pointers and counts that lie.
#include "fuzz_target.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "decode/dns.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  rampart::DnsMessage message;
  rampart::DecodeStats stats;
  rampart::ParseDns(data, static_cast<uint32_t>(size), message, stats);
  // The presentation name must stay printable ASCII whatever the packet held.
  for (const char c : message.Name()) {
    if (c < 0x21 || c > 0x7e) {
      __builtin_trap();
    }
  }
  return 0;
}
