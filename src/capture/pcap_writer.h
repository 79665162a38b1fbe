#pragma once
#include <cstdint>
#include <cstdio>
#include <string>

#include "core/timestamp.h"

namespace rampart {

//! Writes classic pcap (nanosecond magic, this host's byte order). Used by the scenario
//! generator, by tests, and for attack samples. Buffered through stdio.
class PcapWriter {
 public:
  PcapWriter() = default;
  ~PcapWriter();
  PcapWriter(const PcapWriter&) = delete;
  PcapWriter& operator=(const PcapWriter&) = delete;

  //! Creates `path` ("-" = standard output). False with `error` on failure.
  bool Open(const std::string& path, uint16_t link_type, uint32_t snaplen, std::string* error);
  //! Writes one record; `wire_len` may exceed `cap_len` (a frame cut by the snap length).
  bool Write(TimestampNs ts, const uint8_t* data, uint32_t cap_len, uint32_t wire_len);
  bool Write(TimestampNs ts, const uint8_t* data, uint32_t len) {
    return Write(ts, data, len, len);
  }
  bool Close();

 private:
  FILE* file_ = nullptr;
  bool owns_ = false;
};

}  // namespace rampart
