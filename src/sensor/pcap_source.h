#pragma once
// Live capture through libpcap: the portable fallback for interfaces or kernels where the
// AF_PACKET ring is not available (docs/sensor.md). One handle per interface, one worker.
#include <cstdint>
#include <string>

#include "capture/raw_packet.h"
#include "sensor/af_packet_source.h"

struct pcap;

namespace rampart::sensor {

class PcapSource {
 public:
  struct Options {
    std::string interface;
    uint32_t buffer_mib = 64;
    uint32_t snaplen = 2048;
    bool promiscuous = true;
  };

  PcapSource() = default;
  ~PcapSource();
  PcapSource(const PcapSource&) = delete;
  PcapSource& operator=(const PcapSource&) = delete;

  bool Open(const Options& options, std::string* error);

  //! Hands up to one buffer's worth of frames to `on_frame`, waiting at most `timeout_ms`.
  template <typename OnFrame>
  size_t Poll(int timeout_ms, OnFrame&& on_frame) {
    if (!Wait(timeout_ms)) {
      return 0;
    }
    size_t n = 0;
    RawPacket packet;
    while (n < 4096 && Next(&packet)) {
      on_frame(static_cast<const RawPacket&>(packet));
      ++n;
    }
    counters_.packets += n;
    return n;
  }

  const CaptureCounters& Counters();
  const std::string& interface() const { return interface_; }

 private:
  bool Wait(int timeout_ms);
  bool Next(RawPacket* packet);

  pcap* handle_ = nullptr;
  int fd_ = -1;
  uint16_t link_type_ = 0;
  std::string interface_;
  CaptureCounters counters_;
};

}  // namespace rampart::sensor
