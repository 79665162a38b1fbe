// Fuzzes the pcapng reader (sections, interfaces, packet blocks), and decodes every packet.
#include "capture/pcapng_reader.h"
#include "fuzz_target.h"
#include "read_capture.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return FuzzCaptureReader<rampart::PcapngReader>(data, size);
}
