// Fuzzes the pcapng reader (sections, interfaces, packet blocks), and decodes every packet.
#include "fuzz_target.h"

#include <cstddef>
#include <cstdint>
#include <string>

#include "capture/input_buffer.h"
#include "capture/pcapng_reader.h"
#include "decode/packet_decoder.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto input = rampart::InputBuffer::FromMemory(data, size);
  rampart::CaptureFileFacts facts;
  rampart::PcapngReader reader;
  std::string error;
  if (!reader.Open(input.get(), &facts, &error)) {
    return 0;
  }
  rampart::RawPacket packet;
  rampart::PacketMeta meta;
  rampart::DecodeStats stats;
  while (reader.Next(packet)) {
    rampart::DecodePacket(packet, meta, stats);
  }
  return 0;
}
