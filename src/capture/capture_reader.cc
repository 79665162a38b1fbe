#include "capture/capture_reader.h"

#include <fmt/format.h>

namespace rampart {

const char* CaptureStatusName(CaptureStatus status) {
  switch (status) {
    case CaptureStatus::kOk:
      return "ok";
    case CaptureStatus::kTruncated:
      return "truncated";
    case CaptureStatus::kCorrupt:
      return "corrupt";
  }
  return "unknown";
}

bool CaptureReader::Open(const std::string& path, std::string* error) {
  facts_.path = path;
  input_ = InputBuffer::Open(path, error);
  if (!input_) {
    return false;
  }
  return Start(error);
}

bool CaptureReader::OpenMemory(const uint8_t* data, size_t size, std::string* error) {
  facts_.path = "<memory>";
  input_ = InputBuffer::FromMemory(data, size);
  return Start(error);
}

bool CaptureReader::Start(std::string* error) {
  facts_.file_size = input_->TotalSize();
  const uint8_t* magic = input_->Peek(4);
  if (magic == nullptr) {
    *error =
        input_->Buffered() == 0 ? "empty file, not a capture" : "file too short to be a capture";
    return false;
  }
  if (PcapngReader::Sniff(magic)) {
    is_pcapng_ = true;
    return pcapng_.Open(input_.get(), &facts_, error);
  }
  if (PcapReader::Sniff(magic)) {
    is_pcapng_ = false;
    return pcap_.Open(input_.get(), &facts_, error);
  }
  *error = fmt::format("not a pcap or pcapng file (starts with {:02x} {:02x} {:02x} {:02x})",
                       magic[0], magic[1], magic[2], magic[3]);
  return false;
}

}  // namespace rampart
