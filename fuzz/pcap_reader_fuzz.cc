// Fuzzes the classic pcap reader, and decodes every packet it yields.
#include "capture/pcap_reader.h"
#include "fuzz_target.h"
#include "read_capture.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return FuzzCaptureReader<rampart::PcapReader>(data, size);
}
