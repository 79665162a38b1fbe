#include "capture/pcap_writer.h"

#include <cerrno>
#include <cstring>

namespace rampart {

PcapWriter::~PcapWriter() {
  Close();
}

bool PcapWriter::Open(const std::string& path, uint16_t link_type, uint32_t snaplen,
                      std::string* error) {
  if (path == "-") {
    file_ = stdout;
  } else {
    file_ = std::fopen(path.c_str(), "wb");
    owns_ = true;
  }
  if (file_ == nullptr) {
    *error = path + ": " + std::strerror(errno);
    return false;
  }
  std::setvbuf(file_, nullptr, _IOFBF, 1 << 20);
  struct {
    uint32_t magic = 0xa1b23c4d;  // nanosecond resolution
    uint16_t major = 2;
    uint16_t minor = 4;
    int32_t zone = 0;
    uint32_t sigfigs = 0;
    uint32_t snaplen = 0;
    uint32_t link_type = 0;
  } header;
  header.snaplen = snaplen;
  header.link_type = link_type;
  return std::fwrite(&header, sizeof header, 1, file_) == 1;
}

bool PcapWriter::Write(TimestampNs ts, const uint8_t* data, uint32_t cap_len, uint32_t wire_len) {
  const uint32_t record[4] = {static_cast<uint32_t>(ts / kNanosPerSecond),
                              static_cast<uint32_t>(ts % kNanosPerSecond), cap_len, wire_len};
  return std::fwrite(record, sizeof record, 1, file_) == 1 &&
         (cap_len == 0 || std::fwrite(data, cap_len, 1, file_) == 1);
}

bool PcapWriter::Close() {
  if (file_ == nullptr) {
    return true;
  }
  const bool ok = owns_ ? std::fclose(file_) == 0 : std::fflush(file_) == 0;
  file_ = nullptr;
  return ok;
}

}  // namespace rampart
