#pragma once
// Shared body of the capture-reader fuzz targets: open the input with one reader, read every
// packet and decode it, so that the decoder also sees whatever frames a hostile file yields.
#include <cstddef>
#include <cstdint>
#include <string>

#include "capture/input_buffer.h"
#include "decode/packet_decoder.h"

template <typename Reader>
int FuzzCaptureReader(const uint8_t* data, size_t size) {
  auto input = rampart::InputBuffer::FromMemory(data, size);
  rampart::CaptureFileFacts facts;
  Reader reader;
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
