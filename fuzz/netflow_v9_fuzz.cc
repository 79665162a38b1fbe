// Fuzzes the NetFlow v9 decoder (and v5, chosen by the control byte's top bit) with templates,
// options, sets and counts that lie, over several datagrams from two exporters (netflow_fuzz.h).
#include "fuzz_target.h"

#include <cstddef>
#include <cstdint>
#include <vector>

#include "netflow_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  rampart::flow::fuzz::RunDatagrams(data, size, [](uint8_t control, std::vector<uint8_t>& d) {
    d[1] = (control & 0x80) != 0 ? 5 : 9;
  });
  return 0;
}
