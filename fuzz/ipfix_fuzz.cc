// Fuzzes the IPFIX decoder with templates, withdrawals, options, variable-length and enterprise
// fields that lie, over several datagrams from two exporters (netflow_fuzz.h). The control byte's
// top bit makes the message length agree with the datagram.
#include "fuzz_target.h"

#include <cstddef>
#include <cstdint>
#include <vector>

#include "netflow_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  rampart::flow::fuzz::RunDatagrams(data, size, [](uint8_t control, std::vector<uint8_t>& d) {
    d[1] = 10;
    if ((control & 0x80) != 0 && d.size() >= 4) {
      d[2] = static_cast<uint8_t>(d.size() >> 8);
      d[3] = static_cast<uint8_t>(d.size());
    }
  });
  return 0;
}
