#pragma once
#include <memory>
#include <string>

#include "capture/input_buffer.h"
#include "capture/pcap_reader.h"
#include "capture/pcapng_reader.h"
#include "capture/raw_packet.h"

namespace rampart {

//! One capture file of either format, chosen by its first bytes. Dispatch is a branch, not a
//! virtual call, since it runs once per packet.
class CaptureReader {
 public:
  //! Opens `path` ("-" = standard input). False with a one-line `error` when the input cannot be
  //! read or is not a capture.
  bool Open(const std::string& path, std::string* error);
  //! Reads from memory the caller keeps alive (fuzzers and tests).
  bool OpenMemory(const uint8_t* data, size_t size, std::string* error);

  bool Next(RawPacket& packet) { return is_pcapng_ ? pcapng_.Next(packet) : pcap_.Next(packet); }

  const CaptureFileFacts& facts() const { return facts_; }
  uint64_t BytesConsumed() const { return input_ ? input_->Offset() : 0; }

 private:
  bool Start(std::string* error);

  std::unique_ptr<InputBuffer> input_;
  CaptureFileFacts facts_;
  bool is_pcapng_ = false;
  PcapReader pcap_;
  PcapngReader pcapng_;
};

}  // namespace rampart
