#pragma once
#include <string>

#include "capture/input_buffer.h"
#include "capture/raw_packet.h"

namespace rampart {

//! Reads classic pcap: microsecond and nanosecond timestamps, either byte order, and the
//! "modified" (Kuznetzov) variant with its longer record header.
class PcapReader {
 public:
  //! True when the first four bytes are one of pcap's magic numbers.
  static bool Sniff(const uint8_t* first4);

  //! Reads the file header. False (with `error`) when it is missing or cut short.
  bool Open(InputBuffer* input, CaptureFileFacts* facts, std::string* error);
  //! The next packet, or false at the end of the file or at damage (recorded in facts->damage).
  bool Next(RawPacket& packet);

 private:
  bool Damage(CaptureStatus status, std::string reason);

  InputBuffer* input_ = nullptr;
  CaptureFileFacts* facts_ = nullptr;
  bool swapped_ = false;
  bool nanosecond_ = false;
  uint32_t record_header_len_ = 16;
  uint32_t max_record_len_ = 0;
  uint16_t link_type_ = 0;
  bool done_ = false;
};

}  // namespace rampart
